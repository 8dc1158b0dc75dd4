"""The register of complaints (khiếu nại), petitions (kiến nghị, phản ánh) and denunciations
(tố cáo) about the programme, and the history of each case's states.

The enumerations come from the domain (domain/complaints/states.py and domain/labels/complaints.py)
and are written into CHECK constraints, so the database refuses a value the domain does not know.
A case belongs to one commune (the household's); its number is the commune's own (``KN-2026-007``).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from subsidy.db import Base, utcnow
from subsidy.domain.complaints.states import KINDS, LEVELS, OUTCOMES, PETITION_OUTCOMES, REFUSAL_REASONS, STATES
from subsidy.domain.labels import COMPLAINT_CATEGORY_LABELS, COMPLAINT_CHANNEL_LABELS, COMPLAINT_FILER_LABELS
from subsidy.models.household import Household


def _in(column: str, values) -> str:
    return f"{column} IN ({','.join(repr(v) for v in values)})"


_ALL_OUTCOMES = tuple(dict.fromkeys(OUTCOMES + PETITION_OUTCOMES))


class Complaint(Base):
    """One case: what it is (``kind``), who brought it and how, what about, the text, the dates
    the law counts from (contested, received, accepted, decided), the level that hears it
    (``level``: commune | province | ministry), the ``complex`` / ``remote`` variants of the time
    limits, its ``state`` and ``outcome``; for a denunciation the staff account it names
    (``named_user_id``, who may never handle it); for a second complaint the first one
    (``appeal_of_id``); the eligibility re-check a decision caused (``correction_decision_id``)."""

    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("commune_id", "case_number"),
        # One second complaint per first complaint (Luật Khiếu nại 2011, Điều 33).
        UniqueConstraint("appeal_of_id"),
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint(_in("filer", COMPLAINT_FILER_LABELS), name="filer"),
        CheckConstraint(_in("channel", COMPLAINT_CHANNEL_LABELS), name="channel"),
        CheckConstraint(_in("category", COMPLAINT_CATEGORY_LABELS), name="category"),
        CheckConstraint(_in("level", LEVELS), name="level"),
        CheckConstraint(_in("state", STATES), name="state"),
        CheckConstraint("outcome IS NULL OR " + _in("outcome", _ALL_OUTCOMES), name="outcome"),
        CheckConstraint("refusal_reason IS NULL OR " + _in("refusal_reason", REFUSAL_REASONS), name="refusal_reason"),
        # Only an anonymous case may lack its household (it is filed, not processed).
        CheckConstraint("household_id IS NOT NULL OR filer = 'anonymous'", name="household"),
        CheckConstraint("named_user_id IS NULL OR kind = 'denunciation'", name="named_user"),
        CheckConstraint("appeal_of_id IS NULL OR kind = 'complaint'", name="appeal_kind"),
        CheckConstraint("accepted_on IS NULL OR accepted_on >= received_on", name="accepted_after_received"),
        CheckConstraint("decided_on IS NULL OR decided_on >= received_on", name="decided_after_received"),
        # The commune's register: open cases by state and date received, one seek in its commune.
        Index("ix_complaints_commune_state_received", "commune_id", "state", "received_on"),
        Index("ix_complaints_commune_received", "commune_id", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    case_number: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(12))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipts.id"))
    filer: Mapped[str] = mapped_column(String(16))
    filer_name: Mapped[str | None] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    attachments_note: Mapped[str | None] = mapped_column(Text)
    contested_on: Mapped[dt.date | None]
    received_on: Mapped[dt.date]
    level: Mapped[str] = mapped_column(String(10), default="commune")
    complex_case: Mapped[bool] = mapped_column(default=False)
    remote: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(12), default="received")
    state_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    accepted_on: Mapped[dt.date | None]
    decided_on: Mapped[dt.date | None]
    closed_on: Mapped[dt.date | None]
    outcome: Mapped[str | None] = mapped_column(String(16))
    refusal_reason: Mapped[str | None] = mapped_column(String(20))
    # The written reasons of the last decision, refusal or answer; the recipient of a forwarded one.
    reasons: Mapped[str | None] = mapped_column(Text)
    named_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    appeal_of_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    correction_decision_id: Mapped[int | None] = mapped_column(ForeignKey("eligibility_decisions.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    household: Mapped[Household | None] = relationship()
    appeal_of: Mapped["Complaint | None"] = relationship(remote_side=[id])


class ComplaintEvent(Base):
    """One move of a case (domain/complaints/states.py): from, to, who, when, the reason given."""

    __tablename__ = "complaint_events"
    __table_args__ = (
        CheckConstraint("from_state IS NULL OR " + _in("from_state", STATES), name="from_state"),
        CheckConstraint(_in("to_state", STATES), name="to_state"),
        Index("ix_complaint_events_complaint_at", "complaint_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"))
    from_state: Mapped[str | None] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
