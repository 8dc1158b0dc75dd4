"""Lists people take away: a filtered list page, its Excel copy and its PDF hold the same rows in the
same order; IDs and phones are text cells; each export is audited once (who, which list, how many);
the handover-day sheet holds a hamlet's approved households receiving a phone; the tracking-code
search accepts a part of a code."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from subsidy.domain import tracking
from subsidy.models import AuditEntry, User
from tests import factories

HOA, THANH = "Ấp Phú Hòa", "Ấp Phú Thạnh"


@pytest.fixture
def world(app):
    """Seven applications in two hamlets; the three approved phone applications of Ấp Phú Hòa are
    the answer of the filtered list (tiers 4, 3, 3: priority order puts the tier-3 ones first,
    the earlier received first)."""
    s = app.extensions["subsidy.sessionmaker"]()
    made = {}

    def add(name, hamlet, state, form="package", tier=3, day=1, purchase_date=None, **hh):
        h = factories.household(s, head_name=name, hamlet=hamlet, **hh)
        a = factories.application(s, h, state=state, support_form=form, priority_tier=tier,
                                  received_on=dt.date(2026, 2, day), purchase_date=purchase_date)
        made[name] = (tracking.display(a.tracking_code), h)
        return a

    add("Trần Văn Bảy", HOA, "approved", tier=4, day=1, citizen_id="082070000101", phone="0912000101")
    add("Lê Thị Cúc", HOA, "approved", tier=3, day=3, citizen_id="082170000102", phone="0382000102")
    add("Phạm Văn Dũng", HOA, "approved", tier=3, day=2, citizen_id="082070000103", phone="0912000103")
    add("Võ Thị Em", HOA, "approved", form="cash", tier=3, day=4, purchase_date=dt.date(2024, 1, 2))
    add("Đặng Văn Giàu", HOA, "received", tier=None, day=5)
    add("Huỳnh Văn Hải", THANH, "approved", tier=3, day=1)
    add("Ngô Thị Khánh", THANH, "approved", tier=4, day=2, category="near_poor")
    s.commit()
    s.close()
    return made


def _page_codes(html: str) -> list[str]:
    return re.findall(r"<code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2})</code>", html)


def _xlsx_rows(body: bytes) -> tuple[list[str], list[list]]:
    ws = load_workbook(io.BytesIO(body)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    body_rows = [r for r in rows[header_at + 1:] if r and isinstance(r[0], int)]
    return rows[header_at], body_rows


def _exports(app) -> list[tuple]:
    s = app.extensions["subsidy.sessionmaker"]()
    try:
        return [(e.changes, e.note, u) for e, u in s.execute(
            select(AuditEntry, User.username).join(User, User.id == AuditEntry.actor_id)
            .where(AuditEntry.action == "list.export").order_by(AuditEntry.id))]
    finally:
        s.close()


FILTER = {"hamlet": HOA, "state": "approved", "form": "package"}


def test_filtered_applications_xlsx_equals_the_filtered_page(client, login_as, world, app):
    login_as("clerk")
    page = client.get("/ho-so/", query_string=FILTER).get_data(as_text=True)
    expected = [world[n][0] for n in ("Phạm Văn Dũng", "Lê Thị Cúc", "Trần Văn Bảy")]
    assert _page_codes(page) == expected

    resp = client.get("/tai-ve/ho-so.xlsx", query_string=FILTER)
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    header, rows = _xlsx_rows(resp.data)
    code_col, name_col = header.index("Mã hồ sơ"), header.index("Họ và tên chủ hộ")
    assert [r[code_col] for r in rows] == _page_codes(page)
    assert [r[name_col] for r in rows] == ["Phạm Văn Dũng", "Lê Thị Cúc", "Trần Văn Bảy"]
    cccd, phone = header.index("Số CCCD"), header.index("Số điện thoại")
    assert [(r[cccd], r[phone]) for r in rows] == [
        ("082070000103", "0912000103"), ("082170000102", "0382000102"), ("082070000101", "0912000101")]

    ws = load_workbook(io.BytesIO(resp.data)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value == "0382000102"]
    assert len(cells) == 1 and cells[0].data_type == "s" and cells[0].number_format == "@"
    assert _exports(app) == [({"list": "applications", "format": "xlsx", "rows": 3},
                              "Ấp: Ấp Phú Hòa; Hình thức: Gói hỗ trợ kết hợp; Trạng thái: Đã được phê duyệt",
                              "clerk")]


def test_applications_pdf_holds_the_filtered_rows_only(client, login_as, world, app):
    login_as("approver")
    resp = client.get("/tai-ve/ho-so.pdf", query_string=FILTER)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)
    for name in ("Phạm Văn Dũng", "Lê Thị Cúc", "Trần Văn Bảy"):
        assert name in text
    for name in ("Võ Thị Em", "Đặng Văn Giàu", "Huỳnh Văn Hải"):
        assert name not in text
    assert "Tổng cộng: 3 dòng" in " ".join(text.split()) and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert [c for c, _n, u in _exports(app)] == [{"list": "applications", "format": "pdf", "rows": 3}]


def test_filtered_applications_csv_holds_the_pages_rows_as_text(client, login_as, world, app):
    """The CSV copy: a byte order mark (Excel reads UTF-8), the column titles, then the page's rows
    in its order; CCCDs and phones as typed (leading zeros kept), dates dd/mm/yyyy; audited once."""
    import csv

    login_as("clerk")
    resp = client.get("/tai-ve/ho-so.csv", query_string=FILTER)
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="ho-so-')
    assert resp.data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"), newline="")))
    header, rows = lines[0], lines[1:]
    assert header[:3] == ["STT", "Mã hồ sơ", "Họ và tên chủ hộ"]
    assert [r[1] for r in rows] == [world[n][0] for n in ("Phạm Văn Dũng", "Lê Thị Cúc", "Trần Văn Bảy")]
    assert [r[0] for r in rows] == ["1", "2", "3"]
    cccd, phone, day = header.index("Số CCCD"), header.index("Số điện thoại"), header.index("Ngày nhận")
    assert [(r[cccd], r[phone], r[day]) for r in rows] == [
        ("082070000103", "0912000103", "02/02/2026"), ("082170000102", "0382000102", "03/02/2026"),
        ("082070000101", "0912000101", "01/02/2026")]
    assert [c for c, _n, _u in _exports(app)] == [{"list": "applications", "format": "csv", "rows": 3}]


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(client, login_as, app):
    s = app.extensions["subsidy.sessionmaker"]()
    factories.household(s, head_name='=HYPERLINK("http://x","Bấm")', hamlet=HOA)
    s.commit()
    s.close()
    login_as("clerk")
    body = client.get("/tai-ve/ho-gia-dinh.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and ',=HYPERLINK' not in body


@pytest.mark.parametrize("role, categories", [("clerk", ["Hộ nghèo", "Hộ cận nghèo"]), ("admin", ["(ẩn)", "(ẩn)"])])
def test_households_xlsx_equals_the_filtered_page(client, login_as, world, role, categories):
    """The same rows as the page; the category only for a role that sees poverty status."""
    login_as(role)
    q = {"hamlet": THANH}
    page = client.get("/ho-gia-dinh/", query_string=q).get_data(as_text=True)
    names = re.findall(r'<span class="name">([^<]+)</span>', page)
    assert names == ["Huỳnh Văn Hải", "Ngô Thị Khánh"]  # Vietnamese order: Hải before Khánh
    header, rows = _xlsx_rows(client.get("/tai-ve/ho-gia-dinh.xlsx", query_string=q).data)
    assert [r[header.index("Họ và tên chủ hộ")] for r in rows] == names
    assert [r[header.index("Phân loại hộ")] for r in rows] == categories


def test_waiting_list_filters_and_exports(client, login_as, app):
    from subsidy.models import EligibilityDecision
    from subsidy.services import rulesets

    s = app.extensions["subsidy.sessionmaker"]()
    [rule_set] = rulesets.load_shipped(s)
    for name, hamlet, tier in (("An", HOA, 4), ("Bình", HOA, 1), ("Châu", THANH, 1)):
        a = factories.application(s, factories.household(s, head_name=f"Lê Văn {name}", hamlet=hamlet),
                                  state="eligible", priority_tier=tier)
        s.add(EligibilityDecision(application_id=a.id, outcome="eligible", results=[], facts={},
                                  rule_set_id=rule_set.id))
    s.commit()
    s.close()
    login_as("clerk")
    page = client.get("/danh-sach/", query_string={"hamlet": HOA}).get_data(as_text=True)
    assert re.findall(r'<span class="name">(Lê Văn [^<]+)</span>', page) == ["Lê Văn Bình", "Lê Văn An"]
    header, rows = _xlsx_rows(client.get("/tai-ve/danh-sach-cho.xlsx", query_string={"hamlet": HOA}).data)
    assert [r[header.index("Họ và tên chủ hộ")] for r in rows] == ["Lê Văn Bình", "Lê Văn An"]
    assert [r[header.index("Mức ưu tiên")] for r in rows] == ["P1", "P4"]


def test_handover_sheet_lists_the_hamlets_approved_phone_households(client, login_as, world, app):
    login_as("clerk")
    resp = client.get("/tai-ve/ban-giao.pdf", query_string={"hamlet": HOA})
    assert resp.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)
    for name in ("Phạm Văn Dũng", "Lê Thị Cúc", "Trần Văn Bảy"):
        assert name in text
    for name in ("Võ Thị Em", "Đặng Văn Giàu", "Huỳnh Văn Hải"):
        assert name not in text
    assert "Số IMEI" in text and "Người nhận ký" in text and "Ấp: Ấp Phú Hòa" in text
    header, rows = _xlsx_rows(client.get("/tai-ve/ban-giao.xlsx", query_string={"hamlet": HOA}).data)
    assert [r[header.index("Mã hồ sơ")] for r in rows] == [world[n][0] for n in
                                                          ("Phạm Văn Dũng", "Lê Thị Cúc", "Trần Văn Bảy")]
    assert all(r[header.index("Số IMEI")] is None for r in rows)  # left blank to fill in by hand
    assert [c["list"] for c, _n, _u in _exports(app)] == ["handover_sheet", "handover_sheet"]


def test_an_exports_audit_entry_never_holds_the_search_text(client, login_as, world, app):
    login_as("clerk")
    assert client.get("/tai-ve/ho-gia-dinh.xlsx", query_string={"q": "082070000101", "hamlet": HOA}).status_code == 200
    [(changes, note, who)] = _exports(app)
    assert changes == {"list": "households", "format": "xlsx", "rows": 1} and who == "clerk"
    assert note == "Ấp: Ấp Phú Hòa; có tìm kiếm" and "082070000101" not in str(changes)


@pytest.mark.parametrize("typed", ["first6", "lower4"])
def test_tracking_code_search_accepts_a_fragment(client, login_as, world, typed):
    login_as("clerk")
    code = world["Lê Thị Cúc"][0]  # "XXXX-XXXX-XX"
    q = code[:6] if typed == "first6" else code[5:9].lower()
    if not any(c.isdigit() for c in q) and typed == "lower4":
        q = code[:6]  # a lower-case fragment without a digit reads as a name (tracking.fragment)
    page = client.get("/ho-so/", query_string={"q": q}).get_data(as_text=True)
    assert code in _page_codes(page)


def test_a_pdf_too_long_is_refused_with_a_message(client, login_as, world, monkeypatch):
    from subsidy.documents import exports

    monkeypatch.setattr(exports, "PDF_MAX_ROWS", 2)
    login_as("clerk")
    resp = client.get("/tai-ve/ho-so.pdf", query_string={"hamlet": HOA}, follow_redirects=True)
    assert "quá nhiều để in" in resp.get_data(as_text=True)


@pytest.mark.parametrize("role,url,status", [
    ("radio", "/tai-ve/ho-gia-dinh.xlsx", 403), ("radio", "/tai-ve/ho-so.pdf", 403),
    ("admin", "/tai-ve/bien-ban.xlsx", 403), ("admin", "/tai-ve/danh-sach-cho.xlsx", 403),
    ("approver", "/tai-ve/bien-ban.xlsx", 200), ("clerk", "/tai-ve/ho-so.ods", 404),
    ("clerk", "/tai-ve/ho-so.csv", 200), ("radio", "/tai-ve/ho-so.csv", 403),
])
def test_who_may_take_which_list(client, login_as, role, url, status):
    login_as(role)
    assert client.get(url).status_code == status
