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
    with_members = [h for h in houses if h.members]
    assert (second.counts["update"], second.counts["unchanged"], second.counts["error"]) == (
        len(with_members), 25 - len(with_members), 0)
    # Only the members are new: every household fact is the same.
    assert {k for r in second.rows if r.status == "update" for k in r.changes} == {"people"}
    assert households.export_households(session) == before
    stored = households.members_of(session, [r.household_id for r in second.rows if r.household_id])
    by_code = {r.code: r.household_id for r in second.rows}
    for h in houses:
        assert [(m.name, m.relation, m.birth_year, m.gender, m.citizen_id) for m in stored.get(by_code[h.code], [])] == [
            (m.name, m.relation, m.birth_year, m.gender, m.citizen_id) for m in h.members]
    third = import_households(session, lf.person_xlsx(houses), "ho-ngheo-2025-nk.xlsx", clerk)
    assert third.counts["unchanged"] == 25 and not third.committed


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
    assert {r.code: set(r.changes) - {"people"} for r in report.rows if r.status == "update"}[c.code] == {
        "list_year", "category"}
    assert [(s["title"], s["kind"], s["rows"], s["error"]) for s in report.left_sheets] == [
        ("Hộ thoát nghèo", "left_poor", 2, None), ("Hộ thoát cận nghèo", "left_near_poor", 2, None)]
    got = [(x["sheet"], x["code"], x["outcome"], x["category"]) for x in report.left]
    assert got == [("Hộ thoát nghèo", c.code, "still_listed", c.category), ("Hộ thoát nghèo", d.code, "leaves", None),
                   ("Hộ thoát cận nghèo", e.code, "leaves", None),
                   ("Hộ thoát cận nghèo", stranger.code, "not_on_file", None)]
    assert report.left_counts == {"still_listed": 1, "leaves": 2, "not_on_file": 1, "error": 0}
    # The title names 2026: a complete list by default. d and e leave by the left sheets, f by absence.
    assert report.complete is True
    assert report.year_counts == {"previous_year": 2025, "join": 0, "leave": 3, "change": 1, "absent": 1}


def test_a_left_sheet_active_first_and_without_category_columns_is_not_taken_for_the_list(session, clerk):
    houses = lf.make_households(3, seed=12, members=(1, 1))
    wb = lf._book("DANH SÁCH HỘ THOÁT NGHÈO NĂM 2026", ["STT", "Mã hộ", "Họ và tên chủ hộ", "Số CCCD"],
                  [[1, houses[2].code, houses[2].head.name, houses[2].head.citizen_id]], sheet="Thoat ngheo")
    lf._sheet(wb.create_sheet("DS 2026"), "DANH SÁCH HỘ NGHÈO NĂM 2026", lf.PERSON_HEADER,
              lf.person_rows(houses[:2]), "DS 2026")
    report = import_households(session, lf._bytes(wb), "ds.xlsx", clerk, dry_run=True)
    assert report.sheet == "DS 2026" and report.counts["new"] == 2
    assert [(x["code"], x["outcome"]) for x in report.left] == [(houses[2].code, "not_on_file")]


def test_a_second_years_complete_list_marks_the_absent_and_e1_fails_for_them_with_a_citation(session, clerk, tt14):
    import datetime as dt

    from subsidy.services import applications
    from tests import factories

    houses = lf.make_households(4, seed=31, members=(0, 1))
    import_households(session, lf.household_xlsx(houses, 2025), "ds-2025.xlsx", clerk)
    session.commit()
    stayed, gone = houses[:3], houses[3]
    report = import_households(session, lf.household_xlsx(stayed, 2026), "ds-2026.xlsx", clerk)
    session.commit()
    assert report.complete and report.year_counts["absent"] == 1 and report.year_counts["leave"] == 1
    ids = {r.code: r.household_id for r in report.rows}
    from sqlalchemy import select

    from subsidy.models import Household

    gone_id = session.scalar(select(Household.id).where(Household.code == gone.code))
    hist = households.status_history(session, gone_id)
    assert [(s.year, s.status, s.source) for s in hist] == [(2026, "not_listed", "replaced"), (2025, gone.category,
                                                                                                 "import")]
    # A check in 2026 fails E1 with the recorded reason; a check in 2025 still sees the 2025 list.
    h = session.get(Household, gone_id)
    app = factories.application(session, h, received_on=dt.date(2026, 2, 1))
    d2026 = applications.check_eligibility(session, app, clerk, on=dt.date(2026, 3, 1))
    e1 = next(r for r in d2026.results if r["rule"] == "E1")
    assert e1["status"] == "failed" and "14/2022/TT-BTTTT" in e1["citation"]
    assert "không có tên trong danh sách hộ nghèo, hộ cận nghèo năm 2026" in e1["explanation"]
    assert "ds-2026.xlsx" in e1["explanation"] and "thay cho danh sách năm 2025" in e1["explanation"]
    d2025 = applications.check_eligibility(session, app, clerk, on=dt.date(2025, 12, 1))
    e1_2025 = next(r for r in d2025.results if r["rule"] == "E1")
    assert e1_2025["status"] == "passed"
    # The households that stayed are on the 2026 list.
    kept = households.statuses_in(session, [ids[h.code] for h in stayed], 2026)
    assert {hid: s.status for hid, s in kept.items()} == {ids[h.code]: h.category for h in stayed}


def test_a_complete_list_replaces_only_its_own_communes_list(session, clerk):
    from subsidy.models import HouseholdStatus
    from subsidy.services import communes
    from sqlalchemy import select

    a = communes.create_commune(session, communes.CommuneInput(code="PHUDONG", name="xã Phú Đông"), None,
                                hamlets=lf.HAMLETS)
    b = communes.create_commune(session, communes.CommuneInput(code="PHUMY", name="xã Phú Mỹ"), None,
                                hamlets=lf.HAMLETS)
    mine, theirs = lf.make_households(3, seed=51), lf.make_households(2, seed=52)
    for i, h in enumerate(theirs):  # another commune's own codes and people
        h.code, h.head.citizen_id, h.head.birth_year = f"82{55512345 + i:08d}", f"0820{70 + i}55512{i}", 1970 + i
    import_households(session, lf.household_xlsx(mine, 2025), "ds-2025.xlsx", clerk, commune_id=a.id)
    import_households(session, lf.household_xlsx(theirs, 2025), "ds-2025.xlsx", clerk, commune_id=b.id)
    session.commit()
    report = import_households(session, lf.household_xlsx(mine[:2], 2026), "ds-2026.xlsx", clerk, commune_id=a.id)
    session.commit()
    assert report.complete and report.year_counts["absent"] == 1
    rows = session.execute(select(HouseholdStatus.year, HouseholdStatus.status)
                           .where(HouseholdStatus.year == 2026)).all()
    assert sorted(s for _y, s in rows) == sorted([mine[0].category, mine[1].category, "not_listed"])


def _with_id(houses):
    """The first household with a member who has a CCCD, and that member."""
    for h in houses:
        for m in h.members:
            if m.citizen_id:
                return h, m
    raise AssertionError("no member with a CCCD")


def test_a_member_who_moves_to_another_household_in_the_same_file_is_a_move_not_a_clash(session, clerk):
    import copy

    houses = lf.make_households(4, seed=21, members=(2, 3))
    assert import_households(session, lf.person_xlsx(houses), "ds.xlsx", clerk).counts["new"] == 4
    session.commit()
    src, mover = _with_id(houses)
    dest = next(h for h in houses if h is not src)
    moved = copy.deepcopy(houses)
    msrc, mdest = moved[houses.index(src)], moved[houses.index(dest)]
    msrc.members = [m for m in msrc.members if m.citizen_id != mover.citizen_id]
    mdest.members.append(copy.deepcopy(mover))

    # The person still on the old household's row of the file: a clash, as before.
    kept = copy.deepcopy(houses)
    kept[houses.index(dest)].members.append(copy.deepcopy(mover))
    clash = import_households(session, lf.person_xlsx(kept), "ds.xlsx", clerk, dry_run=True)
    assert {r.code for r in clash.error_rows} == {src.code, dest.code}  # one person on two rows of the file
    assert all(not r.warnings or "chuyển từ" not in " ".join(r.warnings) for r in clash.rows)

    report = import_households(session, lf.person_xlsx(moved), "ds.xlsx", clerk)
    assert report.counts["error"] == 0 and report.counts["update"] == 2, [r.messages for r in report.error_rows]
    by_code = {r.code: r for r in report.rows}
    assert by_code[dest.code].warnings == [
        f"Thành viên {mover.name} (CCCD {mover.citizen_id}) chuyển từ hộ mã {src.code} sang hộ này: trong cùng tệp, "
        f"hộ mã {src.code} không còn ghi người này. Khi nhập, người này được chuyển sang hộ này."]
    session.commit()
    stored = households.members_of(session, [by_code[src.code].household_id, by_code[dest.code].household_id])
    assert mover.citizen_id not in {m.citizen_id for m in stored[by_code[src.code].household_id]}
    assert [m.citizen_id for m in stored[by_code[dest.code].household_id]][-1] == mover.citizen_id


def test_a_move_out_of_a_household_whose_row_is_refused_is_refused(session, clerk):
    import copy

    houses = lf.make_households(4, seed=21, members=(2, 3))
    import_households(session, lf.person_xlsx(houses), "ds.xlsx", clerk)
    session.commit()
    src, mover = _with_id(houses)
    dest = next(h for h in houses if h is not src)
    moved = copy.deepcopy(houses)
    moved[houses.index(src)].members = [m for m in src.members if m.citizen_id != mover.citizen_id]
    moved[houses.index(dest)].members.append(copy.deepcopy(mover))
    rows = lf.person_rows(moved)
    src_row = next(i for i, r in enumerate(rows) if r[1] == src.code)
    rows[src_row][8] = "nhiều"  # the old household's own row is wrong: its số nhân khẩu is not a number
    wb = lf._book("DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025", lf.PERSON_HEADER, rows)
    report = import_households(session, lf._bytes(wb), "ds.xlsx", clerk, dry_run=True)
    by_code = {r.code: r for r in report.rows}
    # The old household's row is refused, so the person stays there: the new household's row is
    # refused too (the person cannot be in both), naming the old household.
    assert by_code[src.code].status == "error" and by_code[dest.code].status == "error"
    assert any(mover.citizen_id in m and src.code in m for m in by_code[dest.code].messages)


def test_a_move_out_of_a_household_refused_for_its_own_clash_is_refused(session, clerk):
    import copy

    houses = lf.make_households(5, seed=21, members=(2, 3))
    import_households(session, lf.person_xlsx(houses), "ds.xlsx", clerk)
    session.commit()
    src, mover = _with_id(houses[:4])
    dest = next(h for h in houses[:4] if h is not src)
    _fifth, someone = _with_id(houses[4:])
    moved = copy.deepcopy(houses[:4])  # the fifth household is not in this file
    msrc = moved[houses.index(src)]
    msrc.members = [m for m in msrc.members if m.citizen_id != mover.citizen_id] + [copy.deepcopy(someone)]
    moved[houses.index(dest)].members.append(copy.deepcopy(mover))
    report = import_households(session, lf.person_xlsx(moved), "ds.xlsx", clerk, dry_run=True)
    by_code = {r.code: r for r in report.rows}
    assert any(someone.citizen_id in m for m in by_code[src.code].messages)  # its own clash
    assert by_code[dest.code].status == "error"
    assert any(f"chuyển từ hộ mã {src.code}, nhưng dòng của hộ mã {src.code} có lỗi" in m
               for m in by_code[dest.code].messages)


def test_a_household_off_the_new_list_leaves_the_category_filters_and_the_quota_ceiling(session, clerk):
    """Its category column keeps the 2025 list's (past tallies count by it), but the list filters
    and the quota ceiling read the category in force for the year: not on the 2026 list; a 2027
    list naming it again puts it back for 2027, not for 2026 (domain.list_standing: a later
    year's list does not decide an earlier year)."""
    from sqlalchemy import func, select

    from subsidy.models import Household
    from subsidy.services import allocations, list_exports
    from subsidy.services import households as households_svc
    from subsidy.domain.calendar import today_vn
    from subsidy.domain.list_views import ListFilters

    houses = lf.make_households(4, seed=31, members=(0, 1))
    import_households(session, lf.household_xlsx(houses, 2025), "ds-2025.xlsx", clerk)
    session.commit()
    gone = houses[3]

    def codes(category: str, year: int) -> set[str]:
        return {h.code for h in session.scalars(households_svc.household_query(category=category, year=year))}

    by_cat = {c: {h.code for h in houses if h.category == c} for c in ("poor", "near_poor")}
    assert (codes("poor", 2025), codes("near_poor", 2025), codes("none", 2025)) == (
        by_cat["poor"], by_cat["near_poor"], set())
    assert allocations.poor_household_count(session, year=2025) == 4

    import_households(session, lf.household_xlsx(houses[:3], 2026), "ds-2026.xlsx", clerk)
    session.commit()
    assert session.scalar(select(Household.category).where(Household.code == gone.code)) == gone.category
    assert codes(gone.category, 2026) == by_cat[gone.category] - {gone.code}
    assert codes("none", 2026) == {gone.code}
    assert allocations.poor_household_count(session, year=2026) == 3
    # The list page and its copies filter for today's year.
    this = today_vn().year
    assert {h.code for h in session.scalars(list_exports.household_stmt(ListFilters(category="none")))} == codes(
        "none", this)
    # Back on the 2027 complete list: in force again for 2027; 2026 keeps its own answer.
    import_households(session, lf.household_xlsx(houses, 2027), "ds-2027.xlsx", clerk)
    session.commit()
    assert codes(gone.category, 2027) == by_cat[gone.category] and codes("none", 2027) == set()
    assert codes("none", 2026) == {gone.code}
    assert allocations.poor_household_count(session, year=2026) == 3
    assert allocations.poor_household_count(session, year=2027) == 4 == session.scalar(select(func.count(Household.id)))


def test_a_new_household_from_a_per_person_list_is_audited_with_its_members(session, clerk):
    from sqlalchemy import select

    from subsidy.models import AuditEntry

    houses = lf.make_households(6, seed=11, members=(0, 3))
    report = import_households(session, lf.person_xlsx(houses), "ho-ngheo-2025-nk.xlsx", clerk)
    session.commit()
    created = {e.entity_id: e.changes for e in session.scalars(
        select(AuditEntry).where(AuditEntry.action == "household.create"))}
    by_code = {r.code: r.household_id for r in report.rows}
    assert len(created) == 6
    for h in houses:
        changes = created[by_code[h.code]]
        assert changes["head_name"] == [None, h.head.name] and changes["code"] == [None, h.code]
        # Members as the audit log names them: "Name (relation, birth year)"; none listed, no key.
        listed = [f"{m.name} ({m.relation}, {m.birth_year})" if m.birth_year else f"{m.name} ({m.relation})"
                  for m in h.members]
        assert changes.get("people") == ([None, listed] if listed else None)
