"""Turning the tally's aggregated rows into the report dataclasses: rows → cells (hamlet ×
category × tier) → totals, breakdowns, reasons and quota (subsidy.domain.reports). Definitions:
docs/tally.md.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.domain.labels import CATEGORY_LABELS, NO_CATEGORY, TIER_LABELS, rule_failed_label
from subsidy.domain.reports import FIGURE_FIELDS, Breakdown, Figures, Period, Quota, Row, RuleCount, Tally
from subsidy.domain.vn import fold, format_date
from subsidy.services import rulesets
from subsidy.models.scoping import session_commune
from subsidy.services.errors import ServiceError
from subsidy.services.tally.queries import Buckets, Span, statements

#: What a cell adds up: the figures, and the standing / live counts the quota and the radio read.
_CELL_MEASURES = FIGURE_FIELDS + ("supported_ho", "supported_cp", "standing_ho", "standing_cp",
                                  "live_proposed", "live_approved")
#: (hamlet, category, tier): the finest grouping of the queries.
Cell = tuple[str, str | None, int | None]


def _blank() -> dict[str, int]:
    return dict.fromkeys(_CELL_MEASURES + ("supported",), 0)


def _add(into: dict[str, int], values: dict[str, int]) -> None:
    for k, v in values.items():
        into[k] += v


@dataclass
class Pass:
    """One report's figures as read by one run of its statements (queries.tally_statements).

    ``totals[commune][i]``: the measures of the period ``totals[i]`` asked; ``cells[commune]``:
    {(hamlet, category, tier): measures} of the detail period; ``reasons[commune]``: {rule: n};
    ``allocated[commune]``: phones allocated up to the end; ``hamlets[commune]``: the hamlets its
    households name. Every measures dict holds every measure (0 for none) and ``supported`` =
    supported_ho + supported_cp.
    """

    totals: dict[int, list[dict[str, int]]] = field(default_factory=dict)
    cells: dict[int, dict[Cell, dict[str, int]]] = field(default_factory=dict)
    reasons: dict[int, dict[str, int]] = field(default_factory=dict)
    allocated: dict[int, int] = field(default_factory=dict)
    hamlets: dict[int, list[str]] = field(default_factory=dict)
    n_periods: int = 0

    def period(self, commune: int, i: int) -> dict[str, int]:
        """The measures of period ``i`` for ``commune`` (zeros when it has no row)."""
        periods = self.totals.get(commune)
        return periods[i] if periods else _blank()

    def merged(self) -> "Pass":
        """Every commune's figures as one (key 0): an instance read without a commune."""
        out = Pass(totals={0: [_blank() for _ in range(self.n_periods)]}, n_periods=self.n_periods, cells={0: {}}, reasons={0: {}}, allocated={0: sum(self.allocated.values())},
                   hamlets={0: [h for names in self.hamlets.values() for h in names]})
        for periods in self.totals.values():
            for into, values in zip(out.totals[0], periods):
                _add(into, values)
        for cells in self.cells.values():
            for cell, values in cells.items():
                _add(out.cells[0].setdefault(cell, _blank()), values)
        for reasons in self.reasons.values():
            for rule, n in reasons.items():
                out.reasons[0][rule] = out.reasons[0].get(rule, 0) + n
        return out


def run_pass(session: Session, bk: Buckets, totals: Sequence[Span], detail: Span | None,
             commune_id: int | None) -> Pass:
    """Run a report's statements (queries.statements) and add their rows up per commune. The
    statements filter by commune themselves (``commune_id``, None: every commune, grouped by
    commune), so they run on the Session's connection as Core statements: no ORM criteria, and
    the compiled statement cached (the ORM recompiled these UNIONs on every call)."""
    out = Pass(n_periods=len(totals))
    n_totals = len(totals)
    conn = session.connection()
    stmts, params = statements(session, bk, totals, detail, commune_id)
    for name, stmt in stmts.items():
        result = conn.execute(stmt, params)  # (a statement ignores the parameters it does not read)
        if name == "reasons":
            for commune, rule, n in result:
                reasons = out.reasons.setdefault(commune, {})
                reasons[str(rule)] = reasons.get(str(rule), 0) + int(n)
            continue
        if name == "allocated":
            out.allocated.update((commune, int(n)) for commune, n in result)
            continue
        if name == "hamlets":
            for commune, hamlet in result:
                out.hamlets.setdefault(commune, []).append(hamlet)
            continue
        # (column, period, measure) of the periods' columns and (column, measure) of the detail's: a
        # row of one level reads only its own columns (the other level's are NULL), a province's
        # annual report has some 500 columns of each
        fields = [(pos, *k.rsplit("__", 1)) for pos, k in enumerate(result.keys()) if pos >= 5]
        period_cols = [(pos, int(i), measure) for pos, measure, i in fields if i != "d"]
        detail_cols = [(pos, measure) for pos, measure, i in fields if i == "d"]
        for row in result:
            level, commune = row[0], row[1]
            if level == 0:
                periods = out.totals.setdefault(commune, [_blank() for _ in range(n_totals)])
                for pos, i, measure in period_cols:
                    periods[i][measure] += int(row[pos] or 0)
            else:
                cell = out.cells.setdefault(commune, {}).setdefault((row[2], row[3], row[4]), _blank())
                for pos, measure in detail_cols:
                    cell[measure] += int(row[pos] or 0)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL enable_sort = on"))  # queries.statements switched it off
    for values in [v for periods in out.totals.values() for v in periods] + [
            v for cells in out.cells.values() for v in cells.values()]:
        values["supported"] = values["supported_ho"] + values["supported_cp"]
    return out


def figures_of(values: dict[str, int]) -> Figures:
    """The Figures of a cell or a sum of cells (missing measures 0)."""
    return Figures(**{f: values.get(f, 0) for f in FIGURE_FIELDS})


#: Every measure a sum of cells holds, in a fixed order.
_SUM_KEYS = _CELL_MEASURES + ("supported",)
_ROW = itemgetter(*_SUM_KEYS)


def sum_cells(cells: Iterable[dict[str, int]]) -> dict[str, int]:
    """Measure by measure sum of ``cells`` (every measure present, 0 for none)."""
    # The cells of a pass hold every measure: read them as tuples and add the columns up in C (a
    # province's report sums a hundred communes' cells per breakdown row: a loop per measure and
    # cell was a fifth of its time); a cell missing a measure is read one measure at a time.
    rows = []
    for c in cells:
        try:
            rows.append(_ROW(c))
        except KeyError:
            rows.append(tuple(c.get(k, 0) for k in _SUM_KEYS))
    if not rows:
        return dict.fromkeys(_SUM_KEYS, 0)
    return dict(zip(_SUM_KEYS, map(sum, zip(*rows))))


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


def cash_cutoff(session: Session, on: dt.date) -> str | None:
    """E5's cut-off of the rule set in force on ``on`` as printed ("12/12/2022"), for the reason
    row "Mua máy trước ngày …"; None when no rule set covers ``on`` (the row then says "ngày áp
    dụng")."""
    try:
        return format_date(rulesets.in_force(session, on).cash_cutoff)
    except ServiceError:
        return None


def tally_of(
    p: Period, cells: dict[Cell, dict[str, int]], reasons: dict[str, int], allocated: int,
    hamlet_names: Sequence[str], *, cutoff: str | None, hamlets: Sequence[str] = (), kind: str = "period",
    month: str | None = None, title: str | None = None, period_label: str | None = None,
    generated_at: dt.datetime,
) -> Tally:
    """The Tally of one period from its cells (Pass.cells of one commune, or merged), reasons,
    allocations and the hamlets the households name (see tally_period for ``hamlets``)."""
    rule_counts = tuple(RuleCount(r, rule_failed_label(r, cutoff), reasons[r]) for r in sorted(reasons))
    all_cells = sum_cells(cells.values())
    quota = Quota(allocated=allocated, proposed=all_cells["live_proposed"],
                  approved=all_cells["live_approved"],
                  supported=all_cells["standing_ho"] + all_cells["standing_cp"])
    hamlet_keys = hamlet_order(list(hamlet_names) + [c[0] for c in cells], hamlets)
    # The "missing" rows (no category, no tier) are shown only when they hold a figure.
    shown = [c for c, v in cells.items() if any(v.values())]
    # poor and near-poor always; another category (a rule set's extra one) when it holds a figure
    extra = [k for k in CATEGORY_LABELS if k not in ("poor", "near_poor") and any(c[1] == k for c in shown)]
    cat_keys = ["poor", "near_poor", *extra] + ([None] if any(c[1] not in CATEGORY_LABELS for c in shown) else [])
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
        not_eligible_by_rule=rule_counts,
        quota=quota,
    )


def period_buckets(start: dt.date | None, end: dt.date) -> tuple[Buckets, Span]:
    """One period as Buckets and its span: bucket 1 = start..end, or bucket 0 = up to end
    (cumulative, ``start`` None)."""
    after = end + dt.timedelta(days=1)
    if start is None:
        return Buckets((after,), before=True), (0, 0)
    return Buckets((start, after), before=False), (1, 1)


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
    even with no application; hamlets found only on households follow alphabetically. The
    Session's commune (models.scoping) only, or every commune's rows as one when it has none.
    Runs one grouped query per figure (queries.tally_statements) and never loads application
    rows. Raises ServiceError if ``start`` > ``end``. Definitions: docs/tally.md (domain.md §7).
    """
    if start is not None and start > end:
        raise ServiceError(f"Kỳ báo cáo không hợp lệ: ngày bắt đầu {format_date(start)} "
                           f"sau ngày kết thúc {format_date(end)}.")
    generated_at = now or utcnow()
    bk, span = period_buckets(start, end)
    one = run_pass(session, bk, (), span, session_commune(session)).merged()
    return tally_of(Period(start, end), one.cells[0], one.reasons[0], one.allocated[0], one.hamlets[0],
                    cutoff=cash_cutoff(session, end), hamlets=hamlets, kind=kind, month=month, title=title,
                    period_label=period_label, generated_at=generated_at)
