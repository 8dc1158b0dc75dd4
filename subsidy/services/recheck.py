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
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from subsidy.domain import rules
from subsidy.domain.calendar import today_vn
from subsidy.domain.workflow import State
from subsidy.models import Application, EligibilityDecision, Household
from subsidy.services import rulesets
from subsidy.services.errors import ServiceError
from subsidy.services.facts import load_facts_bulk


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
    no rule set is in force. Source: domain.md §2 (E2), §3."""
    on = on or today_vn()
    try:
        spec = rulesets.spec_of(rulesets.in_force(session, on))
    except ServiceError:
        return []
    latest = (select(EligibilityDecision.application_id, func.max(EligibilityDecision.id).label("id"))
              .group_by(EligibilityDecision.application_id).subquery())
    refused = Application.state == State.not_eligible.value
    passed = and_(Application.state == State.eligible.value, EligibilityDecision.outcome == rules.ELIGIBLE,
                  Household.prior_device != "none")
    rows = session.execute(
        select(Application, EligibilityDecision.failed_rules)
        .join(latest, latest.c.application_id == Application.id)
        .join(EligibilityDecision, EligibilityDecision.id == latest.c.id)
        .join(Household, Household.id == Application.household_id)
        .where(or_(refused, passed))
        .order_by(Application.received_on, Application.id)).all()
    candidates = [app for app, failed in rows
                  if app.state == State.eligible.value or "E2" in (failed or [])]
    facts = load_facts_bulk(session, candidates, on)
    out = []
    for app in candidates:
        now = rules.rule_e2(facts[app.id], spec)
        stale = now.status != rules.PASSED if app.state == State.eligible.value else now.status != rules.FAILED
        if stale:
            out.append(Recheck(app.id, app.tracking_code, now.status, now.explanation, app.state))
            if len(out) >= limit:
                break
    return out
