"""Dates an application carries are checked in the services, so the web form, the CLI and the API
all get the checks: no date after today in Asia/Ho_Chi_Minh (prior
device, received, purchase), and no application received before the first rule set took effect
(Thông tư 14/2022/TT-BTTTT: 12/12/2022)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from subsidy.domain.calendar import today_vn
from subsidy.models import Application
from subsidy.services import applications, rulesets
from subsidy.services.errors import FieldError, ServiceError



def apply(session, clerk, h, **kw):
    kw.setdefault("support_form", "package")
    return applications.apply(session, applications.ApplicationInput(household_id=h.id, **kw), clerk)


def tomorrow() -> dt.date:
    return today_vn() + dt.timedelta(days=1)


def count(session):
    return session.scalar(select(func.count()).select_from(Application))


@pytest.mark.parametrize("kw,field,words", [
    ({"received_on": "tomorrow"}, "received_on", "Ngày nhận hồ sơ"),
    ({"support_form": "cash", "purchase_date": "tomorrow"}, "purchase_date", "Ngày mua điện thoại"),
    ({"prior_device": "vtci_tablet", "prior_device_date": "tomorrow"}, "prior_device_date", "Ngày nhận thiết bị"),
    ({"prior_device": "learning_device", "prior_device_date": dt.date(2030, 1, 1)}, "prior_device_date",
     "Ngày nhận thiết bị (01/01/2030)"),
])
def test_future_dates_are_refused_naming_the_field(session, clerk, household, tt14, kw, field, words):
    h = household(prior_device="unknown")
    kw = {k: (tomorrow() if v == "tomorrow" else v) for k, v in kw.items()}
    with pytest.raises(FieldError) as err:
        apply(session, clerk, h, **kw)
    assert err.value.field == field
    assert words in str(err.value) and "không được sau ngày hôm nay" in str(err.value)
    assert count(session) == 0 and h.prior_device == "unknown"


def test_today_in_viet_nam_is_accepted(session, clerk, household, tt14):
    today = today_vn()
    app = apply(session, clerk, household(prior_device="unknown"), received_on=today, support_form="cash",
                purchase_date=today,
                prior_device="vtci_tablet", prior_device_date=today)
    assert (app.received_on, app.purchase_date, app.household.prior_device_date) == (today, today, today)


def test_received_before_the_rule_set_took_effect_is_refused(session, clerk, household, tt14):
    h = household()
    with pytest.raises(FieldError) as err:
        apply(session, clerk, h, received_on=dt.date(2020, 1, 1))
    msg = str(err.value)
    assert err.value.field == "received_on"
    assert "01/01/2020" in msg and "12/12/2022" in msg and "Thông tư 14/2022/TT-BTTTT" in msg
    with pytest.raises(FieldError):
        apply(session, clerk, h, received_on=dt.date(2022, 12, 11))
    assert count(session) == 0
    assert apply(session, clerk, h, received_on=dt.date(2022, 12, 12)).received_on == dt.date(2022, 12, 12)


def test_an_inactive_older_version_does_not_open_earlier_dates(session, clerk, household, tt14):
    doc = dict(tt14.definition, version=99, effective_from="2019-01-01")
    rulesets.store(session, doc, None, active=False)
    with pytest.raises(FieldError, match="12/12/2022"):
        apply(session, clerk, household(), received_on=dt.date(2020, 1, 1))


def test_recording_prior_device_and_purchase_later_checks_dates_too(session, clerk, household, tt14):
    h = household(prior_device="unknown")
    app = apply(session, clerk, h, support_form="cash", received_on=dt.date(2025, 3, 1))
    with pytest.raises(FieldError, match="01/01/2030"):
        applications.record_prior_device(session, h, "vtci_tablet", None, dt.date(2030, 1, 1), clerk)
    assert h.prior_device == "unknown"
    with pytest.raises(FieldError) as err:
        applications.set_purchase_date(session, app, tomorrow(), "Hóa đơn", clerk)
    assert err.value.field == "purchase_date" and app.purchase_date is None
    assert isinstance(err.value, ServiceError)  # views and the CLI that catch ServiceError still do


def test_household_form_refuses_a_future_prior_device_date(session, clerk):
    """The household registry (web form, CLI) records the prior device too: same check."""
    from subsidy.services import households as hh_svc

    def data(day):
        return hh_svc.HouseholdInput(code="DT-PD-1", head_name="Phan Văn Tư", hamlet="Ấp Phú Hòa", category="poor",
                                     members=2, prior_device="vtci_tablet", prior_device_detail="Máy tính bảng",
                                     prior_device_date=day)
    with pytest.raises(hh_svc.InvalidHousehold) as err:
        hh_svc.register_household(session, data(dt.date(2030, 1, 1)), clerk)
    today = today_vn()
    assert err.value.field_errors["prior_device_date"] == (
        f"Ngày nhận thiết bị (01/01/2030) không được sau ngày hôm nay ({today:%d/%m/%Y}). "
        "Hãy kiểm tra lại ngày (ngày/tháng/năm).")
    assert hh_svc.register_household(session, data(today), clerk).prior_device_date == today


def test_after_today_is_worded_one_way_by_each_check(session, tt14):
    """check_not_future and check_programme_date (and the handover/payment dates:
    test_handover_service) say "after today" with the one message of domain.calendar, each for
    its own field; the programme's check adds the range it allows (from the rule set's start)."""
    today, day = dt.date(2026, 3, 20), dt.date(2026, 3, 21)
    with pytest.raises(FieldError) as bought:
        applications.check_not_future(day, "Ngày mua điện thoại", "purchase_date", today)
    assert (bought.value.field, str(bought.value)) == (
        "purchase_date",
        "Ngày mua điện thoại (21/03/2026) không được sau ngày hôm nay (20/03/2026). "
        "Hãy kiểm tra lại ngày (ngày/tháng/năm).")
    with pytest.raises(FieldError) as received:
        rulesets.check_programme_date(session, day, "Ngày nhận hồ sơ", "received_on", today)
    assert (received.value.field, str(received.value)) == (
        "received_on",
        "Ngày nhận hồ sơ (21/03/2026) không được sau ngày hôm nay (20/03/2026): chỉ ghi được ngày từ ngày "
        "12/12/2022 đến hôm nay (20/03/2026). Hãy kiểm tra lại ngày (ngày/tháng/năm).")
    # Today itself and no date at all pass both.
    applications.check_not_future(today, "Ngày mua điện thoại", "purchase_date", today)
    applications.check_not_future(None, "Ngày mua điện thoại", "purchase_date", today)
    rulesets.check_programme_date(session, today, "Ngày nhận hồ sơ", "received_on", today)


def test_the_other_dates_of_what_happened_say_after_today_the_one_way(session, clerk):
    """The complaint's received date, a household's prior device (its form and a list's column) and
    the approving decision's date: the one message of domain.calendar.after_today_message, each
    naming its own field (the wording written out here, not taken from the code)."""
    from subsidy.domain.decisions import DecisionValueError, check_decision_date
    from subsidy.domain.household_list.prior_device import parse_prior_device_date
    from subsidy.domain.vn import VnValueError
    from subsidy.services import complaints
    from subsidy.services.errors import InvalidFields

    today, day = dt.date(2026, 3, 20), dt.date(2026, 3, 21)
    with pytest.raises(InvalidFields) as received:
        complaints.record_case(session, complaints.CaseInput(
            kind="petition", filer="head", channel="in_person", category="other", text="Xin hỏi về máy",
            received_on=day), clerk, today=today)
    assert received.value.field_errors["received_on"] == (
        "Ngày nhận đơn (21/03/2026) không được sau ngày hôm nay (20/03/2026). Hãy kiểm tra lại ngày (ngày/tháng/năm).")
    with pytest.raises(VnValueError) as column:
        parse_prior_device_date("21/03/2026", today)
    assert str(column.value) == ("Ngày nhận thiết bị (21/03/2026) không được sau ngày hôm nay (20/03/2026). "
                                 "Hãy kiểm tra lại ngày (ngày/tháng/năm).")
    assert parse_prior_device_date("20/03/2026", today) == today
    with pytest.raises(DecisionValueError) as decided:
        check_decision_date(day, list_created_on=dt.date(2026, 3, 2), today=today)
    assert str(decided.value) == (
        "Ngày quyết định (21/03/2026) không được sau ngày hôm nay (20/03/2026): chỉ ghi được ngày từ ngày "
        "02/03/2026 đến hôm nay (20/03/2026). Hãy ghi ngày ký in trên quyết định.")
