"""The search indexes on the folded ``search_text`` of households and receipts, which the models do
not describe (migrations 0010, 0012 and 0018 build them):

* PostgreSQL: GIN indexes of the commune and the ``pg_trgm`` trigrams of the text
  (:data:`TRIGRAM_INDEXES`, with ``btree_gin``); the planner uses them for the very
  ``LIKE '%…%'`` the searches already send, so nothing changes in the query. The households' index
  holds the key behind one more space (:func:`spaced`, the expression the searches write): a word
  that starts a name word is then one ``LIKE '% word%'`` whether or not it starts the key, one
  scan of the index where ``… LIKE '% word%' OR … LIKE 'word%'`` read the same trigrams twice
  and combined the two bitmaps (a name of two words across 1,000,500 households: 280 → 70 ms).
  Applications: the trigrams of the tracking code (:data:`TRACKING_INDEX`), for a part of a code
  typed in the queue's search.
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

from sqlalchemy import Boolean, ColumnElement, Text, bindparam, literal_column, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import visitors
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

#: SQLite: the FTS5 table of each searched table (its rowid is the row's id).
FTS_TABLES = {"households": "households_fts", "receipts": "receipts_fts"}
#: PostgreSQL: the GIN index of each searched table, (commune_id, search_text trigrams): a commune's
#: search reads the commune's entries only (btree_gin holds the commune in the GIN index).
TRIGRAM_INDEXES = {"households": "ix_households_commune_spaced_trgm", "receipts": "ix_receipts_commune_search_trgm"}
#: Their names before migration 0012 (trigrams alone), and the households' before 0018 (the key
#: without the leading space of :func:`spaced`).
OLD_TRIGRAM_INDEXES = ("ix_households_search_trgm", "ix_receipts_search_trgm", "ix_households_commune_search_trgm")
#: PostgreSQL: the GIN index of the trigrams of ``applications.tracking_code``.
TRACKING_INDEX = "ix_applications_tracking_trgm"
#: The shortest word a trigram index can find.
MIN_WORD = 3


def unmodelled(name: str | None) -> bool:
    """True for a table or index of this module (and FTS5's own shadow tables): the comparison of
    models with migrations (alembic's include_object) leaves them out."""
    if not name:
        return False
    return (name in TRIGRAM_INDEXES.values() or name in OLD_TRIGRAM_INDEXES or name == TRACKING_INDEX
            or any(name == t or name.startswith(t + "_") for t in FTS_TABLES.values()))


def spaced(search_text: ColumnElement[str]) -> ColumnElement[str]:
    """``' ' || search_text``: the key as the households' trigram index holds it (the expression
    must be written exactly so, a constant, for PostgreSQL to use the index). The stored key starts
    with a space already (domain.household_list.household_search_text); the one added here makes a
    key stored without it (written by hand, or before the rule) read the same, so
    ``spaced(key) LIKE '% word%'`` is exactly ``key LIKE '% word%' OR key LIKE 'word%'``, and
    ``spaced(key) LIKE '%digits%'`` exactly ``key LIKE '%digits%'``."""
    return literal_column("' '", Text).concat(search_text)


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


class IdsIn(ColumnElement[bool]):
    """``<column> IN (<select>)``, written ``<column> = ANY(ARRAY(<select>))`` on PostgreSQL: see
    :func:`ids_in`."""

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a condition as it stands (SQLite: never compared with 1)
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("select", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: ColumnElement[Any], select: Any) -> None:
        self.column = column
        self.select = select.correlate(None).scalar_subquery()  # its own FROM, never the enclosing one's


@compiles(IdsIn)
def _ids_in_default(element: IdsIn, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} IN {compiler.process(element.select, **kw)}"


@compiles(IdsIn, "postgresql")
def _ids_in_postgresql(element: IdsIn, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY(ARRAY{compiler.process(element.select, **kw)})"


def ids_in(column: ColumnElement[Any], select: Any) -> ColumnElement[bool]:
    """``column`` is one of the ids ``select`` (one column, uncorrelated) returns: the same rows as
    ``column.in_(select)``. PostgreSQL reads the ids first, once (an InitPlan), and then finds the
    rows by ``column``'s index with them, which may be one arm of a BitmapOr beside the other
    conditions of an OR (a searched household's applications, or a tracking code); ``IN (SELECT …)``
    is planned as a semi-join, which an OR cannot use, so the OR read every row of the table."""
    return IdsIn(column, select)


class IdList(TypeDecorator):
    """A list of integer ids bound as one text value: PostgreSQL's array literal ``{1,2,3}``
    (cast to ``INTEGER[]`` by :func:`among`'s SQL), a JSON array ``[1,2,3]`` elsewhere (read by
    ``json_each``). Written by one ``join`` rather than the driver's adapter of a Python list,
    which took 20 ms for 12,418 ids, at every statement."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        text = ",".join(map(str, map(int, value)))
        return "{" + text + "}" if dialect.name == "postgresql" else "[" + text + "]"


class IdsAmong(ColumnElement[bool]):
    """``<column>`` is one of a list of ids bound as one value: see :func:`among`."""

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True
    # the ids are a bound value: one compiled form serves every list
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("ids", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: ColumnElement[Any], ids: Sequence[int]) -> None:
        self.column = column
        self.ids = bindparam(None, tuple(ids), type_=IdList(), unique=True)


@compiles(IdsAmong)
def _among_default(element: IdsAmong, compiler: Any, **kw: Any) -> str:
    return (f"{compiler.process(element.column, **kw)} IN "
            f"(SELECT value FROM json_each({compiler.process(element.ids, **kw)}))")


@compiles(IdsAmong, "postgresql")
def _among_postgresql(element: IdsAmong, compiler: Any, **kw: Any) -> str:
    # The array behind an InitPlan, as ids_in's: the planner then does not know its length and
    # probes ``column``'s index (a bitmap, one arm of a BitmapOr). Given the array itself, it
    # costs 12,418 probes above a scan of the whole table and chose a parallel sequential scan
    # of the 800,400 applications: 114 ms against 48 (the counts; the page 125 against 47).
    return (f"{compiler.process(element.column, **kw)} = ANY(ARRAY(SELECT unnest(CAST("
            f"{compiler.process(element.ids, **kw)} AS INTEGER[]))))")


def among(column: ColumnElement[Any], ids: Sequence[int]) -> ColumnElement[bool]:
    """``column`` is one of ``ids`` (integers, read before by another statement), bound as ONE
    value whatever their number (:class:`IdList`): ``column = ANY(ARRAY(SELECT unnest(CAST(:ids
    AS INTEGER[]))))`` on PostgreSQL, found by ``column``'s index as :func:`ids_in`'s array is;
    ``column IN (SELECT value FROM json_each(:ids))`` on SQLite (a JSON array: no limit on the
    number of bound variables). The same rows as ``column.in_(ids)``; none for an empty list."""
    return IdsAmong(column, ids)
