"""A change of the commune's first allocation date puts the checks whose E2 it turns over on the
re-check list (domain.md §2, E2: a device counts only when received before the phones were
allocated to the locality). Voiding the first allocation moves the date later, so a device
received between the two dates now counts and «Đủ điều kiện» no longer holds; an allocation
recorded with an earlier date moves it earlier, so a refusal for such a device no longer holds."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from subsidy.domain import rules
from subsidy.domain.calendar import today_vn
from subsidy.models import ProposalList
from subsidy.services import allocations, applications, recheck
from tests import factories

D = dt.date
ON = D(2025, 9, 1)  # the checks and the list are read under the rule set in force then


def listed(session) -> dict[int, recheck.Recheck]:
    return {r.application_id: r for r in recheck.e2_recheck(session, on=ON)}


def test_voiding_or_antedating_the_first_allocation_lists_the_checks_it_turns_over(session, tt14, clerk):
    approver = factories.user(session, "approver", row=True)
    for _ in range(12):  # this year's poor households: the ceiling of what may be allocated
        factories.household(session, list_year=today_vn().year)
    first = factories.allocation_row(session, 5, D(2023, 3, 1), "Công văn số 1/STTTT")
    factories.allocation_row(session, 5, D(2024, 6, 1), "Công văn số 2/STTTT")
    between = factories.eligible(session, clerk, factories.applicant(
        session, prior_device="learning_device", prior_device_date=D(2024, 1, 1)), on=ON)
    no_device = factories.eligible(session, clerk, on=ON)
    proposed = factories.eligible(session, clerk, factories.applicant(
        session, prior_device="vtci_tablet", prior_device_date=D(2024, 2, 1)), on=ON)
    proposed.state = "proposed"  # past checking: not listed, whatever E2 says now
    early = factories.applicant(session, prior_device="vtci_tablet", prior_device_date=D(2023, 1, 1))
    refused = applications.apply(session, applications.ApplicationInput(
        household_id=early.id, support_form="package", received_on=D(2025, 3, 1)), clerk)
    assert applications.check_eligibility(session, refused, clerk, on=ON).failed_rules == ["E2"]
    session.flush()
    assert listed(session) == {}

    allocations.void_allocation(session, first.id, "Nhập nhầm văn bản", approver)  # first date → 01/06/2024
    found = listed(session)
    assert set(found) == {between.id}
    assert (found[between.id].state, found[between.id].e2_now) == ("eligible", rules.FAILED)
    assert "01/01/2024, trước ngày phân bổ điện thoại cho địa phương (01/06/2024)" in found[between.id].explanation
    again = applications.check_eligibility(session, between, clerk, on=ON)  # the re-check agrees, and clears it
    assert (again.outcome, again.failed_rules, between.state) == ("not_eligible", ["E2"], "not_eligible")
    assert listed(session) == {}

    allocations.record_allocation(session, 1, D(2022, 12, 20), "Công văn số 3/STTTT", clerk)  # → 20/12/2022
    found = listed(session)
    assert set(found) == {between.id, refused.id}  # both devices were received after 20/12/2022
    assert {r.state for r in found.values()} == {"not_eligible"}
    assert {r.e2_now for r in found.values()} == {rules.PASSED}
    assert no_device.id not in found and proposed.id not in found


def test_an_application_listed_for_a_recheck_is_not_proposed_until_checked_again(session, tt14, clerk):
    """Proposing (one, a new list from the waiting list, or the next ones) refuses an application
    whose «Đủ điều kiện» E2 no longer holds, naming it; checked again, the list follows the priority
    order without it (domain.md §2 E2, §5)."""
    from subsidy.domain import tracking
    from subsidy.services import lists
    from subsidy.services.errors import ServiceError

    approver = factories.user(session, "approver", row=True)
    for _ in range(12):
        factories.household(session, list_year=today_vn().year)
    first = factories.allocation_row(session, 5, D(2023, 3, 1), "Công văn số 1/STTTT")
    factories.allocation_row(session, 5, D(2024, 6, 1), "Công văn số 2/STTTT")
    between = factories.eligible(session, clerk, factories.applicant(
        session, prior_device="learning_device", prior_device_date=D(2024, 1, 1)), received_on=D(2025, 3, 1), on=ON)
    other = factories.eligible(session, clerk, received_on=D(2025, 3, 2), on=ON)
    allocations.void_allocation(session, first.id, "Nhập nhầm văn bản", approver)
    assert set(listed(session)) == {between.id}
    code = tracking.display(between.tracking_code)
    for propose in (lambda: lists.propose_one(session, between, clerk),
                    lambda: lists.build_proposal_list(session, clerk, created_on=D(2025, 9, 2)),
                    lambda: lists.promote_waiting(session, clerk)):
        with pytest.raises(ServiceError) as err:
            propose()
        assert str(err.value).startswith(f"Chưa đưa được vào danh sách đề nghị: hồ sơ {code} đã được kiểm tra là đủ "
                                         "điều kiện")
        # it sends the clerk to the home page's list, by the heading that list has there
        assert "(mục «Hồ sơ cần kiểm tra lại điều kiện E2» ở trang chủ)" in str(err.value)
    assert (between.state, other.state, session.scalar(select(func.count()).select_from(ProposalList))) == (
        "eligible", "eligible", 0)
    applications.check_eligibility(session, between, clerk, on=ON)  # E2 fails now: off the waiting list
    pl = lists.build_proposal_list(session, clerk, created_on=D(2025, 9, 2))
    assert [a.id for a in lists.applications_on(session, pl)] == [other.id]
