"""Planning the poverty status of the list year: one record per household per year, and a
commune's complete new list replacing the last.

Every household of the list gets its status for the list year (its category).  A household of
a "hộ thoát nghèo / thoát cận nghèo" sheet that is on file and not on the list is recorded as
not on the year's list.  When the list is **complete** (a choice of the preview; the default when
the list year comes from the title and the file is not a supplement, "bổ sung"), every household
of **that commune's** list it replaces that is absent from the new one is recorded as not on the year's list too; households of
other communes are never read here.  The list replaced and compared with (join, leave, change
of category in the preview) is the year's own list when one is on file (a corrected list of the
same year), else the latest earlier year's.  Reads only.  Source: domain.md E1 (the list in force for
the year), §10 (per commune).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from subsidy.domain import vn
from subsidy.domain.calendar import today_vn
from subsidy.models import Household, HouseholdStatus

LISTED = ("poor", "near_poor")


@dataclass(slots=True)
class StatusWrite:
    """A status record to write: for ``household_id`` (or the new household of ``outcome``)."""

    year: int
    status: str
    source: str
    household_id: int | None = None
    outcome: Any = None
    note: str | None = None
    before: str | None = None


@dataclass
class YearPlan:
    """The status records to write and the counts the preview shows (``previous_year``: the list
    compared with — the year's own list when one is on file, else the latest earlier year's, None
    when neither is; ``absent``: households of that list the file does not name, counted in
    ``leave`` only when the list is complete)."""

    writes: list[StatusWrite] = field(default_factory=list)
    previous_year: int | None = None
    join: int = 0
    leave: int = 0
    change: int = 0
    absent: int = 0
    complete: bool = False
    #: Households of the list compared with whose place on it this list changes:
    #: ``{household id: (category before, status after, how)}``, how ``"category"`` (another
    #: category), ``"left_sheet"``, ``"replaced"`` (written not listed) or ``"absent"`` (not in
    #: the file, the list not complete: written only if it is confirmed complete).
    moves: dict[int, tuple[str, str, str]] = field(default_factory=dict)


def default_complete(year_source: str, filename: str, sheet: str | None) -> bool:
    """A list whose year comes from its title is the year's complete list, unless its file or
    sheet name says it is a supplement ("bổ sung")."""
    names = vn.fold(f"{Path(filename or '').name} {sheet or ''}").replace("-", " ").replace("_", " ")
    return year_source == "title" and "bo sung" not in names


def _statuses(session: Session, commune_id: int, year: int) -> dict[int, str]:
    rows = session.execute(select(HouseholdStatus.household_id, HouseholdStatus.status)
                           .join(Household, Household.id == HouseholdStatus.household_id)
                           .where(Household.commune_id == commune_id, HouseholdStatus.year == year))
    return dict(rows.all())


def plan_year(session: Session, commune_id: int, rows: Sequence[tuple[Any, str, int | None]], present: set[int],
              left: Sequence[dict[str, Any]], year: int, complete: bool | None, filename: str, *,
              default: bool = False) -> YearPlan:
    """Status writes and counts for commune ``commune_id``'s list of ``year`` (only that
    commune's households are read: another commune's list is never replaced).

    ``rows``: ``(outcome, category, household id or None for a new one)`` of every household row
    to be written or unchanged; ``present``: ids of households on file that any row of the file
    names (errors included: a wrong row is not an absence); ``left``: the report's left-sheet
    entries; ``complete``: the list replaces the one it is compared with; None: ``default``
    (:func:`default_complete`) when that is an earlier year's list, but never for the year's own
    list on file — a second list of a year already imported (a corrected one, or the main file
    again after its supplement) replaces it only when the clerk chooses so. The plan's
    ``complete`` says what was decided.
    """
    plan = YearPlan()
    now_y = _statuses(session, commune_id, year)
    if any(status in LISTED for status in now_y.values()):
        # The year's list is on file already (a list imported before, a supplement): a new list of
        # the same year is compared with it, and a complete one replaces it — a corrected list
        # that leaves a household out takes it off the year's list.
        prev = year
        before = now_y
    else:
        prev = session.execute(select(func.max(HouseholdStatus.year))
                               .join(Household, Household.id == HouseholdStatus.household_id)
                               .where(Household.commune_id == commune_id, HouseholdStatus.year < year)).scalar()
        before = _statuses(session, commune_id, prev) if prev is not None else {}
    plan.previous_year = prev
    if complete is None:
        complete = default and prev != year
    plan.complete = complete
    replaced = f"danh sách năm {prev} nhập trước đó" if prev == year else f"danh sách năm {prev}"
    for out, category, hid in rows:
        was = before.get(hid) if hid is not None else None
        if was not in LISTED:
            plan.join += 1
        elif was != category:
            plan.change += 1
            plan.moves[hid] = (was, category, "category")
        if hid is None or now_y.get(hid) != category:
            plan.writes.append(StatusWrite(year, category, "import", hid, out, before=now_y.get(hid) if hid else None))
    day = vn.format_date(today_vn())
    leaving: dict[int, StatusWrite] = {}
    for entry in left:
        hid = entry["household_id"]
        if entry["outcome"] != "leaves" or hid is None or hid in present:
            continue
        note = (f"Có tên trong trang «{entry['sheet']}» (hộ thoát nghèo, thoát cận nghèo) của danh sách năm {year}, "
                f"tệp «{filename}» nhập ngày {day}.")
        leaving[hid] = StatusWrite(year, "not_listed", "left_sheet", hid, note=note, before=now_y.get(hid))
    if prev is not None:
        for hid, was in before.items():
            if was in LISTED and hid not in present and hid not in leaving:
                plan.absent += 1  # counted either way: the preview says what "complete" would do
                plan.moves[hid] = (was, "not_listed", "replaced" if complete else "absent")
                if not complete:
                    continue
                note = (f"Không có tên trong danh sách năm {year} của xã (danh sách đầy đủ, tệp «{filename}» nhập "
                        f"ngày {day}, thay cho {replaced}).")
                leaving[hid] = StatusWrite(year, "not_listed", "replaced", hid, note=note, before=now_y.get(hid))
    for hid, w in leaving.items():
        if before.get(hid) in LISTED:
            plan.leave += 1
            if w.source == "left_sheet":
                plan.moves[hid] = (before[hid], "not_listed", "left_sheet")
        if now_y.get(hid) != "not_listed":
            plan.writes.append(w)
    return plan
