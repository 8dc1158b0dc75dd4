"""Working days and the complaint time limits, computed by hand on a 2026 calendar:

    February 2026           April 2026              May 2026
    Mo Tu We Th Fr Sa Su    Mo Tu We Th Fr Sa Su    Mo Tu We Th Fr Sa Su
                       1           1  2  3  4  5                 1  2  3
     2  3  4  5  6  7  8     6  7  8  9 10 11 12     4  5  6  7  8  9 10
     9 10 11 12 13 14 15    13 14 15 16 17 18 19
    16 17 18 19 20 21 22    20 21 22 23 24 25 26
    23 24 25 26 27 28       27 28 29 30

Tết Bính Ngọ off 16–20/02; Giỗ Tổ 26/04 is a Sunday (off on Monday 27/04); 30/04 and 01/05 off.
"""
from __future__ import annotations

import datetime as dt

import pytest

from subsidy.domain.calendar import Holiday, WorkingCalendar, shipped_holidays
from subsidy.domain.complaints import deadlines as dl

D = dt.date
CAL = WorkingCalendar.shipped(2026, 2027)
BOOK = dl.rulebook_for(D(2026, 3, 1))


def test_shipped_holidays_2026_hold_tet_hung_kings_and_the_fixed_days():
    days = {h.day for h in shipped_holidays([2026])}
    assert {D(2026, 1, 1), D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 20), D(2026, 4, 27), D(2026, 4, 30),
            D(2026, 5, 1), D(2026, 9, 2)} <= days
    assert D(2026, 2, 23) not in days and D(2026, 2, 13) not in days


def test_a_fixed_holiday_on_a_saturday_gives_the_next_monday():
    # 01/05/2027 is a Saturday: Monday 03/05/2027 is off instead (BLLĐ 2019, Điều 112 khoản 3)
    days = {h.day: h.name for h in shipped_holidays([2027])}
    assert D(2027, 5, 1).weekday() == 5
    assert "Nghỉ bù" in days[D(2027, 5, 3)]
    assert D(2027, 5, 4) not in days


@pytest.mark.parametrize("start, n, expected", [
    (D(2026, 1, 9), 1, D(2026, 1, 12)),     # Friday + 1 → Monday
    (D(2026, 1, 9), 0, D(2026, 1, 9)),
    (D(2026, 2, 11), 10, D(2026, 3, 4)),    # 12, 13, [Tết + weekends], 23–27, 2, 3, 4 March
    (D(2026, 2, 13), 1, D(2026, 2, 23)),    # Friday before Tết → the Monday after Tết
    (D(2026, 4, 24), 3, D(2026, 5, 4)),     # Fri 24/04 → 28, 29 (27 off, 30/04, 01/05 off), Mon 04/05
    (D(2026, 12, 31), 1, D(2027, 1, 4)),    # Thu 31/12 → 01/01 off, weekend → Monday 04/01/2027
])
def test_add_working_days(start, n, expected):
    assert CAL.add_working_days(start, n) == expected


def test_admin_holiday_extends_the_calendar():
    cal = WorkingCalendar([*shipped_holidays([2026]), Holiday(D(2026, 3, 3), "Ngày nghỉ do tỉnh công bố")])
    assert cal.add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 4)
    assert CAL.add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)


def test_calendar_period_ending_on_a_day_off_moves_to_the_next_working_day():
    # 90 days from 28/01/2026 is Wednesday 28/04/2026: a working day, kept
    assert CAL.add_days(D(2026, 1, 28), 90) == D(2026, 4, 28)
    # 90 days from 30/01/2026 is Thursday 30/04/2026 (holiday), 01/05 holiday, weekend → Monday 04/05
    assert CAL.add_days(D(2026, 1, 30), 90) == D(2026, 5, 4)


def test_acceptance_is_ten_working_days_and_first_decision_thirty_days():
    acc = dl.deadline(BOOK, "acceptance", D(2026, 2, 11), D(2026, 2, 20), CAL)
    assert acc.due == D(2026, 3, 4) and acc.status == dl.ON_TIME and acc.days_left == 8
    assert "Điều 27" in acc.clause
    # accepted Friday 27/03/2026: 30 days → Sunday 26/04 → 27/04 off → Tuesday 28/04
    dec = dl.deadline(BOOK, "first_decision", D(2026, 3, 27), D(2026, 4, 1), CAL)
    assert dec.due == D(2026, 4, 28) and "Điều 28" in dec.clause
    # complex: 45 days → Monday 11/05/2026; remote complex: 60 days → Tuesday 26/05/2026
    assert dl.deadline(BOOK, "first_decision", D(2026, 3, 27), D(2026, 4, 1), CAL, complex_case=True).due == D(2026, 5, 11)
    assert dl.deadline(BOOK, "first_decision", D(2026, 3, 27), D(2026, 4, 1), CAL, complex_case=True,
                       remote=True).due == D(2026, 5, 26)
    assert dl.deadline(BOOK, "first_decision", D(2026, 3, 27), D(2026, 4, 1), CAL, remote=True).due == D(2026, 5, 11)


@pytest.mark.parametrize("today, status, left", [
    (D(2026, 2, 25), dl.ON_TIME, 5),     # 26, 27, 2, 3, 4
    (D(2026, 2, 27), dl.DUE_SOON, 3),    # 2, 3, 4
    (D(2026, 3, 4), dl.DUE_SOON, 0),     # the due day itself
    (D(2026, 3, 5), dl.OVERDUE, -1),
    (D(2026, 3, 9), dl.OVERDUE, -3),     # 5, 6, 9 (weekend skipped)
])
def test_on_time_due_soon_overdue(today, status, left):
    d = dl.deadline(BOOK, "acceptance", D(2026, 2, 11), today, CAL)
    assert (d.status, d.days_left) == (status, left)


def test_done_on_time_or_late():
    assert dl.deadline(BOOK, "acceptance", D(2026, 2, 11), D(2026, 4, 1), CAL, done_on=D(2026, 3, 4)).status == dl.MET
    assert dl.deadline(BOOK, "acceptance", D(2026, 2, 11), D(2026, 4, 1), CAL, done_on=D(2026, 3, 5)).status == dl.LATE


def test_second_complaint_window_and_filing_time_limit():
    # decided Tuesday 14/04/2026: 30 days → Thursday 14/05; remote 45 → Friday 29/05
    assert dl.due_date(BOOK.rule("second_filing"), D(2026, 4, 14), CAL) == D(2026, 5, 14)
    assert dl.due_date(BOOK.rule("second_filing"), D(2026, 4, 14), CAL, remote=True) == D(2026, 5, 29)
    inside, last, clause = dl.filing_window_open(BOOK, D(2026, 1, 30), D(2026, 5, 4), CAL)
    assert inside and last == D(2026, 5, 4) and "Điều 9" in clause
    assert not dl.filing_window_open(BOOK, D(2026, 1, 30), D(2026, 5, 5), CAL)[0]


def test_petition_answer_ten_working_days_and_denunciation_forward_five():
    # Fri 24/04 → 28 (1), 29 (2), [30/04, 01/05, weekend], 4, 5, 6, 7, 8 (7), 11, 12, 13/05 (10)
    assert dl.deadline(BOOK, "petition_answer", D(2026, 4, 24), D(2026, 4, 24), CAL).due == D(2026, 5, 13)
    assert dl.deadline(BOOK, "denunciation_forward", D(2026, 4, 24), D(2026, 4, 24), CAL).due == D(2026, 5, 6)
    assert "Tiếp công dân 2013, Điều 28" in BOOK.rule("petition_answer").clause


def test_rulebook_versions_are_chosen_by_the_day_received():
    data = {"versions": [
        {"version": 1, "effective_from": "2021-01-01", "title": "a", "rules": {
            "acceptance": {"days": 10, "unit": "working", "from": "received_on", "clause": "old"}}},
        {"version": 2, "effective_from": "2026-07-01", "title": "b", "rules": {
            "acceptance": {"days": 7, "unit": "working", "from": "received_on", "clause": "new"}}}]}
    books = dl.parse_rulebooks(data)
    assert dl.rulebook_for(D(2026, 6, 30), books).rule("acceptance").days == 10
    assert dl.rulebook_for(D(2026, 7, 1), books).rule("acceptance").days == 7
    with pytest.raises(ValueError):
        dl.parse_rulebooks({"versions": [{"version": 1, "effective_from": "2021-01-01", "title": "x", "rules": {
            "a": {"days": 0, "unit": "working", "from": "x", "clause": "y"}}}]})


def test_shipped_rules_match_the_law():
    r = BOOK.rules
    assert (r["filing"].days, r["filing"].unit) == (90, "calendar")
    assert (r["acceptance"].days, r["acceptance"].unit) == (10, "working")
    fd = r["first_decision"]
    assert (fd.days, fd.complex, fd.remote, fd.remote_complex) == (30, 45, 45, 60)
    assert (r["second_filing"].days, r["second_filing"].remote) == (30, 45)
    sd = r["second_decision"]
    assert (sd.days, sd.complex, sd.remote, sd.remote_complex) == (45, 60, 60, 70)
    assert (r["petition_answer"].days, r["petition_answer"].unit) == (10, "working")
