"""Writing the audit log (who, when, which fields, old and new values)."""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Iterable, Sequence

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, Table, and_, delete, func, or_, select
from sqlalchemy.orm import Session

from subsidy.db import json_text, literal_text, shared_value, utcnow
from subsidy.domain.calendar import VN_TZ
from subsidy.domain.labels import LIST_PAGE_LABELS
from subsidy.domain.list_views import ListFilters
from subsidy.models import AuditEntry, User
from subsidy.models.scoping import session_commune
from subsidy.services.bulk_insert import RowInserter


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-ready values of ``fields`` of ``obj`` (dates as ISO strings)."""
    return {f: _plain(getattr(obj, f)) for f in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def record(
    session: Session,
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    changes: dict[str, Any] | None = None,
    note: str | None = None,
) -> AuditEntry:
    """Add one audit entry (flushed with the caller's transaction; never committed here)."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes={k: [_plain(v) for v in pair] if isinstance(pair, (list, tuple)) else _plain(pair)
                 for k, pair in (changes or {}).items()},
        note=note,
    )
    session.add(entry)
    return entry


def record_many(
    session: Session,
    actor: User | None,
    action: str,
    entity_type: str,
    entries: Sequence[tuple[int | None, dict[str, Any], str | None]],
    at: dt.datetime | None = None,
    commune_id: int | None = None,
) -> None:
    """Add many entries of one ``action`` at once, in bulk INSERTs (the list import writes one
    per household, thousands at a time; never committed here).

    ``entries``: ``(entity_id, changes, note)`` each; ``changes`` must already be JSON-ready
    (``{"field": [old, new]}`` of str, int, bool or None: unlike :func:`record`, nothing is
    converted, for speed).  ``at``: the time of every entry (aware UTC; default now).
    ``commune_id``: the commune whose data they touch (default: the Session's commune).  No
    entries, no INSERT.
    """
    if not entries:
        return
    table = AuditEntry.__table__
    common = (actor.id if actor is not None else None, action, entity_type,
              commune_id if commune_id is not None else session_commune(session))
    # Tuple INSERTs of the table (bulk_insert: no ORM bookkeeping, no per-row dict), a thousand
    # rows per executemany so that the parameters of a whole import are never all alive at once;
    # the shared time is written once into the statement (db.shared_value).
    inserter = RowInserter(session, table, ("actor_id", "action", "entity_type", "commune_id", "entity_id", "changes",
                                            "note"),
                           {"at": shared_value(table.c.at, at or utcnow(), session.get_bind().dialect)})
    for start in range(0, len(entries), 1000):
        inserter([(*common, entity_id, changes, note) for entity_id, changes, note in entries[start:start + 1000]])


def record_inserted(
    session: Session,
    actor: User | None,
    action: str,
    entity_type: str,
    table: Table,
    fields: Sequence[str],
    entries: Sequence[tuple[int, str | None, Any]],
    *,
    extra_key: str,
    at: dt.datetime | None = None,
    commune_id: int | None = None,
) -> None:
    """Add one ``action`` entry per row of ``table`` just inserted (the list import's new
    households), their changes built by the database from the rows as stored: ``{field: [None,
    value]}`` for each of ``fields`` whose stored value is not empty (NULL, false and 0 left out,
    as :func:`record_many`'s callers leave them out; a date as ISO text), plus ``extra_key:
    extra`` when an entry's ``extra`` is not None.  Never committed here; no entries, no INSERT.

    ``entries``: ``(row id, note, extra)`` each; ``extra`` JSON-ready (a list or dict of plain
    values) or None.  ``at``: the time of every entry (aware UTC; default now); ``commune_id``:
    the commune whose data they touch (default: the Session's commune).  Raises ValueError for a
    field whose column type is neither text, a number, a boolean nor a date, and
    NotImplementedError on a database other than SQLite and PostgreSQL.

    Why in SQL: the changes repeat what the row's INSERT has just stored, so the database reads
    them from the row (a thousand entries per statement, joined to the rows by id) instead of
    Python building a dict and a JSON text per row (20,000 households: about a tenth of the
    import's writing time).
    """
    if not entries:
        return
    dialect = session.get_bind().dialect
    audit = AuditEntry.__table__
    sql = _inserted_sql(dialect, table, tuple(fields), extra_key)
    common = (actor.id if actor is not None else None, action, entity_type,
              commune_id if commune_id is not None else session_commune(session))
    stamp = literal_text(audit.c.at, at or utcnow(), dialect)
    conn = session.connection()
    for start in range(0, len(entries), 1000):
        chunk = entries[start:start + 1000]
        params: list[Any] = [*common]
        for row_id, note, extra in chunk:
            params += (row_id, note, None if extra is None else json_text(extra))
        conn.exec_driver_sql(sql.replace("{stamp}", stamp).replace("{values}", _values_rows(dialect, len(chunk))),
                             tuple(params))


def _values_rows(dialect: Any, n: int) -> str:
    """``n`` rows of three parameters for a VALUES list; on PostgreSQL the first row says the
    columns' types (id, note, JSON text), which the others then take."""
    mark = _mark(dialect)
    first = f"({mark}, {mark}, {mark})" if dialect.name == "sqlite" else f"({mark}::integer, {mark}::text, {mark}::text)"
    return ", ".join([first] + [f"({mark}, {mark}, {mark})"] * (n - 1))


def _mark(dialect: Any) -> str:
    """The driver's parameter marker: ``?`` for SQLite's qmark, ``%s`` for psycopg."""
    return "?" if dialect.paramstyle == "qmark" else "%s"


@lru_cache(maxsize=16)
def _inserted_sql(dialect: Any, table: Table, fields: tuple[str, ...], extra_key: str) -> str:
    """The INSERT … SELECT of :func:`record_inserted` for ``dialect``, with the markers ``{stamp}``
    and ``{values}`` left to replace (the shared time as a literal, the VALUES rows)."""
    if dialect.name == "sqlite":
        array, true, obj = "json_array", "json('true')", "json_patch('{}', json_object(PAIRS))"
        extra = "json(v.column3)"
    elif dialect.name == "postgresql":
        array, true, obj = "json_build_array", "true", "json_strip_nulls(json_build_object(PAIRS))"
        extra = "CAST(v.column3 AS json)"
    else:
        raise NotImplementedError(f"record_inserted on {dialect.name}")
    quote = dialect.identifier_preparer.quote
    pairs = []
    for name in (*fields, extra_key):
        if "'" in name:
            raise ValueError(f"field name {name!r}")
        if name == extra_key:
            pairs.append(f"'{name}', {extra}")
            continue
        column, col = table.c[name], f"h.{quote(name)}"
        if isinstance(column.type, Boolean):
            value = f"CASE WHEN {col} THEN {array}(NULL, {true}) END"
        elif isinstance(column.type, (Integer, Numeric)):
            value = f"CASE WHEN {col} <> 0 THEN {array}(NULL, {col}) END"
        elif isinstance(column.type, (String, Date)) and not isinstance(column.type, DateTime):
            value = f"CASE WHEN {col} IS NOT NULL THEN {array}(NULL, {col}) END"
        else:
            raise ValueError(f"column {name} of type {column.type!r} has no audit form")
        pairs.append(f"'{name}', {value}")
    audit = AuditEntry.__table__
    return (f"INSERT INTO {quote(audit.name)} (actor_id, action, entity_type, commune_id, entity_id, changes, note, at) "
            f"SELECT {', '.join([_mark(dialect)] * 4)}, h.id, "
            f"{obj.replace('PAIRS', ', '.join(pairs))}, v.column2, {{stamp}} "
            f"FROM (VALUES {{values}}) AS v JOIN {quote(table.name)} AS h ON h.id = v.column1 ORDER BY h.id")


#: The action of a page (or a search) listing people: one entry per page shown.
LIST_VIEW_ACTION = "list.view"


def filters_note(f: ListFilters | None) -> str | None:
    """A list's filters as an audit entry notes them ("Ấp: Ấp Phú Hòa; có tìm kiếm"), or None:
    never the search text, which may be a CCCD or a phone number, only that there was one."""
    if f is None:
        return None
    words = [x for x in (replace(f, q="").describe(), "có tìm kiếm" if f.q else "") if x]
    return "; ".join(words) or None


def record_list_view(session: Session, actor: User | None, list_key: str, rows: int, *,
                     page: int | None = None, pages: int | None = None,
                     filters: ListFilters | None = None) -> AuditEntry | None:
    """Log that ``actor`` was shown ``rows`` people (households, applications, receipts) on one
    page of the list ``list_key`` (a key of domain.labels.LIST_PAGE_LABELS): one ``list.view``
    entry, with {"list", "rows", "page", "pages"} and a note naming the page and the filters but
    never the search text. No rows shown, no entry (None). Flushed with the caller's transaction,
    never committed here. domain.md §9: who saw personal data (names with CCCDs, phones or the
    poverty category), page by page, so paging through every ID leaves a trace.
    """
    if rows <= 0:
        return None
    where = f"trang {page}/{pages}: " if page is not None else ""
    note = "; ".join(x for x in (f"{LIST_PAGE_LABELS.get(list_key, list_key)}, {where}{rows} dòng",
                                 filters_note(filters)) if x)
    return record(session, actor, LIST_VIEW_ACTION, "list", None,
                  changes={"list": list_key, "rows": rows, "page": page, "pages": pages}, note=note)


@dataclass(frozen=True)
class EntityLog:
    """The audit log of one record, split for its page: ``changes`` (newest first, every one),
    ``views`` (the latest views and API reads, newest first, at most the number asked) and
    ``views_total`` (all views ever logged)."""

    changes: list[AuditEntry]
    views: list[AuditEntry]
    views_total: int


def view_condition() -> Any:
    """SQL form of domain.labels.is_view: "*.view", "*.export", "api.*.read", "api.*.list"."""
    action = AuditEntry.action
    return or_(action.like("%.view"), action.like("%.export"), and_(action.like("api.%"), or_(action.like("%.read"), action.like("%.list"))))


def entity_log(session: Session, entity_type: str, entity_id: int, *, views_shown: int = 50,
               viewed_through: Iterable[tuple[str, Iterable[int]]] = ()) -> EntityLog:
    """Changes and views of (``entity_type``, ``entity_id``) in three indexed queries
    (ix_audit_entries_entity): a page viewed thousands of times loads only ``views_shown`` views.
    ``viewed_through``: other records (entity type, ids) whose views show this record's personal
    data too (a household's application page and API read, its receipts): their views
    (view_condition, the one definition of a view) are counted and listed with this record's; their
    changes are not. Who saw or changed personal data: domain.md §9."""
    own = and_(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
    seen = [own] + [and_(AuditEntry.entity_type == kind, AuditEntry.entity_id.in_(ids))
                    for kind, ids in ((kind, list(ids)) for kind, ids in viewed_through) if ids]
    views = view_condition()
    changes = list(session.scalars(select(AuditEntry).where(own, ~views).order_by(AuditEntry.id.desc())))
    where_seen = and_(or_(*seen), views)
    shown = list(session.scalars(select(AuditEntry).where(where_seen).order_by(AuditEntry.id.desc())
                                 .limit(views_shown)))
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(where_seen)) or 0
    return EntityLog(changes, shown, total)


#: The action of the entry a pruning leaves behind (one entry per pruning, with the count).
PRUNE_ACTION = "audit.prune_views"


@dataclass(frozen=True)
class PruneResult:
    """What a pruning of the view log found (and removed, unless ``dry_run``): ``count`` view
    entries dated before ``before`` (aware UTC), the oldest and newest of them (None when none)."""

    count: int
    before: dt.datetime
    oldest: dt.datetime | None
    newest: dt.datetime | None
    dry_run: bool


def prune_views(session: Session, before: dt.datetime, actor: User | None, *, dry_run: bool = False,
                years: int | None = None) -> PruneResult:
    """Remove every view entry (pages and API reads of personal data, lists taken away: the
    actions :func:`view_condition` matches) dated before ``before`` (an aware datetime, e.g.
    ``local_midnight(years_before(today, 5))``). Changes are never removed, whatever their age.

    Audited as one ``audit.prune_views`` entry by ``actor`` (None: the server, from a command or
    the scheduled backup) holding the number removed, the cut-off and ``years`` (the retention
    period, for the reader), written even when nothing was old enough. ``dry_run``: count only,
    nothing removed and nothing written. Flushes, never commits. domain.md §9: view entries are kept
    for the configured period (VIEW_LOG_RETENTION_YEARS, default 5 years), then removed.
    """
    old = (AuditEntry.at < before, view_condition())
    count, oldest, newest = session.execute(
        select(func.count(), func.min(AuditEntry.at), func.max(AuditEntry.at)).where(*old)).one()
    result = PruneResult(int(count or 0), before, oldest, newest, dry_run)
    if dry_run:
        return result
    if result.count:
        session.execute(delete(AuditEntry).where(*old).execution_options(synchronize_session=False))
    record(session, actor, PRUNE_ACTION, "audit_log", None,
           changes={"removed": result.count, "before": before, "years": years},
           note=f"Xóa {result.count} lượt xem dữ liệu cá nhân ghi trước {before.astimezone(VN_TZ):%d/%m/%Y}")
    session.flush()
    return result
