"""Exporting the registry as CSV in the columns of shared/data/*.expected.csv (the CLI's
``export-households``)."""
from __future__ import annotations

import csv
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from subsidy.domain.csvsafe import csv_safe
from subsidy.models import Household

EXPORT_COLUMNS = ("household_code", "head_name", "birth_year", "gender", "citizen_id", "hamlet",
                  "members", "category", "meritorious", "social_policy", "phone")


def export_households(session: Session, include_archived: bool = False) -> list[dict[str, str]]:
    """Every household as a row of text in the export format, in the order they were entered.

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
    rows = []
    for r in session.execute(stmt):
        rows.append({
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
        })
    return rows


def write_export_csv(rows: list[dict[str, str]], stream: Any) -> int:
    """Write ``rows`` as CSV to a text stream opened with ``encoding="utf-8", newline=""``:
    header line first, comma separated, CRLF line ends, no BOM — byte for byte the format of
    shared/data/*.expected.csv. A cell starting with = + - @ (or a tab / CR) is written with a
    leading apostrophe (subsidy.domain.csvsafe, OWASP CSV injection). Returns the number of
    households written."""
    writer = csv.DictWriter(stream, fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    # Every cell is text: a name or hamlet starting with = + - @ gets a leading apostrophe
    # (csv_safe, the tally's rule), so a spreadsheet shows it instead of running it.
    writer.writerows({k: csv_safe(v) for k, v in row.items()} for row in rows)
    return len(rows)
