"""One IMEI belongs to one live handover (domain.md §6): the check before saving, with a message
naming the earlier receipt, and the same refusal when the database's unique index catches two
clerks saving at the same moment."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from subsidy.domain import tracking
from subsidy.models import Application, Handover, HandoverImei, Receipt
from subsidy.services.errors import Conflict, FieldError


class ImeiTaken(Conflict, FieldError):
    """An IMEI already in a live handover: a Conflict shown under its field (``imei`` or ``imei2``)."""

    def __init__(self, message: str, field: str) -> None:
        FieldError.__init__(self, message, field)


class SubscriberInUse(FieldError):
    """The SIM number is on another live handover and the clerk has not confirmed it (field
    ``confirm_subscriber``: the form shows the warning with a box to tick)."""


def _imei_taken_message(session: Session, imei: str) -> str:
    row = session.execute(
        select(Handover, Application.tracking_code)
        .join(HandoverImei, HandoverImei.handover_id == Handover.id)
        .join(Application, Application.id == Handover.application_id)
        .where(HandoverImei.imei == imei, HandoverImei.live.is_(True))
    ).first()
    where = ""
    if row is not None:
        handover, code = row
        rec = session.scalar(select(Receipt).where(Receipt.handover_id == handover.id))
        number = f" số {rec.display_number}" if rec is not None else ""
        where = f" (biên bản bàn giao{number}, hồ sơ {tracking.display(code)}, ngày {handover.handed_on:%d/%m/%Y})"
    return (f"Số IMEI {imei} đã được ghi cho một lần bàn giao khác{where}. Mỗi IMEI chỉ thuộc một "
            "lần bàn giao: hãy bấm *#06# trên máy để đọc lại IMEI; nếu biên bản cũ ghi nhầm, lãnh đạo "
            "xã cần hủy biên bản đó trước.")


def taken_imei_errors(session: Session, imeis: Iterable[str]) -> dict[str, str]:
    """{"imei" / "imei2": message naming the earlier receipt} for each of ``imeis`` (in form
    order) already in a live handover; {} when all are free."""
    imeis = [i for i in imeis if i]
    if not imeis:
        return {}
    taken = set(session.scalars(select(HandoverImei.imei).where(HandoverImei.imei.in_(imeis),
                                                                 HandoverImei.live.is_(True))))
    return {("imei" if n == 0 else "imei2"): _imei_taken_message(session, imei)
            for n, imei in enumerate(imeis) if imei in taken}


def check_imeis_free(session: Session, imeis: Iterable[str]) -> None:
    """Raise ImeiTaken (a Conflict naming the earlier receipt, under the IMEI's field) if one of
    ``imeis`` is in a live handover."""
    errors = taken_imei_errors(session, imeis)
    if errors:
        field, message = next(iter(errors.items()))
        raise ImeiTaken(message, field)


def subscriber_warning(session: Session, subscriber: str, application_id: int | None = None) -> str | None:
    """The warning when the SIM number ``subscriber`` (normalised) is already on a live handover of
    another application, naming it; None otherwise. A family may share a SIM, so it is a warning
    the clerk confirms, not a refusal. Source: domain.md §6 (the subscriber number activated)."""
    if not subscriber:
        return None
    row = session.execute(
        select(Handover.handed_on, Application.tracking_code).join(Application, Application.id == Handover.application_id)
        .where(Handover.subscriber_number == subscriber, Handover.voided_at.is_(None),
               Handover.application_id != (application_id or -1)).limit(1)).first()
    if row is None:
        return None
    return (f"Số thuê bao {subscriber} đã được ghi cho lần bàn giao ngày {row.handed_on:%d/%m/%Y} (hồ sơ "
            f"{tracking.display(row.tracking_code)}). Hãy kiểm tra lại số SIM; nếu đúng là dùng chung, đánh dấu ô xác nhận.")


def conflict_from(session: Session, err: IntegrityError, imeis: list[str], app: Application) -> Conflict:
    """Turn a unique-index violation at flush into the Conflict the service would have raised: an
    IMEI of ``imeis`` taken (uq_handover_imeis_live_imei), else the application already has a live
    handover or payment (uq_handovers_live_application, uq_cash_payments_live_application)."""
    text = str(err.orig) if err.orig is not None else str(err)
    if "imei" in text:
        taken = imeis[0]
        for imei in imeis:
            if imei in text:
                taken = imei
        return Conflict(f"Số IMEI {taken} vừa được một người khác ghi cho một lần bàn giao khác. Mỗi IMEI "
                        "chỉ thuộc một lần bàn giao: hãy bấm *#06# trên máy để đọc lại IMEI.")
    return Conflict(f"Hồ sơ {tracking.display(app.tracking_code)} vừa được một người khác ghi nhận hỗ trợ. Hãy tải lại "
                    "trang hồ sơ để xem biên bản đã lập.")
