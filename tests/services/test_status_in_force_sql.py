"""The list filters and the quota ceiling count a household by its status in force for a year,
by the one rule domain.list_standing.standing_for_year: households built with list years and
status records for past, current and future years give, through the SQL filter, exactly the
set that rule gives."""
from __future__ import annotations

import itertools
import random

import pytest
from sqlalchemy import select

from subsidy.domain.list_standing import YearRecord, standing_for_year
from subsidy.models import Household, HouseholdStatus
from subsidy.services import allocations
from subsidy.services import households as svc
from tests import factories

Y = 2026
YEARS = (Y - 2, Y - 1, Y, Y + 1)


def _build(session) -> dict[int, tuple[str | None, int | None, list[YearRecord]]]:
    """Every household's columns and records, as built (the oracle's input)."""
    rng = random.Random(7)
    built = {}
    shapes = list(itertools.product((None, "poor", "near_poor"), (None, *YEARS)))
    for i in range(240):
        category, list_year = shapes[i % len(shapes)]
        years = sorted(rng.sample(YEARS, rng.randint(0, 3)))
        records = [YearRecord(y, rng.choice(("not_listed", "not_listed", "poor", "near_poor"))) for y in years]
        h = factories.household(session, category=category, list_year=list_year)
        for r in records:
            session.add(HouseholdStatus(household_id=h.id, year=r.year, status=r.status, source="import"))
        built[h.id] = (category, list_year, records)
    session.flush()
    return built


def _ids(session, category: str, year: int) -> set[int]:
    return set(session.scalars(svc.household_query(category=category, year=year).with_only_columns(Household.id)))


@pytest.mark.parametrize("year", [Y - 1, Y, Y + 1])
def test_filters_equal_the_rule(session, year):
    built = _build(session)
    rule = {hid: standing_for_year(c, ly, recs, year) for hid, (c, ly, recs) in built.items()}
    for category in ("poor", "near_poor"):
        assert _ids(session, category, year) == {hid for hid, st in rule.items() if st.category == category}
    assert _ids(session, "none", year) == {hid for hid, st in rule.items() if st.category is None}
    off = set(session.scalars(select(Household.id).where(svc.off_the_list(year))))
    assert off == {hid for hid, st in rule.items() if st.not_listed}
    listed = set(session.scalars(select(Household.id).where(svc.listed_in_force(year))))
    assert listed == {hid for hid, st in rule.items() if st.category is not None}
    # every kind occurs, so the equalities above say something
    assert all(len(_ids(session, c, year)) > 10 for c in ("poor", "near_poor", "none")) and len(off) > 10


def test_a_future_years_record_does_not_take_a_household_off_this_years_list(session):
    h = factories.household(session, category="poor", list_year=Y)
    session.add(HouseholdStatus(household_id=h.id, year=Y + 1, status="not_listed", source="replaced"))
    gone = factories.household(session, category="poor", list_year=Y - 1)
    session.add(HouseholdStatus(household_id=gone.id, year=Y, status="not_listed", source="replaced"))
    session.flush()
    assert _ids(session, "poor", Y) == {h.id}
    assert _ids(session, "none", Y) == {gone.id}
    assert _ids(session, "none", Y + 1) == {h.id, gone.id}
    assert _ids(session, "poor", Y - 1) == {h.id, gone.id}  # h's list is ahead of Y-1: its columns decide


def test_quota_ceiling_counts_the_households_in_force_today(session):
    from subsidy.domain.calendar import today_vn

    this = today_vn().year
    kept = factories.household(session, category="near_poor", list_year=this)
    session.add(HouseholdStatus(household_id=kept.id, year=this + 1, status="not_listed", source="replaced"))
    gone = factories.household(session, category="poor", list_year=this - 1)
    session.add(HouseholdStatus(household_id=gone.id, year=this, status="not_listed", source="replaced"))
    factories.household(session, category=None)
    factories.household(session, category="poor", list_year=this - 1)
    session.flush()
    assert allocations.poor_household_count(session) == 2  # kept and the last one


def test_standings_now_reads_this_year_in_viet_nam(session):
    import datetime as dt
    from zoneinfo import ZoneInfo

    this = dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).year
    gone = factories.household(session, category="poor", list_year=this - 1)
    session.add(HouseholdStatus(household_id=gone.id, year=this, status="not_listed", source="replaced"))
    kept = factories.household(session, category="near_poor", list_year=this)
    session.add(HouseholdStatus(household_id=kept.id, year=this + 1, status="not_listed", source="replaced"))
    session.flush()
    now = svc.standings_now(session, [gone, kept])
    assert (now[gone.id].status, now[gone.id].list_year, now[gone.id].last_category, now[gone.id].last_year) == (
        "not_listed", this, "poor", this - 1)
    # next year's record does not count yet: this year's list decides
    assert (now[kept.id].status, now[kept.id].list_year, now[kept.id].record) == ("near_poor", this, None)
