"""The handover of a phone (bàn giao) and the cash payment (hỗ trợ bằng tiền)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from subsidy.db import Base, utcnow


class Handover(Base):
    __tablename__ = "handovers"
    __table_args__ = (
        # One live handover per application; a voided one stays on record.
        Index("uq_handovers_live_application", "application_id", unique=True,
              sqlite_where=text("voided_at IS NULL"), postgresql_where=text("voided_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    phone_make: Mapped[str] = mapped_column(String(80))
    phone_model: Mapped[str] = mapped_column(String(80))
    imei: Mapped[str] = mapped_column(String(15))
    imei2: Mapped[str | None] = mapped_column(String(15))
    telecom: Mapped[str] = mapped_column(String(40))
    subscriber_number: Mapped[str] = mapped_column(String(10))
    handed_on: Mapped[dt.date]
    recipient_name: Mapped[str] = mapped_column(String(120))
    recipient_citizen_id: Mapped[str | None] = mapped_column(String(12))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    voided_at: Mapped[dt.datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str | None] = mapped_column(Text)

    imeis: Mapped[list["HandoverImei"]] = relationship(back_populates="handover")


class HandoverImei(Base):
    """Each IMEI of a handover (one, or two for dual-SIM). A live IMEI is unique in the database,
    so two clerks saving the same IMEI at once cannot both succeed; voiding sets live = false."""

    __tablename__ = "handover_imeis"
    __table_args__ = (
        Index("uq_handover_imeis_live_imei", "imei", unique=True,
              sqlite_where=text("live"), postgresql_where=text("live")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id"), index=True)
    imei: Mapped[str] = mapped_column(String(15))
    live: Mapped[bool] = mapped_column(default=True)

    handover: Mapped[Handover] = relationship(back_populates="imeis")


class CashPayment(Base):
    __tablename__ = "cash_payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount"),
        Index("uq_cash_payments_live_application", "application_id", unique=True,
              sqlite_where=text("voided_at IS NULL"), postgresql_where=text("voided_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    amount: Mapped[int]  # đồng
    paid_on: Mapped[dt.date]
    purchase_date: Mapped[dt.date]
    recipient_name: Mapped[str] = mapped_column(String(120))
    recipient_citizen_id: Mapped[str | None] = mapped_column(String(12))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    voided_at: Mapped[dt.datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str | None] = mapped_column(Text)
