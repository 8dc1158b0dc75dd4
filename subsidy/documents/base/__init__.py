"""Shared reportlab building blocks for receipts, lists and reports.

Everything here follows the Vietnamese administrative document format of
Nghị định 30/2020/NĐ-CP (domain.md §7): A4, the issuing body top left with the
document number under it, the national motto top right with the place-and-date
line under it, the title in capitals, signature blocks at the end.

This module is pure: it imports reportlab only (no Flask, no SQLAlchemy), so
renderers can be called from views, the CLI, tests and bench scripts alike.

Units: every length is in PDF points (1 pt = 1/72 inch); use
``reportlab.lib.units.mm`` to convert (``20 * mm``).  Text arguments are plain
Unicode strings (not markup) unless stated otherwise: they are NFC-normalised
and escaped here, so a note such as ``"0.1 <A <0.9"`` prints exactly as typed.

The modules, one job each: ``fonts`` (VNSerif: Times New Roman from PDF_FONT_DIR, else the shipped
Liberation Serif), ``page`` (margins and sizes of Phụ lục I, each with its clause; widths), ``text``
(escaping, styles), ``parts`` (header, title, signatures, Nơi nhận), ``tables`` (the data table),
``build`` (page numbers, marks, the PDF). Everything is importable from here; the issuing body is
subsidy.domain.documents.Issuer.

Typical use::

    from subsidy.documents import base as b
    story = [
        *b.admin_header(DEFAULT_ISSUER, "12/BB-UBND", "Phú Tân, ngày 05 tháng 11 năm 2026"),
        *b.title("Biên bản bàn giao", "Điện thoại thông minh hỗ trợ từ VTCI"),
        b.data_table(["STT", "Họ và tên"], rows, b.fit_widths([1, 6])),
        b.signature_blocks([("NGƯỜI NHẬN", "(Ký, ghi rõ họ tên)", name),
                            ("NGƯỜI GIAO", "(Ký, ghi rõ họ tên)", "")]),
    ]
    pdf_bytes = b.build_pdf(story, title="Biên bản bàn giao số 12")
"""

# Relative imports: the package's modules import reportlab and each other only (no Flask, no
# SQLAlchemy); parts.py alone reads the Issuer dataclass of subsidy.domain.
from .build import build_pdf, document_subject
from .fonts import FONT, FONT_BOLD, FONT_BOLD_ITALIC, FONT_ITALIC, register_fonts
from .page import (
    BODY_SIZE, BOTTOM_MARGIN, CELL_SIZE, DENSE_CELL_SIZE, HEADER_SIZE, ISSUER_SIZE, LEFT_MARGIN, MOTTO_SIZE,
    NATIONAL_TITLE_SIZE, NUMBER_SIZE, PAGE_NUMBER_FROM_TOP, PAGE_NUMBER_SIZE, PLACE_DATE_SIZE,
    RECIPIENTS_HEADING_SIZE, RECIPIENTS_SIZE, RIGHT_MARGIN, SIGNER_SIZE, SMALL_SIZE, TIGHT, TITLE_SIZE, TOP_MARGIN,
    fit_widths, frame_height, frame_width,
)
from .parts import MOTTO_1, MOTTO_2, admin_header, recipients_block, signature_blocks, signer_block, title
from .tables import TAIL_ROWS, TableEnd, data_table, table_with_end
from .text import Styles, esc, plain, styles

__all__ = [
    "DENSE_CELL_SIZE", "ISSUER_SIZE", "MOTTO_SIZE", "NATIONAL_TITLE_SIZE", "NUMBER_SIZE", "PAGE_NUMBER_FROM_TOP",
    "PAGE_NUMBER_SIZE", "PLACE_DATE_SIZE", "RECIPIENTS_HEADING_SIZE", "RECIPIENTS_SIZE", "SIGNER_SIZE", "TITLE_SIZE",
    "recipients_block", "signer_block",
    "BODY_SIZE", "BOTTOM_MARGIN", "CELL_SIZE", "FONT", "FONT_BOLD", "FONT_BOLD_ITALIC", "FONT_ITALIC", "HEADER_SIZE",
    "LEFT_MARGIN", "MOTTO_1", "MOTTO_2", "RIGHT_MARGIN", "SMALL_SIZE", "TIGHT", "TOP_MARGIN", "Styles",
    "admin_header", "build_pdf", "data_table", "esc", "fit_widths", "frame_width", "plain", "register_fonts",
    "signature_blocks", "styles", "title", "document_subject", "frame_height", "TAIL_ROWS", "TableEnd", "table_with_end",
]
