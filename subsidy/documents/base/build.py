"""Building the PDF: A4 with the margins of Nghị định 30/2020/NĐ-CP, the page number centred in the top
margin from page 2 on (none on page 1), and optional marks: a boxed label in the top-right margin
("IN LẠI 14:05 05/11/2026", "ĐÃ HỦY") and a large translucent diagonal watermark ("BẢN XEM TRƯỚC",
"ĐÃ HỦY")."""
from __future__ import annotations

import io
import math
from collections.abc import Iterable

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape as _landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from .fonts import FONT, FONT_BOLD, register_fonts
from .page import BOTTOM_MARGIN, LEFT_MARGIN, PAGE_NUMBER_FROM_TOP, PAGE_NUMBER_SIZE, RIGHT_MARGIN, TOP_MARGIN
from .text import plain

_STAMP_RED = colors.Color(0.80, 0.05, 0.05)
_STAMP_GREY = colors.Color(0.35, 0.35, 0.35)


def _stamp_colour(stamp: str) -> colors.Color:
    return _STAMP_RED if "HỦY" in stamp.upper() or "HUỶ" in stamp.upper() else _STAMP_GREY


def _draw_watermark(canv: Canvas, text: str, colour: colors.Color) -> None:
    """A large translucent diagonal across the page (under the content: the text stays legible)."""
    page_w, page_h = canv._pagesize
    angle = math.degrees(math.atan2(page_h, page_w))
    unit_w = pdfmetrics.stringWidth(text, FONT_BOLD, 1) or 1
    size = min(110.0, 0.6 * math.hypot(page_w, page_h) / unit_w)
    canv.saveState()
    canv.setFillColor(colour)
    canv.setFillAlpha(0.15)
    canv.translate(page_w / 2, page_h / 2)
    canv.rotate(angle)
    canv.setFont(FONT_BOLD, size)
    canv.drawCentredString(0, -size * 0.35, text)
    canv.restoreState()


def _draw_label(canv: Canvas, text: str, colour: colors.Color) -> None:
    """A boxed label in the top-right margin: survives photocopying, and reads in the text layer."""
    page_w, page_h = canv._pagesize
    fs = 11
    tw = pdfmetrics.stringWidth(text, FONT_BOLD, fs)
    x1 = page_w - RIGHT_MARGIN
    y0 = page_h - TOP_MARGIN + 4 * mm
    canv.saveState()
    canv.setStrokeColor(colour)
    canv.setFillColor(colour)
    canv.setLineWidth(1.2)
    canv.rect(x1 - tw - 10, y0, tw + 10, fs + 6, stroke=1, fill=0)
    canv.setFont(FONT_BOLD, fs)
    canv.drawString(x1 - tw - 5, y0 + 4.5, text)
    canv.restoreState()


def document_subject(legal_basis: str) -> str:
    """The PDF's subject metadata: "Chương trình VTCI - <legal basis>", the basis as the rule set in
    force words it (e.g. "Thông tư số 14/2022/TT-BTTTT ngày 28/10/2022 của Bộ Thông tin và Truyền
    thông"); "Chương trình VTCI" alone when there is none."""
    basis = (legal_basis or "").strip()
    return f"Chương trình VTCI - {basis}" if basis else "Chương trình VTCI"


def build_pdf(
    flowables: Iterable[Flowable],
    *,
    landscape: bool = False,
    title: str,
    stamp: str | None = None,
    watermark: str | None = None,
    author: str = "",
    subject: str = "",
    stamp_colour: colors.Color | None = None,
) -> bytes:
    """Lay out ``flowables`` on A4 with the margins of Nghị định 30/2020/NĐ-CP and return the PDF bytes.

    ``landscape``: A4 landscape (297 × 210 mm) instead of portrait. ``title`` (required), ``author``,
    ``subject``: PDF metadata. Margins: top 20, bottom 20, left 30, right 15 mm (Phụ lục I, mục I.3).
    From page 2 on, the page number (13 pt) is centred in the top margin, its baseline 12 mm below
    the top edge; page 1 has none (Phụ lục I: "không hiển thị số trang thứ nhất").

    ``stamp``, e.g. ``"IN LẠI 14:05 05/11/2026"`` or ``"ĐÃ HỦY"``: a boxed label in the top-right
    margin of every page. ``watermark``, e.g. ``"BẢN XEM TRƯỚC"``: a large translucent diagonal on
    every page. Both red when they contain "HỦY", grey otherwise, unless ``stamp_colour`` is given.
    """
    register_fonts()
    pagesize = _landscape(A4) if landscape else A4
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=pagesize,
        leftMargin=LEFT_MARGIN,
        rightMargin=RIGHT_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=plain(title),
        author=plain(author),
        subject=plain(subject),
        creator="subsidy case manager (VTCI)",
    )
    stamp_text, mark_text = plain(stamp), plain(watermark)

    def marks(canv: Canvas, _doc: BaseDocTemplate) -> None:
        if mark_text:
            _draw_watermark(canv, mark_text, stamp_colour or _stamp_colour(mark_text))
        if stamp_text:
            _draw_label(canv, stamp_text, stamp_colour or _stamp_colour(stamp_text))

    def numbered(canv: Canvas, doc_: BaseDocTemplate) -> None:
        page_w, page_h = canv._pagesize
        canv.saveState()
        canv.setFillColor(colors.black)
        canv.setFont(FONT, PAGE_NUMBER_SIZE)
        canv.drawCentredString(page_w / 2, page_h - PAGE_NUMBER_FROM_TOP, str(canv.getPageNumber()))
        canv.restoreState()
        marks(canv, doc_)

    # The frame has no padding of its own: the text starts exactly at the margins (a SimpleDocTemplate
    # frame pads 6 pt, which put tables as wide as the frame 2.1 mm into the right margin).
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="normal",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([
        PageTemplate(id="first", frames=[frame], onPage=marks, autoNextPageTemplate="later"),
        PageTemplate(id="later", frames=[frame], onPage=numbered),
    ])
    doc.build(list(flowables))
    return buf.getvalue()
