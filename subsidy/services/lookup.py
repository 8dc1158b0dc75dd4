"""Read-only queries for staff tools (the JSON API v1): households and applications, filtered and
paginated, and one of each with its history. Personal data is returned in full: callers check the
role first (clerk, approver, admin; never radio), mask it for the others and audit the read
(domain.md §9); a search matches CCCD and phone only as far as the caller sees them (``personal``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from subsidy.models import STATES, Application, ApplicationEvent, Household
from subsidy.services import applications, households
from subsidy.services.errors import NotFound
from subsidy.services.pagination import Page, keyset

MAX_PER_PAGE = 100
MAX_CURSOR = 2000  # characters of a cursor (services.pagination: URL-safe base64 of the sort values)
MAX_ID = 2_147_483_647  # a 32-bit INTEGER primary key (PostgreSQL would error beyond it)
CATEGORIES = ("poor", "near_poor")


def row_id(value: Any) -> int | None:
    """``value`` (a query-string or form field: text, or a number) as a row id, or None when it is
    missing, not a whole number, below 1 or above MAX_ID: such an id names no row, and is never
    sent to the database (SQLite raises OverflowError from 2**63, PostgreSQL refuses an INTEGER
    parameter from 2**31). The one reading of an id from a request: web.ids (forms, the session
    cookie) and audit_log's filters."""
    try:
        n = int(str(value).strip()) if value is not None else None
    except ValueError:  # not a number, or over Python's 4,300 digits
        return None
    return n if n is not None and 1 <= n <= MAX_ID else None


@dataclass(frozen=True)
class Filters:
    """Already validated filters: ``q`` free text (name folded, or an exact household code, CCCD
    or tracking code), ``hamlet`` exact, ``category`` poor|near_poor, ``state`` a workflow state
    (applications only); ``personal``: the caller sees CCCD and phone in full (scope.
    sees_personal_data), else ``q`` matches them only as far as the masked values show
    (households.search_condition)."""

    q: str | None = None
    hamlet: str | None = None
    category: str | None = None
    state: str | None = None
    personal: bool = False


def list_households(session: Session, f: Filters, cursor: str | None = None, per_page: int = 20) -> Page:
    """Households (archived included, flagged) in list order (Vietnamese sort key, then id),
    searched as households.household_query with ``exact`` (the web list's search, plus the exact
    household code or CCCD). ``cursor``: the previous page's ``next_cursor`` (None: the first
    page, the only one counted). Raises pagination.BadCursor for a cursor not of this list."""
    stmt = households.household_query(f.q or "", f.hamlet, f.category, include_archived=True, exact=True,
                                      personal=f.personal)
    return keyset(session, stmt, per_page=per_page, after=cursor, count=cursor is None)


def get_household(session: Session, household_id: int) -> Household:
    """The household or NotFound."""
    hh = session.get(Household, household_id) if 0 < household_id <= MAX_ID else None
    if hh is None:
        raise NotFound(f"Không có hộ gia đình số {household_id}.")
    return hh


def list_applications(session: Session, f: Filters, cursor: str | None = None, per_page: int = 20) -> Page:
    """Applications with their household, newest received first (then id): the query of the web
    queue (applications.application_query), the search's households read first by one SELECT
    (applications.searched_households) as the web queue reads them. ``cursor`` as list_households."""
    assert f.state is None or f.state in STATES
    found = applications.searched_households(session, f.q or "", personal=f.personal)
    stmt = applications.application_query(f.q or "", f.state, f.hamlet, f.category, personal=f.personal,
                                          households=found)
    return keyset(session, stmt, per_page=per_page, after=cursor, count=cursor is None)


def get_application(session: Session, application_id: int) -> tuple[Application, list[ApplicationEvent]]:
    """The application and its state history (oldest first), or NotFound."""
    appl = session.get(Application, application_id) if 0 < application_id <= MAX_ID else None
    if appl is None:
        raise NotFound(f"Không có hồ sơ số {application_id}.")
    events = list(session.scalars(select(ApplicationEvent)
                                  .where(ApplicationEvent.application_id == appl.id)
                                  .order_by(ApplicationEvent.at, ApplicationEvent.id)))
    return appl, events
