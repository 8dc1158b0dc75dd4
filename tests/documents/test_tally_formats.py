"""The PDF (text via pypdf), XLSX and CSV of the tally carry the same numbers as its JSON, and text
cells are safe against formula injection."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import shutil
import subprocess
import unicodedata

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from subsidy.documents import tally_export as X
from subsidy.documents.tally import render_pdf
from subsidy.services import tally as T
from subsidy.services.workflow import record_received
from tests import factories
from tests.conftest import scratch_session
from tests.tally_history import HAMLETS, VN, build_history

TODAY = dt.date(2026, 11, 30)
NOW = dt.datetime(2026, 11, 30, 2, 15, tzinfo=dt.timezone.utc)  # 09:15 in Việt Nam
PAYLOAD = '=HYPERLINK("http://x","Bấm")'


def flat(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).split())


def money(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def pdf_text(data: bytes) -> list[str]:
    return [flat(p.extract_text()) for p in PdfReader(io.BytesIO(data)).pages]


def pdf_text_quick(data: bytes) -> list[str]:
    """The pages' text by poppler's pdftotext when it is installed (CI installs it for the QR
    tests), about six times faster than pypdf on these multi-page reports; else pdf_text."""
    if shutil.which("pdftotext") is None:
        return pdf_text(data)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return [flat(page) for page in out.stdout.decode("utf-8").split("\f")[:-1]]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM missing"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture(scope="module")
def reports(database_url):
    """The three reports of the hand-checked history, built once for the module (they are frozen
    dataclasses: the tests below only render them)."""
    with scratch_session(database_url) as session:
        build_history(session)
        session.commit()
        return {
            "month": T.tally(session, "2026-03", hamlets=HAMLETS, today=TODAY, now=NOW),
            "cumulative": T.tally(session, "2026-03", True, hamlets=HAMLETS, today=TODAY, now=NOW),
            "annual": T.annual_report(session, 2026, hamlets=HAMLETS, today=dt.date(2026, 4, 30), now=NOW),
            "annual_november": T.annual_report(session, 2026, hamlets=HAMLETS, today=TODAY, now=NOW),
        }


def more_hamlets(n: int) -> list[str]:
    return [f"Ấp số {i:02d}" for i in range(1, n + 1)]


def widened(report, extra: list[str]):
    """``report`` as the tally would be with ``extra`` configured hamlets after HAMLETS, none of
    them with a household: a zero row each, after the configured ones (checked against the
    database by test_widened_reports_are_what_the_tally_gives)."""
    if isinstance(report, T.AnnualReport):
        return dataclasses.replace(report, year=widened(report.year, extra))
    rows = report.by_hamlet.rows
    zeros = tuple(T.Row(name, name, T.Figures()) for name in extra)
    by_hamlet = dataclasses.replace(report.by_hamlet, rows=rows[:len(HAMLETS)] + zeros + rows[len(HAMLETS):])
    return dataclasses.replace(report, by_hamlet=by_hamlet)


def test_widened_reports_are_what_the_tally_gives(session, reports):
    build_history(session)
    session.commit()
    hamlets = HAMLETS + more_hamlets(4)
    assert widened(reports["month"], more_hamlets(4)) == T.tally(
        session, "2026-03", hamlets=hamlets, today=TODAY, now=NOW)
    assert widened(reports["annual_november"], more_hamlets(4)) == T.annual_report(
        session, 2026, hamlets=hamlets, today=TODAY, now=NOW)


# The March tally's hamlet table, written out by hand (see tests/services/test_tally_service.py).
MARCH_BY_HAMLET = [
    ["Ấp Phú Hòa", 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    ["Ấp Phú Thành", 0, 0, 0, 0, 1, 1, 1, 1, 0, 500_000, 0, 2, 0],
    ["Ấp Phú Xuân", 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 500_000, 0, 0],
    ["Ấp Phú Lợi"] + [0] * 13,
    ["Ấp Phú Thạnh"] + [0] * 13,
    ["Tổng cộng", 1, 1, 1, 0, 1, 1, 1, 1, 1, 500_000, 500_000, 2, 1],
]


def json_rows(d: dict, key: str) -> list[list]:
    fields = [c["field"] for c in d["columns"]]
    return [[r["label"]] + [r[f] for f in fields] for r in d[key]] + [["Tổng cộng"] + [d["totals"][f] for f in fields]]


def test_json_carries_the_hand_checked_numbers(reports):
    d = json.loads(X.render_json(reports["month"]))
    assert json_rows(d, "by_hamlet") == MARCH_BY_HAMLET
    assert d["quota"] == {"allocated": 7, "proposed": 0, "approved": 1, "supported": 3, "used": 4, "left": 3}
    assert d["generated_at"] == "2026-11-30T02:15:00+00:00"


@pytest.mark.parametrize("name", ["month", "cumulative", "annual"])
def test_pdf_xlsx_csv_carry_the_numbers_of_the_json(reports, name):
    report = reports[name]
    d = X.to_dict(report)
    tally = d if d["report"] == "tally" else d["year_tally"]
    fields = [c["field"] for c in tally["columns"]]
    # The expected tables, from the JSON (not from the table model the renderers share).
    expected: dict[str, list[list]] = {
        "by_hamlet": json_rows(tally, "by_hamlet"),
        "by_category": json_rows(tally, "by_category"),
        "by_tier": json_rows(tally, "by_tier"),
        "not_eligible_by_rule": [[r["rule"], r["label"], r["count"]] for r in tally["not_eligible_by_rule"]]
        + [["", "Số hồ sơ không đủ điều kiện", tally["totals"]["not_eligible"]]],
        "quota": [[label, tally["quota"][k]] for k, label in T.QUOTA_LABELS],
    }
    if d["report"] == "annual":
        expected["months"] = [[m["label"]] + [m["figures"][f] for f in fields] for m in d["months"]] + [
            ["Cả năm 2026"] + [tally["totals"][f] for f in fields]]
        expected["year_to_date"] = [[m["label"]] + [m["year_to_date"][f] for f in fields] for m in d["months"]] + [
            ["Lũy kế từ đầu chương trình"] + [d["cumulative"][f] for f in fields]]
    secs = {s.key: s for s in X.sections(report)}
    assert set(secs) == set(expected)

    # XLSX: one sheet per section; numbers are numbers with a number format.
    wb = load_workbook(io.BytesIO(X.render_xlsx(report)))
    assert len(wb.sheetnames) == len(expected)
    for key, rows in expected.items():
        ws = wb[secs[key].sheet[:31]]
        got = []
        for r in range(6, 6 + len(rows)):
            values = [ws.cell(row=r, column=c).value for c in range(1, len(rows[0]) + 1)]
            got.append(["" if v is None else v for v in values])
            for c, v in enumerate(values, start=1):
                if isinstance(v, int):
                    assert ws.cell(row=r, column=c).number_format == "#,##0"
        assert got == rows, key

    # CSV: each section's rows follow its title and header; numbers are plain integers.
    lines = csv_rows(X.render_csv(report))
    for key, rows in expected.items():
        start = lines.index([secs[key].title]) + 2
        got = [[int(v) if v.lstrip("-").isdigit() else v for v in line] for line in lines[start:start + len(rows)]]
        assert got == rows, key

    # PDF: every row reads as its label followed by its numbers (money with dot separators).
    text = " ".join(pdf_text(render_pdf(report)))
    for key, rows in expected.items():
        for row in rows:
            cells = [money(v) if isinstance(v, int) else v for v in row]
            assert flat(" ".join(c for c in cells if c != "")) in text, (key, row)


def test_march_pdf_shows_the_hand_checked_rows_and_the_furniture(reports):
    pages = pdf_text(render_pdf(reports["month"]))
    text = " ".join(pages)
    for row in MARCH_BY_HAMLET:
        assert flat(" ".join(money(v) if isinstance(v, int) else v for v in row)) in text
    reader_page = PdfReader(io.BytesIO(render_pdf(reports["month"]))).pages[0]
    assert float(reader_page.mediabox.width) > float(reader_page.mediabox.height)  # landscape
    assert "ỦY BAN NHÂN DÂN XÃ PHÚ TÂN" in pages[0] and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pages[0]
    assert "BÁO CÁO" in pages[0] and "tháng 03/2026" in pages[0]
    assert "Số liệu tính đến 09:15 ngày 30/11/2026" in pages[0]
    for i, page in enumerate(pages[1:], start=2):
        assert page.split()[0] == str(i)  # the page number, top centre, from page 2
    assert "NGƯỜI LẬP BIỂU" in pages[-1] and "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in pages[-1]
    assert "Số điện thoại đã bàn giao theo thôn, ấp" in text  # the chart's title
    assert "I. Theo thôn, ấp" in pages[0] and "Tổng cộng" in pages[0]  # the first page is not left empty


@pytest.mark.parametrize("n_hamlets", range(0, 40, 3))
def test_signatures_never_stand_alone_on_the_last_page(reports, n_hamlets):
    """Whatever the table lengths, the signature page also carries the last tables and the note."""
    for report in (widened(reports["month"], more_hamlets(n_hamlets)),
                   widened(reports["annual_november"], more_hamlets(n_hamlets))):
        pages = pdf_text_quick(render_pdf(report))
        last = pages[-1]
        assert "NGƯỜI LẬP BIỂU" in last and "PHÓ CHỦ TỊCH" in last
        assert "Ghi chú: số liệu là trạng thái" in flat(last)
        everything = flat(" ".join(pages))
        assert "Vì vậy không lấy số bàn giao trừ số hủy của cùng dòng" in everything
        # the quota and reasons tables end the report, on the last page or the one before
        before = " ".join(pages[-2:])
        assert "Còn lại" in before and "Số hồ sơ không đủ điều kiện" in before
        assert "Nơi nhận:" in last and "- Lưu: VT, VP-TK." in flat(last)


def test_long_table_repeats_its_header_on_every_page(session):
    hamlets = [f"Ấp số {i:02d}" for i in range(1, 61)]
    t = T.tally(session, "2026-03", hamlets=hamlets, today=TODAY, now=NOW)
    pages = pdf_text(render_pdf(t))
    with_hamlets = [p for p in pages if "Ấp số" in p and "Thôn, ấp" in p]
    assert len(with_hamlets) >= 2
    for p in with_hamlets:
        assert "Thôn, ấp Tiếp nhận" in p
    assert "Ấp số 60" in " ".join(pages)


def test_chart_has_one_bar_per_hamlet_with_its_value(reports):
    from reportlab.graphics.charts.barcharts import HorizontalBarChart

    from subsidy.documents.tally import handover_chart

    rows = reports["cumulative"].by_hamlet.rows
    d = handover_chart([r.label for r in rows], [r.figures.handed_over for r in rows], 500)
    chart = next(c for c in d.contents if isinstance(c, HorizontalBarChart))
    # reportlab draws the first category at the bottom, so the data is reversed
    assert list(reversed(chart.categoryAxis.categoryNames)) == list(HAMLETS) + ["Ấp Phú Thạnh"]
    # Cumulative to March: A3's February handover was voided in March (inside the period), so
    # Ấp Phú Thành holds one phone (the redone handover), not two.
    assert list(reversed(chart.data[0])) == [1, 1, 0, 0, 0]


# ----------------------------------------------------------------------------- formula injection


@pytest.mark.parametrize("raw,expected", [
    ('=HYPERLINK("http://x","Bấm")', '\'=HYPERLINK("http://x","Bấm")'),
    ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("Ấp Phú Hòa", "Ấp Phú Hòa"), ("a=b", "a=b"), ("", ""), (None, ""),
])
def test_csv_safe(raw, expected):
    assert X.csv_safe(raw) == expected


def test_csv_and_xlsx_escape_a_formula_in_a_name(session):
    build_history(session)
    hh = factories.household(session, code="HX", head_name=PAYLOAD, hamlet=PAYLOAD)
    app = factories.application(session, hh, code="TX0001", received_on=dt.date(2026, 3, 9), priority_tier=3)
    record_received(session, app, None, at=dt.datetime(2026, 3, 9, 8, tzinfo=VN))
    session.commit()
    hamlets = HAMLETS + ["-Ấp Mới", "@Ấp", "+Ấp"]
    t = T.tally(session, "2026-03", hamlets=hamlets, today=TODAY, now=NOW)
    # No breakdown shows a household's name: the payload reaches the files as a hamlet name.
    data = X.render_csv(t)
    rows = csv_rows(data)
    cells = [c for line in rows for c in line]
    assert "'" + PAYLOAD in cells
    assert PAYLOAD not in cells
    for c in cells:  # no text cell starts a formula; numbers are digits only
        assert not c.startswith(("=", "+", "@", "\t", "\r")), c
        assert not c.startswith("-") or c.lstrip("-").isdigit(), c
    assert ["'-Ấp Mới"] + ["0"] * 13 in rows
    hamlet_row = next(line for line in rows if line and line[0] == "'" + PAYLOAD)
    assert hamlet_row[1] == "1"  # its application counts as received in March
    # XLSX: the same name is a string cell, never a formula.
    wb = load_workbook(io.BytesIO(X.render_xlsx(t)))
    ws = wb["Theo thôn, ấp"]
    found = [c for row in ws.iter_rows() for c in row if c.value == PAYLOAD]
    assert found and all(c.data_type == "s" for c in found)
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_render_dispatch_and_file_names(reports):
    assert X.render(reports["month"], "pdf").startswith(b"%PDF")
    assert X.render(reports["month"], "xlsx")[:2] == b"PK"
    assert X.filename(reports["month"], "pdf") == "bao-cao-thang-2026-03.pdf"
    assert X.filename(reports["cumulative"], "csv") == "bao-cao-luy-ke-2026-03.csv"
    assert X.filename(reports["annual"], "xlsx") == "bao-cao-nam-2026.xlsx"
    with pytest.raises(ValueError):
        X.render(reports["month"], "doc")


def test_an_empty_table_says_so_across_the_row(session):
    """A month with no ineligible application: «Không có số liệu» spans the reasons table's row,
    on one line, instead of wrapping inside the narrow «Quy tắc» column (a tester's finding)."""
    report = T.tally(session, "2026-03", hamlets=HAMLETS, today=TODAY, now=NOW)
    lines = [unicodedata.normalize("NFC", line).strip()
             for page in PdfReader(io.BytesIO(render_pdf(report))).pages for line in page.extract_text().splitlines()]
    assert "Không có số liệu" in lines


def test_the_province_chart_is_titled_by_commune(reports):
    """The province's report breaks down by commune («Theo xã»): its chart says so, not «thôn, ấp»."""
    month = reports["month"]
    by_commune = dataclasses.replace(month.by_hamlet, name="commune", title="Theo xã", key_title="Xã")
    text = " ".join(pdf_text(render_pdf(dataclasses.replace(month, by_hamlet=by_commune))))
    assert "Số điện thoại đã bàn giao theo xã" in text
    assert "theo thôn, ấp" not in text
