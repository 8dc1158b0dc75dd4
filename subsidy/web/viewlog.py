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

from typing import Any, Callable

from flask import current_app, request
from flask_login import current_user
from sqlalchemy.orm import Session

from subsidy.domain.list_views import ListFilters
from subsidy.request_scope import db_session
from subsidy.services import audit


def record_view(action: str, entity_type: str, entity_id: int | None, note: str | None = None,
                changes: dict | None = None) -> None:
    """Write one audit entry ``action`` on (``entity_type``, ``entity_id``) by the signed-in user,
    committed at once in its own short write session. Call it after the page's data is loaded.
    ``changes``: what was seen, for a view that is not of one record (a list exported: which
    list, format, how many rows)."""
    _log(lambda s: audit.record(s, current_user, action, entity_type, entity_id, changes=changes, note=note))


def record_list_view(list_key: str, page: Any, filters: ListFilters | None = None) -> None:
    """Log one page of a list shown to the signed-in user (services.audit.record_list_view: who,
    which list and page, how many rows; never the search text), committed at once like
    :func:`record_view`. ``page``: a services.pagination.Page, or the list of rows of an unpaged
    search. Nothing is written when the page is empty."""
    _log_list(list_key, page, filters, in_request=False)


def record_page_view(action: str, entity_type: str, entity_id: int | None) -> None:
    """:func:`record_view` for a page that a POST also shows again, with the errors of the form
    it refused (status 422): on a GET as record_view; on that POST in the request's own write
    session (see :func:`_log`)."""
    _log(lambda s: audit.record(s, current_user, action, entity_type, entity_id),
         in_request=request.method != "GET")


def record_list_page_view(list_key: str, page: Any, filters: ListFilters | None = None) -> None:
    """:func:`record_list_view` for a list page that a POST also shows again with a refused
    form's errors, as :func:`record_page_view`."""
    _log_list(list_key, page, filters, in_request=request.method != "GET")


def _log_list(list_key: str, page: Any, filters: ListFilters | None, in_request: bool) -> None:
    items = page if isinstance(page, list) else page.items
    if not items:
        return
    numbers = {} if isinstance(page, list) else {"page": page.page, "pages": page.pages}
    _log(lambda s: audit.record_list_view(s, current_user, list_key, len(items), filters=filters, **numbers),
         in_request=in_request)


def _log(write: Callable[[Session], Any], in_request: bool = False) -> None:
    """Run ``write`` (one audit row) and commit it: in a short writer of its own (a GET's page
    runs on the read session), or, ``in_request``, in the request's write session — a form
    shown again after a refusal: that request holds the write session (nothing of the refused
    attempt is left in it after the rollback), so a second writer would wait behind it."""
    if in_request:
        session = db_session()
        session.rollback()
        write(session)
        session.commit()
        return
    writer = current_app.extensions["subsidy.sessionmaker"]()
    try:
        write(writer)
        writer.commit()
    finally:
        writer.close()
