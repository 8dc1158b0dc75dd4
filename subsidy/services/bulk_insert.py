"""One executemany INSERT of rows given as tuples, for bulk writes (the list import, its audit entries).

SQLAlchemy's Core executemany takes one dict per row and, for each, builds the driver's
parameters through the compiled statement (``construct_params``) and every column type's
bind processing: on SQLite about two fifths of an INSERT of 20,000 households (0.36 s of which
the driver and SQLite take 0.21).  Here the statement is compiled once by SQLAlchemy, for the
session's dialect, from the table and the columns given, and on a driver taking positional
parameters (SQLite's ``qmark``) the rows go to the driver as tuples; only the columns whose
type has bind processing for the dialect (dates, JSON, booleans…) are converted, by that same
processing (the column type's ``bind_processor``), so what is stored is what the Core INSERT
stores.  Other drivers (psycopg's named parameters) get the same statement through Core with
one dict per row.  A column that is empty (NULL) in every row of a chunk is written as a literal
NULL in a variant of the statement (compiled once per set of such columns) instead of a parameter
per row: the driver hands every None to its adapter look-up (about 3,000 instructions each), and an
imported household has half a dozen empty columns.  Never commits.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Sequence

from sqlalchemy import Table, bindparam, insert, null
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement


class RowInserter:
    """The INSERT of ``columns`` (names of ``table``'s columns, the order of each row's tuple)
    plus ``literals`` (column name → a SQL expression every row shares, e.g. db.shared_value),
    compiled once for ``session``'s dialect; :meth:`__call__` sends one executemany."""

    def __init__(self, session: Session, table: Table, columns: Sequence[str],
                 literals: Mapping[str, ColumnElement[Any]] | None = None) -> None:
        self.session = session
        self.table = table
        self.columns = tuple(columns)
        self.literals = dict(literals or {})
        self.dialect = session.get_bind().dialect
        self.stmt = insert(table).values({c: bindparam(c) for c in self.columns} | self.literals)
        self.positional = self.dialect.paramstyle == "qmark"
        # The columns that may be written as a literal NULL: those whose bind processing (if any)
        # keeps None as None (not JSON, which stores None as the text 'null').
        self._null_ok = frozenset(i for i, c in enumerate(self.columns) if _keeps_none(table.c[c], self.dialect))
        # Per set of columns written as literal NULL: (SQL, the tuple positions in parameter order,
        # the bind processors by parameter position).
        self._variants: dict[frozenset[int], tuple[str, tuple[int, ...], list[tuple[int, Callable[[Any], Any]]]]] = {}
        if self.positional:
            self._variant(frozenset())

    def _variant(self, nulls: frozenset[int]) -> tuple[str, tuple[int, ...], list[tuple[int, Callable[[Any], Any]]]]:
        """The statement with the columns at positions ``nulls`` written as NULL (compiled once)."""
        found = self._variants.get(nulls)
        if found is not None:
            return found
        bound = [c for i, c in enumerate(self.columns) if i not in nulls]
        stmt = insert(self.table).values({c: bindparam(c) for c in bound}
                                         | {self.columns[i]: null() for i in nulls} | self.literals)
        compiled = stmt.compile(dialect=self.dialect)
        where = {c: i for i, c in enumerate(self.columns)}
        order = tuple(where[name] for name in compiled.positiontup or ())
        if sorted(order) != sorted(where[c] for c in bound):
            raise ValueError(f"columns {self.columns} do not match the statement's parameters")
        procs = []
        for pos, i in enumerate(order):
            proc = self.table.c[self.columns[i]].type.dialect_impl(self.dialect).bind_processor(self.dialect)
            if proc is not None:
                procs.append((pos, proc))
        found = self._variants[nulls] = (str(compiled), order, procs)
        return found

    def __call__(self, rows: Iterable[Sequence[Any]]) -> None:
        """Insert ``rows`` (tuples in the order of ``columns``) in one executemany; no rows, no statement."""
        if not self.positional:
            params = [dict(zip(self.columns, r)) for r in rows]
            if params:
                self.session.execute(self.stmt, params)
            return
        rows = rows if isinstance(rows, list) else list(rows)
        if not rows:
            return
        # Column by column (zip and map run in C): each converted column is one map of its
        # processor, then the rows are zipped back into the driver's tuples.
        by_column: list[Any] = list(zip(*rows))
        if len(by_column) != len(self.columns):
            raise ValueError(f"rows of {len(by_column)} values for the {len(self.columns)} columns {self.columns}")
        n = len(rows)
        sql, order, procs = self._variant(frozenset(i for i in self._null_ok if by_column[i].count(None) == n))
        by_column = [by_column[i] for i in order]
        for pos, proc in procs:
            by_column[pos] = map(proc, by_column[pos])
        self.session.connection().exec_driver_sql(sql, list(zip(*by_column)) if by_column else [()] * n)


def _keeps_none(column: Any, dialect: Any) -> bool:
    """Whether ``column``'s bind processing for ``dialect`` stores None as NULL (no processing, or
    a processing that gives None back)."""
    proc = column.type.dialect_impl(dialect).bind_processor(dialect)
    if proc is None:
        return True
    try:
        return proc(None) is None
    except Exception:  # a processing that refuses None: keep the column a parameter
        return False
