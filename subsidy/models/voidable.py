"""Columns shared by the two kinds of allocation (the province's from the ministry, a commune's
share): the source document, who recorded it and when, and how a mistake is voided, never deleted."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from subsidy.db import utcnow


class RecordedAllocation:
    """Mixin: ``source_document``, ``note``, ``created_by_id``/``created_at`` and the void fields
    (``voided_at``, ``voided_by_id``, ``void_reason``; a voided row counts in no quota)."""

    source_document: Mapped[str] = mapped_column(String(255))
    # domain.documents.reference_key(source_document): one document typed two ways is one key; a
    # live row's key is unique (per commune for a commune's own allocations). NULL only on rows
    # written before the key existed that repeated a live row's document (migration 0015).
    document_key: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    voided_at: Mapped[dt.datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str | None] = mapped_column(Text)
