"""Pages listing people are logged page by page: the applications (and a search by CCCD), the
receipts, the waiting list, the household search of a new application and a proposal list each
write one view entry per page shown (who, which list and page, how many rows), never the search
text; an empty page writes none; an export is logged once, as the export only."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from subsidy.models import AuditEntry, EligibilityDecision, User
from tests import factories
from tests.handover_support import handover_input, imei

CCCD = "082070000101"


def _views(app) -> list[tuple]:
    s = app.extensions["subsidy.sessionmaker"]()
    try:
        return [(e.action, u, e.changes, e.note, e.entity_id) for e, u in s.execute(
            select(AuditEntry, User.username).join(User, User.id == AuditEntry.actor_id)
            .where(AuditEntry.action.in_(["list.view", "list.export", "proposal_list.view"]))
            .order_by(AuditEntry.id))]
    finally:
        s.close()


def test_application_and_search_pages_one_entry_per_page_never_the_search_text(app, client, login_as):
    s = app.extensions["subsidy.sessionmaker"]()
    for i in range(32):  # 30 a page: two pages
        factories.application(s, factories.household(s, head_name=f"Lê Văn {i:02d}", hamlet="Ấp Phú Hòa",
                                                     citizen_id=CCCD if i == 5 else f"0820700002{i:02d}"))
    s.commit()
    s.close()
    login_as("clerk")
    assert client.get("/ho-so/").status_code == 200
    assert client.get("/ho-so/?page=2").status_code == 200
    assert client.get("/ho-so/", query_string={"q": CCCD}).status_code == 200
    assert client.get("/ho-so/", query_string={"q": "000000000000"}).status_code == 200  # nothing found: no entry
    assert client.get("/ho-so/moi", query_string={"q": CCCD}).status_code == 200
    views = _views(app)
    assert [(a, u, c, n) for a, u, c, n, _ in views] == [
        ("list.view", "clerk", {"list": "applications", "rows": 30, "page": 1, "pages": 2},
         "Danh sách hồ sơ, trang 1/2: 30 dòng"),
        ("list.view", "clerk", {"list": "applications", "rows": 2, "page": 2, "pages": 2},
         "Danh sách hồ sơ, trang 2/2: 2 dòng"),
        ("list.view", "clerk", {"list": "applications", "rows": 1, "page": 1, "pages": 1},
         "Danh sách hồ sơ, trang 1/1: 1 dòng; có tìm kiếm"),
        ("list.view", "clerk", {"list": "household_search", "rows": 1, "page": None, "pages": None},
         "Tìm hộ khi nhận hồ sơ, 1 dòng"),
    ]
    assert CCCD not in str(views)


def test_waiting_list_receipts_and_a_proposal_list(app, client, login_as):
    from subsidy.services import handovers, rulesets

    s = app.extensions["subsidy.sessionmaker"]()
    [rule_set] = rulesets.load_shipped(s)
    for name, tier in (("An", 4), ("Bình", 1), ("Châu", 2)):
        a = factories.application(s, factories.household(s, head_name=f"Lê Văn {name}"), state="eligible",
                                  priority_tier=tier)
        s.add(EligibilityDecision(application_id=a.id, outcome="eligible", results=[], facts={},
                                  rule_set_id=rule_set.id))
    clerk = factories.user(s, "clerk", "nguoighi", row=True)
    for n in range(2):
        a = factories.approved(s, head_name=f"Trần Thị {n}")
        handovers.record_handover(s, a.id, handover_input(imei(700 + n)), clerk, today=dt.date(2026, 3, 10))
    from subsidy.models import ProposalList

    pl = ProposalList(number="01/2026", created_on=dt.date(2026, 2, 1), status="draft")
    s.add(pl)
    s.commit()
    pl_id = s.get(ProposalList, pl.id).id
    s.close()
    login_as("approver")
    assert client.get("/danh-sach/").status_code == 200
    assert client.get("/danh-sach/", query_string={"hamlet": "Ấp Không Có"}).status_code == 200  # empty: no entry
    assert client.get("/bien-ban/", query_string={"q": "Trần"}).status_code == 200
    assert client.get(f"/danh-sach/{pl_id}").status_code == 200
    assert client.get("/tai-ve/bien-ban.xlsx").status_code == 200
    assert [(a, u, c, n, e) for a, u, c, n, e in _views(app)] == [
        ("list.view", "approver", {"list": "waiting", "rows": 3, "page": 1, "pages": 1},
         "Danh sách chờ, trang 1/1: 3 dòng", None),
        ("list.view", "approver", {"list": "receipts", "rows": 2, "page": 1, "pages": 1},
         "Danh sách biên bản, trang 1/1: 2 dòng; có tìm kiếm", None),
        ("proposal_list.view", "approver", {}, None, pl_id),
        # The export is logged as the export, not also as a page.
        ("list.export", "approver", {"list": "receipts", "format": "xlsx", "rows": 2}, None, None),
    ]


def test_the_log_page_names_a_list_view(app, client, login_as, make_user):
    from tests.conftest import login

    s = app.extensions["subsidy.sessionmaker"]()
    factories.household(s, citizen_id=CCCD)
    s.commit()
    s.close()
    login_as("clerk")
    client.get("/ho-gia-dinh/", query_string={"q": CCCD})
    make_user("admin", "admin")
    admin = app.test_client()
    login(admin, "admin")
    page = admin.get("/quan-tri/nhat-ky", query_string={"kind": "views"}).get_data(as_text=True)
    assert "Xem danh sách trên web" in page and "Danh sách hộ, trang 1/1: 1 dòng; có tìm kiếm" in page
    assert CCCD not in page
