"""Moving an application through the state machine of domain/workflow.py, with its history.

Every state change in the product goes through ``move``: it asks the transition table, changes
the state, writes an ApplicationEvent (the history the tally counts from) and an audit entry.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.domain.workflow import Move, State, check_move
from subsidy.models import Application, ApplicationEvent, User
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
