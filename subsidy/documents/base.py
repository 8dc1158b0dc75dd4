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

Typical use::

    from subsidy.documents import base as b
    story = [
        *b.admin_header(b.DEFAULT_ISSUER, "12/BB-UBND", "Phú Tân, ngày 05 tháng 11 năm 2026"),
        *b.title("Biên bản bàn giao", "Điện thoại thông minh hỗ trợ từ VTCI"),
        b.data_table(["STT", "Họ và tên"], rows, b.fit_widths([1, 6])),
        b.signature_blocks([("NGƯỜI NHẬN", "(Ký, ghi rõ họ tên)", name),
                            ("NGƯỜI GIAO", "(Ký, ghi rõ họ tên)", "")]),
    ]
    pdf_bytes = b.build_pdf(story, title="Biên bản bàn giao số 12")
"""

from __future__ import annotations

import io
import math
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape as _landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as _canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

__all__ = [
    "BOTTOM_MARGIN",
    "DEFAULT_ISSUER",
    "FONT",
    "FONT_BOLD",
    "FONT_BOLD_ITALIC",
    "FONT_ITALIC",
    "Issuer",
    "LEFT_MARGIN",
    "RIGHT_MARGIN",
    "TOP_MARGIN",
    "admin_header",
    "build_pdf",
    "data_table",
    "esc",
    "fit_widths",
    "frame_width",
    "register_fonts",
    "signature_blocks",
    "styles",
    "title",
]

# --------------------------------------------------------------------------- fonts

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "VNSerif"
FONT_BOLD = "VNSerif-Bold"
FONT_ITALIC = "VNSerif-Italic"
FONT_BOLD_ITALIC = "VNSerif-BoldItalic"

_FONT_FILES = {
    FONT: "DejaVuSerif.ttf",
    FONT_BOLD: "DejaVuSerif-Bold.ttf",
    FONT_ITALIC: "DejaVuSerif-Italic.ttf",
    FONT_BOLD_ITALIC: "DejaVuSerif-BoldItalic.ttf",
}
_fonts_lock = threading.Lock()
_fonts_registered = False


def register_fonts() -> None:
    """Register DejaVu Serif as the font family "VNSerif" (idempotent, thread-safe).

    Registers four faces (``FONT``, ``FONT_BOLD``, ``FONT_ITALIC``,
    ``FONT_BOLD_ITALIC``) and maps them as one family so ``<b>`` and ``<i>``
    work inside Paragraph markup.  Called once at import; calling it again is a
    no-op.
    """
    global _fonts_registered
    if _fonts_registered:
        return
    with _fonts_lock:
        if _fonts_registered:
            return
        known = set(pdfmetrics.getRegisteredFontNames())
        for name, filename in _FONT_FILES.items():
            if name not in known:
                pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )
        _fonts_registered = True


register_fonts()

# --------------------------------------------------------------------------- page geometry

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


# --------------------------------------------------------------------------- text

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


def _plain(text: Any) -> str:
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


# --------------------------------------------------------------------------- small flowables


class _CentredRule(Flowable):
    """A horizontal line ``length`` points long, centred in the available width.

    Used for the short rules under the agency name and under the motto.
    """

    def __init__(self, length: float, thickness: float = 0.6, space_before: float = 3.0, space_after: float = 3.0):
        super().__init__()
        self.length = length
        self.thickness = thickness
        self.space_before = space_before
        self.space_after = space_after
        self._aw = length

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._aw = availWidth
        return availWidth, self.space_before + self.thickness + self.space_after

    def draw(self) -> None:
        length = min(self.length, self._aw)
        x0 = (self._aw - length) / 2
        y = self.space_after + self.thickness / 2
        self.canv.setLineWidth(self.thickness)
        self.canv.line(x0, y, x0 + length, y)


class _WidthAdaptive(Flowable):
    """Build the real flowable when the available width is known (at wrap time).

    ``factory(avail_width) -> Flowable``.  Lets the header and signature tables
    span the frame on portrait and landscape pages alike.  Never split.
    """

    def __init__(self, factory: Callable[[float], Flowable]):
        super().__init__()
        self._factory = factory
        self._inner: Flowable | None = None
        self._inner_aw: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._inner is None or self._inner_aw != availWidth:
            self._inner = self._factory(availWidth)
            self._inner_aw = availWidth
        self.width, self.height = self._inner.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        assert self._inner is not None
        self._inner.drawOn(self.canv, 0, 0)


# --------------------------------------------------------------------------- document parts


@dataclass(frozen=True)
class Issuer:
    """The issuing body printed top left of a document (configuration, domain.md §1).

    ``body_upper``: the superior body, upper case, e.g. ``"UBND TỈNH ĐỒNG THÁP"``,
    or ``""`` when there is none (two-tier local government since 1/7/2025).
    ``body``: the issuing body, upper case, e.g. ``"ỦY BAN NHÂN DÂN XÃ PHÚ TÂN"``.
    ``place``: the place name used in the place-and-date line, e.g. ``"Phú Tân"``.
    """

    body_upper: str
    body: str
    place: str

    @classmethod
    def from_config(cls, config: Any) -> "Issuer":
        """The issuer the app is configured with: COMMUNE_BODY_UPPER, COMMUNE_BODY, COMMUNE_PLACE
        (subsidy/config.py); the place falls back to "Phú Tân" when empty."""
        return cls(body_upper=config.get("COMMUNE_BODY_UPPER", ""),
                   body=config.get("COMMUNE_BODY", "ỦY BAN NHÂN DÂN XÃ"),
                   place=config.get("COMMUNE_PLACE", "") or "Phú Tân")


DEFAULT_ISSUER = Issuer(body_upper="", body="ỦY BAN NHÂN DÂN XÃ PHÚ TÂN", place="Phú Tân")

MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"


_BODY_BREAK = re.compile(r"^(ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|UBND)\s+(.+)$")


def _body_lines(body: str, width: float) -> list[str]:
    """Lines of the agency name: "\\n" in the configured name is honoured; a
    name too wide for ``width`` is broken after "ỦY BAN NHÂN DÂN" (the usual
    "ỦY BAN NHÂN DÂN / XÃ PHÚ TÂN") rather than wherever the words run out."""
    lines = body.split("\n")
    out: list[str] = []
    for line in lines:
        m = _BODY_BREAK.match(line.strip())
        if m and pdfmetrics.stringWidth(line, FONT_BOLD, HEADER_SIZE) > width:
            out.extend([m.group(1), m.group(2)])
        else:
            out.append(line)
    return out


def _body_markup(body: str, width: float) -> str:
    return "<br/>".join(esc(line) for line in _body_lines(body, width))


def admin_header(
    issuer: Issuer,
    number: str | None,
    place_date: str,
    *,
    width: float | None = None,
) -> list[Flowable]:
    """The two-column header of an administrative document (ND30 layout).

    Left column: ``issuer.body_upper`` (regular, if not empty), ``issuer.body``
    (bold) with a short centred rule under it, then ``"Số: {number}"`` if
    ``number`` is given.  Right column: the motto (bold) with a rule as long as
    its second line, then ``place_date`` in italics — prepared by the caller,
    e.g. ``"Phú Tân, ngày 05 tháng 11 năm 2026"``; ``""`` leaves it out.
    "Số" and the date share a row, so they sit on the same line.

    ``width`` (points) fixes the total width; by default the header spans the
    frame it is drawn in, so it fits portrait and landscape A4 alike.
    Returns ``[header, spacer]``.
    """
    st = styles()
    body_style = st.header_body
    body_bold = st.motto
    motto_1_w = pdfmetrics.stringWidth(MOTTO_1, FONT_BOLD, HEADER_SIZE)
    motto_2_w = pdfmetrics.stringWidth(MOTTO_2, FONT_BOLD, HEADER_SIZE)
    body_text = _plain(issuer.body)
    pad = 2.0

    def make(avail: float) -> Flowable:
        # Right column just wide enough for the motto (never < half the width on
        # wide pages: keeps the usual look of landscape reports); left gets the rest.
        right_w = min(avail * 0.66, max(motto_1_w + 2 * pad + 6, avail * 0.5))
        left_w = avail - right_w
        left_inner = left_w - 2 * pad
        # ND30: rule under the agency name = 1/3 to 1/2 of the line above it.
        body_line_w = min(
            max(pdfmetrics.stringWidth(line, FONT_BOLD, HEADER_SIZE) for line in _body_lines(body_text, left_inner)),
            left_inner,
        )
        left: list[Flowable] = []
        if issuer.body_upper:
            left.append(Paragraph(esc(issuer.body_upper, br=True), body_style))
        left.append(Paragraph(_body_markup(body_text, left_inner), body_bold))
        left.append(_CentredRule(max(body_line_w * 0.4, 20 * mm)))
        right: list[Flowable] = [
            Paragraph(esc(MOTTO_1), body_bold),
            Paragraph(esc(MOTTO_2), body_bold),
            _CentredRule(motto_2_w),
        ]
        number_cell = Paragraph(f"Số: {esc(number)}", st.centred) if number else ""
        date_cell = Paragraph(esc(place_date), st.italic_centred) if place_date else ""
        tbl = Table(
            [[left, right], [number_cell, date_cell]],
            colWidths=[left_w, right_w],
            hAlign="CENTER",
        )
        tbl.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), pad),
                    ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return tbl

    if width is not None:
        return [make(width), Spacer(1, 6 * mm)]
    return [_WidthAdaptive(make), Spacer(1, 6 * mm)]


def title(text: str, subtitle: str | None = None) -> list[Flowable]:
    """The document title: capitals, bold, centred, with an optional subtitle.

    ``text`` is upper-cased here (Vietnamese-aware, ``"biên bản"`` → ``"BIÊN BẢN"``), 13 pt;
    ``subtitle`` (the "trích yếu") is printed bold, centred, as given.  Both are
    plain text (escaped).  Returns ``[title, (subtitle,) spacer]``.
    """
    st = styles()
    out: list[Flowable] = [Paragraph(esc(_plain(text).upper()), st.title)]
    if subtitle:
        out.append(Paragraph(esc(subtitle), st.subtitle))
    out.append(Spacer(1, 4 * mm))
    return out


def signature_blocks(
    blocks: Sequence[tuple[str, str, str]],
    *,
    sign_space: float = 24 * mm,
) -> Flowable:
    """Signature blocks side by side, kept together on one page.

    Each block is ``(role, hint, name)``: ``role`` in bold, as given (capitals
    by convention); ``"\\n"``
    starts a new line (``"KT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH"``); ``hint`` in italics,
    e.g. ``"(Ký, ghi rõ họ tên)"`` or ``""``; then ``sign_space`` points
    (default 24 mm) of blank space to sign in; then ``name`` in bold, or ``""``
    to leave it blank for handwriting.  The blocks share the frame width
    equally; a single block goes in the right half, as ND30 puts the signer.
    Returns a KeepTogether, so the blocks never split across pages.
    """
    st = styles()

    def top(block: tuple[str, str, str]) -> list[Flowable]:
        role, hint, _name = block
        role_markup = "<br/>".join(esc(line) for line in _plain(role).split("\n"))
        parts: list[Flowable] = [Paragraph(role_markup, st.signature_role)]
        if hint:
            parts.append(Paragraph(esc(hint), st.signature_hint))
        return parts

    def bottom(block: tuple[str, str, str]) -> Any:
        return Paragraph(esc(block[2]), st.signature_name) if block[2] else ""

    # Three rows — role and hint / space to sign / name — so that the names line
    # up even when one role takes two lines ("KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH").
    tops: list[Any] = [top(b) for b in blocks]
    names: list[Any] = [bottom(b) for b in blocks]
    if len(blocks) == 1:
        tops, names = ["", tops[0]], ["", names[0]]
    n = max(len(tops), 1)

    def make(avail: float) -> Flowable:
        tbl = Table(
            [tops, [""] * n, names],
            colWidths=[avail / n] * n,
            rowHeights=[None, sign_space, None],
            hAlign="CENTER",
        )
        tbl.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return tbl

    return KeepTogether([Spacer(1, 6 * mm), _WidthAdaptive(make)])


_ALIGN_STYLE = {"L": "cell", "C": "cell_centre", "R": "cell_right"}
_ALIGN_TOTAL = {"L": "total", "C": "total_centre", "R": "total_right"}


def data_table(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    col_widths: Sequence[float],
    totals: Sequence[Any] | None = None,
    repeat_header: bool = True,
    *,
    align: Sequence[str] | None = None,
) -> Table:
    """A gridded table whose every cell is a Paragraph (text wraps inside cells).

    ``header``: column titles (bold, centred, grey background), repeated at the
    top of every page when ``repeat_header``.  ``rows``: lists of cell values —
    ``str``, numbers (``str()``-ed: format money/dates before), ``None`` (empty)
    or a ready Flowable (used as is).  ``col_widths``: points, one per column,
    normally summing to :func:`frame_width` (see :func:`fit_widths`).
    ``totals``: an optional last row printed in bold, kept on the same page as
    the last body row.  ``align``: optional
    per-column ``"L"``/``"C"``/``"R"`` for body and totals cells (default
    ``"L"``).  Plain text is escaped; over-long words are split to stay inside
    their cell.
    """
    st = styles()
    ncol = len(col_widths)
    if len(header) != ncol:
        raise ValueError(f"header has {len(header)} columns, col_widths {ncol}")
    aligns = list(align) if align is not None else ["L"] * ncol
    if len(aligns) != ncol:
        raise ValueError(f"align has {len(aligns)} entries, col_widths {ncol}")

    def para(value: Any, style: ParagraphStyle) -> Flowable:
        if isinstance(value, Flowable):
            return value
        return Paragraph(esc(value, br=True), style)

    data: list[list[Flowable]] = [[para(h, st.header) for h in header]]
    for i, row in enumerate(rows):
        if len(row) != ncol:
            raise ValueError(f"row {i} has {len(row)} cells, expected {ncol}")
        data.append([para(v, st[_ALIGN_STYLE[a]]) for v, a in zip(row, aligns)])
    if totals is not None:
        if len(totals) != ncol:
            raise ValueError(f"totals has {len(totals)} cells, expected {ncol}")
        data.append([para(v, st[_ALIGN_TOTAL[a]]) for v, a in zip(totals, aligns)])

    tbl = Table(data, colWidths=list(col_widths), repeatRows=1 if repeat_header else 0, hAlign="CENTER")
    cmds: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if totals is not None:
        cmds.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")))
        if len(data) > 2:  # never leave the totals row alone under a repeated header
            cmds.append(("NOSPLIT", (0, -2), (-1, -1)))
    tbl.setStyle(TableStyle(cmds))
    return tbl


# --------------------------------------------------------------------------- page furniture and build

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
                self.drawString(LEFT_MARGIN, 14.5 * mm, _plain(footer_note))
            self.restoreState()
            if stamp:
                self._stamp(page_w, page_h)

        def _stamp(self, page_w: float, page_h: float) -> None:
            text = _plain(stamp)
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
        title=_plain(title),
        author=_plain(author),
        subject=_plain(subject),
        creator="subsidy case manager (VTCI)",
    )
    doc.build(
        list(flowables),
        canvasmaker=_canvas_maker("Trang", stamp or None, stamp_colour, footer_note),
    )
    return buf.getvalue()


# A layout table's style: cells aligned to the top, no padding (used to place blocks side by side).
TIGHT = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]
