"""Handover screens: record a handover / payment, the receipt list with search, print and
reprint, void with a reason; who may do what; the form errors; CSRF."""
from __future__ import annotations

import html

import io
import itertools
import re
import unicodedata
from html.parser import HTMLParser

import pytest
from flask import render_template
from pypdf import PdfReader
from sqlalchemy import func, select

from subsidy.domain import tracking
from subsidy.domain.calendar import today_vn
from subsidy.models import Application, AuditEntry, CashPayment, Handover, HandoverImei, Receipt, ReceiptCounter
from tests import factories
from tests.conftest import csrf_token_from, login

IMEI_A = "490154203237518"
IMEI_B = "356938035643809"


_cccd = itertools.count(1234)


def committed_application(app, **kw) -> tuple[int, str]:
    """An approved application (committed), its head with a CCCD of its own."""
    with app.extensions["subsidy.sessionmaker"]() as s:
        a = factories.approved(s, citizen_id=f"082095{next(_cccd):06d}", **kw)
        s.commit()
        return a.id, a.tracking_code


def handover_form(**kw):
    """The handover form's fields; the SIM number follows the IMEI (one SIM per phone), so two
    handovers never share a SIM unless a test says so (that asks the clerk to confirm). The
    recipient is a relative the registry does not know: a CCCD no household here holds (the heads'
    run from 082095001234 up, and a head's CCCD under another name is refused), vouched for by the clerk
    as a member off the household's list."""
    data = {"phone_make": "Samsung", "phone_model": "Galaxy A05", "imei": IMEI_A, "imei2": "", "telecom": "VNPT",
            "handed_on": "10/03/2026", "recipient_name": "Đặng Văn Hưởng", "recipient_citizen_id": "082096001234",
            "recipient_relation": "Con trai chủ hộ, có tên trong thông tin cư trú của hộ", "confirm_recipient": "y"}
    data.update(kw)
    data.setdefault("subscriber_number", "09" + "".join(c for c in data["imei"] if c.isdigit())[-8:])
    return data


def text(resp) -> str:
    return resp.get_data(as_text=True)


def pdf_text(data: bytes) -> str:
    return " ".join(unicodedata.normalize("NFC", p.extract_text()) for p in PdfReader(io.BytesIO(data)).pages)


def count(app, model, *where) -> int:
    with app.extensions["subsidy.sessionmaker"]() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_clerk_records_a_handover_then_prints_and_reprints(app, client, login_as):
    app_id, code = committed_application(app)
    with app.extensions["subsidy.sessionmaker"]() as s:
        cccd = s.get(Application, app_id).household.citizen_id
    login_as("clerk")
    page = client.get(f"/ho-so/{app_id}/ban-giao")
    assert page.status_code == 200
    body = text(page)
    assert "Nguyễn Thị Ánh Tuyết" in body and f'value="{cccd}"' in body  # prefilled: the head
    for t in ("VNPT", "Viettel", "MobiFone", "Vietnamobile", "Gmobile"):
        assert f'<option value="{t}"' in body

    resp = client.post(f"/ho-so/{app_id}/ban-giao", data=handover_form(handed_on="2026-03-10"))
    assert resp.status_code == 302
    with app.extensions["subsidy.sessionmaker"]() as s:
        r = s.scalar(select(Receipt))
        assert resp.headers["Location"].endswith(f"/bien-ban/{r.id}")
        assert (r.display_number, s.get(Application, app_id).state) == ("01/BB-UBND", "handed_over")
        rid = r.id
    show = client.get(f"/bien-ban/{rid}")
    assert show.status_code == 200 and "01/BB-UBND" in text(show) and IMEI_A in text(show)

    # looking at it, as often as one likes, does not use up the original
    assert "In bản chính" in text(show) and "Xem trước" in text(show)
    for _ in range(2):
        look = client.get(f"/bien-ban/{rid}/xem-truoc.pdf")
        assert look.status_code == 200 and look.mimetype == "application/pdf"
        assert "BẢN XEM TRƯỚC" in pdf_text(look.data) and IMEI_A in pdf_text(look.data)
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.get(Receipt, rid).print_count == 0
    assert count(app, AuditEntry, AuditEntry.note == "bản xem trước (PDF)") == 2
    # no reprint before the original
    early = client.post(f"/bien-ban/{rid}/in-lai.pdf", follow_redirects=True)
    assert "Chưa in bản chính" in text(early)
    first = client.post(f"/bien-ban/{rid}/ban-chinh.pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    t1 = pdf_text(first.data)
    assert "01/BB-UBND" in t1 and IMEI_A in t1 and "IN LẠI" not in t1 and "BẢN SAO" not in t1
    assert "XEM TRƯỚC" not in t1
    again = client.post(f"/bien-ban/{rid}/ban-chinh.pdf", follow_redirects=True)  # the original is printed once
    assert again.mimetype == "text/html" and "Bản chính của biên bản này đã được in" in text(again)
    second = client.post(f"/bien-ban/{rid}/in-lai.pdf")
    t2 = pdf_text(second.data)
    assert "IN LẠI" in t2 and "BẢN SAO" not in t2 and t2.replace("IN LẠI", "").split() != []
    page = text(client.get(f"/bien-ban/{rid}"))
    assert "In lại (có dấu «IN LẠI» và giờ in)" in page and "bản chính đã in, in lại 1 lần" in page
    with app.extensions["subsidy.sessionmaker"]() as s:
        actions = [a for (a,) in s.execute(select(AuditEntry.action).where(
            AuditEntry.entity_type == "receipt", AuditEntry.action.like("receipt.%print%")).order_by(AuditEntry.id))]
        assert actions == ["receipt.print_original", "receipt.reprint"]


def test_handover_form_errors_are_shown_and_nothing_is_saved(app, client, login_as):
    app_id, _ = committed_application(app)
    login_as("clerk")
    bad = client.post(f"/ho-so/{app_id}/ban-giao", data=handover_form(imei="490154203237519"))
    assert bad.status_code == 422
    assert "sai chữ số kiểm tra" in text(bad)
    same = client.post(f"/ho-so/{app_id}/ban-giao", data=handover_form(imei2="４９０１５４２０３２３７５１８"))
    assert same.status_code == 422 and "trùng IMEI thứ nhất" in text(same)
    bad_date = client.post(f"/ho-so/{app_id}/ban-giao", data=handover_form(handed_on="31/02/2026"))
    assert bad_date.status_code == 422 and "31/02/2026" in text(bad_date)
    missing = client.post(f"/ho-so/{app_id}/ban-giao", data=handover_form(phone_make=""))
    assert missing.status_code == 422 and "Hãy nhập hãng điện thoại." in text(missing)
    assert count(app, Handover) == 0 and count(app, Receipt) == 0


class FormPage(HTMLParser):
    """What a form page shows: ``errors`` maps the id of each input/select to the messages in its
    ``div.field``; ``values`` the value of each text input; ``summary`` the items of the error
    list at the top as (text, link target)."""

    def __init__(self, html: str):
        super().__init__()
        self.errors: dict[str, list[str]] = {}
        self.values: dict[str, str] = {}
        self.summary: list[tuple[str, str | None]] = []
        self._divs: list[list[str]] = []  # classes of the open divs
        self._field_id: str | None = None
        self._error: list[str] | None = None  # the message being read under a field
        self._item: list[str] | None = None  # the summary item being read
        self._href: str | None = None
        self.feed(html)

    def _inside(self, cls: str) -> bool:
        return any(cls in d for d in self._divs)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div":
            cls = (a.get("class") or "").split()
            if "field" in cls:
                self._field_id = None
            if "error" in cls and self._divs and "field" in self._divs[-1] and self._field_id:
                self._error = []
            self._divs.append(cls)
        elif tag in ("input", "select") and self._inside("field"):
            self._field_id = a.get("id")
            if tag == "input" and a.get("type", "text") == "text":
                self.values[a["id"]] = a.get("value") or ""
        elif tag == "li" and self._inside("error-summary"):
            self._item, self._href = [], None
        elif tag == "a" and self._item is not None:
            self._href = a.get("href")

    def handle_endtag(self, tag):
        if tag == "div" and self._divs:
            self._divs.pop()
            if self._error is not None:
                self.errors.setdefault(self._field_id, []).append(" ".join("".join(self._error).split()))
                self._error = None
        elif tag == "li" and self._item is not None:
            self.summary.append((" ".join("".join(self._item).split()), self._href))
            self._item = None

    def handle_data(self, data):
        for sink in (self._error, self._item):
            if sink is not None:
                sink.append(data)


# The tester's case: bad IMEI, subscriber number 12345, receiver's CCCD 0821399, date 01/01/2020.
TESTER_CASE = {"imei": "490154203237519", "subscriber_number": "12345", "recipient_citizen_id": "0821399",
               "handed_on": "01/01/2020"}
TESTER_MESSAGES = {
    "imei": ("Số IMEI 490154203237519 sai chữ số kiểm tra (chữ số cuối không khớp với 14 chữ số đầu), có thể "
             "đã gõ nhầm một chữ số. Bấm *#06# trên máy và nhập lại cẩn thận."),
    "subscriber_number": ("Số thuê bao: Số điện thoại «12345» có 5 chữ số, nhưng số di động phải có đúng 10 chữ "
                          "số. Hãy kiểm tra lại với người dân."),
    "recipient_citizen_id": ("Số CCCD «0821399» có 7 chữ số, nhưng số CCCD phải có đúng 12 chữ số (hoặc 9 chữ số "
                             "nếu là số CMND cũ). Hãy kiểm tra lại trên thẻ căn cước và nhập đủ 12 chữ số."),
    "handed_on": ("Ngày bàn giao (01/01/2020) không được trước ngày hồ sơ được phê duyệt (02/03/2026): chỉ ghi được "
                  f"ngày từ ngày 02/03/2026 đến hôm nay ({today_vn():%d/%m/%Y}). Hãy kiểm tra lại ngày (ngày/tháng/năm)."),
}


def nothing_saved(app) -> bool:
    return (count(app, Handover), count(app, HandoverImei), count(app, CashPayment), count(app, Receipt),
            count(app, ReceiptCounter)) == (0, 0, 0, 0, 0)


def test_tester_case_shows_every_handover_error_in_one_response(app, client, login_as):
    app_id, _ = committed_application(app)
    login_as("clerk")
    resp = client.post(f"/ho-so/{app_id}/ban-giao", data=handover_form(**TESTER_CASE))
    assert resp.status_code == 422
    page = FormPage(text(resp))
    assert page.errors == {k: [v] for k, v in TESTER_MESSAGES.items()}  # each under its own field
    assert page.summary == [  # the list at the top, in page order, each linking to its field
        ("Số IMEI: " + TESTER_MESSAGES["imei"], "#imei"),
        ("Số thuê bao đã kích hoạt: " + TESTER_MESSAGES["subscriber_number"], "#subscriber_number"),
        ("Số CCCD của người nhận: " + TESTER_MESSAGES["recipient_citizen_id"], "#recipient_citizen_id"),
        ("Ngày bàn giao: " + TESTER_MESSAGES["handed_on"], "#handed_on"),
    ]
    assert "Biên bản bàn giao chưa được lưu: có 4 ô cần sửa." in text(resp)
    # What the clerk typed is still there.
    assert {k: page.values[k] for k in ("phone_make", "phone_model", "imei", "subscriber_number", "recipient_name",
                                        "recipient_citizen_id", "handed_on")} == {
        "phone_make": "Samsung", "phone_model": "Galaxy A05", "imei": "490154203237519", "subscriber_number": "12345",
        "recipient_name": "Đặng Văn Hưởng", "recipient_citizen_id": "0821399", "handed_on": "01/01/2020"}
    assert '<option selected value="VNPT">' in text(resp) or '<option value="VNPT" selected>' in text(resp)
    assert nothing_saved(app)
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.get(Application, app_id).state == "approved"

    ok = client.post(f"/ho-so/{app_id}/ban-giao", data=handover_form())
    assert ok.status_code == 302
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.scalar(select(Receipt)).display_number == "01/BB-UBND"  # no number was used up


def test_form_errors_and_service_errors_show_together(app, client, login_as):
    """A field the form itself refuses (empty make, unreadable date) does not hide the others."""
    app_id, _ = committed_application(app)
    login_as("clerk")
    resp = client.post(f"/ho-so/{app_id}/ban-giao", data=handover_form(
        phone_make="", imei="490154203237519", telecom="", subscriber_number="12345", handed_on="31/02/2026"))
    assert resp.status_code == 422
    page = FormPage(text(resp))
    assert list(page.errors) == ["phone_make", "imei", "telecom", "subscriber_number", "handed_on"]
    assert page.errors["phone_make"] == ["Hãy nhập hãng điện thoại."]
    assert page.errors["imei"] == [TESTER_MESSAGES["imei"]]
    assert page.errors["telecom"] == ["Hãy chọn doanh nghiệp viễn thông."]
    assert page.errors["subscriber_number"] == [TESTER_MESSAGES["subscriber_number"]]
    assert len(page.errors["handed_on"]) == 1 and "31/02/2026" in page.errors["handed_on"][0]
    assert page.values["handed_on"] == "31/02/2026" and page.values["imei"] == "490154203237519"
    assert len(page.summary) == 5
    assert nothing_saved(app)


#: A recipient off the household's list, vouched for by the clerk (checks R6).
VOUCHED = {"recipient_relation": "Con gái chủ hộ, có tên trong thông tin cư trú của hộ", "confirm_recipient": "y"}


def test_cash_form_shows_every_error_in_one_response(app, client, login_as):
    app_id, _ = committed_application(app, form="cash")
    login_as("clerk")
    typed = {"paid_on": "01/01/2020", "purchase_date": "11/12/2022", "recipient_name": "Huỳnh Mỹ Nhung",
             "recipient_citizen_id": "0821399"}
    resp = client.post(f"/ho-so/{app_id}/chi-tien", data=typed)
    assert resp.status_code == 422
    page = FormPage(text(resp))
    assert page.errors == {
        "paid_on": ["Ngày chi tiền (01/01/2020) không được trước ngày hồ sơ được phê duyệt (02/03/2026): chỉ ghi "
                    f"được ngày từ ngày 02/03/2026 đến hôm nay ({today_vn():%d/%m/%Y}). Hãy kiểm tra lại ngày "
                    "(ngày/tháng/năm)."],
        "purchase_date": ["Ngày mua máy 11/12/2022 trước ngày 12/12/2022: chỉ hỗ trợ bằng tiền cho hộ tự mua điện "
                          "thoại từ ngày này trở đi (điều kiện E5, Thông tư 14/2022/TT-BTTTT)."],
        "recipient_citizen_id": [TESTER_MESSAGES["recipient_citizen_id"]],
    }
    assert [href for _, href in page.summary] == ["#paid_on", "#purchase_date", "#recipient_citizen_id"]
    assert "Giấy biên nhận chưa được lưu: có 3 ô cần sửa." in text(resp)
    assert {k: page.values[k] for k in typed} == typed
    assert nothing_saved(app)

    # A date the form cannot read does not hide the others.
    resp = client.post(f"/ho-so/{app_id}/chi-tien", data=dict(typed, paid_on="32/01/2026"))
    page = FormPage(text(resp))
    assert resp.status_code == 422 and list(page.errors) == ["paid_on", "purchase_date", "recipient_citizen_id"]
    assert page.values["paid_on"] == "32/01/2026"

    ok = client.post(f"/ho-so/{app_id}/chi-tien", data=dict(typed, paid_on="12/03/2026", purchase_date="15/01/2023",
                                                            recipient_citizen_id="082195004321", **VOUCHED))
    assert ok.status_code == 302
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.scalar(select(Receipt)).display_number == "01/BN-UBND"


def test_cash_date_without_rule_set_keeps_the_form(app, client, login_as):
    """Rule sets loaded and none in force on the typed date: the form stays (with what was typed)
    and the message is on the date, instead of the page replacing the form with it."""
    with app.extensions["subsidy.sessionmaker"]() as s:
        from subsidy.services import rulesets

        rulesets.load_shipped(s)
        s.commit()
    app_id, _ = committed_application(app, form="cash")
    login_as("clerk")
    resp = client.post(f"/ho-so/{app_id}/chi-tien", data={
        "paid_on": "01/06/2022", "purchase_date": "15/01/2023", "recipient_name": "Huỳnh Mỹ Nhung",
        "recipient_citizen_id": "082195004321"})
    assert resp.status_code == 422
    page = FormPage(text(resp))
    assert page.values["paid_on"] == "01/06/2022" and page.values["recipient_name"] == "Huỳnh Mỹ Nhung"
    assert page.errors["paid_on"][0].startswith("Ngày chi tiền (01/06/2022) không được trước ngày hồ sơ")
    assert "500.000 đồng" in text(resp)  # the amount of the rule set in force today
    assert nothing_saved(app)


def test_duplicate_imei_refused_by_the_form(app, client, login_as):
    first_id, first_code = committed_application(app)
    second_id, _ = committed_application(app)
    login_as("clerk")
    assert client.post(f"/ho-so/{first_id}/ban-giao", data=handover_form()).status_code == 302
    dup = client.post(f"/ho-so/{second_id}/ban-giao", data=handover_form(imei="49 015420 323751 8"))
    assert dup.status_code == 422
    body = text(dup)
    assert f"Số IMEI {IMEI_A} đã được ghi" in body and "01/BB-UBND" in body and tracking.display(first_code) in body
    assert count(app, Handover) == 1


def test_cash_payment_screen(app, client, login_as):
    app_id, _ = committed_application(app, form="cash")
    login_as("clerk")
    page = client.get(f"/ho-so/{app_id}/chi-tien")
    assert page.status_code == 200 and "500.000 đồng" in text(page) and "Năm trăm nghìn đồng" in text(page)
    early = client.post(f"/ho-so/{app_id}/chi-tien", data={
        "paid_on": "12/03/2026", "purchase_date": "11/12/2022", "recipient_name": "Huỳnh Mỹ Nhung",
        "recipient_citizen_id": "082195004321"})
    assert early.status_code == 422 and "trước ngày 12/12/2022" in text(early)
    ok = client.post(f"/ho-so/{app_id}/chi-tien", data={
        "paid_on": "12/03/2026", "purchase_date": "2023-01-15", "recipient_name": "Huỳnh Mỹ Nhung",
        "recipient_citizen_id": "082195004321", **VOUCHED})
    assert ok.status_code == 302
    rid = int(ok.headers["Location"].rsplit("/", 1)[1])
    t = pdf_text(client.post(f"/bien-ban/{rid}/ban-chinh.pdf").data)
    assert "01/BN-UBND" in t and "Năm trăm nghìn đồng" in t and "Huỳnh Mỹ Nhung" in t
    # The package form is not offered for a cash application.
    assert "dùng «Chi tiền hỗ trợ»" in text(client.get(f"/ho-so/{app_id}/ban-giao"))


def test_approver_voids_with_reason_then_clerk_hands_over_again(app, client, make_user):
    app_id, _ = committed_application(app)
    make_user("clerk", "clerk")
    make_user("approver", "approver")
    login(client, "clerk")
    client.post(f"/ho-so/{app_id}/ban-giao", data=handover_form())
    with app.extensions["subsidy.sessionmaker"]() as s:
        rid = s.scalar(select(Receipt.id))
    assert client.get(f"/bien-ban/{rid}/huy").status_code == 403  # a clerk may not void
    client.post("/dang-xuat")
    login(client, "approver")
    page = client.get(f"/bien-ban/{rid}/huy")
    assert page.status_code == 200 and "Lý do hủy" in text(page) and 'data-confirm="Hủy' in text(page)
    empty = client.post(f"/bien-ban/{rid}/huy", data={"reason": "  "})
    assert empty.status_code == 422 and count(app, Receipt, Receipt.voided_at.is_not(None)) == 0
    # a reason of one letter (or of digits and dots) says nothing: refused with the rule
    for short in ("x", "1.2.3", "ab c"):
        refused = client.post(f"/bien-ban/{rid}/huy", data={"reason": short})
        assert refused.status_code == 422 and "ít nhất 5 chữ cái" in html.unescape(text(refused)), short
    assert count(app, Receipt, Receipt.voided_at.is_not(None)) == 0
    done = client.post(f"/bien-ban/{rid}/huy", data={"reason": "Ghi nhầm IMEI"})
    assert done.status_code == 302
    show = text(client.get(f"/bien-ban/{rid}"))
    assert "ĐÃ HỦY" in show and "Ghi nhầm IMEI" in show
    assert "ĐÃ HỦY" in pdf_text(client.post(f"/bien-ban/{rid}/in-lai.pdf").data)
    assert "ĐÃ HỦY" in pdf_text(client.get(f"/bien-ban/{rid}/xem-truoc.pdf").data)
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.get(Application, app_id).state == "approved"
    client.post("/dang-xuat")
    login(client, "clerk")
    again = client.post(f"/ho-so/{app_id}/ban-giao", data=handover_form())  # the IMEI was freed
    assert again.status_code == 302
    assert count(app, Receipt) == 2 and count(app, Handover) == 2


def test_receipt_list_search_and_pagination(app, client, login_as):
    ids = [committed_application(app)[0] for _ in range(3)]
    login_as("clerk")
    imeis = [IMEI_A, IMEI_B, "352099001761481"]
    names = ["Đặng Văn Hưởng", "Lê Thị Hồng", "Trần Văn Đức"]
    for app_id, imei, name in zip(ids, imeis, names):
        assert client.post(f"/ho-so/{app_id}/ban-giao", data=handover_form(imei=imei, recipient_name=name)).status_code == 302

    def numbers(**q):
        body = text(client.get("/bien-ban/", query_string=q))
        return re.findall(r'<span class="no">(\d{2,}/BB-UBND)</span>', body)

    assert numbers() == ["03/BB-UBND", "02/BB-UBND", "01/BB-UBND"]
    assert numbers(q="2") == ["02/BB-UBND"]
    assert numbers(q="03/BB-UBND") == ["03/BB-UBND"]
    assert numbers(q="356938035643809") == ["02/BB-UBND"]
    assert numbers(q="tran van duc") == ["03/BB-UBND"]
    assert numbers(q="HỒNG") == ["02/BB-UBND"]
    assert numbers(loai="cash") == []
    import subsidy.web.receipts as rv

    old = rv.PER_PAGE
    rv.PER_PAGE = 2
    try:
        assert numbers() == ["03/BB-UBND", "02/BB-UBND"]
        assert numbers(page=2) == ["01/BB-UBND"]
    finally:
        rv.PER_PAGE = old


@pytest.mark.parametrize("role, create, index, void", [
    ("clerk", 200, 200, 403),
    ("approver", 403, 200, 200),
    ("admin", 403, 403, 403),
    ("radio", 403, 403, 403),
])
def test_who_may_do_what(app, client, login_as, role, create, index, void):
    app_id, _ = committed_application(app)
    with app.extensions["subsidy.sessionmaker"]() as s:
        from subsidy.services import handovers as H
        from tests.handover_support import handover_input

        clerk = factories.user(s, "clerk", "nguoighi", must_change_password=True)
        other = factories.approved(s)
        res = H.record_handover(s, other.id, handover_input(IMEI_B), clerk)
        s.commit()
        rid = res.receipt.id
    login_as(role)
    assert client.get(f"/ho-so/{app_id}/ban-giao").status_code == create
    assert client.get(f"/ho-so/{app_id}/chi-tien").status_code == create
    assert client.get("/bien-ban/").status_code == index
    assert client.get(f"/bien-ban/{rid}").status_code == index
    assert client.get(f"/bien-ban/{rid}/xem-truoc.pdf").status_code == (200 if index == 200 else 403)
    assert client.post(f"/bien-ban/{rid}/ban-chinh.pdf").status_code == (200 if index == 200 else 403)
    assert client.get(f"/bien-ban/{rid}/huy").status_code == void


def test_anonymous_is_sent_to_sign_in(app, client):
    app_id, _ = committed_application(app)
    for url in (f"/ho-so/{app_id}/ban-giao", "/bien-ban/", "/bien-ban/1"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/dang-nhap" in resp.headers["Location"]


def test_print_and_record_need_csrf(csrf_app, make_user):
    client = csrf_app.test_client()
    app_id, _ = committed_application(csrf_app)
    page = client.get("/dang-nhap")
    client.post("/dang-nhap", data={"username": make_user("clerk", "clerk").username, "password": "Lua-chin-vang-2026",
                                    "csrf_token": csrf_token_from(page.data)})
    assert client.post(f"/ho-so/{app_id}/ban-giao", data=handover_form()).status_code == 400  # no CSRF token
    assert count(csrf_app, Handover) == 0
    form_page = client.get(f"/ho-so/{app_id}/ban-giao")
    ok = client.post(f"/ho-so/{app_id}/ban-giao", data=dict(handover_form(), csrf_token=csrf_token_from(form_page.data)))
    assert ok.status_code == 302
    rid = int(ok.headers["Location"].rsplit("/", 1)[1])
    assert client.post(f"/bien-ban/{rid}/ban-chinh.pdf").status_code == 400
    show = client.get(f"/bien-ban/{rid}")
    printed = client.post(f"/bien-ban/{rid}/ban-chinh.pdf", data={"csrf_token": csrf_token_from(show.data)})
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"


@pytest.mark.parametrize("role, state, form, expected", [
    ("clerk", "approved", "package", ["Bàn giao điện thoại"]),
    ("clerk", "approved", "cash", ["Chi tiền hỗ trợ"]),
    ("approver", "approved", "package", []),
    ("clerk", "proposed", "package", []),
    ("clerk", "handed_over", "package", ["Biên bản bàn giao 01/BB-UBND"]),
    ("approver", "handed_over", "package", ["Biên bản bàn giao 01/BB-UBND", "Hủy biên bản bàn giao…"]),
    ("radio", "handed_over", "package", []),
])
def test_actions_include(app, client, login_as, role, state, form, expected):
    """templates/handovers/_actions.html renders the buttons subsidy.web.buttons asks of the table."""
    app_id, _ = committed_application(app, form=form)
    if state == "handed_over":
        with app.extensions["subsidy.sessionmaker"]() as s:
            from subsidy.services import handovers as H
            from tests.handover_support import handover_input

            clerk = factories.user(s, "clerk", "nguoighi", must_change_password=True)
            H.record_handover(s, app_id, handover_input(IMEI_A), clerk)
            s.commit()
    login_as(role)
    with app.test_request_context("/"):
        from flask_login import login_user

        from subsidy.models import User
        from subsidy.request_scope import db_session
        from subsidy.services import pages
        from subsidy.domain.labels import RECEIPT_KIND_LABELS as KIND_LABELS
        from subsidy.web.buttons import support_actions
        from subsidy.web.permissions import may

        sess = db_session()
        user = sess.scalar(select(User).where(User.username == role))
        application = sess.get(Application, app_id)
        application.state = state
        login_user(user)
        page = pages.application_page(sess, application, with_receipts=may("receipts.show"))
        support = support_actions(application, role, page.receipts, KIND_LABELS)
        html = render_template("handovers/_actions.html", support=support)
    buttons = [" ".join(b.split()) for b in re.findall(r'<a class="button[^"]*" href="[^"]+">([^<]+)</a>', html)]
    assert buttons == expected


@pytest.mark.parametrize("form, label, endpoint", [("package", "Bàn giao điện thoại", "ban-giao"),
                                                   ("cash", "Chi tiền hỗ trợ", "chi-tien")])
def test_application_page_offers_the_handover_to_clerks_only(app, client, make_user, form, label, endpoint):
    app_id, _ = committed_application(app, form=form)
    make_user("canbo", "clerk")
    make_user("lanhdao", "approver")
    login(client, "canbo")
    page = client.get(f"/ho-so/{app_id}").get_data(as_text=True)
    assert label in page and f"/ho-so/{app_id}/{endpoint}" in page
    client.post("/dang-xuat")
    login(client, "lanhdao")
    page = client.get(f"/ho-so/{app_id}").get_data(as_text=True)
    assert f"/ho-so/{app_id}/{endpoint}" not in page


def test_taken_imei_is_under_the_imei_field_with_the_other_mistakes(app, client, login_as):
    first_id, _ = committed_application(app)
    second_id, _ = committed_application(app)
    login_as("clerk")
    assert client.post(f"/ho-so/{first_id}/ban-giao", data=handover_form()).status_code == 302
    # a taken IMEI and a missing model: both under their fields after one submit
    dup = client.post(f"/ho-so/{second_id}/ban-giao", data=handover_form(phone_model="", subscriber_number="0987654321"))
    page = FormPage(text(dup))
    assert dup.status_code == 422
    assert page.errors["imei"][0].startswith(f"Số IMEI {IMEI_A} đã được ghi") and page.errors["phone_model"]
    assert count(app, Handover) == 1


def test_a_sim_on_a_live_handover_asks_the_clerk_to_confirm(app, client, login_as):
    first_id, first_code = committed_application(app)
    second_id, _ = committed_application(app)
    login_as("clerk")
    assert client.post(f"/ho-so/{first_id}/ban-giao", data=handover_form(subscriber_number="0912345678")).status_code == 302
    other = "356938035643809"
    asked = client.post(f"/ho-so/{second_id}/ban-giao", data=handover_form(imei=other, subscriber_number="0912 345 678"))
    assert asked.status_code == 422
    body = text(asked)
    assert "Số thuê bao 0912345678 đã được ghi cho lần bàn giao ngày 10/03/2026" in body
    assert tracking.display(first_code) in body and 'name="confirm_subscriber"' in body
    assert count(app, Handover) == 1
    done = client.post(f"/ho-so/{second_id}/ban-giao", data=handover_form(imei=other, subscriber_number="0912345678",
                                                                         confirm_subscriber="y"))
    assert done.status_code == 302 and count(app, Handover) == 2


def test_a_recipient_off_the_household_is_asked_the_relation_and_a_tick(app, client, login_as):
    app_id, _ = committed_application(app)
    login_as("clerk")
    stranger = handover_form(recipient_name="Nguyễn Văn Lạ", recipient_citizen_id="082000000001",
                             recipient_relation="", confirm_recipient="")
    del stranger["confirm_recipient"]  # an unticked box is not sent
    resp = client.post(f"/ho-so/{app_id}/ban-giao", data=stranger)
    page = FormPage(text(resp))
    assert resp.status_code == 422 and list(page.errors) == ["recipient_relation", "confirm_recipient"]
    assert "Người nhận không có trong danh sách của hộ" in text(resp)
    assert "kể cả người được ủy quyền" in page.errors["recipient_relation"][0]
    assert nothing_saved(app)

    ok = client.post(f"/ho-so/{app_id}/ban-giao", data=dict(stranger, recipient_relation="Cháu nội chủ hộ",
                                                            confirm_recipient="y"))
    assert ok.status_code == 302
    rid = int(ok.headers["Location"].rsplit("/", 1)[1])
    flat = " ".join(pdf_text(client.post(f"/bien-ban/{rid}/ban-chinh.pdf").data).split())
    assert ("Tư cách nhận: Thành viên trong hộ, chưa có trong danh sách thành viên; quan hệ với chủ hộ: Cháu nội "
            "chủ hộ") in flat
