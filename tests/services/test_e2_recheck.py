"""Refusals under the earlier E2 (any device on file failed, whatever its date) are listed for a
re-check when E2 by date (domain.md §2: a device counts only if received before the phones were
allocated; an unknown date cannot decide) no longer fails them."""
from __future__ import annotations

import datetime as dt

from subsidy.domain import rules
from subsidy.models import EligibilityDecision
from subsidy.services import recheck
from tests import factories

D = dt.date
ALLOCATED = D(2025, 5, 1)
CASES = [
    # (prior device, its date, latest decision failed, listed, E2 now)
    ("vtci_tablet", D(2024, 9, 1), ["E2"], False, None),            # before the allocation: still fails
    ("vtci_tablet", D(2025, 5, 1), ["E2"], True, rules.PASSED),     # on the allocation day: does not count
    ("learning_device", D(2025, 8, 2), ["E2", "E1"], True, rules.PASSED),
    ("learning_device", None, ["E2"], True, rules.UNKNOWN),         # unknown date: cannot decide
    ("vtci_tablet", None, ["E4"], False, None),                     # refused for another rule
]


def test_old_e2_refusals_that_no_longer_fail_are_listed(session, tt14, clerk):
    factories.allocation_row(session, 10, ALLOCATED)
    factories.allocation_row(session, 3, D(2024, 1, 1), voided_at=dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc),
                             void_reason="Nhập nhầm")  # voided: no date
    apps = []
    for i, (device, date, failed, _, _) in enumerate(CASES):
        h = factories.applicant(session, prior_device=device, prior_device_date=date)
        app = factories.application(session, h, state="not_eligible", received_on=D(2025, 6, 1 + i))
        session.add(EligibilityDecision(application_id=app.id, rule_set_id=tt14.id, outcome="not_eligible",
                                        failed_rules=failed, results=[], facts={}))
        apps.append(app)
    # eligible, no device declared: E2 passes whatever the dates, so never listed
    eligible_now = factories.application(session, factories.applicant(session), state="eligible")
    session.add(EligibilityDecision(application_id=eligible_now.id, rule_set_id=tt14.id, outcome="eligible",
                                    failed_rules=[], results=[], facts={}))
    session.flush()
    found = {r.application_id: r for r in recheck.e2_recheck(session, on=D(2025, 9, 1))}
    assert set(found) == {app.id for app, case in zip(apps, CASES) if case[3]}
    for app, case in zip(apps, CASES):
        if case[3]:
            assert found[app.id].e2_now == case[4]
    assert "01/05/2025" in found[apps[1].id].explanation
