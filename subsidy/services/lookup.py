"""Read-only queries for staff tools (the JSON API v1): households and applications, filtered and
paginated, and one of each with its history. Personal data is returned in full: callers check the
role first (clerk, approver, admin; never radio) and audit the read (domain.md §9).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from subsidy.domain import vn
from subsidy.domain.public_status import normalize_tracking_code
from subsidy.models import STATES, Application, ApplicationEvent, Household
from subsidy.services.errors import NotFound

MAX_PER_PAGE = 100
MAX_PAGE = 100_000
MAX_ID = 2_147_483_647  # a 32-bit INTEGER primary key (PostgreSQL would error beyond it)
CATEGORIES = ("poor", "near_poor")


@dataclass(frozen=True)
class Filters:
    """Already validated filters: ``q`` free text (name folded, or an exact household code, CCCD
    or tracking code), ``hamlet`` exact, ``category`` poor|near_poor, ``state`` a workflow state
    (applications only)."""

    q: str | None = None
    hamlet: str | None = None
    category: str | None = None
    state: str | None = None


@dataclass
class ResultPage:
    """One page: ``items`` (model objects), 1-based ``page``, ``per_page``, ``total`` rows."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _household_filters(stmt: Select, f: Filters) -> Select:
    if f.q:
        folded = vn.fold(f.q)
        exact = f.q.strip()
        stmt = stmt.where(or_(
            Household.search_text.contains(folded, autoescape=True),
            func.lower(Household.head_name).contains(f.q.strip().lower(), autoescape=True),
            Household.code == exact,
            Household.citizen_id == exact,
        ))
    if f.hamlet:
        stmt = stmt.where(Household.hamlet == f.hamlet)
    if f.category:
        stmt = stmt.where(Household.category == f.category)
    return stmt


def _page(session: Session, stmt: Select, page: int, per_page: int) -> ResultPage:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return ResultPage(items, page, per_page, total)


def list_households(session: Session, f: Filters, page: int = 1, per_page: int = 20) -> ResultPage:
    """Households (archived included, flagged) in list order (Vietnamese sort key, then id).
    ``page`` beyond the last gives an empty page (no clamping)."""
    stmt = _household_filters(select(Household), f).order_by(Household.sort_key, Household.id)
    return _page(session, stmt, page, per_page)


def get_household(session: Session, household_id: int) -> Household:
    """The household or NotFound."""
    hh = session.get(Household, household_id) if 0 < household_id <= MAX_ID else None
    if hh is None:
        raise NotFound(f"Không có hộ gia đình số {household_id}.")
    return hh


def list_applications(session: Session, f: Filters, page: int = 1, per_page: int = 20) -> ResultPage:
    """Applications with their household, newest received first (then id)."""
    stmt = select(Application).join(Household, Household.id == Application.household_id)
    stmt = _household_filters(stmt, Filters(hamlet=f.hamlet, category=f.category))
    if f.q:
        code = normalize_tracking_code(f.q)
        base = _household_filters(select(Household.id), Filters(q=f.q))
        stmt = stmt.where(or_(Application.household_id.in_(base), Application.tracking_code == code))
    if f.state:
        assert f.state in STATES
        stmt = stmt.where(Application.state == f.state)
    stmt = stmt.order_by(Application.received_on.desc(), Application.id.desc())
    return _page(session, stmt, page, per_page)


def get_application(session: Session, application_id: int) -> tuple[Application, list[ApplicationEvent]]:
    """The application and its state history (oldest first), or NotFound."""
    appl = session.get(Application, application_id) if 0 < application_id <= MAX_ID else None
    if appl is None:
        raise NotFound(f"Không có hồ sơ số {application_id}.")
    events = list(session.scalars(select(ApplicationEvent)
                                  .where(ApplicationEvent.application_id == appl.id)
                                  .order_by(ApplicationEvent.at, ApplicationEvent.id)))
    return appl, events
