"""Renderers of the tally and the annual report: JSON, CSV and XLSX, and ``render`` choosing the
format (the PDF is subsidy.documents.tally).

One dataclass, many renderers (architecture.md "Reports"): ``sections(report)``
(subsidy.documents.tally_tables) turns a ``Tally`` or an ``AnnualReport`` (subsidy.domain.reports)
into a list of ``Section`` tables, and every renderer — this module's CSV/XLSX, the PDF and the
screen — prints those same sections, so the formats cannot disagree.

Pure: imports neither Flask nor SQLAlchemy. Every function returns bytes or plain data.

Formula injection: every *text* cell of the CSV goes through ``csv_safe`` (subsidy.domain.csvsafe,
shared with the household export: a leading = + - @ tab or CR gets a leading apostrophe, OWASP
"CSV injection"); numbers are written as numbers. In the XLSX,
text cells are stored with the string type, so a name such as ``=HYPERLINK(…)`` is never a formula.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from subsidy.documents.tally import render_pdf
from subsidy.documents.tally_tables import Report, meta_lines, sections
from subsidy.documents.tally_tables import as_of_text  # noqa: F401 - the report page imports it from here
from subsidy.domain.csvsafe import csv_safe  # one rule for every CSV (also the household export)
from subsidy.domain.reports import FIGURE_COLUMNS, AnnualReport, Breakdown, Figures, Tally


# ----------------------------------------------------------------------------- JSON


def _figures_dict(f: Figures) -> dict[str, int]:
    return f.as_dict()


def _breakdown_list(b: Breakdown, key_name: str) -> list[dict[str, Any]]:
    return [{key_name: r.key, "label": r.label, **_figures_dict(r.figures)} for r in b.rows]


def tally_to_dict(t: Tally) -> dict[str, Any]:
    """The tally as plain JSON data: counts are ints, amounts int đồng, dates ISO."""
    return {
        "report": "tally",
        "kind": t.kind,
        "month": t.month,
        "title": t.title,
        "period": {"start": t.period.start.isoformat() if t.period.start else None,
                   "end": t.period.end.isoformat(), "label": t.period_label},
        "generated_at": t.generated_at.isoformat(),
        "columns": [{"field": f, "label": label, "unit": "đồng" if k == "money" else "hồ sơ"}
                    for f, label, k in FIGURE_COLUMNS],
        "totals": _figures_dict(t.totals),
        "by_hamlet": _breakdown_list(t.by_hamlet, "hamlet"),
        "by_category": _breakdown_list(t.by_category, "category"),
        "by_tier": _breakdown_list(t.by_tier, "tier"),
        "not_eligible_by_rule": [{"rule": r.rule, "label": r.label, "count": r.count}
                                 for r in t.not_eligible_by_rule],
        "quota": t.quota.as_dict(),
    }


def annual_to_dict(r: AnnualReport) -> dict[str, Any]:
    """The annual report as plain JSON data (the year's tally nested under "year")."""
    return {
        "report": "annual",
        "year": r.year_number,
        "title": r.title,
        "period_label": r.period_label,
        "generated_at": r.generated_at.isoformat(),
        "months": [{"month": m.month, "label": m.label, "start": m.period.start.isoformat(),
                    "end": m.period.end.isoformat(), "figures": _figures_dict(m.figures),
                    "year_to_date": _figures_dict(m.year_to_date)} for m in r.months],
        "cumulative": _figures_dict(r.cumulative),
        "year_tally": tally_to_dict(r.year),
    }


def to_dict(report: Report) -> dict[str, Any]:
    return tally_to_dict(report) if isinstance(report, Tally) else annual_to_dict(report)


def render_json(report: Report) -> bytes:
    """UTF-8 JSON (Vietnamese kept as is, indented)."""
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2).encode("utf-8")


# ----------------------------------------------------------------------------- CSV

def _csv_cell(value: Any, kind: str) -> Any:
    if kind in ("count", "money") and isinstance(value, int):
        return value
    return csv_safe(value)


def render_csv(report: Report) -> bytes:
    """UTF-8 CSV with BOM (Excel shows Vietnamese), comma-separated, CRLF.

    Layout: the meta lines, then each section: its title, header, rows, totals row and note,
    separated by an empty line. Every text cell goes through ``csv_safe``.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for line in meta_lines(report):
        w.writerow([csv_safe(line)])
    for s in sections(report):
        w.writerow([])
        w.writerow([csv_safe(s.title)])
        w.writerow([csv_safe(h) for h in s.header])
        for row in s.rows + ((s.totals,) if s.totals else ()):
            w.writerow([_csv_cell(v, k) for v, k in zip(row, s.kinds)])
        if s.note:
            w.writerow([csv_safe(s.note)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# ----------------------------------------------------------------------------- XLSX

NUMBER_FORMAT = "#,##0"


def render_xlsx(report: Report) -> bytes:
    """An .xlsx workbook, one sheet per section (per breakdown).

    Each sheet: title, period and "as of" in rows 1–3, the header in row 5 (frozen), the data
    below, the totals row in bold, the note under it. Numbers are numbers with the "#,##0" format
    (money in đồng, counts); text cells are stored as strings (never formulas).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="E6E6E6")
    total_fill = PatternFill("solid", fgColor="F2F2F2")
    meta = meta_lines(report)

    def put(ws: Any, row: int, col: int, value: Any, kind: str = "text") -> Any:
        cell = ws.cell(row=row, column=col)
        if kind in ("count", "money") and isinstance(value, int):
            cell.value = value
            cell.number_format = NUMBER_FORMAT
        else:
            cell.value = "" if value is None else str(value)
            cell.data_type = "s"  # a string, even when it starts with "="
        return cell

    used: set[str] = set()
    for s in sections(report):
        name = s.sheet[:31]
        n = 2
        while name in used:
            name = f"{s.sheet[:28]} {n}"
            n += 1
        used.add(name)
        ws = wb.create_sheet(name)
        put(ws, 1, 1, meta[0]).font = Font(bold=True, size=13)
        put(ws, 2, 1, f"{s.title} · {meta[1]}")
        put(ws, 3, 1, meta[2]).font = Font(italic=True)
        hr = 5
        for c, h in enumerate(s.header, start=1):
            cell = put(ws, hr, c, h)
            cell.font, cell.fill, cell.border = bold, head_fill, border
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        r = hr
        for row in s.rows:
            r += 1
            for c, (v, k) in enumerate(zip(row, s.kinds), start=1):
                put(ws, r, c, v, k).border = border
        if s.totals:
            r += 1
            for c, (v, k) in enumerate(zip(s.totals, s.kinds), start=1):
                cell = put(ws, r, c, v, k)
                cell.font, cell.fill, cell.border = bold, total_fill, border
        if s.note:
            put(ws, r + 2, 1, s.note).font = Font(italic=True)
        for c, k in enumerate(s.kinds, start=1):
            width = 30 if k == "text" and c == 1 else (48 if k == "text" else (16 if k == "money" else 12))
            ws.column_dimensions[get_column_letter(c)].width = width
        ws.row_dimensions[hr].height = 45
        ws.freeze_panes = ws.cell(row=hr + 1, column=2)
    wb.properties.title = report.title
    wb.properties.creator = "subsidy case manager (VTCI)"
    wb.properties.created = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
FORMATS = tuple(MEDIA_TYPES)


def render(report: Report, fmt: str, **pdf_options: Any) -> bytes:
    """Render ``report`` as "pdf" | "xlsx" | "csv" | "json" → bytes. Raises ValueError otherwise."""
    if fmt == "json":
        return render_json(report)
    if fmt == "csv":
        return render_csv(report)
    if fmt == "xlsx":
        return render_xlsx(report)
    if fmt == "pdf":
        return render_pdf(report, **pdf_options)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def filename(report: Report, fmt: str) -> str:
    """An ASCII download name: bao-cao-thang-2026-03.pdf, bao-cao-luy-ke-2026-03.xlsx, bao-cao-nam-2026.csv."""
    if isinstance(report, AnnualReport):
        return f"bao-cao-nam-{report.year_number}.{fmt}"
    if report.kind == "cumulative":
        return f"bao-cao-luy-ke-{report.month}.{fmt}"
    if report.kind == "month":
        return f"bao-cao-thang-{report.month}.{fmt}"
    return f"bao-cao-{report.period.end.isoformat()}.{fmt}"
