"""The monthly tally, the annual report and the commune radio's counts (domain.md §7, §8).

One computation, many renderers: ``tally`` / ``tally_period`` / ``annual_report`` return the frozen
dataclasses of subsidy.domain.reports; the screen, the PDF, XLSX, CSV and JSON only render them,
so they cannot disagree. ``radio_counts`` uses the very same SQL builders, so its numbers agree
with the tally for the same date. What each figure counts, and how: docs/tally.md (the
specification these modules follow).

The modules: ``queries`` (the SQL aggregates), ``rollup`` (their rows into the dataclasses;
``tally_period``), ``periods`` (a month, cumulative, a year: ``tally``, ``annual_report``),
``radio`` (``radio_counts``). The names callers use are importable from this package, the report
dataclasses included.
"""
from subsidy.domain.reports import (
    FIGURE_COLUMNS, FIGURE_FIELDS, QUOTA_LABELS, AnnualReport, Breakdown, Figures, MonthRow, Period, Quota,
    RadioCounts, Row, RuleCount, Tally,
)
from subsidy.services.tally.periods import annual_report, parse_month, tally
from subsidy.services.tally.queries import tally_statements
from subsidy.services.tally.radio import radio_counts
from subsidy.services.tally.rollup import tally_period

__all__ = [
    "FIGURE_COLUMNS", "FIGURE_FIELDS", "QUOTA_LABELS", "AnnualReport", "Breakdown", "Figures", "MonthRow", "Period",
    "Quota", "RadioCounts", "Row", "RuleCount", "Tally", "annual_report", "parse_month", "radio_counts", "tally",
    "tally_period", "tally_statements",
]
