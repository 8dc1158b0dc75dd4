"""A decision number is one decision's: two lists of the same commune cannot carry the same number
in the same year (Nghị định 30/2020/NĐ-CP, Điều 15), neither at approval nor through a correction;
the message names the list that already has it, and nothing is saved."""
from __future__ import annotations

import datetime as dt

import pytest

from subsidy.services import households, lists
from tests import factories

D = dt.date
BODY = "Ủy ban nhân dân xã Phú Tân"
PEOPLE = [("Nguyễn Thị Ánh Tuyết", "082175004321", 1975, "F"), ("Trần Văn Bốn", "082068001234", 1968, "M")]


@pytest.fixture
def two_lists(session, clerk, tt14):
    """Two lists made on 01/07/2025, one household each: list 01 is the first (submitted before the
    second is drafted)."""
    for i, (name, cccd, year, sex) in enumerate(PEOPLE):
        h = households.register_household(session, households.HouseholdInput(
            code=f"SQ{i:03d}", head_name=name, hamlet="Ấp Phú Hòa", category="poor", head_birth_year=year,
            head_gender=sex, citizen_id=cccd, phone=None, list_year=2025, meritorious=False,
            social_policy=False, prior_device="none"), clerk)
        factories.eligible(session, clerk, h, received_on=D(2025, 3, 3 + i), on=D(2025, 6, 30))
    factories.allocation(session, clerk, 2, D(2025, 6, 1))
    first = factories.proposal_list(session, clerk, created_on=D(2025, 7, 1), count=1)[0]
    lists.submit_list(session, first, clerk)  # one draft at a time: the first goes to the approver
    second = factories.proposal_list(session, clerk, created_on=D(2025, 7, 1), count=1)[0]
    return first, second


def test_approving_a_second_list_with_the_first_lists_number_is_refused(session, two_lists, approver):
    first, second = two_lists
    lists.approve_list(session, first, "12/QĐ-UBND", D(2025, 7, 10), BODY, approver)
    with pytest.raises(lists.InvalidDecision) as err:
        lists.approve_list(session, second, "số 12 / qđ-ubnd", D(2025, 8, 1), BODY, approver)
    assert err.value.field_errors == {"decision_number": (
        f"Số quyết định 12/QĐ-UBND năm 2025 đã được ghi cho danh sách {first.number} (ngày 10/07/2025). Mỗi quyết "
        "định của xã có một số riêng trong năm: hãy kiểm tra lại số in trên quyết định phê duyệt danh sách này.")}
    assert second.decision_number is None


def test_the_same_number_another_year_is_a_different_decision(session, two_lists, approver):
    first, second = two_lists
    lists.approve_list(session, first, "12/QĐ-UBND", D(2025, 7, 10), BODY, approver)
    first.decision_date = D(2024, 12, 30)  # as if the first decision were of the year before
    first.decision_key = "2024:12/QĐ-UBND"
    session.flush()
    lists.approve_list(session, second, "12/QĐ-UBND", D(2025, 7, 11), BODY, approver)
    assert (second.status, second.decision_number) == ("approved", "12/QĐ-UBND")


def test_a_correction_to_another_lists_number_is_refused_and_its_own_number_is_kept(session, two_lists, approver):
    first, second = two_lists
    lists.approve_list(session, first, "12/QĐ-UBND", D(2025, 7, 10), BODY, approver)
    lists.approve_list(session, second, "13/QĐ-UBND", D(2025, 7, 10), BODY, approver)
    with pytest.raises(lists.InvalidDecision) as err:
        lists.correct_decision(session, second, "12/QĐ-UBND", D(2025, 7, 10), BODY, "gõ nhầm", approver,
                               today=D(2025, 7, 20))
    assert f"đã được ghi cho danh sách {first.number}" in err.value.field_errors["decision_number"]
    assert second.decision_number == "13/QĐ-UBND"
    # Correcting its own date keeps its own number: not a clash with itself.
    lists.correct_decision(session, second, "13/QĐ-UBND", D(2025, 7, 9), BODY, "ngày đúng", approver,
                           today=D(2025, 7, 20))
    assert second.decision_date == D(2025, 7, 9)


@pytest.mark.parametrize("first_typed, second_typed", [
    ("012/QĐ-UBND", "12/QĐ-UBND"), ("12/QĐ-UBND", "số 012/qđ-ubnd"), ("05/QĐ-UBND", "5/QĐ-UBND"),
    ("0045/2025/QĐ-UBND", "45/2025/QĐ-UBND")])
def test_leading_zeros_do_not_make_another_number(session, two_lists, approver, first_typed, second_typed):
    """«012/QĐ-UBND» and «12/QĐ-UBND» are one decision to a person: the second is refused, the
    message quoting how the first list's number was written; each stays stored as typed."""
    first, second = two_lists
    lists.approve_list(session, first, first_typed, D(2025, 7, 10), BODY, approver)
    with pytest.raises(lists.InvalidDecision) as err:
        lists.approve_list(session, second, second_typed, D(2025, 8, 1), BODY, approver)
    message = err.value.field_errors["decision_number"]
    assert f"đã được ghi cho danh sách {first.number} (ngày 10/07/2025, ghi là {first.decision_number})" in message
    assert first.decision_number == first_typed.replace("số ", "").upper().replace("QD", "QĐ")
    assert second.decision_number is None


def test_leading_zeros_kept_as_typed_and_other_numbers_still_differ(session, two_lists, approver):
    first, second = two_lists
    lists.approve_list(session, first, "05/QĐ-UBND", D(2025, 7, 10), BODY, approver)
    lists.approve_list(session, second, "50/QĐ-UBND", D(2025, 7, 10), BODY, approver)  # 50 is not 5
    assert (first.decision_number, second.decision_number) == ("05/QĐ-UBND", "50/QĐ-UBND")


def test_a_taken_number_is_told_with_the_other_mistakes_at_once(session, two_lists, approver):
    """The number taken is said on the first submit even when the body is wrong too (it used to
    wait until every other field was right), by approve_list and by decision_field_errors alike."""
    first, second = two_lists
    lists.approve_list(session, first, "12/QĐ-UBND", D(2025, 7, 10), BODY, approver)
    with pytest.raises(lists.InvalidDecision) as err:
        lists.approve_list(session, second, "012/QĐ-UBND", D(2025, 8, 1), "<b>", approver)
    assert list(err.value.field_errors) == ["decision_number", "approving_body"]
    assert err.value.field_errors["decision_number"].startswith(
        f"Số quyết định 012/QĐ-UBND năm 2025 đã được ghi cho danh sách {first.number} (ngày 10/07/2025, ghi là "
        "12/QĐ-UBND).")
    assert lists.decision_field_errors(session, second, "012/QĐ-UBND", D(2025, 8, 1), "") == {
        "decision_number": err.value.field_errors["decision_number"],
        "approving_body": "Hãy nhập cơ quan phê duyệt, ví dụ «Ủy ban nhân dân xã Phú Tân».",
    }
    # a date not known (the form could not read it): the year is unknown, so no clash is claimed
    assert "decision_number" not in lists.decision_field_errors(session, second, "12/QĐ-UBND", None, BODY)
