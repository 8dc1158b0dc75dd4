"""Applications whose latest check no longer holds for E2, listed for a re-check.

E2 counts a tablet or learning device only when it was received before the phones were
allocated to the locality, and cannot decide on a device of unknown date (domain.md §2, E2). So
a check's E2 goes stale when either side of that comparison moves:

- applications refused under the earlier wording of E2 (any device on file failed, whatever its
  date), or refused before a later allocation: E2 failed then and does not fail today;
- applications found eligible whose E2 passed against the commune's first allocation date, when
  that date has since moved earlier (an allocation recorded with an earlier date) or later / away
  (the first allocation voided): E2 today fails or cannot decide, so «Đủ điều kiện» no longer holds
  and the household must not be proposed on the strength of it (domain.md §3: the quota follows the
  allocations).

Nothing is written when an allocation changes: the list is computed from the latest decision and
today's facts, so every change of an allocation (record, void, by the commune or the province) is
covered the moment it is committed. Applications proposed or later are past checking and are not
listed. The clerk opens each and checks it again (services.applications.check_eligibility; the old
decision stays). Reads only.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from subsidy.domain import rules
from subsidy.domain.calendar import today_vn
from subsidy.domain.ruleset import RuleSetSpec
from subsidy.domain.workflow import State
from subsidy.models import Application, EligibilityDecision, Household
from subsidy.services import rulesets
from subsidy.services.errors import ServiceError
from subsidy.services.facts import allocation_dates

#: Candidates read per query: the page is filled from the first batches only.
BATCH = 200


@dataclass(frozen=True)
class Recheck:
    """One application to check again: its id, tracking code (as stored: pages group it with the
    ``tracking`` template filter), its state now (``eligible`` or ``not_eligible``: what the latest
    check said), and what E2 says today (rules.PASSED, FAILED or UNKNOWN) with its explanation."""

    application_id: int
    tracking_code: str
    e2_now: str
    explanation: str
    state: str = State.not_eligible.value


def e2_recheck(session: Session, on: dt.date | None = None, limit: int = 200) -> list[Recheck]:
    """Applications whose latest decision's E2 no longer holds, under the rule set in force on
    ``on`` (default today) and today's facts (the household's device and date, the commune's first
    allocation date: facts.allocation_dates): in state ``not_eligible`` with E2 among the failed
    rules and E2 no longer failing, or in state ``eligible`` (E2 passed) with E2 now failing or
    undecided. A household that declared no device passes E2 whatever the dates, so only households
    with a device (or none recorded) are read. Oldest application first, at most ``limit``. [] when
    no rule set is in force. Source: domain.md §2 (E2), §3.

    The cost follows the page: candidates are read BATCH at a time in that order (only the columns
    E2 reads), and reading stops once ``limit`` are found."""
    spec = _spec(session, on)
    return [] if spec is None else _stale(session, spec, on or today_vn(), limit)


def stale_e2(session: Session, applications: Iterable[Application], on: dt.date | None = None) -> list[Recheck]:
    """Those of ``applications`` that e2_recheck lists (the home page's «Hồ sơ cần kiểm tra lại
    điều kiện E2»), in its order: for an eligible one, checked eligible but E2 now fails or cannot
    decide against today's allocation dates. [] when no rule set is in force on ``on`` (default
    today). Source: domain.md §2 (E2)."""
    ids = sorted({a.id for a in applications})
    spec = _spec(session, on) if ids else None
    if spec is None:
        return []
    return _stale(session, spec, on or today_vn(), len(ids), Application.id.in_(ids))


def _spec(session: Session, on: dt.date | None) -> RuleSetSpec | None:
    try:
        return rulesets.spec_of(rulesets.in_force(session, on or today_vn()))
    except ServiceError:
        return None


def _stale(session: Session, spec: RuleSetSpec, on: dt.date, limit: int, *where: ColumnElement[bool]) -> list[Recheck]:
    """The candidates (see e2_recheck) matching ``where`` whose E2 no longer holds, oldest first,
    at most ``limit``: read BATCH at a time after the last one read (keyset on date received, id)."""
    latest = (select(func.max(EligibilityDecision.id)).where(EligibilityDecision.application_id == Application.id)
              .correlate(Application).scalar_subquery())
    refused = Application.state == State.not_eligible.value
    passed = and_(Application.state == State.eligible.value, EligibilityDecision.outcome == rules.ELIGIBLE,
                  Household.prior_device != "none")
    query = (select(Application.id, Application.tracking_code, Application.state, Application.commune_id,
                    Application.received_on, EligibilityDecision.failed_rules, Household.prior_device,
                    Household.prior_device_detail, Household.prior_device_date)
             .join(EligibilityDecision, EligibilityDecision.id == latest)
             .join(Household, Household.id == Application.household_id)
             .where(or_(refused, passed), *where)
             .order_by(Application.received_on, Application.id).limit(BATCH))
    dates: dict[int, dt.date | None] = {}
    out: list[Recheck] = []
    after = None
    while True:
        page = query if after is None else query.where(or_(
            Application.received_on > after[0], and_(Application.received_on == after[0], Application.id > after[1])))
        rows = session.execute(page).all()
        if missing := {r.commune_id for r in rows} - dates.keys():
            dates.update(dict.fromkeys(missing))  # None: no live allocation
            dates.update(allocation_dates(session, missing))
        for r in rows:
            eligible = r.state == State.eligible.value
            if not eligible and "E2" not in (r.failed_rules or []):
                continue
            # E2 reads only the household's device and the commune's allocation date
            now = rules.rule_e2(rules.Facts(check_date=on, prior_device=r.prior_device,
                                            prior_device_detail=r.prior_device_detail,
                                            prior_device_date=r.prior_device_date,
                                            phones_allocated_on=dates[r.commune_id]), spec)
            stale = now.status != rules.PASSED if eligible else now.status != rules.FAILED
            if stale:
                out.append(Recheck(r.id, r.tracking_code, now.status, now.explanation, r.state))
                if len(out) >= limit:
                    return out
        if len(rows) < BATCH:
            return out
        after = (rows[-1].received_on, rows[-1].id)
