"""The handover of a phone (bàn giao) and the cash payment (hỗ trợ bằng tiền).

A handover's IMEIs are stored once, as HandoverImei rows (position 1, and 2 for a dual-SIM
phone): the partial unique index on the live ones is what makes "one IMEI belongs to one live
handover" hold in the database (domain.md §6). ``Handover.imei``/``imei2`` read them. The receipt
keeps its own printed copy in its snapshot, which never changes after it is issued.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from subsidy.db import Base, utcnow


class Handover(Base):
    __tablename__ = "handovers"
    __table_args__ = (
        # One live handover per application; a voided one stays on record.
        Index("uq_handovers_live_application", "application_id", unique=True,
              sqlite_where=text("voided_at IS NULL"), postgresql_where=text("voided_at IS NULL")),
        # The commune's tally reads its handovers by date: a seek within the commune.
        Index("ix_handovers_commune_handed_on", "commune_id", "handed_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Repeats the application's commune: the tally and the handover pages seek by it.
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    phone_make: Mapped[str] = mapped_column(String(80))
    phone_model: Mapped[str] = mapped_column(String(80))
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

    imeis: Mapped[list["HandoverImei"]] = relationship(back_populates="handover", order_by="HandoverImei.position")

    def _imei_at(self, position: int) -> str | None:
        return next((row.imei for row in self.imeis if row.position == position), None)

    @property
    def imei(self) -> str | None:
        """The phone's (first) IMEI, 15 digits; None only before its HandoverImei rows exist."""
        return self._imei_at(1)

    @property
    def imei2(self) -> str | None:
        """The second IMEI of a dual-SIM phone, or None."""
        return self._imei_at(2)


class HandoverImei(Base):
    """Each IMEI of a handover: ``position`` 1, and 2 for the second IMEI of a dual-SIM phone (the
    order the clerk typed them, which the receipt prints). A live IMEI is unique in the database,
    so two clerks saving the same IMEI at once cannot both succeed; voiding the handover sets
    ``live`` = false, which frees the IMEI for another handover. ``live`` repeats "the handover
    is not voided" because a partial index can only read its own table."""

    __tablename__ = "handover_imeis"
    __table_args__ = (
        Index("uq_handover_imeis_live_imei", "imei", unique=True,
              sqlite_where=text("live"), postgresql_where=text("live")),
        UniqueConstraint("handover_id", "position"),
        CheckConstraint("position IN (1, 2)", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id"), index=True)
    position: Mapped[int]
    imei: Mapped[str] = mapped_column(String(15))
    live: Mapped[bool] = mapped_column(default=True)

    handover: Mapped[Handover] = relationship(back_populates="imeis")


class CashPayment(Base):
    __tablename__ = "cash_payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount"),
        Index("uq_cash_payments_live_application", "application_id", unique=True,
              sqlite_where=text("voided_at IS NULL"), postgresql_where=text("voided_at IS NULL")),
        Index("ix_cash_payments_commune_paid_on", "commune_id", "paid_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Repeats the application's commune: the tally and the payment pages seek by it.
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
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
