"""The staff a denunciation (tố cáo) may name: the case's commune's own active clerks and approvers,
the province's officers, and the province's approvers where the province approves the commune's
lists (domain.scope.may_be_named; domain.md §5, §10) — never another commune's staff. The form
offers only them, each told apart from a namesake by username and role; the service refuses any
other account on save, on the web (422, under the field) and through the API (409)."""
from __future__ import annotations

import datetime as dt
import html

import pytest
from sqlalchemy import func, select

from subsidy.domain.calendar import today_vn
from subsidy.domain.scope import may_be_named
from subsidy.models import Commune, Complaint
from subsidy.services import communes, users
from tests import factories
from tests.conftest import login

SAME_NAME = "Nguyễn Văn An"


@pytest.fixture
def two(app):
    """Communes A and B (B's lists approved by the commune); A's clerk, approver and radio, A's
    inactive clerk, B's clerk of the same full name as A's approver, the province's two roles, an
    admin; a household of A. Returns {name: id} and a clerk token."""
    s = app.extensions["subsidy.sessionmaker"]()
    a = communes.create_commune(s, communes.CommuneInput(code="PHUTAN", name="xã Phú Tân"), None,
                                hamlets=["Ấp Phú Hòa"])
    b = communes.create_commune(s, communes.CommuneInput(code="TANAN", name="xã Tân An"), None,
                                hamlets=["Ấp Tân Hòa"])
    ids = {"a": a.id, "b": b.id}
    for key, role, name, commune in (("clerk_a", "clerk", "Lê Thị Cúc", a), ("approver_a", "approver", SAME_NAME, a),
                                     ("radio_a", "radio", "", a), ("gone_a", "clerk", "Cao Văn Cũ", a),
                                     ("clerk_b", "clerk", SAME_NAME, b), ("officer", "province_officer", "Trần Văn Tỉnh", None),
                                     ("papprover", "province_approver", "Phạm Thị Duyệt", None), ("admin", "admin", "", None)):
        u = factories.user(s, role, key.replace("_", "-"), full_name=name, commune_id=commune.id if commune else None)
        ids[key] = u.id
    s.get(type(u), ids["gone_a"]).active = False
    h = factories.household(s, code="H-A1", hamlet="Ấp Phú Hòa", commune_id=a.id)
    ids["household"] = h.id
    clerk = s.get(type(u), ids["clerk_a"])
    ids["token"] = users.create_api_token(s, clerk, "công cụ", clerk)
    s.commit()
    s.close()
    return ids


def _text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def _options(page: str) -> dict[str, str]:
    import re

    select_html = re.search(r'<select[^>]*name="named_user"[^>]*>(.*?)</select>', page, re.S).group(1)
    return {v: t.strip() for v, t in re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select_html)}


def _set_level(app, commune_id: int, level: str) -> None:
    s = app.extensions["subsidy.sessionmaker"]()
    s.get(Commune, commune_id).approval_level = level
    s.commit()
    s.close()


def test_the_rule_table():
    assert may_be_named("clerk", 1, 1) and may_be_named("approver", 1, 1, "province")
    assert not may_be_named("clerk", 2, 1) and not may_be_named("approver", 2, 1)
    assert not may_be_named("clerk", None, 1) and not may_be_named("clerk", 1, None)
    assert may_be_named("province_officer", None, 1) and may_be_named("province_officer", None, 1, "province")
    assert not may_be_named("province_approver", None, 1, "commune")
    assert may_be_named("province_approver", None, 1, "province")
    assert not any(may_be_named(r, 1, 1, "province") for r in ("radio", "admin"))


def test_the_form_offers_the_communes_staff_told_apart(app, client, two):
    assert login(client, "clerk-a").status_code == 302
    options = _options(_text(client.get("/khieu-nai/moi")))
    assert options == {
        "": "— Không nêu tên cán bộ —",
        str(two["clerk_a"]): "Lê Thị Cúc — clerk-a, Công chức VP-TK",
        str(two["approver_a"]): f"{SAME_NAME} — approver-a, Lãnh đạo xã (phê duyệt)",
        str(two["officer"]): "Trần Văn Tỉnh — officer, Cán bộ tỉnh (Sở KH&CN)",
    }
    # where the province approves the commune's lists, its approvers act on the commune's cases too
    _set_level(app, two["a"], "province")
    options = _options(_text(client.get("/khieu-nai/moi")))
    assert options[str(two["papprover"])] == "Phạm Thị Duyệt — papprover, Lãnh đạo tỉnh (phê duyệt)"
    assert str(two["clerk_b"]) not in options


def _form(two, named: int) -> dict[str, str]:
    return {"kind": "denunciation", "household_code": "H-A1", "filer": "head", "channel": "in_person",
            "category": "staff_conduct", "text": "Cán bộ đòi tiền khi giao máy",
            "received_on": today_vn().strftime("%d/%m/%Y"), "named_user": str(named)}


def _cases(app) -> int:
    s = app.extensions["subsidy.sessionmaker"]()
    try:
        return s.scalar(select(func.count()).select_from(Complaint))
    finally:
        s.close()


UNKNOWN = ("Không có cán bộ này trong danh sách cán bộ có thể bị tố cáo của xã (công chức, lãnh đạo của xã hoặc "
           "cán bộ tỉnh phụ trách xã, đang hoạt động): hãy chọn lại trong danh sách «Cán bộ bị tố cáo».")
OUTSIDERS = {"clerk_b": "clerk-b", "radio_a": "radio-a", "gone_a": "gone-a", "admin": "admin",
             "papprover": "papprover"}


def test_another_communes_clerk_is_refused_on_the_web(app, client, two):
    assert login(client, "clerk-a").status_code == 302
    for outsider, username in (*OUTSIDERS.items(), ("none", None)):
        resp = client.post("/khieu-nai/moi", data=_form(two, two.get(outsider, 999_999)))
        assert resp.status_code == 422, outsider
        page = _text(resp)
        # the same answer as for an id no account has: the refusal names no account
        assert UNKNOWN in page, outsider
        if username is not None:
            assert f"— {username}," not in page and "Tài khoản " not in page, outsider
        assert "Quản trị" not in page and "Lãnh đạo tỉnh" not in page, outsider
        # under the field, not above the form
        assert page.index('name="named_user"') < page.index(UNKNOWN) < page.index('name="text"') \
            or page.index('name="text"') < page.index('name="named_user"') < page.index(UNKNOWN)
    assert _cases(app) == 0
    resp = client.post("/khieu-nai/moi", data=_form(two, two["approver_a"]))
    assert resp.status_code == 302
    case_page = _text(client.get(resp.headers["Location"]))
    assert f"{SAME_NAME} — approver-a, Lãnh đạo xã (phê duyệt)" in case_page
    assert _cases(app) == 1


def test_another_communes_clerk_is_refused_through_the_api(app, client, two):
    body = {"kind": "denunciation", "household_id": two["household"], "filer": "head", "channel": "in_person",
            "category": "staff_conduct", "text": "Cán bộ đòi tiền khi giao máy", "named_user_id": two["clerk_b"]}
    headers = {"Authorization": f"Bearer {two['token']}"}
    resp = client.post("/api/v1/complaints", json=body, headers=headers)
    assert resp.status_code == 409, resp.get_json()
    [error] = resp.get_json()["errors"]
    assert error == {"name": "named_user_id", "reason": UNKNOWN}
    for outsider in (*OUTSIDERS, "none"):
        resp = client.post("/api/v1/complaints", json={**body, "named_user_id": two.get(outsider, 999_999)},
                           headers=headers)
        assert resp.status_code == 409, outsider
        assert resp.get_json()["errors"] == [{"name": "named_user_id", "reason": UNKNOWN}], outsider
        assert "Quản trị" not in resp.get_data(as_text=True) and "Tài khoản" not in resp.get_data(as_text=True)
    assert _cases(app) == 0
    resp = client.post("/api/v1/complaints", json={**body, "named_user_id": two["officer"]}, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["named_user_id"] == two["officer"]
