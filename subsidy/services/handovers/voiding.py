"""Voiding a handover or a cash payment (an approver, with a reason): nothing is deleted; the
record and its receipt are marked void, a handover's IMEIs are freed, the application returns to
approved."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.domain.workflow import State, WorkflowError, reason_problem
from subsidy.models import Application, CashPayment, Handover, HandoverImei, Receipt, User
from subsidy.services import audit, receipts, workflow
from subsidy.services.errors import InvalidFields, ServiceError
from subsidy.services.handovers.lookups import get_handover, get_payment, load_application_locked


def _void_move(session: Session, app: Application, actor: User | None, reason: str) -> None:
    try:
        workflow.move(session, app, State.approved, actor, reason)
    except WorkflowError as err:
        raise ServiceError(str(err)) from err


def _void(session: Session, record: Handover | CashPayment, reason: str, actor: User | None, *,
          entity: str, already_void: str, receipt_fk: Any, changes: dict[str, list[Any]]) -> None:
    """Void a handover or a cash payment: refuse one already void, move its application back to
    approved (the workflow checks the role, the reason and the state), mark the record and its
    receipt void (``receipt_fk``: the Receipt column naming it), audit ``<entity>.void`` with
    ``changes`` and the receipt number, flush. Raises ServiceError."""
    if record.voided_at is not None:
        raise ServiceError(already_void)
    reason = (reason or "").strip()
    app = load_application_locked(session, record.application_id)
    _void_move(session, app, actor, reason)  # the role, an empty reason and the state first
    problem = reason_problem(reason)
    if problem is not None:
        raise InvalidFields({"reason": problem})
    now = utcnow()
    record.voided_at, record.void_reason = now, reason
    record.voided_by_id = actor.id if actor is not None else None
    receipt = session.scalar(select(Receipt).where(receipt_fk == record.id))
    if receipt is not None:
        receipts.mark_void(receipt, reason, now)
    audit.record(session, actor, f"{entity}.void", entity, record.id,
                 {"voided": [False, True], **changes,
                  "receipt": [None, receipt.display_number if receipt else None]}, note=reason)
    session.flush()


def void_handover(session: Session, handover_id: int, reason: str, actor: User | None) -> Handover:
    """Void a handover (approver, reason required): the handover and its receipt are marked void
    (a reprint says ĐÃ HỦY), its IMEIs are freed for another handover, the application returns to
    approved. Nothing is deleted; the audit log keeps the handover and the void.

    Raises NotFound, ServiceError (already void, wrong role, no reason, application closed).
    Source: domain.md §5; domain/workflow.py (handed_over → approved).
    """
    handover = get_handover(session, handover_id)
    _void(session, handover, reason, actor, entity="handover",
          already_void="Biên bản bàn giao này đã bị hủy trước đó.", receipt_fk=Receipt.handover_id,
          changes={"imei_live": [True, False]})
    for hi in session.scalars(select(HandoverImei).where(HandoverImei.handover_id == handover.id)):
        hi.live = False
    session.flush()
    return handover


def void_payment(session: Session, payment_id: int, reason: str, actor: User | None) -> CashPayment:
    """Void a cash payment (approver, reason required): the payment and its giấy biên nhận are
    marked void, the application returns to approved. Nothing is deleted.

    Raises NotFound, ServiceError (already void, wrong role, no reason, application closed).
    Source: domain.md §5; domain/workflow.py (paid → approved).
    """
    payment = get_payment(session, payment_id)
    _void(session, payment, reason, actor, entity="cash_payment",
          already_void="Khoản chi tiền hỗ trợ này đã bị hủy trước đó.", receipt_fk=Receipt.cash_payment_id,
          changes={})
    return payment


def void_receipt(session: Session, receipt: Receipt, reason: str, actor: User | None) -> None:
    """Void the handover or payment behind ``receipt`` (see void_handover / void_payment)."""
    if receipt.handover_id is not None:
        void_handover(session, receipt.handover_id, reason, actor)
    elif receipt.cash_payment_id is not None:
        void_payment(session, receipt.cash_payment_id, reason, actor)
    else:  # pragma: no cover - every receipt has one or the other
        raise ServiceError("Biên bản này không gắn với lần bàn giao hay khoản chi nào.")
