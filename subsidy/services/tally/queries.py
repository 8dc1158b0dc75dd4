"""The SQL of the tally and the annual report: one grouped query per figure for every period of a
report at once. What each measure counts: docs/tally.md.

A report's periods are unions of consecutive *buckets* (Buckets): bucket k (1..n) holds the local
dates bounds[k-1] ≤ d < bounds[k] (a month of the annual report, or the one period of a tally);
bucket 0 everything before bounds[0] (read only when a period starts at the programme's start),
n+1 everything from bounds[n] on. A period is (a, b): buckets a..b — (k, k) a month, (1, k) the
year to date, (0, n) cumulative.

Each figure first reduces its rows to facts in bucket numbers — per application: a tag, two
buckets x and y, an amount:

* received: x the bucket of ``received_on``;
* decisions: per application and bucket, its last decision (by ``decided_at``, then id; tag its
  outcome) and the bucket of its next one (y, NULL for none): the latest decision of a period
  a..b is the one with a ≤ x ≤ b < y;
* moves to "proposed" / "proposed → approved" (tag): per application and kind, the first event
  of its bucket x and the bucket of the previous one of that kind (y): counted once in a..b when
  a ≤ x ≤ b and y < a;
* states at the end: per span of a state (models.state_spans, kept from the event history), the
  state (tag), the bucket it starts in (x) and the one it ends in (y): the state at the end of b
  is the one with x ≤ b < y;
* handovers / payments: x the bucket made (``handed_on`` / ``paid_on``), y the bucket voided.

The facts of every figure are joined once to their application and household (the cell: hamlet ×
category × priority tier) and counted per commune, cell and fact (one CTE, a few thousand rows),
then summed per period with conditions on x and y, as one UNION ALL: per commune for every period
asked (``totals``), and per commune and cell for the one period whose breakdowns are shown
(``detail``). The windows (LEAD / LAG) read the date indexes: (commune_id, received_on),
(commune_id, decided_at), (to_state, at) and (application_id, at, id); a commune's spans through
(application_id, since).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger, Date, Integer, Select, String, and_, bindparam, case, cast, distinct, func, literal_column, null, or_,
    select, text, true, union_all,
)
from sqlalchemy.orm import Session

from subsidy.db import UTCDateTime
from subsidy.domain.calendar import local_midnight
from subsidy.models import (
    Allocation, Application, ApplicationEvent, ApplicationStateSpan, CashPayment, EligibilityDecision, Handover,
    Household,
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

    def day(self, k: int) -> Any:
        """bounds[k] as a bound parameter (``d{k}``): the statements depend on the buckets' number
        only, so they are built and compiled once per shape (statements' cache) and run with
        ``params``."""
        return bindparam(f"d{k}", type_=Date())

    def instant(self, k: int) -> Any:
        """00:00 local on bounds[k] as a bound parameter (``t{k}``, a UTC timestamp)."""
        return bindparam(f"t{k}", type_=UTCDateTime())

    def params(self) -> dict[str, Any]:
        """The values of the bound parameters: every bound as a date and as an instant."""
        out: dict[str, Any] = {}
        for k, d in enumerate(self.bounds):
            out[f"d{k}"], out[f"t{k}"] = d, local_midnight(d)
        return out

    def of_date(self, col: Any) -> Any:
        """The bucket of a local date column (0 before bounds[0], n+1 from bounds[n] on)."""
        return case(*((col < self.day(k), k) for k in range(self.n + 1)), else_=self.n + 1)

    def of_instant(self, col: Any) -> Any:
        """The bucket of a UTC timestamp column, by the local midnights of the bounds."""
        return case(*((col < self.instant(k), k) for k in range(self.n + 1)), else_=self.n + 1)

    def since_date(self, col: Any) -> Any:
        """The rows a report reads by a date: before the end, and from bounds[0] unless ``before``."""
        end = col < self.day(self.n)
        return end if self.before else and_(col >= self.day(0), end)

    def since_instant(self, col: Any) -> Any:
        end = col < self.instant(self.n)
        return end if self.before else and_(col >= self.instant(0), end)


#: A measure: (name, weight column name or None for the row count, condition on the CTE's
#: columns for a period (a, b)).
Measure = tuple[str, str | None, Callable[[Any, int, int], Any]]


def _commune(col: Any, commune_id: int | None) -> tuple[Any, ...]:
    return () if commune_id is None else (col == bindparam("commune_id"),)


def _after(col: Any, b: int) -> Any:
    """``col`` (a next bucket) is NULL (none) or after bucket ``b``."""
    return or_(col.is_(None), col > b)


def _facts(application_id: Any, fig: str, tag: Any, x: Any, y: Any, amount: Any = None) -> tuple[Any, ...]:
    """The columns every figure's facts share: the application, the figure, a tag (outcome, kind
    of move, state), two bucket numbers and an amount."""
    return (application_id.label("application_id"), literal_column(f"'{fig}'", String).label("fig"),
            (tag if tag is not None else cast(null(), String)).label("tag"), x.label("x"),
            (y if y is not None else cast(null(), Integer)).label("y"),
            (amount if amount is not None else cast(null(), BigInteger)).label("amount"))


def _received(bk: Buckets, commune_id: int | None) -> tuple[Any, list[Measure]]:
    """x: the bucket of ``received_on``."""
    facts = (select(*_facts(_A.id, "received", None, bk.of_date(_A.received_on), None))
             .where(bk.since_date(_A.received_on), *_commune(_A.commune_id, commune_id)))
    return facts, [("received", "n", lambda c, a, b: c.x.between(a, b))]


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
    """tag: the outcome of the last decision of its bucket x; y: the next decision's bucket."""
    w = _last_decisions(bk, commune_id)
    # the last decision of its bucket (a later one in the same bucket replaces it)
    facts = (select(*_facts(w.c.application_id, "decision", w.c.outcome, w.c.b, w.c.nb))
             .where(or_(w.c.nb.is_(None), w.c.nb != w.c.b)))

    def latest_is(outcome: str) -> Callable[[Any, int, int], Any]:
        return lambda c, a, b: and_(c.tag == outcome, c.x.between(a, b), _after(c.y, b))
    return facts, [("eligible", "n", latest_is("eligible")), ("not_eligible", "n", latest_is("not_eligible"))]


def _moves(bk: Buckets, commune_id: int | None) -> tuple[Any, list[Measure]]:
    """tag: "proposed" (an event → proposed) or "approved" (proposed → approved; a void's return
    handed_over → approved is not an approval), the first of its kind in its bucket x; y: the
    bucket of the previous one of that kind."""
    e = ApplicationEvent
    kind = case((e.to_state == "proposed", "proposed"), else_="approved")
    bucket = bk.of_instant(e.at)
    w = select(e.application_id, kind.label("kind"), bucket.label("b"),
               func.lag(bucket).over(partition_by=(e.application_id, kind), order_by=(e.at, e.id)).label("pb"))
    if commune_id is None:  # every commune: the moves of the period through (to_state, at)
        w = w.where(or_(e.to_state == "proposed", and_(e.to_state == "approved", e.from_state == "proposed")),
                    bk.since_instant(e.at))
    else:
        # One commune: from its applications through (application_id, at); the kind as a CASE,
        # which no index matches, so that no planner reads every commune's moves by (to_state, at)
        # (SQLite did: 7.3 s for a commune's annual report in a province of 150,000 households).
        moved = case((e.to_state == "proposed", 1), (and_(e.to_state == "approved", e.from_state == "proposed"), 1))
        w = (w.select_from(_A).join(e, e.application_id == _A.id)
             .where(*_commune(_A.commune_id, commune_id), moved == 1, bk.since_instant(e.at)))
    w = w.subquery("moves")
    facts = (select(*_facts(w.c.application_id, "move", w.c.kind, w.c.b, w.c.pb))
             .where(or_(w.c.pb.is_(None), w.c.pb != w.c.b)))

    def first_in(kind: str) -> Callable[[Any, int, int], Any]:
        return lambda c, a, b: and_(c.tag == kind, c.x.between(a, b), or_(c.y.is_(None), c.y < a))
    return facts, [("proposed", "n", first_in("proposed")), ("approved", "n", first_in("approved"))]


def _states(bk: Buckets, commune_id: int | None) -> tuple[Any, list[Measure]]:
    """From the spans of states (models.state_spans: one per event, the state it entered held from
    ``since`` until the next event): tag the state, x the bucket of ``since``, y the bucket of
    ``until`` (NULL: still held). The state at the end of bucket b is the span's with x ≤ b < y;
    a span starting and ending in one bucket is nobody's state at a bucket's end and is left out,
    as are the spans ended before the first bucket's end (y = 0 ≤ every b)."""
    s = ApplicationStateSpan
    until = case((s.until.is_(None), null()), else_=bk.of_instant(s.until))
    w = select(s.application_id, s.state, bk.of_instant(s.since).label("b"), until.label("nb"))
    if commune_id is not None:  # one commune: its applications' spans through (application_id, since)
        w = w.join(_A, _A.id == s.application_id).where(*_commune(_A.commune_id, commune_id))
    w = (w.where(s.state.in_(tuple(LIVE_STATES)), s.since < bk.instant(bk.n),
                 or_(s.until.is_(None), s.until >= bk.instant(0)))
         .subquery("states"))
    facts = (select(*_facts(w.c.application_id, "state", w.c.state, w.c.b, w.c.nb))
             .where(or_(w.c.nb.is_(None), w.c.nb != w.c.b)))

    def at_end(state: str) -> Callable[[Any, int, int], Any]:
        return lambda c, a, b: and_(c.tag == state, c.x <= b, _after(c.y, b))
    return facts, [(name, "n", at_end(state)) for state, name in LIVE_STATES.items()]


def _support(bk: Buckets, commune_id: int | None, table: Any, day: Any, prefix: str,
             amounts: bool) -> tuple[Any, list[Measure]]:
    """Handovers or cash payments, every one made before the end (standing ones count in the quota
    whenever made): x the bucket made (``handed_on`` / ``paid_on``), y the bucket voided (NULL:
    standing)."""
    voided = case((table.voided_at.is_(None), null()), else_=bk.of_instant(table.voided_at))
    fig = "handover" if prefix == "ho" else "payment"
    facts = (select(*_facts(table.application_id, fig, None, bk.of_date(day), voided,
                            table.amount if amounts else None))
             .where(day < bk.day(bk.n), *_commune(table.commune_id, commune_id)))

    def made_standing(c: Any, a: int, b: int) -> Any:  # made in a..b, still standing at the end of b
        return and_(c.x.between(a, b), _after(c.y, b))

    def voided_in(c: Any, a: int, b: int) -> Any:
        return c.y.between(a, b)

    def standing(c: Any, a: int, b: int) -> Any:
        return and_(c.x <= b, _after(c.y, b))
    count, voids = ("handed_over", "handovers_voided") if prefix == "ho" else ("paid", "payments_voided")
    out: list[Measure] = [(count, "n", made_standing), (voids, "n", voided_in),
                          (f"supported_{prefix}", "n", made_standing), (f"standing_{prefix}", "n", standing)]
    if amounts:
        out += [("amount_paid", "amount", made_standing), ("amount_voided", "amount", voided_in)]
    return facts, out


def _by_period(figures: dict[str, tuple[Any, list[Measure]]], totals: Sequence[Span], detail: Span | None,
               materialize: bool) -> Select:
    """Every figure's facts joined once to their application and household (the cell) and
    counted per (commune, cell, figure, tag, x, y) in one CTE, then summed per period: rows
    (level 0, commune, NULL cell) with a column ``{measure}__{i}`` per period ``totals[i]``, and
    rows (level 1, commune, cell) with the ``{measure}__d`` columns of ``detail``."""
    f = union_all(*(facts for facts, _m in figures.values())).subquery("facts")
    cte = (select(_A.commune_id.label("commune_id"), _H.hamlet.label("hamlet"), _H.category.label("category"),
                  _A.priority_tier.label("tier"), f.c.fig, f.c.tag, f.c.x, f.c.y, func.count().label("n"),
                  func.sum(f.c.amount).label("amount"))
           .select_from(f).join(_A, _A.id == f.c.application_id).join(_H, _H.id == _A.household_id)
           .group_by(_A.commune_id, _H.hamlet, _H.category, _A.priority_tier, f.c.fig, f.c.tag, f.c.x, f.c.y)
           .cte("figures"))
    if materialize:
        cte = cte.prefix_with("MATERIALIZED")
    measures = [(m, w, fig, cond) for fig, (_f, ms) in figures.items() for m, w, cond in ms]

    def summed_over(c: Any) -> Any:
        def summed(weight: str | None, fig: str, cond: Any) -> Any:
            return func.coalesce(func.sum(case((and_(c.fig == fig, cond), c[weight] if weight else 1), else_=0)), 0)
        return summed

    # The totals per commune read the facts summed over the cells first: the conditions of every
    # period are then evaluated on a few rows per commune, not on every cell's.
    facts = [cte.c.commune_id, cte.c.fig, cte.c.tag, cte.c.x, cte.c.y]
    per_commune = (select(*facts, func.sum(cte.c.n).label("n"), func.sum(cte.c.amount).label("amount"))
                   .group_by(*facts).subquery("per_commune"))
    cols_total = [f"{m}__{i}" for i in range(len(totals)) for m, _w, _f, _c in measures]
    cols_detail = [f"{m}__d" for m, _w, _f, _c in measures] if detail is not None else []
    parts = []
    if totals:
        pc, summed = per_commune.c, summed_over(per_commune.c)
        parts.append(select(
            literal_column("0").label("level"), pc.commune_id, null().label("hamlet"), null().label("category"),
            null().label("tier"),
            *(summed(w, fig, cond(pc, a, b)).label(f"{m}__{i}") for i, (a, b) in enumerate(totals)
              for m, w, fig, cond in measures),
            *(null().label(col) for col in cols_detail),
        ).group_by(pc.commune_id))
    if detail is not None:
        a, b = detail
        c, summed = cte.c, summed_over(cte.c)
        parts.append(select(
            literal_column("1").label("level"), c.commune_id, c.hamlet, c.category, c.tier,
            *(null().label(col) for col in cols_total),
            *(summed(w, fig, cond(c, a, b)).label(f"{m}__d") for m, w, fig, cond in measures),
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
            .where(Allocation.allocated_on < bk.day(bk.n), Allocation.voided_at.is_(None),
                   *_commune(Allocation.commune_id, commune_id))
            .group_by(Allocation.commune_id))


def _hamlets(commune_id: int | None) -> Select:
    return (select(_H.commune_id, _H.hamlet).where(*_commune(_H.commune_id, commune_id))
            .group_by(_H.commune_id, _H.hamlet))


#: The figures' queries, in the order they run.
FIGURES: dict[str, Callable[..., tuple[Any, list[Measure]]]] = {
    "received": _received, "decision": _decisions, "move": _moves, "state": _states,
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
    figures["handover"] = _support(bk, commune_id, Handover, Handover.handed_on, "ho", False)
    figures["payment"] = _support(bk, commune_id, CashPayment, CashPayment.paid_on, "cp", True)
    out = {"figures": _by_period(figures, totals, detail, materialize)}
    if detail is not None:
        out["reasons"] = _reasons(bk, commune_id, detail, dialect)
        out["allocated"] = _allocated(bk, commune_id)
        out["hamlets"] = _hamlets(commune_id)
    return out


_CACHE: dict[tuple[Any, ...], dict[str, Select]] = {}


def statements(session: Session, bk: Buckets, totals: Sequence[Span], detail: Span | None,
               commune_id: int | None) -> tuple[dict[str, Select], dict[str, Any]]:
    """``tally_statements`` for this session's database, and the values of their parameters. Built
    once per shape (number of buckets, periods, one commune or all) and kept: building the
    annual report's statements costs more than a commune's queries. MATERIALIZED CTEs need
    PostgreSQL ≥ 12 or SQLite ≥ 3.35 (older ones get a plain CTE)."""
    dialect = session.get_bind().dialect
    version = tuple(dialect.server_version_info or ())
    materialize = version >= ((3, 35) if dialect.name == "sqlite" else (12,))
    if dialect.name == "postgresql":
        # These short aggregates spent a third of their time being JIT-compiled.
        session.execute(text("SET LOCAL jit = off"))
        # The windows and joins of a province's pass hash a few hundred thousand rows: in memory.
        session.execute(text("SET LOCAL work_mem = '64MB'"))
        # The planner expects a group per fact row (no statistics on the union) and would sort
        # half a million rows to group them; the groups are a tenth of that: hash them.
        if commune_id is None:  # (one commune's few rows: its plan may sort them)
            session.execute(text("SET LOCAL enable_sort = off"))  # until rollup.run_pass is done
        # psycopg prepares a statement run five times on a connection, and PostgreSQL may then
        # keep a generic plan, blind to the report's dates: plan each run for its own.
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    key = (bk.n, bk.before, tuple(totals), detail, dialect.name, commune_id is None, materialize)
    stmts = _CACHE.get(key)
    if stmts is None:
        if len(_CACHE) > 64:
            _CACHE.clear()
        stmts = _CACHE[key] = tally_statements(bk, totals, detail, dialect.name, commune_id=commune_id,
                                               materialize=materialize)
    params = bk.params()
    if commune_id is not None:
        params["commune_id"] = commune_id
    return stmts, params
