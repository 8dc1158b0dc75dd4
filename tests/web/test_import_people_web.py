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


def test_preview_counts_join_leave_change_and_the_complete_choice_is_kept(client, login_as, app):
    from sqlalchemy import func, select

    from subsidy.models import HouseholdStatus

    login_as("clerk")
    houses = lf.make_households(5, seed=41, members=(0, 1))

    def upload(data, name, **fields):
        resp = client.post("/nhap-danh-sach/", data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
        token = resp.headers["Location"].rstrip("/").rsplit("/", 1)[1]
        return token, html.unescape(client.get(resp.headers["Location"]).get_data(as_text=True))

    token, _page = upload(lf.household_xlsx(houses, 2025), "ds-2025.xlsx")
    assert client.post(f"/nhap-danh-sach/{token}/xac-nhan", data={}).status_code == 302
    houses[0].category = "near_poor" if houses[0].category == "poor" else "poor"
    token, page = upload(lf.household_xlsx(houses[:3], 2026), "ds-2026.xlsx")
    assert ("So với danh sách năm 2025: <b>0</b> hộ vào danh sách,\n    <b>1</b> hộ đổi phân loại, <b>2</b> hộ ra khỏi "
            "danh sách năm 2026") in page
    assert 'value="yes" checked' in page or 'checked value="yes"' in page or 'checked id' in page
    # The clerk says it is a supplement: the two absent households keep no 2026 record.
    assert client.post(f"/nhap-danh-sach/{token}/xac-nhan", data={"complete": "no"}).status_code == 302
    sess = app.extensions["subsidy.sessionmaker"]()
    counts = dict(sess.execute(select(HouseholdStatus.status, func.count()).where(HouseholdStatus.year == 2026)
                               .group_by(HouseholdStatus.status)).all())
    sess.close()
    assert sum(counts.values()) == 3 and "not_listed" not in counts
