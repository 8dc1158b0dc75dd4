"""Receipt PDFs (domain.md §6, §7): open them with pypdf and read back what the receipt stored.

The recipient's name, the receipt number, the IMEI and the amount in words must come out of the
PDF exactly as stored in the snapshot (NFC); a reprint is identical but for the IN LẠI label,
a voided receipt says ĐÃ HỦY; the QR code carries the public status link with the tracking
code only (decoded with zbarimg when it is installed); the QR flowable draws segno's symbol
module for module, square, inside a white quiet zone of 2 modules.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from subsidy.documents import base as b
from subsidy.documents import receipt as doc
from subsidy.models import Household, RuleSet
from subsidy.services import handovers as H
from subsidy.services import receipts as R
from subsidy.services.errors import ServiceError
from tests import factories
from tests.handover_support import handover_input

TODAY = dt.date(2026, 3, 20)
# Typed in decomposed form (NFD), as some keyboards and editors send it; stored NFC.
NFD_NAME = unicodedata.normalize("NFD", "Lê Thị Ỷ Lan Ưng Hưởng")
NFC_NAME = unicodedata.normalize("NFC", NFD_NAME)


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def pdf_pages(data: bytes) -> list[str]:
    return [nfc(p.extract_text()) for p in PdfReader(io.BytesIO(data)).pages]


def lines(data: bytes) -> list[str]:
    return [ln.strip() for page in pdf_pages(data) for ln in page.splitlines()]


@pytest.fixture
def clerk(session):
    user = factories.user(session, "clerk", "canbo", full_name="Đặng Văn Hưởng", must_change_password=True)
    session.flush()
    return user


def test_handover_receipt_text_matches_the_snapshot(session, clerk):
    app = factories.approved(session, head_name="Nguyễn Thị Ánh Tuyết")
    res = H.record_handover(session, app.id, handover_input("49 0154 2032 3751 8", imei2="356938035643809",
                                                            recipient_name=NFD_NAME), clerk, today=TODAY)
    snap = res.receipt.snapshot
    assert snap["recipient_name"] == NFC_NAME != NFD_NAME
    pdf = R.print_pdf(session, res.receipt, clerk)
    pages = pdf_pages(pdf)
    assert len(pages) == 1
    text_lines = lines(pdf)
    assert f"Số: {snap['number_display']}" in text_lines  # "Số: 01/BB-UBND", top left
    assert snap["number_display"] == "01/BB-UBND"
    assert NFC_NAME in text_lines  # the value cell after "Ông/Bà:" (Bên B): a line of its own, as stored
    flat = " ".join(" ".join(pages).split())
    assert flat.count(NFC_NAME) == 2  # Bên B and under the receiver's signature
    for value in (snap["imei"], snap["imei2"], snap["subscriber_number"], snap["place_date"], "BIÊN BẢN BÀN GIAO",
                  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN",
                  "NGƯỜI NHẬN", "NGƯỜI GIAO", "TM. ỦY BAN NHÂN DÂN", "Nguyễn Thị Ánh Tuyết"):
        assert value in pages[0], value
    assert "Samsung Galaxy A05" in flat  # wraps in its cell
    assert snap["imei"] == "490154203237518"
    assert "IN LẠI" not in pages[0] and "ĐÃ HỦY" not in pages[0]
    # handover_input's recipient is a member off the household's list: the receipt says so
    assert ("Tư cách nhận: Thành viên trong hộ, chưa có trong danh sách thành viên; quan hệ với chủ hộ: Con trai "
            "chủ hộ, có tên trong thông tin cư trú của hộ") in flat


def test_a_head_receives_as_head_and_an_older_receipt_prints_no_capacity(session, clerk):
    app = factories.approved(session, head_name="Nguyễn Thị Ánh Tuyết", citizen_id="082170000123")
    res = H.record_handover(session, app.id, handover_input("490154203237518", recipient_name="Nguyễn Thị Ánh Tuyết",
                                                            recipient_citizen_id="082170000123"), clerk, today=TODAY)
    assert "Tư cách nhận: Chủ hộ" in " ".join(" ".join(pdf_pages(R.print_pdf(session, res.receipt, clerk))).split())
    assert "Tư cách nhận" not in " ".join(pdf_pages(doc.render(_sample())))


@pytest.mark.parametrize("amount, words", [
    (500_000, "Năm trăm nghìn đồng"),
    (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
    (21_000_000, "Hai mươi mốt triệu đồng"),
    (1_005, "Một nghìn không trăm lẻ năm đồng"),
])
def test_cash_receipt_amount_in_figures_and_words(session, clerk, amount, words):
    if amount != 500_000:  # otherwise: no rule set, the documented default
        session.add(RuleSet(code="TEST", version=1, title="Thử", legal_source="Thông tư thử",
                            effective_from=dt.date(2022, 12, 12), eligible_categories=["poor", "near_poor"],
                            support_amount=amount, cash_cutoff=dt.date(2022, 12, 12), priority_order=["P1"]))
        session.flush()
    app = factories.approved(session, form="cash")
    res = H.record_cash_payment(session, app.id, H.CashPaymentInput(
        paid_on=dt.date(2026, 3, 12), recipient_name="Huỳnh Mỹ Nhung", recipient_citizen_id="082195004321",
        recipient_relation="Con gái chủ hộ, có tên trong thông tin cư trú của hộ", confirm_recipient=True),
        clerk, today=TODAY)
    snap = res.receipt.snapshot
    assert snap["amount_words"] == words
    pdf = R.print_pdf(session, res.receipt, clerk)
    text_lines = lines(pdf)
    assert f"(Bằng chữ: {snap['amount_words']})" in text_lines  # one line, exactly as stored
    assert any(f"số tiền hỗ trợ: {snap['amount_figures']} đồng" in ln for ln in text_lines)
    assert f"Số: {snap['number_display']}" in text_lines and snap["number_display"] == "01/BN-UBND"
    assert "GIẤY BIÊN NHẬN" in pdf_pages(pdf)[0]
    assert len(pdf_pages(pdf)) == 1


def test_reprint_is_identical_and_says_copy_even_after_the_household_changes(session, clerk):
    app = factories.approved(session, head_name="Nguyễn Thị Ánh Tuyết")
    res = H.record_handover(session, app.id, handover_input("490154203237518"), clerk, today=TODAY)
    original = pdf_pages(R.print_pdf(session, res.receipt, clerk))[0]
    household = session.get(Household, app.household_id)
    household.head_name = "Tên Đã Đổi"
    household.hamlet = "Ấp Khác"
    session.flush()
    copy = pdf_pages(R.print_pdf(session, res.receipt, clerk))[0]
    label = re.search(r"IN LẠI (\d\d):(\d\d) (\d\d)/(\d\d)/(\d{4})", copy)
    assert label and "IN LẠI" not in original and "BẢN SAO" not in copy
    assert "Tên Đã Đổi" not in copy and "Nguyễn Thị Ánh Tuyết" in copy
    assert copy.replace(label.group(0), "").split() == original.split()
    assert res.receipt.print_count == 2


def test_voided_receipt_says_void(session, clerk):
    approver = factories.user(session, "approver", "lanhdao", must_change_password=True)
    app = factories.approved(session)
    res = H.record_handover(session, app.id, handover_input("490154203237518"), clerk, today=TODAY)
    H.void_handover(session, res.handover.id, "Ghi nhầm", approver)
    text = pdf_pages(R.print_pdf(session, res.receipt, approver))[0]
    assert "ĐÃ HỦY" in text and "IN LẠI" not in text and "490154203237518" in text


def _sample(**kw) -> doc.ReceiptData:
    data = dict(kind="handover", number_display="07/BB-UBND", series="BB-VTCI", year=2026, number=7,
                issuer_body_upper="", issuer_body="ỦY BAN NHÂN DÂN XÃ PHÚ TÂN", place="Phú Tân",
                giver_unit="Ủy ban nhân dân xã Phú Tân", date="05/11/2026",
                place_date="Phú Tân, ngày 05 tháng 11 năm 2026", tracking_code="K7QX9M4TAB",
                status_url="https://xa.example.vn/tra-cuu?ma=K7QX9M4TAB", household_code="PT-0012",
                head_name="Nguyễn Thị Ánh Tuyết", hamlet="Ấp Phú Thạnh", address="", category="Hộ nghèo",
                recipient_name="Đặng Văn Hưởng", recipient_citizen_id="082095001234", staff_name="Lý Ngọc Ẩn",
                legal_basis=R.LEGAL_BASIS_DEFAULT, phone_make="Nokia", phone_model="C32", imei="490154203237518",
                telecom="Viettel", subscriber_number="0987654321")
    data.update(kw)
    return doc.ReceiptData(**data)


def test_qr_code_carries_only_the_status_link():
    d = _sample()
    qrs = [f for f in _walk(doc.story(d)) if isinstance(f, doc.QrFlowable)]
    assert len(qrs) == 1
    assert qrs[0].value == "https://xa.example.vn/tra-cuu?ma=K7QX9M4TAB"
    assert "082095001234" not in qrs[0].value and "Hưởng" not in qrs[0].value


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
                    reason="zbarimg (apt-get install zbar-tools) and pdftoppm (poppler-utils) are needed to scan the QR code")
def test_qr_code_scans(tmp_path: Path):
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(doc.render(_sample()))
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp_path / "page")], check=True)
    png = sorted(tmp_path.glob("page*.png"))[0]
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "https://xa.example.vn/tra-cuu?ma=K7QX9M4TAB"


NEEDS_ZBAR = pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="zbarimg (apt-get install zbar-tools) and pdftoppm (poppler-utils) are needed to scan the QR code")


def _qr_alone(value: str, module_pt: int, tmp_path: Path) -> tuple[Path, int]:
    """A page with only the QR flowable of ``value``, drawn at (0, 0) with modules of
    ``module_pt`` points (= pixels at 72 dpi); returns (the PDF, modules per side incl. the quiet zone)."""
    side = len(doc.qr_code(value).matrix) + 4
    flow = doc.qr_code(value, size=side * module_pt)
    pdf = tmp_path / "qr.pdf"
    c = canvas.Canvas(str(pdf), pagesize=(side * module_pt, side * module_pt))
    flow.drawOn(c, 0, 0)
    c.showPage()
    c.save()
    return pdf, side


def _gray_pixels(pdf: Path, tmp_path: Path) -> tuple[int, int, bytes]:
    """pdftoppm at 72 dpi, grey, antialiasing off: (width, height, one byte a pixel, rows top down)."""
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-aa", "no", "-aaVector", "no", "-singlefile",
                    str(pdf), str(tmp_path / "qr")], check=True)
    raw = (tmp_path / "qr.pgm").read_bytes()
    magic, w, h, maxval, pixels = raw.split(maxsplit=4)
    assert magic == b"P5" and maxval == b"255"
    return int(w), int(h), pixels


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is needed to rasterise the QR code")
@pytest.mark.parametrize("value", ["https://xa.example.vn/tra-cuu?ma=K7QX9M4TAB",
                                   "http://127.0.0.1:5000/tra-cuu?ma=23456789AB" + "x" * 150])
def test_qr_flowable_draws_every_module_in_place_with_a_quiet_zone(tmp_path: Path, value: str):
    """Rasterised at 4 px a module, the centre pixel of every module is dark exactly where
    segno's matrix says so (row 0 at the top, not mirrored), and the 2-module border is white."""
    k = 4
    pdf, side = _qr_alone(value, k, tmp_path)
    w, h, px = _gray_pixels(pdf, tmp_path)
    assert (w, h) == (side * k, side * k)  # square
    matrix = doc.qr_code(value).matrix
    n = len(matrix)
    assert side == n + 4 and all(len(row) == n for row in matrix)
    for r in range(side):
        for c in range(side):
            dark = px[(r * k + k // 2) * w + c * k + k // 2] < 128
            inside = 2 <= r < n + 2 and 2 <= c < n + 2
            assert dark == (inside and matrix[r - 2][c - 2] == 1), (r, c)
    # The three finder patterns: top left, top right, bottom left (a 7×7 ring round a 3×3 core).
    finder = [[1 if i in (0, 6) or j in (0, 6) or (2 <= i <= 4 and 2 <= j <= 4) else 0 for j in range(7)]
              for i in range(7)]
    for r0, c0 in ((0, 0), (0, n - 7), (n - 7, 0)):
        assert [list(row[c0:c0 + 7]) for row in matrix[r0:r0 + 7]] == finder


@NEEDS_ZBAR
@pytest.mark.parametrize("value", ["https://dichvu.phutan.gov.vn/tra-cuu?ma=23456789AB",
                                   "http://127.0.0.1:5000/tra-cuu?ma=ZZZZZZZZZZ" + "x" * 180])
def test_qr_flowable_scans_at_several_versions(tmp_path: Path, value: str):
    pdf, _ = _qr_alone(value, 3, tmp_path)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "scan")], check=True)
    out = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "scan.png")],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == value


@pytest.mark.parametrize("value", ["https://xa.example.vn/tra-cuu?ma=K7QX9M4TAB", "http://x.vn/tra-cuu?ma=K7QX9M4TAB"])
def test_qr_symbol_is_level_m_and_never_micro(value: str):
    """Read back from the symbol itself (ISO/IEC 18004 §7.9): the format information next to the
    top-left finder (row 8, columns 0–5, 7; column 8, rows 8, 7, 5–0), unmasked with
    101010000010010, starts with the level bits 00 = M; the copy along the bottom-left and
    top-right says the same. A full QR symbol is 21 + 4k modules wide (Micro QR: 11–17)."""
    m = doc.qr_code(value).matrix
    n = len(m)
    assert n >= 21 and (n - 17) % 4 == 0
    first = [m[8][c] for c in (0, 1, 2, 3, 4, 5, 7)] + [m[r][8] for r in (8, 7, 5, 4, 3, 2, 1, 0)]
    second = [m[r][8] for r in range(n - 1, n - 8, -1)] + [m[8][c] for c in range(n - 8, n)]
    bits = [b_ ^ int(k) for b_, k in zip(first, "101010000010010")]
    assert first == second
    assert bits[:2] == [0, 0]  # L = 01, M = 00, Q = 11, H = 10


def _walk(flowables):
    from reportlab.platypus import Table

    for f in flowables:
        yield f
        if isinstance(f, Table):
            for row in f._cellvalues:
                for cell in row:
                    yield from _walk(cell if isinstance(cell, (list, tuple)) else [cell])
        inner = getattr(f, "_content", None)
        if inner:
            yield from _walk(inner)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        doc.render(_sample(kind="other"))


def test_long_names_still_fit_one_page(tmp_path):
    """Long names and a long decision push the normal layout to two pages: the compact layout
    keeps the signatures on the page with the rest."""
    d = _sample(recipient_name="Tôn Nữ Thị Hoàng Phương Thảo Nguyên Khánh Linh",
                head_name="Công Tằng Tôn Nữ Thị Hoàng Phương Thảo Nguyên",
                address="Số 123, đường liên ấp Phú Thạnh - Phú Lợi, tổ 15, khu dân cư vượt lũ số 2",
                decision="Quyết định số 1234/QĐ-UBND ngày 01/10/2026 của Chủ tịch Ủy ban nhân dân xã Phú Tân, "
                         "tỉnh Đồng Tháp về việc phê duyệt danh sách hộ nghèo, hộ cận nghèo được hỗ trợ điện thoại "
                         "thông minh năm 2026 (đợt 2)", imei2="356938035643809",
                phone_make="Samsung Electronics Việt Nam", phone_model="Galaxy A05s 4GB/128GB (bản hai SIM)")
    pdf = doc.render(d, stamp=doc.reprint_label("14:05 05/11/2026"))
    pages = pdf_pages(pdf)
    assert len(pages) == 1 and doc.page_count(pdf) == 1
    assert "NGƯỜI NHẬN" in pages[0] and "Tôn Nữ Thị Hoàng Phương Thảo Nguyên Khánh Linh" in " ".join(pages[0].split())
    normal = b.build_pdf(doc.story(d), title="x")
    assert doc.page_count(normal) == 2  # this case does need the compact layout



def test_preview_is_watermarked_and_never_counts_then_the_original_prints_once(session, clerk):
    app = factories.approved(session)
    receipt = H.record_handover(session, app.id, handover_input("490154203237518"), clerk, today=TODAY).receipt
    for _ in range(3):
        assert "BẢN XEM TRƯỚC" in pdf_pages(R.preview_pdf(receipt))[0]
    assert receipt.print_count == 0
    with pytest.raises(ServiceError, match="Chưa in bản chính"):
        R.reprint(session, receipt, clerk)
    original = pdf_pages(R.print_original(session, receipt, clerk))[0]
    assert "XEM TRƯỚC" not in original and "IN LẠI" not in original and receipt.print_count == 1
    with pytest.raises(ServiceError, match="đã được in"):
        R.print_original(session, receipt, clerk)
    at = dt.datetime(2026, 3, 10, 2, 5, tzinfo=dt.timezone.utc)  # 09:05 in Việt Nam
    again = pdf_pages(R.reprint(session, receipt, clerk, now=at))[0]
    assert "IN LẠI 09:05 10/03/2026" in again and "BẢN SAO" not in again and receipt.print_count == 2
