"""JSON API v1: bearer tokens, roles, the counts equal to the tally's, pagination and filters,
problem details, and every response checked against the shipped OpenAPI 3.1 document."""
from __future__ import annotations

import re

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from sqlalchemy import select

from subsidy import create_app
from subsidy.db import utcnow
from subsidy.domain import vn
from subsidy.models import ApiToken, AuditEntry, Household, User
from subsidy.services import users
from subsidy.services.tally import tally_period
from tests import factories
from tests.conftest import login
from tests.tally_history import build_history

OPENAPI = Path(__file__).resolve().parents[2] / "subsidy" / "api" / "openapi.json"
DOC = json.loads(OPENAPI.read_text(encoding="utf-8"))
SCHEMA = schemathesis.openapi.from_dict(DOC)


def conforms(resp: Any, path: str, method: str = "GET") -> Any:
    """Assert ``resp`` is a documented status of ``path`` with the documented body; return it."""
    op = SCHEMA[path][method]
    documented = DOC["paths"][path][method.lower()]["responses"]
    assert str(resp.status_code) in documented, f"{resp.status_code} not documented for {method} {path}"
    op.validate_response(resp)
    return resp


@pytest.fixture
def world(app) -> dict[str, Any]:
    """The tally's known three-month history, search keys filled, and one token per role."""
    sess = app.extensions["subsidy.sessionmaker"]()
    apps = build_history(sess)
    for hh in sess.scalars(select(Household)):
        hh.search_text = vn.fold(f"{hh.head_name} {hh.code}")
    tokens = {}
    accounts = {role: factories.user(sess, role, role, row=True) for role in ("admin", "radio", "clerk", "approver")}
    for role, user in accounts.items():
        tokens[role] = users.create_api_token(sess, user, f"{role} tool", accounts["admin"])
    sess.commit()
    ids = {k: a.id for k, a in apps.items()}
    sess.close()
    return {"tokens": tokens, "apps": ids}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- counts ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("day", [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 15), dt.date(2026, 3, 31)])
def test_counts_equal_the_tally_for_the_same_date(app, client, world, day):
    resp = conforms(client.get(f"/api/v1/counts?date={day.isoformat()}", headers=bearer(world["tokens"]["radio"])),
                    "/counts")
    assert resp.status_code == 200
    got = resp.get_json()
    sess = app.extensions["subsidy.sessionmaker"]()
    cumulative = tally_period(sess, None, day, hamlets=app.config["HAMLETS"])
    month = tally_period(sess, day.replace(day=1), day, hamlets=app.config["HAMLETS"])
    sess.close()
    assert got["as_of"] == day.isoformat()
    assert got["supported_total"] == cumulative.totals.supported
    assert got["supported_this_month"] == month.totals.supported
    assert got["waiting"] == cumulative.totals.waiting
    assert got["quota_allocated"] == cumulative.quota.allocated
    assert got["quota_used"] == cumulative.quota.used
    assert got["quota_left"] == cumulative.quota.left
    by_hamlet = {row.key: row.figures.supported for row in cumulative.by_hamlet.rows}
    assert {h["hamlet"]: h["supported"] for h in got["per_hamlet"]} == {k: v for k, v in by_hamlet.items() if k}


def test_counts_at_the_end_of_march_by_hand(client, world):
    """From the history in tests/tally_history.py: A1 (phone, Phú Hòa), A3 (phone again 20/03,
    Phú Thành), A4 (cash 10/03, Phú Thành) stand; A5's payment was voided. A2 waits. Quota 5 + 2;
    used = A5 approved + 3 supported."""
    got = client.get("/api/v1/counts?date=2026-03-31", headers=bearer(world["tokens"]["radio"])).get_json()
    assert (got["supported_total"], got["supported_handed_over"], got["supported_paid"]) == (3, 2, 1)
    assert got["supported_this_month"] == 2
    assert got["waiting"] == 1
    assert (got["quota_allocated"], got["quota_used"], got["quota_left"]) == (7, 4, 3)
    per = {h["hamlet"]: h["supported"] for h in got["per_hamlet"]}
    assert per["Ấp Phú Hòa"] == 1 and per["Ấp Phú Thành"] == 2 and per["Ấp Phú Xuân"] == 0
    assert list(per)[:3] == ["Ấp Phú Hòa", "Ấp Phú Thành", "Ấp Phú Xuân"]  # configured order
    # Aggregates only: no name, code or id of anyone.
    raw = json.dumps(got, ensure_ascii=False)
    for name in ("Nguyễn Văn An", "Lê Văn Cường", "Phạm Thị Dung", "T00001", "H1"):
        assert name not in raw


def test_counts_csv_carries_the_same_numbers(client, world):
    resp = conforms(client.get("/api/v1/counts.csv?date=2026-03-31", headers=bearer(world["tokens"]["radio"])),
                    "/counts.csv")
    assert resp.mimetype == "text/csv"
    body = resp.data.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = dict(line.split(",", 1) for line in body.lstrip("\ufeff").splitlines()[1:])
    assert rows["Tính đến ngày"] == "31/03/2026"
    assert rows["Số hộ đã được hỗ trợ (lũy kế)"] == "3"
    assert rows["Số hộ được hỗ trợ trong tháng"] == "2"
    assert rows["Số suất còn lại"] == "3"
    assert rows["Đã hỗ trợ - Ấp Phú Thành"] == "2"


def test_counts_default_to_today_and_a_future_date_is_refused_as_on_the_radio_page(client, world):
    """A day after today is refused (422) with the radio page's message: the one rule for such a
    day (domain.calendar.after_today_message); nothing is answered as of today under a later date."""
    from subsidy.domain.calendar import today_vn

    today = today_vn()
    assert client.get("/api/v1/counts", headers=bearer(world["tokens"]["radio"])).get_json()["as_of"] == today.isoformat()
    expected = (f"Ngày tính số liệu (01/01/2030) không được sau ngày hôm nay ({today:%d/%m/%Y}). "
                "Số liệu chỉ có đến hôm nay: hãy chọn ngày hôm nay hoặc một ngày đã qua.")
    for path in ("/counts", "/counts.csv"):
        got = conforms(client.get(f"/api/v1{path}?date=2030-01-01", headers=bearer(world["tokens"]["radio"])), path)
        assert got.status_code == 422 and got.mimetype == "application/problem+json"
        assert got.get_json()["detail"] == expected
        assert got.get_json()["errors"] == [{"name": "date", "reason": expected}]
    assert client.get(f"/api/v1/counts?date={today.isoformat()}",
                      headers=bearer(world["tokens"]["radio"])).status_code == 200
    doc = client.get("/api/v1/openapi.json").get_json()
    for path in ("/counts", "/counts.csv"):
        [param] = doc["paths"][path]["get"]["parameters"]
        assert "A day after today is refused (422" in param["description"]


@pytest.mark.parametrize("bad", ["31/03/2026", "2026-02-30", "1999-12-31", "2026-3-1", "x", ""])
def test_counts_bad_date_is_422_problem(client, world, bad):
    resp = conforms(client.get(f"/api/v1/counts?date={bad}", headers=bearer(world["tokens"]["radio"])), "/counts")
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    body = resp.get_json()
    assert body["status"] == 422 and body["errors"][0]["name"] == "date"


# --- authentication and roles ---------------------------------------------------------------------

ENDPOINTS = ["/counts", "/counts.csv", "/households", "/households/{id}", "/applications", "/applications/{id}"]
ALLOWED = {
    "radio": {"/counts", "/counts.csv"},
    "clerk": set(ENDPOINTS), "approver": set(ENDPOINTS), "admin": set(ENDPOINTS),
}


@pytest.mark.parametrize("role", ["radio", "clerk", "approver", "admin"])
def test_every_endpoint_for_every_role(client, world, role):
    for path in ENDPOINTS:
        url = "/api/v1" + path.replace("{id}", str(world["apps"]["A1"]))
        resp = client.get(url, headers=bearer(world["tokens"][role]))
        spec_path = path.replace("{id}", "{household_id}" if "households" in path else "{application_id}")
        conforms(resp, spec_path)
        expected = 200 if path in ALLOWED[role] else 403
        assert resp.status_code == expected, (role, path, resp.get_json())
        if expected == 403:
            assert resp.get_json()["title"] == "Không có quyền"
            detail = resp.get_json()["detail"]
            # roles named in Vietnamese, never by their codes
            assert "Đài truyền thanh xã" in detail or "Công chức VP-TK" in detail, detail
            assert not re.search(r"\b(clerk|approver|admin|radio)\b", detail.replace(f"«{role}»", "")), detail


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwdw==", "Bearer vtci_wrong",
                                    "Token abc"])
def test_missing_or_wrong_token_is_401_with_challenge(client, world, header):
    headers = {} if header is None else {"Authorization": header}
    for path in ("/counts", "/households"):
        resp = conforms(client.get("/api/v1" + path, headers=headers), path)
        assert resp.status_code == 401
        assert resp.mimetype == "application/problem+json"
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
        body = resp.get_json()
        assert set(body) >= {"type", "title", "status", "detail"} and body["status"] == 401


def test_revoked_token_and_inactive_account_are_refused(app, client, world):
    sess = app.extensions["subsidy.sessionmaker"]()
    admin = sess.scalar(select(User).where(User.username == "admin"))
    clerk = sess.scalar(select(User).where(User.username == "clerk"))
    tok = sess.scalar(select(ApiToken).where(ApiToken.user_id == clerk.id))
    users.revoke_api_token(sess, tok.id, admin)
    radio = sess.scalar(select(User).where(User.username == "radio"))
    users.set_active(sess, radio, False, admin)
    sess.commit()
    sess.close()
    assert client.get("/api/v1/households", headers=bearer(world["tokens"]["clerk"])).status_code == 401
    assert client.get("/api/v1/counts", headers=bearer(world["tokens"]["radio"])).status_code == 401
    assert client.get("/api/v1/households", headers=bearer(world["tokens"]["approver"])).status_code == 200


def test_a_signed_in_browser_session_is_not_enough(app, client, world):
    """The API authenticates bearer tokens only (so CSRF cannot apply): a cookie sign-in is 401."""
    assert login(client, "clerk").status_code == 302
    assert client.get("/api/v1/households").status_code == 401


def test_token_use_is_recorded(app, client, world):
    before = utcnow()
    client.get("/api/v1/counts", headers=bearer(world["tokens"]["radio"]))
    sess = app.extensions["subsidy.sessionmaker"]()
    radio = sess.scalar(select(User).where(User.username == "radio"))
    tok = sess.scalar(select(ApiToken).where(ApiToken.user_id == radio.id))
    assert tok.last_used_at is not None and tok.last_used_at >= before
    sess.close()


# --- households and applications ------------------------------------------------------------------

def test_households_pagination_meta_and_link(client, world):
    """Page by page with the cursor: the first page counted, each page's next link followed to the
    end visits the 9 households once, in list order (the order of one page of 100)."""
    tok = bearer(world["tokens"]["clerk"])
    everything = [h["id"] for h in client.get("/api/v1/households?per_page=100", headers=tok).get_json()["items"]]
    assert len(everything) == 9  # 8 applicants + H9
    resp = conforms(client.get("/api/v1/households?per_page=4", headers=tok), "/households")
    body = resp.get_json()
    assert body["meta"]["total"] == 9 and body["meta"]["total_capped"] is False and body["meta"]["per_page"] == 4
    seen, pages = [], 0
    while True:
        pages += 1
        seen += [h["id"] for h in body["items"]]
        link = resp.headers["Link"]
        assert '<http://localhost/api/v1/households?per_page=4>; rel="first"' in link
        if body["meta"]["next"] is None:
            assert body["meta"]["next_cursor"] is None and 'rel="next"' not in link
            break
        assert f'<{body["meta"]["next"]}>; rel="next"' in link and "per_page=4" in body["meta"]["next"]
        resp = conforms(client.get(body["meta"]["next"], headers=tok), "/households")
        body = resp.get_json()
        assert body["meta"]["total"] is None  # counted on the first page only
    assert seen == everything and pages == 3
    bad = conforms(client.get("/api/v1/households?cursor=bm90LWEtY3Vyc29y", headers=tok), "/households")
    assert bad.status_code == 404 and "cursor" in bad.get_json()["detail"]
    # an application's cursor (a date first) is not a household list's
    app_cursor = client.get("/api/v1/applications?per_page=1", headers=tok).get_json()["meta"]["next_cursor"]
    assert client.get(f"/api/v1/households?cursor={app_cursor}", headers=tok).status_code == 404


def test_household_filters(client, world):
    tok = bearer(world["tokens"]["clerk"])

    def names(query: str) -> set[str]:
        resp = conforms(client.get(f"/api/v1/households?{query}", headers=tok), "/households")
        return {h["head_name"] for h in resp.get_json()["items"]}

    assert names("hamlet=Ấp Phú Xuân") == {"Hoàng Văn Em", "Võ Thị Giang"}
    assert names("category=near_poor") == {"Trần Thị Bình", "Phạm Thị Dung", "Võ Thị Giang"}
    assert names("q=hoang van") == {"Hoàng Văn Em"}  # diacritics and case ignored
    assert names("q=ĐẶNG") == {"Đặng Văn Hải"}
    assert names("q=H9") == {"Ngô Văn Ích"}
    assert names("q=%25") == set()  # a LIKE wildcard is searched literally
    assert names("hamlet=Ấp Phú Hòa&category=poor") == {"Nguyễn Văn An", "Đặng Văn Hải", "Bùi Thị Lan"}


def test_application_filters_and_detail(client, world):
    tok = bearer(world["tokens"]["approver"])
    got = conforms(client.get("/api/v1/applications?state=approved", headers=tok), "/applications").get_json()
    assert [a["tracking_code"] for a in got["items"]] == ["T00005"]  # A5: payment voided → approved
    got = client.get("/api/v1/applications?hamlet=Ấp Phú Hòa&state=handed_over", headers=tok).get_json()
    assert [a["tracking_code"] for a in got["items"]] == ["T00001"]
    got = client.get("/api/v1/applications?q=t00003", headers=tok).get_json()  # a tracking code
    assert [a["household"]["head_name"] for a in got["items"]] == ["Lê Văn Cường"]
    # Newest received first.
    got = client.get("/api/v1/applications?per_page=100", headers=tok).get_json()
    received = [a["received_on"] for a in got["items"]]
    assert received == sorted(received, reverse=True) and len(received) == 8

    a3 = world["apps"]["A3"]
    detail = conforms(client.get(f"/api/v1/applications/{a3}", headers=tok), "/applications/{application_id}").get_json()
    assert detail["state"] == "handed_over" and detail["state_label"] == "Đã bàn giao điện thoại"
    assert [(e["from_state"], e["to_state"]) for e in detail["events"]] == [
        (None, "received"), ("received", "eligible"), ("eligible", "proposed"), ("proposed", "approved"),
        ("approved", "handed_over"), ("handed_over", "approved"), ("approved", "handed_over")]
    assert detail["events"][5]["reason"] == "Sai IMEI"

    hh_id = detail["household"]["id"]
    hh = conforms(client.get(f"/api/v1/households/{hh_id}", headers=tok), "/households/{household_id}").get_json()
    assert hh["head_name"] == "Lê Văn Cường" and hh["hamlet"] == "Ấp Phú Thành" and hh["category"] == "poor"


@pytest.mark.parametrize("query,names", [
    ("page=0", ["page"]), ("per_page=101", ["per_page"]), ("per_page=abc", ["per_page"]),
    ("page=-1", ["page"]), ("page=1.5", ["page"]), ("category=rich", ["category"]),
    ("state=lost", ["state"]), ("state=", ["state"]), ("page=1&page=2", ["page"]), ("q=a&q=b", ["q"]), ("category=", ["category"]), ("q=" + "x" * 101, ["q"]), ("page=0&state=x&per_page=0", ["page", "per_page", "state"]),
    ("limit=101", ["limit"]), ("limit=0", ["limit"]), ("limit=-1", ["limit"]), ("limit=2.5", ["limit"]),
    ("limit=1&limit=2", ["limit"]), ("limit=101&per_page=500", ["limit", "per_page"]),
])
def test_bad_parameters_are_one_422_naming_each(client, world, query, names):
    resp = conforms(client.get(f"/api/v1/applications?{query}", headers=bearer(world["tokens"]["clerk"])), "/applications")
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    assert sorted(e["name"] for e in resp.get_json()["errors"]) == sorted(names)


@pytest.mark.parametrize("path", ["/households", "/applications"])
def test_limit_is_the_page_size_on_every_list(client, world, path):
    """``?limit=`` is honoured as ``per_page`` is (1–100, 422 in Vietnamese beyond); with both, the
    smaller; the next link keeps it."""
    tok = bearer(world["tokens"]["clerk"])
    everything = client.get(f"/api/v1{path}?per_page=100", headers=tok).get_json()["items"]
    resp = conforms(client.get(f"/api/v1{path}?limit=2", headers=tok), path)
    body = resp.get_json()
    assert len(everything) > 4 and body["meta"]["per_page"] == 2
    assert [i["id"] for i in body["items"]] == [i["id"] for i in everything[:2]]
    assert "limit=2" in body["meta"]["next"]
    following = client.get(body["meta"]["next"], headers=tok).get_json()["items"]
    assert [i["id"] for i in following] == [i["id"] for i in everything[2:4]]
    both = client.get(f"/api/v1{path}?limit=3&per_page=1", headers=tok).get_json()
    assert [i["id"] for i in both["items"]] == [everything[0]["id"]] and both["meta"]["per_page"] == 1
    bad = conforms(client.get(f"/api/v1{path}?limit=101", headers=tok), path)
    assert bad.status_code == 422 and bad.get_json()["errors"] == [
        {"name": "limit", "reason": "phải là số nguyên từ 1 đến 100"}]
    assert "Tham số không hợp lệ: limit." in bad.get_json()["detail"]


def test_control_characters_in_text_filters_do_not_break_the_query(client, world):
    resp = client.get("/api/v1/households?q=%00%01Hoàng&hamlet=%00", headers=bearer(world["tokens"]["clerk"]))
    conforms(resp, "/households")
    assert resp.status_code == 200
    assert {h["head_name"] for h in resp.get_json()["items"]} == {"Hoàng Văn Em"}


@pytest.mark.parametrize("path", ["/api/v1/households/999", "/api/v1/applications/999",
                                  "/api/v1/households/99999999999999", "/api/v1/applications/0"])
def test_unknown_ids_are_404_problems(client, world, path):
    resp = client.get(path, headers=bearer(world["tokens"]["clerk"]))
    assert resp.status_code == 404 and resp.mimetype == "application/problem+json"
    assert resp.get_json()["status"] == 404
    spec = "/households/{household_id}" if "households" in path else "/applications/{application_id}"
    conforms(resp, spec)


def test_non_numeric_id_and_unknown_path_are_404_problems(client, world):
    for path in ("/api/v1/households/abc", "/api/v1/nothing"):
        resp = client.get(path, headers=bearer(world["tokens"]["clerk"]))
        assert resp.status_code == 404 and resp.mimetype == "application/problem+json"


def test_wrong_method_is_405_problem_with_allow(client, world):
    resp = client.post("/api/v1/counts", headers=bearer(world["tokens"]["radio"]))
    assert resp.status_code == 405 and resp.mimetype == "application/problem+json"
    assert "GET" in resp.headers["Allow"]


def test_reads_of_personal_data_are_audited(app, client, world):
    tok = bearer(world["tokens"]["clerk"])
    a1 = world["apps"]["A1"]
    client.get(f"/api/v1/applications/{a1}", headers=tok)
    client.get("/api/v1/households?per_page=2", headers=tok)
    client.get("/api/v1/counts", headers=tok)  # aggregates: not audited
    sess = app.extensions["subsidy.sessionmaker"]()
    entries = list(sess.scalars(select(AuditEntry).where(AuditEntry.action.startswith("api."))
                                .order_by(AuditEntry.id)))
    clerk = sess.scalar(select(User).where(User.username == "clerk"))
    assert [(e.action, e.entity_type, e.entity_id, e.actor_id) for e in entries] == [
        ("api.application.read", "application", a1, clerk.id),
        ("api.household.list", "household", None, clerk.id),
    ]
    assert entries[1].note.startswith("ids=") and entries[1].note.count(",") == 1
    sess.close()


def test_rate_limit_is_429_problem(app_config, world):
    app = create_app(dict(app_config, API_RATE_LIMIT="5/minute"))
    try:
        client = app.test_client()
        statuses = [client.get("/api/v1/counts", headers=bearer(world["tokens"]["radio"])).status_code
                    for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        resp = client.get("/api/v1/counts", headers=bearer(world["tokens"]["radio"]))
        conforms(resp, "/counts")
        assert resp.mimetype == "application/problem+json" and resp.get_json()["status"] == 429
    finally:
        app.extensions["subsidy.engine"].dispose()


# --- the OpenAPI document -------------------------------------------------------------------------

def test_openapi_document_is_public_and_served_as_shipped(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert resp.data == OPENAPI.read_bytes()
    doc = resp.get_json()
    assert doc["openapi"].startswith("3.1")


def test_openapi_document_lists_exactly_the_api_routes(app):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api_v1."):
            path = rule.rule.removeprefix("/api/v1")
            for arg in rule.arguments:
                path = path.replace(f"<int:{arg}>", "{" + arg + "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    documented = {(p, m) for p, item in DOC["paths"].items() for m in item}
    assert routes == documented


def test_openapi_document_is_a_valid_openapi_31_schema():
    # Loading every operation resolves every $ref and parses every parameter.
    ops = [r.ok() for r in SCHEMA.get_all_operations()]
    assert len(ops) == sum(len(item) for item in DOC["paths"].values())
    for path, item in DOC["paths"].items():
        for method, op in item.items():
            codes = set(op["responses"])
            if op.get("security") == []:
                continue
            assert {"401", "403", "429"} <= codes and codes & {"200", "201", "202"}, (path, codes)
            # 422: a list's query parameters, or a request body (a write)
            assert ("422" in codes) == bool(op.get("parameters") and "{" not in path or "requestBody" in op), \
                (path, codes)
            # 404: a record by id, or a list narrowed to a commune (?commune=) the token cannot see
            takes_commune = any(p.get("name") == "commune" for p in op.get("parameters", []))
            assert ("404" in codes) == ("{" in path or takes_commune), (path, codes)
