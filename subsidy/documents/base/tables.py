"""The gridded data table whose cells wrap (lists, reports)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from .text import esc, styles

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
