"""A list's life before the decision: submitting it to the approver (it is numbered then), and
emptying or cancelling a draft (see the package docstring and models.ProposalList).

Numbering at submission keeps the register without gaps: a draft that is given up was never
numbered. Emptying and cancelling take every application off the list (proposed → eligible, with
the reason: they go back to the waiting list in their priority place), mark their entries removed,
and are audited; nothing is deleted.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.domain.workflow import State
from subsidy.models import Application, ProposalList, User
from subsidy.services import audit, workflow
from subsidy.services.errors import ServiceError
from subsidy.services.lists.drafting import LIST_SYMBOL, OPEN_STATUSES, applications_on, leave_draft, next_number


def _live_count(session: Session, proposal_list: ProposalList) -> int:
    return session.scalar(select(func.count()).select_from(Application)
                          .where(Application.proposal_list_id == proposal_list.id)) or 0


def submit_list(session: Session, proposal_list: ProposalList, actor: User | None, *,
                symbol: str = LIST_SYMBOL) -> str:
    """Send the draft ``proposal_list`` to the approver: status «submitted», its document number
    given now (the next of the register, drafting.next_number, unless it already has one), who and
    when; audited "proposal_list.submit". Returns the number. Raises ServiceError for a list that
    is not a draft or holds no application. ``symbol``: the list's ký hiệu (drafting.next_number).
    Source: domain.md §5, §7 (document numbers)."""
    if proposal_list.status != "draft":
        raise ServiceError(f"Danh sách {proposal_list.number} không còn là dự thảo; không trình lại được.")
    if not _live_count(session, proposal_list):
        raise ServiceError("Danh sách chưa có hồ sơ nào: hãy đưa hồ sơ vào trước khi trình phê duyệt.")
    old = proposal_list.register_number
    number = old or next_number(session, symbol, commune_id=proposal_list.commune_id)
    proposal_list.register_number = number
    proposal_list.status = "submitted"
    proposal_list.submitted_at = utcnow()
    proposal_list.submitted_by_id = actor.id if actor is not None else None
    audit.record(session, actor, "proposal_list.submit", "proposal_list", proposal_list.id,
                 {"status": ["draft", "submitted"], "number": [old, number]})
    session.flush()
    return number


def empty_list(session: Session, proposal_list: ProposalList, reason: str, actor: User | None) -> int:
    """Take every application off a list not yet approved (draft or submitted): each goes back to
    «eligible» and the waiting list (the workflow's "unpropose", with ``reason``), its entry marked
    removed. Audited "proposal_list.empty". Returns how many left. Raises ServiceError for an
    approved or cancelled list or no reason; the workflow's errors for a role that may not."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Hãy ghi lý do (ví dụ: lập lại danh sách theo phân bổ mới).")
    if proposal_list.status not in OPEN_STATUSES:
        raise ServiceError(f"Danh sách {proposal_list.number} đã được phê duyệt hoặc đã hủy; không bỏ hồ sơ ra được.")
    apps = applications_on(session, proposal_list)
    for app in apps:
        if app.state == State.proposed.value:
            workflow.move(session, app, State.eligible, actor, f"Bỏ khỏi danh sách {proposal_list.number}: {reason}")
        leave_draft(session, app, reason, actor)
        app.proposal_list_id = None
    audit.record(session, actor, "proposal_list.empty", "proposal_list", proposal_list.id,
                 {"applications": [len(apps), 0]}, note=reason)
    session.flush()
    return len(apps)


def cancel_list(session: Session, proposal_list: ProposalList, reason: str, actor: User | None) -> int:
    """Cancel a list not yet approved: empty it (empty_list) and mark it «cancelled»; it stays on
    record (its removed entries say who was on it) and, if it was never submitted, it never had a
    number. Audited "proposal_list.cancel". Returns how many applications left it. Raises like
    empty_list."""
    n = empty_list(session, proposal_list, reason, actor)
    old = proposal_list.status
    proposal_list.status = "cancelled"
    audit.record(session, actor, "proposal_list.cancel", "proposal_list", proposal_list.id,
                 {"status": [old, "cancelled"]}, note=reason.strip())
    session.flush()
    return n
