"""domain.calendar: Việt Nam's time zone, today, local dates and midnights, months (domain.md §7)."""
from __future__ import annotations

import datetime as dt

import pytest

from subsidy.domain import calendar
from subsidy.domain.calendar import (
    MonthError, after_today_message, allowed_days, before_message, date_range_message, local_date, local_midnight,
    month_bounds, parse_month, read_month, today_vn,
)

UTC = dt.timezone.utc


def test_the_time_zone_is_utc_plus_seven_all_year():
    for month in (1, 7):  # no daylight saving time
        assert dt.datetime(2026, month, 1, tzinfo=calendar.VN_TZ).utcoffset() == dt.timedelta(hours=7)


@pytest.mark.parametrize("now, today", [
    (dt.datetime(2026, 11, 20, 16, 59, tzinfo=UTC), dt.date(2026, 11, 20)),   # 23:59 in Việt Nam
    (dt.datetime(2026, 11, 20, 17, 0, tzinfo=UTC), dt.date(2026, 11, 21)),    # 00:00 the next day
    (dt.datetime(2026, 12, 31, 17, 30, tzinfo=UTC), dt.date(2027, 1, 1)),     # already next year
])
def test_today_in_viet_nam(now, today):
    assert today_vn(now) == today
    assert local_date(now) == today


def test_today_without_an_instant_reads_the_clock():
    before = dt.datetime.now(UTC)
    got = today_vn()
    after = dt.datetime.now(UTC)
    assert got in {(before + dt.timedelta(hours=7)).date(), (after + dt.timedelta(hours=7)).date()}


def test_a_naive_datetime_is_taken_as_already_local():
    assert local_date(dt.datetime(2026, 11, 20, 23, 30)) == dt.date(2026, 11, 20)


def test_local_midnight_is_five_pm_utc_the_day_before():
    assert local_midnight(dt.date(2026, 3, 1)) == dt.datetime(2026, 2, 28, 17, 0, tzinfo=UTC)
    assert local_midnight(dt.date(2026, 3, 1)).tzinfo is not None


@pytest.mark.parametrize("year, month, first, last", [
    (2026, 2, dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    (2028, 2, dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
    (2026, 12, dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
    (2026, 4, dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
])
def test_month_bounds(year, month, first, last):
    assert month_bounds(year, month) == (first, last)


@pytest.mark.parametrize("raw, expected", [
    ("2026-03", (2026, 3)), ("03/2026", (2026, 3)), (" 2026-3 ", (2026, 3)), ("3.2026", (2026, 3)),
    ("１２/２０２６", (2026, 12)),  # full-width digits (NFKC)
])
def test_parse_month(raw, expected):
    assert parse_month(raw) == expected


@pytest.mark.parametrize("raw, words", [
    ("2026-13", "từ 1 đến 12"), ("2026", "Không đọc được"), ("tháng 3", "Không đọc được"), ("", "Không đọc được"),
    (None, "Không đọc được"), ("1999-01", "2000 đến 2100"),
])
def test_parse_month_refuses_with_a_vietnamese_reason(raw, words):
    with pytest.raises(MonthError, match=words):
        parse_month(raw)


def test_read_month_reads_the_shape_only():
    assert read_month("2026-13") == (2026, 13)
    assert read_month("13/2026") == (2026, 13)
    assert read_month("2026/03") is None and read_month("") is None and read_month(None) is None


def test_extra_holidays_name_the_date_that_does_not_exist_and_ask_for_a_name():
    from subsidy.domain.calendar import parse_extra_holidays

    with pytest.raises(ValueError) as err:
        parse_extra_holidays("12/05/2026 Nghỉ\n31/02/2026 Nghỉ bù")
    assert str(err.value).startswith("Dòng 2 («31/02/2026 Nghỉ bù»): ngày 31/02/2026 không có: "
                                     "tháng 2 năm 2026 có 28 ngày.")
    with pytest.raises(ValueError, match="ngày 29/02/2027 không có: tháng 2 năm 2027 có 28 ngày"):
        parse_extra_holidays("29/2/2027 Nghỉ")
    assert [h.day for h in parse_extra_holidays("29/2/2028 Nghỉ")] == [dt.date(2028, 2, 29)]  # a leap year
    with pytest.raises(ValueError, match=r"ngày 01/13/2026 không có: tháng phải từ 1 đến 12"):
        parse_extra_holidays("1/13/2026 Nghỉ")
    with pytest.raises(ValueError, match=r"Dòng 1 \(«02/01/2027»\): thiếu tên ngày nghỉ"):
        parse_extra_holidays("02/01/2027", require_name=True)
    # a line stored without a name still reads (as «Ngày nghỉ»)
    assert [h.name for h in parse_extra_holidays("02/01/2027")] == ["Ngày nghỉ"]


@pytest.mark.parametrize("day, kw, message", [
    (dt.date(2026, 3, 20), {}, None),                                  # today: allowed
    (dt.date(2025, 1, 1), {}, None),
    (None, {}, None),                                                  # nothing typed: another check's
    (dt.date(2026, 3, 21), {},
     "Ngày nhận hồ sơ (21/03/2026) không được sau ngày hôm nay (20/03/2026). Hãy kiểm tra lại ngày (ngày/tháng/năm)."),
    (dt.date(2027, 1, 1), {"earliest": dt.date(2026, 3, 2)},
     "Ngày nhận hồ sơ (01/01/2027) không được sau ngày hôm nay (20/03/2026): chỉ ghi được ngày từ ngày 02/03/2026 "
     "đến hôm nay (20/03/2026). Hãy kiểm tra lại ngày (ngày/tháng/năm)."),
    (dt.date(2026, 3, 21), {"fix": "Hãy xem ngày trên hóa đơn."},
     "Ngày nhận hồ sơ (21/03/2026) không được sau ngày hôm nay (20/03/2026). Hãy xem ngày trên hóa đơn."),
])
def test_after_today_message(day, kw, message):
    assert after_today_message(day, "Ngày nhận hồ sơ", dt.date(2026, 3, 20), **kw) == message


def test_after_today_message_starts_with_a_capital_and_reads_todays_date_by_default():
    tomorrow = today_vn() + dt.timedelta(days=1)
    got = after_today_message(tomorrow, "ngày bàn giao")
    assert got is not None and got.startswith(f"Ngày bàn giao ({tomorrow:%d/%m/%Y}) không được sau ngày hôm nay")
    assert allowed_days(None, dt.date(2026, 3, 20)) == "đến hôm nay (20/03/2026)"


TODAY = dt.date(2026, 3, 20)
FIX = "Hãy kiểm tra lại ngày (ngày/tháng/năm)."


@pytest.mark.parametrize("day, message", [
    (dt.date(2026, 3, 2), None),                                       # the first day allowed
    (TODAY, None),                                                     # today
    (None, None),                                                      # nothing typed: another check's
    (dt.date(2026, 3, 1),
     "Ngày thực hiện (01/03/2026) không được trước ngày nhận đơn (02/03/2026): chỉ ghi được ngày từ ngày "
     f"02/03/2026 đến hôm nay (20/03/2026). {FIX}"),
    (dt.date(2026, 3, 21),
     "Ngày thực hiện (21/03/2026) không được sau ngày hôm nay (20/03/2026): chỉ ghi được ngày từ ngày 02/03/2026 "
     f"đến hôm nay (20/03/2026). {FIX}"),
])
def test_date_range_message_one_wording_for_both_ends(day, message):
    assert date_range_message(day, "ngày thực hiện", dt.date(2026, 3, 2), "ngày nhận đơn", TODAY) == message


def test_before_message_keeps_the_capitals_of_what_it_names():
    # str.capitalize would write «Ngày cấp cccd»: the first letter alone is made a capital
    assert before_message(dt.date(2020, 1, 1), "ngày cấp CCCD", dt.date(2021, 1, 1), "ngày sinh", TODAY,
                          fix="Hãy xem mặt sau thẻ căn cước.") == (
        "Ngày cấp CCCD (01/01/2020) không được trước ngày sinh (01/01/2021): chỉ ghi được ngày từ ngày 01/01/2021 "
        "đến hôm nay (20/03/2026). Hãy xem mặt sau thẻ căn cước.")
    assert after_today_message(dt.date(2026, 3, 21), "ngày nhận IMEI", TODAY).startswith("Ngày nhận IMEI (21/03/2026)")
