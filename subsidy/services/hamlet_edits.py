"""A commune's hamlets edited by the admin (services.communes): the refusal of an edit from a page
older than the list (services.versions), and what a rename carries: the commune's households
stored under the old name (domain.md §1, §10: hamlets are data per commune, households store the
hamlet's name). Every function flushes with the caller's transaction and never commits."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.models import AuditEntry, Commune, Household, User
from subsidy.models.scoping import ALL_COMMUNES
from subsidy.services import audit, versions

#: The log's actions that change a commune's list of hamlets (under the commune's entries).
HAMLET_ACTIONS = ("hamlet.create", "hamlet.update")
#: What a refused hamlet edit says to do next.
_HAMLETS_HOW = ("Hãy mở lại trang của xã (mục «Xã» trong «Quản trị») để xem danh sách ấp / thôn mới nhất, "
                "rồi sửa lại.")


def _hamlet_change_words(entry: AuditEntry) -> tuple[str, ...]:
    """A hamlet change of the log as the refusal names it («tên ấp: Thôn 1 → Thôn Một»)."""
    c = entry.changes or {}
    if entry.action == "hamlet.create":
        return (f"thêm ấp / thôn {(c.get('hamlet') or [None, ''])[1]}",)
    name = c.get("name")
    out = []
    if name:
        out.append(f"tên ấp: {name[0]} → {name[1]}")
    if "active" in c:
        which = name[1] if name else (entry.note or "").removeprefix("Ấp / thôn ").strip("«»")
        out.append(f"{'dùng lại' if c['active'][1] else 'ngừng dùng'} ấp {which}".rstrip())
    return tuple(out)


def check_unchanged(session: Session, commune: Commune, seen: int | None) -> None:
    """Refuse a hamlet edit (add, rename, deactivate) from a page that showed the commune at
    version ``seen`` (services.versions; None: not checked) when any of its hamlets was added or
    changed since: the page's list is no longer what is stored. Locks the commune's row first, so
    two edits of the same list wait for each other. Raises StaleVersion naming who changed which
    hamlet when (nothing written), InvalidFields for a version the commune never had."""
    versions.lock(session, Commune, commune.id, not_found="Không tìm thấy xã này.")
    versions.check_unchanged(session, "commune", commune.id, seen, fields=None, actions=HAMLET_ACTIONS,
                             what=f"danh sách ấp / thôn của {commune.name}", how=_HAMLETS_HOW,
                             describe=_hamlet_change_words)


def households_per_hamlet(session: Session, commune_id: int) -> dict[str, int]:
    """How many of the commune's households (archived ones too) each hamlet name is stored on:
    {name: count}, names no household has left out (what a rename of that hamlet carries)."""
    rows = session.execute(select(Household.hamlet, func.count()).where(Household.commune_id == commune_id)
                           .group_by(Household.hamlet), execution_options={ALL_COMMUNES: True}).all()
    return {name: int(n) for name, n in rows if name}


@dataclass(frozen=True)
class HamletSaved:
    """What a hamlet's save did: its name before and after, and how many of the commune's
    households were carried from the old name to the new one (0 without a rename)."""

    old_name: str
    name: str
    households: int

    def message(self) -> str:
        """The confirmation the admin reads (Vietnamese)."""
        if self.old_name == self.name:
            return f"Đã lưu ấp / thôn «{self.name}»."
        return (f"Đã đổi tên «{self.old_name}» thành «{self.name}»; {self.households} hộ của xã chuyển sang tên mới. "
                "Danh sách đã phê duyệt và giấy tờ đã in giữ tên in lúc đó.")


def carry_households(session: Session, commune_id: int, old: str, new: str, actor: User | None) -> int:
    """Every household of ``commune_id`` stored under hamlet ``old`` moved to ``new``, each audited
    (one bulk INSERT per thousand); returns how many."""
    where = (Household.commune_id == commune_id, Household.hamlet == old)
    ids = list(session.scalars(select(Household.id).where(*where).order_by(Household.id),
                               execution_options={ALL_COMMUNES: True}))
    if not ids:
        return 0
    session.execute(update(Household).where(*where).values(hamlet=new, updated_at=utcnow())
                    .execution_options(synchronize_session="fetch", **{ALL_COMMUNES: True}))
    note = f"Đổi tên ấp / thôn «{old}» thành «{new}» trong danh sách của xã"
    audit.record_many(session, actor, "household.update", "household",
                      [(i, {"hamlet": [old, new]}, note) for i in ids], commune_id=commune_id)
    return len(ids)
