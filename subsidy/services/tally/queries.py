"""The SQL of the tally and the annual report: one grouped query per figure for every period of a
report at once. What each measure counts: docs/tally.md.

A report's periods are unions of consecutive *buckets* (Buckets): bucket k (1..n) holds the local
dates bounds[k-1] ≤ d < bounds[k] (a month of the annual report, or the one period of a tally);
bucket 0 everything before bounds[0] (read only when a period starts at the programme's start),
n+1 everything from bounds[n] on. A period is (a, b): buckets a..b — (k, k) a month, (1, k) the
year to date, (0, n) cumulative.

Each figure's query first reduces its rows to a few facts in bucket numbers (a CTE):

* received: the bucket of ``received_on``;
* decisions: per application and bucket, its last decision (by ``decided_at``, then id) and the
  bucket of its next one (``nb``, NULL for none): the latest decision of a period a..b is the one
  with a ≤ bucket ≤ b < nb;
* moves to "proposed" / "proposed → approved": per application, kind and bucket, the first event
  and the bucket of the previous one of that kind (``pb``): counted once in a..b when
  a ≤ bucket ≤ b and pb < a;
* states at the end: per application and bucket, its last event and the next one's bucket: the
  state at the end of b is the ``to_state`` with bucket ≤ b < nb;
* handovers / payments: the bucket made (``handed_on`` / ``paid_on``) and the bucket voided.

Then the same statement sums them per period with conditions on those bucket numbers (a few
thousand grouped rows, not the applications), twice over, as one UNION ALL: per commune for
every period asked (``totals``), and per commune and cell (hamlet × category × tier) for the one
period whose breakdowns are shown (``detail``). The windows (LEAD / LAG) read the date indexes:
(commune_id, received_on), (commune_id, decided_at), (to_state, at) and (application_id, at, id).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, distinct, func, literal_column, null, or_, select, text, true, union_all
from sqlalchemy.orm import Session

from subsidy.domain.calendar import local_midnight
from subsidy.models import (
    Allocation, Application, ApplicationEvent, CashPayment, EligibilityDecision, Handover, Household,
)

_A, _H = Application, Household

#: A period of a report in bucket numbers: (first bucket, last bucket), both inclusive.
Span = tuple[int, int]
#: The states at the end of a period the tally reads: waiting, and the quota's live ones.
LIVE_STATES = {"eligible": "waiting", "proposed": "live_proposed", "approved": "live_approved"}


@dataclass(frozen=True)
class Buckets:
    """The local dates of a report cut into consecutive buckets (see the module docstring).

    ``bounds``: strictly increasing local dates; bucket k (1..n) = [bounds[k-1], bounds[k]).
    ``before``: whether rows before bounds[0] are read (needed by a period starting at bucket 0).
    """

    bounds: tuple[dt.date, ...]
    before: bool

    @property
    def n(self) -> int:
        return len(self.bounds) - 1

    @property
    def end_at(self) -> dt.datetime:
        """The instant after the last bucket (00:00 local on bounds[n])."""
        return local_midnight(self.bounds[-1])

    def of_date(self, col: Any) -> Any:
        """The bucket of a local date column (0 before bounds[0], n+1 from bounds[n] on)."""
        return case(*((col < d, k) for k, d in enumerate(self.bounds)), else_=self.n + 1)

    def of_instant(self, col: Any) -> Any:
        """The bucket of a UTC timestamp column, by the local midnights of the bounds."""
        return case(*((col < local_midnight(d), k) for k, d in enumerate(self.bounds)), else_=self.n + 1)

    def since_date(self, col: Any) -> Any:
        """The rows a report reads by a date: before the end, and from bounds[0] unless ``before``."""
        return col < self.bounds[-1] if self.before else and_(col >= self.bounds[0], col < self.bounds[-1])

    def since_instant(self, col: Any) -> Any:
        start = local_midnight(self.bounds[0])
        return col < self.end_at if self.before else and_(col >= start, col < self.end_at)


#: A measure: (name, weight column name or None for the row count, condition on the CTE's
#: columns for a period (a, b)).
Measure = tuple[str, str | None, Callable[[Any, int, int], Any]]


def _cells(commune_id: int | None) -> tuple[Any, ...]:
    return (_A.commune_id.label("commune_id"), _H.hamlet.label("hamlet"), _H.category.label("category"),
            _A.priority_tier.label("tier"))


def _commune(col: Any, commune_id: int | None) -> tuple[Any, ...]:
    return () if commune_id is None else (col == commune_id,)


def _after(col: Any, b: int) -> Any:
    """``col`` (a next bucket) is NULL (none) or after bucket ``b``."""
    return or_(col.is_(None), col > b)


def _received(bk: Buckets, commune_id: int | None) -> tuple[Any, list[Measure]]:
    w = (select(*_cells(commune_id), bk.of_date(_A.received_on).label("b"))
         .join(_H, _H.id == _A.household_id)
         .where(bk.since_date(_A.received_on), *_commune(_A.commune_id, commune_id))
         .subquery("received"))
    cte = (select(w.c.commune_id, w.c.hamlet, w.c.category, w.c.tier, w.c.b, func.count().label("n"))
           .group_by(w.c.commune_id, w.c.hamlet, w.c.category, w.c.tier, w.c.b))
    return cte, [("received", "n", lambda c, a, b: c.b.between(a, b))]


def _last_decisions(bk: Buckets, commune_id: int | None, *extra: Any) -> Any:
    """Each application's decisions with their bucket and the next decision's bucket (``nb``)."""
    d = EligibilityDecision
    bucket = bk.of_instant(d.decided_at)
    return (select(d.application_id, d.commune_id, d.outcome, bucket.label("b"),
                   func.lead(bucket).over(partition_by=d.application_id, order_by=(d.decided_at, d.id)).label("nb"),
                   *extra)
            .where(bk.since_instant(d.decided_at), *_commune(d.commune_id, commune_id))
            .subquery("decisions"))


def _decisions(bk: Buckets, commune_id: int | None) -> tuple[Any, list[Measure]]:
    w = _last_decisions(bk, commune_id)
    cte = (select(*_cells(commune_id), w.c.outcome, w.c.b, w.c.nb, func.count().label("n"))
           .select_from(w).join(_A, _A.id == w.c.application_id).join(_H, _H.id == _A.household_id)
           # the last decision of its bucket (a later one in the same bucket replaces it)
           .where(or_(w.c.nb.is_(None), w.c.nb != w.c.b))
           .group_by(_A.commune_id, _H.hamlet, _H.category, _A.priority_tier, w.c.outcome, w.c.b, w.c.nb))

    def latest_is(outcome: str) -> Callable[[Any, int, int], Any]:
        return lambda c, a, b: and_(c.outcome == outcome, c.b.between(a, b), _after(c.nb, b))
    return cte, [("eligible", "n", latest_is("eligible")), ("not_eligible", "n", latest_is("not_eligible"))]


def _moves(bk: Buckets, commune_id: int | None) -> tuple[Any, list[Measure]]:
    e = ApplicationEvent
    # 1 = an event → proposed; 2 = proposed → approved (a void's return handed_over → approved
    # is not an approval).
    kind = case((e.to_state == "proposed", 1), else_=2)
    bucket = bk.of_instant(e.at)
    w = (select(e.application_id, kind.label("kind"), bucket.label("b"),
                func.lag(bucket).over(partition_by=(e.application_id, kind), order_by=(e.at, e.id)).label("pb"))
         .where(or_(e.to_state == "proposed", and_(e.to_state == "approved", e.from_state == "proposed")),
                bk.since_instant(e.at)))
    if commune_id is not None:
        w = w.join(_A, _A.id == e.application_id).where(_A.commune_id == commune_id)
    w = w.subquery("moves")
    cte = (select(*_cells(commune_id), w.c.kind, w.c.b, w.c.pb, func.count().label("n"))
           .select_from(w).join(_A, _A.id == w.c.application_id).join(_H, _H.id == _A.household_id)
           # the first move of its kind in its bucket
           .where(or_(w.c.pb.is_(None), w.c.pb != w.c.b))
           .group_by(_A.commune_id, _H.hamlet, _H.category, _A.priority_tier, w.c.kind, w.c.b, w.c.pb))

    def first_in(k: int) -> Callable[[Any, int, int], Any]:
        return lambda c, a, b: and_(c.kind == k, c.b.between(a, b), or_(c.pb.is_(None), c.pb < a))
    return cte, [("proposed", "n", first_in(1)), ("approved", "n", first_in(2))]


def _states(bk: Buckets, commune_id: int | None) -> tuple[Any, list[Measure]]:
    """The state at the end of each bucket: every event before the end counts (a state lasts),
    each application's through the (application_id, at, id) index."""
    e = ApplicationEvent
    bucket = bk.of_instant(e.at)
    w = select(e.application_id, e.to_state, bucket.label("b"),
               func.lead(bucket).over(partition_by=e.application_id, order_by=(e.at, e.id)).label("nb"))
    if commune_id is not None:
        w = w.join(_A, _A.id == e.application_id).where(_A.commune_id == commune_id)
    w = w.where(e.at < bk.end_at).subquery("states")
    cte = (select(*_cells(commune_id), w.c.to_state, w.c.b, w.c.nb, func.count().label("n"))
           .select_from(w).join(_A, _A.id == w.c.application_id).join(_H, _H.id == _A.household_id)
           .where(w.c.to_state.in_(tuple(LIVE_STATES)), or_(w.c.nb.is_(None), w.c.nb != w.c.b))
           .group_by(_A.commune_id, _H.hamlet, _H.category, _A.priority_tier, w.c.to_state, w.c.b, w.c.nb))

    def at_end(state: str) -> Callable[[Any, int, int], Any]:
        return lambda c, a, b: and_(c.to_state == state, c.b <= b, _after(c.nb, b))
    return cte, [(name, "n", at_end(state)) for state, name in LIVE_STATES.items()]


def _support(bk: Buckets, commune_id: int | None, table: Any, day: Any, prefix: str,
              amounts: bool) -> tuple[Any, list[Measure]]:
    """Handovers or cash payments: every one made before the end (standing ones count in the
    quota whenever made), by the bucket made (``mb``) and the bucket voided (``vb``, NULL for
    standing)."""
    voided = case((table.voided_at.is_(None), null()), else_=bk.of_instant(table.voided_at))
    w = (select(*_cells(commune_id), bk.of_date(day).label("mb"), voided.label("vb"),
                *([table.amount.label("amount")] if amounts else []))
         .select_from(table).join(_A, _A.id == table.application_id).join(_H, _H.id == _A.household_id)
         .where(day < bk.bounds[-1], *_commune(table.commune_id, commune_id))
         .subquery(prefix))
    cols = [func.count().label("n")] + ([func.sum(w.c.amount).label("amount")] if amounts else [])
    cte = (select(w.c.commune_id, w.c.hamlet, w.c.category, w.c.tier, w.c.mb, w.c.vb, *cols)
           .group_by(w.c.commune_id, w.c.hamlet, w.c.category, w.c.tier, w.c.mb, w.c.vb))

    def made_standing(c: Any, a: int, b: int) -> Any:  # made in a..b, still standing at the end of b
        return and_(c.mb.between(a, b), _after(c.vb, b))

    def voided_in(c: Any, a: int, b: int) -> Any:
        return c.vb.between(a, b)

    def standing(c: Any, a: int, b: int) -> Any:
        return and_(c.mb <= b, _after(c.vb, b))
    count, voids = ("handed_over", "handovers_voided") if prefix == "ho" else ("paid", "payments_voided")
    out: list[Measure] = [(count, "n", made_standing), (voids, "n", voided_in),
                          (f"supported_{prefix}", "n", made_standing), (f"standing_{prefix}", "n", standing)]
    if amounts:
        out += [("amount_paid", "amount", made_standing), ("amount_voided", "amount", voided_in)]
    return cte, out


def _by_period(name: str, cte_select: Any, measures: list[Measure], totals: Sequence[Span],
               detail: Span | None, materialize: bool) -> Select:
    """The figure's CTE summed per period: rows (level 0, commune, NULL cell) with a column
    ``{measure}__{i}`` per period ``totals[i]``, then rows (level 1, commune, cell) with the
    ``{measure}__d`` columns of ``detail``."""
    cte = cte_select.cte(f"f_{name}")
    if materialize:
        cte = cte.prefix_with("MATERIALIZED")
    c = cte.c

    def summed(weight: str | None, cond: Any) -> Any:
        return func.coalesce(func.sum(case((cond, c[weight] if weight else 1), else_=0)), 0)

    cols_total = [f"{m}__{i}" for i in range(len(totals)) for m, _w, _f in measures]
    cols_detail = [f"{m}__d" for m, _w, _f in measures] if detail is not None else []
    parts = []
    if totals:
        parts.append(select(
            literal_column("0").label("level"), c.commune_id, null().label("hamlet"), null().label("category"),
            null().label("tier"),
            *(summed(w, f(c, a, b)).label(f"{m}__{i}") for i, (a, b) in enumerate(totals) for m, w, f in measures),
            *(null().label(col) for col in cols_detail),
        ).group_by(c.commune_id))
    if detail is not None:
        a, b = detail
        parts.append(select(
            literal_column("1").label("level"), c.commune_id, c.hamlet, c.category, c.tier,
            *(null().label(col) for col in cols_total),
            *(summed(w, f(c, a, b)).label(f"{m}__d") for m, w, f in measures),
        ).group_by(c.commune_id, c.hamlet, c.category, c.tier))
    return parts[0] if len(parts) == 1 else union_all(*parts)  # type: ignore[return-value]


def _reasons(bk: Buckets, commune_id: int | None, detail: Span, dialect: str) -> Select:
    """(commune, rule, count) from each application's latest decision in ``detail`` when it is
    not_eligible; an application failing two rules counts under both."""
    w = _last_decisions(bk, commune_id, EligibilityDecision.failed_rules.label("failed_rules"))
    a, b = detail
    latest = (select(w.c.application_id, w.c.commune_id, w.c.failed_rules)
              .where(w.c.outcome == "not_eligible", or_(w.c.nb.is_(None), w.c.nb != w.c.b),
                     w.c.b.between(a, b), _after(w.c.nb, b))
              .subquery("latest"))
    fn = func.json_array_elements_text if dialect == "postgresql" else func.json_each
    rules = fn(latest.c.failed_rules).table_valued("value", joins_implicitly=True)
    return (select(latest.c.commune_id, rules.c.value.label("rule"),
                   func.count(distinct(latest.c.application_id)).label("n"))
            .select_from(latest).join(rules, true())
            .group_by(latest.c.commune_id, rules.c.value).order_by(latest.c.commune_id, rules.c.value))


def _allocated(bk: Buckets, commune_id: int | None) -> Select:
    # A voided allocation was a mistake (services/allocations.void_allocation): it counts in no
    # period, not even the ones before it was voided.
    return (select(Allocation.commune_id, func.coalesce(func.sum(Allocation.quantity), 0))
            .where(Allocation.allocated_on < bk.bounds[-1], Allocation.voided_at.is_(None),
                   *_commune(Allocation.commune_id, commune_id))
            .group_by(Allocation.commune_id))


def _hamlets(commune_id: int | None) -> Select:
    return (select(_H.commune_id, _H.hamlet).where(*_commune(_H.commune_id, commune_id))
            .group_by(_H.commune_id, _H.hamlet))


#: The figures' queries, in the order they run.
FIGURES: dict[str, Callable[..., tuple[Any, list[Measure]]]] = {
    "received": _received, "decisions": _decisions, "moves": _moves, "states": _states,
}


def tally_statements(bk: Buckets, totals: Sequence[Span], detail: Span | None, dialect: str, *,
                     commune_id: int | None = None, materialize: bool = True) -> dict[str, Select]:
    """The statements of one report (the bench times them bare): name → Select.

    ``totals``: the periods summed per commune (level-0 rows); ``detail``: the period summed per
    commune and cell (level-1 rows), whose reasons (``reasons``), allocations up to the end
    (``allocated``) and hamlets (``hamlets``) are read too. ``commune_id``: one commune's rows
    only (None: every commune, grouped by commune). Every figure statement's columns: level,
    commune_id, hamlet, category, tier, then ``{measure}__{i}`` / ``{measure}__d``.
    """
    figures = {name: make(bk, commune_id) for name, make in FIGURES.items()}
    figures["handovers"] = _support(bk, commune_id, Handover, Handover.handed_on, "ho", False)
    figures["payments"] = _support(bk, commune_id, CashPayment, CashPayment.paid_on, "cp", True)
    out = {name: _by_period(name, cte, measures, totals, detail, materialize)
           for name, (cte, measures) in figures.items()}
    if detail is not None:
        out["reasons"] = _reasons(bk, commune_id, detail, dialect)
        out["allocated"] = _allocated(bk, commune_id)
        out["hamlets"] = _hamlets(commune_id)
    return out


def statements(session: Session, bk: Buckets, totals: Sequence[Span], detail: Span | None,
               commune_id: int | None) -> dict[str, Select]:
    """``tally_statements`` for this session's database. MATERIALIZED CTEs need PostgreSQL ≥ 12 or
    SQLite ≥ 3.35 (older ones get a plain CTE)."""
    dialect = session.get_bind().dialect
    version = tuple(dialect.server_version_info or ())
    materialize = version >= ((3, 35) if dialect.name == "sqlite" else (12,))
    if dialect.name == "postgresql":
        # These short aggregates spent a third of their time being JIT-compiled.
        session.execute(text("SET LOCAL jit = off"))
        # The windows and joins of a province's pass hash a few hundred thousand rows: in memory.
        session.execute(text("SET LOCAL work_mem = '64MB'"))
    return tally_statements(bk, totals, detail, dialect.name, commune_id=commune_id, materialize=materialize)
