"""The proposal and approved list documents: read the PDF back with pypdf and the XLSX with
openpyxl, and compare with the data (domain.md §7, §9)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from subsidy.documents import lists as docs
from subsidy.domain.documents import Issuer, ListDocument, ListRow
from tests.conftest import DATA

ISSUER = Issuer(body_upper="", body="ỦY BAN NHÂN DÂN XÃ PHÚ TÂN", place="Phú Tân")
NOTE = "0.1 <A <0.9"
ROWS = list(csv.DictReader((DATA / "ho-ngheo-2025-phu-tan.expected.csv").open(encoding="utf-8")))


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def make_doc(kind: str = "approved", n: int = len(ROWS), nfd_first: bool = False) -> ListDocument:
    rows = []
    for i, r in enumerate(ROWS[:n], start=1):
        name = unicodedata.normalize("NFD", r["head_name"]) if (nfd_first and i == 1) else r["head_name"]
        rows.append(ListRow(
            stt=i, name=name, birth_year=int(r["birth_year"]), citizen_id=r["citizen_id"], phone=r["phone"],
            hamlet=r["hamlet"], category=r["category"],
            tier="P3" if r["category"] == "poor" else "P4",
            form="Bằng tiền, mua máy 15/01/2023" if i % 7 == 0 else "Gói hỗ trợ kết hợp", cash=i % 7 == 0,
            tracking_code="K7QX-9M4T-AB", received_on=dt.date(2025, 3, 3), note=NOTE if i == 2 else "",
        ))
    return ListDocument(kind=kind, issuer=ISSUER, number="01/DS-UBND", date=dt.date(2025, 7, 10),
                             created_on=dt.date(2025, 7, 1), rows=rows, decision_number="312/QĐ-UBND",
                             decision_date=dt.date(2025, 7, 10), approving_body="Ủy ban nhân dân xã Phú Tân",
                             prepared_by="Trần Văn Lập")


def pdf_text(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return reader, [nfc(p.extract_text()) for p in reader.pages]


def flat(s: str) -> str:
    return " ".join(s.split())


@pytest.fixture(scope="module")
def approved_pdf():
    return pdf_text(docs.render_pdf(make_doc("approved", nfd_first=True)))


def test_every_name_exactly_as_stored(approved_pdf):
    _, pages = approved_pdf
    text = flat(" ".join(pages))
    for r in ROWS:
        assert nfc(r["head_name"]) in text, r["head_name"]
        assert r["citizen_id"] in text
        if r["phone"]:
            assert r["phone"] in text


def test_names_do_not_wrap_inside_their_cell(approved_pdf):
    _, pages = approved_pdf
    lines = {" ".join(line.split()) for page in pages for line in page.splitlines()}
    joined = "\n".join(lines)
    missing = [r["head_name"] for r in ROWS if r["head_name"] not in joined]
    assert missing == []


def test_user_text_is_escaped_and_prints_as_typed(approved_pdf):
    _, pages = approved_pdf
    assert NOTE in flat(" ".join(pages))


def test_administrative_format(approved_pdf):
    reader, pages = approved_pdf
    first, last = flat(pages[0]), flat(pages[-1])
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape A4
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595
    for s in ("ỦY BAN NHÂN DÂN XÃ PHÚ TÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
              "DANH SÁCH HỘ ĐƯỢC PHÊ DUYỆT HỖ TRỢ ĐIỆN THOẠI THÔNG MINH",
              "(Kèm theo Quyết định số 312/QĐ-UBND ngày 10/07/2025 của Ủy ban nhân dân xã Phú Tân)",
              "STT", "Họ và tên chủ hộ", "Năm sinh", "Số CCCD", "Ấp", "Phân loại hộ", "Mức ưu tiên", "Hình thức hỗ trợ"):
        assert s in first, s
    n = len(pages)
    assert n >= 3
    # the attachment of its decision: no number or date of its own; page numbers from page 2
    assert "Số:" not in first and "Phú Tân, ngày" not in first
    assert first.split()[0] != "1"
    for i, page in enumerate(pages[1:], start=2):
        assert page.split()[0] == str(i)
    assert "Tổng cộng: 180 hộ" in last
    assert f"{180 // 7} hộ nhận tiền" in last
    poor = sum(r["category"] == "poor" for r in ROWS)
    assert f"Tổng cộng: 180 hộ ({poor} hộ nghèo, {180 - poor} hộ cận nghèo; {180 // 7} hộ nhận tiền)" in last
    # the category code is printed as its label in the table
    assert "Hộ nghèo" in " ".join(pages) and "Hộ cận nghèo" in " ".join(pages)
    # the attachment is signed for the commune only; no preparer, no Nơi nhận (the decision has them)
    for s in ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"):
        assert s in last
    assert "NGƯỜI LẬP DANH SÁCH" not in last and "Nơi nhận" not in last
    fonts = set()
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            fonts.add(str(f.get_object()["/BaseFont"]).split("+")[-1])
    # the Vietnamese serif, embedded (subset) in its three faces; reportlab also lists its idle default font
    assert {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic"} <= fonts, fonts


def test_proposal_list_title_and_header_repeat():
    _, pages = pdf_text(docs.render_pdf(make_doc("proposal", n=60)))
    assert "DANH SÁCH HỘ ĐỀ NGHỊ HỖ TRỢ ĐIỆN THOẠI THÔNG MINH" in flat(pages[0])
    # A proposal list is list "Số: 01/DS-UBND" itself (in the header): no "(Kèm theo …)" line
    # pointing at itself.
    assert "Số: 01/DS-UBND" in flat(pages[0])
    assert "Kèm theo" not in " ".join(pages)
    last = flat(pages[-1])
    for s in ("Nơi nhận:", "- Lưu: VT, VP-TK.", "NGƯỜI LẬP DANH SÁCH", "TM. ỦY BAN NHÂN DÂN"):
        assert s in last, s
    assert len(pages) >= 2
    for page in pages[1:]:
        if "Họ và tên" in page:
            assert "Số CCCD" in page  # the table header is repeated on each page of the table


def test_empty_list_still_renders():
    d = make_doc("proposal", n=0)
    _, pages = pdf_text(docs.render_pdf(d))
    assert "Danh sách chưa có hộ nào." in flat(pages[0])


def test_xlsx_keeps_ids_and_phones_as_text():
    wb = load_workbook(io.BytesIO(docs.render_xlsx(make_doc("approved", nfd_first=True))))
    ws = wb.active
    header_row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "STT")
    header = [ws.cell(header_row, c).value for c in range(1, 13)]
    assert header[:5] == ["STT", "Họ và tên chủ hộ", "Năm sinh", "Số CCCD", "Số điện thoại"]
    for k, r in enumerate(ROWS, start=1):
        row = header_row + k
        assert ws.cell(row, 1).value == k
        assert ws.cell(row, 2).value == nfc(r["head_name"])
        cid = ws.cell(row, 4)
        assert (cid.value, cid.data_type, cid.number_format) == (r["citizen_id"], "s", "@")
        phone = ws.cell(row, 5)
        assert phone.value == (r["phone"] or None)
        assert phone.number_format == "@"
        assert ws.cell(row, 10).value == "K7QX-9M4T-AB"
    assert ws.cell(header_row + 2, 12).value == NOTE
    assert ws.cell(header_row + len(ROWS) + 1, 2).value.startswith("Tổng cộng: 180 hộ")
    assert any(r["citizen_id"].startswith("0") for r in ROWS)


def test_xlsx_never_turns_typed_text_into_a_formula():
    d = make_doc("proposal", n=3)
    d.rows[0] = ListRow(**{**d.rows[0].__dict__, "note": '=HYPERLINK("http://x","y")', "name": "=1+1"})
    ws = load_workbook(io.BytesIO(docs.render_xlsx(d))).active
    header_row = next(r for r in range(1, 12) if ws.cell(r, 1).value == "STT")
    name, note = ws.cell(header_row + 1, 2), ws.cell(header_row + 1, 12)
    assert (name.value, name.data_type) == ("=1+1", "s")
    assert (note.value, note.data_type) == ('=HYPERLINK("http://x","y")', "s")
