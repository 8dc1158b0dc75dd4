"""The monthly tally, the annual report and the commune radio's counts (domain.md §7, §8).

One computation, many renderers: ``tally`` / ``tally_period`` / ``annual_report`` return frozen
dataclasses; the screen, the PDF, XLSX, CSV and JSON only render them, so they cannot disagree.
``radio_counts`` uses the very same SQL builders, so its numbers agree with the tally for the same
date (``radio_counts(s, D).supported_total == tally_period(s, None, D).totals.supported``).

Everything is SQL aggregation (GROUP BY with date filters, grouped by the finest cell hamlet ×
category × priority tier): one pass over the applications for the pipeline (received, checked,
proposed, approved, state at the end), one query each for handovers, cash payments, reasons and
allocations. Python only adds those few aggregated cells up into the three breakdowns. The SQL is
the same on SQLite and PostgreSQL except the JSON array expansion of ``failed_rules`` (json_each /
json_array_elements_text). bench/tally.py measures it on 100,000 households.

Definitions (settled here; domain.md §7 "Monthly tally"):

* **Period.** A month is the local month in Asia/Ho_Chi_Minh: from 00:00 on its first day to
  00:00 on the first day of the next month, local time (UTC+7). Timestamps (events, decisions,
  voids), stored in UTC, are compared with those instants; business dates (received_on,
  handed_on, paid_on, allocated_on) with the local dates. A period that has not ended yet ends
  today (the figures are "as of" now). *Cumulative* means from the programme's start (no lower
  bound) to the end of the period.
* **State at the end of the period.** Counted from the history up to that instant: a handover
  voided in a later month still counts in the month it happened; the void counts in its own month
  as the separate figure ``handovers_voided`` (likewise payments).
* **received**: applications whose received_on falls in the period.
* **eligible / not_eligible**: applications whose *latest* eligibility decision made in the period
  (by decided_at, then id) has that outcome. An application re-checked within the period counts
  once, by its last result ("undecided" counts in neither).
* **not eligible by reason**: from those same latest not_eligible decisions, grouped by each rule
  id in failed_rules (E1–E5, Thông tư 14/2022/TT-BTTTT ch. IV sec. 2). An application that failed
  two rules counts under both, so the reasons may add up to more than ``not_eligible``.
* **proposed / approved**: distinct applications with an event → proposed (resp. proposed →
  approved; a void's return handed_over → approved is not an approval) in the period.
* **handed_over / paid / amount_paid**: Handover / CashPayment rows whose handed_on / paid_on
  falls in the period and that still stand at the end of the period (not voided before its end
  instant): a handover voided in a later period still counts in the period it was made, but one
  made and voided within the same period counts in none (issue 5: "the state at the end of the
  month"; a handover made, voided and redone in one month counts once). **handovers_voided /
  payments_voided / amount_voided**: rows whose voided_at falls in the period, whenever they were
  made (so a same-period void still shows here).
* **supported**: handovers + payments made in the period and still standing at its end, i.e.
  ``handed_over + paid``; for a cumulative period: every household supported so far, net of
  voids. One support per household (E4), so this counts households.
* **waiting**: applications that are eligible and not proposed at the end of the period (their
  last event up to that instant goes to "eligible").
* **quota** (commune-level only): allocated = phones allocated (Allocation.quantity) on or before
  the end date, voided allocations left out (a void corrects a mistake, so it counts in no period,
  even one before the void; domain.md §3); used = applications proposed or approved at the end (last event) + handovers and
  payments standing at the end (from the start of the programme); left = allocated − used
  (negative when over-committed: shown as such, never hidden).
* **Breakdowns** use the household's *current* hamlet and category and the application's current
  priority tier (P1–P4, domain.md §3); each application sits in exactly one cell, so every
  breakdown's total equals the overall totals. Missing values get their own row
  ("Chưa xác định" / "Chưa xếp nhóm").
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, distinct, func, null, or_, select, text, true
from sqlalchemy.orm import Session, aliased

from subsidy.db import utcnow
from subsidy.domain import calendar
from subsidy.domain.calendar import local_midnight, month_bounds, today_vn
from subsidy.domain.labels import CATEGORY_LABELS, NO_CATEGORY, TIER_LABELS, rule_failed_label
from subsidy.models import (
    Allocation, Application, ApplicationEvent, CashPayment, EligibilityDecision, Handover, Household,
)
from subsidy.services.errors import ServiceError

# ----------------------------------------------------------------------------- labels

#: The figures of one row, in display order: (field, Vietnamese column title, "count" | "money").
FIGURE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("received", "Tiếp nhận", "count"),
    ("eligible", "Đủ điều kiện", "count"),
    ("not_eligible", "Không đủ điều kiện", "count"),
    ("proposed", "Đưa vào DS đề nghị", "count"),
    ("approved", "Được phê duyệt", "count"),
    ("handed_over", "Bàn giao điện thoại", "count"),
    ("handovers_voided", "Hủy bàn giao", "count"),
    ("paid", "Chi hỗ trợ tiền", "count"),
    ("payments_voided", "Hủy chi tiền", "count"),
    ("amount_paid", "Số tiền đã chi (đồng)", "money"),
    ("amount_voided", "Số tiền hủy chi (đồng)", "money"),
    ("supported", "Đã hỗ trợ (còn hiệu lực)", "count"),
    ("waiting", "Đang chờ (cuối kỳ)", "count"),
)

QUOTA_LABELS: tuple[tuple[str, str], ...] = (
    ("allocated", "Số máy được phân bổ"),
    ("proposed", "Đang trong danh sách đề nghị"),
    ("approved", "Đã phê duyệt, chưa hỗ trợ"),
    ("supported", "Đã hỗ trợ (còn hiệu lực)"),
    ("used", "Đã sử dụng"),
    ("left", "Còn lại"),
)

# ----------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class Figures:
    """The figures of one row (a hamlet, a category, a tier, a month or the totals).

    Counts are numbers of applications (= households: one application per household per
    programme); amounts are int đồng. Definitions: the module docstring.
    """

    received: int = 0
    eligible: int = 0
    not_eligible: int = 0
    proposed: int = 0
    approved: int = 0
    handed_over: int = 0
    handovers_voided: int = 0
    paid: int = 0
    payments_voided: int = 0
    amount_paid: int = 0
    amount_voided: int = 0
    supported: int = 0
    waiting: int = 0

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(**{f: getattr(self, f) + getattr(other, f) for f in FIGURE_FIELDS})


FIGURE_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Figures))
assert FIGURE_FIELDS == tuple(c[0] for c in FIGURE_COLUMNS)


@dataclass(frozen=True)
class Row:
    """One row of a breakdown: ``key`` is the raw value (hamlet name, "poor", tier 1–4, or None),
    ``label`` the Vietnamese text printed for it."""

    key: str | int | None
    label: str
    figures: Figures


@dataclass(frozen=True)
class Breakdown:
    """A breakdown (``name`` "hamlet" | "category" | "tier") with its rows and their total."""

    name: str
    title: str
    key_title: str
    rows: tuple[Row, ...]
    total: Figures


@dataclass(frozen=True)
class RuleCount:
    """Applications not eligible because of ``rule`` (e.g. "E2") in the period."""

    rule: str
    label: str
    count: int


@dataclass(frozen=True)
class Quota:
    """The commune's quota at the end of the period (phones allocated vs committed), in units."""

    allocated: int
    proposed: int
    approved: int
    supported: int

    @property
    def used(self) -> int:
        return self.proposed + self.approved + self.supported

    @property
    def left(self) -> int:
        return self.allocated - self.used

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k, _ in QUOTA_LABELS}


@dataclass(frozen=True)
class Period:
    """Local dates, both inclusive; ``start`` None = from the programme's start (cumulative).

    ``start_at`` / ``end_at``: the aware UTC instants of 00:00 local on ``start`` and on the day
    after ``end`` (timestamps t count when start_at <= t < end_at).
    """

    start: dt.date | None
    end: dt.date

    @property
    def start_at(self) -> dt.datetime | None:
        return None if self.start is None else local_midnight(self.start)

    @property
    def end_at(self) -> dt.datetime:
        return local_midnight(self.end + dt.timedelta(days=1))


@dataclass(frozen=True)
class Tally:
    """The tally of one period: totals, three breakdowns, reasons, quota (domain.md §7).

    ``kind``: "month" (one month), "cumulative" (programme start → end of ``month``), "year"
    or "period" (any dates). ``month``: "YYYY-MM" for month/cumulative, else None.
    ``generated_at``: aware UTC time the figures were read ("as of").
    """

    kind: str
    month: str | None
    period: Period
    title: str
    period_label: str
    generated_at: dt.datetime
    totals: Figures
    by_hamlet: Breakdown
    by_category: Breakdown
    by_tier: Breakdown
    not_eligible_by_rule: tuple[RuleCount, ...]
    quota: Quota

    @property
    def breakdowns(self) -> tuple[Breakdown, Breakdown, Breakdown]:
        return (self.by_hamlet, self.by_category, self.by_tier)


@dataclass(frozen=True)
class MonthRow:
    """One month of the annual report: the month's own figures and the year to date."""

    month: int
    label: str
    period: Period
    figures: Figures
    year_to_date: Figures


@dataclass(frozen=True)
class AnnualReport:
    """The annual report (due before 10 November; domain.md §1, §7) for ``year``.

    ``months``: January up to the last month begun (or December), each with its figures and the
    year to date; ``year``: the whole year (to today if it has not ended) as one period, with its
    breakdowns and quota; ``cumulative``: totals from the programme's start to the same end.
    """

    year_number: int
    title: str
    period_label: str
    generated_at: dt.datetime
    months: tuple[MonthRow, ...]
    year: Tally
    cumulative: Figures


@dataclass(frozen=True)
class RadioCounts:
    """Counts for the commune radio (domain.md §8): never a person, only numbers.

    ``as_of``: the local date the counts are for (end of that day). ``supported_total``: households
    supported so far (handovers + cash payments standing at the end of ``as_of``, net of voids),
    of which ``supported_handed_over`` phones and ``supported_paid`` cash; ``supported_this_month``:
    those made in the month of ``as_of`` (1st → ``as_of``) and standing; ``per_hamlet``: [(hamlet,
    supported so far)] for every hamlet known (configured or on a household), zeros included;
    ``waiting``: eligible and not yet proposed; ``quota_allocated`` / ``quota_left``: as in the
    tally's Quota. Equal to the figures of ``tally_period(session, None, as_of)``.
    """

    as_of: dt.date
    generated_at: dt.datetime
    supported_total: int
    supported_handed_over: int
    supported_paid: int
    supported_this_month: int
    per_hamlet: tuple[tuple[str, int], ...]
    waiting: int
    quota_allocated: int
    quota_used: int
    quota_left: int


# ----------------------------------------------------------------------------- dates


def parse_month(raw: str) -> tuple[int, int]:
    """calendar.parse_month, refused as a ServiceError (same Vietnamese message) for the views and
    the CLI, which show a ServiceError to the user."""
    try:
        return calendar.parse_month(raw)
    except calendar.MonthError as err:
        raise ServiceError(str(err)) from None


def _d(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


# ----------------------------------------------------------------------------- SQL builders
#
# Every builder returns a Select whose first three columns are the cell keys (hamlet, category,
# tier) — or three NULLs when ``by_cell`` is False (totals only: no join, no GROUP BY) — and whose
# other columns are named after the measure they fill.
#
# The application pipeline is one pass over the applications (a MATERIALIZED CTE, so that each
# correlated look-up runs once per application): the latest event before the end instant, the
# latest decision before it, whether a "proposed" / "approved" event falls in the period. The
# look-ups are index seeks (ix_application_events_application_at, ix_eligibility_decisions_
# application_decided), written so that no planner prefers a range scan of another index (a
# per-application range scan would make the tally quadratic); the one GROUP BY then joins the
# decisions (by primary key) and the households for the cell keys.

_A, _H = Application, Household


def _one(cond: Any) -> Any:
    return func.sum(case((cond, 1), else_=0))


def _in_dates(col: Any, p: Period) -> Any:
    return col <= p.end if p.start is None else and_(col >= p.start, col <= p.end)


def _in_instants(col: Any, p: Period) -> Any:
    return col < p.end_at if p.start is None else and_(col >= p.start_at, col < p.end_at)


def _no_dims() -> tuple[Any, Any, Any]:
    return (null().label("hamlet"), null().label("category"), null().label("tier"))


def _latest_decision_id(p: Period) -> Any:
    """Correlated: the id of the application's latest decision before the end of ``p`` (by time,
    then id). The latest decision *in* the period is that one when it is not before the start.
    (Only an upper bound here, so the planner seeks the (application_id, decided_at, id) index
    instead of range-scanning decided_at.)"""
    d = aliased(EligibilityDecision)
    return (select(d.id).where(d.application_id == _A.id, d.decided_at < p.end_at)
            .order_by(d.decided_at.desc(), d.id.desc()).limit(1).correlate(_A).scalar_subquery())


def _decision_in_period(d: Any, decision_id: Any, p: Period) -> Any:
    """Join condition: ``d`` is the latest decision and falls in ``p``."""
    return d.id == decision_id if p.start is None else and_(d.id == decision_id, d.decided_at >= p.start_at)


def _per_application(p: Period, materialize: bool) -> Any:
    """One row per application with its pipeline facts for the period ``p`` (a CTE)."""
    e = aliased(ApplicationEvent)
    last_state = (select(e.to_state).where(e.application_id == _A.id, e.at < p.end_at)
                  .order_by(e.at.desc(), e.id.desc()).limit(1).correlate(_A).scalar_subquery())

    # 1 = proposed in the period, 2 = approved (proposed → approved) in the period, 3 = both;
    # one look-up for both. The conditions sit in the CASEs, not the WHERE, so the look-up is a
    # seek on (application_id, at) and never a range scan of (to_state, at).
    ev = aliased(ApplicationEvent)
    moved = (select(func.max(case((ev.to_state == "proposed", 1), else_=0))
                    + 2 * func.max(case((and_(ev.to_state == "approved", ev.from_state == "proposed"), 1), else_=0)))
             .where(ev.application_id == _A.id, _in_instants(ev.at, p)).correlate(_A).scalar_subquery())

    cte = select(
        _A.household_id.label("household_id"),
        _A.priority_tier.label("tier"),
        case((_in_dates(_A.received_on, p), 1), else_=0).label("received"),
        _latest_decision_id(p).label("decision_id"),
        func.coalesce(moved, 0).label("moved"),
        last_state.label("last_state"),
    ).cte("per_application")
    return cte.prefix_with("MATERIALIZED") if materialize else cte


def _q_pipeline(p: Period, by_cell: bool = True, materialize: bool = True) -> Select:
    pa = _per_application(p, materialize)
    d = aliased(EligibilityDecision)
    live = ("eligible", "proposed", "approved")
    measures = (
        func.sum(pa.c.received).label("received"),
        _one(d.outcome == "eligible").label("eligible"),
        _one(d.outcome == "not_eligible").label("not_eligible"),
        _one(pa.c.moved.in_((1, 3))).label("proposed"),
        _one(pa.c.moved >= 2).label("approved"),
        _one(pa.c.last_state == "eligible").label("waiting"),
        _one(pa.c.last_state == "proposed").label("live_proposed"),
        _one(pa.c.last_state == "approved").label("live_approved"),
    )
    dims = ((_H.hamlet.label("hamlet"), _H.category.label("category"), pa.c.tier) if by_cell else _no_dims())
    q = (select(*dims, *measures).select_from(pa).outerjoin(d, _decision_in_period(d, pa.c.decision_id, p))
         # only the applications that count for something reach the GROUP BY
         .where(or_(pa.c.received == 1, d.id.is_not(None), pa.c.moved > 0, pa.c.last_state.in_(live))))
    if not by_cell:
        return q
    return q.join(_H, _H.id == pa.c.household_id).group_by(_H.hamlet, _H.category, pa.c.tier)


def _q_reasons(p: Period, dialect: str) -> Select:
    """(rule, count) from each application's latest decision in the period, when not_eligible."""
    latest = select(_latest_decision_id(p).label("decision_id")).select_from(_A).subquery("latest")
    d = aliased(EligibilityDecision)
    if dialect == "postgresql":
        rules = func.json_array_elements_text(d.failed_rules).table_valued("value", joins_implicitly=True)
    else:
        rules = func.json_each(d.failed_rules).table_valued("value", joins_implicitly=True)
    return (select(rules.c.value.label("rule"), func.count(distinct(d.application_id)).label("n"))
            .select_from(latest).join(d, _decision_in_period(d, latest.c.decision_id, p)).join(rules, true())
            .where(d.outcome == "not_eligible")
            .group_by(rules.c.value).order_by(rules.c.value))


def _standing(voided_at: Any, p: Period) -> Any:
    return or_(voided_at.is_(None), voided_at >= p.end_at)


def _support_query(p: Period, by_cell: bool, table: Any, day: Any, columns: list[Any]) -> Select:
    if not by_cell:
        return select(*_no_dims(), *columns).where(day <= p.end)
    return (select(_H.hamlet.label("hamlet"), _H.category.label("category"), _A.priority_tier.label("tier"),
                   *columns)
            .select_from(table).join(_A, _A.id == table.application_id).join(_H, _H.id == _A.household_id)
            .where(day <= p.end).group_by(_H.hamlet, _H.category, _A.priority_tier))


def _q_handovers(p: Period, by_cell: bool = True) -> Select:
    ho = Handover
    in_p = _in_dates(ho.handed_on, p)
    made_and_standing = and_(in_p, _standing(ho.voided_at, p))
    return _support_query(p, by_cell, ho, ho.handed_on, [
        _one(made_and_standing).label("handed_over"),
        _one(_in_instants(ho.voided_at, p)).label("handovers_voided"),
        _one(made_and_standing).label("supported_ho"),
        _one(_standing(ho.voided_at, p)).label("standing_ho"),
    ])


def _q_payments(p: Period, by_cell: bool = True) -> Select:
    cp = CashPayment
    in_p = _in_dates(cp.paid_on, p)
    voided_in_p = _in_instants(cp.voided_at, p)
    made_and_standing = and_(in_p, _standing(cp.voided_at, p))
    return _support_query(p, by_cell, cp, cp.paid_on, [
        _one(made_and_standing).label("paid"),
        _one(voided_in_p).label("payments_voided"),
        func.sum(case((made_and_standing, cp.amount), else_=0)).label("amount_paid"),
        func.sum(case((voided_in_p, cp.amount), else_=0)).label("amount_voided"),
        _one(made_and_standing).label("supported_cp"),
        _one(_standing(cp.voided_at, p)).label("standing_cp"),
    ])


def _q_allocated(p: Period) -> Select:
    # A voided allocation was a mistake (services/allocations.void_allocation): it counts in no
    # period, not even the ones before it was voided.
    return (select(func.coalesce(func.sum(Allocation.quantity), 0))
            .where(Allocation.allocated_on <= p.end, Allocation.voided_at.is_(None)))


def _q_hamlets() -> Select:
    return select(_H.hamlet).distinct()


def _statements(session: Session, p: Period, by_cell: bool = True) -> dict[str, Select]:
    """``tally_statements`` for this session's database. MATERIALIZED CTEs need PostgreSQL ≥ 12 or
    SQLite ≥ 3.35 (older ones get a plain CTE). On PostgreSQL, JIT compilation is switched off for
    the current transaction (SET LOCAL): these short aggregates spent a third of their time being
    compiled."""
    dialect = session.get_bind().dialect
    version = tuple(dialect.server_version_info or ())
    if dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
    materialize = version >= ((3, 35) if dialect.name == "sqlite" else (12,))
    return tally_statements(p, dialect.name, materialize=materialize, by_cell=by_cell)


def tally_statements(p: Period, dialect: str, *, materialize: bool = True, by_cell: bool = True
                     ) -> dict[str, Select]:
    """The SQL statements one tally runs (the bench times them bare): name → Select."""
    return {
        "pipeline": _q_pipeline(p, by_cell, materialize), "reasons": _q_reasons(p, dialect),
        "handovers": _q_handovers(p, by_cell), "payments": _q_payments(p, by_cell),
        "allocated": _q_allocated(p), "hamlets": _q_hamlets(),
    }


# ----------------------------------------------------------------------------- roll-up

_CELL_MEASURES = FIGURE_FIELDS + ("supported_ho", "supported_cp", "standing_ho", "standing_cp",
                                  "live_proposed", "live_approved")
Cell = tuple[str, str | None, int | None]


def _cells(session: Session, statements: Iterable[Select]) -> dict[Cell, dict[str, int]]:
    cells: dict[Cell, dict[str, int]] = {}
    for stmt in statements:
        result = session.execute(stmt)
        names = list(result.keys())[3:]
        for row in result:
            cell = cells.setdefault((row[0], row[1], row[2]), dict.fromkeys(_CELL_MEASURES, 0))
            for name, value in zip(names, row[3:]):
                cell[name] += int(value or 0)
    for c in cells.values():
        c["supported"] = c["supported_ho"] + c["supported_cp"]
    return cells


def _figures(values: dict[str, int]) -> Figures:
    return Figures(**{f: values.get(f, 0) for f in FIGURE_FIELDS})


def _sum(cells: Iterable[dict[str, int]]) -> dict[str, int]:
    out = dict.fromkeys(_CELL_MEASURES, 0)
    out["supported"] = 0
    for c in cells:
        for k in out:
            out[k] += c.get(k, 0)
    return out


def _hamlet_order(names: Iterable[str], configured: Sequence[str]) -> list[str]:
    from subsidy.domain.vn import fold

    seen = list(dict.fromkeys(configured))
    rest = sorted((n for n in set(names) if n not in seen), key=lambda n: (fold(n), n))
    return seen + rest


def _breakdown(cells: dict[Cell, dict[str, int]], index: int, name: str, title: str, key_title: str,
               keys: Sequence[Any], labels: dict[Any, str]) -> Breakdown:
    groups: dict[Any, list[dict[str, int]]] = {}
    for cell, values in cells.items():
        groups.setdefault(cell[index], []).append(values)
    rows = tuple(Row(k, labels.get(k, str(k)), _figures(_sum(groups.get(k, ())))) for k in keys)
    return Breakdown(name, title, key_title, rows, _figures(_sum(cells.values())))


def _label_period(p: Period) -> str:
    if p.start is None:
        return f"Lũy kế từ đầu chương trình đến hết ngày {_d(p.end)}"
    return f"Từ ngày {_d(p.start)} đến hết ngày {_d(p.end)}"


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
    Raises ServiceError if ``start`` > ``end``. Definitions: module docstring (domain.md §7).
    """
    if start is not None and start > end:
        raise ServiceError(f"Kỳ báo cáo không hợp lệ: ngày bắt đầu {_d(start)} sau ngày kết thúc {_d(end)}.")
    generated_at = now or utcnow()
    p = Period(start, end)
    st = _statements(session, p)
    cells = _cells(session, [st["pipeline"], st["handovers"], st["payments"]])
    reasons = tuple(RuleCount(str(r), rule_failed_label(str(r)), int(n))
                    for r, n in session.execute(st["reasons"]))
    allocated = int(session.execute(st["allocated"]).scalar_one())
    hamlet_names = [h for (h,) in session.execute(st["hamlets"])]
    all_cells = _sum(cells.values())
    quota = Quota(allocated=allocated, proposed=all_cells["live_proposed"],
                  approved=all_cells["live_approved"],
                  supported=all_cells["standing_ho"] + all_cells["standing_cp"])
    hamlet_keys = _hamlet_order(hamlet_names + [c[0] for c in cells], hamlets)
    # The "missing" rows (no category, no tier) are shown only when they hold a figure.
    shown = [c for c, v in cells.items() if any(v.values())]
    cat_keys = ["poor", "near_poor"] + ([None] if any(c[1] not in ("poor", "near_poor") for c in shown) else [])
    tier_keys = [1, 2, 3, 4] + ([None] if any(c[2] not in (1, 2, 3, 4) for c in shown) else [])
    return Tally(
        kind=kind, month=month, period=p,
        title=title or "Báo cáo tổng hợp hỗ trợ điện thoại thông minh",
        period_label=period_label or _label_period(p),
        generated_at=generated_at,
        totals=_figures(all_cells),
        by_hamlet=_breakdown(cells, 0, "hamlet", "Theo thôn, ấp", "Thôn, ấp", hamlet_keys, {}),
        by_category=_breakdown(cells, 1, "category", "Theo diện hộ", "Diện hộ", cat_keys, {**CATEGORY_LABELS, None: NO_CATEGORY}),
        by_tier=_breakdown(cells, 2, "tier", "Theo nhóm ưu tiên", "Nhóm ưu tiên", tier_keys, TIER_LABELS),
        not_eligible_by_rule=reasons,
        quota=quota,
    )


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
    Returns a Tally (kind "month" or "cumulative"); definitions in the module docstring.
    """
    year, mon = parse_month(month) if isinstance(month, str) else month
    today = today or today_vn(now)
    first, last = month_bounds(year, mon)
    if first > today:
        raise ServiceError(
            f"Tháng {mon:02d}/{year} chưa bắt đầu (hôm nay là {_d(today)}): chỉ lập báo cáo cho tháng "
            "hiện tại hoặc các tháng trước.")
    end = min(last, today)
    key = f"{year:04d}-{mon:02d}"
    if cumulative:
        label = f"Lũy kế từ đầu chương trình đến hết ngày {_d(end)}"
        return tally_period(session, None, end, hamlets=hamlets, kind="cumulative", month=key,
                            title="Báo cáo tổng hợp lũy kế hỗ trợ điện thoại thông minh",
                            period_label=label, now=now)
    label = f"Tháng {mon:02d}/{year} (từ ngày {_d(first)} đến hết ngày {_d(end)})"
    return tally_period(session, first, end, hamlets=hamlets, kind="month", month=key,
                        title=f"Báo cáo tổng hợp hỗ trợ điện thoại thông minh tháng {mon:02d}/{year}",
                        period_label=label, now=now)


def _totals_only(session: Session, p: Period) -> Figures:
    """The totals of a period (the same builders as the tally, without the reasons)."""
    st = _statements(session, p, by_cell=False)
    cells = _cells(session, [st["pipeline"], st["handovers"], st["payments"]])
    return _figures(_sum(cells.values()))


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
            figures=_totals_only(session, Period(first, last)),
            year_to_date=_totals_only(session, Period(year_start, last)),
        ))
    label = f"Năm {year} (từ ngày {_d(year_start)} đến hết ngày {_d(end)})"
    year_tally = tally_period(session, year_start, end, hamlets=hamlets, kind="year",
                              title=f"Báo cáo kết quả hỗ trợ điện thoại thông minh năm {year}",
                              period_label=label, now=generated_at)
    return AnnualReport(
        year_number=year, title=year_tally.title, period_label=label, generated_at=generated_at,
        months=tuple(months), year=year_tally, cumulative=_totals_only(session, Period(None, end)),
    )


def radio_counts(
    session: Session,
    as_of: dt.date,
    *,
    hamlets: Sequence[str] = (),
    now: dt.datetime | None = None,
) -> RadioCounts:
    """Counts for the commune radio at the end of the local day ``as_of`` (domain.md §8).

    Built from the tally's own SQL (handovers, payments, state at the end, allocations), so
    ``supported_total``, ``per_hamlet``, ``waiting`` and the quota equal those of
    ``tally_period(session, None, as_of)``, and ``supported_this_month`` equals
    ``tally_period(session, as_of.replace(day=1), as_of).totals.supported``.
    ``hamlets``: configured hamlets, listed first and kept with a zero. Shapes: RadioCounts.
    """
    p = Period(as_of.replace(day=1), as_of)
    st = _statements(session, p)
    cells = _cells(session, [st["handovers"], st["payments"], st["pipeline"]])
    total = _sum(cells.values())
    allocated = int(session.execute(st["allocated"]).scalar_one())
    hamlet_names = [h for (h,) in session.execute(st["hamlets"])]
    per: dict[str, int] = {}
    for (hamlet, _c, _t), v in cells.items():
        per[hamlet] = per.get(hamlet, 0) + v["standing_ho"] + v["standing_cp"]
    order = _hamlet_order(hamlet_names + list(per), hamlets)
    quota = Quota(allocated=allocated, proposed=total["live_proposed"], approved=total["live_approved"],
                  supported=total["standing_ho"] + total["standing_cp"])
    return RadioCounts(
        as_of=as_of, generated_at=now or utcnow(),
        supported_total=quota.supported,
        supported_handed_over=total["standing_ho"], supported_paid=total["standing_cp"],
        supported_this_month=total["supported"],
        per_hamlet=tuple((h, per.get(h, 0)) for h in order),
        waiting=total["waiting"], quota_allocated=allocated, quota_used=quota.used, quota_left=quota.left,
    )
