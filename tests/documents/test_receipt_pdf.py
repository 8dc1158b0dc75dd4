"""Receipt PDFs (issue 4 item 3): open them with pypdf and read back what the receipt stored.

The recipient's name, the receipt number, the IMEI and the amount in words must come out of the
PDF exactly as stored in the snapshot (NFC); a reprint is identical but for the BẢN SAO stamp,
a voided receipt says ĐÃ HỦY; the QR code carries the public status link with the tracking
code only (decoded with zbarimg when it is installed); the QR flowable draws the same symbol
reportlab's own encoder makes.
"""
from __future__ import annotations

import datetime as dt
import io
import random
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen import canvas

from subsidy.documents import base as b
from subsidy.documents import receipt as doc
from subsidy.models import Household, RuleSet
from subsidy.services import handovers as H
from subsidy.services import receipts as R
from subsidy.services import users
from tests.handover_support import handover_input, make_approved

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
    user = users.create_user(session, "canbo", "clerk", "matkhau123", None, full_name="Đặng Văn Hưởng")
    session.flush()
    return user


def test_handover_receipt_text_matches_the_snapshot(session, clerk):
    app = make_approved(session, head_name="Nguyễn Thị Ánh Tuyết")
    res = H.record_handover(session, app.id, handover_input("49 0154 2032 3751 8", imei2="356938035643809",
                                                            recipient_name=NFD_NAME), clerk, today=TODAY)
    snap = res.receipt.snapshot
    assert snap["recipient_name"] == NFC_NAME != NFD_NAME
    pdf = R.print_pdf(session, res.receipt, clerk)
    pages = pdf_pages(pdf)
    assert len(pages) == 1
    text_lines = lines(pdf)
    assert f"Số: {snap['number_display']}" in text_lines  # "Số: 0001/BB-VTCI", top left
    assert snap["number_display"] == "0001/BB-VTCI"
    assert NFC_NAME in text_lines  # the value cell after "Ông/Bà:" (Bên B): a line of its own, as stored
    flat = " ".join(" ".join(pages).split())
    assert flat.count(NFC_NAME) == 2  # Bên B and under the receiver's signature
    for value in (snap["imei"], snap["imei2"], snap["subscriber_number"], snap["place_date"], "BIÊN BẢN BÀN GIAO",
                  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN",
                  "NGƯỜI NHẬN", "NGƯỜI GIAO", "TM. ỦY BAN NHÂN DÂN", "Samsung Galaxy A05", "Nguyễn Thị Ánh Tuyết"):
        assert value in pages[0], value
    assert snap["imei"] == "490154203237518"
    assert "BẢN SAO" not in pages[0] and "ĐÃ HỦY" not in pages[0]


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
    app = make_approved(session, form="cash")
    res = H.record_cash_payment(session, app.id, H.CashPaymentInput(
        paid_on=dt.date(2026, 3, 12), recipient_name="Huỳnh Mỹ Nhung", recipient_citizen_id="082195004321"),
        clerk, today=TODAY)
    snap = res.receipt.snapshot
    assert snap["amount_words"] == words
    pdf = R.print_pdf(session, res.receipt, clerk)
    text_lines = lines(pdf)
    assert f"(Bằng chữ: {snap['amount_words']})" in text_lines  # one line, exactly as stored
    assert any(f"số tiền hỗ trợ: {snap['amount_figures']} đồng" in ln for ln in text_lines)
    assert f"Số: {snap['number_display']}" in text_lines and snap["number_display"] == "0001/BN-VTCI"
    assert "GIẤY BIÊN NHẬN" in pdf_pages(pdf)[0]
    assert len(pdf_pages(pdf)) == 1


def test_reprint_is_identical_and_says_copy_even_after_the_household_changes(session, clerk):
    app = make_approved(session, head_name="Nguyễn Thị Ánh Tuyết")
    res = H.record_handover(session, app.id, handover_input("490154203237518"), clerk, today=TODAY)
    original = pdf_pages(R.print_pdf(session, res.receipt, clerk))[0]
    household = session.get(Household, app.household_id)
    household.head_name = "Tên Đã Đổi"
    household.hamlet = "Ấp Khác"
    session.flush()
    copy = pdf_pages(R.print_pdf(session, res.receipt, clerk))[0]
    assert "BẢN SAO" in copy and "BẢN SAO" not in original
    assert "Tên Đã Đổi" not in copy and "Nguyễn Thị Ánh Tuyết" in copy
    assert copy.replace("BẢN SAO", "").split() == original.split()
    assert res.receipt.print_count == 2


def test_voided_receipt_says_void(session, clerk):
    approver = users.create_user(session, "lanhdao", "approver", "matkhau123", None)
    app = make_approved(session)
    res = H.record_handover(session, app.id, handover_input("490154203237518"), clerk, today=TODAY)
    H.void_handover(session, res.handover.id, "Ghi nhầm", approver)
    text = pdf_pages(R.print_pdf(session, res.receipt, approver))[0]
    assert "ĐÃ HỦY" in text and "BẢN SAO" not in text and "490154203237518" in text


def _sample(**kw) -> doc.ReceiptData:
    data = dict(kind="handover", number_display="0007/BB-VTCI", series="BB-VTCI", year=2026, number=7,
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
    qrs = [f for f in _walk(doc.story(d)) if isinstance(f, doc._FastQrCode)]
    assert len(qrs) == 1
    assert qrs[0].value == "https://xa.example.vn/tra-cuu?ma=K7QX9M4TAB"
    assert "082095001234" not in qrs[0].value and "Hưởng" not in qrs[0].value


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
                    reason="zbarimg (zbar-tools) and pdftoppm (poppler-utils) are needed to scan the QR code")
def test_qr_code_scans(tmp_path: Path):
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(doc.render(_sample()))
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp_path / "page")], check=True)
    png = sorted(tmp_path.glob("page*.png"))[0]
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "https://xa.example.vn/tra-cuu?ma=K7QX9M4TAB"


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


def test_fast_qr_draws_the_symbol_reportlab_would():
    """_FastQrCode picks the mask by the same penalty as reportlab's qrencoder, on every version
    our links need (and a few longer ones, including version ≥ 7 with its version blocks)."""
    rng = random.Random(14)
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    for i in range(60):
        code = "".join(rng.choice(alphabet) for _ in range(10))
        base = rng.choice(["http://127.0.0.1:5000", "https://dichvu.phutan.gov.vn", "http://x.vn"])
        value = f"{base}/tra-cuu?ma={code}" + ("x" * rng.randint(0, 180) if i % 4 == 0 else "")
        ref = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        ref.addData(value)
        ref.make()
        fast = doc.qr_code(value)
        fast.canv = canvas.Canvas(io.BytesIO())
        fast.draw()
        assert fast.qr.modules == ref.modules, value


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
    pdf = doc.render(d, stamp=doc.STAMP_COPY)
    pages = pdf_pages(pdf)
    assert len(pages) == 1 and doc.page_count(pdf) == 1
    assert "NGƯỜI NHẬN" in pages[0] and "Tôn Nữ Thị Hoàng Phương Thảo Nguyên Khánh Linh" in " ".join(pages[0].split())
    normal = b.build_pdf(doc.story(d), title="x")
    assert doc.page_count(normal) == 2  # this case does need the compact layout
