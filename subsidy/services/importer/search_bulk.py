"""Keeping SQLite's FTS5 search index of households in step during a bulk import, a statement
per thousand rows instead of a trigger run per row.

On SQLite the index ``households_fts`` (models/search_index.py, migration 0010) is kept in step
by triggers on every INSERT and UPDATE OF search_text.  Fired once per row of an executemany,
the INSERT trigger took a quarter of a 20,000-row import's time (its per-row program around
FTS5's insert: 1.0 of 4.1 s CPU), while the same index entries written by one
``INSERT INTO households_fts(rowid, search_text) SELECT id, search_text FROM households WHERE id
IN (…)`` per thousand rows cost a twentieth of that.  So while the import writes, inside its one
transaction (the caller's, never committed here), the two triggers are dropped, the index
entries of the rows written are deleted and inserted in bulk exactly as the triggers would have
(the old text out before an UPDATE, the new text in after it), and the triggers are recreated
from the very SQL read back from ``sqlite_master`` before they were dropped.  SQLite's DDL is
transactional and the import holds the write lock (BEGIN IMMEDIATE), so no other connection ever
sees the table without its triggers, and a rollback restores them with everything else.

PostgreSQL (a GIN index, no trigger) and a database without the FTS table: nothing is done and
the writes go as they are.  Source: models/search_index.py.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

from subsidy.models.search_index import FTS_TABLES

_TABLE = "households"
_FTS = FTS_TABLES[_TABLE]
#: The triggers replaced while an import writes (the DELETE trigger stays: an import deletes no household).
_TRIGGERS = (f"{_FTS}_ai", f"{_FTS}_au")
_CHUNK = 1000


class BulkIndex:
    """The index writes of one import (see the module docstring); ``active`` False where there is
    nothing to do (not SQLite, no FTS table): then every method does nothing."""

    def __init__(self, session: Session, active: bool) -> None:
        self.session = session
        self.active = active

    def _each(self, sql: str, ids: Sequence[int]) -> None:
        if not self.active:
            return
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            self.session.execute(text(sql.format(", ".join(str(int(i)) for i in chunk))))

    def added(self, ids: Sequence[int]) -> None:
        """After rows ``ids`` (ascending) were inserted: their entries in, as the INSERT trigger
        writes them.  Ids forming one run (a new household takes the next rowid: an import's new
        rows are one run) go in one statement over the range: FTS5 writes its pending entries
        out at the end of every statement, so one statement instead of one per thousand rows
        costs about half (20,000 rows: 0.08 against 0.14 s CPU)."""
        if not self.active or not ids:
            return
        first, last = ids[0], ids[-1]
        if last - first + 1 == len(ids) == len(set(ids)):
            self.session.connection().exec_driver_sql(
                f"INSERT INTO {_FTS}(rowid, search_text) SELECT id, search_text FROM {_TABLE} "
                "WHERE id BETWEEN ? AND ? ORDER BY id", (int(first), int(last)))
            return
        self._each(f"INSERT INTO {_FTS}(rowid, search_text) SELECT id, search_text FROM {_TABLE} "
                   "WHERE id IN ({}) ORDER BY id", ids)

    def before_update(self, ids: Sequence[int]) -> None:
        """Before rows ``ids`` are updated: their old entries out (the UPDATE trigger's first half)."""
        self._each(f"INSERT INTO {_FTS}({_FTS}, rowid, search_text) SELECT 'delete', id, search_text "
                   f"FROM {_TABLE} WHERE id IN ({{}}) ORDER BY id", ids)

    def after_update(self, ids: Sequence[int]) -> None:
        """After rows ``ids`` were updated: their new entries in (the UPDATE trigger's second half)."""
        self.added(ids)


@contextmanager
def bulk_index(session: Session) -> Iterator[BulkIndex]:
    """Within the caller's transaction, the FTS triggers of households dropped for the block and
    recreated after it (same SQL); the block writes the index entries through the yielded
    :class:`BulkIndex`.  On an error inside the block the triggers are not recreated: the
    caller's rollback (the import is all or nothing) brings them back with the rest."""
    if session.get_bind().dialect.name != "sqlite":
        yield BulkIndex(session, False)
        return
    rows = session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
                           {"t": _TABLE}).all()
    saved = [sql for name, sql in rows if name in _TRIGGERS]
    if len(saved) != len(_TRIGGERS):
        yield BulkIndex(session, False)  # no FTS table here (or not as migration 0010 made it)
        return
    for name in _TRIGGERS:
        session.connection().exec_driver_sql(f"DROP TRIGGER {name}")
    yield BulkIndex(session, True)
    for sql in saved:
        session.connection().exec_driver_sql(sql)
