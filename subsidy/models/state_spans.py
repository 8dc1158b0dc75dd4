"""Each application's state through time as spans, derived from its history (application_events):
one row per event, the state it entered held from its instant (``since``) until the application's
next event (``until``; NULL: still held). The state of an application at an instant T is the one
of the span with ``since < T ≤ until`` (or ``until`` NULL): the last event before T, ordered by
(at, id) as the history is (a span of two events at the same instant is empty and never matches).

The tally reads the states at a period's end from here (services/tally/queries.py): a range
condition on one narrow row per event instead of a window over every event of every application.

Kept in step with the history: whenever a flush writes, changes or deletes events through the ORM
(services/workflow.move and record_received), the spans of those applications are recomputed from
their events in the same transaction (:func:`_keep_in_step`); a writer of events through Core
(workflow.move_many, a commune merge, the bench's generators) calls :func:`refresh_spans` for the
applications it wrote. :func:`refresh_spans` without ids rebuilds every row (the CLI command
``rebuild-state-spans``, migration 0014 for existing data).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ForeignKey, Index, String, delete, event, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column

from subsidy.db import Base
from subsidy.models.application import ApplicationEvent


class ApplicationStateSpan(Base):
    """The state an event entered (``state``), held from ``since`` (the event's ``at``) until
    ``until`` (the application's next event's ``at``, NULL for none). Derived: see the module."""

    __tablename__ = "application_state_spans"
    __table_args__ = (Index("ix_application_state_spans_application_since", "application_id", "since"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("application_events.id", ondelete="CASCADE"),
                                          primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    state: Mapped[str] = mapped_column(String(20))
    since: Mapped[dt.datetime]
    until: Mapped[dt.datetime | None]


#: Applications refreshed per statement (SQLite's bound parameters, PostgreSQL's plan size).
CHUNK = 500


def spans_select(application_ids: list[int] | None = None) -> Any:
    """The spans of ``application_ids`` (None: every application) computed from the history: the
    columns (event_id, application_id, state, since, until) in that order."""
    e = ApplicationEvent
    stmt = select(e.id, e.application_id, e.to_state, e.at,
                  func.lead(e.at).over(partition_by=e.application_id, order_by=(e.at, e.id)))
    return stmt if application_ids is None else stmt.where(e.application_id.in_(application_ids))


def refresh_spans(conn: Connection | Session, application_ids: Iterable[int] | None = None) -> None:
    """Recompute the spans of ``application_ids`` from their events (None: delete and rebuild
    every row). ``conn``: a Connection or a Session (its transaction)."""
    s = ApplicationStateSpan.__table__
    cols = [s.c.event_id, s.c.application_id, s.c.state, s.c.since, s.c.until]
    if application_ids is None:
        conn.execute(delete(s))
        conn.execute(insert(s).from_select(cols, spans_select()))
        return
    ids = sorted(set(application_ids))
    for i in range(0, len(ids), CHUNK):
        part = ids[i:i + CHUNK]
        conn.execute(delete(s).where(s.c.application_id.in_(part)))
        conn.execute(insert(s).from_select(cols, spans_select(part)))


@event.listens_for(Session, "after_flush")
def _keep_in_step(session: Session, _context: Any) -> None:
    """Recompute the spans of the applications whose events this flush wrote, changed or deleted."""
    ids = {obj.application_id for group in (session.new, session.dirty, session.deleted) for obj in group
           if isinstance(obj, ApplicationEvent) and obj.application_id is not None}
    if ids:
        refresh_spans(session.connection(), ids)


__all__ = ["ApplicationStateSpan", "refresh_spans", "spans_select"]
