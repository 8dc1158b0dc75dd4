"""The gridded data table whose cells wrap (lists, reports)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from .text import esc, styles

_ALIGN_STYLE = {"L": "cell", "C": "cell_centre", "R": "cell_right"}

#: The tallest a body row may be, in points (about a fifth of a landscape page's frame): a taller row
#: (a note of 1,000 characters in a narrow column) is cut into continuation rows of at most this
#: height, drawn without a rule between them, so the table can break between them like between rows.
MAX_ROW_HEIGHT = 100.0
#: Rows with fewer characters than this are never measured (they cannot be that tall): keeps lists cheap.
_MEASURE_FROM = 150


def _cut(cell: Flowable, width: float, max_h: float) -> list[Flowable]:
    """``cell`` cut into pieces at most ``max_h`` high (lines are never cut); a cell that is not a
    Paragraph, or fits, is one piece."""
    if not isinstance(cell, Paragraph):
        return [cell]
    pieces: list[Flowable] = []
    rest: Flowable = cell
    while True:
        _w, h = rest.wrap(width, max_h)
        if h <= max_h:
            return pieces + [rest]
        parts = rest.split(width, max_h)
        if len(parts) < 2:  # one line taller than max_h (cannot happen with our sizes): keep it whole
            return pieces + [rest]
        pieces.append(parts[0])
        rest = parts[1]


def _split_tall_rows(data: list[list[Flowable]], widths: Sequence[float], first: int,
                     last: int, max_h: float) -> tuple[list[list[Any]], list[int]]:
    """Body rows ``first``..``last - 1`` of ``data`` with each row taller than ``max_h`` cut into
    continuation rows. Returns the new rows and the indexes (in them) of rows that continue the row
    above (no rule is drawn above those)."""
    out: list[list[Any]] = data[:first]
    continued: list[int] = []
    for row in data[first:last]:
        if sum(len(getattr(c, "text", "")) for c in row) < _MEASURE_FROM:
            out.append(row)
            continue
        pad = 6  # left + right padding of a cell
        pieces = [_cut(c, w - pad, max_h) for c, w in zip(row, widths)]
        n = max(len(p) for p in pieces)
        for k in range(n):
            if k:
                continued.append(len(out))
            out.append([p[k] if k < len(p) else "" for p in pieces])
    out.extend(data[last:])
    return out, continued
_ALIGN_TOTAL = {"L": "total", "C": "total_centre", "R": "total_right"}


def data_table(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    col_widths: Sequence[float],
    totals: Sequence[Any] | None = None,
    repeat_header: bool = True,
    *,
    align: Sequence[str] | None = None,
    max_row_height: float = MAX_ROW_HEIGHT,
    show_header: bool = True,
    totals_span: tuple[int, int] | None = None,
    padding: tuple[float, float] = (2.5, 3.0),
) -> Table:
    """A gridded table whose every cell is a Paragraph (text wraps inside cells).

    ``header``: column titles (bold, centred, grey background), repeated at the
    top of every page when ``repeat_header``.  ``rows``: lists of cell values —
    ``str``, numbers (``str()``-ed: format money/dates before), ``None`` (empty)
    or a ready Flowable (used as is).  ``col_widths``: points, one per column,
    normally summing to :func:`frame_width` (see :func:`fit_widths`).
    ``totals``: an optional last row printed in bold, kept on the same page as
    the last body row. ``show_header=False`` leaves the header row out (a table continuing one above it).  ``align``: optional
    per-column ``"L"``/``"C"``/``"R"`` for body and totals cells (default
    ``"L"``). ``totals_span``: (first, last) columns the totals row's cell at ``first`` spans (one
line across them). ``padding``: (top, bottom) of each cell in points (dense report tables use
less).  Plain text is escaped; over-long words are split to stay inside
    their cell. A row taller than ``max_row_height`` points is cut into continuation rows (no rule
    between them), so text of any length prints and the table breaks across pages, never fails.
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

    # A row taller than a page (a note of 1,000 characters in a narrow column) would stop reportlab with
    # a LayoutError: cut it into continuation rows that break across pages like rows do.
    body_end = len(data) - (1 if totals is not None else 0)
    data, continued = _split_tall_rows(data, col_widths, 1, body_end, max_row_height)
    tbl = Table(data, colWidths=list(col_widths), repeatRows=1 if repeat_header else 0, hAlign="CENTER")
    skip = set(continued)
    rules: list[tuple] = [("GRID", (0, 0), (-1, -1), 0.5, colors.black)] if not skip else [
        ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
        ("LINEAFTER", (0, 0), (-2, -1), 0.5, colors.black),
        *[("LINEBELOW", (0, r), (-1, r), 0.5, colors.black) for r in range(len(data) - 1) if r + 1 not in skip],
    ]
    cmds: list[tuple] = [
        *rules,
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), padding[0]),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding[1]),
        # the table's part on each page is closed by a rule, even inside a cut row
        ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), 0.5, colors.black),
    ]
    for r in continued:  # a continuation row reads on from the row above: no gap between them
        cmds += [("TOPPADDING", (0, r), (-1, r), 0), ("BOTTOMPADDING", (0, r - 1), (-1, r - 1), 0)]
    if totals is not None:
        cmds.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")))
        if len(data) > 2:  # never leave the totals row alone under a repeated header
            cmds.append(("NOSPLIT", (0, -2), (-1, -1)))
        if totals_span is not None:
            cmds.append(("SPAN", (totals_span[0], -1), (totals_span[1], -1)))
    if not show_header:  # the continuation of a table above it on the same page: same widths, no header
        data = data[1:]
        tbl = Table(data, colWidths=list(col_widths), hAlign="CENTER")
        cmds = [(c[0], (c[1][0], _shift(c[1][1])), (c[2][0], _shift(c[2][1])), *c[3:]) for c in cmds
                if not (isinstance(c[1][1], int) and c[1][1] == 0 and c[2][1] == 0)]
    tbl.setStyle(TableStyle(cmds))
    return tbl


def _shift(row: Any) -> Any:
    """A style command's row index once the header row is dropped (negative and named rows stay)."""
    return row - 1 if isinstance(row, int) and row > 0 else row


#: How many of a table's last rows stay on the page of what follows the table (its note, the
#: signatures): never a note or a signature block on a page without the rows it belongs to.
TAIL_ROWS = 2


class TableEnd(Flowable):
    """The last rows of a table and what must follow them (its totals, a note, the signatures) as
    one block that does not split.

    Where it fits under the rows above it continues their table (``plain``: no header row);
    otherwise it goes to the next page whole, with the table's header repeated (``headed``). A block
    taller than a whole page (rows holding texts of thousands of characters) then flows like any
    other content rather than stopping the PDF. ``frame_height``: the page frame's height (points).
    """

    def __init__(self, plain: list[Flowable], headed: list[Flowable], frame_height: float):
        super().__init__()
        self._variants = {False: plain, True: headed}
        self._headed = False
        self._sizes: list[tuple[float, float]] = []
        self._frame_height = frame_height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        parts = self._variants[self._headed]
        self._sizes = [p.wrapOn(self.canv, availWidth, availHeight) for p in parts]
        self.width = availWidth
        self.height = sum(h for _, h in self._sizes)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        if self._headed or availHeight >= self._frame_height - 1:  # a whole page is not enough: flow
            return list(self._variants[True])
        self._headed = True  # not enough room here: start the next page, header first
        return []

    def draw(self) -> None:
        y = self.height
        for part, (w, h) in zip(self._variants[self._headed], self._sizes):
            y -= h
            # _sW as the frame passes it, so a centred table lands where data_table's does
            part.drawOn(self.canv, 0, y, _sW=self.width - w)


def table_with_end(header: Sequence[str], rows: Sequence[Sequence[Any]], col_widths: Sequence[float], *,
                   after: Sequence[Flowable], frame_height: float, tail_rows: int = TAIL_ROWS,
                   **options: Any) -> list[Flowable]:
    """:func:`data_table` of ``rows`` followed by ``after`` (a note, the signature blocks), with the
    last ``tail_rows`` rows and the totals kept on the page of ``after`` (:class:`TableEnd`).

    ``options``: :func:`data_table`'s keyword arguments (totals, align, totals_span, padding);
    ``frame_height``: the page frame's height in points. Returns the flowables to add to the story.
    A table of at most ``tail_rows`` rows is kept whole with ``after``.
    """
    after = [p for f in after for p in (getattr(f, "_content", None) or [f])]  # a KeepTogether unwrapped
    if len(rows) <= tail_rows:
        whole = data_table(header, rows, col_widths, **options)
        return [TableEnd([whole, *after], [whole, *after], frame_height)]
    body, tail = list(rows[:-tail_rows]), list(rows[-tail_rows:])
    body_options = {k: v for k, v in options.items() if k not in ("totals", "totals_span")}
    return [
        data_table(header, body, col_widths, **body_options),
        TableEnd(plain=[data_table(header, tail, col_widths, show_header=False, **options), *after],
                 headed=[data_table(header, tail, col_widths, **options), *after],
                 frame_height=frame_height),
    ]
