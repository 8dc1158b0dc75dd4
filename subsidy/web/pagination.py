"""Pagination of a SELECT: one COUNT and one LIMIT/OFFSET query."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(session: Session, stmt: Select, page: int, per_page: int = 50, scalars: bool = True) -> Page:
    """Run ``stmt`` for page ``page`` (1-based, clamped) of ``per_page`` rows."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    q = stmt.limit(per_page).offset((page - 1) * per_page)
    items = list(session.scalars(q)) if scalars else list(session.execute(q))
    return Page(items, page, per_page, total)


def page_arg(args: Any) -> int:
    try:
        return max(1, int(args.get("page", 1)))
    except (TypeError, ValueError):
        return 1
