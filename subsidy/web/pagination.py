"""Pagination for the views: the ``?page=`` argument. Page and paginate live in
subsidy.services.pagination (shared with the API) and are re-exported here for the views."""
from __future__ import annotations

from typing import Any

from subsidy.services.pagination import Page, paginate

__all__ = ["Page", "page_arg", "paginate"]


def page_arg(args: Any) -> int:
    """The 1-based page number from request args (``?page=``); 1 when missing or not a number."""
    try:
        return max(1, int(args.get("page", 1)))
    except (TypeError, ValueError):
        return 1
