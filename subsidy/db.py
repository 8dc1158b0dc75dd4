"""Database plumbing: the declarative Base, the engine per app, one Session per app context.

SQLite (the embedded default) is opened with WAL, foreign keys on and a 30 s busy timeout. A
session that may write (``make_sessionmaker(engine)``, the default everywhere: services, CLI,
POST requests) starts its transactions with BEGIN IMMEDIATE: a writer takes the write lock at the
start and a second writer waits for it (up to the busy timeout) instead of failing later with
"database is locked" when it tries to upgrade a read lock. Read-only work (GET requests) uses
``make_sessionmaker(engine, readonly=True)``: a plain deferred BEGIN, so readers never queue
behind writers (WAL lets them read the last committed state). PostgreSQL is reached through
psycopg 3 at the default READ COMMITTED isolation; code that must serialise (receipt numbers)
locks the rows it needs.

Services receive a plain ``Session`` and flush; the view or CLI command commits once.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import JSON, ColumnElement, DateTime, MetaData, create_engine, event, literal_column
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC and returned as an aware UTC datetime.

    SQLite keeps no time zone and PostgreSQL would convert to the session zone; storing naive
    UTC on both makes comparisons and reports behave identically on the two databases.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime (UTC)")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc)


def utcnow() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def shared_value(column: ColumnElement[Any], value: Any, dialect: Dialect) -> ColumnElement[Any]:
    """``value`` written into a statement as a literal of ``column``'s type, for a value every row
    of a bulk INSERT or UPDATE shares (the time of an import): an executemany then converts it
    once, through the type's own literal rendering (a :class:`UTCDateTime` gives
    ``'2026-12-05 12:22:30.481197'``, naive UTC, as its bind processing would), instead of once per
    row (a third of a 20,000-row INSERT's time).  ``dialect``: the session's
    (``session.get_bind().dialect``).  Raises NotImplementedError for a type that has no literal
    rendering.
    """
    return literal_column(literal_text(column, value, dialect), column.type)


def literal_text(column: ColumnElement[Any], value: Any, dialect: Dialect) -> str:
    """``value`` as SQL literal text of ``column``'s type for ``dialect`` (what :func:`shared_value`
    writes into a statement; for SQL built as text, e.g. audit.record_inserted). Raises
    NotImplementedError for a type that has no literal rendering."""
    render = column.type.literal_processor(dialect)
    if render is None:
        raise NotImplementedError(f"no literal rendering for {column.type!r} on {dialect.name}")
    return render(value)


class Base(DeclarativeBase):
    """Declarative base with the constraint naming convention (stable names for migrations)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dt.datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
        list[Any]: JSON,
    }


# No check for circular references: the values are the app's own (dicts and lists of plain values);
# a cycle would end in a RecursionError instead of a ValueError. A fifth less per audit entry.
_JSON_UTF8 = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
_JSON_ASCII = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


def json_text(value: Any) -> str:
    """How JSON columns (the audit log's changes, snapshots, settings) are written: Vietnamese
    text as itself rather than as \\u escapes, no space after separators (an imported household's
    audit entry takes about 300 bytes instead of 410, and the log reads as written in a database
    shell); a value holding a lone surrogate, which no UTF-8 text can carry, keeps the escapes.
    Any JSON text reads back the same, older rows with escapes included.  Raises TypeError for a
    value JSON cannot hold (as json.dumps)."""
    text = _JSON_UTF8(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _JSON_ASCII(value)
    return text


def one_of(column: str, values: Iterable[str], *, nullable: bool = False) -> str:
    """The SQL condition of a CHECK constraint: ``column`` holds one of ``values`` (text
    constants), or NULL when ``nullable``; e.g. ``one_of("source", ("import", "form"))`` →
    ``"source = 'import' OR source = 'form'"``.

    Equalities joined by OR, not ``IN (…)``: for a constant list of three values or more, SQLite
    builds a temporary index of the list at every run of an INSERT or UPDATE statement that checks
    it, once per row of an executemany (about 2 µs a row for each such constraint: on the list
    import's households and their year's statuses, four per household).  The meaning is the same
    on both databases (a NULL passes a CHECK either way).  Raises ValueError for no values or a
    value holding a quote.
    """
    values = tuple(values)
    if not values or any("'" in v for v in values):
        raise ValueError(f"one_of({column!r}): plain text values needed, got {values!r}")
    condition = " OR ".join(f"{column} = '{v}'" for v in values)
    return f"{column} IS NULL OR {condition}" if nullable else condition


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine for ``url`` with the SQLite pragmas described in the module docstring;
    JSON columns are written by :data:`json_text` on both databases."""
    kwargs.setdefault("json_serializer", json_text)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {})
        kwargs["connect_args"].setdefault("timeout", 30)
        kwargs["connect_args"].setdefault("check_same_thread", False)
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite would emit a deferred one).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            # 16 MB page cache per connection (SQLite's default is 2 MB): the tally's per-household
            # look-ups over 100,000 households stay in memory (bench/tally.py: about 2x faster).
            cur.execute("PRAGMA cache_size=-16000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_on_begin(conn: Any) -> None:
            options = conn.get_execution_options()
            if options.get("subsidy_single_statement"):
                return  # see single_statement_engine(): the statement is its own transaction
            conn.exec_driver_sql("BEGIN" if options.get("subsidy_readonly") else "BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def single_statement_engine(engine: Engine) -> Engine:
    """``engine`` for connections that run one read-only SELECT and nothing else (the health
    probe's; the public status check runs its lookup on a DB-API cursor, services.status).

    On SQLite no BEGIN is sent: the connection is in autocommit mode, so the SELECT is its own
    transaction and reads one committed snapshot, which is all a single statement needs; this
    saves a statement and a round through SQLAlchemy's execution on every lookup. On PostgreSQL
    it is the plain engine (the driver opens the transaction; the pool rolls it back). Writing
    through it, or running two statements that must agree, is a misuse: use a Session.
    """
    return engine.execution_options(subsidy_single_statement=True)


def make_sessionmaker(engine: Engine, readonly: bool = False, info: dict[str, Any] | None = None
                      ) -> sessionmaker[Session]:
    """A sessionmaker whose objects stay readable after commit (views render after committing).

    ``readonly=True``: on SQLite its transactions start with a deferred BEGIN (see the module
    docstring); it can still write, but a concurrent writer may then make it fail, so use it only
    for reads. On PostgreSQL the two are the same. ``info``: copied into every Session's
    ``info`` (the app puts the first commune's defaults there, subsidy.models.scoping).
    """
    bind = engine.execution_options(subsidy_readonly=True) if readonly else engine
    return sessionmaker(bind=bind, expire_on_commit=False, autoflush=True, info=dict(info or {}))


def alembic_config(url: str):
    """An Alembic Config pointing at migrations/ and ``url`` (no alembic.ini needed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def database_revision(url: str) -> str | None:
    """The Alembic revision the database at ``url`` is at (None: no alembic_version table yet)."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def upgrade_database(url: str, revision: str = "head") -> None:
    """Run the Alembic migrations on ``url`` up to ``revision``."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
