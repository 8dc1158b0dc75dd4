"""A list page taken away: the same rows as an Excel workbook, a CSV file or a PDF in the administrative format.

XLSX (openpyxl's write-only mode, so rows are written as they come and a workbook of thousands of
households never sits in memory as cell objects): the issuing body, the title, the filters and
the date, a header row, one row per household; columns of kind "text" (CCCD, phone, codes,
numbers of documents) are text cells (number format "@"), so Excel keeps their leading zeros;
text that starts like a formula (=, +, -, @) is written as text, never as a formula.

CSV (:func:`iter_csv`): UTF-8 with a byte order mark (so Excel reads the Vietnamese letters),
the column titles then one line per row, produced as the rows come (a generator of byte chunks, for
a streamed response): memory does not grow with the list. Text cells go through
domain.csvsafe (a leading = + - @ gets an apostrophe); dates dd/mm/yyyy.

PDF (subsidy.documents.base, Nghị định 30/2020/NĐ-CP): landscape A4, issuing body top left and
national motto top right with the place-and-date line, the title in capitals with the filters as
its trích yếu, the table, the total, and the preparer's signature block.

Pure rendering: ExportTable in, bytes out (no Flask, no database).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from typing import IO, Any, Iterator

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Spacer

from subsidy.documents import base as b
from subsidy.domain.csvsafe import csv_safe
from subsidy.domain.documents import Issuer
from subsidy.domain.list_views import ExportTable
from subsidy.domain.vn import format_date, place_date_line

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
#: Rows per chunk a CSV is produced in (one write to the network each).
CSV_CHUNK_ROWS = 500
_FORMULA_START = ("=", "+", "-", "@")
#: Excel's column width unit is about one digit of its default font: roughly 2 mm of print.
XLSX_CHARS_PER_MM = 0.5


def _nfc(value: Any) -> Any:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _total_line(table: ExportTable) -> str:
    return f"Tổng cộng: {table.count} dòng"


def write_xlsx(table: ExportTable, issuer: Issuer, out: IO[bytes]) -> int:
    """Write ``table`` as an XLSX workbook into the binary file ``out``; returns the number of
    data rows written (``table.rows`` is read once, as it comes)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    for i, col in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = round(col.width * XLSX_CHARS_PER_MM, 1)
    ws.freeze_panes = "A7"
    bold, head_fill = Font(bold=True), PatternFill("solid", fgColor="E6E6E6")
    wrap = Alignment(vertical="center", horizontal="center", wrap_text=True)

    def cell(value: Any, **style: Any) -> WriteOnlyCell:
        c = WriteOnlyCell(ws, value=_nfc(value))
        for k, v in style.items():
            setattr(c, k, v)
        return c

    ws.append([cell(issuer.body, font=bold)])
    ws.append([cell(table.title.upper(), font=Font(bold=True, size=13))])
    ws.append([cell(table.filters or "Toàn bộ danh sách", font=Font(italic=True))])
    ws.append([cell(f"{place_date_line(issuer.place, table.date)} · {_total_line(table)}")])
    ws.append([])
    ws.append([cell(c.title, font=bold, fill=head_fill, alignment=wrap) for c in table.columns])
    written = 0
    for row in table.rows:
        cells = []
        for col, value in zip(table.columns, row):
            value = _nfc(value)
            if value is None or value == "":
                cells.append(None)
            elif col.kind == "text":
                c = cell(str(value), number_format="@")
                c.data_type = "s"  # an ID or a phone stays text, and "=…" never becomes a formula
                cells.append(c)
            elif col.kind == "date" and isinstance(value, dt.date):
                cells.append(cell(value, number_format="DD/MM/YYYY"))
            elif isinstance(value, str) and value.startswith(_FORMULA_START):
                c = cell(value)
                c.data_type = "s"
                cells.append(c)
            else:
                cells.append(cell(value))
        ws.append(cells)
        written += 1
    ws.append([])
    ws.append([None, cell(f"Tổng cộng: {written} dòng", font=bold)])
    wb.save(out)
    return written


def _csv_cell(kind: str, value: Any) -> Any:
    value = _nfc(value)
    if value is None or kind == "blank":
        return ""
    if isinstance(value, dt.date):
        return format_date(value)
    if kind == "int" and isinstance(value, int):
        return value
    return csv_safe(value)


def iter_csv(table: ExportTable) -> Iterator[bytes]:
    """``table`` as CSV, in UTF-8 byte chunks of :data:`CSV_CHUNK_ROWS` rows: a byte order mark
    and the column titles first, then the rows as ``table.rows`` yields them (read once), CRLF
    line ends. Text through csv_safe (OWASP CSV injection), dates dd/mm/yyyy, blanks empty."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(table.headers)
    yield "\ufeff".encode() + buf.getvalue().encode()
    kinds = [c.kind for c in table.columns]
    rows: list[list[Any]] = []
    for row in table.rows:
        rows.append([_csv_cell(k, v) for k, v in zip(kinds, row)])
        if len(rows) == CSV_CHUNK_ROWS:
            buf.seek(0)
            buf.truncate()
            writer.writerows(rows)
            rows.clear()
            yield buf.getvalue().encode()
    if rows:
        buf.seek(0)
        buf.truncate()
        writer.writerows(rows)
        yield buf.getvalue().encode()


#: Most rows a PDF is made of: beyond it (about 150 pages) the page asks to filter the list first.
PDF_MAX_ROWS = 3000
#: The height of a row's blank to fill in by hand (an IMEI of 15 digits, a signature).
BLANK_ROW_HEIGHT = 10 * mm


#: Left plus right padding of a table cell (documents.base.tables), in points.
_CELL_PADDING = 6.0
#: The narrowest a wrapping column is made (a share of its width) to give a one-line column room.
_MIN_SHARE = 0.7
#: The smallest font a one-line value is shrunk to, in points.
_MIN_ONE_LINE_SIZE = 8.0


def _text_width(value: Any, size: float = b.CELL_SIZE) -> float:
    b.register_fonts()
    return stringWidth(str(value), b.FONT, size) + _CELL_PADDING + 0.5


def _one_line_widths(table: ExportTable, rows: list[list[Any]], widths: list[float]) -> list[float]:
    """``widths`` (points) with each ``one_line`` column widened to its longest value (and its
    title's longest word), taken from the other columns in proportion, none of them below
    _MIN_SHARE of its width; the total stays the frame's."""
    one = [i for i, c in enumerate(table.columns) if c.one_line]
    if not one or not rows:
        return widths
    need = {i: max([widths[i]] + [_text_width(r[i]) for r in rows if r[i] not in (None, "")]
                   + [stringWidth(w, b.FONT_BOLD, b.CELL_SIZE) + _CELL_PADDING + 0.5
                      for w in table.columns[i].title.split()]) for i in one}
    others = [i for i in range(len(widths)) if i not in need]
    extra = sum(need[i] - widths[i] for i in one)
    spare = sum(widths[i] for i in others) * (1 - _MIN_SHARE)
    if extra > spare:  # cannot all fit: share what there is (the cells then print smaller)
        for i in one:
            need[i] = widths[i] + (need[i] - widths[i]) * spare / extra
        extra = spare
    rest = sum(widths[i] for i in others)
    out = list(widths)
    for i in one:
        out[i] = need[i]
    for i in others:
        out[i] = widths[i] * (rest - extra) / rest
    return out


def _one_line_cell(value: Any, width: float) -> Any:
    """``value`` as is when it fits ``width`` points on one line at the cell size, else a
    Paragraph at the font size that fits (at least _MIN_ONE_LINE_SIZE)."""
    if value in (None, "") or _text_width(value) <= width:
        return value
    size = b.CELL_SIZE * (width - _CELL_PADDING - 0.5) / (_text_width(value) - _CELL_PADDING - 0.5)
    size = max(_MIN_ONE_LINE_SIZE, int(size * 2) / 2)
    style = ParagraphStyle("vn-cell-one-line", parent=b.styles()["cell"], fontSize=size, leading=b.CELL_SIZE * 1.2)
    return Paragraph(b.esc(str(value)), style)


def render_pdf(table: ExportTable, issuer: Issuer) -> bytes:
    """``table`` as a landscape A4 PDF in the administrative format (bytes). Raises ValueError
    when it has more than :data:`PDF_MAX_ROWS` rows (the caller checks ``table.count`` first)."""
    st = b.styles()
    blank = [c.kind == "blank" for c in table.columns]
    rows = []
    for row in table.rows:
        # a column to fill in by hand (IMEI, signature) gets room to write in
        rows.append([Spacer(1, BLANK_ROW_HEIGHT) if empty else format_date(v) if isinstance(v, dt.date) else v
                     for empty, v in zip(blank, row)])
        if len(rows) > PDF_MAX_ROWS:
            raise ValueError(f"more than {PDF_MAX_ROWS} rows")
    widths = _one_line_widths(table, rows, b.fit_widths([c.width for c in table.columns], landscape=True))
    for i, col in enumerate(table.columns):
        if col.one_line:
            for row in rows:
                row[i] = _one_line_cell(row[i], widths[i])
    align = ["C" if c.kind in ("int", "date") or c.title == "STT" else "L" for c in table.columns]
    story = [*b.admin_header(issuer, None, place_date_line(issuer.place, table.date)),
             *b.title(table.title, table.filters or "Toàn bộ danh sách")]
    for note in table.notes:
        story.append(Paragraph(b.esc(note), st.italic))
    if rows:
        totals = [""] * len(table.columns)
        # the total goes in the widest column that is printed (not one left blank to write in)
        widest = max(range(len(table.columns)),
                     key=lambda i: (table.columns[i].kind != "blank", table.columns[i].width))
        totals[widest] = _total_line(table)
        story.append(b.data_table(table.headers, rows, widths, totals=totals, align=align))
    else:
        story.append(Paragraph("Không có dòng nào khớp bộ lọc.", st.italic))
    signers = table.signers or (("NGƯỜI LẬP DANH SÁCH", "(Ký, ghi rõ họ tên)", table.prepared_by),)
    story.append(b.signature_blocks(list(signers), sign_space=20 * mm))
    return b.build_pdf(story, landscape=True, title=f"{table.title} — {table.filters}" if table.filters
                       else table.title)
