"""Applications refused under the earlier wording of E2, listed for a re-check.

E2 used to fail a household for any tablet or learning device on file, whatever its date. Since
the rule counts a device only when it was received before the phones were allocated to the
locality, and cannot decide on a device of unknown date (domain.md §2), a household refused
then may be eligible, or undecided until its device's date is recorded. These are the
applications whose latest decision failed E2 but whose E2 would not fail today: the clerk opens
each and checks it again (services.applications.check_eligibility; the old decision stays).
Reads only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from subsidy.domain import rules
from subsidy.domain.calendar import today_vn
from subsidy.domain.workflow import State
from subsidy.models import Application, EligibilityDecision
from subsidy.services import rulesets
from subsidy.services.errors import ServiceError
from subsidy.services.facts import load_facts_bulk


@dataclass(frozen=True)
class Recheck:
    """One application to check again: its id, tracking code (as stored: pages group it with the
    ``tracking`` template filter), and what E2 says now."""

    application_id: int
    tracking_code: str
    e2_now: str  # rules.PASSED or rules.UNKNOWN
    explanation: str


def e2_recheck(session: Session, on: dt.date | None = None, limit: int = 200) -> list[Recheck]:
    """Applications in state ``not_eligible`` whose latest decision failed E2 and whose E2, run on
    today's facts under the rule set in force on ``on`` (default today), no longer fails; oldest
    application first, at most ``limit``. [] when no rule set is in force."""
    on = on or today_vn()
    try:
        spec = rulesets.spec_of(rulesets.in_force(session, on))
    except ServiceError:
        return []
    latest = (select(EligibilityDecision.application_id, func.max(EligibilityDecision.id).label("id"))
              .group_by(EligibilityDecision.application_id).subquery())
    rows = session.execute(
        select(Application, EligibilityDecision.failed_rules)
        .join(latest, latest.c.application_id == Application.id)
        .join(EligibilityDecision, EligibilityDecision.id == latest.c.id)
        .where(Application.state == State.not_eligible.value)
        .order_by(Application.received_on, Application.id)).all()
    refused = [app for app, failed in rows if "E2" in (failed or [])]
    facts = load_facts_bulk(session, refused, on)
    out = []
    for app in refused:
        now = rules.rule_e2(facts[app.id], spec)
        if now.status != rules.FAILED:
            out.append(Recheck(app.id, app.tracking_code, now.status, now.explanation))
            if len(out) >= limit:
                break
    return out
