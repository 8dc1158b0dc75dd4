"""What a migration needs around SQLite's rebuild of a table (Alembic's batch mode), in one place.

SQLite changes a CHECK constraint only by copying the table into a new one: with foreign keys on,
dropping the old ``households`` would fail on every table referring to it, and the copy loses the
triggers that keep the households' search index (migration 0010, ``households_fts``) in step.
Migrations 0013 and 0017 use these helpers; an applied migration runs them again on every new
database, so what they do must not change. On PostgreSQL each does nothing.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op


def foreign_keys_off(bind: Any) -> None:
    """SQLite: end the migration's transaction, turn foreign keys off, begin again (the pragma is
    ignored inside a transaction)."""
    if bind.dialect.name == "sqlite":
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=OFF")
        op.execute("BEGIN IMMEDIATE")


def foreign_keys_on(bind: Any, revision: str, step: str) -> None:
    """SQLite: check every foreign key after the rebuild, then turn them on again. Raises
    RuntimeError naming ``revision`` and ``step`` and the first broken rows."""
    if bind.dialect.name == "sqlite":
        broken = bind.execute(sa.text("PRAGMA foreign_key_check")).fetchall()
        if broken:
            raise RuntimeError(f"{revision} {step}: foreign keys broken by the table rebuild: {broken[:5]}")
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=ON")
        op.execute("BEGIN IMMEDIATE")


def search_triggers(bind: Any) -> None:
    """SQLite's rebuild of households drops the triggers that keep its search index (0010,
    households_fts) in step: put them back as 0010 made them, and rebuild the index."""
    if bind.dialect.name != "sqlite" or not bind.execute(
            sa.text("SELECT 1 FROM sqlite_master WHERE name = 'households_fts'")).first():
        return
    table, fts = "households", "households_fts"
    op.execute(f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
               f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END")
    op.execute(f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END")
    op.execute(f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
               f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END")
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
