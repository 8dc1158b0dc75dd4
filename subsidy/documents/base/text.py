"""Text: escaping user text for Paragraph markup (NFC, control characters dropped), plain text
for the canvas, and the paragraph styles of the VNSerif family."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from .fonts import FONT, FONT_BOLD, FONT_ITALIC, register_fonts
from .page import BODY_SIZE, CELL_SIZE, HEADER_SIZE, SMALL_SIZE

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def esc(text: Any, *, br: bool = False) -> str:
    """Escape user text for reportlab Paragraph markup.

    ``None`` → ``""``; other non-strings go through ``str()``.  The text is
    NFC-normalised (Vietnamese typed with combining marks would otherwise print
    badly, as reportlab does no mark positioning), control characters are
    dropped, and ``&``, ``<``, ``>`` become entities, so ``"0.1 <A <0.9"`` prints
    as typed.  With ``br=True`` line breaks become ``<br/>`` (otherwise the
    Paragraph folds them into spaces).
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFC", str(text))
    s = _CONTROL.sub("", s)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if br:
        s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br/>")
    return s


def plain(text: Any) -> str:
    """NFC text for direct canvas drawing (no markup)."""
    if text is None:
        return ""
    return _CONTROL.sub("", unicodedata.normalize("NFC", str(text)))


class Styles(dict):
    """A dict of ParagraphStyles that also allows attribute access (``s.normal``)."""

    def __getattr__(self, name: str) -> ParagraphStyle:
        try:
            return self[name]
        except KeyError as exc:  # pragma: no cover - programming error
            raise AttributeError(name) from exc


def styles() -> Styles:
    """Return a fresh set of ParagraphStyles in the VNSerif family.

    Keys (also attributes): ``normal`` (12 pt, justified-free left), ``small``
    (9 pt), ``bold``, ``italic``, ``centred``, ``italic_centred``, ``title``
    (13 pt bold centred; pass upper-case text — :func:`title` does),
    ``subtitle`` (12 pt bold centred), ``cell`` (10 pt, left), ``cell_centre``,
    ``cell_right``, ``header`` (table header: 10 pt bold centred), ``total``
    (bold cell), ``total_right``, ``header_body`` / ``motto`` (11 pt
    centred, used by :func:`admin_header`), ``signature_role``,
    ``signature_hint``, ``signature_name``.  Sizes are in points.  The objects
    are new on every call, so callers may modify them freely.
    """
    register_fonts()
    s = Styles()
    s["normal"] = ParagraphStyle(
        "vn-normal", fontName=FONT, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.3,
        alignment=TA_LEFT, spaceAfter=3,
    )
    s["small"] = ParagraphStyle("vn-small", parent=s["normal"], fontSize=SMALL_SIZE, leading=SMALL_SIZE * 1.25, spaceAfter=0)
    s["bold"] = ParagraphStyle("vn-bold", parent=s["normal"], fontName=FONT_BOLD)
    s["italic"] = ParagraphStyle("vn-italic", parent=s["normal"], fontName=FONT_ITALIC)
    s["centred"] = ParagraphStyle("vn-centred", parent=s["normal"], alignment=TA_CENTER)
    s["italic_centred"] = ParagraphStyle("vn-italic-centred", parent=s["centred"], fontName=FONT_ITALIC)
    s["title"] = ParagraphStyle(
        "vn-title", parent=s["centred"], fontName=FONT_BOLD, fontSize=13, leading=17,
        spaceBefore=6, spaceAfter=2,
    )
    s["subtitle"] = ParagraphStyle(
        "vn-subtitle", parent=s["centred"], fontName=FONT_BOLD, fontSize=BODY_SIZE,
        leading=BODY_SIZE * 1.3, spaceAfter=2,
    )
    s["cell"] = ParagraphStyle(
        "vn-cell", fontName=FONT, fontSize=CELL_SIZE, leading=CELL_SIZE * 1.2, alignment=TA_LEFT,
    )
    s["cell_centre"] = ParagraphStyle("vn-cell-centre", parent=s["cell"], alignment=TA_CENTER)
    s["cell_right"] = ParagraphStyle("vn-cell-right", parent=s["cell"], alignment=TA_RIGHT)
    s["header"] = ParagraphStyle("vn-header", parent=s["cell"], fontName=FONT_BOLD, alignment=TA_CENTER)
    s["total"] = ParagraphStyle("vn-total", parent=s["cell"], fontName=FONT_BOLD)
    s["total_right"] = ParagraphStyle("vn-total-right", parent=s["total"], alignment=TA_RIGHT)
    s["total_centre"] = ParagraphStyle("vn-total-centre", parent=s["total"], alignment=TA_CENTER)
    s["header_body"] = ParagraphStyle(
        "vn-header-body", fontName=FONT, fontSize=HEADER_SIZE, leading=HEADER_SIZE * 1.25,
        alignment=TA_CENTER,
    )
    s["motto"] = ParagraphStyle("vn-motto", parent=s["header_body"], fontName=FONT_BOLD)
    s["signature_role"] = ParagraphStyle(
        "vn-sig-role", fontName=FONT_BOLD, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.3, alignment=TA_CENTER,
    )
    s["signature_hint"] = ParagraphStyle(
        "vn-sig-hint", parent=s["signature_role"], fontName=FONT_ITALIC, fontSize=SMALL_SIZE + 1,
        leading=(SMALL_SIZE + 1) * 1.3,
    )
    s["signature_name"] = ParagraphStyle("vn-sig-name", parent=s["signature_role"])
    return s
