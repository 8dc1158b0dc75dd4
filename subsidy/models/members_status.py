"""Two parts of the household aggregate: its members (the people of a per-person review list)
and its poverty status for each year (the annual review's answer, one record per year).

Both belong to the commune of their household (read through it); a member's personal ID is
unique across the instance, like a head's (domain.md §10: a person is one person).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from subsidy.db import Base, one_of, utcnow

#: The poverty status a household has for a year: on the list as poor or near-poor, or recorded
#: as not on that year's list (left poverty, or absent from a complete new list).
LIST_STATUSES = ("poor", "near_poor", "left_poor", "not_listed")
#: How a year's status was recorded (HouseholdStatus.source).
STATUS_SOURCES = ("migration", "import", "form", "left_sheet", "replaced")


class HouseholdMember(Base):
    """A person of the household other than its head, as the review's list names them."""

    __tablename__ = "household_members"
    __table_args__ = (
        CheckConstraint("gender IS NULL OR gender IN ('M','F')", name="gender"),
        CheckConstraint("citizen_id_kind IS NULL OR citizen_id_kind IN ('cccd','cmnd')", name="citizen_id_kind"),
        CheckConstraint("birth_year IS NULL OR (birth_year BETWEEN 1880 AND 2100)", name="birth_year"),
        UniqueConstraint("household_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    # Order as listed under the head (1, 2, …).
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    relation: Mapped[str | None] = mapped_column(String(40))
    birth_date: Mapped[dt.date | None]
    birth_year: Mapped[int | None]
    gender: Mapped[str | None] = mapped_column(String(1))
    # CCCD (12 digits) or CMND (9); unique across the instance like a head's.
    citizen_id: Mapped[str | None] = mapped_column(String(12), unique=True)
    citizen_id_kind: Mapped[str | None] = mapped_column(String(4))
    citizen_id_warning: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class HouseholdStatus(Base):
    """The household's poverty status for one year (Nghị định 07/2021/NĐ-CP; domain.md E1).

    ``status``: poor / near_poor / not_listed; ``decision_number`` / ``decision_date``: the
    commune chairman's decision recognising it, when known; ``source``: how it was recorded
    (``migration`` from the single list year of before, ``import``, ``form``, ``left_sheet`` — a
    "hộ thoát nghèo" sheet — or ``replaced`` — absent from the commune's complete list of the
    year); ``note``: the Vietnamese reason E1 quotes for a ``not_listed`` year.
    """

    __tablename__ = "household_statuses"
    __table_args__ = (
        # one_of: OR-ed equalities, which SQLite checks without a temporary index per row written.
        CheckConstraint(one_of("status", LIST_STATUSES), name="status"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year"),
        CheckConstraint(one_of("source", STATUS_SOURCES), name="source"),
        UniqueConstraint("household_id", "year"),
        Index("ix_household_statuses_year_status", "year", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(10))
    decision_number: Mapped[str | None] = mapped_column(String(64))
    decision_date: Mapped[dt.date | None]
    source: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
