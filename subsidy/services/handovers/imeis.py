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
from subsidy.services.errors import Conflict


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


def check_imeis_free(session: Session, imeis: Iterable[str]) -> None:
    """Raise Conflict (naming the earlier receipt) if one of ``imeis`` is in a live handover."""
    imeis = list(imeis)
    taken = session.scalar(select(HandoverImei.imei).where(HandoverImei.imei.in_(imeis),
                                                           HandoverImei.live.is_(True)).limit(1))
    if taken is not None:
        raise Conflict(_imei_taken_message(session, taken))


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
