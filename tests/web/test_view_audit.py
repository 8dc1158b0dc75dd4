"""Who saw personal data on the web is logged (domain.md §9): opening a household, an application or
a receipt writes one audit entry with the signed-in user; the household page lists views apart
from changes, with Vietnamese labels for every action code."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from subsidy.models import Application, AuditEntry, Receipt, User
from subsidy.services import audit
from tests import factories
from tests.tally_history import build_history


@pytest.fixture
def world(app):
    s = app.extensions["subsidy.sessionmaker"]()
    build_history(s)
    s.commit()
    app1 = s.get(Application, 1)
    out = {"application": app1.id, "household": app1.household_id}
    s.close()
    return out


def _entries(app, action: str | None = None) -> list[tuple]:
    s = app.extensions["subsidy.sessionmaker"]()
    try:
        stmt = select(AuditEntry.action, AuditEntry.entity_type, AuditEntry.entity_id, User.username).outerjoin(
            User, User.id == AuditEntry.actor_id).order_by(AuditEntry.id)
        if action:
            stmt = stmt.where(AuditEntry.action == action)
        return [tuple(r) for r in s.execute(stmt)]
    finally:
        s.close()


@pytest.mark.parametrize("role", ["clerk", "approver", "admin"])
def test_opening_a_household_page_logs_one_view(app, client, login_as, world, role):
    login_as(role)
    hid = world["household"]
    assert client.get(f"/ho-gia-dinh/{hid}").status_code == 200
    assert _entries(app, "household.view") == [("household.view", "household", hid, role)]
    assert client.get(f"/ho-gia-dinh/{hid}").status_code == 200
    assert len(_entries(app, "household.view")) == 2  # every view, not only the first


def test_a_missing_household_logs_nothing(app, client, login_as, world):
    login_as("clerk")
    assert client.get("/ho-gia-dinh/99999").status_code == 404
    assert _entries(app, "household.view") == []


@pytest.mark.parametrize("role", ["clerk", "approver"])
def test_opening_an_application_page_logs_one_view(app, client, login_as, world, role):
    login_as(role)
    aid = world["application"]
    assert client.get(f"/ho-so/{aid}").status_code == 200
    assert _entries(app, "application.view") == [("application.view", "application", aid, role)]


def test_opening_a_receipt_logs_one_view(app, client, login_as, world):
    s = app.extensions["subsidy.sessionmaker"]()
    s.add(Receipt(series="BB-VTCI", year=2026, number=1, kind="handover", application_id=world["application"],
                  handover_id=1, snapshot={"recipient_name": "Nguyễn Văn An", "recipient_citizen_id": "082012345678"}))
    s.commit()
    rid = s.scalar(select(Receipt.id))
    s.close()
    login_as("approver")
    assert client.get(f"/bien-ban/{rid}").status_code == 200
    assert _entries(app, "receipt.view") == [("receipt.view", "receipt", rid, "approver")]


def test_radio_is_refused_and_not_logged(app, client, login_as, world):
    login_as("radio")
    assert client.get(f"/ho-gia-dinh/{world['household']}").status_code == 403
    assert _entries(app, "household.view") == []


def test_household_history_shows_labels_and_views_apart(app, client, login_as, world):
    hid = world["household"]
    s = app.extensions["subsidy.sessionmaker"]()
    api_user = factories.user(s, "approver", "congcu", row=True)
    audit.record(s, api_user, "api.household.read", "household", hid)
    audit.record(s, None, "household.update", "household", hid, {"phone": ["0912345670", "0912345671"]})
    audit.record(s, None, "household.prior_device", "household", hid, {"prior_device": ["unknown", "none"]})
    s.commit()
    s.close()
    login_as("clerk")
    client.get(f"/ho-gia-dinh/{hid}")  # logged, shown on the next load
    page = client.get(f"/ho-gia-dinh/{hid}").get_data(as_text=True)
    changes = page.split("Lịch sử thay đổi", 1)[1].split("Lượt xem", 1)[0]
    views = page.split("Lượt xem", 1)[1].split("</details>", 1)[0]
    assert "Sửa thông tin hộ" in changes and "Ghi thiết bị hộ đã nhận" in changes
    assert "Xem" not in changes
    assert "Xem hồ sơ hộ qua API" in views and "Xem hồ sơ hộ trên web" in views and "clerk" in views
    assert re.search(r"<details class=\"views\">\s*<summary><h2>Lượt xem</h2> <span class=\"muted\">\(2 lượt", page)
    # no raw action code anywhere on the page
    assert not re.search(r"\b(?:api\.)?household\.[a-z_]+\b", page)


def test_entity_log_splits_like_is_view_and_caps_the_views(app, world):
    from subsidy.domain.labels import ACTION_LABELS, is_view

    hid = world["household"]
    s = app.extensions["subsidy.sessionmaker"]()
    for code in sorted(ACTION_LABELS):  # every known code once, on this household
        audit.record(s, None, code, "household", hid)
    for _ in range(60):
        audit.record(s, None, "household.view", "household", hid)
    s.commit()
    log = audit.entity_log(s, "household", hid, views_shown=50)
    s.close()
    # the SQL condition agrees with domain.labels.is_view on every code
    assert {e.action for e in log.changes} == {c for c in ACTION_LABELS if not is_view(c)}
    expected_views = 60 + sum(1 for c in ACTION_LABELS if is_view(c))
    assert log.views_total == expected_views and len(log.views) == 50
    assert [e.id for e in log.views] == sorted((e.id for e in log.views), reverse=True)


def test_household_page_shows_the_latest_50_views_and_the_count(app, client, login_as, world):
    hid = world["household"]
    s = app.extensions["subsidy.sessionmaker"]()
    for _ in range(70):
        audit.record(s, None, "api.household.read", "household", hid)
    s.commit()
    s.close()
    login_as("approver")
    page = client.get(f"/ho-gia-dinh/{hid}").get_data(as_text=True)
    views = page.split("Lượt xem", 1)[1].split("</details>", 1)[0]
    assert "(70 lượt" in views and views.count("<li>") == 50
    assert "… và 20 lượt xem trước đó" in views


def test_the_household_page_counts_every_view_of_its_personal_data(app, client, login_as, world):
    """The «Lượt xem» section counts the views of the household's own page and API reads, and of
    its application (page, API read) and receipts, which show its CCCD and phone too; another
    household's application is not counted."""
    hid, aid = world["household"], world["application"]
    s = app.extensions["subsidy.sessionmaker"]()
    other_aid = s.scalar(select(Application.id).where(Application.household_id != hid).limit(1))
    officer = factories.user(s, "province_officer", "tinh01", row=True)
    audit.record(s, officer, "api.application.read", "application", aid)
    audit.record(s, officer, "api.application.read", "application", other_aid)
    s.add(Receipt(series="BB-VTCI", year=2026, number=7, kind="handover", application_id=aid,
                  handover_id=1, snapshot={"recipient_name": "Nguyễn Văn An", "recipient_citizen_id": "082012345678"}))
    s.commit()
    rid = s.scalar(select(Receipt.id).where(Receipt.number == 7))
    s.close()
    login_as("approver")
    for _ in range(3):
        assert client.get(f"/ho-so/{aid}").status_code == 200
    assert client.get(f"/bien-ban/{rid}").status_code == 200
    assert client.get(f"/ho-gia-dinh/{hid}").status_code == 200
    page = client.get(f"/ho-gia-dinh/{hid}").get_data(as_text=True)
    # 3 application pages + 1 receipt + 1 API read + the first household page (the second is logged after)
    assert re.search(r"<summary><h2>Lượt xem</h2> <span class=\"muted\">\(6 lượt", page)
    views = page.split("Lượt xem", 1)[1].split("</details>", 1)[0]
    assert views.count("<li>") == 6 and views.count("Xem hồ sơ đề nghị qua API") == 1
