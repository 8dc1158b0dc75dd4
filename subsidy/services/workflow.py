"""Moving an application through the state machine of domain/workflow.py, with its history.

Every state change in the product goes through ``move``: it asks the transition table, changes
the state, writes an ApplicationEvent (the history the tally counts from) and an audit entry; the
spans of states the tally reads (models.state_spans) follow the events at the flush.
"""
from __future__ import annotations

import datetime as dt
from typing import Sequence

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from subsidy.db import utcnow
from subsidy.domain.workflow import Move, State, check_move
from subsidy.models import Application, ApplicationEvent, AuditEntry, User
from subsidy.models.state_spans import refresh_spans
from subsidy.services import audit


def move(
    session: Session,
    application: Application,
    target: State | str,
    actor: User | None,
    reason: str | None = None,
    *,
    role: str | None = None,
    at: dt.datetime | None = None,
) -> ApplicationEvent:
    """Move ``application`` to ``target`` as ``actor`` (whose role decides; ``role`` overrides it
    for system moves with no actor). ``at`` (aware datetime) back-dates the event for imports
    and tests; default now.

    Raises the named errors of subsidy.domain.workflow (IllegalTransition, RoleNotAllowed,
    ReasonRequired: all WorkflowError) and changes nothing when it does. Source: domain.md §5.
    """
    role = role or (actor.role if actor is not None else "")
    current = State(application.state)
    mv: Move = check_move(current, target, role, reason)
    at = at or utcnow()
    target = State(target)
    application.state = target.value
    application.state_changed_at = at
    event = ApplicationEvent(
        application_id=application.id, from_state=current.value, to_state=target.value,
        actor_id=actor.id if actor is not None else None, at=at, reason=(reason or None),
    )
    session.add(event)
    audit.record(session, actor, f"application.{mv.name}", "application", application.id,
                 {"state": [current.value, target.value]}, note=reason)
    return event


def record_received(session: Session, application: Application, actor: User | None,
                    at: dt.datetime | None = None) -> ApplicationEvent:
    """The first event of an application (None → received). Call after the application is flushed."""
    at = at or utcnow()
    application.state = State.received.value
    application.state_changed_at = at
    event = ApplicationEvent(application_id=application.id, from_state=None, to_state=State.received.value,
                             actor_id=actor.id if actor is not None else None, at=at)
    session.add(event)
    return event


def move_many(
    session: Session,
    items: Sequence[tuple[Application, State | str, str | None]],
    actor: User | None,
    *,
    role: str | None = None,
    at: dt.datetime | None = None,
) -> int:
    """The batch form of ``move`` for use cases that move many applications at once (an
    eligibility check of a whole queue): ``items`` are (application, target, reason).

    Every move is checked against the transition table first; the first illegal one raises its
    named WorkflowError and nothing changes (all or nothing). Then each application's state is set
    and the same ApplicationEvent and audit rows as ``move`` writes are inserted with two
    multi-row INSERTs (no per-row RETURNING, which the ORM would otherwise issue one row at a
    time). Returns the number of moves. Source: domain.md §5.
    """
    role = role or (actor.role if actor is not None else "")
    checked = []
    for app, target, reason in items:
        current = State(app.state)
        checked.append((app, current, State(target), check_move(current, target, role, reason), reason))
    if not checked:
        return 0
    at = at or utcnow()
    actor_id = actor.id if actor is not None else None
    events, entries = [], []
    by_target: dict[str, list[int]] = {}
    for app, current, target, mv, reason in checked:
        by_target.setdefault(target.value, []).append(app.id)
        events.append({"application_id": app.id, "from_state": current.value, "to_state": target.value,
                       "actor_id": actor_id, "at": at, "reason": reason or None})
        entries.append({"at": at, "actor_id": actor_id, "action": f"application.{mv.name}",
                        "entity_type": "application", "entity_id": app.id, "commune_id": app.commune_id,
                        "changes": {"state": [current.value, target.value]}, "note": reason})
    # One UPDATE per target state (not one per row), then the objects are told what is stored.
    for target_value, ids in by_target.items():
        session.execute(update(Application).where(Application.id.in_(ids))
                        .values(state=target_value, state_changed_at=at)
                        .execution_options(synchronize_session=False))
    for app, _current, target, _mv, _reason in checked:
        set_committed_value(app, "state", target.value)
        set_committed_value(app, "state_changed_at", at)
    insert_rows(session, ApplicationEvent, events)
    # Core rows pass no flush: the spans of states the tally reads are refreshed here.
    refresh_spans(session, [app.id for app, *_rest in checked])
    insert_rows(session, AuditEntry, entries)
    return len(checked)


def insert_rows(session: Session, model: type, rows: list[dict]) -> None:
    """INSERT ``rows`` through Core with RETURNING, which SQLAlchemy sends as multi-VALUES batches
    ("insertmanyvalues", 1,000 rows a statement, compiled once): a few round trips on PostgreSQL
    too, where a plain executemany would send one query per row."""
    if rows:
        table = model.__table__
        session.execute(table.insert().returning(table.c.id), rows).all()
