"""The complaints register on the web: intake by the clerk, the case page with its deadlines and
the steps each role may take, the denunciation's named person, the list's filters and export, the
to-do entry and the province's view per commune. Dates are set relative to today (the pages
compute deadlines as of today); the exact due dates are checked in tests/services/test_complaints.py."""
from __future__ import annotations

import datetime as dt
import html

from sqlalchemy import select

from subsidy.domain.calendar import today_vn
from subsidy.models import AuditEntry, Complaint
from subsidy.services import complaints as svc
from tests import factories


def _household(app, **kw):
    s = app.extensions["subsidy.sessionmaker"]()
    h = factories.applicant(s, head_name=kw.pop("head_name", "Lê Văn Khánh"), **kw)
    s.commit()
    s.close()
    return h


def _case(app, actor_username: str, h, days_ago: int = 0, **kw):
    """A case recorded through the service ``days_ago`` calendar days before today (committed)."""
    s = app.extensions["subsidy.sessionmaker"]()
    from subsidy.models import User

    actor = s.scalar(select(User).where(User.username == actor_username))
    received = today_vn() - dt.timedelta(days=days_ago)
    data = dict(kind="complaint", filer="head", channel="in_person", category="eligibility", text="Xét sai",
                household_id=h.id, received_on=received, contested_on=received - dt.timedelta(days=5))
    data.update(kw)
    c = svc.record_case(s, svc.CaseInput(**data), actor)
    s.commit()
    s.close()
    return c


def _text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def test_clerk_records_a_complaint_and_sees_its_deadlines(app, client, login_as):
    login_as("clerk")
    h = _household(app)
    resp = client.post("/khieu-nai/moi", data={
        "kind": "complaint", "household_code": h.code, "filer": "head", "channel": "radio_hotline",
        "category": "priority", "text": "Hộ hàng xóm được nhận trước", "contested_on": (today_vn() - dt.timedelta(days=4)).strftime("%d/%m/%Y"),
        "received_on": today_vn().strftime("%d/%m/%Y"), "named_user": ""})
    assert resp.status_code == 302, _text(resp)[:2000]
    page = _text(client.get(resp.headers["Location"]))
    number = f"001/{today_vn().year}"
    assert f"Khiếu nại số {number}" in page and "Lê Văn Khánh" in page
    assert "Hạn thụ lý" in page and "Luật Khiếu nại 2011, Điều 27" in page
    assert "Thụ lý…" in page                     # the clerk's step
    assert "Ra quyết định giải quyết" not in page  # the approver's
    c = app.extensions["subsidy.sessionmaker"]().scalar(select(Complaint))
    assert (c.case_number, c.channel, c.category, c.application_id) == (number, "radio_hotline", "priority", None)


def test_intake_errors_are_shown_under_their_fields(app, client, login_as):
    login_as("clerk")
    resp = client.post("/khieu-nai/moi", data={"kind": "complaint", "household_code": "KHONG-CO", "filer": "head",
                                               "channel": "letter", "category": "quota", "text": "x"})
    page = _text(resp)
    assert resp.status_code == 422 and "Không tìm thấy hộ có mã hộ hoặc số CCCD này" in page
    resp = client.post("/khieu-nai/moi", data={"kind": "complaint", "household_code": "", "filer": "head",
                                               "channel": "letter", "category": "quota", "text": ""})
    assert "Ghi nội dung đơn" in _text(resp)


def test_roles_steps_and_audit(app, client, login_as, make_user):
    clerk = login_as("clerk")
    make_user("approver", "approver")
    h = _household(app)
    c = _case(app, "clerk", h)
    assert client.get("/khieu-nai/moi").status_code == 200
    resp = client.post(f"/khieu-nai/{c.id}/buoc/accepted", data={"on": "", "reason": ""})
    assert resp.status_code == 302
    resp = client.post(f"/khieu-nai/{c.id}/buoc/decided", data={"outcome": "upheld", "reason": "x"},
                       follow_redirects=True)
    # The refusal names the roles in Vietnamese (domain.labels.ROLE_LABELS), never their codes.
    assert "dành cho: Lãnh đạo xã (phê duyệt); tài khoản «Công chức VP-TK» không được" in _text(resp)
    assert "approver" not in _text(resp) and "«clerk»" not in _text(resp)
    assert resp.status_code == 422  # the case page shown again with the refusal (README: 422)
    resp = client.post(f"/khieu-nai/{c.id}/buoc/in_review", data={"on": "31/02/2026", "reason": ""})
    assert resp.status_code == 422 and f"Khiếu nại số {c.case_number}" in _text(resp)
    # A tampered step name is no page, and is never echoed back.
    resp = client.post(f"/khieu-nai/{c.id}/buoc/bogus", data={"on": "", "reason": ""})
    assert resp.status_code == 404 and "bogus" not in _text(resp)
    client.post("/dang-xuat")
    from tests.conftest import login

    login(client, "approver")
    assert client.get("/khieu-nai/moi").status_code == 403
    page = _text(client.get(f"/khieu-nai/{c.id}"))
    assert "Ra quyết định giải quyết…" in page and "Bắt đầu xác minh" not in page
    resp = client.post(f"/khieu-nai/{c.id}/buoc/decided", data={"outcome": "partly_upheld", "reason": "Xét lại E1"},
                       follow_redirects=True)
    assert "Đã giải quyết" in _text(resp)
    s = app.extensions["subsidy.sessionmaker"]()
    row = s.get(Complaint, c.id)
    assert (row.state, row.outcome, row.decided_on) == ("decided", "partly_upheld", today_vn())
    actions = s.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "complaint",
                                                        AuditEntry.action != "complaint.view")
                        .order_by(AuditEntry.id)).all()
    assert actions == ["complaint.record", "complaint.accept", "complaint.decide"]
    assert row.recorded_by_id == clerk.id


def test_pages_refused_to_roles_outside_the_register(client, login_as):
    for role in ("radio", "admin"):
        login_as(role)
        assert client.get("/khieu-nai/").status_code == 403
        client.post("/dang-xuat")


def test_a_denunciation_is_hidden_from_the_person_it_names(app, client, login_as, make_user):
    make_user("clerk", "clerk")
    approver = login_as("approver")
    h = _household(app)
    t = _case(app, "clerk", h, kind="denunciation", category="staff_conduct", contested_on=None,
              named_user_id=approver.id)
    other = _case(app, "clerk", h, kind="petition", category="quota", contested_on=None)
    page = _text(client.get("/khieu-nai/"))
    assert other.case_number in page and t.case_number not in page
    assert client.get(f"/khieu-nai/{t.id}").status_code == 404
    assert client.post(f"/khieu-nai/{t.id}/buoc/forwarded", data={"reason": "Thanh tra"}).status_code == 404
    assert t.case_number not in client.get("/khieu-nai/tai-ve.csv").get_data(as_text=True)
    s = app.extensions["subsidy.sessionmaker"]()
    assert s.get(Complaint, t.id).state == "received"
    s.close()


def test_list_filters_export_todo_and_province_view(app, client, login_as, make_user):
    login_as("clerk")
    h = _household(app, head_name="Phạm Thị Hoa")
    late = _case(app, "clerk", h, days_ago=30)   # 30 calendar days hold more than 10 working days
    fresh = _case(app, "clerk", _household(app), days_ago=0)
    page = _text(client.get("/khieu-nai/?han=overdue"))
    assert late.case_number in page and fresh.case_number not in page and "Quá hạn" in page
    page = _text(client.get("/khieu-nai/?q=pham+thi"))
    assert late.case_number in page and fresh.case_number not in page
    csv = client.get("/khieu-nai/tai-ve.csv?han=overdue")
    body = csv.get_data(as_text=True)
    assert csv.status_code == 200 and late.case_number in body and "Phạm Thị Hoa" in body and fresh.case_number not in body
    s = app.extensions["subsidy.sessionmaker"]()
    assert s.scalar(select(AuditEntry).where(AuditEntry.action == "list.export")).changes["list"] == "complaints"
    s.close()
    home = _text(client.get("/"))
    assert "1 đơn khiếu nại, kiến nghị, tố cáo đã quá hạn xử lý theo luật" in home
    client.post("/dang-xuat")
    from tests.conftest import login

    make_user("tinh", "province_officer")
    login(client, "tinh")
    page = _text(client.get("/tinh/khieu-nai"))
    row = page.split("<tbody>")[1].split("</tr>")[0]
    from subsidy.models import Commune

    s = app.extensions["subsidy.sessionmaker"]()
    code = s.scalar(select(Commune.code))
    s.close()
    assert "<td>2</td>" in row and f'han=overdue">1</a>' in row and f"xa={code}" in row
    listed = _text(client.get(f"/khieu-nai/?xa={code}&han=overdue"))
    assert late.case_number in listed and fresh.case_number not in listed
    assert late.case_number not in _text(client.get("/khieu-nai/?xa=KHONGCO"))


def test_the_two_documents_print_from_the_case(app, client, login_as, make_user):
    import io
    import unicodedata

    from pypdf import PdfReader

    login_as("clerk")
    make_user("approver", "approver")
    h = _household(app, head_name="Huỳnh Thị Mười")
    c = _case(app, "clerk", h, days_ago=3, text="Hộ tôi bị xếp sau hộ nộp muộn hơn")
    assert client.get(f"/khieu-nai/{c.id}/thong-bao-thu-ly.pdf").status_code == 302  # not accepted yet
    client.post(f"/khieu-nai/{c.id}/buoc/accepted", data={})
    page = _text(client.get(f"/khieu-nai/{c.id}"))
    assert "In thông báo thụ lý" in page and "In quyết định" not in page

    def pdf_text(url: str) -> str:
        resp = client.get(url)
        assert resp.status_code == 200 and resp.mimetype == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)
        return unicodedata.normalize("NFC", " ".join(text.split()))

    notice = pdf_text(f"/khieu-nai/{c.id}/thong-bao-thu-ly.pdf")
    s = app.extensions["subsidy.sessionmaker"]()
    row = s.get(Complaint, c.id)
    due = svc.case_deadlines(svc.dates_of(row), today_vn())[-1]
    s.close()
    assert "Huỳnh Thị Mười" in notice and "Hộ tôi bị xếp sau hộ nộp muộn hơn" in notice
    assert due.key == "first_decision" and due.due.strftime("%d/%m/%Y") in notice
    received = (today_vn() - dt.timedelta(days=3)).strftime("%d/%m/%Y")  # the day received, said once
    assert f"Ngày {received}," in notice and "nhận ngày" not in notice
    client.post("/dang-xuat")
    from tests.conftest import login

    login(client, "approver")
    client.post(f"/khieu-nai/{c.id}/buoc/decided", data={"outcome": "rejected", "reason": "Hai hộ cùng nhóm P3, xét theo ngày nộp"})
    decision = pdf_text(f"/khieu-nai/{c.id}/quyet-dinh.pdf")
    assert "Hai hộ cùng nhóm P3, xét theo ngày nộp" in decision
    # who carries the decision out: the clerk as the app names them (domain.md §1), not another office
    assert "Công chức Văn phòng - thống kê, ông (bà) Huỳnh Thị Mười chịu trách nhiệm thi hành" in decision
    assert "Văn hóa" not in decision
    assert "Nội dung khiếu nại của ông (bà) Huỳnh Thị Mười là không đúng" in decision


def test_a_complaint_past_its_filing_window_is_marked_on_the_list_and_the_case(app, client, login_as):
    """Contested 01/01/2020: received years after the 90 days (Điều 9). The acceptance deadline
    still runs («Còn hạn»), and both pages say «Quá thời hiệu» beside it, consistently."""
    login_as("clerk")
    h = _household(app)
    late = _case(app, "clerk", h, contested_on=dt.date(2020, 1, 1), filer="representative", filer_name="Na" * 60)
    fresh = _case(app, "clerk", _household(app, head_name="Trần Thị Bé"))
    listing = _text(client.get("/khieu-nai/"))
    assert listing.count("Quá thời hiệu") == 1
    page = _text(client.get(f"/khieu-nai/{late.id}"))
    assert "Còn hạn" in page and '<span class="badge bad">Quá thời hiệu</span>' in page
    assert "Quá thời hiệu" not in _text(client.get(f"/khieu-nai/{fresh.id}"))
    # the details card breaks a long unspaced name (app.css: .case-details) rather than overflow 390 px
    assert 'class="card case-details"' in page and "Na" * 60 in page
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert ".case-details{overflow-wrap:anywhere}" in css
    text = client.get("/khieu-nai/tai-ve.csv").get_data(as_text=True)
    assert "Còn hạn · Quá thời hiệu" in text


def test_a_second_complaint_sent_back_answers_422_with_its_form_open(app, client, login_as, make_user):
    login_as("clerk")
    make_user("approver", "approver")
    c = _case(app, "clerk", _household(app), days_ago=2)
    s = app.extensions["subsidy.sessionmaker"]()
    from subsidy.models import User

    row = s.get(Complaint, c.id)
    svc.move_case(s, row, "accepted", s.scalar(select(User).where(User.username == "clerk")))
    svc.move_case(s, row, "decided", s.scalar(select(User).where(User.username == "approver")), outcome="rejected",
                  reason="Đúng quy định")
    s.commit()
    s.close()
    resp = client.post(f"/khieu-nai/{c.id}/lan-hai", data={"text": "", "channel": "in_person", "received_on": ""})
    page = _text(resp)
    assert resp.status_code == 422 and "Ghi nội dung khiếu nại lần hai." in page
    assert '<details class="move" open>' in page


def test_an_empty_household_code_says_what_to_type_and_anonymous_goes_without(app, client, login_as, read_session):
    """Only an anonymous case has no household: an empty code on another case asks for the code or
    CCCD (not «không tìm thấy»); the anonymous one is recorded without a household."""
    login_as("clerk")
    data = {"kind": "petition", "household_code": "  ", "filer": "head", "channel": "letter", "category": "quota",
            "text": "Đề nghị xem lại chỉ tiêu của ấp."}
    resp = client.post("/khieu-nai/moi", data=data)
    page = _text(resp)
    assert resp.status_code == 422 and "Không tìm thấy" not in page
    assert ("Hãy nhập mã hộ hoặc số CCCD của chủ hộ gửi đơn (tìm ở trang «Hộ gia đình» nếu chưa biết). Chỉ đơn nặc "
            "danh mới để trống ô này: khi đó chọn «Nặc danh (không rõ họ tên, địa chỉ)» ở ô Người gửi đơn.") in page
    assert read_session.scalar(select(Complaint)) is None
    read_session.rollback()
    resp = client.post("/khieu-nai/moi", data={**data, "filer": "anonymous"})
    assert resp.status_code == 302
    c = read_session.scalar(select(Complaint))
    assert (c.filer, c.household_id) == ("anonymous", None)


def test_a_case_page_shown_again_after_a_refusal_logs_the_view_once(app, client, login_as):
    """The case page a refused step gives back (422) shows the household's name: the view is logged
    for the clerk once, in the request's own transaction, and nothing of the refused step stays."""
    clerk = login_as("clerk")
    c = _case(app, "clerk", _household(app))
    resp = client.post(f"/khieu-nai/{c.id}/buoc/in_review", data={"on": "31/02/2026", "reason": ""})
    assert resp.status_code == 422
    s = app.extensions["subsidy.sessionmaker"]()
    views = s.scalars(select(AuditEntry).where(AuditEntry.entity_type == "complaint",
                                               AuditEntry.action == "complaint.view")).all()
    assert [(v.entity_id, v.actor_id) for v in views] == [(c.id, clerk.id)]
    assert s.get(Complaint, c.id).state == "received"


def test_a_step_dated_before_the_case_was_received_is_422_with_the_dates_allowed(app, client, login_as):
    login_as("clerk")
    c = _case(app, "clerk", _household(app), days_ago=3)
    received, today = today_vn() - dt.timedelta(days=3), today_vn()
    early = received - dt.timedelta(days=1)
    resp = client.post(f"/khieu-nai/{c.id}/buoc/accepted", data={"on": f"{early:%d/%m/%Y}", "reason": ""})
    assert resp.status_code == 422
    assert (f"Ngày thực hiện ({early:%d/%m/%Y}) không được trước ngày nhận đơn ({received:%d/%m/%Y}): chỉ ghi được "
            f"ngày từ ngày {received:%d/%m/%Y} đến hôm nay ({today:%d/%m/%Y}). Hãy kiểm tra lại ngày "
            "(ngày/tháng/năm).") in _text(resp)
    s = app.extensions["subsidy.sessionmaker"]()
    assert s.get(Complaint, c.id).state == "received"
    s.close()
