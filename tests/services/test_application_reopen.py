"""Reopening a withdrawn or refused application (domain.md §5).

One application per household per programme stays (the unique constraint), so a household that
withdrew applies again on the same application: withdrawn → received (clerk, reason), and a refusal
is reconsidered: refused → received (approver, reason). The tally counts from events, so a reopened
application must count once as received and join the waiting list only after a new check.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from subsidy.domain.workflow import IllegalTransition, ReasonRequired, RoleNotAllowed
from subsidy.models import Application, ApplicationEvent, AuditEntry, EligibilityDecision
from subsidy.services import allocations, applications, facts, lists
from subsidy.services import tally as T
from subsidy.services.workflow import move
from tests.tally_history import HAMLETS, VN, build_history

D = dt.date
ON = D(2025, 6, 30)
TODAY = D(2026, 11, 30)


def apply(session, clerk, h):
    return applications.apply(session, applications.ApplicationInput(
        household_id=h.id, support_form="package", received_on=D(2025, 3, 1)), clerk)


def events(session, app):
    return [(e.from_state, e.to_state, e.reason) for e in session.scalars(
        select(ApplicationEvent).where(ApplicationEvent.application_id == app.id).order_by(ApplicationEvent.id))]


def test_withdrawn_household_applies_again_on_its_one_application(session, clerk, household, tt14):
    h = household()
    app = apply(session, clerk, h)
    applications.check_eligibility(session, app, clerk, on=ON)
    applications.withdraw(session, app, "Hộ xin rút", clerk)
    with pytest.raises(applications.DuplicateApplication) as err:
        apply(session, clerk, h)
    assert "đã rút" in str(err.value) and "«Mở lại hồ sơ»" in str(err.value)
    assert err.value.application_id == app.id
    with pytest.raises(ReasonRequired):
        applications.reopen(session, app, "  ", clerk)
    applications.reopen(session, app, "Hộ nộp lại hồ sơ", clerk)
    assert app.state == "received" and app.received_on == D(2025, 3, 1)
    assert events(session, app)[-1] == ("withdrawn", "received", "Hộ nộp lại hồ sơ")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "application.reopen")).one()
    assert (entry.entity_id, entry.actor_id, entry.note) == (app.id, clerk.id, "Hộ nộp lại hồ sơ")
    assert allocations.waiting_list(session) == []  # not before a new check
    assert applications.check_eligibility(session, app, clerk, on=ON).outcome == "eligible"
    assert allocations.waiting_list(session) == [app]
    assert session.scalar(select(Application.id).where(Application.household_id == h.id)) == app.id


def test_refused_application_is_reopened_by_an_approver_only(session, clerk, approver, household, tt14):
    h = household()
    app = apply(session, clerk, h)
    applications.refuse(session, app, "Hộ không còn cư trú tại xã", approver)
    with pytest.raises(applications.DuplicateApplication) as err:
        apply(session, clerk, h)
    assert "bị từ chối" in str(err.value) and "lãnh đạo" in str(err.value)
    with pytest.raises(RoleNotAllowed):
        applications.reopen(session, app, "Hộ đã về lại xã", clerk)
    assert app.state == "refused"
    applications.reopen(session, app, "Hộ đã về lại xã", approver)
    assert app.state == "received"


def test_only_withdrawn_or_refused_can_be_reopened(session, clerk, household, tt14):
    app = apply(session, clerk, household())
    with pytest.raises(IllegalTransition):
        applications.reopen(session, app, "Hộ nộp lại hồ sơ", clerk)
    with pytest.raises(applications.DuplicateApplication) as err:
        apply(session, clerk, app.household)
    assert "Mở lại" not in str(err.value) and "hãy mở hồ sơ đã có" in str(err.value)


def test_reopened_after_approval_leaves_the_approved_list(session, clerk, approver, household, tt14):
    apps = [apply(session, clerk, household()) for _ in range(2)]
    for a in apps:
        applications.check_eligibility(session, a, clerk, on=ON)
    allocations.record_allocation(session, 2, D(2025, 6, 1), "CV", clerk)
    pl = lists.build_proposal_list(session, clerk, created_on=D(2025, 7, 1))
    lists.approve_list(session, pl, "12/QĐ-UBND", D(2025, 7, 10), "UBND xã Phú Tân", approver)
    a = apps[0]
    applications.withdraw(session, a, "Hộ xin rút", clerk)
    assert a.proposal_list_id == pl.id and allocations.quota(session).used == 1
    applications.reopen(session, a, "Hộ nộp lại hồ sơ", clerk)
    assert a.proposal_list_id is None
    assert facts.load_facts(session, a, ON).approved_list is None  # E3 must not claim the old approval
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "application.reopen_list")).one()
    assert entry.changes == {"proposal_list_id": [pl.id, None]}
    applications.check_eligibility(session, a, clerk, on=ON)
    assert allocations.waiting_list(session) == [a]


# ------------------------------------------------------------------ the tally counts from events


def at(month, day, hour=9):
    return dt.datetime(2026, month, day, hour, tzinfo=VN)


def test_tally_counts_a_reopened_application_once_and_from_its_new_check(session):
    """tests/tally_history.py: A8 (Ấp Phú Hòa, poor, P3) received 14/02, eligible 15/02, withdrawn
    25/03. Here the household applies again: reopened 10/04, found eligible again 12/04."""
    apps = build_history(session)
    a8 = apps["A8"]
    march = T.tally(session, "2026-03", cumulative=True, today=TODAY).totals
    move(session, a8, "received", None, "Hộ nộp lại hồ sơ", role="clerk", at=at(4, 10))
    session.flush()
    # reopened, not yet checked: not waiting, nothing counted in April
    mid = T.tally_period(session, D(2026, 4, 1), D(2026, 4, 11)).totals
    assert mid == T.Figures(waiting=1)  # A2 only (eligible since 18/03)
    session.add(EligibilityDecision(application_id=a8.id, rule_set_id=session.scalar(
        select(EligibilityDecision.rule_set_id).limit(1)), outcome="eligible", priority_tier=3, decided_at=at(4, 12)))
    move(session, a8, "eligible", None, role="clerk", at=at(4, 12))
    session.flush()
    april = T.tally(session, "2026-04", today=TODAY)
    assert april.totals == T.Figures(eligible=1, waiting=2)  # A8 re-checked; A2 and A8 wait
    assert [r.figures.waiting for r in april.by_hamlet.rows if r.label == "Ấp Phú Hòa"] == [2]
    # March is history: unchanged by April's reopening
    assert T.tally(session, "2026-03", cumulative=True, today=TODAY).totals == march
    assert march.received == 8 and march.waiting == 1
    # from the start: still 8 applications received (one per household), A8 eligible once
    cum = T.tally(session, "2026-04", cumulative=True, today=TODAY).totals
    assert (cum.received, cum.eligible, cum.not_eligible, cum.waiting) == (8, 6, 1, 2)
    rc = T.radio_counts(session, D(2026, 4, 30), hamlets=HAMLETS)
    assert rc.waiting == 2
