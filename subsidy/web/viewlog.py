"""Logging who saw personal data on the web (domain.md §9: "keep a log of who saw or changed it").

Pages that show a household's CCCD, phone or poverty status call ``record_view`` once per GET:
one audit row ("household.view", "application.view", …) with the signed-in user as the actor.
The API logs its reads the same way ("api.household.read", subsidy/api/v1.py).

Why a separate short write session, not a write session for the whole view: GET views run on the
read session (subsidy.web.db_session: on SQLite a deferred BEGIN, so a page never waits behind a
save, and the page's queries never hold the write lock). Only the one INSERT needs the write
lock: it is taken, used and released in a transaction of its own (BEGIN IMMEDIATE, INSERT, COMMIT)
after the page's data has been read. A page listing people (households, applications, the waiting
list, receipts, a search) calls ``record_list_view``: one "list.view" entry per page shown, with
how many rows, never the search text. On PostgreSQL it is one more short transaction on a pooled
connection. List downloads are logged the same way (lists.download, "proposal_list.export").

If the row cannot be written, the error propagates (500) and the page is not shown: a view of
personal data that could not be logged is not served.
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask_login import current_user

from subsidy.domain.list_views import ListFilters
from subsidy.services import audit


def record_view(action: str, entity_type: str, entity_id: int | None, note: str | None = None,
                changes: dict | None = None) -> None:
    """Write one audit entry ``action`` on (``entity_type``, ``entity_id``) by the signed-in user,
    committed at once in its own short write session. Call it after the page's data is loaded.
    ``changes``: what was seen, for a view that is not of one record (a list exported: which
    list, format, how many rows)."""
    writer = current_app.extensions["subsidy.sessionmaker"]()
    try:
        audit.record(writer, current_user, action, entity_type, entity_id, changes=changes, note=note)
        writer.commit()
    finally:
        writer.close()


def record_list_view(list_key: str, page: Any, filters: ListFilters | None = None) -> None:
    """Log one page of a list shown to the signed-in user (services.audit.record_list_view: who,
    which list and page, how many rows; never the search text), committed at once like
    :func:`record_view`. ``page``: a services.pagination.Page, or the list of rows of an unpaged
    search. Nothing is written when the page is empty."""
    items = page if isinstance(page, list) else page.items
    if not items:
        return
    numbers = {} if isinstance(page, list) else {"page": page.page, "pages": page.pages}
    writer = current_app.extensions["subsidy.sessionmaker"]()
    try:
        audit.record_list_view(writer, current_user, list_key, len(items), filters=filters, **numbers)
        writer.commit()
    finally:
        writer.close()
