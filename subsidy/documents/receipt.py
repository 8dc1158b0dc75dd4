"""The receipts the household signs: biên bản bàn giao (a phone) and giấy biên nhận (cash).

``render(data, stamp=None) -> bytes`` lays out one A4 page in the administrative format of
Nghị định 30/2020/NĐ-CP (domain.md §7): the issuing body and the receipt number top left, the
national motto and the place-and-date line top right, the title in capitals, the legal basis, the
two parties, the phone (make, model, IMEI, telecom, subscriber number) or the amount in figures
and in Vietnamese words, signature blocks for the receiver, the giver and the commune, and a QR
code carrying only the public status link (``…/tra-cuu?ma=<tracking code>``: no name, no CCCD).

Everything printed comes from subsidy.domain.receipt.ReceiptData, which is stored as the
receipt's snapshot (``Receipt.snapshot``) when the receipt is issued, so a reprint is identical
even after the household's record changes. Marks: a preview is watermarked "BẢN XEM TRƯỚC"; a
print after the original is labelled "IN LẠI" with its time (not "bản sao", which Nghị định 30
reserves for its sao y / sao lục / trích sao forms); a voided receipt "ĐÃ HỦY".

Pure: reportlab, and segno for the QR symbol (subsidy/documents/qr.py); no Flask, no SQLAlchemy.
Source: domain.md §6, §7; Thông tư 14/2022/TT-BTTTT, chương IV, mục 2.
"""
from __future__ import annotations

import re

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from subsidy.documents import base as b
from subsidy.documents.qr import QrFlowable, qr_code  # noqa: F401 - QrFlowable re-exported (tests)
from subsidy.domain import tracking
from subsidy.domain.documents import Issuer, address_line
from subsidy.domain.receipt import KIND_CASH, KIND_HANDOVER, ReceiptData

STAMP_VOID = "ĐÃ HỦY"
STAMP_PREVIEW = "BẢN XEM TRƯỚC"
REPRINT = "IN LẠI"


def reprint_label(at: str) -> str:
    """The label of a print after the original: ``reprint_label("14:05 05/11/2026")`` →
    ``"IN LẠI 14:05 05/11/2026"`` (``at``: the local time of this print, formatted by the caller)."""
    return f"{REPRINT} {at}".strip()

QR_SIZE = 26 * mm
SIGN_SPACE = 18 * mm


def _kv_table(rows: list[tuple[str, str]], st: b.Styles, label_w: float, width: float | None = None) -> Table:
    """Label: value lines, the value wrapping under itself (not under the label)."""
    width = width if width is not None else b.frame_width()
    style = st.normal
    # Labels are short and never wrap: plain strings (no Paragraph to parse), set in the body
    # font with the first baseline where the value's Paragraph puts its own.
    data = [[k, Paragraph(v, style)] for k, v in rows]
    tbl = Table(data, colWidths=[label_w, width - label_w], hAlign="LEFT")
    tbl.setStyle(TableStyle(b.TIGHT + [
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("FONTNAME", (0, 0), (0, -1), style.fontName),
        ("FONTSIZE", (0, 0), (0, -1), style.fontSize),
        ("LEADING", (0, 0), (0, -1), style.leading),
    ]))
    return tbl


def _parties(d: ReceiptData, st: b.Styles) -> list[Flowable]:
    giver = [("Đơn vị:", b.esc(d.giver_unit)),
             ("Đại diện:", f"Ông/Bà <b>{b.esc(d.staff_name) or '.' * 40}</b>")]
    if d.kind == KIND_HANDOVER:
        giver.append(("Nhà mạng:", f"{b.esc(d.telecom)} (doanh nghiệp viễn thông cung cấp gói hỗ trợ)"))
    household = f"{b.esc(d.head_name)} (mã hộ {b.esc(d.household_code)})"
    if d.category:
        household += f", {b.esc(d.category.lower())}"
    where = address_line(d.address, d.hamlet)
    receiver = [
        ("Ông/Bà:", f"<b>{b.esc(d.recipient_name)}</b>"),
        ("Số CCCD:", b.esc(d.recipient_citizen_id) or "." * 30),
    ]
    if d.recipient_capacity:
        receiver.append(("Tư cách nhận:", b.esc(d.recipient_capacity)))
    receiver.append(("Thuộc hộ:", household))
    if where:
        receiver.append(("Địa chỉ:", b.esc(where)))
    label_w = 30 * mm
    return [
        Paragraph("<b>BÊN GIAO (Bên A):</b>", st.normal),
        _kv_table(giver, st, label_w),
        Spacer(1, 2 * mm),
        _receiver_with_qr(d, receiver, st, label_w),
        Spacer(1, 2 * mm),
    ]


def _receiver_with_qr(d: ReceiptData, receiver: list[tuple[str, str]], st: b.Styles, label_w: float) -> Table:
    """The receiver's lines on the left; on the right the QR code of the public status link
    (tracking code only), captioned, so the household can follow its application."""
    qr_col = QR_SIZE + 8 * mm
    left_w = b.frame_width() - qr_col
    left = [Paragraph("<b>BÊN NHẬN (Bên B):</b>", st.normal), _kv_table(receiver, st, label_w, left_w)]
    right = [qr_code(d.status_url),
             Paragraph("Tra cứu hồ sơ, mã:", st.small_centre),
             Paragraph(f"<b>{b.esc(tracking.shown(d.tracking_code))}</b>", st.small_centre)]
    tbl = Table([[left, right]], colWidths=[left_w, qr_col], hAlign="LEFT")
    tbl.setStyle(TableStyle(b.TIGHT + [("ALIGN", (1, 0), (1, 0), "CENTER")]))
    return tbl


def _handover_body(d: ReceiptData, st: b.Styles) -> list[Flowable]:
    imeis = d.imei if not d.imei2 else f"{d.imei}\n{d.imei2}"
    device = " ".join(x for x in (d.phone_make, d.phone_model) if x)
    table = b.data_table(
        ["STT", "Thiết bị", "Số IMEI", "Số thuê bao", "Số lượng"],
        [["1", f"Điện thoại thông minh {device}", imeis, f"{d.subscriber_number}\n({d.telecom})", "01 chiếc"]],
        b.fit_widths([0.8, 4.4, 2.9, 2.7, 1.6]),
        repeat_header=False,
        align=["C", "L", "L", "L", "C"],
    )
    return [
        Paragraph("Bên A bàn giao cho Bên B điện thoại thông minh kèm gói cước hỗ trợ:", st.normal),
        Spacer(1, 1 * mm),
        table,
        Spacer(1, 3 * mm),
        Paragraph(
            "Bên B đã nhận đủ máy, máy hoạt động bình thường, thuê bao đã được kích hoạt; Bên B cam kết "
            "sử dụng đúng mục đích, không chuyển nhượng, mua bán. Biên bản lập thành 03 bản có giá trị "
            "như nhau: Bên A giữ 02 bản, Bên B giữ 01 bản.", st.normal),
    ]


def _cash_body(d: ReceiptData, st: b.Styles) -> list[Flowable]:
    return [
        Paragraph(
            f"Bên B đã nhận của Bên A số tiền hỗ trợ: <b>{b.esc(d.amount_figures)} đồng</b>", st.normal),
        Paragraph(f"(Bằng chữ: <i>{b.esc(d.amount_words)}</i>)", st.normal),
        Paragraph(
            "Nội dung: hỗ trợ bằng tiền cho hộ đã tự mua điện thoại thông minh "
            f"(ngày mua: {b.esc(d.purchase_date)}) theo Chương trình VTCI.", st.normal),
        Spacer(1, 2 * mm),
        Paragraph("Bên B cam kết thông tin trên là đúng sự thật; mỗi hộ chỉ được hỗ trợ một lần. "
                  "Giấy biên nhận lập thành 02 bản có giá trị như nhau, mỗi bên giữ 01 bản.", st.normal),
    ]


def _signatures(d: ReceiptData, st: b.Styles, sign_space: float = SIGN_SPACE) -> Flowable:
    """Three signature blocks — the receiver, the giver, the commune (its signer's authority and title
    from the snapshot, e.g. TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH, with its seal, and the
    typed name) — on one row, the commune's block wider so its
    title stays on one line; the names line up at the bottom. Kept together on one page.

    The fixed titles and hints are plain table cells (a font per cell), not Paragraphs: one
    Paragraph less to parse, wrap and draw each (bench/receipts.py). The commune's title takes
    three lines, so its second and third lines sit beside the others' hints and its hint a row
    lower; only the names, which may need wrapping, are Paragraphs."""
    role, hint = st.signature_role, st.signature_hint
    signer = [line for line in d.signer_role.split("\n") if line.strip()] or [""]
    rows = [
        ["NGƯỜI NHẬN", "NGƯỜI GIAO", signer[0]],
        ["(Ký, ghi rõ họ tên)", "(Ký, ghi rõ họ tên)", "\n".join(signer[1:]) or "(Ký, đóng dấu)"],
        ["", "", "(Ký, đóng dấu)" if len(signer) > 1 else ""],
        [""] * 3,
        [Paragraph(b.esc(name), st.signature_name) if name else ""
         for name in (d.recipient_name, d.staff_name, d.signer_name)],
    ]
    tbl = Table(rows, colWidths=b.fit_widths([0.3, 0.3, 0.4]), rowHeights=[None, None, None, sign_space, None],
                hAlign="CENTER")

    def font(cells: tuple[tuple[int, int], tuple[int, int]], style: ParagraphStyle) -> list[tuple]:
        return [("FONTNAME", *cells, style.fontName), ("FONTSIZE", *cells, style.fontSize),
                ("LEADING", *cells, style.leading)]

    tbl.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        *font(((0, 0), (2, 0)), role),
        *font(((0, 1), (1, 1)), hint),
        *font(((2, 1), (2, 1)), role if len(signer) > 1 else hint),
        *font(((2, 2), (2, 2)), hint),
    ]))
    return KeepTogether([Spacer(1, 4 * mm), tbl])


_COMPACT_STYLES = ("normal", "small", "bold", "italic", "centred", "italic_centred", "signature_role",
                   "signature_hint", "signature_name")


def story(d: ReceiptData, compact: bool = False) -> list[Flowable]:
    """The flowables of one receipt (used by :func:`render` and by bench/receipts.py).

    ``compact``: body text 8 % smaller, tighter leading and signing space — the fallback
    :func:`render` uses when long names or a long decision would push the signatures onto a
    second page."""
    st = b.styles()
    if compact:
        for key in _COMPACT_STYLES:
            style = st[key]
            style.fontSize *= 0.92
            style.leading = style.fontSize * 1.2
            style.spaceAfter = min(style.spaceAfter, 1)
    st["small_centre"] = ParagraphStyle("vn-small-centre", parent=st.small, alignment=TA_CENTER)
    issuer = Issuer(body_upper=d.issuer_body_upper, body=d.issuer_body, place=d.place)
    if d.kind == KIND_HANDOVER:
        heading = b.title("Biên bản bàn giao", "Điện thoại thông minh hỗ trợ từ Chương trình VTCI")
    else:
        heading = b.title("Giấy biên nhận", "Tiền hỗ trợ điện thoại thông minh (Chương trình VTCI)")
    out: list[Flowable] = [*b.admin_header(issuer, d.number_display, d.place_date), *heading]
    out.append(Paragraph(f"<i>Căn cứ {b.esc(d.legal_basis)};</i>", st.normal))
    if d.decision:
        out.append(Paragraph(f"<i>Căn cứ {b.esc(d.decision)};</i>", st.normal))
    out.append(Paragraph(f"Hôm nay, ngày {b.esc(d.date)}, chúng tôi gồm:", st.normal))
    out.append(Spacer(1, 2 * mm))
    out.extend(_parties(d, st))
    body = _handover_body(d, st) if d.kind == KIND_HANDOVER else _cash_body(d, st)
    signatures = _signatures(d, st, SIGN_SPACE * (0.8 if compact else 1))
    # the closing sentence (how many copies, who keeps them) stays with the signatures: a page of
    # signatures alone is not part of the document it signs (a KeepTogether is unwrapped, nested ones
    # report an infinite height)
    out.extend(body[:-1])
    out.append(KeepTogether([body[-1], *signatures._content]))
    return out


def document_title(d: ReceiptData) -> str:
    """The PDF title metadata, e.g. "Biên bản bàn giao số 07/BB-UBND"."""
    name = "Biên bản bàn giao" if d.kind == KIND_HANDOVER else "Giấy biên nhận"
    return f"{name} số {d.number_display}"


def render(d: ReceiptData, stamp: str | None = None, watermark: str | None = None) -> bytes:
    """The receipt as PDF bytes, on one A4 page (re-laid out compact if the normal layout takes
    two pages; a receipt with extremely long texts may still take two). ``stamp``: the label in the
    top-right margin — None (the original), :func:`reprint_label` (a later print) or
    ``STAMP_VOID``; ``watermark``: ``STAMP_PREVIEW`` for a preview, ``STAMP_VOID`` for a voided
    receipt, None otherwise.

    Raises ValueError for an unknown ``d.kind``. Source: domain.md §7; Nghị định 30/2020/NĐ-CP.
    """
    if d.kind not in (KIND_HANDOVER, KIND_CASH):
        raise ValueError(f"unknown receipt kind {d.kind!r}")
    pdf = b""
    for compact in (False, True):
        pdf = b.build_pdf(story(d, compact), title=document_title(d), stamp=stamp, watermark=watermark,
                          subject=b.document_subject(d.legal_basis))
        if page_count(pdf) == 1:
            break
    return pdf


_PAGE_OBJ = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def page_count(pdf: bytes) -> int:
    """The number of pages of a PDF written by reportlab (its page objects, uncompressed)."""
    return len(_PAGE_OBJ.findall(pdf))
