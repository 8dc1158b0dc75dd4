"""The commune radio's counts (domain.md §8), built from the tally's own SQL so that they equal
the tally's figures for the same day (docs/tally.md). Rendering them is services/radio.py's job.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.domain.reports import Period, Quota, RadioCounts
from subsidy.models.scoping import session_commune
from subsidy.services.tally.rollup import hamlet_order, period_buckets, run_pass, sum_cells


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
    bk, span = period_buckets(as_of.replace(day=1), as_of)
    one = run_pass(session, bk, (), span, session_commune(session)).merged()
    cells = one.cells[0]
    total = sum_cells(cells.values())
    allocated = one.allocated[0]
    hamlet_names = one.hamlets[0]
    per: dict[str, int] = {}
    for (hamlet, _c, _t), v in cells.items():
        per[hamlet] = per.get(hamlet, 0) + v["standing_ho"] + v["standing_cp"]
    order = hamlet_order(hamlet_names + list(per), hamlets)
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
