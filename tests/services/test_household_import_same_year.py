"""A second list of a year already on file (importer.year_plan): compared with that year's own list,
not the year before; replacing it only when the clerk chooses «danh sách đầy đủ» (never by
default: the main file imported again after its supplement must not take the supplement's
households off the list). Source: domain.md E1 (the list in force for the year), §10."""
from __future__ import annotations

from sqlalchemy import select

from subsidy.models import Household
from subsidy.services import households
from subsidy.services.importer import import_households
from tests import list_files as lf


def _ids(session) -> dict[str, int]:
    return {code: hid for code, hid in session.execute(select(Household.code, Household.id))}


def test_a_corrected_list_of_the_same_year_replaces_it_when_chosen(session, clerk):
    houses = lf.make_households(8, seed=41, members=(0, 1))
    import_households(session, lf.household_xlsx(houses[:2], 2025), "ds-2025.xlsx", clerk)
    first = import_households(session, lf.household_xlsx(houses[:6], 2026), "ds-2026.xlsx", clerk)
    session.commit()
    assert first.complete and first.year_counts["previous_year"] == 2025
    # The corrected 2026 list: houses[4] and houses[5] left out, houses[6] added, houses[0]'s category turned.
    corrected = [*houses[:4], houses[6]]
    flip = {"poor": "near_poor", "near_poor": "poor"}
    corrected[0].category = flip[corrected[0].category]

    preview = import_households(session, lf.household_xlsx(corrected, 2026), "ds-2026-sua.xlsx", clerk, dry_run=True)
    # Compared with 2026's own list; by default a supplement: the two left out are counted, not written.
    assert preview.complete is False
    assert preview.year_counts == {"previous_year": 2026, "join": 1, "leave": 0, "change": 1, "absent": 2}

    report = import_households(session, lf.household_xlsx(corrected, 2026), "ds-2026-sua.xlsx", clerk, complete=True)
    session.commit()
    assert report.year_counts == {"previous_year": 2026, "join": 1, "leave": 2, "change": 1, "absent": 2}
    ids = _ids(session)
    in_force = households.statuses_in(session, list(ids.values()), 2026)
    assert {h.code: in_force[ids[h.code]].status for h in houses[:7]} == {
        **{h.code: h.category for h in corrected},
        houses[4].code: "not_listed", houses[5].code: "not_listed"}
    note = next(s for s in households.status_history(session, ids[houses[4].code]) if s.year == 2026).note
    assert "ds-2026-sua.xlsx" in note and "thay cho danh sách năm 2026 nhập trước đó" in note
    # 2025's records are untouched.
    assert {s.status for s in households.statuses_in(session, [ids[h.code] for h in houses[:2]], 2025).values()} \
        <= {"poor", "near_poor"}


def test_the_main_file_again_after_its_supplement_keeps_the_supplement(session, clerk):
    houses = lf.make_households(6, seed=42, members=(0, 1))
    import_households(session, lf.household_xlsx(houses[:4], 2026), "ds-2026.xlsx", clerk)
    import_households(session, lf.household_xlsx(houses[4:], 2026), "ds-2026-bo-sung.xlsx", clerk)
    session.commit()
    again = import_households(session, lf.household_xlsx(houses[:4], 2026), "ds-2026.xlsx", clerk)
    session.commit()
    assert again.complete is False and again.year_counts["absent"] == 2 and again.year_counts["leave"] == 0
    ids = _ids(session)
    in_force = households.statuses_in(session, list(ids.values()), 2026)
    assert {h.code: in_force[ids[h.code]].status for h in houses} == {h.code: h.category for h in houses}
