"""The parts of an administrative document (ND30 layout): the header (issuing body, number,
motto, place and date), the title, the signature blocks; and the two small flowables they use."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from subsidy.domain.documents import Issuer, Signer

from .fonts import FONT_BOLD
from .page import ISSUER_SIZE, MOTTO_SIZE, NATIONAL_TITLE_SIZE, TITLE_SIZE
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
        if m and pdfmetrics.stringWidth(line, FONT_BOLD, ISSUER_SIZE) > width:
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
    """The two-column header of an administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I, ô 1–4).

    Left column: ``issuer.body_upper`` (capitals, regular, 13, if not empty), ``issuer.body`` (bold
    capitals, 13) with a centred rule 40 % as long as its longest line (1/3 to 1/2), then
    ``"Số: {number}"`` (13) if ``number`` is given (None or "": no "Số" line, for a slip or an
    attachment that has no number of its own). Right column: the quốc hiệu (bold capitals 12) and the
    tiêu ngữ (bold 13) with a rule exactly as long as it, then ``place_date`` in italics 13 —
    prepared by the caller, e.g. ``"Phú Tân, ngày 05 tháng 11 năm 2026"``; ``""`` leaves it out.
    "Số" and the date share a row, so they sit on the same line.

    ``width`` (points) fixes the total width; by default the header spans the frame it is drawn in,
    so it fits portrait and landscape A4 alike. Returns ``[header, spacer]``.
    """
    st = styles()
    national_w = pdfmetrics.stringWidth(MOTTO_1, FONT_BOLD, NATIONAL_TITLE_SIZE)
    motto_w = pdfmetrics.stringWidth(MOTTO_2, FONT_BOLD, MOTTO_SIZE)
    body_text = plain(issuer.body)
    pad = 2.0

    def make(avail: float) -> Flowable:
        # Right column just wide enough for the quốc hiệu on one line (never < half the width on
        # wide pages: the usual look of landscape reports); the issuing body gets the rest.
        right_w = min(avail * 0.66, max(national_w + 2 * pad + 6, avail * 0.5))
        left_w = avail - right_w
        left_inner = left_w - 2 * pad
        body_line_w = min(
            max(pdfmetrics.stringWidth(line, FONT_BOLD, ISSUER_SIZE) for line in _body_lines(body_text, left_inner)),
            left_inner,
        )
        left: list[Flowable] = []
        if issuer.body_upper:
            left.append(Paragraph(esc(issuer.body_upper, br=True), st.issuer_upper))
        left.append(Paragraph(_body_markup(body_text, left_inner), st.issuer_body))
        left.append(_CentredRule(body_line_w * 0.4))
        right: list[Flowable] = [
            Paragraph(esc(MOTTO_1), st.national_title),
            Paragraph(esc(MOTTO_2), st.motto),
            _CentredRule(motto_w),
        ]
        number_cell = Paragraph(f"Số: {esc(number)}", st.number) if number else ""
        date_cell = Paragraph(esc(place_date), st.place_date) if place_date else ""
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
                    ("TOPPADDING", (0, 1), (-1, 1), 2),
                ]
            )
        )
        return tbl

    if width is not None:
        return [make(width), Spacer(1, 6 * mm)]
    return [_WidthAdaptive(make), Spacer(1, 6 * mm)]


def title(text: str, subtitle: str | None = None, *, attachment: str | None = None) -> list[Flowable]:
    """The kind of document and its trích yếu (Nghị định 30/2020/NĐ-CP, Phụ lục I, ô 5).

    ``text`` is upper-cased here (Vietnamese-aware, ``"biên bản"`` → ``"BIÊN BẢN"``), bold 14;
    ``subtitle`` (the trích yếu) bold 14, as given; ``attachment`` (an attachment's "(Kèm theo
    Quyết định số … ngày … của …)") italic 13. A rule 1/3 of the frame long closes the block (the
    decree's rule under the trích yếu, 1/3 to 1/2 of its line). All plain text (escaped).
    Returns the flowables, ending with a spacer.
    """
    st = styles()
    out: list[Flowable] = [Paragraph(esc(plain(text).upper()), st.title)]
    if subtitle:
        out.append(Paragraph(esc(subtitle), st.subtitle))
    if attachment:
        out.append(Paragraph(esc(attachment), st.attachment))
    lines = [plain(subtitle or text)]
    line_w = max(pdfmetrics.stringWidth(x, FONT_BOLD, TITLE_SIZE) for x in lines)
    out.append(_RelativeRule(line_w, space_before=3.0))
    out.append(Spacer(1, 3 * mm))
    return out


class _RelativeRule(_CentredRule):
    """The rule under the trích yếu: 40 % of its line, never more than 40 % of the frame."""

    def draw(self) -> None:
        length = min(self.length, self._aw) * 0.4
        x0 = (self._aw - length) / 2
        y = self.space_after + self.thickness / 2
        self.canv.setLineWidth(self.thickness)
        self.canv.line(x0, y, x0 + length, y)


def signer_block(signer: Signer, hint: str = "(Ký, ghi rõ họ tên, đóng dấu)") -> tuple[str, str, str]:
    """The issuing body's signature block for :func:`signature_blocks`: its authority, title and
    typed name (Nghị định 30/2020/NĐ-CP, Phụ lục I, ô 7) — ``("TM. ỦY BAN NHÂN DÂN\\nKT. CHỦ
    TỊCH\\nPHÓ CHỦ TỊCH", hint, "Nguyễn Văn A")``; a signer with no name recorded prints a dotted line
    to write it by hand (domain.documents.signer_name_printed, the rule of every document)."""
    return (signer.role, hint, signer.printed_name)


def recipients_block(lines: Sequence[str]) -> list[Flowable]:
    """"Nơi nhận:" (bold italic 12) and its entries (11), one a line, as printed bottom left
    (Nghị định 30/2020/NĐ-CP, Phụ lục I, ô 9); ``lines`` as Issuer.recipient_lines gives them."""
    st = styles()
    return [Paragraph("Nơi nhận:", st.recipients_heading),
            *[Paragraph(esc(line), st.recipients) for line in lines]]


def signature_blocks(
    blocks: Sequence[tuple[str, str, str]],
    *,
    sign_space: float = 24 * mm,
    recipients: Sequence[str] | None = None,
    space_before: float = 6 * mm,
) -> Flowable:
    """Signature blocks side by side, kept together on one page, with the "Nơi nhận" bottom left.

    Each block is ``(role, hint, name)``: ``role`` bold capitals (13), as given, ``"\\n"`` starting a
    new line (``"KT. CHỦ TỊCH\\nPHÓ CHỦ TỊCH"``); ``hint`` in italics (11), e.g.
    ``"(Ký, ghi rõ họ tên)"`` or ``""``; then ``sign_space`` points (default 24 mm) to sign in;
    then ``name`` in bold (13), or ``""`` to leave it blank for handwriting. ``recipients``: the
    Nơi nhận entries (see :func:`recipients_block`), in a first column on the left; None = none.
    Without recipients a single block goes in the right half, as the decree puts the signer.
    ``space_before``: points between the text above and the blocks (default 6 mm).
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

    # Three rows — role and hint / space to sign / name — so that the names line up even when one
    # role takes two lines ("KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"). The Nơi nhận spans all three.
    tops: list[Any] = [top(b) for b in blocks]
    names: list[Any] = [bottom(b) for b in blocks]
    weights = [1.0] * len(blocks)
    if recipients is not None:
        tops, names = [recipients_block(recipients), *tops], ["", *names]
        weights = [1.0, *weights] if len(blocks) > 1 else [1.0, 1.0]
    elif len(blocks) == 1:
        tops, names, weights = ["", tops[0]], ["", names[0]], [1.0, 1.0]
    n = max(len(tops), 1)

    def make(avail: float) -> Flowable:
        total = sum(weights)
        cmds = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]
        if recipients is not None:
            cmds += [("SPAN", (0, 0), (0, 2)), ("LEFTPADDING", (0, 0), (0, 2), 0)]
        tbl = Table(
            [tops, [""] * n, names],
            colWidths=[avail * w / total for w in weights],
            rowHeights=[None, sign_space, None],
            hAlign="CENTER",
        )
        tbl.setStyle(TableStyle(cmds))
        return tbl

    return KeepTogether([Spacer(1, space_before), _WidthAdaptive(make)])
