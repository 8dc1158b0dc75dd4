"""Text: escaping user text for Paragraph markup (NFC, control characters dropped), plain text
for the canvas, and the paragraph styles of the VNSerif family."""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from .fonts import FONT, FONT_BOLD, FONT_BOLD_ITALIC, FONT_ITALIC, register_fonts
from .page import (
    BODY_SIZE, CELL_SIZE, ISSUER_SIZE, MOTTO_SIZE, NATIONAL_TITLE_SIZE, NUMBER_SIZE, PARAGRAPH_SPACE, PLACE_DATE_SIZE,
    RECIPIENTS_HEADING_SIZE, RECIPIENTS_SIZE, SIGNER_SIZE, SMALL_SIZE, TITLE_SIZE,
)

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
    """Return a fresh set of ParagraphStyles in the VNSerif family, sized per Nghị định 30/2020/NĐ-CP,
    Phụ lục I (the constants of :mod:`.page`, in points).

    Keys (also attributes): ``normal`` (body, 13), ``small`` (11), ``bold``, ``italic``, ``centred``,
    ``italic_centred``, ``title`` (kind of document: bold 14, pass upper-case text — :func:`title`
    does), ``subtitle`` (trích yếu: bold 14), ``attachment`` ("(Kèm theo Quyết định …)": italic 13),
    ``cell`` (12, left), ``cell_centre``, ``cell_right``, ``header`` (table header: bold 12 centred),
    ``total`` (bold cell), ``total_right``, ``total_centre``; the header's ``issuer_upper`` (13),
    ``issuer_body`` (bold 13), ``national_title`` (bold 12), ``motto`` (bold 13), ``number`` (13),
    ``place_date`` (italic 13); ``signature_role`` (bold 13), ``signature_hint`` (italic 11),
    ``signature_name`` (bold 13); ``recipients_heading`` (bold italic 12), ``recipients`` (11).
    Leading is 1.2 × the size (single spacing). The objects are new on every call, so callers may
    modify them freely.
    """
    register_fonts()
    s = Styles()

    def style(name: str, size: float, font: str = FONT, align: int = TA_LEFT, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(f"vn-{name}", fontName=font, fontSize=size, leading=round(size * 1.2, 2),
                              alignment=align, **kw)

    s["normal"] = style("normal", BODY_SIZE, spaceAfter=PARAGRAPH_SPACE / 2)
    s["small"] = style("small", SMALL_SIZE)
    s["bold"] = ParagraphStyle("vn-bold", parent=s["normal"], fontName=FONT_BOLD)
    s["italic"] = ParagraphStyle("vn-italic", parent=s["normal"], fontName=FONT_ITALIC)
    s["centred"] = ParagraphStyle("vn-centred", parent=s["normal"], alignment=TA_CENTER)
    s["italic_centred"] = ParagraphStyle("vn-italic-centred", parent=s["centred"], fontName=FONT_ITALIC)
    s["title"] = style("title", TITLE_SIZE, FONT_BOLD, TA_CENTER, spaceBefore=6, spaceAfter=0)
    s["subtitle"] = style("subtitle", TITLE_SIZE, FONT_BOLD, TA_CENTER, spaceAfter=0)
    s["attachment"] = style("attachment", BODY_SIZE, FONT_ITALIC, TA_CENTER, spaceAfter=0)
    s["cell"] = style("cell", CELL_SIZE)
    s["cell_centre"] = ParagraphStyle("vn-cell-centre", parent=s["cell"], alignment=TA_CENTER)
    s["cell_right"] = ParagraphStyle("vn-cell-right", parent=s["cell"], alignment=TA_RIGHT)
    s["header"] = ParagraphStyle("vn-header", parent=s["cell"], fontName=FONT_BOLD, alignment=TA_CENTER)
    s["total"] = ParagraphStyle("vn-total", parent=s["cell"], fontName=FONT_BOLD)
    s["total_right"] = ParagraphStyle("vn-total-right", parent=s["total"], alignment=TA_RIGHT)
    s["total_centre"] = ParagraphStyle("vn-total-centre", parent=s["total"], alignment=TA_CENTER)
    s["issuer_upper"] = style("issuer-upper", ISSUER_SIZE, FONT, TA_CENTER)
    s["issuer_body"] = style("issuer-body", ISSUER_SIZE, FONT_BOLD, TA_CENTER)
    s["national_title"] = style("national-title", NATIONAL_TITLE_SIZE, FONT_BOLD, TA_CENTER)
    s["motto"] = style("motto", MOTTO_SIZE, FONT_BOLD, TA_CENTER)
    s["number"] = style("number", NUMBER_SIZE, FONT, TA_CENTER)
    s["place_date"] = style("place-date", PLACE_DATE_SIZE, FONT_ITALIC, TA_CENTER)
    s["header_body"] = s["issuer_upper"]  # the old name
    s["signature_role"] = style("sig-role", SIGNER_SIZE, FONT_BOLD, TA_CENTER)
    s["signature_hint"] = style("sig-hint", SMALL_SIZE, FONT_ITALIC, TA_CENTER)
    s["signature_name"] = style("sig-name", SIGNER_SIZE, FONT_BOLD, TA_CENTER)
    s["recipients_heading"] = style("recipients-heading", RECIPIENTS_HEADING_SIZE, FONT_BOLD_ITALIC)
    s["recipients"] = style("recipients", RECIPIENTS_SIZE)
    return s
