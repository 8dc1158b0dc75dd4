"""The handover-day sheet as a PDF: a CCCD (12 digits), a phone number (10) and a tracking code
(in its printed groups) each print on one line, however wide its characters, and the columns
still fill the frame."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from subsidy.documents import base as b
from subsidy.documents.exports import _one_line_widths, render_pdf
from subsidy.domain import tracking
from subsidy.domain.documents import DEFAULT_ISSUER
from subsidy.domain.list_views import ExportTable
from subsidy.services.list_exports import SHEET_COLUMNS

ROWS = [
    [1, "Nguyễn Thị Ánh Tuyết", tracking.display("WWWWWWWWWW"), "082012345678", "0912345678"],
    [2, "Trần Văn Hùng", tracking.display("K7QX9M4TAB"), "001099000123", "0388000111"],
    [3, "Lê Văn Bảy", tracking.display("FYPDS25NSS"), "079200000001", "0900000000"],
]


def _table(rows: list[list]) -> ExportTable:
    return ExportTable(key="handover_sheet", title="Danh sách bàn giao", filters="Ấp: Ấp Phú Hòa",
                       columns=SHEET_COLUMNS, rows=iter([r + [None] * 4 for r in rows]), count=len(rows),
                       date=dt.date(2026, 12, 6), prepared_by="Nguyễn Văn Lập")


def test_codes_cccds_and_phones_print_on_one_line():
    text = PdfReader(io.BytesIO(render_pdf(_table(ROWS), DEFAULT_ISSUER))).pages[0].extract_text()
    lines = text.splitlines()
    for _, _, code, cccd, phone in ROWS:
        for value in (code, cccd, phone):
            assert any(value in line for line in lines), value


@pytest.mark.parametrize("rows", [ROWS, ROWS[1:]])
def test_one_line_columns_fit_their_longest_value_and_the_frame_is_kept(rows):
    table = _table(rows)
    full = [list(r) for r in table.rows]
    start = b.fit_widths([c.width for c in SHEET_COLUMNS], landscape=True)
    widths = _one_line_widths(table, full, start)
    assert sum(widths) == pytest.approx(b.frame_width(landscape=True))
    b.register_fonts()
    from reportlab.pdfbase.pdfmetrics import stringWidth
    for i in (2, 3, 4):
        longest = max(stringWidth(r[i], b.FONT, b.CELL_SIZE) for r in rows)
        assert widths[i] >= longest + 6  # the cell's padding, 3 pt each side
    assert all(w >= 0.7 * s - 1e-6 for i, (w, s) in enumerate(zip(widths, start)) if i not in (2, 3, 4))
