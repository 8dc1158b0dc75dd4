"""flask import-households / export-households: exit codes, summary, the exported file."""
from __future__ import annotations

import re

import openpyxl

from tests.conftest import DATA

XLSX = DATA / "ho-ngheo-2025-phu-tan.xlsx"
CSV = DATA / "ho-ngheo-2025-bo-sung.csv"


def test_help_texts(app):
    runner = app.test_cli_runner()
    for cmd in ("import-households", "export-households"):
        result = runner.invoke(args=[cmd, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_import_dry_run_import_again_and_export(app, tmp_path):
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["import-households", str(XLSX), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert re.search(r"│ Thêm mới +│ +180 │", dry.output) and "Chạy thử: chưa ghi gì" in dry.output

    first = runner.invoke(args=["import-households", str(XLSX)])
    assert first.exit_code == 0 and "Đã nhập: thêm 180 hộ" in first.output
    assert runner.invoke(args=["import-households", str(CSV)]).exit_code == 0
    again = runner.invoke(args=["import-households", str(CSV)])
    assert again.exit_code == 0 and re.search(r"│ Không đổi +│ +40 │", again.output)
    assert "Không có gì thay đổi" in again.output

    out = tmp_path / "ho.csv"
    result = runner.invoke(args=["export-households", "--output", str(out), "--machine"])
    assert result.exit_code == 0 and "Đã xuất 220 hộ" in result.output
    lines = out.read_bytes().split(b"\r\n")
    expected_xlsx = (DATA / "ho-ngheo-2025-phu-tan.expected.csv").read_bytes().split(b"\r\n")
    expected_csv = (DATA / "ho-ngheo-2025-bo-sung.expected.csv").read_bytes().split(b"\r\n")
    assert lines[:181] == expected_xlsx[:181]
    assert lines[181:] == expected_csv[1:]

    # The same registry as XLSX: the expected file's cells, every one a text cell (leading zeros).
    book = tmp_path / "ho.xlsx"
    result = runner.invoke(args=["export-households", "--output", str(book), "--machine"])
    assert result.exit_code == 0 and "Đã xuất 220 hộ" in result.output
    ws = openpyxl.load_workbook(book).active
    cells = [[("" if c.value is None else c.value) for c in row] for row in ws.iter_rows()]
    import csv
    import io
    expected = list(csv.reader(io.StringIO((DATA / "ho-ngheo-2025-phu-tan.expected.csv").read_text("utf-8"))))
    assert cells[:181] == expected[:181]
    assert len(cells) == 221
    assert all(c.data_type == "s" for row in ws.iter_rows(min_row=2, max_row=3) for c in row if c.value)


#: The column titles a clerk sees in Excel: the household list page's «Tải Excel» / «Tải CSV».
VIETNAMESE_HEADER = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Năm sinh", "Số CCCD", "Số điện thoại", "Ấp",
                     "Phân loại hộ", "Lần cuối có tên", "Số khẩu", "Diện ưu tiên", "Thiết bị đã nhận"]


def test_export_for_a_clerk_is_the_web_pages_copy_with_vietnamese_headers(app, client, tmp_path):
    from tests.conftest import login
    from tests import factories

    runner = app.test_cli_runner()
    assert runner.invoke(args=["import-households", str(XLSX)]).exit_code == 0
    s = app.extensions["subsidy.sessionmaker"]()
    factories.user(s, "clerk", "canbo", row=True)
    s.commit()
    s.close()
    out = tmp_path / "ho.csv"
    result = runner.invoke(args=["export-households", "--output", str(out)])
    assert result.exit_code == 0 and "Đã xuất 180 hộ" in result.output
    body = out.read_bytes()
    assert body.startswith("\ufeff".encode())  # Excel reads the accents as UTF-8
    import csv
    import io
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == VIETNAMESE_HEADER
    first = next(r for r in csv.DictReader((DATA / "ho-ngheo-2025-phu-tan.expected.csv").open(encoding="utf-8")))
    got = next(r for r in rows[1:] if r[1] == first["household_code"])
    assert got[7] == {"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo"}[first["category"]]
    # the same bytes as the page's «Tải CSV» of the same day
    login(client, "canbo")
    assert client.get("/tai-ve/ho-gia-dinh.csv").data == body

    book = tmp_path / "ho.xlsx"
    assert runner.invoke(args=["export-households", "--output", str(book)]).exit_code == 0
    cells = [list(r) for r in openpyxl.load_workbook(book).active.iter_rows(values_only=True)]
    assert VIETNAMESE_HEADER in cells
    web = [list(r) for r in openpyxl.load_workbook(io.BytesIO(client.get("/tai-ve/ho-gia-dinh.xlsx").data))
           .active.iter_rows(values_only=True)]
    assert cells == web


def test_refused_import_exits_non_zero_and_lists_error_rows(app, tmp_path):
    wb = openpyxl.load_workbook(XLSX)
    wb.active["F9"] = 8.2e11
    wb.active["I12"] = "v"
    bad = tmp_path / "ds-2025.xlsx"
    wb.save(bad)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-households", str(bad)])
    assert result.exit_code == 1
    assert "Dòng 9 [8226073598 Trần Thị Thu]" in result.output and "số mũ" in result.output
    assert "Dòng 12" in result.output and "Không nhập tệp này: có 2 dòng lỗi" in result.output
    dry = runner.invoke(args=["import-households", str(bad), "--dry-run"])
    assert dry.exit_code == 1 and "nhập thật sẽ bị từ chối" in dry.output
    skip = runner.invoke(args=["import-households", str(bad), "--skip-invalid", "--year", "2024"])
    assert skip.exit_code == 0 and "Đã nhập: thêm 178 hộ" in skip.output and "năm danh sách 2024 (theo --year)" in skip.output


def test_file_level_errors_exit_non_zero_with_one_line(app, tmp_path):
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["import-households", str(tmp_path / "khong-co.xlsx")])
    assert missing.exit_code == 1 and "không tìm thấy tệp" in missing.output
    empty = tmp_path / "rong.csv"
    empty.write_bytes(b"")
    result = runner.invoke(args=["import-households", str(empty)])
    assert result.exit_code == 1 and "Lỗi: Tệp «rong.csv» rỗng" in result.output
    unknown = runner.invoke(args=["import-households", str(XLSX), "--user", "khongco"])
    assert unknown.exit_code == 1 and "không có tài khoản" in unknown.output
