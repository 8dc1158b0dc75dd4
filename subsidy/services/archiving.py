"""Archiving a household that may still hold a live application.

A household is archived when it left the commune, died out or was entered twice. Its application,
if one is still before handover, would otherwise keep a place on the waiting list or a proposal
list, and the household would silently stop counting in the quota ceiling (poor and near-poor
households on file, domain.md §3). So the clerk sees both consequences first, confirms, and the
application is withdrawn with the archive's reason in the same transaction (domain.md §5: withdraw
at any state before handover; an approved list keeps its frozen row).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from subsidy.domain import tracking
from subsidy.domain.labels import STATE_LABELS
from subsidy.domain.workflow import BEFORE_HANDOVER
from subsidy.models import Application, Household, User
from subsidy.services import allocations, applications
from subsidy.services import households as households_svc
from subsidy.services.errors import FieldError

#: The reason prefix written on a withdrawn application, so its history says why.
WITHDRAW_PREFIX = "Hộ được lưu trữ"


@dataclass(frozen=True)
class LiveApplication:
    """An application of the household still before handover: its tracking code and state label."""
    id: int
    tracking_code: str
    state_label: str


#: What a reader who does not see poverty status is told about the ceiling (no count: whether it
#: falls tells whether the household is poor or near-poor).
CEILING_MAY_FALL = ("Lưu trữ hộ có thể làm giảm trần phân bổ của xã (số hộ nghèo, cận nghèo trong danh sách); "
                    "công chức xã và cấp phân bổ xem được số cụ thể.")


@dataclass(frozen=True)
class ArchivePreview:
    """What archiving the household would change.

    ``live``: its applications before handover (withdrawn by the archive); ``ceiling_now`` and
    ``ceiling_after``: poor and near-poor households on file of its commune, before and after
    (counts; equal when the household has no category); ``allocated``: phones allocated to the
    commune (count). ``over_ceiling`` is true when the allocation would then exceed the ceiling.
    The three counts are None for a reader who does not see poverty status: whether the ceiling
    falls tells whether the household is poor or near-poor (domain.md §9)."""
    live: tuple[LiveApplication, ...]
    ceiling_now: int | None
    ceiling_after: int | None
    allocated: int | None

    @property
    def ceiling_may_fall(self) -> str:
        """:data:`CEILING_MAY_FALL`, the sentence shown instead of the counts when they are None."""
        return CEILING_MAY_FALL

    @property
    def over_ceiling(self) -> bool:
        return self.allocated is not None and self.ceiling_after is not None and self.allocated > self.ceiling_after


def live_applications(session: Session, household: Household) -> tuple[LiveApplication, ...]:
    """The household's applications in a state before handover (received … approved)."""
    rows = session.scalars(select(Application).where(
        Application.household_id == household.id,
        Application.state.in_([s.value for s in BEFORE_HANDOVER])).order_by(Application.id))
    return tuple(LiveApplication(a.id, a.tracking_code, STATE_LABELS[a.state]) for a in rows)


def archive_preview(session: Session, household: Household, *, poverty_shown: bool = True) -> ArchivePreview:
    """What :func:`archive_household` would do to ``household`` (read only). ``poverty_shown``:
    the reader sees poverty status (domain.scope.sees_poverty_status); when False the ceiling
    counts are left out (None), since their change tells the household's category."""
    live = live_applications(session, household)
    if not poverty_shown:
        return ArchivePreview(live=live, ceiling_now=None, ceiling_after=None, allocated=None)
    commune_id = household.commune_id
    now = allocations.poor_household_count(session, commune_id)
    counted = household.category is not None and not household.archived
    return ArchivePreview(live=live, ceiling_now=now,
                          ceiling_after=now - 1 if counted else now,
                          allocated=allocations.allocated_total(session, commune_id))


def archive_household(session: Session, household_id: int, actor: User | None, reason: str | None = None,
                      *, withdraw_live: bool = False) -> ArchivePreview:
    """Archive a household; with a live application, withdraw it first (same transaction).

    ``withdraw_live`` is the clerk's confirmation, required when the household has an application
    before handover; a reason is then required too (it is written on the withdrawn application as
    "Hộ được lưu trữ: <reason>"). Returns the preview computed before the change (what was
    withdrawn, the ceiling before and after). Raises :class:`FieldError` (``withdraw_live`` or
    ``reason``) when the confirmation or the reason is missing, NotFound for an unknown household,
    ServiceError when it is archived already, and the workflow's errors. Audited by the moves
    (``application.withdrawn``, ``household.archive``). Source: domain.md §3, §5."""
    household = households_svc.get_household(session, household_id)
    preview = archive_preview(session, household)
    if preview.live and not household.archived:
        codes = ", ".join(f"{tracking.display(a.tracking_code)} («{a.state_label}»)" for a in preview.live)
        if not withdraw_live:
            raise FieldError((
                f"Hộ này còn hồ sơ đang xử lý: {codes}. Lưu trữ hộ sẽ rút hồ sơ này và trả chỗ cho hộ kế tiếp "
                "trong danh sách chờ. Hãy đánh dấu ô xác nhận để tiếp tục, hoặc giữ hộ lại."), "withdraw_live")
        if not (reason or "").strip():
            raise FieldError("Hãy ghi lý do lưu trữ: lý do này cũng được ghi vào hồ sơ bị rút.", "reason")
        for live in preview.live:
            applications.withdraw(session, session.get(Application, live.id),
                                  f"{WITHDRAW_PREFIX}: {reason.strip()}", actor)
    households_svc.archive_household(session, household_id, actor, reason)
    return preview
