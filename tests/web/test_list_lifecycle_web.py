"""The list page: creating asks first; a draft is submitted (numbered then) before the approver
sees the approval form; emptying and cancelling ask for a reason and are confirmed."""
from __future__ import annotations

import datetime as dt
import html

from sqlalchemy import select

from subsidy.domain.calendar import today_vn
from subsidy.models import Application, ProposalList, User
from subsidy.services import rulesets
from tests import factories
from tests.conftest import login

TODAY = today_vn()


def _waiting(app, n=2):
    s = app.extensions["subsidy.sessionmaker"]()
    clerk = s.scalar(select(User).where(User.username == "clerk"))
    rulesets.load_shipped(s)
    for _ in range(n):
        factories.eligible(s, clerk, factories.applicant(s, list_year=TODAY.year),
                           received_on=TODAY - dt.timedelta(days=20))
    factories.allocation(s, clerk, n, TODAY - dt.timedelta(days=10))
    s.commit()
    s.close()


def test_draft_then_submit_then_the_approver_decides(app, client, login_as, make_user, read_session):
    login_as("clerk")
    _waiting(app)
    page = html.unescape(client.get("/danh-sach/").get_data(as_text=True))
    assert "Lập dự thảo danh sách đề nghị mới với các hộ đầu danh sách chờ" in page  # asks first
    resp = client.post("/danh-sach/lap", data={"count": "2"})
    list_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    page = html.unescape(client.get(f"/danh-sach/{list_id}").get_data(as_text=True))
    assert "gồm 2 hộ theo thứ tự ưu tiên (P3: 2)" in page  # the summary: how many, of which tiers
    assert "Dự thảo danh sách đề nghị" in page and "chưa có số" in page and "Trình phê duyệt (2 hộ)" in page
    assert read_session.get(ProposalList, list_id).register_number is None

    make_user("duyet", "approver")
    client.post("/dang-xuat")
    login(client, "duyet")
    assert "Ghi nhận phê duyệt cả danh sách" not in client.get(f"/danh-sach/{list_id}").get_data(as_text=True)
    client.post("/dang-xuat")
    login(client, "clerk")
    resp = client.post(f"/danh-sach/{list_id}/trinh")
    assert resp.status_code == 302
    assert "Đã trình phê duyệt danh sách số 01/DS-UBND" in html.unescape(
        client.get(resp.headers["Location"]).get_data(as_text=True))
    read_session.rollback()  # a new snapshot
    pl = read_session.get(ProposalList, list_id)
    assert (pl.status, pl.register_number) == ("submitted", "01/DS-UBND")
    client.post("/dang-xuat")
    login(client, "duyet")
    page = html.unescape(client.get(f"/danh-sach/{list_id}").get_data(as_text=True))
    assert "Ghi nhận phê duyệt cả danh sách" in page and "Đã trình, chờ phê duyệt" in page
    assert "Danh sách 01/DS-UBND chờ phê duyệt" in html.unescape(client.get("/").get_data(as_text=True))


def test_cancel_needs_a_reason_and_frees_the_places(app, client, login_as, read_session):
    login_as("clerk")
    _waiting(app)
    list_id = int(client.post("/danh-sach/lap", data={}).headers["Location"].rsplit("/", 1)[1])
    page = html.unescape(client.get(f"/danh-sach/{list_id}").get_data(as_text=True))
    assert "Hủy danh sách…" in page and "Bỏ hết hồ sơ khỏi danh sách…" in page and "data-confirm" in page
    client.post(f"/danh-sach/{list_id}/huy", data={"reason": ""})
    assert read_session.get(ProposalList, list_id).status == "draft"
    resp = client.post(f"/danh-sach/{list_id}/huy", data={"reason": "Lập lại"})
    assert "chưa từng được cấp số" in html.unescape(client.get(resp.headers["Location"]).get_data(as_text=True))
    read_session.rollback()  # a new snapshot
    assert read_session.get(ProposalList, list_id).status == "cancelled"
    assert set(read_session.scalars(select(Application.state))) == {"eligible"}
