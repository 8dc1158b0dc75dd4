"""JSON API v1 for the province's roles (issue 11, item 10): a province_officer / province_approver
token reads every commune's households and applications, with IDs and phones masked as on their
pages, narrows a list with ``?commune=CODE``, and never writes (403, in Vietnamese); a commune
token stays in its commune (another commune's record answers 404). Responses conform to the
shipped OpenAPI document."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from subsidy.models import AuditEntry
from tests.api.test_api_v1 import DOC, conforms
from tests.web.test_province_isolation import CCCD_A, NAME_A, PHONE_A, _seed

PROVINCE = ("province_officer", "province_approver")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def seeded(app) -> dict[str, Any]:
    return _seed(app)


@pytest.mark.parametrize("role", PROVINCE)
def test_province_tokens_read_every_commune_masked(app, client, seeded, role):
    auth = bearer(seeded["tokens"][role])
    hid, aid = seeded["ids"]["household_id"], seeded["ids"]["application_id"]
    with app.extensions["subsidy.sessionmaker"]() as s:
        audits_before = s.scalar(select(func.count()).select_from(AuditEntry))

    one = conforms(client.get(f"/api/v1/households/{hid}", headers=auth), "/households/{household_id}")
    assert one.status_code == 200
    body = one.get_json()
    assert body["head_name"] == NAME_A and body["commune"] == "XAA"
    assert body["citizen_id"] == "*" * 8 + CCCD_A[-4:] and body["phone"] == "*" * 7 + PHONE_A[-3:]
    text = one.get_data(as_text=True)
    assert CCCD_A not in text and PHONE_A not in text

    appl = conforms(client.get(f"/api/v1/applications/{aid}", headers=auth), "/applications/{application_id}")
    assert appl.status_code == 200 and appl.get_json()["commune"] == "XAA"

    every = conforms(client.get("/api/v1/households?per_page=100", headers=auth), "/households").get_json()
    assert {h["commune"] for h in every["items"]} == {"XAA", "XAB"}
    assert all(CCCD_A != h["citizen_id"] and PHONE_A != h["phone"] for h in every["items"])
    for code, names in (("XAA", {NAME_A}), ("xab", {"Lê Văn Bình"})):
        resp = conforms(client.get(f"/api/v1/households?commune={code}", headers=auth), "/households")
        assert {h["head_name"] for h in resp.get_json()["items"]} == names, code
        assert f"commune={code}" in resp.headers["Link"]
    apps = conforms(client.get("/api/v1/applications?commune=XAB", headers=auth), "/applications").get_json()
    assert apps["items"] == [] and apps["meta"]["total"] == 0
    apps = conforms(client.get("/api/v1/applications?commune=XAA", headers=auth), "/applications").get_json()
    assert [a["id"] for a in apps["items"]] == [aid]

    bad = conforms(client.get("/api/v1/households?commune=NOPE", headers=auth), "/households")
    assert bad.status_code == 404 and bad.get_json()["detail"] == "Không có xã mã «NOPE»."

    # every read of personal data is audited, as for commune staff
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) > audits_before


@pytest.mark.parametrize("role", PROVINCE)
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_province_tokens_never_write(app, client, seeded, role, method):
    auth = bearer(seeded["tokens"][role])
    for url in (f"/api/v1/households/{seeded['ids']['household_id']}", "/api/v1/applications", "/api/v1/counts"):
        resp = client.open(url, method=method, headers=auth, json={"head_name": "x"})
        assert resp.status_code == 403, (url, method, resp.status_code)
        assert resp.mimetype == "application/problem+json"
        assert "chỉ được xem dữ liệu qua API" in resp.get_json()["detail"]
    # a commune token's write is not the province's refusal: no such method (405)
    resp = client.open("/api/v1/households", method=method, headers=bearer(seeded["tokens"]["clerk"]))
    assert resp.status_code == 405


def test_province_tokens_have_no_radio_counts(client, seeded):
    """The radio counts stay per commune: the province reads its reports on its pages."""
    resp = client.get("/api/v1/counts", headers=bearer(seeded["tokens"]["province_officer"]))
    assert resp.status_code == 403 and resp.mimetype == "application/problem+json"


@pytest.mark.parametrize("role", ("clerk", "approver"))
def test_commune_tokens_stay_in_their_commune(client, seeded, role):
    auth = bearer(seeded["tokens"][role])  # commune B's account
    for url, path in ((f"/api/v1/households/{seeded['ids']['household_id']}", "/households/{household_id}"),
                      (f"/api/v1/applications/{seeded['ids']['application_id']}", "/applications/{application_id}")):
        resp = conforms(client.get(url, headers=auth), path)
        assert resp.status_code == 404 and NAME_A not in resp.get_data(as_text=True), url
    own = conforms(client.get("/api/v1/households?commune=XAB", headers=auth), "/households").get_json()
    assert [h["commune"] for h in own["items"]] == ["XAB"]
    assert own["items"][0]["citizen_id"] is None or "*" not in own["items"][0]["citizen_id"]
    other = conforms(client.get("/api/v1/households?commune=XAA", headers=auth), "/households")
    assert other.status_code == 404 and NAME_A not in other.get_data(as_text=True)
    every = conforms(client.get("/api/v1/households", headers=auth), "/households").get_json()
    assert {h["commune"] for h in every["items"]} == {"XAB"}


def test_the_document_says_so():
    desc = DOC["info"]["description"]
    assert "province_officer" in desc and "read-only" in desc
    for path in ("/households", "/applications"):
        assert "commune" in [p["name"] for p in DOC["paths"][path]["get"]["parameters"]]
