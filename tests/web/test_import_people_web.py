"""The import preview of a per-person list with its "left poverty" sheets."""
from __future__ import annotations

import html
import io

import pytest

from tests import list_files as lf


@pytest.fixture(autouse=True)
def import_dir(app, tmp_path):
    app.config["IMPORT_DIR"] = str(tmp_path / "imports")
    return tmp_path / "imports"


def test_preview_shows_members_under_their_head_and_the_left_sheets(client, login_as):
    login_as("clerk")
    houses = lf.make_households(4, seed=21, members=(2, 2))
    data = lf.person_xlsx(houses[:3], 2025, left={"Hộ thoát nghèo": [houses[3]]})
    resp = client.post("/nhap-danh-sach/", data={"file": (io.BytesIO(data), "ds.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 302
    page = html.unescape(client.get(resp.headers["Location"]).get_data(as_text=True))
    assert "Thêm mới <b>3</b>" in page
    m = houses[0].members[0]
    assert f"2 thành viên: <span class=\"nowrap-ish\">{m.name} ({m.relation}, {m.birth_year})</span>" in page
    assert "Trang «Hộ thoát nghèo» (Hộ thoát nghèo): <b>1</b> hộ" in page
    assert "Chưa có trong hệ thống: <b>1</b>" in page and houses[3].head.name in page
