"""Importing a list kept one row per person: the same households as the per-household layout,
a real-sized file (260 households, 985 rows), and member faults reported on the preview."""
from __future__ import annotations

from subsidy.services import households
from subsidy.services.importer import import_households
from tests import list_files as lf


def expected_export(houses):
    """What the export must say, computed from the generated households themselves."""
    return [{"household_code": h.code, "head_name": h.head.name, "birth_year": str(h.head.birth_year),
             "gender": h.head.gender, "citizen_id": h.head.citizen_id, "hamlet": h.hamlet, "members": str(h.size),
             "category": h.category, "meritorious": "0", "social_policy": "0", "phone": h.phone or ""}
            for h in houses]


def test_both_layouts_with_the_same_households_give_the_same_export(session, clerk):
    houses = lf.make_households(25, seed=3)
    first = import_households(session, lf.household_xlsx(houses), "ho-ngheo-2025.xlsx", clerk)
    session.commit()
    assert (first.counts["new"], first.counts["error"]) == (25, 0)
    before = households.export_households(session)
    assert before == expected_export(houses)
    # The same households, one row per person (codes as floats, as the review's export writes them).
    second = import_households(session, lf.person_xlsx(houses, code_as_float=True), "ho-ngheo-2025-nk.xlsx", clerk)
    session.commit()
    assert (second.counts["unchanged"], second.counts["error"], second.counts["new"]) == (25, 0, 0)
    assert households.export_households(session) == before


def test_a_260_household_per_person_list_imports_whole(session, clerk):
    houses = lf.make_households(260, seed=7, members=(1, 5))
    rows = len(lf.person_rows(houses))
    report = import_households(session, lf.person_xlsx(houses), "ho-ngheo-2025-nk.xlsx", clerk, dry_run=True)
    assert report.counts["new"] == 260 and report.counts["error"] == 0
    # Every member row is shown under its head, none as a row of its own.
    assert sum(len(r.people) for r in report.rows if r.status == "new") == rows - 260
    by_code = {r.code: r for r in report.rows}
    h = houses[0]
    assert [p[1:] for p in by_code[h.code].people] == [[m.name, m.relation, m.birth_year] for m in h.members]


def test_member_faults_show_on_the_head_row_of_the_preview(session, clerk):
    houses = lf.make_households(3, seed=5, members=(2, 2))
    data_rows = lf.person_rows(houses)
    data_rows[1][6] = "12345"  # the first household's first member: a bad ID
    wb = lf._book("DANH SÁCH HỘ NGHÈO NĂM 2025", lf.PERSON_HEADER, data_rows)
    report = import_households(session, lf._bytes(wb), "ds.xlsx", clerk, dry_run=True)
    assert report.counts["error"] == 1 and report.counts["new"] == 2
    bad = report.error_rows[0]
    assert bad.code == houses[0].code and bad.messages[0].startswith(f"Dòng 7 (thành viên «{houses[0].members[0].name}»)")
