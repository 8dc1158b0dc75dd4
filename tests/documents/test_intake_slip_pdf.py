"""The intake slip (phiếu tiếp nhận hồ sơ) handed to the household when its application is
received: read back with pypdf (name NFC, the tracking code grouped as its number and in large
type, the status address, how to check), its QR code carries only the status link (decoded with
zbarimg when installed), and no CCCD or phone number is printed."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from subsidy.documents import intake
from subsidy.documents.qr import QrFlowable
from subsidy.domain import tracking
from subsidy.services import applications
from subsidy.services import intake as intake_svc
from subsidy.services.receipts import ReceiptSettings
from tests import factories

NFD_NAME = unicodedata.normalize("NFD", "Lê Thị Ỷ Lan Ưng Hưởng")
NFC_NAME = unicodedata.normalize("NFC", NFD_NAME)
SETTINGS = ReceiptSettings(body="ỦY BAN NHÂN DÂN XÃ PHÚ TÂN", place="Phú Tân", commune_name="xã Phú Tân",
                           public_base_url="https://xa.example.vn/")


def text_of(pdf: bytes) -> str:
    """The text layer, NFC, whitespace runs (line and cell breaks) as one space."""
    raw = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(unicodedata.normalize("NFC", raw).split())


@pytest.fixture
def received(session):
    clerk = factories.user(session, "clerk", "tiepnhan", full_name="Trần Văn Lập", row=True)
    h = factories.household(session, code="PT-0042", head_name=NFC_NAME, list_year=2025, citizen_id="082095001234",
                            phone="0912345678", prior_device="none")
    app = applications.apply(session, applications.ApplicationInput(
        household_id=h.id, support_form="cash", received_on=dt.date(2026, 3, 5), purchase_date=dt.date(2026, 1, 2)),
        clerk)
    return app


def test_slip_text_has_name_code_date_and_how_to_check(session, received):
    pdf = intake_svc.intake_slip_pdf(session, received, SETTINGS)
    text = text_of(pdf)
    code = tracking.display(received.tracking_code)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert NFC_NAME in text
    assert "Số:" not in text  # a slip has no number of its own; the tracking code is not one
    assert text.count(code) >= 2  # the large code, the how-to line
    assert received.tracking_code not in text.replace(code, "")  # never shown ungrouped
    assert "PHIẾU TIẾP NHẬN HỒ SƠ" in text
    assert "ỦY BAN NHÂN DÂN" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Phú Tân, ngày 05 tháng 3 năm 2026" in text
    assert "Ngày nhận hồ sơ: 05/03/2026" in text
    assert "Hỗ trợ bằng tiền" in text
    assert "https://xa.example.vn/tra-cuu" in text
    assert "4 số cuối CCCD của chủ hộ hoặc số điện thoại" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text and "Trần Văn Lập" in text
    # personal data the household does not need on a slip it may lose
    for secret in ("082095001234", "0912345678", "0912 345 678"):
        assert secret not in text


def test_slip_qr_carries_only_the_status_link(session, received):
    d = intake_svc.intake_slip_data(session, received, SETTINGS)
    qrs = [f for f in _walk(intake.story(d)) if isinstance(f, QrFlowable)]
    assert [q.value for q in qrs] == [f"https://xa.example.vn/tra-cuu?ma={received.tracking_code}"]


def test_slip_escapes_what_people_typed(session, received):
    received.household.head_name = "Nguyễn <b>Văn</b> & Ba"
    text = text_of(intake_svc.intake_slip_pdf(session, received, SETTINGS))
    assert "Nguyễn <b>Văn</b> & Ba" in text


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
                    reason="zbarimg (zbar-tools) and pdftoppm (poppler-utils) are needed to scan the QR code")
def test_slip_qr_scans(session, received, tmp_path: Path):
    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(intake_svc.intake_slip_pdf(session, received, SETTINGS))
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    png = sorted(tmp_path.glob("page*.png"))[0]
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"https://xa.example.vn/tra-cuu?ma={received.tracking_code}"


def _walk(flowables):
    for f in flowables:
        yield f
        for attr in ("_cellvalues",):
            for row in getattr(f, attr, []) or []:
                for cell in row:
                    yield from _walk(cell if isinstance(cell, list) else [cell])
        inner = getattr(f, "_content", None) or getattr(f, "_flowables", None)
        if inner:
            yield from _walk(inner)
