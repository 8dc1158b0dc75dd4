"""Copying a whole database to a file and back, for SQLite and PostgreSQL, over every table there is.

Nothing here names a table: the tables are found by reflection (``sqlalchemy.inspect``), so a
table added by a later migration is backed up, counted and checked like the others.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot
  while the app keeps reading and writing; the copy is switched out of WAL so it is one file.
- PostgreSQL: ``pg_dump -Fc`` in the snapshot of a REPEATABLE READ transaction that also counted
  the rows (``--snapshot``), so the counts in the manifest are those of the dump; restored with
  ``pg_restore`` after the (empty) ``public`` schema is dropped: the dump makes it again, with the
  extensions that live in it (pg_trgm, btree_gin for the search indexes).
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect, make_url, text
from sqlalchemy.engine import Connection, Engine

from subsidy.db import make_engine
from subsidy.services.backup.archive import BackupError

#: Alembic's own bookkeeping: not data, and present in an "empty" migrated database.
BOOKKEEPING = frozenset({"alembic_version"})


def dialect_of(url: str) -> str:
    """``"sqlite"`` or ``"postgresql"`` for a SQLAlchemy URL; BackupError for anything else."""
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"chưa hỗ trợ sao lưu cơ sở dữ liệu loại {name}.")
    return name


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL (BackupError for an in-memory database)."""
    db = make_url(url).database
    if not db or db == ":memory:":
        raise BackupError("cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return Path(db)


def libpq_url(url: str) -> str:
    """The URL of a PostgreSQL database as pg_dump/pg_restore take it (no +driver)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def count_rows(conn: Connection) -> dict[str, int]:
    """{table: number of rows} for every table of the connection's database (schema public on
    PostgreSQL), by reflection, sorted by name."""
    names = sorted(inspect(conn).get_table_names())
    prep = conn.dialect.identifier_preparer
    return {n: int(conn.execute(text(f"SELECT count(*) FROM {prep.quote(n)}")).scalar_one()) for n in names}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"không tìm thấy lệnh {name} (gói postgresql-client) trên máy chủ; hãy cài rồi chạy lại.")
    return path


def _run(args: list[str], what: str) -> None:
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise BackupError(f"{what} thất bại: {detail[-1] if detail else f'mã thoát {proc.returncode}'}")


def dump(url: str, out: Path) -> dict[str, int]:
    """Write a consistent copy of the database at ``url`` to ``out`` (a SQLite file, or a pg_dump
    custom-format archive) and return the row counts of that copy, per table.

    Raises BackupError: the database cannot be read, pg_dump missing or failing."""
    if dialect_of(url) == "sqlite":
        src_path = sqlite_path(url)
        if not src_path.exists():
            raise BackupError(f"không có tệp cơ sở dữ liệu {src_path}.")
        src = sqlite3.connect(str(src_path), timeout=30)
        dst = sqlite3.connect(str(out))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.Error as err:
            raise BackupError(f"không sao chép được cơ sở dữ liệu SQLite: {err}") from err
        finally:
            src.close()
            dst.close()
        engine = make_engine(f"sqlite:///{out}")
        try:
            with engine.connect() as conn:
                return count_rows(conn)
        finally:
            engine.dispose()
    pg_dump = _tool("pg_dump")
    engine = make_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = count_rows(conn)
            # --schema leaves out extensions, yet the search indexes need pg_trgm and btree_gin, and
            # restoring drops public (and the extensions living in it) first: name them explicitly.
            extensions = conn.execute(text(
                "SELECT e.extname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                "WHERE n.nspname = 'public' ORDER BY e.extname")).scalars().all()
            # The transaction stays open (the snapshot lives as long as it) while pg_dump runs.
            _run([pg_dump, "-Fc", "--no-owner", "--no-privileges", "--schema=public",
                  *(f"--extension={name}" for name in extensions), f"--snapshot={snapshot}",
                  "-f", str(out), "-d", libpq_url(url)], "pg_dump")
            conn.rollback()
        return counts
    finally:
        engine.dispose()


def rows_present(url: str) -> dict[str, int]:
    """{table: rows} of the tables of ``url`` that hold any row (Alembic's bookkeeping aside); empty
    for a database that does not exist yet (a SQLite file not there). Raises BackupError when a
    PostgreSQL database cannot be reached."""
    if dialect_of(url) == "sqlite" and not sqlite_path(url).exists():
        return {}
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {t: n for t, n in count_rows(conn).items() if n and t not in BOOKKEEPING}
    except BackupError:
        raise
    except Exception as err:  # noqa: BLE001 - one line for the operator
        raise BackupError(f"không kết nối được cơ sở dữ liệu đích: {str(err).splitlines()[0]}") from err
    finally:
        engine.dispose()


def load(url: str, copy: Path) -> dict[str, int]:
    """Replace the content of the (empty) database at ``url`` with ``copy`` (as :func:`dump`
    wrote it) and return the row counts found after loading.

    The caller has checked that the target holds no data (:func:`rows_present`): on PostgreSQL the
    schema ``public`` is dropped and the dump makes it again, so pg_restore starts from nothing. Raises
    BackupError when the copy cannot be loaded."""
    if dialect_of(url) == "sqlite":
        target = sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(str(copy))
        dst = sqlite3.connect(str(target), timeout=30)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        except sqlite3.Error as err:
            raise BackupError(f"không chép được dữ liệu vào {target}: {err}") from err
        finally:
            src.close()
            dst.close()
    else:
        pg_restore = _tool("pg_restore")
        engine: Engine = make_engine(url)
        try:
            with engine.begin() as conn:
                # The dump (--schema=public) creates the schema itself.
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        finally:
            engine.dispose()
        _run([pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "-d", libpq_url(url), str(copy)],
             "pg_restore")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return count_rows(conn)
    finally:
        engine.dispose()
