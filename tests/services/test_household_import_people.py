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


def test_the_three_sheet_workbook_is_read_and_its_left_households_reported(session, clerk):
    houses = lf.make_households(6, seed=11, members=(0, 2))
    first = import_households(session, lf.household_xlsx(houses, 2025), "ds-2025.xlsx", clerk)
    session.commit()
    assert first.counts["new"] == 6
    a, b, c, d, e, _f = houses
    c.category = "near_poor" if c.category == "poor" else "poor"  # changed category, on a left sheet too
    stranger = lf.make_households(1, seed=99)[0]
    stranger.code, stranger.head.citizen_id = "8299912345", "082099123456"
    data = lf.person_xlsx([a, b, c], 2026, left={"Hộ thoát nghèo": [c, d], "Hộ thoát cận nghèo": [e, stranger]})
    report = import_households(session, data, "ds-2026.xlsx", clerk, dry_run=True)
    # the list year moves to 2026 for all three; c changes category too
    assert (report.counts["update"], report.counts["error"]) == (3, 0)
    assert {r.code: set(r.changes) for r in report.rows if r.status == "update"}[c.code] == {"list_year", "category"}
    assert [(s["title"], s["kind"], s["rows"], s["error"]) for s in report.left_sheets] == [
        ("Hộ thoát nghèo", "left_poor", 2, None), ("Hộ thoát cận nghèo", "left_near_poor", 2, None)]
    got = [(x["sheet"], x["code"], x["outcome"], x["category"]) for x in report.left]
    assert got == [("Hộ thoát nghèo", c.code, "still_listed", c.category), ("Hộ thoát nghèo", d.code, "leaves", None),
                   ("Hộ thoát cận nghèo", e.code, "leaves", None),
                   ("Hộ thoát cận nghèo", stranger.code, "not_on_file", None)]
    assert report.left_counts == {"still_listed": 1, "leaves": 2, "not_on_file": 1, "error": 0}


def test_a_left_sheet_active_first_and_without_category_columns_is_not_taken_for_the_list(session, clerk):
    houses = lf.make_households(3, seed=12, members=(1, 1))
    wb = lf._book("DANH SÁCH HỘ THOÁT NGHÈO NĂM 2026", ["STT", "Mã hộ", "Họ và tên chủ hộ", "Số CCCD"],
                  [[1, houses[2].code, houses[2].head.name, houses[2].head.citizen_id]], sheet="Thoat ngheo")
    lf._sheet(wb.create_sheet("DS 2026"), "DANH SÁCH HỘ NGHÈO NĂM 2026", lf.PERSON_HEADER,
              lf.person_rows(houses[:2]), "DS 2026")
    report = import_households(session, lf._bytes(wb), "ds.xlsx", clerk, dry_run=True)
    assert report.sheet == "DS 2026" and report.counts["new"] == 2
    assert [(x["code"], x["outcome"]) for x in report.left] == [(houses[2].code, "not_on_file")]
