"""The tally and annual report as a PDF (domain.md §7; Nghị định 30/2020/NĐ-CP layout).

Landscape A4: issuing body and document number top left, motto and place-and-date top right, the
title in capitals, then the tables of ``subsidy.documents.tally_tables.sections`` (the same tables
as the XLSX, CSV and the screen) with their header repeated on every page and a bold totals row,
a bar chart of phones handed over per hamlet (reportlab.graphics, no external service), notes,
and the signature blocks (NGƯỜI LẬP BIỂU; TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH),
kept on one page with the last tables and the closing note, with the Nơi nhận bottom left. The
pages are used: tables longer than a few rows break across pages (their heading with the first rows,
their last rows with their totals and note), only the short ones are kept whole. From
page 2 on, the page number is centred in the top margin (Nghị định 30/2020/NĐ-CP, Phụ lục I).

Pure: reportlab only; ``render_pdf(report) -> bytes``.
"""
from __future__ import annotations

from typing import Any, Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from subsidy.documents import base as b
from subsidy.documents.tally_tables import Report, Section, as_of_text, sections
from subsidy.domain.calendar import VN_TZ
from subsidy.domain.documents import DEFAULT_ISSUER, Issuer
from subsidy.domain.labels.sentence import in_sentence, sentence_start
from subsidy.domain.reports import AnnualReport, Breakdown, Tally
from subsidy.domain.vn import format_count, format_money, place_date_line

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
BAR_COLOUR = colors.HexColor("#2F5D8A")
#: Cell padding (top, bottom) of the figures tables, in points: one line of 11 pt a row, so a year of
#: months with its heading, header and note fits on the first page under the document's header.
PADDING = (1.5, 2.0)
#: Between one section and the next, in points.
SECTION_GAP = 3 * mm
#: A table of at most this many rows (categories, tiers) is kept whole on one page with its heading;
#: a longer one (months, hamlets) breaks across pages, its first and last rows kept with it.
SHORT_TABLE_ROWS = 2 * b.TAIL_ROWS


def _num(value: Any, kind: str = "count") -> str:
    """A figure's cell: an int as money (``kind`` "money", đồng) or as a count, with dot thousands
    separators; None as ""; anything else as written."""
    if isinstance(value, int):
        return format_money(value) if kind == "money" else format_count(value)
    return "" if value is None else str(value)


def _styles() -> dict[str, ParagraphStyle]:
    """The report's styles: figures tables at DENSE_CELL_SIZE (11: 14 columns on landscape A4), section
    headings bold at the body size (13), notes italic 11, the period lines italic 13."""
    st = b.styles()
    size = b.DENSE_CELL_SIZE
    lead = round(size * 1.15, 2)
    return {
        "head": ParagraphStyle("t-head", parent=st.header, fontSize=size, leading=lead),
        "text": ParagraphStyle("t-text", parent=st.cell, fontSize=size, leading=lead),
        "num": ParagraphStyle("t-num", parent=st.cell_right, fontSize=size, leading=lead),
        "total": ParagraphStyle("t-total", parent=st.total, fontSize=size, leading=lead),
        "total_num": ParagraphStyle("t-total-num", parent=st.total_right, fontSize=size, leading=lead),
        "section": ParagraphStyle("t-section", parent=st.bold, spaceBefore=4, spaceAfter=4),
        "note": ParagraphStyle("t-note", parent=st.italic, fontSize=b.SMALL_SIZE, leading=b.SMALL_SIZE * 1.2),
        "meta": ParagraphStyle("t-meta", parent=st.italic_centred, spaceAfter=0),
    }


#: Left + right padding of a table cell (subsidy.documents.base.tables.data_table), in points.
CELL_PADDING = 6.0
#: The narrowest column of money (đồng) and the label column of a figures table, in points.
MIN_MONEY_WIDTH, LABEL_WIDTH = 60.0, 80.0


def _fit_width(texts: Sequence[str], style: ParagraphStyle) -> float:
    """Points a column needs so that none of ``texts`` wraps in ``style`` (padding included)."""
    return max((stringWidth(t, style.fontName, style.fontSize) for t in texts), default=0.0) + CELL_PADDING + 0.5


def _widths(s: Section, frame: float, st: dict[str, ParagraphStyle]) -> list[float]:
    """Column widths in points summing to ``frame``.

    A figures table (label, counts, money): every number column is at least as wide as its widest
    formatted value (bold in the totals row) and its header's longest word, so that no amount wraps
    onto two lines («693.500.00 / 0»); a money column is also never narrower than MIN_MONEY_WIDTH.
    The width left over is shared evenly by the count columns that need less than their share.
    """
    kinds = s.kinds
    if len(kinds) > 4:  # a figures table: label column, count columns, two money columns
        need = [LABEL_WIDTH]
        for i, kind in enumerate(kinds[1:], start=1):
            values = [_num(r[i], kind) for r in s.rows]
            totals = [_num(s.totals[i], kind)] if s.totals else []
            words = s.header[i].split()
            width = max(_fit_width(values, st["num"]), _fit_width(totals, st["total_num"]),
                        _fit_width(words, st["head"]))
            need.append(max(width, MIN_MONEY_WIDTH) if kind == "money" else width)
        widths = list(need)
        flexible = [i for i, k in enumerate(kinds) if k == "count"]
        # share what is left among the count columns; one that needs more than the even share keeps
        # its need and the others share the rest (water-filling)
        while flexible:
            fixed = sum(w for i, w in enumerate(widths) if i not in flexible)
            share = (frame - fixed) / len(flexible)
            wider = [i for i in flexible if need[i] > share]
            if not wider:
                for i in flexible:
                    widths[i] = share
                break
            flexible = [i for i in flexible if i not in wider]
        return widths
    if kinds == ("text", "text", "count"):
        return [45.0, frame - 45.0 - 70.0, 70.0]
    return [frame - 80.0, 80.0]


class OneLine(Flowable):
    """A table cell's text that fits on one line, drawn as a one-line Paragraph in ``style`` draws it
    (same baseline, alignment and height) without parsing markup and breaking lines: a province's
    tally has a hundred communes' rows of fourteen cells, and reportlab's Paragraphs were most of
    the time spent drawing it. Only for text known to fit (``_cell`` measures it); anything longer
    stays a Paragraph, which wraps."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text, self.style = text, style
        self.text_width = stringWidth(text, style.fontName, style.fontSize)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        return aw, self.style.leading

    def draw(self) -> None:
        st, canv = self.style, self.canv
        left = st.leftIndent
        room = self.width - left - st.rightIndent - self.text_width
        x = left + {TA_RIGHT: room, TA_CENTER: room / 2}.get(st.alignment, 0.0)
        canv.setFillColor(st.textColor)
        canv.setFont(st.fontName, st.fontSize)
        # Paragraph's first baseline (reportlab's paraFontSizeHeightOffset): one font size down
        canv.drawString(x, self.style.leading - st.fontSize, self.text)


def _cell(text: str, style: ParagraphStyle, width: float) -> Flowable:
    """``text`` in a cell of ``width`` points (padding included): a OneLine when it fits on one
    line there (whitespace collapsed as a Paragraph collapses it), else a Paragraph."""
    plain = " ".join(text.split())
    room = width - CELL_PADDING - style.leftIndent - style.rightIndent
    if stringWidth(plain, style.fontName, style.fontSize) <= room:
        return OneLine(plain, style)
    return Paragraph(b.esc(text), style)


def _cells(s: Section, st: dict[str, ParagraphStyle], widths: Sequence[float]) -> tuple[list, list[list], list | None]:
    """The section's header (Paragraphs: titles wrap), body rows and totals row (one-line cells,
    or Paragraphs for a text too long for its column of ``widths``) in the report's styles."""
    head = [Paragraph(b.esc(h), st["head"]) for h in s.header]

    def cells(row: Sequence[Any], text_style: str, num_style: str) -> list[Flowable]:
        return [_cell(_num(v, k), st[num_style if k != "text" else text_style], w)
                for v, k, w in zip(row, s.kinds, widths)]

    rows = [cells(r, "text", "num") for r in s.rows]
    totals = cells(s.totals, "total", "total_num") if s.totals else None
    return head, rows, totals


def _table(s: Section, frame: float, st: dict[str, ParagraphStyle]) -> Flowable:
    widths = _widths(s, frame, st)
    head, rows, totals = _cells(s, st, widths)
    empty = not rows
    if empty:
        rows = [[Paragraph("Không có số liệu", st["text"])] + [""] * (len(s.kinds) - 1)]
    table = b.data_table(head, rows, widths, totals=totals, padding=PADDING)
    if empty:  # the sentence across the whole row, not wrapped inside a narrow first column
        table.setStyle(TableStyle([("SPAN", (0, 1), (-1, 1))]))
    return table


def chart_title(breakdown: Breakdown) -> str:
    """The chart's title after the breakdown it draws: "Số điện thoại đã bàn giao theo thôn, ấp" for a
    commune's hamlets, "… theo xã" for the province's communes (the breakdown's title, "Theo xã")."""
    words = breakdown.title.strip()
    return f"Số điện thoại đã bàn giao {in_sentence(words)}"


def handover_chart(labels: Sequence[str], values: Sequence[int], width: float,
                   title: str = "Số điện thoại đã bàn giao theo thôn, ấp", max_height: float = 440.0) -> Drawing:
    """A horizontal bar chart (reportlab.graphics) of ``values`` per label; sizes in points.

    One bar per hamlet, its value printed at the bar's end; the height grows with the number of
    hamlets up to ``max_height`` (then the bars and labels get thinner).
    """
    n = max(len(labels), 1)
    bar_h = min(12.0, max_height * 0.85 / (n * 1.35))  # many hamlets: thinner bars, one page at most
    plot_h = n * bar_h * 1.35
    font = min(8.5, bar_h * 1.35 * 0.8)
    height = plot_h + 40
    d = Drawing(width, height)
    d.add(String(width / 2, height - 13, title, fontName=b.FONT_BOLD, fontSize=10, textAnchor="middle"))
    chart = _PlainLabelsBarChart()
    chart.x, chart.y = 120, 22
    chart.width, chart.height = width - 160, plot_h
    # reportlab draws the first category at the bottom: reverse so the table's order reads down.
    chart.data = [list(reversed(list(values))) or [0]]
    # the labels sit left of the plot (120 pt): a long hamlet name is shortened here with "…" (the
    # table above the chart prints it in full) rather than drawn off the page
    chart.categoryAxis.categoryNames = [_fit(lab, 112, font) for lab in reversed(list(labels))] or [""]
    chart.categoryAxis.labels.fontName = b.FONT
    chart.categoryAxis.labels.fontSize = font
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    top = max(list(values) or [0])
    step = max(1, _nice_step(top))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(step, ((top + step - 1) // step) * step)
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = b.FONT
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = lambda v: format_count(int(v))
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    chart.bars[0].fillColor = BAR_COLOUR
    chart.bars[0].strokeColor = None
    chart.barWidth = bar_h
    chart.barLabelFormat = lambda v: format_count(int(v))
    chart.barLabels.fontName = b.FONT
    chart.barLabels.fontSize = min(8, font)
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    d.add(chart)
    return d


def _label_drop(size: float) -> float:
    """Where reportlab's Label puts a one-line text's baseline, from the middle of its anchor, in
    points (no padding, leading 1.2 × ``size``: half the leading up, then the leading ÷ 1.2 down)."""
    return 0.5 * (size * 1.2) - (size * 1.2) * (1 / 1.2)


class _PlainLabelsBarChart(HorizontalBarChart):
    """reportlab's horizontal bar chart with its hamlet names and bar values drawn as plain strings.

    reportlab draws each of those texts as a Label widget (a group, a box and a string, every
    attribute checked as it is set): with 100 communes that was about 40 % of a report's drawing.
    The chart still lays out the axes, grid and bars itself; the texts are placed where its Label
    would put a one-line text (no padding, leading 1.2 × size: baseline 0.4 × size below the
    anchor's middle), so the page looks the same.
    """

    def __init__(self) -> None:
        super().__init__()
        # the axis widget is expanded only when the page is drawn, after draw() below: its own
        # Labels stay off for good (the names are drawn by draw())
        self.categoryAxis.visibleLabels = 0

    def draw(self):  # reportlab's Widget.draw: the chart as a Group of shapes
        axis, fmt = self.categoryAxis, self.barLabelFormat
        self.barLabelFormat = None  # its bar Labels are made here, in makeBars
        try:
            g = super().draw()
        finally:
            self.barLabelFormat = fmt
        names, style = axis.labels, self.barLabels
        size = names.fontSize
        drop = _label_drop(size)
        for i, name in enumerate(axis.categoryNames or ()):  # boxAnchor "e": ends at the anchor
            if name:
                y = axis._y + (i + names.labelPosFrac) * axis._barWidth + names.dy + drop
                g.add(String(axis._x + names.dx - stringWidth(name, names.fontName, size), y, name,
                             fontName=names.fontName, fontSize=size, fillColor=names.fillColor))
        size = style.fontSize
        drop = _label_drop(size)
        for row, bars in enumerate(self._barPositions):  # boxAnchor "w": starts at the bar's end
            for col, (x, y, width, height) in enumerate(bars):
                text = fmt(self.data[row][col]) if fmt else ""
                if text and None not in (width, height):
                    g.add(String(x + width + style.dx, y + 0.5 * height + style.dy + drop, text,
                                 fontName=style.fontName, fontSize=size, fillColor=style.fillColor))
        return g


#: The thinnest bar (points) the chart is shrunk to, to fit the space left on a page: its hamlet
#: labels are drawn at 1.08 × the bar's thickness, so 7 pt bars still carry 7.5 pt names.
MIN_BAR = 7.0
#: The chart's height (points) besides its bars: the title above, the value axis below.
CHART_FURNITURE = 40.0


class ChartInSpaceLeft(Flowable):
    """The chart per hamlet placed so that pages are filled rather than left half empty.

    Where it comes in the story it takes the height left on the page when that holds its bars at
    full size or shrunk down to MIN_BAR; when it does not, the short tables that follow it
    (``following``: each a list of flowables kept together, e.g. the tables by category and by
    tier) go first as long as they fit there, and the chart comes after them, else at the top of
    the next page at full size (at most one page). Always split (like reportlab's KeepTogether):
    its ``wrap`` reports more than the space offered, and ``split`` returns what to place.
    """

    def __init__(self, labels: Sequence[str], values: Sequence[int], width: float, title: str) -> None:
        super().__init__()
        self.labels, self.values, self.chart_width, self.title = list(labels), list(values), width, title
        self.following: list[list[Flowable]] = []

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return aw, ah + 1  # force a split: what fits is decided there

    def _chart(self, max_height: float = 440.0) -> Drawing:
        return handover_chart(self.labels, self.values, self.chart_width, title=self.title, max_height=max_height)

    def _rest(self) -> list[Flowable]:
        out: list[Flowable] = []
        for unit in self.following:
            out += [KeepTogether(unit), Spacer(1, SECTION_GAP)]
        return out

    def split(self, aw: float, ah: float) -> list[Flowable]:
        full = self._chart()
        if full.height <= ah:
            return [full, Spacer(1, SECTION_GAP), *self._rest()]
        bars = max(len(self.labels), 1) * 1.35  # the chart's height per point of bar thickness
        if (ah - CHART_FURNITURE) / bars >= MIN_BAR:
            shrunk = self._chart(max_height=(ah - CHART_FURNITURE) / 0.85 - 0.01)
            if shrunk.height <= ah:
                return [shrunk, Spacer(1, SECTION_GAP), *self._rest()]
        if self.following:
            first = self.following[0]
            height = SECTION_GAP + sum(f.wrap(aw, ah)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in first)
            if height <= ah:
                later = ChartInSpaceLeft(self.labels, self.values, self.chart_width, self.title)
                later.following = self.following[1:]
                # its flowables themselves, not a KeepTogether: reportlab places the first part of a
                # split at once, and a KeepTogether always asks to be split (they fit: measured above)
                return [*first, Spacer(1, SECTION_GAP), later]
        # nothing fits here: the next page (where the full chart always fits, at most 440 pt)
        return [] if ah < 440.0 else [full, Spacer(1, SECTION_GAP), *self._rest()]


def _fit(label: str, width: float, size: float) -> str:
    """``label`` shortened with "…" to at most ``width`` points in the body font at ``size``."""
    if stringWidth(label, b.FONT, size) <= width:
        return label
    while label and stringWidth(label + "…", b.FONT, size) > width:
        label = label[:-1]
    return label.rstrip() + "…"


def _nice_step(top: int) -> int:
    """A round axis step giving about five ticks up to ``top``."""
    if top <= 5:
        return 1
    raw = top / 5
    mag = 10 ** (len(str(int(raw))) - 1)
    for m in (1, 2, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def render_pdf(
    report: Report,
    issuer: Issuer = DEFAULT_ISSUER,
    *,
    number: str | None = None,
    preparer: str = "",
    legal_basis: str = "",
) -> bytes:
    """The report as PDF bytes (landscape A4; see the module docstring).

    ``issuer``: the commune, its signer (authority, title, typed name) and its Nơi nhận;
    ``number``: the document number, None = a blank to fill in by hand before the ký hiệu
    ("      /BC-UBND"); ``preparer``: the name under NGƯỜI LẬP BIỂU ("" = blank for handwriting);
    ``legal_basis``: the text the figures are reported under, e.g. "Thông tư số 14/2022/TT-BTTTT ngày
    28/10/2022 của Bộ Thông tin và Truyền thông" (the rule set in force), printed at the end of the
    closing note ("" = not printed).
    """
    if number is None:
        number = "\u00a0" * 8 + "/" + issuer.symbol("report")
    st = _styles()
    frame = b.frame_width(landscape=True)
    tally = report if isinstance(report, Tally) else report.year
    local_now = report.generated_at.astimezone(VN_TZ)
    story: list[Flowable] = [*b.admin_header(issuer, number, place_date_line(issuer.place, local_now.date()))]
    subtitle = report.title.removeprefix("Báo cáo ")
    subtitle = sentence_start(subtitle)
    story += b.title("Báo cáo", subtitle)[:-1]
    story.append(Paragraph(b.esc(report.period_label), st["meta"]))
    story.append(Paragraph(b.esc(as_of_text(report)), st["meta"]))
    story.append(Spacer(1, 3 * mm))

    secs = sections(report)
    small = {"not_eligible_by_rule", "quota"}
    numbered = [(ROMAN[i], sec) for i, sec in enumerate(secs)]

    def heading(num: str, sec: Section) -> Paragraph:
        return Paragraph(f"{num}. {b.esc(sec.title)}", st["section"])

    def note(sec: Section) -> list[Flowable]:
        return [Spacer(1, 1.5 * mm), Paragraph(b.esc(sec.note), st["note"])] if sec.note else []

    def block(num: str, sec: Section, width: float) -> list[Flowable]:
        return [heading(num, sec), _table(sec, width, st), *note(sec)]

    def flowing(num: str, sec: Section) -> list[Flowable]:
        """A long table that breaks across pages with its header repeated: it starts here when its
        heading, header and first rows fit (else on the next page), and its last rows stay with its
        totals and its note (never a note alone at the top of a page)."""
        widths = _widths(sec, frame, st)
        head, rows, totals = _cells(sec, st, widths)
        first = [heading(num, sec), b.data_table(head, rows[:b.TAIL_ROWS], widths, padding=PADDING)]
        need = sum(f.wrap(frame, b.frame_height(landscape=True))[1] for f in first)
        return [CondPageBreak(need + 2 * mm), first[0],
                *b.table_with_end(head, rows, widths, totals=totals, after=note(sec) or [Spacer(1, 0)],
                                  frame_height=b.frame_height(landscape=True), padding=PADDING)]

    chart: ChartInSpaceLeft | None = None
    for num, sec in numbered:
        if sec.key in small:
            continue
        # The sections flow one after another, each starting where the last one ended: a short
        # table (a few categories or tiers) stays whole with its heading, so it is never cut into a
        # page of two rows; a long one starts there when its heading, header and a few rows fit
        # (else on the next page) and breaks across pages with its header repeated.
        short = len(sec.rows) <= SHORT_TABLE_ROWS
        if chart is not None and short:  # the chart may let this table go first (ChartInSpaceLeft)
            chart.following.append(block(num, sec, frame))
            continue
        if chart is not None:
            story.append(chart)
            chart = None
        if short:
            story.append(KeepTogether(block(num, sec, frame)))
        else:
            story.extend(flowing(num, sec))
        story.append(Spacer(1, SECTION_GAP))
        if sec.key == "by_hamlet":
            rows = tally.by_hamlet.rows
            chart = ChartInSpaceLeft([r.label for r in rows], [r.figures.handed_over for r in rows], frame * 0.75,
                                     chart_title(tally.by_hamlet))
    if chart is not None:
        story.append(chart)

    # how handovers, payments and voids are counted is said once, under the table by hamlet
    closing = ("Ghi chú: số liệu là trạng thái đến hết kỳ báo cáo (giờ Việt Nam); «Đã hỗ trợ» là số hộ được bàn "
               "giao hoặc chi tiền và chưa bị hủy đến hết kỳ; «Đang chờ» là hồ sơ đủ điều kiện chưa đưa vào danh "
               "sách đề nghị.")
    if legal_basis.strip():
        closing += f" Theo {legal_basis.strip().rstrip('.')}."
    c = getattr(report, "complaints", None)       # the monthly tally counts them; the annual report not yet
    if c is not None:
        closing += (f" Đơn khiếu nại, kiến nghị, phản ánh, tố cáo trong kỳ: nhận {_num(c.received)}, đã giải quyết "
                    f"{_num(c.resolved)}, quá hạn {_num(c.overdue)}.")
    # The two small tables side by side, reasons (left) and quota (right), the closing note under the
    # reasons (the shorter of the two), so that they and the signatures share the last page more
    # often: the signature page carries the report's last tables, never a note and signatures alone.
    left_w, gap = frame * 0.56, 8 * mm
    right_w = frame - left_w - gap
    side = {sec.key: (num, sec) for num, sec in numbered if sec.key in small}
    left = [*block(*side["not_eligible_by_rule"], left_w), Spacer(1, SECTION_GAP), Paragraph(b.esc(closing), st["note"])]
    pair = Table([[left, "", block(*side["quota"], right_w)]], colWidths=[left_w, gap, right_w])
    pair.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    signatures = b.signature_blocks([
        ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)", preparer),
        b.signer_block(issuer.signer),
    ], sign_space=18 * mm, recipients=issuer.recipient_lines(), space_before=4 * mm)
    # signature_blocks returns a KeepTogether, and a KeepTogether nested in another reports an
    # infinite height (reportlab forces a split): unwrap it.
    story.append(KeepTogether([pair, *getattr(signatures, "_content", [signatures])]))
    return b.build_pdf(story, landscape=True, title=report.title,
                       subject="Báo cáo tổng hợp hỗ trợ điện thoại thông minh (VTCI)",
                       author=issuer.body.replace("\n", " "))


__all__ = ["render_pdf", "handover_chart", "AnnualReport", "Tally"]
