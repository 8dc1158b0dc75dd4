"""The calendar of the programme: Việt Nam's time zone, today, local midnight, months.

Business dates (received_on, handed_on, paid_on, a decision's date, a report's month) are dates
in Asia/Ho_Chi_Minh (UTC+7, no daylight saving); timestamps are stored as aware UTC datetimes.
This module is the one place that turns one into the other, so a page, a service, a report and a
test all agree on which day an instant falls (domain.md §7: "a month is the local month").

Pure Python (standard library only): imports neither Flask nor SQLAlchemy.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

__all__ = [
    "VN_TZ", "MonthError", "today_vn", "local_date", "local_midnight", "month_bounds", "read_month",
    "parse_month", "years_before",
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


def parse_month(raw: str | None) -> tuple[int, int]:
    """Read a report month written "YYYY-MM" (or "MM/YYYY") → (year, month).

    Raises MonthError (Vietnamese message) when the text has neither shape, the month is not
    1–12, or the year is not 2000–2100 (a typing mistake for this programme).
    """
    ym = read_month(raw)
    if ym is None:
        raise MonthError(f"Không đọc được tháng «{raw}». Hãy ghi tháng theo dạng NNNN-TT, ví dụ 2026-03.")
    year, month = ym
    if not 1 <= month <= 12:
        raise MonthError(f"Tháng «{raw}» không hợp lệ: tháng phải từ 1 đến 12 (ví dụ 2026-03).")
    if not 2000 <= year <= 2100:
        raise MonthError(f"Năm trong «{raw}» không hợp lệ (phải từ 2000 đến 2100).")
    return year, month
