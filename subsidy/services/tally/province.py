"""The province's reports (domain.md §10): the monthly tally and the annual report of every commune
added up, with a breakdown by commune, in the same dataclasses (subsidy.domain.reports) as a
commune's, so every format (page, PDF, XLSX, CSV, JSON) renders them unchanged.

Each commune's report is the commune's own (computed in a Session set to that commune, with its
hamlets): the figures are counts and amounts of disjoint sets of households, so the province's are
their sums. The breakdown by commune takes the place of the breakdown by hamlet (``name``
"commune", its title «Theo xã»); the drill-down to a commune is that commune's own report.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from functools import reduce
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from subsidy.domain.documents import Issuer
from subsidy.domain.labels.places import PROVINCE_DEFAULT, province_unit
from subsidy.domain.reports import AnnualReport, Breakdown, Figures, MonthRow, Period, Quota, Row, RuleCount, Tally
from subsidy.domain.scope import PROVINCE_ROLES
from subsidy.models import Commune
from subsidy.db import utcnow
from subsidy.models.scoping import ALL_COMMUNES
from subsidy.services import instance_settings
from subsidy.services.tally.periods import annual_of, check_year, month_spec, year_buckets
from subsidy.services.tally.rollup import cash_cutoff, period_buckets, run_pass, tally_of

def _sum(figures: Sequence[Figures]) -> Figures:
    return reduce(lambda a, b: a + b, figures, Figures())


def _merge_breakdown(parts: Sequence[Breakdown]) -> Breakdown:
    """The same breakdown (category or tier) of several communes, row by row (rows keyed by key,
    in the order they first appear)."""
    order: dict[object, Row] = {}
    sums: dict[object, Figures] = {}
    for b in parts:
        for r in b.rows:
            order.setdefault(r.key, r)
            sums[r.key] = sums.get(r.key, Figures()) + r.figures
    first = parts[0]
    return Breakdown(first.name, first.title, first.key_title,
                     tuple(Row(k, order[k].label, sums[k]) for k in order), _sum([b.total for b in parts]))


def _merge_reasons(parts: Sequence[Sequence[RuleCount]]) -> tuple[RuleCount, ...]:
    counts: dict[str, RuleCount] = {}
    for rcs in parts:
        for rc in rcs:
            known = counts.get(rc.rule)
            counts[rc.rule] = RuleCount(rc.rule, rc.label, rc.count + (known.count if known else 0))
    return tuple(counts[k] for k in sorted(counts))


def _by_commune(names: Sequence[str], codes: Sequence[str], tallies: Sequence[Tally]) -> Breakdown:
    rows = tuple(Row(code, name, t.totals) for code, name, t in zip(codes, names, tallies))
    return Breakdown("commune", "Theo xã", "Xã", rows, _sum([t.totals for t in tallies]))


def combine_tallies(parts: Sequence[tuple[Commune, Tally]], province: str) -> Tally:
    """The province's Tally from each commune's (same period): totals, category, tier, reasons and
    quota summed; the breakdown by commune in the place of the one by hamlet. Raises ValueError
    for no commune."""
    if not parts:
        raise ValueError("no commune")
    communes = [c for c, _ in parts]
    tallies = [t for _, t in parts]
    first = tallies[0]
    quota = Quota(**{f.name: sum(getattr(t.quota, f.name) for t in tallies) for f in dataclasses.fields(Quota)})
    return dataclasses.replace(
        first, title=f"{first.title} — {province} (theo xã)", generated_at=max(t.generated_at for t in tallies),
        totals=_sum([t.totals for t in tallies]),
        by_hamlet=_by_commune([c.name for c in communes], [c.code for c in communes], tallies),
        by_category=_merge_breakdown([t.by_category for t in tallies]),
        by_tier=_merge_breakdown([t.by_tier for t in tallies]),
        not_eligible_by_rule=_merge_reasons([t.not_eligible_by_rule for t in tallies]), quota=quota)


def combine_annual(parts: Sequence[tuple[Commune, AnnualReport]], province: str) -> AnnualReport:
    """The province's AnnualReport from each commune's (same year): months and year to date
    summed month by month, the year's Tally combined (combine_tallies), the cumulative totals
    summed."""
    if not parts:
        raise ValueError("no commune")
    reports = [r for _, r in parts]
    first = reports[0]
    months = tuple(MonthRow(m.month, m.label, m.period, _sum([r.months[i].figures for r in reports]),
                            _sum([r.months[i].year_to_date for r in reports])) for i, m in enumerate(first.months))
    year = combine_tallies([(c, r.year) for c, r in parts], province)
    return dataclasses.replace(first, title=f"{first.title} — {province} (theo xã)", months=months, year=year,
                               cumulative=_sum([r.cumulative for r in reports]),
                               generated_at=max(r.generated_at for r in reports))


def _communes(session: Session) -> list[Commune]:
    """Every commune, in name order (read past the Session's own commune, if it has one)."""
    return list(session.scalars(select(Commune).options(selectinload(Commune.hamlets))
                                .order_by(Commune.name, Commune.id), execution_options={ALL_COMMUNES: True}))


def province_name(session: Session) -> str:
    """The province's name as the communes record it, with its kind ("tỉnh Đồng Tháp"; "Đắk Lắk"
    recorded → "tỉnh Đắk Lắk"), else "tỉnh" (none recorded, or two different names)."""
    # two distinct names at most, not every commune's row: every page of a province account
    # names the province in its header (667 communes loaded twice a page: 20 ms)
    names = list(session.scalars(select(Commune.province).where(Commune.province.is_not(None), Commune.province != "")
                                 .distinct().limit(2)))
    # with its kind: a commune row may record "Đắk Lắk" alone (labels.places.province_unit)
    return province_unit(names[0]) if len(names) == 1 else PROVINCE_DEFAULT


def province_issuer(session: Session) -> Issuer:
    """The issuing body of the province's reports: the province's body (instance setting,
    services.instance_settings.province_issuer), not any commune's."""
    return instance_settings.province_issuer(session, province_name(session))


def report_commune(role: str | None, commune: Commune | None) -> Commune | None:
    """The commune whose report an account of ``role`` gets when it names none (no drill-down):
    None — the province's report, by commune, issued by the province's body (province_issuer) — for
    the province's roles (domain.scope.PROVINCE_ROLES), whatever the number of communes: the
    province officer reports for the province even on an instance of one commune (domain.md §10);
    ``commune`` (the account's own, or the instance's only one) for everyone else."""
    return None if role in PROVINCE_ROLES else commune


def province_tally(session: Session, month: str | tuple[int, int], cumulative: bool = False, *,
                   today: dt.date | None = None, now: dt.datetime | None = None
                   ) -> tuple[Tally, list[tuple[Commune, Tally]]]:
    """The province's monthly tally (see services.tally.tally for ``month``, ``cumulative``,
    ``today``, ``now``) and each commune's own, for the drill-down: one grouped pass over every
    commune (rollup.run_pass), split by commune. Raises ServiceError as tally does (a month not
    begun), ValueError with no commune."""
    spec = month_spec(month, cumulative, today=today, now=now)
    generated_at = now or utcnow()
    bk, span = period_buckets(spec.start, spec.end)
    one = run_pass(session, bk, (), span, None)
    cutoff = cash_cutoff(session, spec.end)
    parts = [(c, tally_of(Period(spec.start, spec.end), one.cells.get(c.id, {}), one.reasons.get(c.id, {}),
                          one.allocated.get(c.id, 0), one.hamlets.get(c.id, []), cutoff=cutoff,
                          hamlets=c.hamlet_names, kind=spec.kind, month=spec.key, title=spec.title,
                          period_label=spec.label, generated_at=generated_at))
             for c in _communes(session)]
    return combine_tallies(parts, province_name(session)), parts


def province_annual_report(session: Session, year: int, *, today: dt.date | None = None,
                           now: dt.datetime | None = None) -> tuple[AnnualReport, list[tuple[Commune, AnnualReport]]]:
    """The province's annual report for ``year`` and each commune's own, from one grouped pass
    over every commune (see services.tally.annual_report)."""
    today = check_year(year, today, now)
    generated_at = now or utcnow()
    bk, totals, detail = year_buckets(year, today)
    one = run_pass(session, bk, totals, detail, None)
    cutoff = cash_cutoff(session, bk.bounds[-1] - dt.timedelta(days=1))
    parts = [(c, annual_of(one, c.id, year, bk, hamlets=c.hamlet_names, cutoff=cutoff, generated_at=generated_at))
             for c in _communes(session)]
    return combine_annual(parts, province_name(session)), parts
