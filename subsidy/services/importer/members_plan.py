"""Planning a per-person list's members: whose personal ID is already another household's, and
which households' member lists change.

A member's ID that belongs to another household's head or member (across the instance: a person
is one person, domain.md §10) makes its row an error, as does a head's ID that is another
household's member's, unless the person moves within the file (the household on file that holds
the ID is in the same file and no longer lists it): a warning then names the move.  A household whose members as read differ from those on file has them
replaced (``ImportPlan.members``); the preview and the audit entry show the change as
``people`` (names, relation, birth year: never the IDs).  Reads only.
"""
from __future__ import annotations

from operator import attrgetter
from typing import Any, Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from subsidy.domain import household_list as hl
from subsidy.domain import vn
from subsidy.models import HouseholdMember
from subsidy.services.households.people import MEMBER_FIELDS, id_owners, member_summary


#: The columns of a member as stored, as a tuple in the order of MEMBER_FIELDS (``position`` and
#: ``household_id`` are the caller's): ``member_row(record)`` → ``("Lê Thị Lan", "Vợ", None, 1972, …)``.
member_row: Callable[[hl.MemberRecord], tuple] = attrgetter(*MEMBER_FIELDS)


def check_person_ids(session: Session, planned: Sequence[tuple[Any, hl.HouseholdRecord, Any]]) -> None:
    """Add a Vietnamese message to each planned row (``(outcome, record, target)``) whose member's
    ID belongs to a household other than the row's, or whose head's ID belongs to another
    household's member.  One query per thousand IDs.

    A person who moves within the file is not a clash: when the household on file that holds the
    ID is itself in this per-person file and no longer lists the ID (its head's row names another
    person, its members' rows leave the person out), the row gets a warning saying who moves from
    which household, and the write replaces both households' members (bulk_write).  Should the
    household the person leaves be refused (an error on its row), the move is refused too."""
    wanted = [m.citizen_id for _out, rec, _t in planned if rec.people for m in rec.people if m.citizen_id]
    heads = [rec.citizen_id for _out, rec, _t in planned if rec.citizen_id]
    if not wanted and not (heads and session.scalar(select(HouseholdMember.id).limit(1)) is not None):
        return  # no member anywhere: a head's ID can only clash with a head's (plan_import's check)
    owners = id_owners(session, wanted + heads)
    # The IDs each household of this file will hold once written, and its row (per-person rows only:
    # a per-household row says nothing about members).
    holds: dict[int, set[str]] = {}
    row_of: dict[int, Any] = {}
    for out, rec, target in planned:
        if target is not None and rec.people is not None:
            holds[target.id] = {rec.citizen_id or ""} | {m.citizen_id for m in rec.people if m.citizen_id}
            row_of[target.id] = out
    moves: list[tuple[Any, Any, str]] = []  # (destination row, source row, message if refused)

    def moved(out: Any, cid: str, owner: Any, own_id: int | None, who: str) -> bool:
        if owner.household_id not in holds or cid in holds[owner.household_id] or owner.household_id == own_id:
            return False
        out.add_warning(
            f"{who} (CCCD {cid}) chuyển từ hộ mã {owner.code} sang hộ này: trong cùng tệp, hộ mã {owner.code} "
            "không còn ghi người này. Khi nhập, người này được chuyển sang hộ này.")
        moves.append((out, row_of[owner.household_id],
                      f"{who} (CCCD {cid}) chuyển từ hộ mã {owner.code}, nhưng dòng của hộ mã {owner.code} có lỗi "
                      "nên không nhập được: hãy sửa dòng đó trước (hoặc bỏ người này khỏi hộ này)."))
        return True

    for out, rec, target in planned:
        own_id = target.id if target is not None else None
        if rec.citizen_id:
            owner = owners.get(rec.citizen_id)
            if owner is not None and owner.role == "member" and owner.household_id != own_id and not moved(
                    out, rec.citizen_id, owner, own_id, f"Chủ hộ {rec.head_name}"):
                out.add_message(
                    f"Số CCCD {rec.citizen_id} của chủ hộ đã là của {owner.describe()}. Mỗi người chỉ thuộc một "
                    "hộ: hãy kiểm tra lại số CCCD, hoặc sửa danh sách thành viên của hộ kia trước.")
        for m in rec.people or ():
            owner = owners.get(m.citizen_id) if m.citizen_id else None
            if owner is not None and owner.household_id != own_id and not moved(
                    out, m.citizen_id, owner, own_id, f"Thành viên {m.name}"):
                out.add_message(
                    f"Số CCCD {m.citizen_id} của thành viên {m.name} đã là của {owner.describe()}. Mỗi người chỉ "
                    "thuộc một hộ: hãy kiểm tra lại số CCCD của thành viên này.")
    # A move out of a household whose own row is refused would leave the person in two households.
    changed = True
    while changed:
        changed = False
        for dest, source, refusal in moves:
            if source.messages and refusal not in dest.messages:
                dest.add_message(refusal)
                changed = True


def existing_members(session: Session, planned: Sequence[tuple[Any, hl.HouseholdRecord, Any]]
                     ) -> dict[int, list[tuple]]:
    """``{household id: [member as a tuple of MEMBER_FIELDS]}`` for the planned rows matched to a
    household on file that list members (a per-person list)."""
    ids = [t.id for _out, rec, t in planned if t is not None and rec.people is not None]
    out: dict[int, list[tuple]] = {}
    columns = [HouseholdMember.household_id, *(getattr(HouseholdMember, f) for f in MEMBER_FIELDS)]
    # Plain rows, not ORM objects: a commune's list holds tens of thousands of members.
    for start in range(0, len(ids), 1000):
        for row in session.execute(select(*columns).where(HouseholdMember.household_id.in_(ids[start:start + 1000]))
                                   .order_by(HouseholdMember.household_id, HouseholdMember.position)):
            out.setdefault(row[0], []).append(tuple(row[1:]))
    return out


def member_change(rec: hl.HouseholdRecord, on_file: list[tuple] | None) -> list[Any] | None:
    """``[before, after]`` (lists of member summaries) when the row's members differ from those on
    file, else None.  A per-household list (``rec.people is None``) never changes members."""
    if rec.people is None:
        return None
    new = [member_row(m) for m in rec.people]
    old = on_file or []
    if new == old:
        return None
    as_dict = [dict(zip(MEMBER_FIELDS, t)) for t in old]
    return [[member_summary(d) for d in as_dict] or None, [member_summary(m) for m in rec.people]]


def masked_ids(rec: hl.HouseholdRecord) -> list[str]:
    """The members' IDs as the audit log keeps them (masked: vn.mask_id)."""
    return [vn.mask_id(m.citizen_id) for m in rec.people or () if m.citizen_id]
