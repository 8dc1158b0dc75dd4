"""The tally of a month (alone or cumulative) and the annual report: choosing the period and its
titles, then tally_period (rollup). Definitions: docs/tally.md.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.domain import calendar
from subsidy.domain.calendar import month_bounds, today_vn
from subsidy.domain.reports import AnnualReport, MonthRow, Period, Tally
from subsidy.domain.vn import format_date
from subsidy.services.errors import ServiceError
from subsidy.services.tally.rollup import tally_period, totals_only


def parse_month(raw: str) -> tuple[int, int]:
    """calendar.parse_month, refused as a ServiceError (same Vietnamese message) for the views and
    the CLI, which show a ServiceError to the user."""
    try:
        return calendar.parse_month(raw)
    except calendar.MonthError as err:
        raise ServiceError(str(err)) from None


def tally(
    session: Session,
    month: str | tuple[int, int],
    cumulative: bool = False,
    *,
    hamlets: Sequence[str] = (),
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Tally:
    """The monthly tally (domain.md §7) for ``month`` ("YYYY-MM" or (year, month)).

    ``cumulative``: from the programme's start to the end of that month instead of the month
    alone. A month not yet ended ends ``today`` (local; default: now in Asia/Ho_Chi_Minh).
    Raises ServiceError for an unreadable month or one that has not begun.
    Returns a Tally (kind "month" or "cumulative"); definitions in docs/tally.md.
    """
    year, mon = parse_month(month) if isinstance(month, str) else month
    today = today or today_vn(now)
    first, last = month_bounds(year, mon)
    if first > today:
        raise ServiceError(
            f"Tháng {mon:02d}/{year} chưa bắt đầu (hôm nay là {format_date(today)}): chỉ lập báo cáo cho tháng "
            "hiện tại hoặc các tháng trước.")
    end = min(last, today)
    key = f"{year:04d}-{mon:02d}"
    if cumulative:
        label = f"Lũy kế từ đầu chương trình đến hết ngày {format_date(end)}"
        return tally_period(session, None, end, hamlets=hamlets, kind="cumulative", month=key,
                            title="Báo cáo tổng hợp lũy kế hỗ trợ điện thoại thông minh",
                            period_label=label, now=now)
    label = f"Tháng {mon:02d}/{year} (từ ngày {format_date(first)} đến hết ngày {format_date(end)})"
    return tally_period(session, first, end, hamlets=hamlets, kind="month", month=key,
                        title=f"Báo cáo tổng hợp hỗ trợ điện thoại thông minh tháng {mon:02d}/{year}",
                        period_label=label, now=now)


def annual_report(
    session: Session,
    year: int,
    *,
    hamlets: Sequence[str] = (),
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> AnnualReport:
    """The annual report for ``year`` (due before 10 November; domain.md §1, §7).

    Per month (January to the current month if ``year`` is this year, else to December): the
    month's figures and the year to date; the whole year as one period (breakdowns, reasons,
    quota); the totals since the programme's start. The year's figures are *not* the sum of the
    months for the distinct counts (an application re-checked in two months counts once in the
    year) nor for ``waiting``/``supported`` (states at the end). Raises ServiceError for a year
    that has not begun or outside 2000–2100.
    """
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ServiceError(f"Năm «{year}» không hợp lệ (phải từ 2000 đến 2100).")
    today = today or today_vn(now)
    if dt.date(year, 1, 1) > today:
        raise ServiceError(f"Năm {year} chưa bắt đầu: chỉ lập báo cáo năm cho năm nay hoặc các năm trước.")
    generated_at = now or utcnow()
    year_start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), today)
    months = []
    for m in range(1, end.month + 1):
        first, last = month_bounds(year, m)
        last = min(last, end)
        months.append(MonthRow(
            month=m, label=f"Tháng {m:02d}/{year}", period=Period(first, last),
            figures=totals_only(session, Period(first, last)),
            year_to_date=totals_only(session, Period(year_start, last)),
        ))
    label = f"Năm {year} (từ ngày {format_date(year_start)} đến hết ngày {format_date(end)})"
    year_tally = tally_period(session, year_start, end, hamlets=hamlets, kind="year",
                              title=f"Báo cáo kết quả hỗ trợ điện thoại thông minh năm {year}",
                              period_label=label, now=generated_at)
    return AnnualReport(
        year_number=year, title=year_tally.title, period_label=label, generated_at=generated_at,
        months=tuple(months), year=year_tally, cumulative=totals_only(session, Period(None, end)),
    )
