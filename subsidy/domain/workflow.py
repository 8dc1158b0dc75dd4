"""The life of an application as an explicit state machine (domain.md §5).

received (tiếp nhận) → eligible / not_eligible (checked) → proposed (on the danh sách đề nghị)
→ approved → handed_over (phone) / paid (cash) → closed. An application can be withdrawn or
refused from any state before handover, always with a reason. A voided handover or payment
returns the application to approved. A withdrawn or refused application can be reopened
(→ received, with a reason: the household applies again, or a refusal is reconsidered), since a
household has one application per programme; it is then checked again from the start.
A correction of the facts the check read (date received, form of support, purchase date, evidence)
invalidates the check: from eligible, not eligible, proposed or approved the application goes back
to received (clerk, with a reason), off any list it was on, so an approved decision is never
changed silently: it goes back through a new check, a new list and the approver. After handover
or payment a correction is refused (void first).

``TRANSITIONS`` is the one table that says which role may make which move. ``check_move`` raises
a named ``WorkflowError`` for an illegal move and changes nothing; services call it before they
change a state and record an ApplicationEvent and an audit entry after. Its messages are the one
home of what a refused move says: for a move that needs others first (withdrawing a handed-over
application: the approver voids the handover first) they name those steps and who makes them,
read off the same table (:func:`steps_first`).

Pure Python: imports neither Flask nor SQLAlchemy.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from subsidy.domain.labels import MOVE_LABELS, REOPEN_LABELS, ROLE_LABELS, STATE_LABELS


class State(str, enum.Enum):
    received = "received"
    eligible = "eligible"
    not_eligible = "not_eligible"
    proposed = "proposed"
    approved = "approved"
    handed_over = "handed_over"
    paid = "paid"
    closed = "closed"
    withdrawn = "withdrawn"
    refused = "refused"


#: Every state, in the order of the life of an application (the database's check constraint, the
#: API's filter and the queues list them in this order).
STATES: tuple[str, ...] = tuple(s.value for s in State)

#: States with no way out. Withdrawn and refused are not: they can be reopened (→ received).
TERMINAL = frozenset({State.closed})


@dataclass(frozen=True)
class Move:
    """One allowed move: its name (used in audit entries), who may make it, whether a reason is needed."""

    name: str
    label: str
    roles: frozenset[str]
    needs_reason: bool = False


CLERK = frozenset({"clerk"})
APPROVER = frozenset({"approver"})
CLERK_OR_APPROVER = frozenset({"clerk", "approver"})
#: Who records a list's approval: the commune's leadership, or the province where the commune's
#: lists are approved by the province (domain.md §5; which one applies is the commune's
#: approval_level, checked by services.lists.approve_list).
LIST_APPROVERS = frozenset({"approver", "province_approver"})

#: States before handover or payment: an application in one can still be withdrawn or refused.
BEFORE_HANDOVER = (State.received, State.eligible, State.not_eligible, State.proposed, State.approved)

TRANSITIONS: dict[tuple[State, State], Move] = {
    # checking eligibility (and re-checking after an edit)
    (State.received, State.eligible): Move("check", MOVE_LABELS["check"], CLERK),
    (State.received, State.not_eligible): Move("check", MOVE_LABELS["check"], CLERK),
    (State.eligible, State.not_eligible): Move("recheck", MOVE_LABELS["recheck"], CLERK),
    (State.not_eligible, State.eligible): Move("recheck", MOVE_LABELS["recheck"], CLERK),
    # the proposal list
    (State.eligible, State.proposed): Move("propose", MOVE_LABELS["propose"], CLERK),
    (State.proposed, State.eligible): Move("unpropose", MOVE_LABELS["unpropose"], CLERK, True),
    (State.proposed, State.approved): Move("approve", MOVE_LABELS["approve"], LIST_APPROVERS),
    # the support itself
    (State.approved, State.handed_over): Move("hand_over", MOVE_LABELS["hand_over"], CLERK),
    (State.approved, State.paid): Move("pay", MOVE_LABELS["pay"], CLERK),
    (State.handed_over, State.approved): Move("void_handover", MOVE_LABELS["void_handover"], APPROVER, True),
    (State.paid, State.approved): Move("void_payment", MOVE_LABELS["void_payment"], APPROVER, True),
    (State.handed_over, State.closed): Move("close", MOVE_LABELS["close"], CLERK_OR_APPROVER),
    (State.paid, State.closed): Move("close", MOVE_LABELS["close"], CLERK_OR_APPROVER),
    # reopening: one application per household per programme, so a household that withdrew applies
    # again on the same application (clerk), and a refusal is reconsidered by an approver
    (State.withdrawn, State.received): Move("reopen", REOPEN_LABELS["withdrawn"], CLERK, True),
    (State.refused, State.received): Move("reopen", REOPEN_LABELS["refused"], APPROVER, True),
}
#: States from which a correction of the checked facts sends the application back to received.
CORRECTABLE_BACK = (State.eligible, State.not_eligible, State.proposed, State.approved)
for _s in CORRECTABLE_BACK:
    TRANSITIONS[(_s, State.received)] = Move("correct", MOVE_LABELS["correct"], CLERK, True)
#: States in which the facts may be corrected: received (no move: nothing was decided yet) and
#: those that go back to received. Handed over, paid and closed are refused (void first).
CORRECTABLE = frozenset({State.received, *CORRECTABLE_BACK})
for _s in BEFORE_HANDOVER:
    TRANSITIONS[(_s, State.withdrawn)] = Move("withdraw", MOVE_LABELS["withdraw"], CLERK_OR_APPROVER, True)
    TRANSITIONS[(_s, State.refused)] = Move("refuse", MOVE_LABELS["refuse"], APPROVER, True)


class WorkflowError(Exception):
    """Base of the workflow's named errors; ``str(err)`` is a Vietnamese message for the clerk."""


class IllegalTransition(WorkflowError):
    """No move leads from this state to that one."""


class RoleNotAllowed(WorkflowError):
    """The move exists but this role may not make it."""


class ReasonRequired(WorkflowError):
    """The move needs a written reason and none was given."""


def _label(state: State | str) -> str:
    return STATE_LABELS.get(State(state).value, str(state))


def _who(move: Move) -> str:
    return " hoặc ".join(ROLE_LABELS.get(r, r) for r in sorted(move.roles))


#: The longest chain of steps a refusal names before the move asked for (received → approved
#: needs check, propose: two).
MAX_STEPS_FIRST = 3


def steps_first(current: State | str, target: State | str) -> list[tuple[State, Move]] | None:
    """The fewest moves of TRANSITIONS that lead from ``current`` to a state from which ``target``
    is one move away: [(state reached, Move)], [] when ``target`` is one move away already, None
    when no chain of at most MAX_STEPS_FIRST moves leads there (closed; a state to itself)."""
    current, target = State(current), State(target)
    paths: dict[State, list[tuple[State, Move]]] = {current: []}
    frontier = [current]
    while frontier:
        nxt = []
        for state in frontier:
            if (state, target) in TRANSITIONS:
                return paths[state]
            if len(paths[state]) >= MAX_STEPS_FIRST:
                continue
            for (s, t), move in TRANSITIONS.items():
                if s == state and t not in paths:
                    paths[t] = [*paths[state], (t, move)]
                    nxt.append(t)
        frontier = nxt
    return None


def illegal_message(current: State | str, target: State | str) -> str:
    """The Vietnamese message of IllegalTransition from ``current`` to ``target``: that the move is
    not possible, then what must happen first (each step, who makes it, the state it leads to:
    :func:`steps_first`), or that the application is already there, or closed, or the steps that
    are possible from ``current``."""
    current, target = State(current), State(target)
    head = f"Không thể chuyển hồ sơ từ trạng thái «{_label(current)}» sang «{_label(target)}»."
    if current == target:
        # e.g. a second click, or a page opened before someone else moved the application
        return (f"Không thể làm bước này: hồ sơ đang ở trạng thái «{_label(current)}» (trang có thể đã cũ). "
                "Hãy tải lại trang để xem các bước làm được.")
    if current in TERMINAL:
        return f"{head} Hồ sơ đã hoàn tất: không còn bước nào thay đổi được hồ sơ."
    chain = steps_first(current, target)
    if chain:
        final = TRANSITIONS[(chain[-1][0], target)]
        steps = "; rồi ".join(f"bước «{m.label}» ({_who(m)}) đưa hồ sơ sang «{_label(t)}»" for t, m in chain)
        return f"{head} Cần làm trước: {steps}; sau đó mới làm được bước «{final.label}» ({_who(final)})."
    possible = [f"«{m.label}»" for (s, _t), m in TRANSITIONS.items() if s == current]
    return f"{head} Từ trạng thái này chỉ có các bước: {', '.join(dict.fromkeys(possible))}."


def check_move(current: State | str, target: State | str, role: str, reason: str | None = None) -> Move:
    """Return the Move from ``current`` to ``target`` if ``role`` may make it; else raise.

    Raises IllegalTransition (no such move; the message says what must happen first:
    :func:`illegal_message`), RoleNotAllowed (wrong role; the message names who may), ReasonRequired
    (withdraw, refuse, void, unpropose, reopen without a reason). Source: domain.md §5.
    """
    current, target = State(current), State(target)
    move = TRANSITIONS.get((current, target))
    if move is None:
        raise IllegalTransition(illegal_message(current, target))
    if role not in move.roles:
        raise RoleNotAllowed(
            f"Tài khoản có vai trò «{ROLE_LABELS.get(role, role)}» không được thực hiện bước «{move.label}»; "
            f"bước này dành cho: {_who(move)}."
        )
    if move.needs_reason and not (reason or "").strip():
        raise ReasonRequired(f"Bước «{move.label}» cần ghi rõ lý do.")
    return move


def allowed_moves(current: State | str, role: str) -> list[tuple[State, Move]]:
    """The moves ``role`` may make from ``current``: [(target, Move)], in table order."""
    current = State(current)
    return [(t, m) for (s, t), m in TRANSITIONS.items() if s == current and role in m.roles]


#: The fewest letters a reason for voiding holds: «x» or «..» says nothing to whoever reads the log.
MIN_REASON_LETTERS = 5


def reason_problem(reason: str | None) -> str | None:
    """Why ``reason`` cannot stand as the written reason for voiding a handover or payment (and
    its biên bản), in Vietnamese; None when it holds at least :data:`MIN_REASON_LETTERS` letters
    (any script's; digits and punctuation do not count). Source: domain.md §5 (a void keeps its
    reason in the log)."""
    letters = sum(1 for ch in (reason or "") if ch.isalpha())
    if letters >= MIN_REASON_LETTERS:
        return None
    if not (reason or "").strip():
        return "Hãy ghi rõ lý do hủy."
    return (f"Lý do cần ghi rõ bằng vài chữ (ít nhất {MIN_REASON_LETTERS} chữ cái), "
            "ví dụ: «Ghi nhầm số IMEI», «Chi nhầm người nhận».")
