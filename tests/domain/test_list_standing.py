"""The status in force for a year (domain.list_standing): which list decides, the words shown."""
from __future__ import annotations

import pytest

from subsidy.domain.list_standing import YearRecord, standing_for_year

OFF_2026 = YearRecord(2026, "not_listed", "Không có tên trong danh sách năm 2026 của xã.")


@pytest.mark.parametrize("category, list_year, records, year, status, decided_by, last", [
    # nothing but the columns: they decide as they are
    ("poor", 2025, [], 2026, "poor", 2025, None),
    ("poor", None, [], 2026, "poor", None, None),
    (None, None, [], 2026, None, None, None),
    # a complete 2026 list left it out: not on the list of 2026, last on 2025's as poor
    ("poor", 2025, [YearRecord(2025, "poor"), OFF_2026], 2026, "not_listed", 2026, ("poor", 2025)),
    # the same household asked about 2025: still poor that year
    ("poor", 2025, [YearRecord(2025, "poor"), OFF_2026], 2025, "poor", 2025, None),
    # a record of the year wins over the columns of that year
    ("poor", 2026, [YearRecord(2026, "near_poor")], 2026, "near_poor", 2026, None),
    # a list imported ahead (2027) does not decide 2026
    ("near_poor", 2027, [YearRecord(2026, "poor"), YearRecord(2027, "near_poor")], 2026, "poor", 2026, None),
    # back on a later list after a year off
    ("poor", 2026, [YearRecord(2024, "poor"), YearRecord(2025, "not_listed"), YearRecord(2026, "poor")], 2026,
     "poor", 2026, None),
    # off since 2025, nothing for 2026: still off (the 2025 record is the latest)
    ("near_poor", 2024, [YearRecord(2024, "near_poor"), YearRecord(2025, "not_listed")], 2026,
     "not_listed", 2025, ("near_poor", 2024)),
    # named only by a left sheet, never on a list before
    (None, None, [YearRecord(2026, "not_listed")], 2026, "not_listed", 2026, (None, None)),
])
def test_which_list_decides(category, list_year, records, year, status, decided_by, last):
    st = standing_for_year(category, list_year, records, year)
    assert (st.status, st.list_year) == (status, decided_by)
    if last is not None:
        assert (st.last_category, st.last_year) == last


def test_words_of_a_household_off_the_list():
    st = standing_for_year("poor", 2025, [YearRecord(2025, "poor"), OFF_2026], 2026)
    assert st.not_listed and st.category is None and st.css == "off"
    assert st.badge == "Không có trong danh sách năm 2026"
    assert st.detail == "lần cuối có tên: hộ nghèo, danh sách năm 2025"
    assert st.text == "Không có trong danh sách năm 2026 (lần cuối có tên: hộ nghèo, danh sách năm 2025)"
    assert st.record == OFF_2026


def test_words_of_listed_unclassified_and_never_listed():
    listed = standing_for_year("near_poor", 2026, [], 2026)
    assert (listed.badge, listed.detail, listed.text, listed.css) == (
        "Hộ cận nghèo", "danh sách năm 2026", "Hộ cận nghèo", "near_poor")
    assert listed.record is None  # decided by the household's own columns
    none = standing_for_year(None, None, [], 2026)
    assert (none.badge, none.detail, none.text, none.css) == ("Chưa phân loại", "", "Chưa phân loại", "none")
    never = standing_for_year(None, None, [YearRecord(2026, "not_listed")], 2026)
    assert never.text == "Không có trong danh sách năm 2026 (chưa có tên trong danh sách năm nào trước đó)"
