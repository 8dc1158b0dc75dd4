"""The search indexes on the folded ``search_text`` of households and receipts, which the models do
not describe (migrations 0010 and 0012 build them):

* PostgreSQL: GIN indexes of the commune and the ``pg_trgm`` trigrams of the text
  (:data:`TRIGRAM_INDEXES`, with ``btree_gin``); the planner uses them for the very
  ``LIKE '%…%'`` the searches already send, so nothing changes in the query.
* SQLite: an FTS5 ``trigram`` table per searched table (:data:`FTS_TABLES`, external content, kept
  in step by triggers on every INSERT, UPDATE of ``search_text`` and DELETE, whichever code
  writes: the form, a merge; the list import, inside its transaction, drops the INSERT and UPDATE
  triggers of households and writes the same entries a thousand rows per statement,
  services/importer/search_bulk.py). A search adds :func:`trigram_prefilter`:
  ``id IN (SELECT rowid FROM <table>_fts WHERE … MATCH '"word" AND …')``, the candidates the
  index finds; the LIKE conditions still decide, so both databases return the same rows.
  A Session working for one commune drops the prefilter (:func:`without_prefilters`, called by
  models.scoping): the commune's index bounds the LIKE to the commune's rows, fewer than FTS5's
  matches across every commune for a common word (150,000 households in 100 communes: «nguyen» in
  one commune 0.6 ms by the commune's index, 16.6 ms through FTS5); across communes (the
  province's roles, the admin) the prefilter stays, where it spares a scan of every row.

A trigram index finds only words of 3 characters or more: shorter words add nothing to the
prefilter (the LIKE alone decides, on the commune's rows).
"""
from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy import Boolean, ColumnElement, bindparam, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import visitors
from sqlalchemy.sql.visitors import InternalTraversal

#: SQLite: the FTS5 table of each searched table (its rowid is the row's id).
FTS_TABLES = {"households": "households_fts", "receipts": "receipts_fts"}
#: PostgreSQL: the GIN index of each searched table, (commune_id, search_text trigrams): a commune's
#: search reads the commune's entries only (btree_gin holds the commune in the GIN index).
TRIGRAM_INDEXES = {"households": "ix_households_commune_search_trgm", "receipts": "ix_receipts_commune_search_trgm"}
#: Their names before migration 0012 (trigrams alone).
OLD_TRIGRAM_INDEXES = ("ix_households_search_trgm", "ix_receipts_search_trgm")
#: The shortest word a trigram index can find.
MIN_WORD = 3


def unmodelled(name: str | None) -> bool:
    """True for a table or index of this module (and FTS5's own shadow tables): the comparison of
    models with migrations (alembic's include_object) leaves them out."""
    if not name:
        return False
    return name in TRIGRAM_INDEXES.values() or name in OLD_TRIGRAM_INDEXES or any(name == t or name.startswith(t + "_") for t in FTS_TABLES.values())


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's include_object hook: everything but the :func:`unmodelled` search indexes."""
    return not unmodelled(name)


class TrigramPrefilter(ColumnElement[bool]):
    """``<id> IN (SELECT rowid FROM <fts> WHERE <fts> MATCH :pattern)`` on SQLite; TRUE elsewhere
    (PostgreSQL's trigram index serves the LIKE itself)."""

    type = Boolean()
    inherit_cache = True
    # the statement cache keys on these (the pattern as a bound value, so one compiled form serves
    # every search of the same shape)
    _traverse_internals = [("id_column", InternalTraversal.dp_clauseelement),
                           ("fts_table", InternalTraversal.dp_string),
                           ("pattern", InternalTraversal.dp_clauseelement)]

    def __init__(self, id_column: ColumnElement[Any], fts_table: str, pattern: str) -> None:
        self.id_column = id_column
        self.fts_table = fts_table
        self.pattern = bindparam(None, pattern, unique=True)


@compiles(TrigramPrefilter)
def _default(element: TrigramPrefilter, compiler: Any, **kw: Any) -> str:
    return compiler.process(true(), **kw)


@compiles(TrigramPrefilter, "sqlite")
def _sqlite(element: TrigramPrefilter, compiler: Any, **kw: Any) -> str:
    return (f"{compiler.process(element.id_column, **kw)} IN (SELECT rowid FROM {element.fts_table} "
            f"WHERE {element.fts_table} MATCH {compiler.process(element.pattern, **kw)})")


def trigram_prefilter(table: str, id_column: ColumnElement[Any], words: Sequence[str]) -> ColumnElement[bool] | None:
    """The prefilter of a search whose rows must contain every one of ``words`` (folded text), or
    None when no word is long enough for the index (:data:`MIN_WORD`). ``table``: "households" or
    "receipts"."""
    usable = [w for w in words if len(w) >= MIN_WORD]
    if not usable:
        return None
    pattern = " AND ".join('"' + w.replace('"', '""') + '"' for w in dict.fromkeys(usable))
    return TrigramPrefilter(id_column, FTS_TABLES[table], pattern)


def without_prefilters(statement: Any) -> Any:
    """``statement`` with every :class:`TrigramPrefilter` in it (at any depth: a subquery, an
    EXISTS) replaced by TRUE, or ``statement`` itself when it holds none. The LIKE conditions
    beside each prefilter decide alone, so the rows are the same; only the plan changes."""
    if not any(isinstance(e, TrigramPrefilter) for e in visitors.iterate(statement)):
        return statement
    return visitors.replacement_traverse(
        statement, {}, lambda e: true() if isinstance(e, TrigramPrefilter) else None)
