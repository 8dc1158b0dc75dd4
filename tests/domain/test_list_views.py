"""List filters read from a query string (unknown values dropped, never an error), described in
words for a printed list; a part of a tracking code read from a search box."""
from __future__ import annotations

import pytest

from subsidy.domain import tracking
from subsidy.domain.list_views import ListFilters


def test_filters_keep_known_values_and_drop_the_rest():
    f = ListFilters.from_args({"q": "  dang ", "hamlet": "Ấp Phú Hòa", "tier": "P2", "form": "cash",
                               "state": "approved", "category": "near_poor", "archived": "1"})
    assert f == ListFilters(q="dang", hamlet="Ấp Phú Hòa", category="near_poor", form="cash", tier=2,
                            state="approved", archived=True)
    bad = ListFilters.from_args({"tier": "7", "form": "gift", "state": "lost", "category": "rich", "q": "x" * 300})
    assert (bad.tier, bad.form, bad.state, bad.category, len(bad.q)) == (None, "", "", "", 100)
    assert ListFilters.from_args({"state": "voided"}, states=("valid", "voided")).state == "voided"


def test_filters_round_trip_through_their_arguments():
    f = ListFilters(q="hung", hamlet="Ấp Phú Hòa", tier=3, state="eligible")
    assert ListFilters.from_args(f.args()) == f
    assert f.args(state="") == {"q": "hung", "hamlet": "Ấp Phú Hòa", "tier": 3}
    assert not ListFilters().active and f.active


def test_filters_in_words():
    f = ListFilters(hamlet="Ấp Phú Hòa", state="approved", form="package", tier=1, q="FJ6Y")
    assert f.describe() == ("Ấp: Ấp Phú Hòa; Mức ưu tiên: P1 - Hộ có công với cách mạng; "
                            "Hình thức: Gói hỗ trợ kết hợp; Trạng thái: Đã được phê duyệt; Tìm: «FJ6Y»")
    assert ListFilters(state="voided").describe() == "Trạng thái: Đã hủy"
    assert ListFilters().describe() == ""


@pytest.mark.parametrize("typed,expected", [
    ("FJ6Y", "FJ6Y"), ("fj6y", "FJ6Y"), ("fj6y-4b", "FJ6Y4B"), (" FJ6Y 4B5Q ", "FJ6Y4B5Q"),
    ("FJ6Y-4B5Q-CC", "FJ6Y4B5QCC"), ("ABCD", "ABCD"),
    ("hung", None),        # a name typed in lower case: not a code
    ("Nguyen", None),      # O is never in a code
    ("F1", None),          # too short, and 1 is never in a code
    ("FJ6Y4B5QCCX", None),  # longer than a code
    ("", None), (None, None),
])
def test_tracking_fragment(typed, expected):
    assert tracking.fragment(typed) == expected
