"""The proposal list (danh sách đề nghị) and the approved list (danh sách được phê duyệt) as PDF and XLSX.

PDF: the administrative format of Nghị định 30/2020/NĐ-CP (domain.md §7) through
subsidy.documents.base — landscape A4, issuing body and number top left, national motto and the
place-and-date line top right, title in capitals, a table whose cells wrap (STT, name, birth year,
CCCD, phone, hamlet, category, tier, form, note), a totals row, page numbers, signature blocks.
All user text is escaped by base (a note such as "0.1 <A <0.9" prints as typed) and NFC.

XLSX: the same rows with CCCD, phone and tracking code written as text cells (number format "@"),
so Excel keeps their leading zeros.

Pure rendering: ListDocument in, bytes out (no Flask, no database).
"""
from __future__ import annotations

import io
import unicodedata

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from subsidy.documents import base as b
from subsidy.domain.labels import CATEGORY_WORDS
from subsidy.domain.documents import ListDocument
from subsidy.domain.vn import place_date_line


HEADER = ["STT", "Họ và tên chủ hộ", "Năm sinh", "Số CCCD", "Số điện thoại", "Ấp", "Phân loại hộ",
          "Mức ưu tiên", "Hình thức hỗ trợ", "Ghi chú"]
# Column widths in mm (sum 252 = the landscape frame): the longest sample name, a CCCD, a phone number, a
# hamlet, "Hộ cận nghèo" and "Gói hỗ trợ kết hợp" each fit on one line at 12 pt, and no header takes
# more than two lines ("Mức ưu tiên" is "Mức ưu / tiên"), so a short list and its signatures share a page.
WEIGHTS = [11, 42, 14, 28, 24, 27, 26, 16, 35, 29]
#: The space to sign (and stamp) in: as on the receipts.
SIGN_SPACE = 18 * mm
#: Between the totals row and the signatures (and the Nơi nhận).
SIGN_GAP = 4 * mm
ALIGN = ["C", "L", "C", "C", "C", "L", "L", "C", "L", "L"]


def _place_date(doc: ListDocument) -> str:
    return place_date_line(doc.issuer.place, doc.date)


#: A row with more characters than this may be too tall to keep on the signatures' page.
TALL_ROW_CHARS = 300


def _tall(rows: list[list]) -> bool:
    return any(sum(len(str(v)) for v in row) > TALL_ROW_CHARS for row in rows)


def totals_text(counts: dict[str, int]) -> str:
    """The totals line, as the XLSX writes it: "Tổng cộng: 8 hộ (6 hộ nghèo, 2 hộ cận nghèo; 1 hộ
    nhận tiền)" (``counts`` as ListDocument.counts gives them); a rule set's other category is named
    when the list holds one ("…, 2 hộ cận nghèo, 1 hộ mới thoát nghèo; …")."""
    extra = "".join(f", {counts[k]} {CATEGORY_WORDS[k]}" for k in CATEGORY_WORDS
                    if k not in ("poor", "near_poor") and counts.get(k))
    return (f"Tổng cộng: {counts['total']} hộ ({counts['poor']} hộ nghèo, {counts['near_poor']} hộ cận nghèo{extra}; "
            f"{counts['cash']} hộ nhận tiền)")


def render_pdf(doc: ListDocument) -> bytes:
    """The list as a landscape A4 PDF (bytes). Source: domain.md §5, §7."""
    st = b.styles()
    approved = doc.kind == "approved"
    if approved:  # the attachment of its decision: no number, date or Nơi nhận of its own
        story = [*b.admin_header(doc.issuer, None, ""),
                 *b.title(doc.title, doc.programme_line, attachment=doc.subtitle or None)]
    else:
        story = [*b.admin_header(doc.issuer, doc.number, _place_date(doc)), *b.title(doc.title, doc.programme_line)]
    rows = [[r.stt, r.name, r.birth_year or "", r.citizen_id, r.phone, r.hamlet, r.category_label, r.tier, r.form,
             r.note] for r in doc.rows]
    # one line across the columns after STT: the totals never make the last row two lines tall
    totals = ["", totals_text(doc.counts())] + [""] * (len(HEADER) - 2)
    widths = b.fit_widths(WEIGHTS, landscape=True)
    signer = b.signer_block(doc.issuer.signer)
    if approved:
        signature = b.signature_blocks([signer], sign_space=SIGN_SPACE, space_before=SIGN_GAP)
    else:
        signature = b.signature_blocks([("NGƯỜI LẬP DANH SÁCH", "(Ký, ghi rõ họ tên)", doc.prepared_by), signer],
                                       sign_space=SIGN_SPACE, recipients=doc.issuer.recipient_lines(),
                                       space_before=SIGN_GAP)
    table = {"align": ALIGN, "totals": totals, "totals_span": (1, len(HEADER) - 1)}
    if not doc.rows:
        story += [Paragraph("Danh sách chưa có hộ nào.", st.italic), signature]
    elif _tall(rows[-b.TAIL_ROWS:]):
        # last rows with long texts may not fit on one page with the signatures: they flow like the
        # rest of the table (cut into continuation rows), the signatures kept together after them
        story += [b.data_table(HEADER, rows, widths, **table), signature]
    else:
        # the last rows, the totals and the signatures on one page: the signature page always
        # carries the end of the list, as an administrative document should
        story += b.table_with_end(HEADER, rows, widths, after=[signature],
                                  frame_height=b.frame_height(landscape=True), **table)
    title = f"{doc.title} — {doc.subtitle.strip('()')}" if approved else f"{doc.title} — số {doc.number}"
    return b.build_pdf(story, landscape=True, title=title, subject=doc.programme_line)


_FORMULA_START = ("=", "+", "-", "@")


def render_xlsx(doc: ListDocument) -> bytes:
    """The list as an XLSX workbook (bytes): title rows, a header row, one row per household.
    CCCD, phone and tracking code are text cells ("@") so Excel keeps their zeros; user text that
    starts like a formula (=, +, -, @) is written as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    def nfc(v):
        return unicodedata.normalize("NFC", v) if isinstance(v, str) else v

    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    header = HEADER[:9] + ["Mã hồ sơ", "Ngày nhận hồ sơ", "Ghi chú"]
    ncol = len(header)
    last = get_column_letter(ncol)
    ws.append([nfc(doc.issuer.body)])
    ws.append([nfc(doc.title.upper())])
    ws.append([nfc(doc.subtitle)])
    ws.append([nfc(f"Số: {doc.number} · {_place_date(doc)}")])
    ws.append([])
    for r in (1, 2, 3, 4):
        ws.merge_cells(f"A{r}:{last}{r}")
        ws.cell(r, 1).alignment = Alignment(horizontal="center")
    ws.cell(1, 1).font = Font(bold=True)
    ws.cell(2, 1).font = Font(bold=True, size=13)
    ws.cell(3, 1).font = Font(italic=True)
    ws.append(header)
    head_row = ws.max_row
    thin = Side(style="thin", color="999999")
    for col in range(1, ncol + 1):
        cell = ws.cell(head_row, col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E6E6E6")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    text_cols = {4, 5, 10}  # CCCD, phone, tracking code
    for r in doc.rows:
        values = [r.stt, r.name, r.birth_year, r.citizen_id or None, r.phone or None, r.hamlet, r.category_label, r.tier,
                  r.form, r.tracking_code or None, r.received_on, r.note or None]
        ws.append([nfc(v) for v in values])
        row = ws.max_row
        for col in range(1, ncol + 1):
            cell = ws.cell(row, col)
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if col in text_cols:
                cell.number_format = "@"
                if cell.value is not None:
                    cell.value = str(cell.value)
                    cell.data_type = "s"
            elif isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
                cell.data_type = "s"  # typed text such as "=1+1" stays text, never a formula
            if col == 11 and cell.value is not None:
                cell.number_format = "DD/MM/YYYY"
    ws.append([None, totals_text(doc.counts())])
    ws.cell(ws.max_row, 2).font = Font(bold=True)
    for i, w in enumerate([6, 26, 9, 15, 13, 16, 13, 9, 26, 14, 12, 30], start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = ws.cell(head_row + 1, 1)
    ws.print_options.gridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = f"{head_row}:{head_row}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
