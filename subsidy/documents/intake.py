"""The intake slip (phiếu tiếp nhận hồ sơ) handed to the household when its application is received.

``render(data) -> bytes`` lays out one A4 page in the administrative format of Nghị định
30/2020/NĐ-CP (domain.md §7) with subsidy/documents/base: the issuing body top left (no "Số:": a
slip is not a numbered document, and the tracking code is not a number), the motto and the place-and-date line top
right, the title in capitals, who applied and for which form of support, the date received, the
tracking code in large type grouped as on screen ("K7QX-9M4T-AB") beside the QR code of the public
status link (``{PUBLIC_BASE_URL}/tra-cuu?ma=<code>``: the code only, no name, no CCCD), how to
check the status (the /tra-cuu address, the code, and the last 4 digits of the head's CCCD or the
phone number on file), and the receiving clerk's signature.

So a household can follow its application from the day it applies, not only from the handover
receipt. The slip prints no CCCD and no phone number. Pure: reportlab (and segno through
subsidy/documents/qr.py) and the domain only; no Flask, no SQLAlchemy. Source: domain.md §5, §7, §9.
"""
from __future__ import annotations

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from subsidy.documents import base as b
from subsidy.documents.qr import qr_code
from subsidy.domain.documents import IntakeSlipData

TITLE = "Phiếu tiếp nhận hồ sơ"
SUBTITLE = "Đề nghị hỗ trợ điện thoại thông minh (Chương trình VTCI)"
QR_SIZE = 34 * mm
CODE_SIZE = 26.0  # points: the tracking code, read aloud over the phone or typed on /tra-cuu


def _styles() -> b.Styles:
    st = b.styles()
    st["code"] = ParagraphStyle("vn-code", parent=st.bold, fontSize=CODE_SIZE, leading=CODE_SIZE * 1.25,
                                alignment=TA_CENTER, spaceAfter=0)
    st["small_centre"] = ParagraphStyle("vn-small-centre", parent=st.small, alignment=TA_CENTER)
    return st


def _facts(d: IntakeSlipData, st: b.Styles) -> Table:
    rows = [
        ("Chủ hộ:", f"Ông/Bà <b>{b.esc(d.head_name)}</b>"),
        ("Mã hộ:", b.esc(d.household_code)),
        ("Nơi ở:", b.esc(d.hamlet)),
        ("Hình thức đề nghị:", b.esc(d.support_form)),
        ("Ngày nhận hồ sơ:", b.esc(d.received_on)),
    ]
    label_w = 45 * mm
    data = [[Paragraph(k, st.normal), Paragraph(v, st.normal)] for k, v in rows]
    tbl = Table(data, colWidths=[label_w, b.frame_width() - label_w], hAlign="LEFT")
    tbl.setStyle(TableStyle(b.TIGHT))
    return tbl


def _code_box(d: IntakeSlipData, st: b.Styles) -> Table:
    """The tracking code in large type, boxed, with the QR code of the status link beside it."""
    # the QR symbol plus the cell's paddings (4 mm left, 3 mm right) and 1 mm to spare: the box stays
    # inside the frame, 15 mm from the right edge
    qr_col = QR_SIZE + 8 * mm
    left_w = b.frame_width() - qr_col
    left = [
        Paragraph("<b>MÃ TRA CỨU HỒ SƠ</b>", st.centred),
        Spacer(1, 2 * mm),
        Paragraph(b.esc(d.tracking_code), st.code),
        Spacer(1, 3 * mm),
        Paragraph("Giữ phiếu này. Mã tra cứu không chứa thông tin cá nhân; chỉ người biết thêm 4 số cuối "
                  "CCCD của chủ hộ hoặc số điện thoại của hộ mới xem được tình trạng hồ sơ.", st.small_centre),
    ]
    right = [qr_code(d.status_url, QR_SIZE), Paragraph("Quét để tra cứu", st.small_centre)]
    tbl = Table([[left, right]], colWidths=[left_w, qr_col], hAlign="LEFT")
    tbl.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (1, 0), "CENTER"),
        ("BOX", (0, 0), (-1, -1), 1.2, "black"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
    ]))
    return tbl


def _how_to_check(d: IntakeSlipData, st: b.Styles) -> list[Flowable]:
    steps = [
        f"Vào địa chỉ <b>{b.esc(d.status_page)}</b> (hoặc quét mã QR ở trên bằng điện thoại).",
        f"Nhập mã tra cứu <b>{b.esc(d.tracking_code)}</b> (viết liền hay có dấu gạch đều được).",
        "Nhập <b>4 số cuối CCCD của chủ hộ hoặc số điện thoại</b> đã đăng ký với xã, rồi bấm «Tra cứu».",
    ]
    out: list[Flowable] = [Paragraph("<b>Cách tra cứu tình trạng hồ sơ</b> (không cần tài khoản):", st.normal)]
    out += [Paragraph(f"{i}. {text}", st.normal) for i, text in enumerate(steps, start=1)]
    out.append(Paragraph("Xã sẽ kiểm tra điều kiện của hộ và thông báo kết quả. Nếu cần hỏi thêm, hãy mang theo "
                         "phiếu này đến bộ phận tiếp nhận của xã.", st.normal))
    return out


def story(d: IntakeSlipData) -> list[Flowable]:
    """The flowables of the slip (used by :func:`render`)."""
    st = _styles()
    out: list[Flowable] = [*b.admin_header(d.issuer, None, d.place_date), *b.title(TITLE, SUBTITLE)]
    if d.legal_basis:
        out.append(Paragraph(f"<i>Căn cứ {b.esc(d.legal_basis)};</i>", st.normal))
    out.append(Paragraph(f"{b.esc(d.giver_unit)} đã tiếp nhận hồ sơ đề nghị hỗ trợ điện thoại thông minh của:",
                         st.normal))
    out += [Spacer(1, 1 * mm), _facts(d, st), Spacer(1, 5 * mm), _code_box(d, st), Spacer(1, 5 * mm)]
    how = _how_to_check(d, st)
    signature = b.signature_blocks([("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký, ghi rõ họ tên)", d.clerk_name)],
                                   sign_space=20 * mm)
    # the last sentence stays with the signature: never a page holding the signature alone
    out += how[:-1]
    out.append(KeepTogether([how[-1], *signature._content]))
    return out


def document_title(d: IntakeSlipData) -> str:
    """The PDF title metadata, e.g. "Phiếu tiếp nhận hồ sơ K7QX-9M4T-AB"."""
    return f"{TITLE} {d.tracking_code}"


def render(d: IntakeSlipData) -> bytes:
    """The intake slip as PDF bytes (one A4 page). Source: domain.md §7; Nghị định 30/2020/NĐ-CP."""
    return b.build_pdf(story(d), title=document_title(d),
                       subject=b.document_subject(d.legal_basis))
