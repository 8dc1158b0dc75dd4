"""The one-pass reports (one grouped query per figure for all periods) give the numbers of the old
whole-history pipeline run period by period (tests/tally_reference.py, the previous SQL), on a
history that spans two years and two communes: the hand-checked January–March 2026 history
(tests/tally_history.py) in commune A, plus, in commune A, an application received and decided
not eligible in December 2025, re-checked eligible in February 2026, proposed in December 2025's
last hour local time; a handover made in December 2025 and voided in January 2026; and in commune
B applications moving over several months (one
proposed three times, in December 2025, January and March 2026) (domain.md §7, docs/tally.md).
"""
from __future__ import annotations

import datetime as dt

import pytest

from subsidy.domain.calendar import VN_TZ, month_bounds
from subsidy.domain.reports import Period
from subsidy.models import EligibilityDecision, Handover, HandoverImei, RuleSet
from subsidy.models.scoping import set_commune
from subsidy.services import communes
from subsidy.services import tally as T
from subsidy.services.tally.province import province_annual_report, province_tally
from subsidy.services.workflow import move, record_received
from tests import factories
from tests.tally_history import build_history
from tests.tally_reference import reference

TODAY = dt.date(2026, 5, 20)


def at(y: int, m: int, d: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, hour, tzinfo=VN_TZ)


@pytest.fixture
def two_years(session):
    build_history(session)
    a = communes.the_only_commune(session)
    rs = session.query(RuleSet).one()
    # Commune A: a history starting in 2025.
    h = factories.household(session, hamlet="Ấp Phú Lợi", category="poor")
    old = factories.application(session, h, received_on=dt.date(2025, 12, 2), priority_tier=2)
    record_received(session, old, None, at=at(2025, 12, 2))
    session.add(EligibilityDecision(application_id=old.id, rule_set=rs, outcome="not_eligible",
                                    failed_rules=["E3"], decided_at=at(2025, 12, 5)))
    move(session, old, "not_eligible", None, role="clerk", at=at(2025, 12, 5))
    session.add(EligibilityDecision(application_id=old.id, rule_set=rs, outcome="eligible", priority_tier=2,
                                    failed_rules=[], decided_at=at(2026, 2, 9)))
    move(session, old, "eligible", None, role="clerk", at=at(2026, 2, 9))
    h2 = factories.household(session, hamlet="Ấp Phú Hòa", category="near_poor")
    early = factories.application(session, h2, received_on=dt.date(2025, 11, 20), priority_tier=1)
    record_received(session, early, None, at=at(2025, 11, 20))
    session.add(EligibilityDecision(application_id=early.id, rule_set=rs, outcome="eligible", priority_tier=1,
                                    failed_rules=[], decided_at=at(2025, 11, 25)))
    move(session, early, "eligible", None, role="clerk", at=at(2025, 11, 25))
    move(session, early, "proposed", None, role="clerk", at=at(2025, 12, 31, 23))  # 16:00 UTC: December
    move(session, early, "approved", None, role="approver", at=at(2026, 1, 2))
    ho = Handover(application_id=early.id, phone_make="Nokia", phone_model="C32", telecom="VNPT",
                  imeis=[HandoverImei(position=1, imei="350000000000099")], subscriber_number="0912345678",
                  handed_on=dt.date(2026, 1, 3), recipient_name="Người nhận")
    session.add(ho)
    move(session, early, "handed_over", None, role="clerk", at=at(2026, 1, 3))
    session.flush()
    ho.voided_at, ho.void_reason = at(2026, 4, 2), "Sai IMEI"
    move(session, early, "approved", None, role="approver", reason="Sai IMEI", at=at(2026, 4, 2))
    # Commune B: applications moving over the months, one re-checked twice in one month.
    b = communes.create_commune(session, communes.CommuneInput(code="XAB", name="xã Bình"), None,
                                hamlets=["Ấp B1", "Ấp B2"])
    for i, (hamlet, recv) in enumerate((("Ấp B1", dt.date(2025, 10, 3)), ("Ấp B2", dt.date(2026, 2, 1)),
                                        ("Ấp B1", dt.date(2026, 4, 30)))):
        hh = factories.household(session, hamlet=hamlet, category="poor" if i % 2 else "near_poor",
                                 commune_id=b.id)
        app = factories.application(session, hh, received_on=recv, priority_tier=i + 1)
        record_received(session, app, None, at=dt.datetime.combine(recv, dt.time(8), tzinfo=VN_TZ))
        d1 = recv + dt.timedelta(days=40)
        session.add(EligibilityDecision(application_id=app.id, rule_set=rs, outcome="not_eligible",
                                        failed_rules=["E1", "E5"], decided_at=at(d1.year, d1.month, d1.day)))
        move(session, app, "not_eligible", None, role="clerk", at=at(d1.year, d1.month, d1.day))
        if i < 2:
            d2 = d1 + dt.timedelta(days=1)
            session.add(EligibilityDecision(application_id=app.id, rule_set=rs, outcome="eligible", priority_tier=i + 1,
                                            failed_rules=[], decided_at=at(d2.year, d2.month, d2.day)))
            move(session, app, "eligible", None, role="clerk", at=at(d2.year, d2.month, d2.day))
            move(session, app, "proposed", None, role="clerk", at=at(d2.year, d2.month, d2.day, 15))
        if i == 0:  # taken off the list in December 2025, proposed again in January and March 2026
            move(session, app, "eligible", None, "Bổ sung hồ sơ", role="clerk", at=at(2025, 12, 10))
            move(session, app, "proposed", None, role="clerk", at=at(2026, 1, 12))
            move(session, app, "eligible", None, "Bổ sung hồ sơ", role="clerk", at=at(2026, 1, 20))
            move(session, app, "proposed", None, role="clerk", at=at(2026, 3, 2))
            move(session, app, "approved", None, role="approver", at=at(2026, 3, 9))
    factories.allocation_row(session, quantity=3, allocated_on=dt.date(2025, 10, 1), commune_id=b.id)
    session.flush()
    return a, b


def _same(new_totals, new_by_hamlet, new_reasons, new_quota, ref, what):
    assert new_totals == ref["totals"], what
    if new_by_hamlet is not None:
        for hamlet, figures in ref["by_hamlet"].items():
            assert new_by_hamlet[hamlet] == figures, (what, hamlet)
    if new_reasons is not None:
        assert new_reasons == ref["reasons"], what
    if new_quota is not None:
        assert new_quota == ref["quota"], what


def _tally_parts(t):
    return ({r.key: r.figures for r in t.by_hamlet.rows}, {r.rule: r.count for r in t.not_eligible_by_rule},
            (t.quota.allocated, t.quota.proposed, t.quota.approved, t.quota.supported))


@pytest.mark.parametrize("year", [2025, 2026])
def test_annual_report_equals_the_old_pipeline_month_by_month(session, two_years, year):
    a, b = two_years
    for commune in (a, b, None):
        set_commune(session, commune.id if commune else None)
        r = T.annual_report(session, year, today=TODAY)
        last = 12 if year == 2025 else TODAY.month
        assert [m.month for m in r.months] == list(range(1, last + 1))
        for m in r.months:
            first, end = month_bounds(year, m.month)
            end = min(end, TODAY)
            assert m.figures == reference(session, Period(first, end))["totals"], (commune, m.month)
            assert m.year_to_date == reference(session, Period(dt.date(year, 1, 1), end))["totals"], (commune, m.month)
        year_end = min(dt.date(year, 12, 31), TODAY)
        _same(r.year.totals, *_tally_parts(r.year), reference(session, Period(dt.date(year, 1, 1), year_end)),
              (commune, "year"))
        assert r.cumulative == reference(session, Period(None, year_end))["totals"], commune
    set_commune(session, None)


def test_monthly_tallies_and_province_equal_the_old_pipeline(session, two_years):
    a, b = two_years
    for month in ("2025-11", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05"):
        y, m = map(int, month.split("-"))
        first, end = month_bounds(y, m)
        end = min(end, TODAY)
        for cumulative in (False, True):
            province, parts = province_tally(session, month, cumulative, today=TODAY)
            for commune, t in parts:
                set_commune(session, commune.id)
                ref = reference(session, Period(None if cumulative else first, end))
                _same(t.totals, *_tally_parts(t), ref, (month, cumulative, commune.code))
                assert T.tally(session, month, cumulative, today=TODAY).totals == t.totals
                set_commune(session, None)
            assert province.totals == sum((t.totals for _c, t in parts), T.Figures())
            assert province.totals == reference(session, Period(None if cumulative else first, end))["totals"]
    report, parts = province_annual_report(session, 2026, today=TODAY)
    assert report.cumulative == reference(session, Period(None, TODAY))["totals"]
    assert [m.year_to_date for m in report.months] == [
        reference(session, Period(dt.date(2026, 1, 1), min(month_bounds(2026, k)[1], TODAY)))["totals"]
        for k in range(1, 6)]


def test_radio_counts_equal_the_old_pipeline(session, two_years):
    a, _b = two_years
    set_commune(session, a.id)
    for day in (dt.date(2026, 1, 3), dt.date(2026, 3, 5), dt.date(2026, 4, 2), dt.date(2026, 5, 20)):
        rc = T.radio_counts(session, day)
        cum = reference(session, Period(None, day))
        month = reference(session, Period(day.replace(day=1), day))
        assert (rc.supported_total, rc.waiting, rc.quota_allocated) == (cum["totals"].supported, cum["totals"].waiting,
                                                                         cum["quota"][0])
        assert rc.supported_this_month == month["totals"].supported
        assert dict(rc.per_hamlet) == {h: f.supported for h, f in cum["by_hamlet"].items()} | {
            h: 0 for h in dict(rc.per_hamlet) if h not in cum["by_hamlet"]}
    set_commune(session, None)
