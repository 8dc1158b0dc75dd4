"""The spans of states the tally reads (subsidy.models.state_spans), rebuilt from the event history:
for the command ``rebuild-state-spans`` after events were written outside the application (a
restore from an older copy, a repair by hand), and the test that what the write path kept equals
what a rebuild computes.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from subsidy.models.state_spans import ApplicationStateSpan, refresh_spans

#: A span as compared: (event_id, application_id, state, since, until).
SpanRow = tuple[int, int, str, object, object]


def rebuild_state_spans(session: Session) -> int:
    """Delete every span and compute them again from application_events, in the Session's
    transaction (flushes, never commits). Returns the rows written (one per event)."""
    session.flush()
    conn = session.connection()
    refresh_spans(conn)
    return conn.execute(select(func.count()).select_from(ApplicationStateSpan)).scalar_one()


def kept_spans(session: Session) -> list[SpanRow]:
    """Every stored span, ordered by event id (for comparing a kept table with a rebuilt one)."""
    s = ApplicationStateSpan
    rows = session.connection().execute(
        select(s.event_id, s.application_id, s.state, s.since, s.until).order_by(s.event_id))
    return [tuple(r) for r in rows]  # type: ignore[misc]


__all__ = ["SpanRow", "kept_spans", "rebuild_state_spans"]
