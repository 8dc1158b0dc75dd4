"""The tally page and its downloads: roles, the chooser, the numbers on screen and in the files."""
from __future__ import annotations

import csv
from html import unescape as html_unescape
import io
import json
import re

import pytest
from openpyxl import load_workbook


MARCH = "/bao-cao?ky=thang&thang=2026-03"


def cells(html: str) -> list[list[str]]:
    """The rows of every <table class="tally"> as lists of cell texts."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)]
            for r in rows]


def test_sign_in_required(client):
    resp = client.get(MARCH)
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/dang-nhap")
    assert client.get("/bao-cao/tai-ve.pdf").status_code == 302


@pytest.mark.parametrize("role,status", [("clerk", 200), ("approver", 200), ("admin", 200), ("radio", 403)])
def test_roles(client, login_as, role, status):
    login_as(role)
    assert client.get(MARCH).status_code == status
    assert client.get("/bao-cao/tai-ve.json?ky=thang&thang=2026-03").status_code == status


def test_month_page_shows_the_tally_chart_and_downloads(client, login_as, history):
    login_as("clerk")
    html = client.get(MARCH).get_data(as_text=True)
    assert "Báo cáo tổng hợp hỗ trợ điện thoại thông minh tháng 03/2026" in html
    rows = cells(html)
    # Hand-checked March row of Ấp Phú Thành and the totals row (tests/services/test_tally_service.py).
    assert ["Ấp Phú Thành", "0", "0", "0", "0", "1", "1", "1", "1", "0", "500.000", "0", "2", "0"] in rows
    assert ["Tổng cộng", "1", "1", "1", "0", "1", "1", "1", "1", "1", "500.000", "500.000", "2", "1"] in rows
    assert ["Còn lại", "3"] in rows
    # Under the table: how a void is counted (a tester read «Bàn giao 0 · Hủy bàn giao 1» as a contradiction).
    assert "kể cả biên bản lập ở kỳ trước (kỳ trước vẫn giữ số đã báo cáo)" in html
    assert "Vì vậy không lấy số bàn giao trừ số hủy của cùng dòng" in html
    assert "<svg" in html and "Ấp Phú Thành: 1</title>" in html
    for fmt in ("pdf", "xlsx", "csv", "json"):
        assert f'/bao-cao/tai-ve.{fmt}?ky=thang&amp;thang=2026-03"' in html


def test_cumulative_and_annual(client, login_as, history):
    login_as("approver")
    rows = cells(client.get(MARCH + "&luy_ke=y").get_data(as_text=True))
    assert ["Tổng cộng", "8", "6", "1", "4", "4", "2", "1", "1", "1", "500.000", "500.000", "3", "1"] in rows
    html = client.get("/bao-cao?ky=nam&nam=2026").get_data(as_text=True)
    assert "Báo cáo kết quả hỗ trợ điện thoại thông minh năm 2026" in html
    rows = cells(html)
    assert ["Tháng 02/2026", "3", "2", "0", "2", "3", "2", "0", "1", "0", "500.000", "0", "3", "1"] in rows
    assert ["Cả năm 2026", "8", "6", "1", "4", "4", "2", "1", "1", "1", "500.000", "500.000", "3", "1"] in rows


def test_downloads_carry_the_same_numbers(client, login_as, history):
    login_as("clerk")
    q = "?ky=thang&thang=2026-03"
    j = client.get("/bao-cao/tai-ve.json" + q)
    assert j.mimetype == "application/json"
    data = json.loads(j.data)
    assert data["totals"]["amount_voided"] == 500_000 and data["quota"]["left"] == 3
    c = client.get("/bao-cao/tai-ve.csv" + q)
    assert c.headers["Content-Disposition"] == 'attachment; filename="bao-cao-thang-2026-03.csv"'
    lines = list(csv.reader(io.StringIO(c.data.decode("utf-8-sig"))))
    assert ["Tổng cộng", "1", "1", "1", "0", "1", "1", "1", "1", "1", "500000", "500000", "2", "1"] in lines
    x = client.get("/bao-cao/tai-ve.xlsx" + q)
    ws = load_workbook(io.BytesIO(x.data))["Theo thôn, ấp"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=6)]
    assert ["Tổng cộng", 1, 1, 1, 0, 1, 1, 1, 1, 1, 500_000, 500_000, 2, 1] in rows
    p = client.get("/bao-cao/tai-ve.pdf" + q)
    assert p.mimetype == "application/pdf" and p.data.startswith(b"%PDF")
    assert client.get("/bao-cao/tai-ve.doc" + q).status_code == 404


def test_bad_choices_are_explained(client, login_as):
    login_as("clerk")
    html = client.get("/bao-cao?ky=thang&thang=abc").get_data(as_text=True)
    assert "Không đọc được tháng «abc». Hãy nhập tháng theo dạng tháng/năm, ví dụ 03/2026." in html
    html = client.get("/bao-cao?ky=thang&thang=2099-01").get_data(as_text=True)
    assert "chưa bắt đầu" in html
    html = client.get("/bao-cao?ky=nam&nam=20x6").get_data(as_text=True)
    assert "Năm gồm 4 chữ số" in html
    resp = client.get("/bao-cao/tai-ve.csv?ky=thang&thang=2099-01")
    assert resp.status_code == 400 and "chưa bắt đầu" in resp.get_data(as_text=True)


def test_default_is_this_month(client, login_as):
    from subsidy.domain.calendar import today_vn

    login_as("admin")
    today = today_vn()
    html = client.get("/bao-cao").get_data(as_text=True)
    assert f"tháng {today:%m/%Y}" in html


def test_a_download_that_cannot_be_made_answers_with_the_apps_page(client, login_as):
    # a bookmark or a link with a bad period lands on the download itself: the app's page, not bare text
    login_as("clerk")
    resp = client.get("/bao-cao/tai-ve.pdf?ky=thang&thang=2026-13")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    assert "Không lập được báo cáo" in page and "Hãy mở trang Báo cáo, chọn lại kỳ báo cáo rồi tải về." in page


def test_a_month_out_of_range_is_echoed_as_typed_with_the_range(client, login_as):
    login_as("clerk")
    resp = client.get("/bao-cao?ky=thang&thang=12/1900")
    page = html_unescape(resp.get_data(as_text=True))
    assert resp.status_code == 422
    assert ("Tháng «12/1900» ngoài khoảng lập báo cáo: năm phải từ 2000 đến 2100, tức là từ tháng 01/2000 đến tháng "
            "hiện tại. Hãy nhập tháng theo dạng tháng/năm, ví dụ 03/2026.") in page
    assert "1900-12" not in page and 'value="12/1900"' in page


def test_a_json_download_that_cannot_be_made_answers_json(client, login_as):
    login_as("clerk")
    resp = client.get("/bao-cao/tai-ve.json?ky=nam&nam=1900")
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    reason = "Năm «1900» không hợp lệ (phải từ 2000 đến 2100)."
    assert resp.get_json() == {"type": "about:blank", "title": "Không lập được báo cáo", "status": 422,
                               "detail": reason, "errors": [{"name": "nam", "reason": reason}]}
    resp = client.get("/bao-cao/tai-ve.json?ky=thang&thang=13/2026")
    assert resp.status_code == 422 and resp.get_json()["errors"] == [
        {"name": "thang", "reason": "Tháng «13/2026» không có: tháng phải từ 1 đến 12. Hãy nhập tháng theo dạng "
                                    "tháng/năm, ví dụ 03/2026."}]
