"""Receipts (biên bản bàn giao, giấy biên nhận) and their gapless per-commune, per-series, per-year counters."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from subsidy.db import Base, utcnow


class ReceiptCounter(Base):
    """The last number issued in a series and year; locked (row lock / BEGIN IMMEDIATE) while a
    receipt is numbered, inside the same transaction as the handover, so numbers have no gaps."""

    __tablename__ = "receipt_counters"

    # Each commune numbers its own receipts (domain.md §10): 1, 2, 3 … per commune, series, year.
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), primary_key=True)
    series: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class Receipt(Base):
    __tablename__ = "receipts"
    __table_args__ = (
        UniqueConstraint("commune_id", "series", "year", "number"),
        CheckConstraint("kind IN ('handover','cash')", name="kind"),
        CheckConstraint("number >= 1", name="number"),
        Index("ix_receipts_commune_issued", "commune_id", "issued_at", "id"),  # the list, newest first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    series: Mapped[str] = mapped_column(String(20))
    year: Mapped[int]
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    handover_id: Mapped[int | None] = mapped_column(ForeignKey("handovers.id"))
    cash_payment_id: Mapped[int | None] = mapped_column(ForeignKey("cash_payments.id"))
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what was printed
    search_text: Mapped[str] = mapped_column(Text, default="")
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    print_count: Mapped[int] = mapped_column(default=0)
    voided_at: Mapped[dt.datetime | None]
    void_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def display_number(self) -> str:
        """The number and ký hiệu the receipt printed (its snapshot), e.g. '07/BB-UBND'; receipts
        without one in their snapshot: '0007/BB-VTCI' as they were numbered then."""
        return (self.snapshot or {}).get("number_display") or f"{self.number:04d}/{self.series}"
