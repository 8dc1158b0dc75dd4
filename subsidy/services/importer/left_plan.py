"""The households of a workbook's "left poverty" sheets (hộ thoát nghèo, hộ thoát cận nghèo),
matched against the list being imported and the households on file (a step of :mod:`.plan`).

Source: domain.md §9 (the review's workbook: the list, then the households that left it).
"""
from __future__ import annotations

from typing import Any, Sequence

from subsidy.domain import household_list as hl
from subsidy.services.importer.reader import OtherSheet


def left_households(other_sheets: Sequence[OtherSheet], listed: dict[tuple[str, str], hl.HouseholdRecord],
                    by_code: dict[str, Any], by_cid: dict[str, Any],
                    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The "left poverty" sheets' households, each matched (by code, then CCCD) against this
    list first (``listed``: its records by ``("code", code)`` and ``("cid", CCCD)``; one that
    left poverty may now be near-poor: ``still_listed``), then the households on file
    (``leaves``: not on this list any more), else ``not_on_file``."""
    sheets: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for sheet in other_sheets:
        households = [r for r in sheet.results if r.skip_reason is None and not r.is_member]
        sheets.append({"title": sheet.title, "kind": sheet.kind, "rows": len(households), "error": sheet.error})
        for r in households:
            rec = r.record
            entry = {"sheet": sheet.title, "kind": sheet.kind, "row": r.number, "code": r.code or r.raw_code,
                     "head_name": rec.head_name if rec else r.raw_name, "outcome": "error", "category": None,
                     "household_id": None, "message": " ".join(r.errors) or None}
            entries.append(entry)
            if rec is None:
                continue
            same = (listed.get(("code", rec.code)) if rec.code else None) or (
                listed.get(("cid", rec.citizen_id)) if rec.citizen_id else None)
            on_file = (by_code.get(rec.code) if rec.code else None) or (
                by_cid.get(rec.citizen_id) if rec.citizen_id else None)
            entry["household_id"] = on_file["id"] if on_file is not None else None
            if same is not None:
                entry["outcome"], entry["category"] = "still_listed", same.category
            elif on_file is not None:
                entry["outcome"] = "leaves"
            else:
                entry["outcome"] = "not_on_file"
    return sheets, entries
