"""Background jobs as records: starting one, its progress, its outcome (models.Job).

The job worker (subsidy/jobs) runs a job in steps; after each step the worker commits the step's
work together with the job's progress, so the page that shows the job (any web worker) reads how
far it is from the database. These functions flush and never commit.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.domain.labels import JOB_LABELS
from subsidy.models import Job, User
from subsidy.services import audit
from subsidy.services.errors import NotFound

__all__ = ["JOB_LABELS", "JOB_UNITS", "create_job", "get_job", "stalled", "mark_running", "add_progress", "finish"]



#: Job kind → what its ``total``/``done`` count (the progress line: "120/500 hồ sơ").
JOB_UNITS: dict[str, str] = {
    "bulk_check": "hồ sơ",
    "backup": "tệp",
    "import_preview": "dòng",
    "import_commit": "dòng",
}


def create_job(session: Session, kind: str, params: dict[str, Any], total: int, actor: User | None) -> Job:
    """A queued job of ``kind`` (a key of JOB_LABELS) over ``total`` items, asked by ``actor``;
    audited as "job.create". The caller commits, then hands the id to the job queue."""
    job = Job(kind=kind, status="queued", params=params, total=total, done=0, summary={},
              created_by_id=actor.id if actor is not None else None)
    session.add(job)
    session.flush()
    audit.record(session, actor, "job.create", "job", job.id, {"kind": [None, kind], "total": [None, total]})
    return job


def get_job(session: Session, job_id: int, actor: User | None = None) -> Job:
    """The job with this id; with ``actor``, only a job the actor started (or any for an admin).
    Raises NotFound."""
    job = session.get(Job, job_id)
    if job is None or (actor is not None and actor.role != "admin" and job.created_by_id != actor.id):
        raise NotFound("Không có công việc này.")
    return job


#: A job queued longer than this without starting: the worker is probably not running.
STALL_AFTER = dt.timedelta(minutes=1)


def stalled(job: Job, now: dt.datetime | None = None) -> bool:
    """True when ``job`` is still queued STALL_AFTER after it was created (its page then says the
    job worker may not be running)."""
    return job.status == "queued" and (now or utcnow()) - job.created_at > STALL_AFTER


def mark_running(job: Job) -> None:
    job.status = "running"
    job.started_at = job.started_at or utcnow()


def add_progress(job: Job, done: int, summary: dict[str, Any]) -> None:
    """Record ``done`` more items processed and the summary so far (replaced as a whole, so the
    JSON column is written)."""
    job.done = min(job.total, job.done + done)
    job.summary = dict(summary)


def finish(job: Job) -> None:
    job.status = "done"
    job.finished_at = utcnow()


def fail(job: Job, message: str) -> None:
    """Stop ``job`` with a Vietnamese ``message`` saying what went wrong (what was done so far
    stays done: each step was committed)."""
    job.status = "failed"
    job.error = message
    job.finished_at = utcnow()
