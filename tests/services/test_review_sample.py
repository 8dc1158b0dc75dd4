"""The committed sample of the review's per-person export (tests/review_sample.py) imported over the
2025 Phú Tân sample, as the README tells a new user to try it: the file on disk is the one the
generator writes, and the import finds the households that join, change category and leave, the
members of each household, and the status in force for 2026 — all computed from the 2025 CSV alone."""
from __future__ import annotations

import csv

from sqlalchemy import func, select

from subsidy.models import Household, HouseholdMember
from subsidy.services import households
from subsidy.services.importer import import_households
from tests import list_files as lf
from tests import review_sample


def test_the_committed_file_is_what_the_generator_writes(tmp_path):
    import openpyxl
    fresh = tmp_path / "fresh.xlsx"
    review_sample.write(fresh)

    def cells(path):
        wb = openpyxl.load_workbook(path, read_only=True)
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    assert cells(review_sample.TARGET) == cells(fresh)


def test_the_review_over_the_2025_list(session, clerk):
    source = review_sample.DATA / "ho-ngheo-2025-phu-tan.xlsx"
    first = import_households(session, source.read_bytes(), source.name, clerk, year=2025)
    session.commit()
    assert first.counts["new"] == 180
    want = review_sample.expected()
    assert {k: len(v) for k, v in want.items()} == {"stay": 156, "changed": 7, "left": 17, "joined": 6}

    data = review_sample.TARGET.read_bytes()
    report = import_households(session, data, review_sample.TARGET.name, clerk)
    session.commit()
    assert report.list_year == 2026 and report.year_source == "title" and report.complete is True and report.counts["error"] == 0
    assert report.counts["new"] == len(want["joined"])
    assert report.year_counts == {"previous_year": 2025, "join": 6, "leave": 17, "change": 7, "absent": 0}

    ids = {code: hid for code, hid in session.execute(select(Household.code, Household.id))}
    with review_sample.SOURCE.open(encoding="utf-8") as fh:
        before = {r["household_code"]: r for r in csv.DictReader(fh)}
    by_id = households.statuses_in(session, list(ids.values()), 2026)
    in_force = {code: by_id[hid].status for code, hid in ids.items() if hid in by_id}
    flip = {"poor": "near_poor", "near_poor": "poor"}
    for code in want["stay"]:
        assert in_force[code] == before[code]["category"]
    for code in want["changed"]:
        assert in_force[code] == flip[before[code]["category"]]
    for code in want["left"]:
        assert in_force[code] == "not_listed"
    # Every household on the list keeps Số nhân khẩu − 1 members (the head is not a member row).
    listed, _, _ = review_sample.review()
    members = {hid: n for hid, n in session.execute(select(HouseholdMember.household_id, func.count())
                                                    .group_by(HouseholdMember.household_id))}
    for h in listed:
        assert members.get(ids[h.code], 0) == len(h.members) == h.size - 1
    assert sum(len(h.members) for h in listed) > 300  # a real per-person file, not heads alone
    assert lf.PERSON_HEADER[3] == "Quan hệ với chủ hộ"
