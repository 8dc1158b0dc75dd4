"""Households on the commune's poor / near-poor list (hộ nghèo, hộ cận nghèo)."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from subsidy.db import Base, one_of, utcnow


class Category(str, enum.Enum):
    """Poverty category from the annual review (domain.md E1; Nghị định 07/2021/NĐ-CP)."""

    poor = "poor"
    near_poor = "near_poor"
    left_poor = "left_poor"


class PriorDevice(str, enum.Enum):
    """Prior device support (domain.md E2): unknown until the clerk records it."""

    unknown = "unknown"
    none = "none"
    vtci_tablet = "vtci_tablet"
    learning_device = "learning_device"


class Household(Base):
    __tablename__ = "households"
    __table_args__ = (
        CheckConstraint("members >= 1", name="members"),
        CheckConstraint("head_gender IS NULL OR head_gender IN ('M','F')", name="head_gender"),
        # one_of: OR-ed equalities, which SQLite checks without a temporary index per row written.
        CheckConstraint(one_of("category", [c.value for c in Category], nullable=True), name="category"),
        CheckConstraint(one_of("prior_device", [d.value for d in PriorDevice]), name="prior_device"),
        CheckConstraint("citizen_id_kind IS NULL OR citizen_id_kind IN ('cccd','cmnd')", name="citizen_id_kind"),
        CheckConstraint("head_birth_year IS NULL OR (head_birth_year BETWEEN 1880 AND 2100)", name="head_birth_year"),
        # A household code is the commune's own (its list's numbering); a CCCD is one person
        # across the province (domain.md §10), so it stays unique instance-wide.
        UniqueConstraint("commune_id", "code"),
        # The commune's list in name order, and by hamlet: seeks within the commune.
        Index("ix_households_commune_sort_key", "commune_id", "sort_key"),
        Index("ix_households_sort_key", "sort_key", "id"),  # the province's list: every commune, in name order
        Index("ix_households_commune_hamlet", "commune_id", "hamlet"),
        # a search for an exact household code across communes (the queue's, the API's)
        Index("ix_households_code", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    code: Mapped[str] = mapped_column(String(32))
    head_name: Mapped[str] = mapped_column(String(120))
    head_birth_year: Mapped[int | None]
    head_gender: Mapped[str | None] = mapped_column(String(1))
    # CCCD (12 digits) or a legacy CMND (9 digits); unique across every commune's households.
    citizen_id: Mapped[str | None] = mapped_column(String(12), unique=True)
    citizen_id_kind: Mapped[str | None] = mapped_column(String(4))
    # A CCCD/birth-year/sex mismatch the clerk confirmed (kept with the record).
    citizen_id_warning: Mapped[str | None] = mapped_column(Text)
    hamlet: Mapped[str] = mapped_column(String(80))
    address: Mapped[str | None] = mapped_column(String(255))
    members: Mapped[int] = mapped_column(default=1)
    phone: Mapped[str | None] = mapped_column(String(10))
    category: Mapped[str | None] = mapped_column(String(10))
    list_year: Mapped[int | None]
    decision_number: Mapped[str | None] = mapped_column(String(64))
    decision_date: Mapped[dt.date | None]
    meritorious: Mapped[bool] = mapped_column(default=False)
    social_policy: Mapped[bool] = mapped_column(default=False)
    prior_device: Mapped[str] = mapped_column(String(20), default="unknown")
    prior_device_detail: Mapped[str | None] = mapped_column(String(120))
    prior_device_date: Mapped[dt.date | None]
    # Derived keys, written by the service on every save (vn.fold / vn.sort_key_text).
    search_text: Mapped[str] = mapped_column(Text, default="")
    sort_key: Mapped[str] = mapped_column(String(600), default="")
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
