"""The tally's previous SQL, kept as the independent computation the one-pass reports are compared
with (tests/services/test_tally_one_pass.py): for ONE period, the whole-history pipeline (one pass
over every application with correlated look-ups of its latest event and decision, handovers and
payments made up to the end, the reasons of the latest decisions). Slow on big data, fine on the
tests' few rows. Not used by the product.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, and_, case, distinct, func, null, or_, select, true
from sqlalchemy.orm import Session, aliased

from subsidy.domain.reports import FIGURE_FIELDS, Figures, Period
from subsidy.models.scoping import session_commune
from subsidy.models import (
    Allocation, Application, ApplicationEvent, CashPayment, EligibilityDecision, Handover, Household,
)

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


def _q_reasons(p: Period, dialect: str, commune_id: int | None = None) -> Select:
    """(rule, count) from each application's latest decision in the period, when not_eligible;
    ``commune_id``: the commune's decisions only (a seek on its own, not the province's)."""
    latest = select(_latest_decision_id(p).label("decision_id")).select_from(_A).subquery("latest")
    d = aliased(EligibilityDecision)
    if dialect == "postgresql":
        rules = func.json_array_elements_text(d.failed_rules).table_valued("value", joins_implicitly=True)
    else:
        rules = func.json_each(d.failed_rules).table_valued("value", joins_implicitly=True)
    return (select(rules.c.value.label("rule"), func.count(distinct(d.application_id)).label("n"))
            .select_from(latest).join(d, _decision_in_period(d, latest.c.decision_id, p)).join(rules, true())
            .where(d.outcome == "not_eligible", *(() if commune_id is None else (d.commune_id == commune_id,)))
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


def tally_statements(p: Period, dialect: str, *, materialize: bool = True, by_cell: bool = True,
                     commune_id: int | None = None) -> dict[str, Select]:
    """The SQL statements one tally runs (the bench times them bare): name → Select."""
    return {
        "pipeline": _q_pipeline(p, by_cell, materialize), "reasons": _q_reasons(p, dialect, commune_id),
        "handovers": _q_handovers(p, by_cell), "payments": _q_payments(p, by_cell),
        "allocated": _q_allocated(p), "hamlets": _q_hamlets(),
    }


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



def reference(session: Session, p: Period) -> dict[str, Any]:
    """The figures of period ``p`` the old way: {"totals": Figures, "by_hamlet": {hamlet: Figures},
    "reasons": {rule: n}, "quota": (allocated, proposed, approved, supported)}; the Session's
    commune only when it has one (models.scoping's criteria, as the old tally relied on)."""
    dialect = session.get_bind().dialect.name
    st = tally_statements(p, dialect, materialize=False, by_cell=True, commune_id=session_commune(session))
    cells: dict[Any, dict[str, int]] = {}
    for name in ("pipeline", "handovers", "payments"):
        result = session.execute(st[name])
        names = list(result.keys())[3:]
        for row in result:
            cell = cells.setdefault((row[0], row[1], row[2]), dict.fromkeys(_CELL_MEASURES, 0))
            for n, v in zip(names, row[3:]):
                cell[n] += int(v or 0)
    for c in cells.values():
        c["supported"] = c["supported_ho"] + c["supported_cp"]

    def figures(values: Iterable[dict[str, int]]) -> Figures:
        vals = list(values)
        return Figures(**{f: sum(v[f] for v in vals) for f in FIGURE_FIELDS})

    by_hamlet: dict[str, list[dict[str, int]]] = {}
    for (hamlet, _c, _t), v in cells.items():
        by_hamlet.setdefault(hamlet, []).append(v)
    allocated = st["allocated"]
    total = {k: sum(c[k] for c in cells.values()) for k in _CELL_MEASURES}
    return {
        "totals": figures(cells.values()),
        "by_hamlet": {h: figures(v) for h, v in by_hamlet.items()},
        "reasons": {str(r): int(n) for r, n in session.execute(st["reasons"])},
        "quota": (int(session.execute(allocated).scalar_one()), total["live_proposed"], total["live_approved"],
                  total["standing_ho"] + total["standing_cp"]),
    }
