"""Pagination of a SELECT: one COUNT and one LIMIT/OFFSET query.

Shared by the web lists (subsidy.web.pagination re-exports it) and the JSON API (services.lookup).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


@dataclass
class Page:
    """One page: ``items`` (model objects, or rows when ``scalars=False``), 1-based ``page``,
    ``per_page`` and the ``total`` number of rows of the whole query."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """Number of pages, at least 1 (an empty result still has one, empty, page)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(session: Session, stmt: Select, page: int, per_page: int = 50, scalars: bool = True,
             clamp: bool = True) -> Page:
    """Run ``stmt`` for page ``page`` (1-based) of ``per_page`` rows.

    ``clamp`` (the web lists): a page below 1 or beyond the last is moved to the first or last
    page. Without it (the API), ``page`` is kept as asked and a page beyond the last is empty.
    ``scalars=False`` returns Row objects (several columns) instead of the first column.
    """
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    if clamp:
        page = min(max(1, page), max(1, -(-total // per_page)))
    q = stmt.limit(per_page).offset((page - 1) * per_page)
    items = list(session.scalars(q)) if scalars else list(session.execute(q))
    return Page(items, page, per_page, total)
