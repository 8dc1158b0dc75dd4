"""Turning the tally's aggregated rows into the report dataclasses: rows → cells (hamlet ×
category × tier) → totals, breakdowns, reasons and quota (subsidy.domain.reports). Definitions:
docs/tally.md.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.domain.labels import CATEGORY_LABELS, NO_CATEGORY, TIER_LABELS, rule_failed_label
from subsidy.domain.reports import FIGURE_FIELDS, Breakdown, Figures, Period, Quota, Row, RuleCount, Tally
from subsidy.domain.vn import fold, format_date
from subsidy.services import rulesets
from subsidy.services.errors import ServiceError
from subsidy.services.tally.queries import statements

#: What a cell adds up: the figures, and the standing / live counts the quota and the radio read.
_CELL_MEASURES = FIGURE_FIELDS + ("supported_ho", "supported_cp", "standing_ho", "standing_cp",
                                  "live_proposed", "live_approved")
#: (hamlet, category, tier): the finest grouping of the queries.
Cell = tuple[str, str | None, int | None]


def cells_of(session: Session, stmts: Iterable[Select]) -> dict[Cell, dict[str, int]]:
    """Run ``stmts`` (queries.statements' cell queries: three key columns, then named measures)
    and add their rows up per cell: {(hamlet, category, tier): {measure: int}}, with
    ``supported`` = supported_ho + supported_cp. One cell of None keys for totals-only queries."""
    cells: dict[Cell, dict[str, int]] = {}
    for stmt in stmts:
        result = session.execute(stmt)
        names = list(result.keys())[3:]
        for row in result:
            cell = cells.setdefault((row[0], row[1], row[2]), dict.fromkeys(_CELL_MEASURES, 0))
            for name, value in zip(names, row[3:]):
                cell[name] += int(value or 0)
    for c in cells.values():
        c["supported"] = c["supported_ho"] + c["supported_cp"]
    return cells


def figures_of(values: dict[str, int]) -> Figures:
    """The Figures of a cell or a sum of cells (missing measures 0)."""
    return Figures(**{f: values.get(f, 0) for f in FIGURE_FIELDS})


def sum_cells(cells: Iterable[dict[str, int]]) -> dict[str, int]:
    """Measure by measure sum of ``cells`` (every measure present, 0 for none)."""
    out = dict.fromkeys(_CELL_MEASURES, 0)
    out["supported"] = 0
    for c in cells:
        for k in out:
            out[k] += c.get(k, 0)
    return out


def hamlet_order(names: Iterable[str], configured: Sequence[str]) -> list[str]:
    """The hamlets in report order: the ``configured`` ones first, as configured, then the other
    ``names`` alphabetically in Vietnamese (folded, then as written)."""
    seen = list(dict.fromkeys(configured))
    rest = sorted((n for n in set(names) if n not in seen), key=lambda n: (fold(n), n))
    return seen + rest


def _breakdown(cells: dict[Cell, dict[str, int]], index: int, name: str, title: str, key_title: str,
               keys: Sequence[Any], labels: dict[Any, str]) -> Breakdown:
    groups: dict[Any, list[dict[str, int]]] = {}
    for cell, values in cells.items():
        groups.setdefault(cell[index], []).append(values)
    rows = tuple(Row(k, labels.get(k, str(k)), figures_of(sum_cells(groups.get(k, ())))) for k in keys)
    return Breakdown(name, title, key_title, rows, figures_of(sum_cells(cells.values())))


def _label_period(p: Period) -> str:
    if p.start is None:
        return f"Lũy kế từ đầu chương trình đến hết ngày {format_date(p.end)}"
    return f"Từ ngày {format_date(p.start)} đến hết ngày {format_date(p.end)}"


def _cash_cutoff(session: Session, on: dt.date) -> str | None:
    """E5's cut-off of the rule set in force on ``on`` as printed ("12/12/2022"), for the reason
    row "Mua máy trước ngày …"; None when no rule set covers ``on`` (the row then says "ngày áp
    dụng")."""
    try:
        return format_date(rulesets.in_force(session, on).cash_cutoff)
    except ServiceError:
        return None


def tally_period(
    session: Session,
    start: dt.date | None,
    end: dt.date,
    *,
    hamlets: Sequence[str] = (),
    kind: str = "period",
    month: str | None = None,
    title: str | None = None,
    period_label: str | None = None,
    now: dt.datetime | None = None,
) -> Tally:
    """The tally of the local dates ``start``..``end`` (inclusive; ``start`` None = cumulative).

    ``hamlets``: the commune's configured hamlets (config HAMLETS), listed first, in that order,
    even with no application; hamlets found only on households follow alphabetically. Runs six
    aggregate queries (``tally_statements``) and never loads application rows.
    Raises ServiceError if ``start`` > ``end``. Definitions: docs/tally.md (domain.md §7).
    """
    if start is not None and start > end:
        raise ServiceError(f"Kỳ báo cáo không hợp lệ: ngày bắt đầu {format_date(start)} "
                           f"sau ngày kết thúc {format_date(end)}.")
    generated_at = now or utcnow()
    p = Period(start, end)
    st = statements(session, p)
    cells = cells_of(session, [st["pipeline"], st["handovers"], st["payments"]])
    cutoff = _cash_cutoff(session, end)
    reasons = tuple(RuleCount(str(r), rule_failed_label(str(r), cutoff), int(n))
                    for r, n in session.execute(st["reasons"]))
    allocated = int(session.execute(st["allocated"]).scalar_one())
    hamlet_names = [h for (h,) in session.execute(st["hamlets"])]
    all_cells = sum_cells(cells.values())
    quota = Quota(allocated=allocated, proposed=all_cells["live_proposed"],
                  approved=all_cells["live_approved"],
                  supported=all_cells["standing_ho"] + all_cells["standing_cp"])
    hamlet_keys = hamlet_order(hamlet_names + [c[0] for c in cells], hamlets)
    # The "missing" rows (no category, no tier) are shown only when they hold a figure.
    shown = [c for c, v in cells.items() if any(v.values())]
    cat_keys = ["poor", "near_poor"] + ([None] if any(c[1] not in ("poor", "near_poor") for c in shown) else [])
    tier_keys = [1, 2, 3, 4] + ([None] if any(c[2] not in (1, 2, 3, 4) for c in shown) else [])
    return Tally(
        kind=kind, month=month, period=p,
        title=title or "Báo cáo tổng hợp hỗ trợ điện thoại thông minh",
        period_label=period_label or _label_period(p),
        generated_at=generated_at,
        totals=figures_of(all_cells),
        by_hamlet=_breakdown(cells, 0, "hamlet", "Theo thôn, ấp", "Thôn, ấp", hamlet_keys, {}),
        by_category=_breakdown(cells, 1, "category", "Theo diện hộ", "Diện hộ", cat_keys,
                               {**CATEGORY_LABELS, None: NO_CATEGORY}),
        by_tier=_breakdown(cells, 2, "tier", "Theo nhóm ưu tiên", "Nhóm ưu tiên", tier_keys, TIER_LABELS),
        not_eligible_by_rule=reasons,
        quota=quota,
    )


def totals_only(session: Session, p: Period) -> Figures:
    """The totals of a period (the same builders as the tally, without the reasons)."""
    st = statements(session, p, by_cell=False)
    cells = cells_of(session, [st["pipeline"], st["handovers"], st["payments"]])
    return figures_of(sum_cells(cells.values()))
