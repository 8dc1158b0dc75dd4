"""The application queue's queries: the SELECT of a queue or a search (filters, order) and the tabs'
counts per state. Read-only. The names are also importable from services.applications.

A queue page with a search (:func:`queue`) finds the search's households once
(:func:`searched_households`) and names them by id in the page's SELECT and in the counts: each
would otherwise find them again (across every commune of 1,000,500 households a name's ~12,600
households, about a third of the page). On the first page of every state the page's own
statement counts its matches per state as it reads them (pagination.tallied_with_page), so no
second statement reads those applications again.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from subsidy.domain import tracking
from subsidy.domain.workflow import STATES, State
from subsidy.models import Application, Household
from subsidy.models.search_index import among, ids_in
from subsidy.services import households as households_svc
from subsidy.services.pagination import Page, counted_with_page, tallied_with_page


#: Queues read in priority order (tier P1–P4, then date received) rather than newest first.
PRIORITY_QUEUES = (State.eligible.value, State.proposed.value, State.approved.value)


@dataclass(frozen=True)
class SearchedHouseholds:
    """The households a search box finds, read once: ``ids`` of those the Session sees (its
    commune's, or every commune's), for ``query`` as searched by someone who sees personal data
    in full or not (``personal``)."""

    query: str
    personal: bool
    ids: tuple[int, ...]


def searched_households(session: Session, query: str = "", *, personal: bool = False) -> SearchedHouseholds | None:
    """The households the queue's search box ``query`` finds (households.search_condition with
    ``exact``, as far as ``personal`` lets it), or None when the box is empty (no search). One
    SELECT of their ids, through the households' own indexes (the Session's commune criteria
    apply). Hand the result to :func:`application_query` and :func:`counts_by_state` for the same
    ``query`` and ``personal``."""
    match = households_svc.search_condition(query, exact=True, personal=personal)
    if match is None:
        return None
    return SearchedHouseholds(query, personal, tuple(session.scalars(select(Household.id).where(match))))


@dataclass(frozen=True)
class Queue:
    """A queue page's SELECT (``stmt``, to paginate: pagination.keyset) and the count of its tabs
    (:meth:`counts`) for the same filters, the search's households read once for both."""

    stmt: Select
    count_states: Callable[[], dict[str, int]]

    def counts(self, page: Page) -> dict[str, int]:
        """{state: number of applications} for every state that has some (as counts_by_state):
        those ``page`` (a page of :attr:`stmt`) counted as it was read — the first page of a
        search on every state —, else counted now by one statement."""
        if page.tallies is not None:
            return {s: n for s, n in page.tallies.items() if n}
        return self.count_states()


def queue(session: Session, query: str = "", state: str | None = None, hamlet: str | None = None,
          category: str | None = None, *, form: str | None = None, tier: int | None = None,
          priority_order: bool = False, personal: bool = False) -> Queue:
    """The queue as :func:`application_query` selects it (same arguments) and the counts per state
    of what the other filters find (:func:`counts_by_state`): the search's households are read
    now, once (:func:`searched_households`), then named by id in both; a search on every state
    (no ``state``) has its first page count the states too. The rows and counts are those of
    application_query and counts_by_state alone."""
    found = searched_households(session, query, personal=personal)
    stmt = application_query(query, state, hamlet, category, form=form, tier=tier, priority_order=priority_order,
                             personal=personal, households=found)
    if found is not None and not state:
        # a search reads every match before its first page (counted_with_page): the same rows,
        # every state, are what the tabs count
        stmt = tallied_with_page(stmt, {s: Application.state == s for s in STATES})
    return Queue(stmt, lambda: counts_by_state(session, query, hamlet, category, form, tier, personal=personal,
                                               households=found))


def application_query(query: str = "", state: str | None = None, hamlet: str | None = None,
                      category: str | None = None, *, form: str | None = None, tier: int | None = None,
                      priority_order: bool = False, personal: bool = False,
                      households: SearchedHouseholds | None = None) -> Select:
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
    ``households``: the search's households read before (:func:`searched_households` of the same
    ``query`` and ``personal``), named by id; without it the statement reads them itself (a
    subquery). Raises ValueError for households searched with another query.
    """
    # the search box reads the household through a subquery (_search_conditions): only hamlet and
    # category join households; otherwise the page's households are loaded by id
    stmt = with_household(select(Application), bool(hamlet or category))
    conds = _search_conditions(query, hamlet, category, form, tier, personal, households)
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
                       form: str | None = None, tier: int | None = None, personal: bool = False,
                       households: SearchedHouseholds | None = None) -> list:
    """The WHERE conditions of application_query but the state's (shared with counts_by_state)."""
    conds = households_svc.household_conditions(hamlet=hamlet, category=category, include_archived=True)
    if households is not None and (households.query, households.personal) != (query, personal):
        raise ValueError("the households were searched with another query")
    by_household = _by_household(query, personal, households)
    if by_household is not None:
        # Every way to match is a condition on applications alone: the households the search finds
        # by their ids (read first, through the households' own indexes), the tracking code, or a
        # part of it. So the OR is one BitmapOr of applications' indexes (household, tracking code,
        # its trigrams); an OR of a household's column and the application's spans the join and
        # read every application (1.1-2.2 s across 1,000,500 households).
        found = [by_household]
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


def _by_household(query: str, personal: bool, households: SearchedHouseholds | None) -> ColumnElement[bool] | None:
    """The applications of the households the search finds, or None when there is no search:
    by the ids read before (``households``; none found: FALSE, the tracking code may still
    match), else by a subquery of them."""
    if households is not None:
        return among(Application.household_id, households.ids) if households.ids else false()
    match = households_svc.search_condition(query, exact=True, personal=personal)
    return None if match is None else ids_in(Application.household_id, select(Household.id).where(match))


def counts_by_state(session: Session, query: str = "", hamlet: str | None = None, category: str | None = None,
                    form: str | None = None, tier: int | None = None, *, personal: bool = False,
                    households: SearchedHouseholds | None = None) -> dict[str, int]:
    """{state: number of applications} for every state that has some, among the applications the
    other filters find (as application_query, ``personal`` and ``households`` too; all applications
    when none is given), so the queue tabs count what the filtered list shows."""
    stmt = select(Application.state, func.count())
    if hamlet or category:
        stmt = stmt.join(Household, Household.id == Application.household_id)
    stmt = stmt.where(*_search_conditions(query, hamlet, category, form, tier, personal, households)).group_by(
        Application.state)
    return {s: n for s, n in session.execute(stmt)}
