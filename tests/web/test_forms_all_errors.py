"""Forms say everything after one submit: every mistake on its field, what was typed kept, 422.

The household form used to answer in stages (a date, then CCCD and phone, then the CCCD/sex
confirmation): four submits for one bad form."""
from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from subsidy.models import Household
from tests import factories
from tests.web.test_households_web import form_data


def _errors(body: str) -> list[str]:
    return re.findall(r'<div class="error">([^<]+)</div>', body)


def test_household_form_shows_date_cccd_phone_and_the_sex_warning_at_once(app, client, login_as, read_session):
    login_as("clerk")
    # a bad decision date (form check), a CCCD with a letter and a bad phone (service checks), and
    # a birth year that disagrees with the CCCD of the confirmation stage: one submit.
    resp = client.post("/ho-gia-dinh/them", data=form_data(decision_date="31/02/2025", citizen_id="08219418461X",
                                                           phone="0123", head_birth_year="abc"))
    assert resp.status_code == 422
    body = html.unescape(resp.get_data(as_text=True))
    errs = _errors(body)
    assert len(errs) >= 4, errs
    assert 'value="31/02/2025"' in body and 'value="08219418461X"' in body and 'value="0123"' in body
    assert read_session.scalar(select(func.count()).select_from(Household)) == 0

    # dates and CCCD right, but the CCCD says a woman born 1994 and the form says 1990 + a bad phone:
    # the warning to confirm and the phone error come together
    resp = client.post("/ho-gia-dinh/them", data=form_data(head_birth_year="1990", phone="0123"))
    body = html.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 422 and "Cần xác nhận số CCCD" in body and len(_errors(body)) == 1


def test_code_and_cccd_on_file_are_field_errors_with_the_others(app, client, login_as):
    login_as("clerk")
    s = app.extensions["subsidy.sessionmaker"]()
    factories.household(s, code="8277490478", citizen_id="082194184616", head_name="Người Khác")
    s.commit()
    s.close()
    resp = client.post("/ho-gia-dinh/them", data=form_data(phone="12"))
    body = html.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 422
    errs = " | ".join(_errors(body))
    assert "Mã hộ 8277490478 đã có" in errs and "số điện thoại" in errs.lower()


def test_account_form_keeps_what_was_typed_and_admin_edits_a_full_name(app, client, login_as, read_session):
    from subsidy.models import AuditEntry, User

    admin = login_as("admin")
    resp = client.post("/quan-tri/tai-khoan/tao", data={"username": "Thu Hà!", "full_name": "Nguyễn Thị Thu Hà",
                                                         "role": "clerk"})
    body = html.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 422
    assert 'value="Thu Hà!"' in body and 'value="Nguyễn Thị Thu Hà"' in body
    assert any("Tên đăng nhập gồm 2–64 ký tự" in e for e in _errors(body))
    resp = client.post("/quan-tri/tai-khoan/tao", data={"username": "admin", "full_name": "Lê Văn Xuân", "role": "clerk"})
    assert resp.status_code == 422 and any("đã có người dùng" in e for e in _errors(html.unescape(resp.get_data(as_text=True))))

    clerk = factories.user(s := app.extensions["subsidy.sessionmaker"](), "clerk", "thuha", full_name="Nguyen Thi Ha")
    s.commit()
    s.close()
    resp = client.post(f"/quan-tri/tai-khoan/{clerk.id}/ho-ten", data={"full_name": "  "})
    assert resp.status_code == 422
    resp = client.post(f"/quan-tri/tai-khoan/{clerk.id}/ho-ten", data={"full_name": " Nguyễn  Thị Thu Hà "})
    assert resp.status_code == 302
    assert read_session.get(User, clerk.id).full_name == "Nguyễn Thị Thu Hà"
    entry = read_session.scalars(select(AuditEntry).where(AuditEntry.action == "user.full_name")).one()
    assert (entry.actor_id, entry.changes) == (admin.id, {"full_name": ["Nguyen Thi Ha", "Nguyễn Thị Thu Hà"]})


def test_allocation_form_keeps_what_was_typed(app, client, login_as):
    login_as("clerk")
    resp = client.post("/danh-sach/phan-bo", data={"quantity": "abc", "allocated_on": "32/01/2026",
                                                    "source_document": "", "note": "Đợt 2"})
    body = html.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 422
    assert 'value="abc"' in body and 'value="32/01/2026"' in body and "Đợt 2" in body
    errs = " | ".join(_errors(body))
    assert "Phải là số nguyên" in errs and "không có ngày 32" in errs and "Hãy ghi văn bản phân bổ" in errs
    assert "<details class=\"move\" open>" in body
    # the ceiling (more phones than poor and near-poor households) under the number, input kept
    resp = client.post("/danh-sach/phan-bo", data={"quantity": "5", "allocated_on": "05/01/2026",
                                                    "source_document": "CV 12/STTTT"})
    body = html.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 422 and 'value="CV 12/STTTT"' in body and len(_errors(body)) == 1


def test_required_fields_are_marked(app, client, login_as):
    login_as("clerk")
    page = client.get("/ho-gia-dinh/them").get_data(as_text=True)
    marked = re.findall(r'<label for="([a-z_]+)">[^<]*<span class="req">\*</span>', page)
    assert set(marked) == {"code", "head_name", "hamlet", "members"}


def test_application_form_shows_every_date_mistake_at_once(app, client, login_as):
    from subsidy.services import rulesets

    login_as("clerk")
    s = app.extensions["subsidy.sessionmaker"]()
    rulesets.load_shipped(s)
    h = factories.applicant(s, prior_device="unknown")  # the form asks for the prior device then
    s.commit()
    hid = h.id
    s.close()
    resp = client.post("/ho-so/moi", data={"household_id": str(hid), "support_form": "cash", "received_on": "01/01/2022",
                                            "purchase_date": "01/01/2099", "prior_device": "vtci_tablet",
                                            "prior_device_date": "31/02/2024"})
    body = html.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 422
    errs = " | ".join(_errors(body))
    assert "01/01/2022" in errs and "01/01/2099" in errs and "không có ngày 31" in errs
    assert 'value="01/01/2099"' in body
