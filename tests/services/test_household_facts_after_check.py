"""Changing a household's facts once its application was checked (domain.md §2 E1, E2, E4; §3
P1–P4; §5 "an approved decision never changes silently"): a fact a check read needs a reason,
stored on the audit entries, and a checked application that is not handed over goes back to
«received» and off its list, as a correction of the application does."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from subsidy.models import ApplicationEvent, AuditEntry, Household
from subsidy.services import allocations, household_edit, lists, versions
from subsidy.services import households as svc
from subsidy.services.errors import InvalidFields
from tests import factories

D = dt.date
ON = D(2025, 6, 30)


def form(hh: Household, session, **changes) -> svc.HouseholdInput:
    """The edit form as its page showed ``hh`` (every field), with ``changes`` typed over it."""
    values = dict(code=hh.code, head_name=hh.head_name, hamlet=hh.hamlet, category=hh.category, members=hh.members,
                  head_birth_year=hh.head_birth_year, head_gender=hh.head_gender, citizen_id=hh.citizen_id,
                  address=hh.address, phone=hh.phone, list_year=hh.list_year, decision_number=hh.decision_number,
                  decision_date=hh.decision_date, meritorious=hh.meritorious, social_policy=hh.social_policy,
                  prior_device=hh.prior_device, prior_device_detail=hh.prior_device_detail,
                  prior_device_date=hh.prior_device_date,
                  seen_version=versions.version(session, "household", hh.id))
    values.update(changes)
    return svc.HouseholdInput(**values)


def approved_on_list(session, clerk, approver):
    for _ in range(2):
        factories.eligible(session, clerk, on=ON)
    factories.allocation(session, clerk, 2, D(2025, 6, 1))
    pl, on_list = factories.proposal_list(session, clerk, created_on=D(2025, 7, 1), approver=approver,
                                          decision=("12/QĐ-UBND", D(2025, 7, 10), "UBND xã Phú Tân"))
    return pl, on_list


def test_near_poor_on_an_approved_household_needs_a_reason_then_sends_it_back(session, clerk, approver, tt14):
    pl, on_list = approved_on_list(session, clerk, approver)
    a = on_list[0]
    hh = session.get(Household, a.household_id)
    assert (a.state, hh.category, allocations.quota(session).used) == ("approved", "poor", 2)

    with pytest.raises(InvalidFields) as err:
        household_edit.save_household(session, form(hh, session, category="near_poor"), hh.id, clerk)
    message = err.value.field_errors["reason"]
    assert "Phân loại hộ" in message and "Đã được phê duyệt" in message and factories.tracking_display(a) in message
    assert (hh.category, a.state) == ("poor", "approved")  # nothing saved
    errors, _ = svc.check_household(session, form(hh, session, category="near_poor"), hh.id)
    assert errors == {"reason": message}  # the form shows it with the other mistakes

    household_edit.save_household(session, form(hh, session, category="near_poor",
                                              reason="Quyết định 15/QĐ-UBND ghi hộ cận nghèo"), hh.id, clerk)
    assert (hh.category, a.state, a.proposal_list_id, a.priority_tier) == ("near_poor", "received", None, None)
    assert allocations.quota(session).used == 1
    # the approved list as decided keeps its row; the application waits for a new check
    assert [e.application_id for e in lists.frozen_entries(session, pl)] == [x.id for x in on_list]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.update")).one()
    assert (entry.note, entry.changes["category"]) == ("Quyết định 15/QĐ-UBND ghi hộ cận nghèo", ["poor", "near_poor"])
    on_app = session.scalars(select(AuditEntry).where(AuditEntry.action == "application.household_facts")).one()
    assert (on_app.entity_id, on_app.changes) == (a.id, {"category": ["poor", "near_poor"]})
    back = session.scalars(select(ApplicationEvent).where(ApplicationEvent.application_id == a.id,
                                                          ApplicationEvent.from_state == "approved")).one()
    assert (back.to_state, back.reason) == ("received", "Sửa thông tin hộ: Quyết định 15/QĐ-UBND ghi hộ cận nghèo")


def test_prior_device_on_an_eligible_household_sends_it_back(session, clerk, tt14):
    a = factories.eligible(session, clerk, on=ON)
    hh = session.get(Household, a.household_id)
    household_edit.save_household(session, form(hh, session, prior_device="learning_device",
                                              prior_device_detail="Máy tính bảng",
                                              prior_device_date=D(2022, 5, 3),
                                              reason="Hộ đã nhận máy tính bảng «Sóng và máy tính cho em» năm 2022"),
                         hh.id, clerk)
    assert (a.state, a.priority_tier) == ("received", None)
    assert allocations.waiting_list(session) == []


def test_a_phone_number_needs_no_reason_and_moves_nothing(session, clerk, tt14):
    a = factories.eligible(session, clerk, on=ON)
    hh = session.get(Household, a.household_id)
    household_edit.save_household(session, form(hh, session, phone="0912345678"), hh.id, clerk)
    assert (hh.phone, a.state) == ("0912345678", "eligible")
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.action == "application.household_facts")) is None


def test_a_received_application_needs_no_reason(session, clerk, tt14):
    hh = factories.applicant(session)
    a = factories.application(session, hh, state="received")
    household_edit.save_household(session, form(hh, session, category="near_poor"), hh.id, clerk)
    assert (hh.category, a.state) == ("near_poor", "received")


def test_handed_over_keeps_its_state_but_the_reason_is_asked_and_kept(session, clerk, tt14):
    hh = factories.applicant(session, head_name="Trần Văn Tâm", citizen_id="082070123456")
    a = factories.application(session, hh, state="handed_over")
    changed = form(hh, session, head_name="Trần Văn Tám", citizen_id="082070123457")
    with pytest.raises(InvalidFields) as err:
        household_edit.save_household(session, changed, hh.id, clerk)
    assert "(Họ tên chủ hộ, Số CCCD)" in err.value.field_errors["reason"]
    assert "Đã bàn giao" in err.value.field_errors["reason"]
    changed.reason = "Gõ nhầm dấu tên và số CCCD, đã đối chiếu thẻ căn cước"
    household_edit.save_household(session, changed, hh.id, clerk)
    assert (hh.head_name, hh.citizen_id, a.state) == ("Trần Văn Tám", "082070123457", "handed_over")
    on_app = session.scalars(select(AuditEntry).where(AuditEntry.action == "application.household_facts")).one()
    assert on_app.note == "Gõ nhầm dấu tên và số CCCD, đã đối chiếu thẻ căn cước"
    assert on_app.changes == {"head_name": ["Trần Văn Tâm", "Trần Văn Tám"],
                              "citizen_id": ["082070123456", "082070123457"]}
