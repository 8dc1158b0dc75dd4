"""Recording the support given: the handover of a phone or the cash payment, each with its
receipt numbered in the same transaction (see the package docstring)."""
from __future__ import annotations

import datetime as dt
from typing import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from subsidy.domain import vn
from subsidy.domain.calendar import today_vn
from subsidy.domain.receipt import KIND_CASH, KIND_HANDOVER
from subsidy.domain.workflow import State
from subsidy.models import CashPayment, Handover, HandoverImei, User
from subsidy.services import audit, receipts, workflow
from subsidy.services.errors import InvalidFields
from subsidy.services.handovers.checks import cash_values, check_state, handover_values
from subsidy.services.handovers.imeis import SubscriberInUse, check_imeis_free, conflict_from, subscriber_warning
from subsidy.services.handovers.inputs import (
    DEFAULT_TELECOMS, CashPaymentInput, CashPaymentResult, HandoverInput, HandoverResult,
)
from subsidy.services.handovers.lookups import load_application_locked
from subsidy.services.handovers.receipt_data import receipt_data


def record_handover(
    session: Session, application_id: int, data: HandoverInput, actor: User | None, *,
    telecoms: Sequence[str] | None = None, settings: receipts.ReceiptSettings | None = None,
    today: dt.date | None = None,
) -> HandoverResult:
    """Record the handover of a phone for an approved package application and issue its biên bản
    bàn giao (numbered in this transaction). The application moves approved → handed_over.

    ``telecoms``: the configured list (default DEFAULT_TELECOMS); ``settings``: what the receipt
    prints about the commune; ``today``: the business date (default today in Asia/Ho_Chi_Minh).

    Raises NotFound (no application), ServiceError (not approved, wrong form, wrong role),
    InvalidFields carrying every wrong field at once (a missing make/model, a bad IMEI — wrong
    length, bad check digit —, the same IMEI twice, an unknown telecom, a bad subscriber number,
    a date in the future or before approval, a bad name or CCCD), then — only when every field
    is right — ImeiTaken (a Conflict under the IMEI's field: an IMEI already in a live handover),
    SubscriberInUse (the SIM number is on another live handover and ``data.confirm_subscriber``
    is not set: a warning to confirm), Conflict (the household already supported — also when the
    database's unique indexes catch two clerks saving at once).
    Source: domain.md §6.
    """
    telecoms = list(telecoms or DEFAULT_TELECOMS)
    today = today or today_vn()
    app = load_application_locked(session, application_id)
    settings = settings or receipts.settings_of_commune(session, app.commune_id)
    check_state(app, State.handed_over, "package", actor)

    values, errors = handover_values(session, app, data, telecoms, today)
    if errors:
        raise InvalidFields(errors)
    make, model, imeis, telecom = values.make, values.model, values.imeis, values.telecom
    subscriber, name, citizen_id = values.subscriber, values.name, values.citizen_id
    check_imeis_free(session, imeis)
    warning = subscriber_warning(session, subscriber, app.id)
    if warning and not data.confirm_subscriber:
        raise SubscriberInUse(warning, "confirm_subscriber")

    handover = Handover(
        application_id=app.id, phone_make=make, phone_model=model, telecom=telecom, subscriber_number=subscriber,
        handed_on=data.handed_on, recipient_name=name, recipient_citizen_id=citizen_id,
        staff_id=actor.id if actor is not None else None,
    )
    try:
        with session.begin_nested():
            session.add(handover)
            session.flush()
            # Inserted in IMEI order, so two dual-SIM handovers sharing IMEIs lock the index
            # entries in the same order on PostgreSQL (a unique violation for one, never a deadlock).
            session.add_all([HandoverImei(handover=handover, position=position, imei=imei, live=True)
                             for position, imei in sorted(enumerate(imeis, start=1), key=lambda p: p[1])])
            session.flush()
    except IntegrityError as err:
        raise conflict_from(session, err, imeis, app) from err

    workflow.move(session, app, State.handed_over, actor)
    rd = receipt_data(KIND_HANDOVER, app, app.household, data.handed_on, name, citizen_id,
                      actor, settings, None)
    rd.recipient_capacity = values.capacity
    rd.phone_make, rd.phone_model, rd.telecom, rd.subscriber_number = make, model, telecom, subscriber
    rd.imei, rd.imei2 = imeis[0], (imeis[1] if len(imeis) > 1 else "")
    receipt = receipts.issue(session, KIND_HANDOVER, app.id, rd, handover_id=handover.id, issuer=settings.issuer)
    audit.record(session, actor, "handover.create", "handover", handover.id, {
        "application_id": [None, app.id], "phone": [None, f"{make} {model}"], "imei": [None, imeis[0]],
        "imei2": [None, imeis[1] if len(imeis) > 1 else None], "telecom": [None, telecom],
        "subscriber_number": [None, subscriber],
        "handed_on": [None, data.handed_on], "recipient_name": [None, name],
        "recipient_citizen_id": [None, citizen_id], "recipient_capacity": [None, values.capacity],
        "receipt": [None, receipt.display_number],
    })
    session.flush()
    return HandoverResult(handover, receipt)


def record_cash_payment(
    session: Session, application_id: int, data: CashPaymentInput, actor: User | None, *,
    settings: receipts.ReceiptSettings | None = None, today: dt.date | None = None,
) -> CashPaymentResult:
    """Record the cash support paid to an approved cash application and issue its giấy biên nhận
    (numbered in this transaction). The application moves approved → paid.

    The amount is the ``support_amount`` of the rule set in force on the payment date (500.000
    đồng under Thông tư 14/2022/TT-BTTTT); DEFAULT_SUPPORT_AMOUNT only when no rule set is loaded.
    The purchase date must be on or after the rule set's ``cash_cutoff`` (E5: 12/12/2022), not
    after the payment date.

    Raises NotFound, ServiceError (not approved, wrong form, wrong role), InvalidFields carrying
    every wrong field at once (dates — also no rule set in force on the payment date —, name,
    CCCD, missing purchase date), Conflict (already paid; also when the
    unique index catches two clerks at once). Source: domain.md §2 (E5), §4.
    """
    today = today or today_vn()
    app = load_application_locked(session, application_id)
    settings = settings or receipts.settings_of_commune(session, app.commune_id)
    check_state(app, State.paid, "cash", actor)
    values, errors = cash_values(session, app, data, today)
    if errors:
        raise InvalidFields(errors)
    amount, purchase, rule_set = values.amount, values.purchase, values.rule_set
    name, citizen_id = values.name, values.citizen_id

    payment = CashPayment(
        application_id=app.id, amount=amount, paid_on=data.paid_on, purchase_date=purchase,
        recipient_name=name, recipient_citizen_id=citizen_id, staff_id=actor.id if actor is not None else None,
    )
    try:
        with session.begin_nested():
            session.add(payment)
            session.flush()
    except IntegrityError as err:
        raise conflict_from(session, err, [], app) from err

    workflow.move(session, app, State.paid, actor)
    rd = receipt_data(KIND_CASH, app, app.household, data.paid_on, name, citizen_id, actor,
                      settings, rule_set)
    rd.recipient_capacity = values.capacity
    rd.amount, rd.amount_figures, rd.amount_words = amount, vn.format_money(amount), vn.amount_in_words(amount)
    rd.purchase_date = vn.format_date(purchase)
    receipt = receipts.issue(session, KIND_CASH, app.id, rd, cash_payment_id=payment.id, issuer=settings.issuer)
    audit.record(session, actor, "cash_payment.create", "cash_payment", payment.id, {
        "application_id": [None, app.id], "amount": [None, amount], "paid_on": [None, data.paid_on],
        "purchase_date": [None, purchase], "recipient_name": [None, name],
        "recipient_citizen_id": [None, citizen_id], "recipient_capacity": [None, values.capacity],
        "receipt": [None, receipt.display_number],
    })
    session.flush()
    return CashPaymentResult(payment, receipt)
