"""Pagination of a SELECT.

Two ways, one :class:`Page`:

* :func:`keyset` (the lists that grow with the commune: households, applications, the waiting
  list, receipts, and the JSON API): the page after (or before) a *cursor* — the sort values of
  the last (first) row shown — found with ``WHERE (sort values) > (cursor)`` on the list's own
  order, so a page costs the same at the first and at the ten-thousandth row (no OFFSET), and a
  count capped at :data:`COUNT_CAP` (beyond it the page says «hơn 10.000»).
* :func:`paginate` (short lists: the audit log, an import's preview rows): COUNT and
  LIMIT/OFFSET on a 1-based page number.

A cursor is opaque to its reader (URL-safe base64 of the sort values as JSON); a cursor that does
not decode to values of the list's sort columns raises :class:`BadCursor`. Shared by the web lists
(subsidy.web.pagination) and the JSON API (services.lookup).
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from sqlalchemy import ColumnElement, Select, and_, false, func, literal, or_, select, true
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session
from subsidy.domain.vn import format_count
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

#: The most rows a list counts exactly; beyond it the count is "more than" this.
COUNT_CAP = 10_000
#: The deepest page an old ``?page=N`` link reaches by OFFSET (N × per_page rows at most).
MAX_OFFSET_PAGE = 200
#: The largest page number read from a link: any more (``?page=10**30``) is past the end of every
#: list, read as this (then the last page), never turned into a huge integer or OFFSET.
MAX_PAGE = 999_999_999


class BadCursor(ValueError):
    """A cursor that is not one of this list's (edited, cut, or of another list)."""


@dataclass
class Page:
    """One page: ``items`` (model objects, or rows when ``scalars=False``), 1-based ``page``,
    ``per_page`` and the ``total`` rows of the whole query (at most COUNT_CAP when
    ``total_capped``: there are more). Keyset pages also carry ``next_cursor`` / ``prev_cursor``
    (None when there is no such page); OFFSET pages leave them None and use ``page``.
    ``tallies``: {name: rows} of the whole query meeting each condition of :func:`tallied_with_page`
    (exact, never capped), counted by its first page only; None otherwise."""

    items: list[Any]
    page: int
    per_page: int
    total: int
    total_capped: bool = False
    next_cursor: str | None = None
    prev_cursor: str | None = None
    keyset: bool = False
    tallies: dict[str, int] | None = None

    @property
    def pages(self) -> int:
        """Number of pages, at least 1 (an empty result still has one, empty, page); with a capped
        total, the pages of COUNT_CAP rows (the true number is larger)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def total_text(self) -> str:
        """The total as the page prints it, digits grouped the Vietnamese way: "1.234", or "hơn 10.000"
        when the count stopped at the cap."""
        return f"hơn {format_count(self.total)}" if self.total_capped else format_count(self.total)

    @property
    def has_prev(self) -> bool:
        return self.prev_cursor is not None if self.keyset else self.page > 1

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None if self.keyset else self.page < self.pages


def page_number(raw: Any) -> int:
    """The 1-based page number a link carries (``?page=``, a str; None when absent): 1 when
    missing, not plain ASCII digits (``-5``, ``abc``, ``1e3``, ``٣``) or below 1; at most MAX_PAGE
    (a longer number is past the end of any list). Callers then bring it within the list with
    :func:`within_pages` (past the end: the last page)."""
    text = str(raw if raw is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    if len(text) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(MAX_PAGE, max(1, int(text)))


def within_pages(page: int, total: int | None, per_page: int) -> int:
    """``page`` brought within a list of ``total`` rows at ``per_page`` a page: at least 1 and at
    most the last page (an empty list has one, empty, page). ``total`` None (not known, or only
    "more than"): only the lower bound. The one rule for every paged list: a page beyond the end
    answers the last page, a page before the start the first."""
    page = max(1, page)
    if total is None:
        return page
    return min(page, max(1, -(-total // per_page)))


def paginate(session: Session, stmt: Select, page: int, per_page: int = 50, scalars: bool = True,
             clamp: bool = True) -> Page:
    """Run ``stmt`` for page ``page`` (1-based) of ``per_page`` rows (COUNT, LIMIT/OFFSET).

    ``clamp``: a page below 1 or beyond the last is moved to the first or last page. Without it,
    ``page`` is kept as asked and a page beyond the last is empty. ``scalars=False`` returns Row
    objects (several columns) instead of the first column.
    """
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    if clamp:
        page = within_pages(page, total, per_page)
    q = stmt.limit(per_page).offset((page - 1) * per_page)
    items = list(session.scalars(q)) if scalars else list(session.execute(q))
    return Page(items, page, per_page, total)


# --- keyset ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Key:
    expr: ColumnElement[Any]
    desc: bool


def _keys(stmt: Select) -> list[_Key]:
    """The ORDER BY of ``stmt`` as (expression, descending) pairs. The statement's order must end
    with a unique column (the id) so that every row has its own place."""
    keys = []
    for clause in stmt._order_by_clauses:  # noqa: SLF001 — SQLAlchemy keeps the ORDER BY only here
        if isinstance(clause, UnaryExpression) and clause.modifier in (operators.desc_op, operators.asc_op):
            keys.append(_Key(clause.element, clause.modifier is operators.desc_op))
        else:
            keys.append(_Key(clause, False))
    if not keys:
        raise ValueError("keyset pagination needs an ORDER BY ending with a unique column")
    return keys


def _encode(values: Sequence[Any]) -> str:
    def enc(v: Any) -> Any:
        if isinstance(v, dt.datetime):
            return {"t": v.isoformat()}
        if isinstance(v, dt.date):
            return {"d": v.isoformat()}
        return v
    raw = json.dumps([enc(v) for v in values], separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, keys: list[_Key]) -> list[Any]:
    """The sort values a cursor holds, each checked against its column's type; BadCursor else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as err:
        raise BadCursor("con trỏ trang không đọc được") from err
    if not isinstance(values, list) or len(values) != len(keys):
        raise BadCursor("con trỏ trang không thuộc danh sách này")
    out = []
    for v, key in zip(values, keys):
        try:
            kind = key.expr.type.python_type
        except NotImplementedError:
            kind = object
        if v is None:
            out.append(None)
            continue
        if isinstance(v, dict) and len(v) == 1 and kind in (dt.date, dt.datetime):
            (tag, text), = v.items()
            try:
                if tag == "t" and kind is dt.datetime:
                    out.append(dt.datetime.fromisoformat(text))
                    continue
                if tag == "d" and kind is dt.date:
                    out.append(dt.date.fromisoformat(text))
                    continue
            except (TypeError, ValueError) as err:
                raise BadCursor("con trỏ trang có ngày không đúng") from err
            raise BadCursor("con trỏ trang không thuộc danh sách này")
        if kind is bool and isinstance(v, (bool, int)):
            out.append(bool(v))
        elif kind is int and isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2 ** 63:
            out.append(v)
        elif kind is str and isinstance(v, str) and len(v) <= 2000:
            out.append(v)
        else:
            raise BadCursor("con trỏ trang không thuộc danh sách này")
    return out


def _eq(expr: ColumnElement[Any], v: Any) -> ColumnElement[bool]:
    return expr.is_(None) if v is None else expr == literal(v, expr.type)


def _beyond(expr: ColumnElement[Any], v: Any, desc: bool) -> ColumnElement[bool]:
    """Rows strictly after value ``v`` in this key's direction. A NULL value has nothing after it
    within its key: the lists put an ``x IS NULL`` key before a nullable one, which orders the
    NULLs as a group on both databases."""
    if v is None:
        return false()
    value = literal(v, expr.type)  # a bound value even for True/False (an "x IS NULL" key)
    return expr < value if desc else expr > value


def _after(keys: list[_Key], values: list[Any], reverse: bool) -> ColumnElement[bool]:
    """The rows after the row with sort ``values`` in the list's order (before it when
    ``reverse``): (k1 > v1) OR (k1 = v1 AND k2 > v2) OR …, with a leading ``k1 >= v1`` so the
    database can seek on the first key's index."""
    terms = []
    for i, (key, v) in enumerate(zip(keys, values)):
        same = [_eq(k.expr, x) for k, x in zip(keys[:i], values[:i])]
        terms.append(and_(*same, _beyond(key.expr, v, key.desc != reverse)))
    first, v0 = keys[0], values[0]
    bound = literal(v0, first.expr.type)
    seek = true() if v0 is None else (first.expr <= bound if first.desc != reverse else first.expr >= bound)
    return and_(seek, or_(*terms))


#: The execution option of a statement whose every match is read to order them (:func:`counted_with_page`).
COUNT_WITH_PAGE = "subsidy_count_with_page"


def counted_with_page(stmt: Select) -> Select:
    """``stmt`` marked as reading every row it matches before its first page (a search ordered by
    an expression no index serves: the matches come from the search's index and are all sorted).
    Its first page by :func:`keyset` then counts them in the same statement (``count(*) OVER ()``,
    the same rows :func:`capped_count` would count, capped alike) instead of a second statement
    that finds them all again. Never for a statement an index reads in order: the count would
    make it read every row instead of a page."""
    return stmt.execution_options(**{COUNT_WITH_PAGE: True})


#: The execution option of a statement whose first page also counts its matches by condition (:func:`tallied_with_page`).
TALLIES_WITH_PAGE = "subsidy_tallies_with_page"


def tallied_with_page(stmt: Select, tallies: Mapping[str, ColumnElement[bool]]) -> Select:
    """``stmt`` marked as :func:`counted_with_page` whose first page by :func:`keyset` also counts,
    among every row the statement matches (not the page's alone), those meeting each condition of
    ``tallies`` ({name: condition on the statement's rows}), in the same statement
    (``count(*) FILTER (WHERE condition) OVER ()``): ``Page.tallies`` {name: rows}. Any other page
    (after or before a cursor, an OFFSET page, ``count=False``) has ``tallies`` None: its caller
    counts them by a statement of its own. The same rule as counted_with_page: only for a
    statement that reads every match anyway."""
    return counted_with_page(stmt).execution_options(**{TALLIES_WITH_PAGE: tuple(tallies.items())})


def capped_count(session: Session, stmt: Select, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(rows of ``stmt``, True when there are more than ``cap``: the count stops at ``cap``).
    Counts ``SELECT 1 … LIMIT cap+1`` of the statement's own FROM and WHERE (no ORDER BY, no
    loaded columns), so the database reads the narrowest index the filter allows."""
    inner = _without_options(stmt.with_only_columns(_first_key(stmt)).order_by(None).limit(cap + 1))
    n = session.scalar(select(func.count()).select_from(inner.subquery())) or 0
    return (cap, True) if n > cap else (n, False)


def _first_key(stmt: Select) -> ColumnElement[Any]:
    """The primary key of the statement's first entity as an ORM attribute (``Household.id``), so
    the count stays an ORM statement: the Session's commune criteria (models.scoping) apply to it
    as to the page. A statement of plain columns keeps its first column."""
    entity = stmt.column_descriptions[0].get("entity")
    if entity is not None:
        return getattr(entity, sa_inspect(entity).primary_key[0].key)
    return stmt.selected_columns[0]


def _without_options(stmt: Select) -> Select:
    # the loader options of the page's SELECT (contains_eager, selectinload) mean nothing in a count
    stmt = stmt._generate()  # noqa: SLF001
    stmt._with_options = ()  # noqa: SLF001
    return stmt


def keyset(session: Session, stmt: Select, *, per_page: int = 50, after: str | None = None,
           before: str | None = None, page: int = 1, count_stmt: Select | None = None,
           scalars: bool = True, count: bool = True) -> Page:
    """One page of ``stmt`` (ordered; its ORDER BY ends with a unique column) by keyset.

    ``after``: the next page's cursor (rows after it); ``before``: the previous page's (rows
    before it, shown in the list's order); neither: the first page, or — for an old ``?page=N``
    link — page ``page`` read once by OFFSET: a page beyond the last is the last
    (:func:`within_pages`), one deeper than MAX_OFFSET_PAGE the first (no long OFFSET scan).
    Beside a cursor ``page`` is carried only as the number to show (never past the last page).
    ``count_stmt``: the SELECT to count (default
    ``stmt``): a narrower one (the application queue without its household join) counts faster;
    ``count=False`` counts nothing (total = rows seen so far). A first page of a statement marked
    by :func:`counted_with_page` (and no ``count_stmt``) is counted by the page's own statement,
    and so are the tallies of one marked by :func:`tallied_with_page` (``Page.tallies``).
    Raises BadCursor for a cursor that is not this list's.
    """
    keys = _keys(stmt)
    n_keys = len(keys)
    cols = [k.expr.label(f"_k{i}") for i, k in enumerate(keys)]
    q = stmt.add_columns(*cols)
    reverse = False
    # the first page of a statement that reads all its matches anyway counts them as it reads them
    over = (count and count_stmt is None and not after and not before and page <= 1
            and bool(stmt.get_execution_options().get(COUNT_WITH_PAGE)))
    tallies: tuple[tuple[str, ColumnElement[bool]], ...] = (
        tuple(stmt.get_execution_options().get(TALLIES_WITH_PAGE) or ()) if over else ())
    if over:
        q = q.add_columns(*(func.count().filter(cond).over().label(f"_tally{i}") for i, (_, cond) in enumerate(tallies)),
                          func.count().over().label("_total"))
    total, capped = (capped_count(session, count_stmt if count_stmt is not None else stmt) if count and not over
                     else (0, True))
    # The rows known (not only "more than"): a page number past them means the last page.
    known = None if capped else total
    if after:
        q = q.where(_after(keys, _decode(after, keys), False))
    elif before:
        reverse = True
        q = q.where(_after(keys, _decode(before, keys), True)).order_by(None).order_by(
            *[(k.expr.asc() if k.desc else k.expr.desc()) for k in keys])
    elif page > 1:
        page = within_pages(page, known, per_page)
        if page > MAX_OFFSET_PAGE:
            page = 1
        else:
            q = q.offset((page - 1) * per_page)
    rows = list(session.execute(q.limit(per_page + 1)))
    counted = None
    if over:
        extra = len(tallies) + 1  # the tallies, then the total: the last columns of every row
        matched = rows[0][-1] if rows else 0
        total, capped = (COUNT_CAP, True) if matched > COUNT_CAP else (matched, False)
        if tallies:
            counted = {name: (rows[0][-extra + i] if rows else 0) for i, (name, _) in enumerate(tallies)}
        rows = [tuple(r[:-extra]) for r in rows]
    more = len(rows) > per_page
    rows = rows[:per_page]
    if reverse:
        rows.reverse()
    items = [(r[0] if scalars else tuple(r[:-n_keys])) for r in rows]
    first_vals = list(rows[0][-n_keys:]) if rows else None
    last_vals = list(rows[-1][-n_keys:]) if rows else None
    if reverse:
        has_prev, has_next = more, True
    else:
        has_prev, has_next = bool(after) or (page > 1 and not before), more
    if not rows:
        has_prev, has_next = bool(after or before or page > 1), False
    page_no = within_pages(page, known, per_page) if has_prev else 1
    if not count:
        total, capped = (page_no - 1) * per_page + len(items), has_next
    return Page(items, page_no, per_page, total, capped,
                next_cursor=_encode(last_vals) if has_next and last_vals else None,
                prev_cursor=_encode(first_vals) if has_prev and first_vals else None,
                keyset=True, tallies=counted)
