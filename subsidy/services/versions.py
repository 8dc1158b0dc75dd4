"""Optimistic concurrency, the one home: a save refused when its page is older than the record.

A record's *version* is its place in the change log: the id of the latest audit entry that changed
it (views and downloads are not changes; 0 before any). Every change of a household, application,
list … is audited in the transaction that makes it, so the version moves with every change and
the entries after a version are exactly what changed since, who changed it, and when. No column
of its own: the log is already the record's history.

A form carries the version its page showed (a hidden field; the API's ``version``). The service
saving it, inside its one transaction:

1. takes the record's row lock (:func:`lock`: ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a
   writing request already holds the database's write lock from ``BEGIN IMMEDIATE``, subsidy.db),
   so of two saves sent from the same page the second waits for the first to commit and then
   sees its change;
2. calls :func:`check_unchanged`, which raises :class:`StaleVersion` (nothing written) when a
   change the form would overwrite was made after that version.

The refusal's words are domain.stale's. Lists compare the applications the page showed instead
(services.lists.approval).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from subsidy.domain.labels import field_label
from subsidy.domain.stale import ChangeSeen, record_changed_message
from subsidy.models import AuditEntry
from subsidy.services.audit import view_condition
from subsidy.services.errors import Conflict, InvalidFields, NotFound

#: The API's name for the version a client read.
VERSION_FIELD = "version"
#: The forms' hidden field carrying what the page showed (forms.base.VersionField).
FORM_FIELD = "seen"


class StaleVersion(Conflict):
    """The record (or list) changed after the page that sent this save was opened; ``str(err)``
    says what changed and how to go on. Nothing was written. The web gives the form back with the
    message at its top (``field``: the form's hidden «seen» field, whose errors the form shows;
    422, refusals.attempt), the API answers 409."""

    field = FORM_FIELD


class UnknownVersion(InvalidFields):
    """The version sent is none this record ever had (made up, or copied from another record).
    ``field_errors`` name the API's field («version»), the one an API client sends back; a web
    form's page gets :data:`UNKNOWN_VERSION_ON_A_PAGE` under its hidden «seen» field instead
    (:meth:`on_a_page`), since its user neither sees nor types that field."""

    def __init__(self, seen: int) -> None:
        super().__init__({VERSION_FIELD: f"Phiên bản {seen} không phải một phiên bản của bản ghi này: hãy đọc "
                                         "lại bản ghi rồi gửi phiên bản vừa đọc (trường «version»)."})

    @staticmethod
    def on_a_page() -> InvalidFields:
        """The same refusal as a web form's page shows it: under the form's «seen» field."""
        return InvalidFields({FORM_FIELD: UNKNOWN_VERSION_ON_A_PAGE})


#: What a web form is told when the page it was sent from carried no version of the record.
UNKNOWN_VERSION_ON_A_PAGE = ("Trang này không khớp với bản ghi đang sửa (trang đã cũ hoặc bị thay đổi): hãy tải lại "
                             "trang rồi nhập lại thay đổi.")


def lock(session: Session, model: type, record_id: int, *, not_found: str = "Không tìm thấy bản ghi này.") -> Any:
    """The row ``record_id`` of ``model`` read again under its row lock (``SELECT … FOR UPDATE``,
    held until the transaction ends; SQLite: the request's write lock already serialises writers),
    values as stored now (an object already in the Session is refreshed). Raises NotFound
    (``not_found``) when there is no such row the Session may see."""
    key = inspect(model).primary_key[0]
    session.execute(select(key).where(key == record_id).with_for_update())
    obj = session.get(model, record_id, populate_existing=True)
    if obj is None:
        raise NotFound(not_found)
    return obj


def lock_all(session: Session, model: type) -> None:
    """Every row of the small table ``model`` (the instance's settings) under its row lock, held
    until the transaction ends, as :func:`lock` does for one record (SQLite: the request's write
    lock already serialises writers). A row another transaction inserts meanwhile is not
    covered: such a first save of the same setting ends on the primary key instead."""
    session.execute(select(*inspect(model).primary_key).with_for_update())


def _changes_of(entity_type: str, entity_id: int | None) -> tuple[Any, ...]:
    same = AuditEntry.entity_id.is_(None) if entity_id is None else AuditEntry.entity_id == entity_id
    return (AuditEntry.entity_type == entity_type, same, ~view_condition())


def version(session: Session, entity_type: str, entity_id: int | None) -> int:
    """The record's version: the id of the latest audit entry that changed
    (``entity_type``, ``entity_id``; None: the one record of its kind, e.g. the instance's
    settings), 0 when none did. One indexed query (ix_audit_entries_entity)."""
    return session.scalar(select(func.max(AuditEntry.id)).where(*_changes_of(entity_type, entity_id))) or 0


def check_unchanged(session: Session, entity_type: str, entity_id: int | None, seen: int | None, *,
                    fields: Iterable[str] | None, what: str, how: str,
                    actions: Iterable[str] | None = None,
                    describe: Callable[[AuditEntry], tuple[str, ...]] | None = None) -> None:
    """Refuse a save made from a page that showed version ``seen`` of the record when a change of
    one of ``fields`` (None: any change) was logged after it, by one of ``actions`` (None: any;
    for a record whose log also holds its parts' changes under the same field names, e.g. a
    commune's hamlets). ``entity_id`` None: the one record of its kind (the instance's settings).
    Call it after :func:`lock`.

    ``seen`` None: the client sent no version (an API client that does not use them): nothing is
    checked. ``what`` names the record in the message, ``how`` says how to go on. ``describe``: what
    an entry changed in the message's words (default: the labels of its fields), for a record whose
    parts' changes need their values to be told apart (a commune's hamlets: which one, to what).

    Raises StaleVersion naming who changed which fields when (domain.stale), or UnknownVersion
    (InvalidFields {"version": …}; a web form shows it under «seen») when ``seen`` is no version this record ever had (neither 0 nor one of its
    changes: a value made up or copied from another record)."""
    if seen is None:
        return
    where = _changes_of(entity_type, entity_id)
    if seen != 0 and session.scalar(select(AuditEntry.id).where(AuditEntry.id == seen, *where)) is None:
        raise UnknownVersion(seen)
    wanted = None if fields is None else set(fields)
    if actions is not None:
        where = (*where, AuditEntry.action.in_(list(actions)))
    later = session.scalars(select(AuditEntry).where(AuditEntry.id > seen, *where).order_by(AuditEntry.id))
    seen_changes = []
    for entry in later:
        changed = [k for k in (entry.changes or {}) if wanted is None or k in wanted]
        if wanted is not None and not changed:
            continue  # a change the form does not carry (a state move, an archive …): nothing to overwrite
        words = describe(entry) if describe is not None else tuple(field_label(k, entity_type) for k in changed)
        seen_changes.append(ChangeSeen(entry.actor.display_name if entry.actor is not None else None, entry.at, words))
    if seen_changes:
        raise StaleVersion(record_changed_message(what, seen_changes, how))
