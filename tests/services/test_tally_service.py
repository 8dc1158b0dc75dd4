"""The monthly tally, the annual report and the radio counts on a known three-month history.

The history is in tests/tally_history.py (A1–A8, January–March 2026); every number below was
worked out by hand from it, following the definitions in docs/tally.md.
"""
from __future__ import annotations

import datetime as dt

import pytest

from subsidy.documents.tally_export import tally_to_dict
from subsidy.services import tally as T
from subsidy.services.errors import ServiceError
from tests import factories
from tests.tally_history import HAMLETS, build_history

TODAY = dt.date(2026, 11, 30)
FIELDS = ("received", "eligible", "not_eligible", "proposed", "approved", "handed_over", "handovers_voided",
          "paid", "payments_voided", "amount_paid", "amount_voided", "supported", "waiting")
Z = (0,) * 13
HAMLET_ROWS = ("Ấp Phú Hòa", "Ấp Phú Thành", "Ấp Phú Xuân", "Ấp Phú Lợi", "Ấp Phú Thạnh")


def fig(*values: int) -> dict[str, int]:
    assert len(values) == 13
    return dict(zip(FIELDS, values))


#                      recv el  nel prop appr ho  hov paid pv  amount   voided  supp wait
EXPECTED = {
    ("2026-01", False): {
        "totals":   fig(4, 3, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1),
        "hamlet": [fig(2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),          # A1, A2
                   fig(1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),          # A3
                   fig(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),          # A5 (decided 31/01 23:30 local)
                   fig(*Z), fig(*Z)],
        "category": [("poor", fig(3, 3, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1)),
                     ("near_poor", fig(1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))],
        "tier": [(1, fig(1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                 (2, fig(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)),
                 (3, fig(1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                 (4, fig(1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))],
        "rules": [("E2", 1)],
        "quota": dict(allocated=5, proposed=2, approved=0, supported=0, used=2, left=3),
    },
    ("2026-02", False): {
        "totals":   fig(3, 2, 0, 2, 3, 2, 0, 1, 0, 500_000, 0, 3, 1),
        "hamlet": [fig(1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1),          # A8 recv/el/waiting, A1 appr/ho
                   fig(1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0),          # A4 recv/el/prop, A3 appr/ho
                   fig(1, 0, 0, 1, 1, 0, 0, 1, 0, 500_000, 0, 1, 0),    # A6 recv, A5 prop/appr/paid
                   fig(*Z), fig(*Z)],
        "category": [("poor", fig(1, 1, 0, 1, 3, 2, 0, 1, 0, 500_000, 0, 3, 1)),
                     ("near_poor", fig(2, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0))],
        "tier": [(1, fig(0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0)),
                 (2, fig(0, 0, 0, 1, 1, 0, 0, 1, 0, 500_000, 0, 1, 0)),
                 (3, fig(1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1)),
                 (4, fig(1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                 (None, fig(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))],
        "rules": [],  # A6's decision is at 01/03 00:30 local: March
        "quota": dict(allocated=5, proposed=1, approved=0, supported=3, used=4, left=1),
    },
    ("2026-03", False): {
        "totals":   fig(1, 1, 1, 0, 1, 1, 1, 1, 1, 500_000, 500_000, 2, 1),
        "hamlet": [fig(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),          # A7 recv, A2 re-checked el/waiting
                   fig(0, 0, 0, 0, 1, 1, 1, 1, 0, 500_000, 0, 2, 0),    # A4 appr/paid, A3 void + new ho
                   fig(0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 500_000, 0, 0),    # A6 not el, A5 payment voided
                   fig(*Z), fig(*Z)],
        "category": [("poor", fig(1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 500_000, 1, 0)),
                     ("near_poor", fig(0, 1, 1, 0, 1, 0, 0, 1, 0, 500_000, 0, 1, 1))],
        "tier": [(1, fig(0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0)),
                 (2, fig(0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 500_000, 0, 0)),
                 (3, fig(*Z)),
                 (4, fig(0, 1, 0, 0, 1, 0, 0, 1, 0, 500_000, 0, 1, 1)),
                 (None, fig(1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))],
        "rules": [("E1", 1), ("E2", 1)],
        "quota": dict(allocated=7, proposed=0, approved=1, supported=3, used=4, left=3),
    },
    ("2026-02", True): {
        "totals":   fig(7, 5, 1, 4, 3, 2, 0, 1, 0, 500_000, 0, 3, 1),
        "hamlet": [fig(3, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1),          # A1 A2 A8
                   fig(2, 2, 0, 2, 1, 1, 0, 0, 0, 0, 0, 1, 0),          # A3 A4
                   fig(2, 1, 0, 1, 1, 0, 0, 1, 0, 500_000, 0, 1, 0),    # A5 A6
                   fig(*Z), fig(*Z)],
        "category": [("poor", fig(4, 4, 0, 3, 3, 2, 0, 1, 0, 500_000, 0, 3, 1)),
                     ("near_poor", fig(3, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0))],
        "tier": [(1, fig(1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0)),
                 (2, fig(1, 1, 0, 1, 1, 0, 0, 1, 0, 500_000, 0, 1, 0)),
                 (3, fig(2, 2, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1)),
                 (4, fig(2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
                 (None, fig(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))],
        "rules": [("E2", 1)],
        "quota": dict(allocated=5, proposed=1, approved=0, supported=3, used=4, left=1),
    },
    ("2026-03", True): {
        # A3's February handover and A5's February payment were voided in March, inside this
        # cumulative period: neither stands at its end, so they leave handed_over / paid / amount
        # (still shown as voided); A3's redone handover of 20/03 counts.
        "totals":   fig(8, 6, 1, 4, 4, 2, 1, 1, 1, 500_000, 500_000, 3, 1),
        "hamlet": [fig(4, 3, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1),          # A1 A2 A7 A8
                   fig(2, 2, 0, 2, 2, 1, 1, 1, 0, 500_000, 0, 2, 0),    # A3 (two handovers, one void) A4
                   fig(2, 1, 1, 1, 1, 0, 0, 0, 1, 0, 500_000, 0, 0),    # A5 (paid, voided) A6
                   fig(*Z), fig(*Z)],
        "category": [("poor", fig(5, 4, 0, 3, 3, 2, 1, 0, 1, 0, 500_000, 2, 0)),
                     ("near_poor", fig(3, 2, 1, 1, 1, 0, 0, 1, 0, 500_000, 0, 1, 1))],
        "tier": [(1, fig(1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0)),
                 (2, fig(1, 1, 0, 1, 1, 0, 0, 0, 1, 0, 500_000, 0, 0)),
                 (3, fig(2, 2, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0)),
                 (4, fig(2, 2, 0, 1, 1, 0, 0, 1, 0, 500_000, 0, 1, 1)),
                 (None, fig(2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))],
        "rules": [("E1", 1), ("E2", 1)],
        "quota": dict(allocated=7, proposed=0, approved=1, supported=3, used=4, left=3),
    },
}
# January cumulative = January (nothing happened before).
EXPECTED[("2026-01", True)] = EXPECTED[("2026-01", False)]

CATEGORY_LABELS = {"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo"}
TIER_LABELS = {1: "P1 - Hộ có công với cách mạng", 2: "P2 - Gia đình chính sách xã hội", 3: "P3 - Hộ nghèo",
               4: "P4 - Hộ cận nghèo", None: "Chưa xếp nhóm ưu tiên"}
RULE_TEXT = {"E1": "Không thuộc hộ nghèo, hộ cận nghèo",
             "E2": "Đã nhận máy tính bảng hoặc thiết bị học tập trực tuyến trước khi phân bổ điện thoại"}


def expected_json(month: str, cumulative: bool) -> dict:
    e = EXPECTED[(month, cumulative)]
    year, mon = map(int, month.split("-"))
    last = {1: 31, 2: 28, 3: 31}[mon]
    return {
        "report": "tally",
        "kind": "cumulative" if cumulative else "month",
        "month": month,
        "period_start": None if cumulative else f"{month}-01",
        "period_end": f"{month}-{last}",
        "totals": e["totals"],
        "by_hamlet": [{"hamlet": h, "label": h, **f} for h, f in zip(HAMLET_ROWS, e["hamlet"])],
        "by_category": [{"category": k, "label": CATEGORY_LABELS[k], **f} for k, f in e["category"]],
        "by_tier": [{"tier": k, "label": TIER_LABELS[k], **f} for k, f in e["tier"]],
        "not_eligible_by_rule": [{"rule": r, "label": RULE_TEXT[r], "count": n} for r, n in e["rules"]],
        "quota": e["quota"],
    }


def comparable(d: dict) -> dict:
    """The tally JSON without what does not depend on the data (titles, time of reading)."""
    return {
        "report": d["report"], "kind": d["kind"], "month": d["month"],
        "period_start": d["period"]["start"], "period_end": d["period"]["end"],
        **{k: d[k] for k in ("totals", "by_hamlet", "by_category", "by_tier", "not_eligible_by_rule", "quota")},
    }


@pytest.fixture
def history(session):
    apps = build_history(session)
    session.commit()
    return apps


@pytest.mark.parametrize("month,cumulative", sorted(EXPECTED))
def test_every_number_of_the_json_tally(session, history, month, cumulative):
    t = T.tally(session, month, cumulative, hamlets=HAMLETS, today=TODAY)
    assert comparable(tally_to_dict(t)) == expected_json(month, cumulative)


@pytest.mark.parametrize("month,cumulative", sorted(EXPECTED))
def test_each_breakdown_adds_up_to_the_totals(session, history, month, cumulative):
    t = T.tally(session, month, cumulative, hamlets=HAMLETS, today=TODAY)
    for b in t.breakdowns:
        assert b.total == t.totals
        s = T.Figures()
        for r in b.rows:
            s = s + r.figures
        assert s == t.totals, b.name


def test_a_void_in_a_later_month_leaves_the_earlier_month_unchanged(session, history):
    feb = T.tally(session, "2026-02", hamlets=HAMLETS, today=TODAY)
    # A3's February handover was voided in March: February still shows it handed over and standing.
    assert (feb.totals.handed_over, feb.totals.handovers_voided, feb.totals.supported) == (2, 0, 3)
    mar = T.tally(session, "2026-03", hamlets=HAMLETS, today=TODAY)
    assert (mar.totals.handovers_voided, mar.totals.payments_voided, mar.totals.amount_voided) == (1, 1, 500_000)


def test_month_boundary_is_local_time(session, history):
    # A6 was decided at 17:30 UTC on 28/02, i.e. 00:30 on 01/03 in Việt Nam: a March figure.
    period = T.Period(dt.date(2026, 2, 28), dt.date(2026, 2, 28))
    assert period.end_at == dt.datetime(2026, 2, 28, 17, 0, tzinfo=dt.timezone.utc)
    assert T.tally_period(session, period.start, period.end).totals.not_eligible == 0
    assert T.tally_period(session, dt.date(2026, 3, 1), dt.date(2026, 3, 1)).totals.not_eligible == 1


def test_a_month_not_yet_ended_is_counted_to_today(session, history):
    t = T.tally(session, "2026-03", today=dt.date(2026, 3, 12))
    assert t.period.end == dt.date(2026, 3, 12)
    # to 12/03: A4 paid on 10/03; A3's void on 05/03; A5's payment not voided yet; A2 not re-checked.
    assert t.totals == T.Figures(received=1, eligible=0, not_eligible=1, proposed=0, approved=1, handed_over=0,
                                 handovers_voided=1, paid=1, payments_voided=0, amount_paid=500_000,
                                 amount_voided=0, supported=1, waiting=1)


def test_annual_report_months_and_year_to_date(session, history):
    r = T.annual_report(session, 2026, hamlets=HAMLETS, today=TODAY)
    assert [m.month for m in r.months] == list(range(1, 12))  # to November (today 30/11/2026)
    jan, feb, mar = (tally_to_dict(T.tally(session, m, today=TODAY))["totals"] for m in ("2026-01", "2026-02", "2026-03"))
    assert [m.figures.as_dict() for m in r.months[:3]] == [jan, feb, mar]
    assert r.months[1].year_to_date.as_dict() == EXPECTED[("2026-02", True)]["totals"]
    assert r.months[2].year_to_date.as_dict() == EXPECTED[("2026-03", True)]["totals"]
    # Nothing after March: the later months are empty except the states at their end.
    assert r.months[5].figures == T.Figures(waiting=1)
    assert r.months[10].year_to_date == r.year.totals
    assert r.year.totals.as_dict() == EXPECTED[("2026-03", True)]["totals"]
    assert r.cumulative == r.year.totals  # the programme started in 2026
    assert r.year.quota.as_dict() == EXPECTED[("2026-03", True)]["quota"]


def test_radio_counts_agree_with_the_tally(session, history):
    rc = T.radio_counts(session, dt.date(2026, 3, 31), hamlets=HAMLETS)
    assert (rc.supported_total, rc.supported_handed_over, rc.supported_paid, rc.supported_this_month) == (3, 2, 1, 2)
    assert rc.per_hamlet == (("Ấp Phú Hòa", 1), ("Ấp Phú Thành", 2), ("Ấp Phú Xuân", 0), ("Ấp Phú Lợi", 0),
                             ("Ấp Phú Thạnh", 0))
    assert (rc.waiting, rc.quota_allocated, rc.quota_used, rc.quota_left) == (1, 7, 4, 3)
    cum = T.tally_period(session, None, dt.date(2026, 3, 31), hamlets=HAMLETS)
    assert rc.supported_total == cum.totals.supported and rc.waiting == cum.totals.waiting
    assert rc.quota_left == cum.quota.left
    assert [n for _h, n in rc.per_hamlet] == [r.figures.supported for r in cum.by_hamlet.rows]


def test_radio_counts_on_the_day_of_a_void(session, history):
    # End of 04/03: A3's handover (voided 05/03) and A5's payment (voided 15/03) still stand.
    rc = T.radio_counts(session, dt.date(2026, 3, 4), hamlets=HAMLETS)
    assert (rc.supported_total, rc.supported_this_month, rc.waiting) == (3, 0, 1)
    assert (rc.quota_allocated, rc.quota_used, rc.quota_left) == (7, 4, 3)  # A4 approved on 02/03
    rc = T.radio_counts(session, dt.date(2026, 3, 5), hamlets=HAMLETS)
    assert (rc.supported_total, rc.supported_handed_over, rc.supported_paid) == (2, 1, 1)
    assert rc.per_hamlet[:3] == (("Ấp Phú Hòa", 1), ("Ấp Phú Thành", 0), ("Ấp Phú Xuân", 1))
    assert T.tally_period(session, dt.date(2026, 3, 1), dt.date(2026, 3, 5)).totals.supported == rc.supported_this_month


def test_empty_database_gives_zeros(session):
    t = T.tally(session, "2026-03", hamlets=["Ấp Một"], today=TODAY)
    assert t.totals == T.Figures()
    assert [(r.label, r.figures) for r in t.by_hamlet.rows] == [("Ấp Một", T.Figures())]
    assert t.quota.as_dict() == dict(allocated=0, proposed=0, approved=0, supported=0, used=0, left=0)
    rc = T.radio_counts(session, dt.date(2026, 3, 5))
    assert (rc.supported_total, rc.waiting, rc.quota_left, rc.per_hamlet) == (0, 0, 0, ())


@pytest.mark.parametrize("raw,expected", [("2026-03", (2026, 3)), ("03/2026", (2026, 3)), (" 2026-3 ", (2026, 3))])
def test_parse_month(raw, expected):
    assert T.parse_month(raw) == expected


@pytest.mark.parametrize("raw", ["2026-13", "2026", "tháng 3", "", "1999-01"])
def test_parse_month_refuses(raw):
    with pytest.raises(ServiceError):
        T.parse_month(raw)


def test_future_month_and_year_refused(session):
    with pytest.raises(ServiceError, match="chưa bắt đầu"):
        T.tally(session, "2026-12", today=TODAY)
    with pytest.raises(ServiceError, match="chưa bắt đầu"):
        T.annual_report(session, 2027, today=TODAY)


def test_a_handover_made_voided_and_redone_in_the_same_month_counts_once(session, history):
    """A tester's case: handover 0001 made and voided in November, redone as 0002 in
    November. At the end of November one phone is held: 1 handed over, 1 voided, 1 supported."""
    from sqlalchemy import select

    from subsidy.models import EligibilityDecision, Handover, HandoverImei, RuleSet
    from subsidy.services.workflow import move, record_received
    from tests.tally_history import VN

    def at(day: int, hour: int) -> dt.datetime:
        return dt.datetime(2026, 11, day, hour, tzinfo=VN)

    hh = factories.household(session, code="H10", head_name="Lý Văn Mười", hamlet="Ấp Phú Lợi")
    app = factories.application(session, hh, code="T00010", received_on=dt.date(2026, 11, 2), priority_tier=3)
    record_received(session, app, None, at=at(2, 8))
    rule_set = session.scalars(select(RuleSet)).one()
    session.add(EligibilityDecision(application_id=app.id, rule_set=rule_set, outcome="eligible", priority_tier=3,
                                    failed_rules=[], decided_at=at(3, 9)))
    move(session, app, "eligible", None, role="clerk", at=at(3, 9))
    move(session, app, "proposed", None, role="clerk", at=at(4, 9))
    move(session, app, "approved", None, role="approver", at=at(5, 9))

    def hand_over(day: int, imei: str) -> Handover:
        h = Handover(application_id=app.id, phone_make="Nokia", phone_model="C32",
                     imeis=[HandoverImei(position=1, imei=imei)], telecom="VNPT",
                     subscriber_number="0912345678", handed_on=dt.date(2026, 11, day), recipient_name="Người nhận")
        session.add(h)
        move(session, app, "handed_over", None, role="clerk", at=at(day, 10))
        return h

    first = hand_over(10, "350000000000101")
    first.voided_at, first.void_reason = at(12, 9), "Sai IMEI"
    session.flush()
    move(session, app, "approved", None, "Sai IMEI", role="approver", at=at(12, 9))
    hand_over(14, "350000000000102")
    session.commit()

    nov = T.tally(session, "2026-11", hamlets=HAMLETS, today=TODAY)
    assert (nov.totals.handed_over, nov.totals.handovers_voided, nov.totals.supported) == (1, 1, 1)
    loi = next(r for r in nov.by_hamlet.rows if r.key == "Ấp Phú Lợi").figures
    assert (loi.handed_over, loi.handovers_voided, loi.supported) == (1, 1, 1)
    # The chart plots by_hamlet handed_over: 1 for Ấp Phú Lợi, 0 for the others in November.
    assert [r.figures.handed_over for r in nov.by_hamlet.rows] == [0, 0, 0, 1, 0]
    # Cumulative to November: A1, A3 (redone in March) and this one; two voids in all.
    cum = T.tally(session, "2026-11", cumulative=True, hamlets=HAMLETS, today=TODAY)
    assert (cum.totals.handed_over, cum.totals.handovers_voided, cum.totals.supported) == (3, 2, 4)
    report = T.annual_report(session, 2026, hamlets=HAMLETS, today=TODAY)
    assert (report.months[10].figures.handed_over, report.months[10].figures.handovers_voided) == (1, 1)
    assert report.year.totals.handed_over == 3
    rc = T.radio_counts(session, dt.date(2026, 11, 30), hamlets=HAMLETS)
    assert (rc.supported_handed_over, rc.supported_this_month) == (3, 1)
    assert dict(rc.per_hamlet)["Ấp Phú Lợi"] == 1
