"""The life of a complaint, petition or denunciation as a transition table.

Complaint (khiếu nại, Luật Khiếu nại 2011): received → accepted (thụ lý, Điều 27) or refused
(không thụ lý, with a legal reason of Điều 11) → in_review → decided (upheld / partly upheld /
rejected / withdrawn / transferred; Điều 31) → closed, or appealed: a second complaint (Điều 33)
is recorded as a new case linked to the first, which is then "appealed". A complaint whose first
decision is overdue may be appealed before any decision (Điều 33: "hết thời hạn … mà không được
giải quyết").

Petition (kiến nghị, phản ánh; Luật Tiếp công dân 2013, Điều 28): received → decided (answered,
transferred or not accepted) → closed.

Denunciation (tố cáo, Luật Tố cáo 2018): received → forwarded to the competent authority → closed;
never handled by the person it names (:func:`may_handle`).

Anonymous petitions are recorded as "filed" and not processed (no move leaves "filed").

Who decides follows the contested decision: the pseudo-role ``DECIDER`` in the table stands for the
role of the case's deciding level (:func:`decider_role`): the commune's approver for a decision
of the commune, the province approver for a list the province approved; a second complaint goes
to the level above (:func:`second_level`).

Pure Python: imports neither Flask nor SQLAlchemy.
"""
from __future__ import annotations

from dataclasses import dataclass

from subsidy.domain.labels import (
    COMPLAINT_MOVE_LABELS, COMPLAINT_OUTCOME_LABELS, COMPLAINT_STATE_LABELS, PETITION_OUTCOME_LABELS,
    REFUSAL_REASON_LABELS, ROLE_LABELS,
)
from subsidy.domain.workflow import IllegalTransition, ReasonRequired, RoleNotAllowed, WorkflowError

KINDS: tuple[str, ...] = ("complaint", "petition", "denunciation")
STATES: tuple[str, ...] = tuple(COMPLAINT_STATE_LABELS)
#: States in which a case is still open (its deadlines run).
OPEN_STATES: frozenset[str] = frozenset({"received", "accepted", "in_review"})
OUTCOMES: tuple[str, ...] = tuple(COMPLAINT_OUTCOME_LABELS)
PETITION_OUTCOMES: tuple[str, ...] = tuple(PETITION_OUTCOME_LABELS)
REFUSAL_REASONS: tuple[str, ...] = tuple(REFUSAL_REASON_LABELS)
LEVELS: tuple[str, ...] = ("commune", "province", "ministry")

#: Stands for the role of the level that decides this case (see decider_role).
DECIDER = "@decider"
CLERK = frozenset({"clerk"})
CLERK_OR_DECIDER = frozenset({"clerk", DECIDER})
STAFF_HANDLERS = frozenset({"clerk", "approver"})


@dataclass(frozen=True)
class ComplaintMove:
    """One allowed move: ``name`` (audit action complaint.<name>), ``roles`` (DECIDER = the case's
    deciding role), ``needs_reason`` (a written reason or recipient), ``needs_outcome``,
    ``only_when_overdue`` (an appeal before a decision: only once the decision is overdue),
    ``only_after_decision`` (an appeal of a closed case: only when it was closed after a decision
    on the merits, not after a refusal or a withdrawal)."""

    name: str
    roles: frozenset[str]
    needs_reason: bool = False
    needs_outcome: bool = False
    only_when_overdue: bool = False
    only_after_decision: bool = False

    @property
    def label(self) -> str:
        return COMPLAINT_MOVE_LABELS[self.name]


TRANSITIONS: dict[tuple[str, str, str], ComplaintMove] = {
    ("complaint", "received", "accepted"): ComplaintMove("accept", CLERK),
    ("complaint", "received", "refused"): ComplaintMove("refuse", CLERK_OR_DECIDER, needs_reason=True),
    ("complaint", "accepted", "in_review"): ComplaintMove("review", CLERK),
    ("complaint", "accepted", "decided"): ComplaintMove("decide", frozenset({DECIDER}), needs_outcome=True),
    ("complaint", "in_review", "decided"): ComplaintMove("decide", frozenset({DECIDER}), needs_outcome=True),
    ("complaint", "decided", "closed"): ComplaintMove("close", CLERK_OR_DECIDER),
    ("complaint", "refused", "closed"): ComplaintMove("close", CLERK_OR_DECIDER),
    ("complaint", "decided", "appealed"): ComplaintMove("appeal", CLERK),
    # Closing the file does not shorten the household's time to complain again (Điều 33).
    ("complaint", "closed", "appealed"): ComplaintMove("appeal", CLERK, only_after_decision=True),
    ("complaint", "accepted", "appealed"): ComplaintMove("appeal", CLERK, only_when_overdue=True),
    ("complaint", "in_review", "appealed"): ComplaintMove("appeal", CLERK, only_when_overdue=True),
    ("petition", "received", "decided"): ComplaintMove("answer", STAFF_HANDLERS, needs_outcome=True),
    ("petition", "decided", "closed"): ComplaintMove("close", STAFF_HANDLERS),
    ("denunciation", "received", "forwarded"): ComplaintMove("forward", STAFF_HANDLERS, needs_reason=True),
    ("denunciation", "forwarded", "closed"): ComplaintMove("close", STAFF_HANDLERS),
}


class NamedPersonMayNotHandle(WorkflowError):
    """A denunciation is handled by someone other than the person it names (Luật Tố cáo 2018)."""


class AppealNotYetAllowed(WorkflowError):
    """An appeal before the first decision, while that decision is not yet overdue."""


class NoDecisionToAppeal(WorkflowError):
    """A second complaint about a closed case that was never decided on the merits."""


class OutcomeRequired(WorkflowError):
    """A decision or answer without a valid outcome."""


def decider_role(level: str) -> str:
    """The staff role that decides at ``level``: "commune" → "approver" (Chủ tịch UBND xã, whose
    body issued the contested decision), "province" → "province_approver"; "ministry" (the level
    above the province, outside this system) → "province_officer", who records its decision.
    Raises ValueError for an unknown level."""
    roles = {"commune": "approver", "province": "province_approver", "ministry": "province_officer"}
    if level not in roles:
        raise ValueError(f"unknown level {level}")
    return roles[level]


def second_level(first_level: str) -> str:
    """The level that hears the second complaint: the one above the first (Luật Khiếu nại 2011,
    Điều 7 khoản 1, Điều 18–21): commune → province, province → ministry."""
    return {"commune": "province", "province": "ministry"}[first_level]


def first_level(approval_level: str, province_approved: bool) -> str:
    """The level that hears a first complaint about an application: the province when the list
    the household was on (or is contesting) was approved by the province (``province_approved``,
    or the commune's ``approval_level`` is "province" for a list still to come), else the commune."""
    return "province" if province_approved or approval_level == "province" else "commune"


def may_handle(actor_id: int | None, named_user_id: int | None) -> bool:
    """False when ``actor_id`` is the staff member the denunciation names (Luật Tố cáo 2018,
    Điều 13: the person denounced may not settle it)."""
    return named_user_id is None or actor_id != named_user_id


def _state_label(state: str) -> str:
    return COMPLAINT_STATE_LABELS.get(state, state)


def check_move(kind: str, current: str, target: str, role: str, level: str, *, reason: str | None = None,
               outcome: str | None = None, overdue: bool = False, decided: bool = False) -> ComplaintMove:
    """The move of a case of ``kind`` from ``current`` to ``target`` by ``role`` when the case is
    heard at ``level``; raises IllegalTransition, RoleNotAllowed, ReasonRequired, OutcomeRequired
    AppealNotYetAllowed or NoDecisionToAppeal (Vietnamese messages). ``overdue``: the first
    decision's deadline has passed (an appeal before a decision needs it); ``decided``: the case
    had a decision on the merits (upheld, partly upheld, rejected; an appeal of a closed case needs it)."""
    if target not in COMPLAINT_STATE_LABELS:
        # A step name not in the table (a tampered form): never echo it back.
        raise IllegalTransition("Không có bước này cho đơn: hãy chọn một bước trên trang của đơn.")
    move = TRANSITIONS.get((kind, current, target))
    if move is None:
        raise IllegalTransition(f"Không thể chuyển đơn từ «{_state_label(current)}» sang «{_state_label(target)}».")
    allowed = {decider_role(level) if r == DECIDER else r for r in move.roles}
    if role not in allowed:
        who = ", ".join(sorted(ROLE_LABELS.get(r, r) for r in allowed))
        raise RoleNotAllowed(f"Bước «{move.label}» dành cho: {who}; tài khoản «{ROLE_LABELS.get(role, role)}» "
                             f"không được thực hiện bước này.")
    if move.needs_reason and not (reason or "").strip():
        raise ReasonRequired(f"Bước «{move.label}» cần ghi rõ lý do (hoặc nơi chuyển đơn).")
    if move.needs_outcome:
        valid = PETITION_OUTCOMES if kind == "petition" else OUTCOMES
        if outcome not in valid:
            raise OutcomeRequired(f"Bước «{move.label}» cần chọn kết quả giải quyết.")
    if move.only_when_overdue and not overdue:
        raise AppealNotYetAllowed("Chỉ được khiếu nại lần hai trước khi có quyết định lần đầu khi đã hết thời hạn "
                                  "giải quyết lần đầu (Luật Khiếu nại 2011, Điều 33).")
    if move.only_after_decision and not decided:
        raise NoDecisionToAppeal("Đơn này được đóng mà không có quyết định giải quyết lần đầu (không thụ lý hoặc "
                                 "rút đơn): không có quyết định để khiếu nại lần hai (Luật Khiếu nại 2011, Điều 33).")
    return move


def appealable_decision(outcome: str | None, refused: bool) -> bool:
    """True when a first complaint's ``outcome`` is a decision on the merits that a second
    complaint can contest (Luật Khiếu nại 2011, Điều 33): upheld, partly upheld or rejected — not
    a refusal to accept (``refused``), a withdrawal or a transfer."""
    return not refused and outcome in ("upheld", "partly_upheld", "rejected")


def allowed_moves(kind: str, current: str, role: str, level: str) -> list[tuple[str, ComplaintMove]]:
    """[(target, move)] that ``role`` may make on a case of ``kind`` in ``current`` at ``level``."""
    out = []
    for (k, s, t), move in TRANSITIONS.items():
        if k == kind and s == current:
            roles = {decider_role(level) if r == DECIDER else r for r in move.roles}
            if role in roles:
                out.append((t, move))
    return out
