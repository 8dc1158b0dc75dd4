"""Which workflow buttons a page shows, asked of the transition table (subsidy.domain.workflow) for
the signed-in user's role. Templates render these lists and decide nothing themselves.

Each move of the table is made on one page: the application page posts check, propose, unpropose,
withdraw, refuse and reopen; the handover pages record hand_over and pay and void them. "approve" is
made for a whole proposal list on the list page (the application page links there); "correct" is
made by the application page's correction form (services.corrections, which may also correct
without a move while the application is received); "close" has no page. A move the role may not
make from the application's state has no button.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from subsidy.domain.labels import ACTION_LABELS, MOVE_LABELS
from subsidy.domain.workflow import State, allowed_moves


@dataclass(frozen=True)
class Button:
    """One button: its text, the endpoint it posts to or links to and that endpoint's arguments.

    ``key`` names it in the page (the target state of an application move, e.g. "withdrawn", used
    in element ids); ``needs_reason``: the move asks for a written reason (a form with a text
    box); ``destructive``: shown in red and confirmed first."""

    key: str
    label: str
    endpoint: str
    args: dict[str, Any] = field(default_factory=dict)
    needs_reason: bool = False
    destructive: bool = False


#: Move name → (endpoint on the application page, destructive). Check and recheck are one button.
APPLICATION_FORMS: dict[str, tuple[str, bool]] = {
    "check": ("applications.check", False),
    "recheck": ("applications.check", False),
    "propose": ("applications.propose", False),
    "unpropose": ("applications.unpropose", False),
    "withdraw": ("applications.withdraw", True),
    "refuse": ("applications.refuse", True),
    "reopen": ("applications.reopen", False),
}

#: The form of support an application chose → the move that gives it, its page and button text.
SUPPORT_MOVES: dict[str, tuple[str, str, str]] = {
    "package": ("hand_over", "handovers.create", "Bàn giao điện thoại"),
    "cash": ("pay", "handovers.pay", "Chi tiền hỗ trợ"),
}

#: Receipt kind → the move that voids it (and puts the application back to approved).
VOID_MOVES: dict[str, str] = {"handover": "void_handover", "cash": "void_payment"}


def _move_names(state: str, role: str) -> set[str]:
    return {move.name for _target, move in allowed_moves(state, role)}


def application_moves(application: Any, role: str, checked: bool) -> list[Button]:
    """The move buttons of the application page for ``role``, in the table's order.

    ``application``: has ``id`` and ``state``; ``checked``: it has been checked before (the check
    button then reads "Kiểm tra lại điều kiện"). Moves made elsewhere (approve, hand_over, pay,
    the voids, close) are not here: see :func:`approve_on_list` and :func:`support_actions`."""
    buttons: list[Button] = []
    args = {"application_id": application.id}
    for target, move in allowed_moves(application.state, role):
        view = APPLICATION_FORMS.get(move.name)
        if view is None:
            continue
        endpoint, destructive = view
        if endpoint == "applications.check":
            if not any(b.endpoint == endpoint for b in buttons):
                label = ACTION_LABELS["application.recheck"] if checked else MOVE_LABELS["check"]
                buttons.append(Button("check", label, endpoint, args))
            continue
        buttons.append(Button(target.value, move.label, endpoint, args, move.needs_reason, destructive))
    return buttons


def may_edit_facts(buttons: list[Button]) -> bool:
    """True when the page's ``buttons`` include the check: the facts the check reads (prior device
    E2, purchase date E5) may then be recorded from the application page, which re-checks."""
    return any(b.endpoint == "applications.check" for b in buttons)


def approve_on_list(application: Any, role: str) -> bool:
    """True when ``role`` may approve ``application`` now: it is then approved with its whole
    proposal list, and the application page points there."""
    return "approve" in _move_names(application.state, role)


def may_approve_list(list_status: str, role: str) -> bool:
    """True when ``role`` may record the approval of a proposal list whose status is
    ``list_status``: a list submitted for approval holds proposed applications, and approving it
    is the "approve" move for each of them (a draft is submitted first, by the clerk)."""
    return list_status == "submitted" and "approve" in _move_names(State.proposed.value, role)


@dataclass(frozen=True)
class SupportActions:
    """The handover/payment buttons of an application: ``record`` (None when not allowed now),
    and each receipt with its void button (None when it may not be voided)."""

    record: Button | None
    receipts: list[tuple[Any, Button | None]]

    def __bool__(self) -> bool:
        return self.record is not None or bool(self.receipts)


def may_record_support(application: Any, role: str) -> bool:
    """True when ``role`` may record the support ``application`` chose (its handover for
    "package", its cash payment for "cash") from the state it is in."""
    support = SUPPORT_MOVES.get(application.support_form)
    return support is not None and support[0] in _move_names(application.state, role)


def void_button(receipt: Any, application: Any, role: str, label: str) -> Button | None:
    """The button that voids ``receipt`` (kind "handover" or "cash"), or None: voided already, or
    ``role`` may not make the void move from ``application``'s state. ``label``: its text."""
    move = VOID_MOVES.get(receipt.kind)
    if receipt.voided_at is not None or move not in _move_names(application.state, role):
        return None
    return Button(move, label, "handovers.void", {"receipt_id": receipt.id}, needs_reason=True, destructive=True)


def support_actions(application: Any, role: str, receipts: list[Any], kind_labels: dict[str, str]) -> SupportActions:
    """The handover/payment buttons of ``application`` for ``role``.

    ``receipts``: the application's receipts the role may see (newest first), ``kind_labels``:
    receipt kind → its name ("Biên bản bàn giao"), lower-cased into the void button's text. The
    record button follows the application's form of support (SUPPORT_MOVES)."""
    record = None
    if may_record_support(application, role):
        move, endpoint, label = SUPPORT_MOVES[application.support_form]
        record = Button(move, label, endpoint, {"application_id": application.id})
    return SupportActions(record, [
        (rc, void_button(rc, application, role, f"Hủy {kind_labels[rc.kind].lower()}…")) for rc in receipts])

