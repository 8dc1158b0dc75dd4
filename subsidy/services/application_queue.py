"""The application queue's queries: the SELECT of a queue or a search (filters, order) and the tabs'
counts per state. Read-only. The names are also importable from services.applications.
"""
from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from subsidy.domain import tracking
from subsidy.domain.workflow import State
from subsidy.models import Application, Household
from subsidy.models.search_index import ids_in
from subsidy.services import households as households_svc
from subsidy.services.pagination import counted_with_page


#: Queues read in priority order (tier P1–P4, then date received) rather than newest first.
PRIORITY_QUEUES = (State.eligible.value, State.proposed.value, State.approved.value)


def application_query(query: str = "", state: str | None = None, hamlet: str | None = None,
                      category: str | None = None, *, form: str | None = None, tier: int | None = None,
                      priority_order: bool = False, personal: bool = False) -> Select:
    """The SELECT of applications (household loaded with them) for a queue or a search.

    ``query``: a tracking code as typed (case, spaces and dashes ignored) or a part of one
    (tracking.fragment: "FJ6Y", "fj6y-4b"), or a search of the household as in
    households.search_condition with ``exact`` (folded name words, code/CCCD/phone fragments, the
    exact household code or CCCD; the CCCD and phone only as far as the searcher sees them:
    ``personal``, False for the province's roles). ``state``: one workflow state (the caller checks it).
    ``hamlet``, ``category``: of the household (households.household_conditions; archived
    households included). ``form``: "package" | "cash"; ``tier``: a priority tier 1–4. Order:
    newest received first (then id), or with ``priority_order`` tier first (none last), then
    oldest received, then id. Used by the web queue, its Excel and PDF copies, and the API.
    """
    # the search box reads the household through a subquery (_search_conditions): only hamlet and
    # category join households; otherwise the page's households are loaded by id
    stmt = with_household(select(Application), bool(hamlet or category))
    conds = _search_conditions(query, hamlet, category, form, tier, personal)
    if state:
        conds.append(Application.state == state)
    if conds:
        stmt = stmt.where(*conds)
    if (query or "").strip():
        # a search's matches are found by their households and tracking codes, then all ordered:
        # the first page counts them as it reads them
        stmt = counted_with_page(stmt)
    if priority_order:
        return stmt.order_by(Application.priority_tier.is_(None), Application.priority_tier,
                             Application.received_on, Application.id)
    return stmt.order_by(Application.received_on.desc(), Application.id.desc())


def needs_household(query: str = "", hamlet: str | None = None, category: str | None = None) -> bool:
    """True when a filter reads the household's columns (the search box, hamlet, category): only
    then does a list of applications filtered by household_conditions (the waiting list) join
    households. (application_query reads the search box through a subquery: it joins for
    hamlet and category only.)"""
    return bool((query or "").strip() or hamlet or category)


def with_household(stmt: Select, join: bool) -> Select:
    """``stmt`` (a SELECT of applications) with each application's household loaded: joined
    (``join``: a filter reads it) or fetched by id for the rows of the page only (selectinload:
    one more query for the page, none over the whole table)."""
    if join:
        return stmt.join(Household, Household.id == Application.household_id).options(
            contains_eager(Application.household))
    return stmt.options(selectinload(Application.household))


def _search_conditions(query: str = "", hamlet: str | None = None, category: str | None = None,
                       form: str | None = None, tier: int | None = None, personal: bool = False) -> list:
    """The WHERE conditions of application_query but the state's (shared with counts_by_state)."""
    conds = households_svc.household_conditions(hamlet=hamlet, category=category, include_archived=True)
    match = households_svc.search_condition(query, exact=True, personal=personal)
    if match is not None:
        # Every way to match is a condition on applications alone: the households the search finds
        # by their ids (read first, through the households' own indexes), the tracking code, or a
        # part of it. So the OR is one BitmapOr of applications' indexes (household, tracking code,
        # its trigrams); an OR of a household's column and the application's spans the join and
        # read every application (1.1-2.2 s across 1,000,500 households).
        found = [ids_in(Application.household_id, select(Household.id).where(match))]
        code = tracking.compact(query)
        part = tracking.fragment(query)
        if part:
            found.append(Application.tracking_code.contains(part, autoescape=True))
        if code:
            found.append(Application.tracking_code == code)
        conds.append(or_(*found))
    if form:
        conds.append(Application.support_form == form)
    if tier:
        conds.append(Application.priority_tier == tier)
    return conds


def counts_by_state(session: Session, query: str = "", hamlet: str | None = None, category: str | None = None,
                    form: str | None = None, tier: int | None = None, *, personal: bool = False) -> dict[str, int]:
    """{state: number of applications} for every state that has some, among the applications the
    other filters find (as application_query, ``personal`` too; all applications when none is given), so the queue
    tabs count what the filtered list shows."""
    stmt = select(Application.state, func.count())
    if hamlet or category:
        stmt = stmt.join(Household, Household.id == Application.household_id)
    stmt = stmt.where(*_search_conditions(query, hamlet, category, form, tier, personal)).group_by(Application.state)
    return {s: n for s, n in session.execute(stmt)}
