"""Correcting an application's facts with a reason (domain.md §2 E5, §5): a typo is not forever,
and an approved decision never changes silently."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from subsidy.domain.workflow import RoleNotAllowed
from subsidy.models import ApplicationEvent, AuditEntry, ProposalListEntry
from subsidy.services import allocations, applications, corrections, lists
from subsidy.services.errors import InvalidFields, ServiceError
from tests import factories

D = dt.date
ON = D(2025, 6, 30)


def cash(session, clerk, purchase):
    h = factories.applicant(session)
    return applications.apply(session, applications.ApplicationInput(
        household_id=h.id, support_form="cash", received_on=D(2025, 3, 1), purchase_date=purchase,
        evidence_note="Hóa đơn"), clerk)


def fix(app, reason="Gõ nhầm năm mua máy", **changes):
    values = {"received_on": app.received_on, "support_form": app.support_form,
              "purchase_date": app.purchase_date, "evidence_note": app.evidence_note, "reason": reason}
    values.update(changes)
    return corrections.CorrectionInput(**values)


def e5(decision):
    return next(r["status"] for r in decision.results if r["rule"] == "E5")


def test_corrected_purchase_date_turns_e5_from_failed_to_passed(session, clerk, tt14):
    app = cash(session, clerk, D(2022, 12, 1))  # before 12/12/2022: fails E5
    first = applications.check_eligibility(session, app, clerk, on=ON)
    assert (first.outcome, e5(first), app.state) == ("not_eligible", "failed", "not_eligible")

    result = corrections.correct_application(session, app, fix(app, purchase_date=D(2023, 12, 1)), clerk,
                                             recheck=True, on=ON)
    assert result.changes == {"purchase_date": ["2022-12-01", "2023-12-01"]}
    assert (result.decision.outcome, e5(result.decision), app.state) == ("eligible", "passed", "eligible")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "application.correction")).one()
    assert (entry.entity_id, entry.actor_id, entry.note) == (app.id, clerk.id, "Gõ nhầm năm mua máy")
    assert entry.changes == {"purchase_date": ["2022-12-01", "2023-12-01"]}
    moves = [(e.from_state, e.to_state) for e in session.scalars(
        select(ApplicationEvent).where(ApplicationEvent.application_id == app.id).order_by(ApplicationEvent.id))]
    assert moves == [(None, "received"), ("received", "not_eligible"), ("not_eligible", "received"),
                     ("received", "eligible")]


def test_without_recheck_the_old_decision_no_longer_holds(session, clerk, tt14):
    app = factories.eligible(session, clerk, on=ON)
    assert allocations.waiting_list(session) == [app]
    result = corrections.correct_application(session, app, fix(app, received_on=D(2025, 2, 1), reason="Sai ngày"),
                                             clerk)
    assert result.decision is None and result.moved and app.state == "received" and app.priority_tier is None
    assert app.received_on == D(2025, 2, 1)
    assert allocations.waiting_list(session) == []  # not before a new check


def test_every_wrong_field_at_once_and_nothing_saved(session, clerk, tt14):
    app = cash(session, clerk, D(2023, 1, 1))
    bad = fix(app, reason=" ", received_on=D(2022, 1, 1), purchase_date=D(2099, 1, 1))
    with pytest.raises(InvalidFields) as err:
        corrections.correct_application(session, app, bad, clerk)
    assert set(err.value.field_errors) == {"reason", "received_on", "purchase_date"}
    assert "12/12/2022" in err.value.field_errors["received_on"]
    assert "01/01/2099" in err.value.field_errors["purchase_date"]
    assert app.purchase_date == D(2023, 1, 1) and app.received_on == D(2025, 3, 1)
    with pytest.raises(corrections.NothingChanged) as same:
        corrections.correct_application(session, app, fix(app), clerk)
    # the form's wording names its button; the API's names the fields instead (one home, two readers)
    assert str(same.value) == "Không có thông tin nào thay đổi: hãy sửa ít nhất một ô, hoặc bấm «Hủy»."
    assert "bấm" not in same.value.api_message and "received_on" in same.value.api_message


def test_package_form_clears_the_purchase_date(session, clerk, tt14):
    app = cash(session, clerk, D(2023, 1, 1))
    result = corrections.correct_application(session, app, fix(app, support_form="package", reason="Hộ nhận máy"),
                                             clerk)
    assert result.changes == {"support_form": ["cash", "package"], "purchase_date": ["2023-01-01", None],
                              "evidence_note": ["Hóa đơn", None]}
    assert not result.moved and app.state == "received"


def test_on_a_draft_list_the_correction_takes_it_off(session, clerk, tt14):
    apps = [factories.eligible(session, clerk, on=ON) for _ in range(2)]
    factories.allocation(session, clerk, 2, D(2025, 6, 1))
    pl, on_list = factories.proposal_list(session, clerk, created_on=D(2025, 7, 1))
    a = on_list[0]
    result = corrections.correct_application(session, a, fix(a, received_on=D(2025, 1, 2), reason="Sai ngày nhận"),
                                             clerk)
    assert (result.from_state, result.left_list, a.state, a.proposal_list_id) == ("proposed", pl.number, "received", None)
    entry = session.scalars(select(ProposalListEntry).where(ProposalListEntry.application_id == a.id)).one()
    assert entry.removed_at is not None and "Sai ngày nhận" in entry.removal_reason
    assert allocations.quota(session).used == 1
    assert {x.id for x in lists.applications_on(session, pl)} == {apps[0].id, apps[1].id} - {a.id}


def test_after_approval_it_goes_back_to_the_approver(session, clerk, approver, tt14):
    for _ in range(2):
        factories.eligible(session, clerk, on=ON)
    factories.allocation(session, clerk, 2, D(2025, 6, 1))
    pl, on_list = factories.proposal_list(session, clerk, created_on=D(2025, 7, 1), approver=approver,
                                          decision=("12/QĐ-UBND", D(2025, 7, 10), "UBND xã Phú Tân"))
    a = on_list[1]
    assert a.state == "approved" and allocations.quota(session).used == 2
    corrections.correct_application(session, a, fix(a, received_on=D(2025, 1, 2), reason="Sai ngày nhận"),
                                    clerk, recheck=True, on=ON)
    # off the approved list and checked again: it waits for a new list and a new approval
    assert (a.state, a.proposal_list_id) == ("eligible", None)
    assert allocations.waiting_list(session) == [a] and allocations.quota(session).used == 1
    # the approved list as decided keeps its row: the legal record does not change
    assert [e.application_id for e in lists.frozen_entries(session, pl)] == [x.id for x in on_list]
    left = session.scalars(select(AuditEntry).where(AuditEntry.action == "application.correct_list")).one()
    assert left.changes == {"proposal_list_id": [pl.id, None]}
    assert session.scalars(select(ApplicationEvent.from_state).where(
        ApplicationEvent.application_id == a.id, ApplicationEvent.to_state == "received")).all() == [None, "approved"]


def test_refused_after_handover_and_for_an_approver(session, clerk, approver, tt14):
    handed = factories.application(session, state="handed_over")
    with pytest.raises(ServiceError, match="hủy biên bản"):
        corrections.correct_application(session, handed, fix(handed, received_on=D(2026, 1, 6)), clerk)
    paid = factories.application(session, state="paid", support_form="cash", purchase_date=D(2023, 1, 1))
    with pytest.raises(ServiceError, match="hủy biên bản"):
        corrections.correct_application(session, paid, fix(paid, purchase_date=D(2023, 2, 1)), clerk)
    app = factories.eligible(session, clerk, on=ON)
    with pytest.raises(RoleNotAllowed):
        corrections.correct_application(session, app, fix(app, received_on=D(2025, 2, 1)), approver)
    assert (app.state, app.received_on) == ("eligible", D(2025, 3, 1))
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.action == "application.correction")) is None
