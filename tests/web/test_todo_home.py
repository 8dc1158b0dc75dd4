"""«Việc cần làm» on the home page by role, and tiles that add up (every state counted)."""
from __future__ import annotations

import datetime as dt
import html
import re

from subsidy.models import ProposalList
from tests import factories


def _data(app):
    """2 received, 1 not eligible, 1 eligible, 1 approved, 1 withdrawn; a submitted list with 1
    proposed and a draft list with 1 proposed."""
    s = app.extensions["subsidy.sessionmaker"]()
    for state in ("received", "received", "not_eligible", "eligible", "approved", "withdrawn"):
        factories.application(s, state=state)
    pl = ProposalList(number="07/DS-UBND", created_on=dt.date(2026, 2, 1), status="submitted")
    s.add(pl)
    s.flush()
    factories.application(s, state="proposed", proposal_list_id=pl.id)
    draft = ProposalList(created_on=dt.date(2026, 2, 2), status="draft")
    s.add(draft)
    s.flush()
    factories.application(s, state="proposed", proposal_list_id=draft.id)
    s.commit()
    s.close()


def _tiles(page: str) -> dict[str, int]:
    return {label: int(n) for n, label in re.findall(r'class="tile"[^>]*><b>(\d+)</b><span>([^<]+)</span>', page)}


def test_clerk_sees_what_to_do_and_tiles_that_add_up(app, client, login_as):
    login_as("clerk")
    _data(app)
    page = html.unescape(client.get("/").get_data(as_text=True))
    todo = re.search(r'id="viec-can-lam">(.*?)</section>', page, re.S).group(1)
    assert "2 hồ sơ mới nhận cần kiểm tra điều kiện" in todo
    assert "Danh sách 07/DS-UBND đang chờ lãnh đạo phê duyệt" in todo
    assert re.search(r"Danh sách chưa có số \(dự thảo \d+\) đang lập: xem lại rồi trình phê duyệt", todo)
    assert "1 hộ đã được phê duyệt chưa nhận điện thoại hoặc tiền hỗ trợ" in todo
    assert "1 hộ đủ điều kiện đang chờ: chưa ghi phân bổ máy cho xã" in todo
    tiles = _tiles(page)
    assert tiles["Không đủ điều kiện"] == 1 and tiles["Đã rút hồ sơ"] == 1
    total = tiles.pop("hồ sơ (tổng các ô bên cạnh)")
    tiles.pop("hộ trong danh sách")
    assert total == 8 == sum(tiles.values())


def test_approver_sees_lists_waiting_for_approval(app, client, login_as):
    login_as("approver")
    _data(app)
    todo = html.unescape(client.get("/").get_data(as_text=True)).split('id="viec-can-lam">')[1].split("</section>")[0]
    assert "Danh sách 07/DS-UBND chờ phê duyệt" in todo and "cần kiểm tra điều kiện" not in todo
    assert "dự thảo" not in todo  # a draft is the clerk's until submitted


def test_an_upload_left_in_preview_is_on_the_uploaders_list_only(app, client, login_as, make_user, tmp_path):
    from tests.web.test_households_web import CSV, upload

    app.config["IMPORT_DIR"] = str(tmp_path)
    try:
        login_as("clerk")
        token = upload(client, CSV.read_bytes(), "bo-sung.csv").headers["Location"].rsplit("/", 1)[1]
        todo = html.unescape(client.get("/").get_data(as_text=True)).split('id="viec-can-lam">')[1].split("</section>")[0]
        assert "Tệp «bo-sung.csv» đã tải lên nhưng chưa xác nhận nhập" in todo and token in todo
        make_user("clerk2", "clerk")
        client.post("/dang-xuat")
        from tests.conftest import login
        login(client, "clerk2")
        assert "bo-sung.csv" not in client.get("/").get_data(as_text=True)
    finally:
        app.config.pop("IMPORT_DIR", None)
