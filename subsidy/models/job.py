"""Background jobs (a bulk eligibility check, a bulk proposal …): their progress and outcome,
kept in the database so every web worker and every job worker sees the same figures."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from subsidy.db import Base, utcnow

JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(Base):
    """One long piece of work started from the UI and run by the job worker (subsidy/jobs).

    ``params``: what it was asked (JSON: e.g. the application ids to check); ``total``/``done``:
    items to process and processed so far (the progress bar); ``summary``: the outcome, written as
    the job goes ({"changed": {...}, "refused": [{"id", "label", "reason"}], ...}); ``error``: why a
    failed job stopped (a Vietnamese sentence)."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued','running','done','failed')", name="status"),
        CheckConstraint("total >= 0 AND done >= 0 AND done <= total", name="progress"),
        Index("ix_jobs_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
