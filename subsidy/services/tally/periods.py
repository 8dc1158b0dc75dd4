"""The tally of a month (alone or cumulative) and the annual report: choosing the period and its
titles, then tally_period (rollup). Definitions: docs/tally.md.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.domain import calendar
from subsidy.domain.calendar import month_bounds, today_vn
from subsidy.domain.reports import AnnualReport, MonthRow, Period, Tally
from subsidy.domain.vn import format_date
from subsidy.models.scoping import session_commune
from subsidy.services.errors import ServiceError
from subsidy.services.tally.complaints import complaint_counts
from subsidy.services.tally.queries import Buckets, Span
from subsidy.services.tally.rollup import Pass, cash_cutoff, figures_of, run_pass, tally_of, tally_period


def parse_month(raw: str) -> tuple[int, int]:
    """calendar.parse_month, refused as a ServiceError (same Vietnamese message) for the views and
    the CLI, which show a ServiceError to the user."""
    try:
        return calendar.parse_month(raw)
    except calendar.MonthError as err:
        raise ServiceError(str(err)) from None


@dataclass(frozen=True)
class MonthSpec:
    """The period a monthly tally covers and its titles (month_spec)."""

    start: dt.date | None
    end: dt.date
    kind: str
    key: str
    title: str
    label: str


def month_spec(month: str | tuple[int, int], cumulative: bool, *, today: dt.date | None = None,
               now: dt.datetime | None = None) -> MonthSpec:
    """The period of the tally of ``month`` (see tally) and its titles. Raises ServiceError for an
    unreadable month or one that has not begun."""
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
        return MonthSpec(None, end, "cumulative", key, "Báo cáo tổng hợp lũy kế hỗ trợ điện thoại thông minh",
                         f"Lũy kế từ đầu chương trình đến hết ngày {format_date(end)}")
    return MonthSpec(first, end, "month", key,
                     f"Báo cáo tổng hợp hỗ trợ điện thoại thông minh tháng {mon:02d}/{year}",
                     f"Tháng {mon:02d}/{year} (từ ngày {format_date(first)} đến hết ngày {format_date(end)})")


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
    spec = month_spec(month, cumulative, today=today, now=now)
    t = tally_period(session, spec.start, spec.end, hamlets=hamlets, kind=spec.kind, month=spec.key,
                     title=spec.title, period_label=spec.label, now=now)
    # The complaints register's counts: a small query of their own (services.tally.complaints).
    return dataclasses.replace(t, complaints=complaint_counts(session, t.period))


def check_year(year: int, today: dt.date | None = None, now: dt.datetime | None = None) -> dt.date:
    """``today`` (default: now in Việt Nam) once ``year`` is found a year the annual report can
    cover. Raises ServiceError for a year that has not begun or outside 2000–2100."""
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ServiceError(f"Năm «{year}» không hợp lệ (phải từ 2000 đến 2100).")
    today = today or today_vn(now)
    if dt.date(year, 1, 1) > today:
        raise ServiceError(f"Năm {year} chưa bắt đầu: chỉ lập báo cáo năm cho năm nay hoặc các năm trước.")
    return today


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
    today = check_year(year, today, now)
    generated_at = now or utcnow()
    bk, totals, detail = year_buckets(year, today)
    one = run_pass(session, bk, totals, detail, session_commune(session)).merged()
    return annual_of(one, 0, year, bk, hamlets=hamlets, cutoff=cash_cutoff(session, bk.bounds[-1] - _DAY),
                     generated_at=generated_at)


_DAY = dt.timedelta(days=1)


def year_buckets(year: int, today: dt.date) -> tuple[Buckets, list[Span], Span]:
    """The annual report's buckets (its months, January to the last one begun, the last ending
    ``today`` if the year has not ended; and everything before, for the cumulative totals), the
    periods it sums per commune (each month, each year to date, the cumulative) and the one it
    breaks down (the year)."""
    end = min(dt.date(year, 12, 31), today)
    bounds = tuple(month_bounds(year, m)[0] for m in range(1, end.month + 1)) + (end + _DAY,)
    n = len(bounds) - 1
    totals = [(k, k) for k in range(1, n + 1)] + [(1, k) for k in range(1, n + 1)] + [(0, n)]
    return Buckets(bounds, before=True), totals, (1, n)


def annual_of(one: Pass, commune: int, year: int, bk: Buckets, *, hamlets: Sequence[str], cutoff: str | None,
              generated_at: dt.datetime) -> AnnualReport:
    """The AnnualReport of ``commune`` (a key of ``one``) from the pass of year_buckets' periods."""
    n = bk.n
    year_start, end = bk.bounds[0], bk.bounds[-1] - _DAY
    months = []
    for k in range(1, n + 1):
        first = bk.bounds[k - 1]
        last = bk.bounds[k] - _DAY
        months.append(MonthRow(
            month=k, label=f"Tháng {k:02d}/{year}", period=Period(first, last),
            figures=figures_of(one.period(commune, k - 1)),
            year_to_date=figures_of(one.period(commune, n + k - 1)),
        ))
    label = f"Năm {year} (từ ngày {format_date(year_start)} đến hết ngày {format_date(end)})"
    year_tally = tally_of(Period(year_start, end), one.cells.get(commune, {}), one.reasons.get(commune, {}),
                          one.allocated.get(commune, 0), one.hamlets.get(commune, []), cutoff=cutoff,
                          hamlets=hamlets, kind="year",
                          title=f"Báo cáo kết quả hỗ trợ điện thoại thông minh năm {year}",
                          period_label=label, generated_at=generated_at)
    return AnnualReport(
        year_number=year, title=year_tally.title, period_label=label, generated_at=generated_at,
        months=tuple(months), year=year_tally, cumulative=figures_of(one.period(commune, 2 * n)),
    )
