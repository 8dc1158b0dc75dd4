"""The list year typed on the import form: a year out of range or not a number is told on the form
again (422) naming the accepted years, and a year that differs from the one in the list's title is
a warning on the preview (the import still takes the typed year)."""
from __future__ import annotations

import datetime as dt
import html
import io
from zoneinfo import ZoneInfo

import pytest

from tests import list_files as lf


@pytest.fixture(autouse=True)
def import_dir(app, tmp_path):
    app.config["IMPORT_DIR"] = str(tmp_path / "imports")
    return tmp_path / "imports"


def this_year() -> int:
    return dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).year


def post(client, data: bytes, name: str, year: str):
    return client.post("/nhap-danh-sach/", data={"file": (io.BytesIO(data), name), "year": year},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("year", ["1999", "2101", str(this_year() + 2)])
def test_a_year_out_of_range_is_told_with_the_accepted_years(client, login_as, year, import_dir):
    login_as("clerk")
    data = lf.household_xlsx(lf.make_households(2, seed=3), 2026)
    resp = post(client, data, "ds.xlsx", year)
    assert resp.status_code == 422
    page = html.unescape(resp.get_data(as_text=True))
    y = this_year()
    assert (f"Năm danh sách {year} không hợp lệ: phải từ 2000 đến {y + 1}, ví dụ {y} "
            "(để trống để lấy năm ghi trong tiêu đề danh sách).") in page
    assert '<form method="post" enctype="multipart/form-data"' in page  # the form again
    assert "Năm không hợp lệ." not in page
    assert not import_dir.exists() or not any(import_dir.iterdir())  # nothing kept


@pytest.mark.parametrize("year", ["abc", "20 26", "２０２６", "-2026"])
def test_a_year_that_is_not_digits_gives_a_year_as_the_example(client, login_as, year):
    login_as("clerk")
    resp = post(client, lf.household_xlsx(lf.make_households(2, seed=3), 2026), "ds.xlsx", year)
    assert resp.status_code == 422
    page = html.unescape(resp.get_data(as_text=True))
    assert (f"Năm danh sách «{year}» không hợp lệ: hãy nhập năm bằng 4 chữ số, ví dụ {this_year()} "
            "(hoặc để trống để lấy năm ghi trong tiêu đề danh sách).") in page
    assert "ví dụ 12" not in page


def test_a_missing_file_is_422_with_the_form(client, login_as):
    login_as("clerk")
    resp = client.post("/nhap-danh-sach/", data={"year": "2026"}, content_type="multipart/form-data")
    assert resp.status_code == 422
    assert "Hãy chọn tệp danh sách." in html.unescape(resp.get_data(as_text=True))


def upload_and_preview(client, data: bytes, name: str, year: str) -> str:
    resp = post(client, data, name, year)
    assert resp.status_code == 302
    return html.unescape(client.get(resp.headers["Location"]).get_data(as_text=True))


def test_a_year_unlike_the_title_is_warned_not_refused(client, login_as):
    login_as("clerk")
    houses = lf.make_households(3, seed=5)
    page = upload_and_preview(client, lf.household_xlsx(houses, 2026), "ds.xlsx", "2025")
    assert ("Năm bạn nhập (2025) khác với năm ghi trong tiêu đề danh sách (NĂM 2026). Danh sách sẽ được ghi là "
            "năm 2025. Nếu nhập nhầm, hãy hủy bản xem trước này và tải tệp lên lại với năm 2026 (hoặc để trống ô "
            "«Năm danh sách»).") in page
    assert "danh sách <b>năm 2025</b>" in page and "Thêm mới <b>3</b>" in page


@pytest.mark.parametrize("year", ["2026", ""])
def test_no_warning_when_the_year_agrees_or_is_left_empty(client, login_as, year):
    login_as("clerk")
    page = upload_and_preview(client, lf.household_xlsx(lf.make_households(3, seed=5), 2026), "ds.xlsx", year)
    assert "danh sách <b>năm 2026</b>" in page
    assert "khác với năm ghi trong tiêu đề" not in page and "year-mismatch" not in page
