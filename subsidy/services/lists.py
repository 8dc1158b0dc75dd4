"""The commune's proposal list (danh sách đề nghị) and its approval (domain.md §3, §5; issue 3 item 8).

build_proposal_list takes eligible applications from the waiting list in priority order up to the
quota left and refuses beyond it; approve_list records the approval of a whole list (decision
number, date, approving body) and moves its applications to ``approved``. The documents of both
lists (PDF and XLSX) are rendered from ``list_document`` by subsidy.documents.lists.

Membership is kept in ``proposal_list_entries`` (models.ProposalListEntry): an entry is written
when an application is put on a draft list, marked removed (never deleted) when it is taken off
the draft, and frozen at approval with the row the documents print. An approved list's page,
PDF and XLSX come from its frozen entries only: an approved list is a legal record and does not
change when an application on it is later withdrawn, refused or reopened, or its household's
data corrected. A draft list is still read live (``applications_on``: Application.proposal_list_id,
the application's current list).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from subsidy.db import utcnow
from subsidy.domain import decisions, tracking
from subsidy.domain.calendar import local_date, today_vn
from subsidy.domain.labels import SUPPORT_FORM_LABELS
from subsidy.domain.workflow import State
from subsidy.models import Application, AuditEntry, Household, ProposalList, ProposalListEntry, Receipt, User
from subsidy.services import allocations, audit, rulesets, workflow
from subsidy.services.errors import Conflict, InvalidFields, NotFound, ServiceError


def get(session: Session, list_id: int) -> ProposalList:
    """The proposal list with this id. Raises NotFound."""
    pl = session.get(ProposalList, list_id)
    if pl is None:
        raise NotFound("Không có danh sách này.")
    return pl


def all_lists(session: Session) -> list[ProposalList]:
    """Every proposal list, newest first."""
    return list(session.scalars(select(ProposalList).order_by(ProposalList.id.desc())))


def open_draft(session: Session) -> ProposalList | None:
    """The newest draft list, if any."""
    return session.scalar(select(ProposalList).where(ProposalList.status == "draft")
                          .order_by(ProposalList.id.desc()).limit(1))


def _next_number(session: Session) -> str:
    n = (session.scalar(select(func.count()).select_from(ProposalList)) or 0) + 1
    while True:
        number = f"{n:02d}/DS-UBND"
        if session.scalar(select(ProposalList.id).where(ProposalList.number == number)) is None:
            return number
        n += 1


def new_list(session: Session, actor: User | None, *, number: str | None = None,
             created_on: dt.date | None = None) -> ProposalList:
    """A new, empty draft list. ``number`` defaults to the next "NN/DS-UBND" (NN counts every list
    ever made, so numbers never repeat). Raises Conflict for a number already used."""
    number = (number or "").strip() or _next_number(session)
    if session.scalar(select(ProposalList.id).where(ProposalList.number == number)) is not None:
        raise Conflict(f"Đã có danh sách số {number}. Hãy chọn số khác hoặc để trống để hệ thống tự đánh số.")
    pl = ProposalList(number=number, created_on=created_on or today_vn(),
                      created_by_id=actor.id if actor is not None else None, status="draft")
    session.add(pl)
    session.flush()
    audit.record(session, actor, "proposal_list.create", "proposal_list", pl.id, {"number": [None, number]})
    return pl


def propose(session: Session, application: Application, proposal_list: ProposalList, actor: User | None,
            *, check_quota: bool = True) -> None:
    """Put one eligible application on the draft ``proposal_list`` (eligible → proposed, clerk)
    and write its entry (ProposalListEntry: who added it, when). Refused (ServiceError) when the
    list is approved or, with ``check_quota``, when no place of the quota is left. Raises the
    workflow's errors for an illegal move."""
    if proposal_list.status != "draft":
        raise ServiceError(f"Danh sách {proposal_list.number} đã được phê duyệt; không thêm hồ sơ được. Hãy lập danh sách mới.")
    if check_quota:
        q = allocations.quota(session, lock=True)
        if q.left <= 0:
            raise ServiceError(
                f"Vượt chỉ tiêu: đã phân bổ {q.allocated} máy và đã dùng {q.used} chỗ. Hồ sơ vẫn ở danh sách chờ "
                "và sẽ được xét khi có thêm phân bổ hoặc có hộ rút hồ sơ."
            )
    workflow.move(session, application, State.proposed, actor,
                  f"Đưa vào danh sách đề nghị {proposal_list.number}")
    application.proposal_list_id = proposal_list.id
    application.proposal_list = proposal_list
    session.add(ProposalListEntry(proposal_list_id=proposal_list.id, application_id=application.id,
                                  added_by_id=actor.id if actor is not None else None))


def propose_one(session: Session, application: Application, actor: User | None) -> ProposalList:
    """Propose one eligible application now, on the open draft list (or a new one), keeping the
    priority order: refused (ServiceError) when no place is left, or when the application is not
    among the first ``quota left`` of the waiting list (higher-priority households wait before it)."""
    q = allocations.quota(session, lock=True)
    if q.left <= 0:
        raise ServiceError(f"Vượt chỉ tiêu: đã phân bổ {q.allocated} máy và đã dùng {q.used} chỗ. Hồ sơ ở danh sách chờ.")
    head = allocations.waiting_list(session, q.left)
    if application not in head:
        raise ServiceError(
            f"Còn {q.left} chỗ nhưng có hộ ưu tiên hơn (hoặc nộp trước) đang chờ; hồ sơ này chưa đến lượt. "
            "Hãy lập danh sách từ danh sách chờ để giữ đúng thứ tự ưu tiên."
        )
    pl = open_draft(session) or new_list(session, actor)
    propose(session, application, pl, actor, check_quota=False)
    session.flush()
    return pl


def build_proposal_list(session: Session, actor: User | None, *, count: int | None = None,
                        number: str | None = None, created_on: dt.date | None = None) -> ProposalList:
    """Build a draft proposal list from the waiting list in priority order, up to the quota left.

    ``count``: how many to propose (default: as many as the quota allows); asking for more than
    the quota left is refused, as is building with no place left or nobody waiting (ServiceError).
    Returns the list with its applications proposed. Source: domain.md §3; issue 3 items 7–8.
    """
    q = allocations.quota(session, lock=True)
    if q.allocated == 0:
        raise ServiceError("Chưa ghi nhận phân bổ máy nào cho xã. Hãy ghi phân bổ (số máy, văn bản) trước khi lập danh sách.")
    if q.left <= 0:
        raise ServiceError(f"Đã hết chỉ tiêu: đã phân bổ {q.allocated} máy, đã dùng {q.used} chỗ. "
                           "Các hộ đủ điều kiện còn lại ở danh sách chờ.")
    if count is not None:
        if count < 1:
            raise ServiceError("Số hộ đưa vào danh sách phải từ 1 trở lên.")
        if count > q.left:
            raise ServiceError(f"Vượt chỉ tiêu: chỉ còn {q.left} chỗ, không đưa được {count} hộ vào danh sách.")
    waiting = allocations.waiting_list(session, count or q.left)
    if not waiting:
        raise ServiceError("Không có hồ sơ đủ điều kiện nào đang chờ. Hãy kiểm tra điều kiện các hồ sơ mới nhận trước.")
    pl = new_list(session, actor, number=number, created_on=created_on)
    for app in waiting:
        propose(session, app, pl, actor, check_quota=False)
    session.flush()
    return pl


def promote_waiting(session: Session, actor: User | None, proposal_list: ProposalList | None = None) -> list[Application]:
    """Fill the free places from the head of the waiting list: propose the first ``quota left``
    waiting applications on ``proposal_list`` (default: the newest draft list, or a new one).

    Returns the applications proposed. Raises ServiceError when no place is free or nobody waits;
    the workflow's errors for a role that may not propose (clerk only). Source: domain.md §3.
    """
    q = allocations.quota(session, lock=True)
    if q.left <= 0:
        raise ServiceError(f"Không còn chỉ tiêu trống (đã phân bổ {q.allocated}, đã dùng {q.used}).")
    nxt = allocations.waiting_list(session, q.left)
    if not nxt:
        raise ServiceError("Không có hồ sơ đủ điều kiện nào đang chờ.")
    if proposal_list is None:
        proposal_list = open_draft(session)
    if proposal_list is None:
        proposal_list = new_list(session, actor)
    for app in nxt:
        propose(session, app, proposal_list, actor, check_quota=False)
    session.flush()
    return nxt


def applications_on(session: Session, proposal_list: ProposalList) -> list[Application]:
    """The applications on a list in priority order (tier, date received, id), households loaded."""
    return list(session.scalars(
        select(Application).options(joinedload(Application.household))
        .where(Application.proposal_list_id == proposal_list.id)
        .order_by(Application.priority_tier.is_(None), Application.priority_tier, Application.received_on,
                  Application.id)))


def approve_list(session: Session, proposal_list: ProposalList, decision_number: str, decision_date: dt.date,
                 approving_body: str, actor: User | None, *, at: dt.datetime | None = None) -> list[Application]:
    """Record the approval of a whole draft list: decision number, date and approving body; every
    application still proposed on it moves to ``approved`` (approver only; the workflow decides),
    and the list's entries are frozen in priority order (``position`` = the STT printed, with the
    printed row as it stands now): from then on the approved list's page and documents come from
    those entries only (see ``list_document``).

    The three facts are checked and normalised by subsidy.domain.decisions.check_decision: the
    number as Nghị định 30/2020/NĐ-CP writes it ("số 12 / qđ-ubnd" is stored "12/QĐ-UBND",
    "<script>…" is refused), the body as plain text, the date not in the future nor before the
    list was made.

    Raises ServiceError for a list already approved or an empty list; InvalidDecision (a
    ServiceError; ``field_errors`` per form field) for a wrong number, date or body. Source:
    domain.md §5 (E3: on a list approved by the competent authority); issue 3 item 8.
    """
    if proposal_list.status != "draft":
        raise ServiceError(f"Danh sách {proposal_list.number} đã được phê duyệt rồi "
                           f"(Quyết định số {proposal_list.decision_number}).")
    decision, _reason, errors = _decision_checks(proposal_list, decision_number, decision_date, approving_body,
                                                 today=today_vn())
    if errors:
        raise InvalidDecision(errors)
    assert decision is not None
    decision_number, decision_date, approving_body = decision.number, decision.date, decision.body
    apps = [a for a in applications_on(session, proposal_list) if a.state == State.proposed.value]
    if not apps:
        raise ServiceError("Danh sách không còn hồ sơ nào để phê duyệt.")
    reason = f"Quyết định số {decision_number} ngày {decision_date:%d/%m/%Y} của {approving_body}"
    for app in apps:
        workflow.move(session, app, State.approved, actor, reason, at=at)
    proposal_list.status = "approved"
    proposal_list.decision_number = decision_number
    proposal_list.decision_date = decision_date
    proposal_list.approving_body = approving_body
    proposal_list.approved_by_id = actor.id if actor is not None else None
    proposal_list.approved_at = at or dt.datetime.now(dt.timezone.utc)
    _freeze(session, proposal_list, apps, actor)
    audit.record(session, actor, "proposal_list.approve", "proposal_list", proposal_list.id,
                 {"status": ["draft", "approved"], "decision_number": [None, decision_number],
                  "decision_date": [None, decision_date], "approving_body": [None, approving_body],
                  "applications": [None, len(apps)]})
    session.flush()
    return apps


class InvalidDecision(InvalidFields):
    """The decision number, date or approving body of an approval (or of its correction, and its
    reason) is wrong. ``field_errors`` maps each wrong form field ("decision_number",
    "decision_date", "approving_body", "reason") to its Vietnamese message, in form order;
    ``field`` is the first of them and ``str(err)`` joins them all. Nothing was saved."""

    def __init__(self, field_errors: dict[str, str]):
        super().__init__(field_errors)
        self.field = next(iter(self.field_errors))


def _reason_error(reason: str | None) -> tuple[str, str | None]:
    """The reason of a correction on one line, and what is wrong with it (None if nothing)."""
    reason = " ".join((reason or "").split())
    if not reason:
        return reason, "Hãy ghi rõ lý do sửa (ví dụ: gõ nhầm số quyết định, đúng là số in trên quyết định)."
    if len(reason) > 1000:
        return reason, f"Lý do sửa dài {len(reason)} ký tự, quá 1000 ký tự: hãy viết ngắn lại."
    return reason, None


def _recorded_on(proposal_list: ProposalList, today: dt.date) -> dt.date:
    """The day (Asia/Ho_Chi_Minh) the approval of ``proposal_list`` was entered; ``today`` if unknown."""
    approved_at = proposal_list.approved_at
    if approved_at is None:
        return today
    if approved_at.tzinfo is None:
        approved_at = approved_at.replace(tzinfo=dt.timezone.utc)
    return local_date(approved_at)


def _decision_checks(proposal_list: ProposalList, number: str | None, day: dt.date | None, body: str | None, *,
                     today: dt.date, correction: bool = False, reason: str | None = None,
                     ) -> tuple[decisions.Decision | None, str, dict[str, str]]:
    """Every check of an approval of ``proposal_list`` (``correction=False``) or of a correction
    of it (``correction=True``: the date also not after the day the approval was recorded, and
    ``reason`` checked): (the checked decision or None, the reason on one line, {form field:
    Vietnamese message}, empty when every value is right). Saves and locks nothing."""
    decision: decisions.Decision | None = None
    errors: dict[str, str] = {}
    try:
        decision = decisions.check_decision(number, day, body, list_created_on=proposal_list.created_on, today=today,
                                            recorded_on=_recorded_on(proposal_list, today) if correction else None)
    except decisions.DecisionFieldsError as err:
        errors = dict(err.errors)
    reason, wrong_reason = _reason_error(reason) if correction else ("", None)
    if wrong_reason:
        errors["reason"] = wrong_reason
    return decision, reason, errors


def decision_field_errors(proposal_list: ProposalList, decision_number: str | None, decision_date: dt.date | None,
                          approving_body: str | None, reason: str | None = None, *, correction: bool = False,
                          today: dt.date | None = None) -> dict[str, str]:
    """What approve_list (``correction=False``) or correct_decision (``correction=True``, with
    ``reason``) would say about each field, without saving or locking anything: {form field:
    Vietnamese message}, empty when every value is right. For a view whose form refused some
    fields itself, so the others' mistakes show after the same submit."""
    return _decision_checks(proposal_list, decision_number, decision_date, approving_body,
                            today=today or today_vn(), correction=correction, reason=reason)[2]


#: The facts of an approval a correction may change, in the order the audit entry lists them.
DECISION_FIELDS = ("decision_number", "decision_date", "approving_body")


def correct_decision(session: Session, proposal_list: ProposalList, decision_number: str, decision_date: dt.date,
                     approving_body: str, reason: str, actor: User | None, *,
                     today: dt.date | None = None) -> dict[str, list[Any]]:
    """Correct the decision number, date and/or approving body of an approved list (a number or
    date typed wrong at approval), approver only, with a written reason.

    The new values are checked as at approval (subsidy.domain.decisions.check_decision); the
    date may also not be after the day the approval was recorded (``approved_at``, Asia/Ho_Chi_Minh).
    Only ``proposal_lists`` changes: the frozen entries, the applications' states and their
    history (the approval event's reason keeps the number as it was then) are untouched. The
    list's page and every document built afterwards (list PDF/XLSX, receipts issued from now on)
    print the corrected values; a receipt already issued keeps its stored snapshot, and a reprint
    of it prints what it printed before.

    Audited as "proposal_list.correct_decision" with {field: [old, new]} for the fields that
    changed and the reason as note. Returns those changes.

    Raises ServiceError for a role other than approver, a list not approved or no change at all;
    InvalidDecision with every wrong field at once (a wrong number, date or body, an empty
    reason or one over 1000 characters, under "reason"). The list
    row is locked (SELECT … FOR UPDATE on PostgreSQL) so two corrections at once are applied one
    after the other, each audited with the values it replaced. Source: domain.md §5 (each step
    records who did it and when; nothing is deleted).
    """
    if actor is None or actor.role != "approver":
        raise ServiceError("Chỉ lãnh đạo phê duyệt (vai trò approver) được sửa số, ngày hoặc cơ quan của quyết định "
                           "phê duyệt danh sách.")
    session.refresh(proposal_list, with_for_update=True)  # the values replaced are the ones stored now
    if proposal_list.status != "approved":
        raise ServiceError(f"Danh sách {proposal_list.number} chưa được phê duyệt: chưa có quyết định để sửa. "
                           "Hãy ghi nhận phê duyệt với số, ngày và cơ quan đúng.")
    decision, reason, errors = _decision_checks(proposal_list, decision_number, decision_date, approving_body,
                                                today=today or today_vn(), correction=True, reason=reason)
    if errors:
        raise InvalidDecision(errors)
    assert decision is not None
    before = {f: getattr(proposal_list, f) for f in DECISION_FIELDS}
    after = {"decision_number": decision.number, "decision_date": decision.date, "approving_body": decision.body}
    changes = {f: [before[f], after[f]] for f in DECISION_FIELDS if before[f] != after[f]}
    if not changes:
        raise ServiceError("Các giá trị mới giống hệt quyết định đang ghi: không có gì để sửa. "
                           "Hãy sửa số, ngày hoặc cơ quan phê duyệt.")
    for f, (_old, new) in changes.items():
        setattr(proposal_list, f, new)
    audit.record(session, actor, "proposal_list.correct_decision", "proposal_list", proposal_list.id,
                 changes, note=reason)
    session.flush()
    return changes


DECISION_FIELD_LABELS = {"decision_number": "Số quyết định", "decision_date": "Ngày quyết định",
                         "approving_body": "Cơ quan phê duyệt"}


@dataclass(frozen=True)
class DecisionCorrection:
    """One correction of a list's decision, for its page: ``changes`` = (label, old, new) per field
    changed, dates dd/mm/yyyy; ``actor`` = the approver's full name (or username)."""

    at: dt.datetime
    actor: str
    changes: tuple[tuple[str, str, str], ...]
    reason: str


def shown_value(field: str, value: Any) -> str:
    """A decision field's value as a page shows it: a date (object or ISO text, as the audit log
    keeps it) dd/mm/yyyy, None as ""."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if field == "decision_date":
        try:
            return f"{dt.date.fromisoformat(str(value)):%d/%m/%Y}"
        except ValueError:
            return str(value)
    return str(value)


def decision_corrections(session: Session, proposal_list: ProposalList) -> list[DecisionCorrection]:
    """The corrections of ``proposal_list``'s decision, oldest first, from the audit log (entries
    "proposal_list.correct_decision"): what each changed, who, when, why."""
    entries = session.scalars(
        select(AuditEntry).options(joinedload(AuditEntry.actor))
        .where(AuditEntry.entity_type == "proposal_list", AuditEntry.entity_id == proposal_list.id,
               AuditEntry.action == "proposal_list.correct_decision")
        .order_by(AuditEntry.id))
    out = []
    for e in entries:
        changes = tuple((DECISION_FIELD_LABELS[f], shown_value(f, e.changes[f][0]), shown_value(f, e.changes[f][1]))
                        for f in DECISION_FIELDS if f in (e.changes or {}))
        who = ((e.actor.full_name or "").strip() or e.actor.username) if e.actor is not None else ""
        out.append(DecisionCorrection(e.at, who, changes, e.note or ""))
    return out


def receipts_issued(session: Session, proposal_list: ProposalList) -> int:
    """How many receipts (biên bản bàn giao, giấy biên nhận; void ones excluded) were issued for
    the applications of an approved list: they keep the decision they printed (their snapshot)
    whatever is corrected afterwards. 0 for a draft."""
    return session.scalar(
        select(func.count()).select_from(Receipt)
        .join(ProposalListEntry, ProposalListEntry.application_id == Receipt.application_id)
        .where(ProposalListEntry.proposal_list_id == proposal_list.id, ProposalListEntry.frozen_at.is_not(None),
               Receipt.voided_at.is_(None))) or 0


def remove_from_list(session: Session, application: Application, reason: str, actor: User | None) -> None:
    """Take a proposed application off its draft list (proposed → eligible, clerk, reason needed);
    it goes back to the waiting list in its priority place. Its entry on the list is marked
    removed with the reason (``leave_draft``), not deleted."""
    pl = application.proposal_list
    if pl is not None and pl.status != "draft":
        raise ServiceError("Danh sách đã được phê duyệt; muốn bỏ hồ sơ thì phải rút hoặc từ chối hồ sơ.")
    workflow.move(session, application, State.eligible, actor, reason)
    leave_draft(session, application, reason, actor)
    session.flush()


def leave_draft(session: Session, application: Application, reason: str, actor: User | None) -> ProposalListEntry | None:
    """Take ``application`` off the draft list it is on: clears Application.proposal_list_id and
    marks its live entry removed (removed_at now, removed_by_id, removal_reason = ``reason``),
    audited as "proposal_list.remove_entry" on the list. The entry stays on record (a list's
    history of who was put on it and taken off, and why).

    Does nothing and returns None when the application is on no list or on an approved list (an
    approved list's entries are frozen: leaving it is the caller's business, e.g. a reopening
    clears the pointer but the approved list keeps its row). Returns the removed entry, or None
    when the list had no live entry for it (the pointer is still cleared). The workflow move that
    takes the application off is the caller's (remove_from_list, applications.withdraw/refuse).
    """
    pl = application.proposal_list
    if pl is None or pl.status != "draft":
        return None
    application.proposal_list_id = None
    entry = session.scalar(select(ProposalListEntry).where(
        ProposalListEntry.proposal_list_id == pl.id, ProposalListEntry.application_id == application.id,
        ProposalListEntry.removed_at.is_(None)))
    if entry is None:
        return None
    entry.removed_at = utcnow()
    entry.removed_by_id = actor.id if actor is not None else None
    entry.removal_reason = (reason or "").strip() or "(không ghi lý do)"
    audit.record(session, actor, "proposal_list.remove_entry", "proposal_list", pl.id,
                 {"application_id": [application.id, None]}, note=entry.removal_reason)
    return entry


# --------------------------------------------------------------------------------------------
# Entries: the permanent record of a list
# --------------------------------------------------------------------------------------------

#: What a list document prints for one row, copied onto the entry at approval.
SNAPSHOT_FIELDS = ("head_name", "head_birth_year", "citizen_id", "phone", "hamlet", "category", "priority_tier",
                   "tier_label", "support_form", "purchase_date", "tracking_code", "received_on", "note")



def _spec_for(session: Session, proposal_list: ProposalList):
    try:
        return rulesets.spec_of(rulesets.in_force(session, proposal_list.created_on))
    except ServiceError:
        return None


def _tier_label(spec, tier: int | None) -> str:
    if spec and tier and tier <= len(spec.priority):
        return spec.priority[tier - 1].id
    return f"P{tier}" if tier else ""


def _row_facts(application: Application, spec) -> dict[str, Any]:
    """The facts a list row prints for ``application`` now (SNAPSHOT_FIELDS)."""
    h: Household = application.household
    return {
        "head_name": h.head_name, "head_birth_year": h.head_birth_year, "citizen_id": h.citizen_id,
        "phone": h.phone, "hamlet": h.hamlet, "category": h.category, "priority_tier": application.priority_tier,
        "tier_label": _tier_label(spec, application.priority_tier), "support_form": application.support_form,
        "purchase_date": application.purchase_date, "tracking_code": application.tracking_code,
        "received_on": application.received_on, "note": application.note,
    }


def _entry_facts(entry: ProposalListEntry) -> dict[str, Any]:
    return {k: getattr(entry, k) for k in SNAPSHOT_FIELDS}


def _freeze(session: Session, proposal_list: ProposalList, apps: list[Application], actor: User | None) -> None:
    """Freeze the entries of ``proposal_list`` being approved with ``apps`` (priority order): each
    gets its position and printed row. An approved application with no live entry (put on the
    list by other means than ``propose``) gets one now; a live entry whose application is not
    approved with the list (no longer proposed) is marked removed, so the record is exactly the
    list the decision names."""
    live = {e.application_id: e for e in session.scalars(select(ProposalListEntry).where(
        ProposalListEntry.proposal_list_id == proposal_list.id, ProposalListEntry.removed_at.is_(None)))}
    spec = _spec_for(session, proposal_list)
    at = proposal_list.approved_at
    approved_ids = {a.id for a in apps}
    for app_id, entry in live.items():
        if app_id not in approved_ids:
            entry.removed_at = at
            entry.removed_by_id = actor.id if actor is not None else None
            entry.removal_reason = "Không còn ở trạng thái «Đã đưa vào danh sách đề nghị» khi danh sách được phê duyệt"
    for position, app in enumerate(apps, start=1):
        entry = live.get(app.id)
        if entry is None:
            entry = ProposalListEntry(proposal_list_id=proposal_list.id, application_id=app.id, added_at=at,
                                      added_by_id=actor.id if actor is not None else None)
            session.add(entry)
        entry.position = position
        entry.frozen_at = at
        for k, v in _row_facts(app, spec).items():
            setattr(entry, k, v)


def frozen_entries(session: Session, proposal_list: ProposalList) -> list[ProposalListEntry]:
    """The frozen entries of an approved list in their printed order (position); [] for a draft."""
    return list(session.scalars(select(ProposalListEntry).where(
        ProposalListEntry.proposal_list_id == proposal_list.id, ProposalListEntry.frozen_at.is_not(None))
        .order_by(ProposalListEntry.position)))


def removed_entries(session: Session, proposal_list: ProposalList) -> list[ProposalListEntry]:
    """Entries taken off ``proposal_list`` while it was a draft (oldest removal first), with their
    application and household loaded: who was removed, when, by whom and why."""
    return list(session.scalars(
        select(ProposalListEntry)
        .options(joinedload(ProposalListEntry.application).joinedload(Application.household))
        .where(ProposalListEntry.proposal_list_id == proposal_list.id, ProposalListEntry.removed_at.is_not(None))
        .order_by(ProposalListEntry.removed_at, ProposalListEntry.id)))


@dataclass(frozen=True)
class PageRow:
    """One household on a list's page. For an approved list every field but ``state`` is as frozen
    at approval; ``state`` is the application's state now (a withdrawal after approval shows
    there, the row stays)."""

    application_id: int
    rank: int
    name: str
    tier_label: str
    state: str
    hamlet: str
    category: str | None
    cash: bool
    received_on: dt.date | None


def page_rows(session: Session, proposal_list: ProposalList) -> list[PageRow]:
    """The rows of a list's page: an approved list's frozen entries in their printed order, or a
    draft list's applications now (``applications_on``)."""
    if proposal_list.status == "approved":
        entries = frozen_entries(session, proposal_list)
        states = dict(session.execute(select(Application.id, Application.state).where(
            Application.id.in_([e.application_id for e in entries]))).all()) if entries else {}
        return [PageRow(e.application_id, e.position, e.head_name, e.tier_label or "", states.get(e.application_id, ""),
                        e.hamlet, e.category, e.support_form == "cash", e.received_on) for e in entries]
    return [PageRow(a.id, i, a.household.head_name, _tier_label(None, a.priority_tier), a.state,
                    a.household.hamlet, a.household.category, a.support_form == "cash", a.received_on)
            for i, a in enumerate(applications_on(session, proposal_list), start=1)]


def list_sizes(session: Session, proposal_lists: list[ProposalList]) -> dict[int, int]:
    """{list id: households on it}: an approved list's frozen entries, a draft list's applications
    now. Two grouped queries whatever the number of lists."""
    approved = [pl.id for pl in proposal_lists if pl.status == "approved"]
    drafts = [pl.id for pl in proposal_lists if pl.status != "approved"]
    out = {pl.id: 0 for pl in proposal_lists}
    if approved:
        out.update(session.execute(select(ProposalListEntry.proposal_list_id, func.count())
                                   .where(ProposalListEntry.proposal_list_id.in_(approved),
                                          ProposalListEntry.frozen_at.is_not(None))
                                   .group_by(ProposalListEntry.proposal_list_id)).all())
    if drafts:
        out.update(session.execute(select(Application.proposal_list_id, func.count())
                                   .where(Application.proposal_list_id.in_(drafts))
                                   .group_by(Application.proposal_list_id)).all())
    return out


# --------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------


def list_document(session: Session, proposal_list: ProposalList, *, kind: str, issuer, on: dt.date | None = None,
                  prepared_by: str | None = None):
    """The data of a list document (subsidy.documents.lists.ListDocument).

    ``prepared_by``: the name under "NGƯỜI LẬP DANH SÁCH"; None (the default) = the full name of
    the user who drew up the list (ProposalList.created_by_id), whoever downloads it; "" when
    that user is unknown or has no full name (signed by hand).

    ``kind``: "proposal" (danh sách đề nghị) or "approved" (danh sách được phê duyệt: only for
    an approved list). The rows of an approved list, either kind, are its frozen entries
    (``frozen_entries``) exactly as at approval: an application withdrawn, refused or reopened
    later keeps its row and its STT, and a household's data corrected later does not change it;
    the date printed defaults to the decision date (approved) or the day the list was made
    (proposal), so a later download prints the same document. A draft list's proposal document
    is its applications still proposed now, dated ``on`` (default today). ``issuer``:
    subsidy.documents.base.Issuer. Raises ServiceError for an approved document of a draft list.
    """
    from subsidy.documents.lists import ListDocument
    if kind not in ("proposal", "approved"):
        raise ValueError(kind)
    if kind == "approved" and proposal_list.status != "approved":
        raise ServiceError("Danh sách chưa được phê duyệt nên chưa có danh sách phê duyệt.")
    if proposal_list.status == "approved":
        facts = [_entry_facts(e) for e in frozen_entries(session, proposal_list)]
        default_date = proposal_list.decision_date if kind == "approved" else proposal_list.created_on
    else:
        spec = _spec_for(session, proposal_list)
        facts = [_row_facts(a, spec) for a in applications_on(session, proposal_list)
                 if a.state == State.proposed.value]
        default_date = None
    rows = [_list_row(i, f) for i, f in enumerate(facts, start=1)]
    if prepared_by is None:
        creator = session.get(User, proposal_list.created_by_id) if proposal_list.created_by_id else None
        prepared_by = (creator.full_name or "").strip() if creator is not None else ""
    return ListDocument(
        kind=kind, issuer=issuer, number=proposal_list.number, date=on or default_date or today_vn(),
        created_on=proposal_list.created_on, decision_number=proposal_list.decision_number,
        decision_date=proposal_list.decision_date, approving_body=proposal_list.approving_body,
        rows=rows, prepared_by=prepared_by,
    )


def _list_row(stt: int, f: Mapping[str, Any]):
    """One printed row (documents.lists.ListRow) from the facts of SNAPSHOT_FIELDS, live or frozen."""
    from subsidy.documents.lists import ListRow

    if f["support_form"] == "cash":
        form = SUPPORT_FORM_LABELS["cash"].column + (
            f", mua máy {f['purchase_date']:%d/%m/%Y}" if f["purchase_date"] else "")
    else:
        form = SUPPORT_FORM_LABELS["package"].column
    return ListRow(
        stt=stt, name=f["head_name"], birth_year=f["head_birth_year"], citizen_id=f["citizen_id"] or "",
        phone=f["phone"] or "", hamlet=f["hamlet"], category=f["category"] or "",
        tier=f["tier_label"] or "", form=form, tracking_code=tracking.display(f["tracking_code"]),
        received_on=f["received_on"], note=f["note"] or "", cash=f["support_form"] == "cash",
    )
