"""Exporting the registry as CSV in the columns of shared/data/*.expected.csv (the CLI's
``export-households``), or the same columns as an XLSX workbook.

The rows are read from the database ROWS_PER_FETCH at a time and written as they come
(:func:`iter_export_households`), so memory stays flat however many households there are
(bench/exports.py measures the peak at two sizes)."""
from __future__ import annotations

import csv
from typing import IO, Any, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from subsidy.domain.csvsafe import csv_safe
from subsidy.models import Household

EXPORT_COLUMNS = ("household_code", "head_name", "birth_year", "gender", "citizen_id", "hamlet",
                  "members", "category", "meritorious", "social_policy", "phone")


#: Rows fetched from the database at a time while exporting.
ROWS_PER_FETCH = 1000


def export_households(session: Session, include_archived: bool = False) -> list[dict[str, str]]:
    """Every household as a row of text in the export format, in the order they were entered
    (a list: :func:`iter_export_households` gathered; for small registries and tests)."""
    return list(iter_export_households(session, include_archived))


def iter_export_households(session: Session, include_archived: bool = False) -> Iterator[dict[str, str]]:
    """Every household as a row of text in the export format, in the order they were entered,
    yielded as read (ROWS_PER_FETCH rows fetched at a time; the session must stay open while
    the rows are consumed).

    Shape: ``[{"household_code": "8250419218", "head_name": "Mai Minh Nghĩa", "birth_year":
    "1938", "gender": "M", "citizen_id": "082038597382", "hamlet": "Ấp Phú Hòa", "members": "1",
    "category": "poor", "meritorious": "0", "social_policy": "1", "phone": "0386300391"}, …]``;
    an unknown value is ``""``.  Source: shared/data/README.md (the expected files' format).
    """
    stmt = select(
        Household.code, Household.head_name, Household.head_birth_year, Household.head_gender,
        Household.citizen_id, Household.hamlet, Household.members, Household.category,
        Household.meritorious, Household.social_policy, Household.phone,
    ).order_by(Household.id)
    if not include_archived:
        stmt = stmt.where(Household.archived.is_(False))
    for r in session.execute(stmt.execution_options(yield_per=ROWS_PER_FETCH)):
        yield {
            "household_code": r.code,
            "head_name": r.head_name,
            "birth_year": "" if r.head_birth_year is None else str(r.head_birth_year),
            "gender": r.head_gender or "",
            "citizen_id": r.citizen_id or "",
            "hamlet": r.hamlet,
            "members": str(r.members),
            "category": r.category or "",
            "meritorious": "1" if r.meritorious else "0",
            "social_policy": "1" if r.social_policy else "0",
            "phone": r.phone or "",
        }


def write_export_csv(rows: Iterable[dict[str, str]], stream: Any) -> int:
    """Write ``rows`` as CSV to a text stream opened with ``encoding="utf-8", newline=""``:
    header line first, comma separated, CRLF line ends, no BOM — byte for byte the format of
    shared/data/*.expected.csv. A cell starting with = + - @ (or a tab / CR) is written with a
    leading apostrophe (subsidy.domain.csvsafe, OWASP CSV injection). Returns the number of
    households written."""
    writer = csv.DictWriter(stream, fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    # Every cell is text: a name or hamlet starting with = + - @ gets a leading apostrophe
    # (csv_safe, the tally's rule), so a spreadsheet shows it instead of running it.
    n = 0
    for row in rows:
        writer.writerow({k: csv_safe(v) for k, v in row.items()})
        n += 1
    return n


def write_export_xlsx(rows: Iterable[dict[str, str]], out: IO[bytes]) -> int:
    """Write ``rows`` (the export format) as an XLSX workbook into the binary file ``out``:
    one sheet, the column names of :data:`EXPORT_COLUMNS` as its header, every cell a text cell
    (a CCCD or phone keeps its leading zero; a value starting with = is never a formula), written
    row by row in openpyxl's write-only mode. Returns the number of households written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("households")
    ws.append(list(EXPORT_COLUMNS))

    def text(value: str) -> WriteOnlyCell | None:
        if value == "":
            return None
        c = WriteOnlyCell(ws, value=value)
        c.data_type = "s"
        c.number_format = "@"
        return c

    n = 0
    for row in rows:
        ws.append([text(row[k]) for k in EXPORT_COLUMNS])
        n += 1
    wb.save(out)
    return n
