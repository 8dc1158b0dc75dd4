"""Building the PDF: A4 with the ND30 margins, "Trang X/Y" on every page (drawn once the page
count is known), an optional stamp (BẢN SAO, ĐÃ HỦY) and footer note."""
from __future__ import annotations

import io
import math
from collections.abc import Iterable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape as _landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as _canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from .fonts import FONT, FONT_BOLD, FONT_ITALIC, register_fonts
from .page import BOTTOM_MARGIN, LEFT_MARGIN, RIGHT_MARGIN, SMALL_SIZE, TOP_MARGIN
from .text import plain

_STAMP_RED = colors.Color(0.80, 0.05, 0.05)
_STAMP_GREY = colors.Color(0.35, 0.35, 0.35)


def _stamp_colour(stamp: str) -> colors.Color:
    return _STAMP_RED if "HỦY" in stamp.upper() or "HUỶ" in stamp.upper() else _STAMP_GREY


def _canvas_maker(total_label: str, stamp: str | None, stamp_colour: colors.Color | None, footer_note: str | None):
    """A Canvas class that defers page furniture until the page count is known."""

    class NumberedCanvas(_canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self._page_states: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab API)
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._page_states)
            for state in self._page_states:
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total: int) -> None:
            page_w, page_h = self._pagesize
            self.saveState()
            self.setFillColor(colors.black)
            self.setFont(FONT, SMALL_SIZE)
            self.drawCentredString(page_w / 2, 10 * mm, f"{total_label} {self._pageNumber}/{total}")
            if footer_note:
                self.setFont(FONT_ITALIC, SMALL_SIZE - 1)
                self.drawString(LEFT_MARGIN, 14.5 * mm, plain(footer_note))
            self.restoreState()
            if stamp:
                self._stamp(page_w, page_h)

        def _stamp(self, page_w: float, page_h: float) -> None:
            text = plain(stamp)
            colour = stamp_colour or _stamp_colour(text)
            # 1. Large translucent diagonal across the page, drawn over the content.
            angle = math.degrees(math.atan2(page_h, page_w))
            diag = math.hypot(page_w, page_h)
            unit_w = pdfmetrics.stringWidth(text, FONT_BOLD, 1) or 1
            size = min(110.0, 0.6 * diag / unit_w)
            self.saveState()
            self.setFillColor(colour)
            self.setFillAlpha(0.18)
            self.translate(page_w / 2, page_h / 2)
            self.rotate(angle)
            self.setFont(FONT_BOLD, size)
            self.drawCentredString(0, -size * 0.35, text)
            self.restoreState()
            # 2. A boxed label in the top-right margin: survives photocopying and
            #    stays in the text layer in reading orientation.
            self.saveState()
            fs = 11
            tw = pdfmetrics.stringWidth(text, FONT_BOLD, fs)
            x1 = page_w - RIGHT_MARGIN
            y0 = page_h - TOP_MARGIN + 4 * mm
            box_h = fs + 6
            self.setStrokeColor(colour)
            self.setFillColor(colour)
            self.setLineWidth(1.2)
            self.rect(x1 - tw - 10, y0, tw + 10, box_h, stroke=1, fill=0)
            self.setFont(FONT_BOLD, fs)
            self.drawString(x1 - tw - 5, y0 + 4.5, text)
            self.restoreState()

    return NumberedCanvas


def build_pdf(
    flowables: Iterable[Flowable],
    *,
    landscape: bool = False,
    title: str,
    stamp: str | None = None,
    footer_note: str | None = None,
    author: str = "",
    subject: str = "",
    stamp_colour: colors.Color | None = None,
) -> bytes:
    """Lay out ``flowables`` on A4 with the ND30 margins and return the PDF bytes.

    ``landscape``: A4 landscape (297 × 210 mm) instead of portrait.
    ``title`` (required), ``author``, ``subject``: PDF metadata.
    Every page gets "Trang X/Y" centred 10 mm above the bottom edge (Y is the
    real page count: furniture is drawn after layout).  ``stamp``, e.g.
    ``"BẢN SAO"`` or ``"ĐÃ HỦY"``, is drawn on every page as a large translucent
    diagonal watermark plus a boxed label in the top-right margin; red when it
    contains "HỦY", grey otherwise, unless ``stamp_colour`` is given.
    ``footer_note`` (plain text, one line, e.g. "Số liệu tính đến 30/11/2026
    14:05") is printed small, in italics, bottom left above the page number.
    Margins: top 20, bottom 20, left 30, right 15 mm.
    """
    register_fonts()
    pagesize = _landscape(A4) if landscape else A4
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
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
    doc.build(
        list(flowables),
        canvasmaker=_canvas_maker("Trang", stamp or None, stamp_colour, footer_note),
    )
    return buf.getvalue()
