"""Pagination for the views: the ``?after=`` / ``?before=`` cursors of the long lists (keyset,
services.pagination.keyset) and the ``?page=`` number (carried beside a cursor as the number to
show; alone, an old link's page read by OFFSET). Page, paginate and keyset live in
subsidy.services.pagination (shared with the API) and are re-exported here for the views."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from subsidy.services.pagination import BadCursor, Page, keyset, page_number, paginate, within_pages

__all__ = ["Page", "list_page", "page_arg", "paginate", "within_pages"]


def page_arg(args: Any) -> int:
    """The 1-based page number from request args (``?page=``): services.pagination.page_number
    (1 when missing, unreadable or below 1); the list then brings it within its pages."""
    return page_number(args.get("page"))


def list_page(session: Session, stmt: Select, args: Any, per_page: int, count_stmt: Select | None = None) -> Page:
    """The page of ``stmt`` (ordered, ending with its id) that the request's ``after`` /
    ``before`` / ``page`` arguments name (services.pagination.keyset). A cursor that is not this
    list's (an edited link) shows the first page: a list answers every link."""
    after, before = (str(args.get(k) or "")[:4000] or None for k in ("after", "before"))
    try:
        return keyset(session, stmt, per_page=per_page, after=after, before=before, page=page_arg(args),
                      count_stmt=count_stmt)
    except BadCursor:
        return keyset(session, stmt, per_page=per_page, count_stmt=count_stmt)
