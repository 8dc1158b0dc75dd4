"""The page of Nghị định 30/2020/NĐ-CP: A4 margins, text sizes, the frame's width, column widths."""
from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.pagesizes import A4, landscape as _landscape
from reportlab.lib.units import mm

# Nghị định 30/2020/NĐ-CP, Phụ lục I ("Thể thức và kỹ thuật trình bày văn bản hành chính"), mục I.1 (khổ
# giấy A4), I.2 (kiểu trình bày), I.3 (định lề trang), I.4 (phông chữ Times New Roman) and the items of
# mục II, one constant each. Sizes are in points, lengths in PDF points (``mm`` converts).

#: Mục I.3, định lề trang: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm. The smallest allowed
#: values, to leave room for the tables.
TOP_MARGIN = 20 * mm
BOTTOM_MARGIN = 20 * mm
LEFT_MARGIN = 30 * mm
RIGHT_MARGIN = 15 * mm

#: Mục II.1, quốc hiệu: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in bold capitals, 12–13.
NATIONAL_TITLE_SIZE = 12.0
#: Mục II.1, tiêu ngữ: "Độc lập - Tự do - Hạnh phúc" bold, 13–14, a solid rule under it as long as it.
MOTTO_SIZE = 13.0
#: Mục II.2, tên cơ quan: the superior body in capitals (regular) and the issuing body in bold
#: capitals, 12–13, with a solid rule 1/3 to 1/2 as long as the line above it.
ISSUER_SIZE = 13.0
#: Mục II.3, số, ký hiệu: "Số:" and the number, 13.
NUMBER_SIZE = 13.0
#: Mục II.4, địa danh và thời gian: italics, 13–14.
PLACE_DATE_SIZE = 13.0
#: Mục II.5, tên loại và trích yếu: bold capitals 13–14 for the kind, bold 13–14 for the trích yếu.
TITLE_SIZE = 14.0
#: Mục II.6, nội dung: 13–14; paragraphs at least 6 pt apart; lines single to 1.5 spaced.
BODY_SIZE = 13.0
PARAGRAPH_SPACE = 6.0
#: Mục II.7, quyền hạn, chức vụ, họ tên người ký: bold capitals 13–14 for the authority and title,
#: bold 13–14 for the name.
SIGNER_SIZE = 13.0
#: Mục II.9, nơi nhận: "Nơi nhận:" bold italic 12; the entries 11, regular.
RECIPIENTS_HEADING_SIZE = 12.0
RECIPIENTS_SIZE = 11.0
#: Mục II.10 (Phụ lục I, số trang): 13–14, centred in the top margin, none on the first page.
PAGE_NUMBER_SIZE = 13.0
#: Where the page number's baseline sits: inside the top margin, 12 mm below the top edge.
PAGE_NUMBER_FROM_TOP = 12 * mm

#: Tables (lists, reports). Nghị định 30 sets no size for a table's cells; 12 keeps a 10-column list
#: legible on landscape A4, never below the smallest size the decree uses (11, the Nơi nhận entries).
CELL_SIZE = 12.0
#: The report's figures tables (14 columns on landscape A4): the decree's smallest size, 11.
DENSE_CELL_SIZE = 11.0
#: Hints under a signature ("(Ký, ghi rõ họ tên)"), captions, notes: 11, the decree's smallest size.
SMALL_SIZE = 11.0
#: Kept for callers of the old name: the issuing body's size.
HEADER_SIZE = ISSUER_SIZE


def frame_width(landscape: bool = False) -> float:
    """Width in points of the text frame of an A4 page with the ND30 margins.

    Portrait: 165 mm ≈ 467.7 pt; landscape: 252 mm ≈ 714.3 pt.
    """
    page_w = (_landscape(A4) if landscape else A4)[0]
    return page_w - LEFT_MARGIN - RIGHT_MARGIN


def frame_height(landscape: bool = False) -> float:
    """Height in points of the text frame of an A4 page with the ND30 margins.

    Portrait: 257 mm ≈ 728.5 pt; landscape: 170 mm ≈ 481.9 pt.
    """
    page_h = (_landscape(A4) if landscape else A4)[1]
    return page_h - TOP_MARGIN - BOTTOM_MARGIN


def fit_widths(weights: Sequence[float], total: float | None = None, *, landscape: bool = False) -> list[float]:
    """Scale relative column weights to absolute widths (points) summing to ``total``.

    ``total`` defaults to ``frame_width(landscape)``.  Example:
    ``fit_widths([1, 5, 2])`` on portrait A4 → ``[58.5, 292.3, 116.9]``.
    """
    if total is None:
        total = frame_width(landscape)
    s = float(sum(weights))
    if s <= 0:
        raise ValueError("column weights must sum to a positive number")
    return [total * w / s for w in weights]


# A layout table's style: cells aligned to the top, no padding (used to place blocks side by side).
TIGHT = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]
