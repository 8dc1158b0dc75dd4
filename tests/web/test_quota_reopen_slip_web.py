"""Screens for the allocation ceiling and voiding an allocation,
reopening a withdrawn or refused application, date errors shown on the form, the intake slip
linked after receiving an application and from its page, and tracking codes shown grouped."""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

from pypdf import PdfReader
from sqlalchemy import select

from subsidy.domain import tracking
from subsidy.domain.calendar import today_vn
from subsidy.models import Allocation, Application
from subsidy.services import handovers as H
from tests import factories
from tests.handover_support import handover_input
from tests.web.test_applications_web import client_as, data, make_application, sessionmaker, state_of  # noqa: F401


def html(resp) -> str:
    return resp.get_data(as_text=True)


def _one(app, model, *where):
    s = sessionmaker(app)()
    try:
        row = s.scalar(select(model).where(*where))
        s.expunge_all()
        return row
    finally:
        s.close()


# ------------------------------------------------------------------ allocations


def test_allocation_ceiling_and_void_through_the_screens(app, data):
    clerk = client_as(app, "clerk")
    r = clerk.post("/danh-sach/phan-bo", data={"quantity": "5000", "allocated_on": "01/11/2026",
                                                "source_document": "Công văn số 215/STTTT"}, follow_redirects=True)
    body = html(r)
    assert "phân bổ 5.000 máy" in body and "trong sổ (3 hộ)" in body  # three households on file
    assert _one(app, Allocation) is None
    r = clerk.post("/danh-sach/phan-bo", data={"quantity": "3", "allocated_on": "01/11/2026",
                                                "source_document": "Công văn số 215/STTTT"}, follow_redirects=True)
    assert "Đã ghi phân bổ 3 máy" in html(r)
    alid = _one(app, Allocation).id
    assert "Hủy phân bổ này" not in html(clerk.get("/danh-sach/"))  # approvers void
    assert clerk.post(f"/danh-sach/phan-bo/{alid}/huy", data={"reason": "Nhầm"}).status_code == 403
    approver = client_as(app, "approver")
    page = html(approver.get("/danh-sach/"))
    assert f'action="/danh-sach/phan-bo/{alid}/huy"' in page and "đang có trong sổ: 3 hộ" in page
    r = approver.post(f"/danh-sach/phan-bo/{alid}/huy", data={"reason": ""}, follow_redirects=True)
    assert "Hãy ghi rõ lý do." in html(r) and _one(app, Allocation).voided_at is None
    r = approver.post(f"/danh-sach/phan-bo/{alid}/huy", data={"reason": "Nhập nhầm số máy"}, follow_redirects=True)
    body = html(r)
    assert "Đã hủy phân bổ 3 máy" in body
    assert "<s>3 máy</s>" in body and "Đã hủy" in body and "Nhập nhầm số máy" in body
    assert re.search(r"<b>0</b>\s*máy được phân bổ", body)
    row = _one(app, Allocation)
    assert row.voided_at is not None and row.void_reason == "Nhập nhầm số máy"


# ------------------------------------------------------------------ reopening


def test_withdrawn_application_is_reopened_from_its_page(app, data):
    hid = data["households"][0]
    aid = make_application(app, hid)
    clerk = client_as(app, "clerk")
    clerk.post(f"/ho-so/{aid}/rut", data={"reason": "Hộ xin rút"})
    assert state_of(app, aid) == "withdrawn"
    page = html(clerk.get(f"/ho-so/{aid}"))
    assert f'action="/ho-so/{aid}/mo-lai"' in page and "Mở lại hồ sơ (hộ nộp lại)" in page
    # the new-application screen points to reopening instead of a dead end
    page = html(clerk.get(f"/ho-so/moi?household_id={hid}"))
    assert "Hồ sơ đó đã rút" in page and "«Mở lại hồ sơ»" in page and f'href="/ho-so/{aid}"' in page
    r = clerk.post("/ho-so/moi", data={"household_id": hid, "received_on": "05/11/2026", "support_form": "package"},
                   follow_redirects=True)
    assert "«Mở lại hồ sơ»" in html(r)
    assert f'action="/ho-so/{aid}/mo-lai"' not in html(client_as(app, "approver").get(f"/ho-so/{aid}"))
    r = clerk.post(f"/ho-so/{aid}/mo-lai", data={"reason": "Hộ nộp lại hồ sơ"}, follow_redirects=True)
    assert "Đã mở lại hồ sơ" in html(r)
    assert state_of(app, aid) == "received"
    assert "Lý do: Hộ nộp lại hồ sơ" in html(r)  # in the history


def test_refused_application_is_reopened_by_an_approver(app, data):
    aid = make_application(app, data["households"][1])
    approver = client_as(app, "approver")
    approver.post(f"/ho-so/{aid}/tu-choi", data={"reason": "Hộ không còn cư trú"})
    assert state_of(app, aid) == "refused"
    clerk = client_as(app, "clerk")
    assert f'action="/ho-so/{aid}/mo-lai"' not in html(clerk.get(f"/ho-so/{aid}"))
    clerk.post(f"/ho-so/{aid}/mo-lai", data={"reason": "x"})
    assert state_of(app, aid) == "refused"  # the workflow refuses a clerk
    assert f'action="/ho-so/{aid}/mo-lai"' in html(approver.get(f"/ho-so/{aid}"))
    approver.post(f"/ho-so/{aid}/mo-lai", data={"reason": "Hộ đã về lại xã"})
    assert state_of(app, aid) == "received"


# ------------------------------------------------------------------ dates on the form


def _field_error(page: str, name: str) -> str:
    m = re.search(r'<div class="field has-error">(?:(?!<div class="field).)*?name="%s".*?<div class="error">([^<]*)</div>'
                  % name, page, re.S)
    assert m, f"no error under {name}"
    return m.group(1)


def test_date_errors_are_shown_under_their_field(app, data):
    hid = data["households"][2]  # prior device unknown: the declaration fields are on the form
    clerk = client_as(app, "clerk")
    r = clerk.post("/ho-so/moi", data={"household_id": hid, "received_on": "01/01/2020", "support_form": "package"})
    assert r.status_code == 422
    msg = _field_error(html(r), "received_on")
    assert "01/01/2020" in msg and "12/12/2022" in msg
    tomorrow = (today_vn() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    r = clerk.post("/ho-so/moi", data={"household_id": hid, "received_on": "05/11/2026", "support_form": "package",
                                       "prior_device": "vtci_tablet", "prior_device_date": "01/01/2030"})
    assert "không được sau ngày hôm nay" in _field_error(html(r), "prior_device_date")
    r = clerk.post("/ho-so/moi", data={"household_id": hid, "received_on": tomorrow, "support_form": "package"})
    assert "không được sau ngày hôm nay" in _field_error(html(r), "received_on")
    assert _one(app, Application) is None


# ------------------------------------------------------------------ the intake slip


def test_intake_slip_after_receiving_and_from_the_application_page(app, data):
    hid = data["households"][0]
    clerk = client_as(app, "clerk")
    r = clerk.post("/ho-so/moi", data={"household_id": hid, "received_on": "05/11/2026", "support_form": "package"})
    assert r.status_code == 302
    a = _one(app, Application, Application.household_id == hid)
    page = html(clerk.get(r.headers["Location"]))
    slip_url = f"/ho-so/{a.id}/phieu-tiep-nhan.pdf"
    assert page.count(f'href="{slip_url}"') == 2  # in the message after saving, and on the page
    code = tracking.display(a.tracking_code)
    assert f"<b>{code}</b>" in page
    r = client_as(app, "approver").get(slip_url)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = unicodedata.normalize("NFC", PdfReader(io.BytesIO(r.data)).pages[0].extract_text())
    flat = " ".join(text.split())
    assert "Nguyễn Thị Ánh Tuyết" in flat and code in flat and "Số:" not in flat  # a slip has no number
    assert "http://127.0.0.1:5000/tra-cuu" in flat  # PUBLIC_BASE_URL of the test config
    assert "Người dùng clerk" in flat  # the receiving clerk signs


# ------------------------------------------------------------------ tracking codes shown grouped


def test_receipt_page_and_search_show_and_accept_the_grouped_code(app, data):
    s = sessionmaker(app)()
    a = factories.approved(s, head_name="Võ Thị Mai")
    from subsidy.models import User

    clerk_user = s.scalar(select(User).where(User.username == "clerk"))
    res = H.record_handover(s, a.id, handover_input("490154203237518"), clerk_user, today=dt.date(2026, 3, 20))
    s.commit()
    rid, raw = res.receipt.id, a.tracking_code
    s.close()
    clerk = client_as(app, "clerk")
    page = html(clerk.get(f"/bien-ban/{rid}"))
    assert f"Hồ sơ {tracking.display(raw)}" in page and f"Hồ sơ {raw}<" not in page
    for typed in (tracking.display(raw), raw.lower(), tracking.display(raw).lower()):
        assert f'href="/bien-ban/{rid}"' in html(clerk.get("/bien-ban/", query_string={"q": typed})), typed
    assert f'href="/bien-ban/{rid}"' not in html(clerk.get("/bien-ban/", query_string={"q": "ZZZZ-2222-ZZ"}))


def test_household_form_shows_a_future_prior_device_date_under_its_field(app, data):
    from subsidy.models import Household

    clerk = client_as(app, "clerk")
    r = clerk.post("/ho-gia-dinh/them", data={
        "code": "8277490478", "head_name": "Đinh Hồng Tư", "head_birth_year": "1994", "head_gender": "F",
        "citizen_id": "", "hamlet": "Ấp Phú Thành", "members": "5", "phone": "", "category": "near_poor",
        "list_year": "2025", "decision_number": "", "decision_date": "", "prior_device": "vtci_tablet",
        "prior_device_detail": "Máy tính bảng", "prior_device_date": "01/01/2030"})
    assert r.status_code == 422
    assert "01/01/2030" in _field_error(html(r), "prior_device_date")
    assert _one(app, Household, Household.code == "8277490478") is None
