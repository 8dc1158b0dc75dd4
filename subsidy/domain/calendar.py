"""The calendar of the programme: Việt Nam's time zone, today, local midnight, months.

Business dates (received_on, handed_on, paid_on, a decision's date, a report's month) are dates
in Asia/Ho_Chi_Minh (UTC+7, no daylight saving); timestamps are stored as aware UTC datetimes.
This module is the one place that turns one into the other, so a page, a service, a report and a
test all agree on which day an instant falls (domain.md §7: "a month is the local month").

Pure Python (standard library only): imports neither Flask nor SQLAlchemy.
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from zoneinfo import ZoneInfo
from subsidy.domain.labels.sentence import sentence_start

__all__ = [
    "VN_TZ", "MonthError", "today_vn", "local_date", "local_midnight", "month_bounds", "read_month",
    "parse_month", "REPORT_YEARS", "month_year_problem", "years_before", "CHECK_THE_DATE", "allowed_days", "after_today_message", "before_message", "date_range_message", "Holiday", "WorkingCalendar", "shipped_holidays", "parse_extra_holidays",
]

#: Việt Nam's time zone (UTC+7 all year).
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class MonthError(ValueError):
    """A month that cannot be read or does not exist; the message is Vietnamese, for a clerk."""


def today_vn(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Việt Nam. ``now``: an aware datetime to read instead of the clock (a report
    "as of" a given instant); default: the current time. Never raises for an aware ``now``."""
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(VN_TZ).date()


def local_date(at: dt.datetime) -> dt.date:
    """The date in Việt Nam of the instant ``at`` (an aware datetime, e.g. a stored UTC timestamp):
    20:00 UTC on 20/11 is 03:00 on 21/11 in Việt Nam → 21/11. A naive ``at`` is taken as already
    local (its own date), as the pages show it."""
    return at.astimezone(VN_TZ).date() if at.tzinfo else at.date()


def local_midnight(day: dt.date) -> dt.datetime:
    """00:00 of ``day`` in Việt Nam, as an aware UTC datetime (17:00 UTC the day before): the
    instant a local day, month or period starts, to compare stored UTC timestamps with."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=VN_TZ).astimezone(dt.timezone.utc)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` whole years before ``day`` (29/02 → 28/02 when that year has no 29/02):
    years_before(05/03/2026, 5) → 05/03/2021. ``years`` ≥ 0; raises ValueError below year 1."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        if day.month == 2 and day.day == 29:
            return dt.date(day.year - years, 2, 28)
        raise


#: How to fix a business date refused: the default last sentence of :func:`after_today_message`.
CHECK_THE_DATE = "Hãy kiểm tra lại ngày (ngày/tháng/năm)."


def allowed_days(earliest: dt.date | None, today: dt.date) -> str:
    """The business dates that may be written, in words: "từ ngày 12/12/2022 đến hôm nay
    (20/03/2026)", or "đến hôm nay (20/03/2026)" with no ``earliest``."""
    if earliest is None:
        return f"đến hôm nay ({today:%d/%m/%Y})"
    return f"từ ngày {earliest:%d/%m/%Y} đến hôm nay ({today:%d/%m/%Y})"


def after_today_message(day: dt.date | None, what: str, today: dt.date | None = None, *,
                        earliest: dt.date | None = None, fix: str = CHECK_THE_DATE) -> str | None:
    """The one rule for a business date of something that has happened (an application received,
    a phone handed over, cash paid, a phone bought, phones allocated): it is not after today in
    Việt Nam. ``today``: default :func:`today_vn`.

    Returns None when ``day`` is None or not after ``today``; else the Vietnamese message naming
    ``what`` (e.g. "Ngày nhận hồ sơ"; written as a sentence starts: labels.sentence.sentence_start), the date typed,
    today, the dates allowed when the caller has a lower bound ``earliest`` (:func:`allowed_days`) and
    ``fix``, how to correct it: «Ngày chi tiền (21/03/2026) không được sau ngày hôm nay
    (20/03/2026): chỉ ghi được ngày từ ngày 02/03/2026 đến hôm nay (20/03/2026). Hãy kiểm tra lại
    ngày (ngày/tháng/năm).»"""
    today = today or today_vn()
    if day is None or day <= today:
        return None
    allowed = f": chỉ ghi được ngày {allowed_days(earliest, today)}" if earliest is not None else ""
    return f"{sentence_start(what)} ({day:%d/%m/%Y}) không được sau ngày hôm nay ({today:%d/%m/%Y}){allowed}. {fix}"


def before_message(day: dt.date | None, what: str, earliest: dt.date, since: str, today: dt.date | None = None, *,
                   fix: str = CHECK_THE_DATE) -> str | None:
    """The one wording for a business date before the first day it may be (``earliest``, the day
    of ``since``: what happened then, e.g. "ngày hồ sơ được phê duyệt", "ngày nhận đơn", "ngày
    Thông tư 14/2022/TT-BTTTT có hiệu lực"). ``today``: default :func:`today_vn`.

    Returns None when ``day`` is None or not before ``earliest``; else «Ngày bàn giao (01/01/2020)
    không được trước ngày hồ sơ được phê duyệt (02/03/2026): chỉ ghi được ngày từ ngày 02/03/2026
    đến hôm nay (20/03/2026). Hãy kiểm tra lại ngày (ngày/tháng/năm).» (``what`` written as a
    sentence starts, :func:`allowed_days`, then ``fix``)."""
    if day is None or day >= earliest:
        return None
    today = today or today_vn()
    return (f"{sentence_start(what)} ({day:%d/%m/%Y}) không được trước {since} ({earliest:%d/%m/%Y}): chỉ ghi được "
            f"ngày {allowed_days(earliest, today)}. {fix}")


def date_range_message(day: dt.date | None, what: str, earliest: dt.date, since: str, today: dt.date | None = None,
                       *, fix: str = CHECK_THE_DATE) -> str | None:
    """The one rule for a business date that must lie from ``earliest`` (the day of ``since``) to
    today in Việt Nam: :func:`after_today_message` (with the range allowed) for a day after today,
    :func:`before_message` for a day before ``earliest``, None when it is in range or None."""
    return (after_today_message(day, what, today, earliest=earliest, fix=fix)
            or before_message(day, what, earliest, since, today, fix=fix))


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """(first day, last day) of ``month`` (1–12) of ``year``: (2026, 2) → (01/02/2026, 28/02/2026).
    Raises ValueError for a month outside 1–12."""
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


_MONTH_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")             # 2026-03 (links, bookmarks)
_MONTH_VN = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")    # 03/2026, 3/2026, 03-2026, 03.2026


def read_month(raw: str | None) -> tuple[int, int] | None:
    """The (year, month) written in ``raw`` — "YYYY-MM" or month first "MM/YYYY" (also with "-" or
    "." between), NFKC-normalised, spaces around ignored — or None when it has neither shape. The
    numbers are not checked (month 13 is returned as 13): :func:`parse_month` checks them."""
    text = unicodedata.normalize("NFKC", raw or "")
    m = _MONTH_ISO.match(text)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = _MONTH_VN.match(text)
    if m:
        return int(m.group(2)), int(m.group(1))
    return None


#: The years a report's month or year may be in (outside them: a typing mistake for this programme).
REPORT_YEARS = (2000, 2100)


def month_year_problem(raw: str, year: int) -> str | None:
    """Why the month ``raw`` (as the user typed it, echoed back) of ``year`` cannot be reported on:
    its year outside REPORT_YEARS, with the months allowed; None when the year is right."""
    lo, hi = REPORT_YEARS
    if lo <= year <= hi:
        return None
    return (f"Tháng «{raw}» ngoài khoảng lập báo cáo: năm phải từ {lo} đến {hi}, tức là từ tháng 01/{lo} đến "
            f"tháng hiện tại. Hãy nhập tháng theo dạng tháng/năm, ví dụ 03/2026.")


def parse_month(raw: str | None) -> tuple[int, int]:
    """Read a report month written "YYYY-MM" (or "MM/YYYY") → (year, month).

    Raises MonthError (Vietnamese message) when the text has neither shape, the month is not
    1–12, or the year is outside REPORT_YEARS (month_year_problem).
    """
    ym = read_month(raw)
    if ym is None:
        raise MonthError(f"Không đọc được tháng «{raw}». Hãy ghi tháng theo dạng NNNN-TT, ví dụ 2026-03.")
    year, month = ym
    if not 1 <= month <= 12:
        raise MonthError(f"Tháng «{raw}» không hợp lệ: tháng phải từ 1 đến 12 (ví dụ 2026-03).")
    if problem := month_year_problem(str(raw), year):
        raise MonthError(problem)
    return year, month


# --------------------------------------------------------------------------------------------
# Working days: Saturdays, Sundays and public holidays are not (Bộ luật Lao động 2019, Điều 111,
# 112; Nghị định 124/2020/NĐ-CP counts the complaint procedure's short periods in working days).
# --------------------------------------------------------------------------------------------

_HOLIDAYS_JSON = Path(__file__).resolve().parent / "data" / "vn-public-holidays.json"


@dataclass(frozen=True)
class Holiday:
    """One day off: ``day`` (a date), ``name`` (Vietnamese), ``source`` (the text it comes from),
    ``uncertain`` True while the date was not checked against the year's official notice."""

    day: dt.date
    name: str
    source: str = ""
    uncertain: bool = False


def _is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


def shipped_holidays(years: Iterable[int], data: dict | None = None) -> list[Holiday]:
    """The holidays shipped in ``data/vn-public-holidays.json`` (or ``data``, same shape) for
    ``years``: each fixed-date holiday of each year, plus the next working day off when it falls on
    a Saturday or Sunday (Bộ luật Lao động 2019, Điều 112 khoản 3), plus the dated entries of those
    years (Tết, Giỗ Tổ Hùng Vương, the second day of Quốc khánh, with their own compensatory days).
    Sorted by day; one Holiday per day (the first name wins)."""
    if data is None:
        data = json.loads(_HOLIDAYS_JSON.read_text("utf-8"))
    wanted = set(years)
    out: dict[dt.date, Holiday] = {}
    for entry in data.get("dated", []):
        day = dt.date.fromisoformat(entry["date"])
        if day.year in wanted:
            out.setdefault(day, Holiday(day, entry["name"], entry.get("source", ""), bool(entry.get("uncertain"))))
    for year in sorted(wanted):
        fixed = [Holiday(dt.date(year, e["month"], e["day"]), e["name"], e.get("source", ""))
                 for e in data.get("fixed", [])]
        for h in fixed:
            out.setdefault(h.day, h)
        for h in fixed:
            if _is_weekend(h.day):
                comp = h.day + dt.timedelta(days=1)
                while _is_weekend(comp) or comp in out:
                    comp += dt.timedelta(days=1)
                out[comp] = Holiday(comp, f"Nghỉ bù {h.name}", "Bộ luật Lao động 2019, Điều 112 khoản 3")
    return [out[d] for d in sorted(out)]


_EXTRA_LINE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*(.*)$")


def parse_extra_holidays(text: str, *, require_name: bool = False) -> list[Holiday]:
    """The days off the admin adds to the shipped table (a change of the year's notice, a day
    swapped), one a line: "dd/mm/yyyy name" ("02/01/2027 Nghỉ bù Tết Dương lịch"); blank lines
    skipped. Sorted by day, one per day. Raises ValueError naming each wrong line (Vietnamese, one
    sentence a line, in order): a line without a date in that form, a date that does not exist (naming it: "31/02/2026
    không có: tháng 2 năm 2026 có 28 ngày"), or — with ``require_name`` (what the admin types) —
    a date with no name. A stored line without a name (saved before names were required) reads
    as «Ngày nghỉ»."""
    out: dict[dt.date, Holiday] = {}
    wrong: list[str] = []
    example = "ví dụ 02/01/2027 Nghỉ bù Tết Dương lịch"
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        m = _EXTRA_LINE.match(unicodedata.normalize("NFC", line))
        where = f"Dòng {n} («{line.strip()}»)"
        if not m:
            wrong.append(f"{where}: hãy ghi ngày nghỉ theo dạng ngày/tháng/năm rồi tên ngày nghỉ, {example}.")
            continue
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        typed = f"{d:02d}/{mo:02d}/{y}"
        if not 1 <= mo <= 12:
            wrong.append(f"{where}: ngày {typed} không có: tháng phải từ 1 đến 12. Hãy sửa lại ngày, {example}.")
            continue
        if not 1 <= y <= 9999 or not 1 <= d <= calendar.monthrange(y, mo)[1]:
            last = calendar.monthrange(y, mo)[1] if 1 <= y <= 9999 else 31
            wrong.append(f"{where}: ngày {typed} không có: tháng {mo} năm {y} có {last} ngày. "
                         f"Hãy sửa lại ngày, {example}.")
            continue
        name = " ".join(m.group(4).split())
        if require_name and not name:
            wrong.append(f"{where}: thiếu tên ngày nghỉ. Ghi tên sau ngày, {example}.")
            continue
        day = dt.date(y, mo, d)
        out.setdefault(day, Holiday(day, name or "Ngày nghỉ", "Quản trị bổ sung"))
    if wrong:
        raise ValueError("\n".join(wrong))
    return [out[d] for d in sorted(out)]


class WorkingCalendar:
    """Working-day arithmetic over a set of holidays (dates). Periods are counted as the Bộ luật
    Dân sự 2015 counts them (Điều 147: the day of the event is not counted; Điều 148 khoản 5: a
    period in days whose last day is a day off ends on the next working day)."""

    def __init__(self, holidays: Iterable[dt.date | Holiday] = ()) -> None:
        self.holidays = frozenset(h.day if isinstance(h, Holiday) else h for h in holidays)

    @classmethod
    def shipped(cls, start_year: int, end_year: int, extra: Iterable[dt.date | Holiday] = ()) -> "WorkingCalendar":
        """The shipped holidays of ``start_year``..``end_year`` (inclusive) plus ``extra`` (the
        admin's rows)."""
        return cls([*shipped_holidays(range(start_year, end_year + 1)), *extra])

    def is_working_day(self, day: dt.date) -> bool:
        """True Monday–Friday unless ``day`` is a holiday."""
        return not _is_weekend(day) and day not in self.holidays

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (``start`` not counted): Friday 09/01/2026
        + 1 → Monday 12/01/2026. ``days`` ≥ 0 (0 → ``start``). Raises ValueError below 0."""
        if days < 0:
            raise ValueError("days must be ≥ 0")
        day = start
        for _ in range(days):
            day = self.next_working_day(day + dt.timedelta(days=1))
        return day

    def add_days(self, start: dt.date, days: int) -> dt.date:
        """``start`` + ``days`` calendar days, moved to the next working day when that day is off
        (Bộ luật Dân sự 2015, Điều 148 khoản 5)."""
        return self.next_working_day(start + dt.timedelta(days=days))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end`` ≤ ``start``)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count
