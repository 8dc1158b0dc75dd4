"""The page of Nghị định 30/2020/NĐ-CP: A4 margins, text sizes, the frame's width, column widths."""
from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.pagesizes import A4, landscape as _landscape
from reportlab.lib.units import mm

#: Margins per Nghị định 30/2020 (top 20–25 mm, bottom 20–25 mm, left 30–35 mm,
#: right 15–20 mm); we use the smallest allowed values to leave room for tables.
TOP_MARGIN = 20 * mm
BOTTOM_MARGIN = 20 * mm
LEFT_MARGIN = 30 * mm
RIGHT_MARGIN = 15 * mm

# Body text size.  Nghị định 30 asks for 13–14 pt Times New Roman; DejaVu Serif
# is noticeably wider, so 12 pt DejaVu has about the set width of 13.5 pt Times.
BODY_SIZE = 12.0
HEADER_SIZE = 11.0  # agency name and motto (ND30: 12–13 pt Times)
CELL_SIZE = 10.0
SMALL_SIZE = 9.0


def frame_width(landscape: bool = False) -> float:
    """Width in points of the text frame of an A4 page with the ND30 margins.

    Portrait: 165 mm ≈ 467.7 pt; landscape: 252 mm ≈ 714.3 pt.
    """
    page_w = (_landscape(A4) if landscape else A4)[0]
    return page_w - LEFT_MARGIN - RIGHT_MARGIN


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
