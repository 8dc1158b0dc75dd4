"""The API's shapes of a household's people and year statuses (api.serializers), on plain
values: IDs in full or masked as the caller's role says, dates as ISO text, times in UTC."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace as NS

from subsidy.api.serializers import iso, people_and_statuses_json


def test_people_and_statuses():
    wife = NS(name="Lê Thị Lan", relation="Vợ", birth_date=dt.date(1975, 3, 9), birth_year=1975, gender="F",
              citizen_id="082175123450", citizen_id_kind="cccd")
    child = NS(name="Trần Văn Bé", relation="Con", birth_date=None, birth_year=2015, gender="M",
               citizen_id=None, citizen_id_kind=None)
    left = NS(year=2026, status="not_listed", decision_number=None, decision_date=None, source="replaced",
              note="Không có tên trong danh sách năm 2026")
    listed = NS(year=2025, status="poor", decision_number="12/QĐ-UBND", decision_date=dt.date(2024, 12, 20),
                source="import", note=None)
    full = people_and_statuses_json([wife, child], [left, listed], full_ids=True)
    assert full == {
        "people": [
            {"name": "Lê Thị Lan", "relation": "Vợ", "birth_date": "1975-03-09", "birth_year": 1975, "gender": "F",
             "citizen_id": "082175123450", "citizen_id_kind": "cccd"},
            {"name": "Trần Văn Bé", "relation": "Con", "birth_date": None, "birth_year": 2015, "gender": "M",
             "citizen_id": None, "citizen_id_kind": None}],
        "statuses": [
            {"year": 2026, "status": "not_listed", "decision_number": None, "decision_date": None,
             "source": "replaced", "note": "Không có tên trong danh sách năm 2026"},
            {"year": 2025, "status": "poor", "decision_number": "12/QĐ-UBND", "decision_date": "2024-12-20",
             "source": "import", "note": None}],
    }
    masked = people_and_statuses_json([wife, child], [], full_ids=False)
    assert [p["citizen_id"] for p in masked["people"]] == ["********3450", None]
    assert masked["statuses"] == []


def test_iso():
    ict = dt.timezone(dt.timedelta(hours=7))
    assert iso(dt.datetime(2026, 5, 4, 10, 0, tzinfo=ict)) == "2026-05-04T03:00:00Z"
    assert iso(dt.date(2026, 5, 4)) == "2026-05-04" and iso(None) is None
