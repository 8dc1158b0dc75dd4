"""The parts of an administrative document (ND30 layout): the header (issuing body, number,
motto, place and date), the title, the signature blocks; and the two small flowables they use."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from subsidy.domain.documents import Issuer

from .fonts import FONT_BOLD
from .page import HEADER_SIZE
from .text import esc, plain, styles


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
    body_text = plain(issuer.body)
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
    out: list[Flowable] = [Paragraph(esc(plain(text).upper()), st.title)]
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
        role_markup = "<br/>".join(esc(line) for line in plain(role).split("\n"))
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
