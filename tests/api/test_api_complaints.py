"""JSON API v1 for the complaints register: staff tokens list, read and record cases (the same
service as the web form; every read audited); the radio reads counts only; a province token reads
every commune and never writes; a denunciation is never shown to the account it names. Every
response conforms to the shipped OpenAPI document."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from subsidy.domain.calendar import today_vn
from subsidy.models import AuditEntry, Complaint
from subsidy.services import complaints as svc
from subsidy.services import users
from tests import factories
from tests.api.test_api_v1 import conforms


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def world(app) -> dict[str, Any]:
    """One commune's household, a complaint received 30 days ago (overdue acceptance), a petition
    received today, a denunciation naming the approver; a token per role."""
    s = app.extensions["subsidy.sessionmaker"]()
    accounts = {r: factories.user(s, r, r, row=True) for r in ("admin", "radio", "clerk", "approver", "province_officer")}
    h = factories.applicant(s, head_name="Đỗ Thị Lan")
    today = today_vn()
    old = today - dt.timedelta(days=30)
    late = svc.record_case(s, svc.CaseInput(kind="complaint", filer="head", channel="letter", category="quota",
                                            text="Chờ quá lâu", household_id=h.id, received_on=old,
                                            contested_on=old - dt.timedelta(days=3)), accounts["clerk"], today=today)
    fresh = svc.record_case(s, svc.CaseInput(kind="petition", filer="head", channel="radio_hotline", category="other",
                                             text="Hỏi lịch bàn giao", household_id=h.id, received_on=today),
                            accounts["clerk"], today=today)
    named = svc.record_case(s, svc.CaseInput(kind="denunciation", filer="head", channel="letter",
                                             category="staff_conduct", text="Đòi tiền", household_id=h.id,
                                             received_on=today, named_user_id=accounts["approver"].id),
                            accounts["clerk"], today=today)
    tokens = {r: users.create_api_token(s, u, "t", accounts["admin"]) for r, u in accounts.items()}
    s.commit()
    out = {"tokens": tokens, "household_id": h.id, "late": late.id, "fresh": fresh.id, "named": named.id,
           "numbers": {late.id: late.case_number, fresh.id: fresh.case_number, named.id: named.case_number}}
    s.close()
    return out


def test_list_filters_and_standing(client, world):
    auth = bearer(world["tokens"]["clerk"])
    body = conforms(client.get("/api/v1/complaints", headers=auth), "/complaints").get_json()
    assert [i["id"] for i in body["items"]] == [world["named"], world["fresh"], world["late"]]
    assert {i["id"]: i["standing"] for i in body["items"]}[world["late"]] == "overdue"
    overdue = conforms(client.get("/api/v1/complaints?standing=overdue", headers=auth), "/complaints").get_json()
    assert [i["id"] for i in overdue["items"]] == [world["late"]] and overdue["meta"]["total"] == 1
    bad = conforms(client.get("/api/v1/complaints?kind=x&standing=y", headers=auth), "/complaints")
    assert bad.status_code == 422 and {e["name"] for e in bad.get_json()["errors"]} == {"kind", "standing"}


def test_one_case_with_deadlines_and_the_read_audited(app, client, world):
    resp = conforms(client.get(f"/api/v1/complaints/{world['late']}", headers=bearer(world["tokens"]["approver"])),
                    "/complaints/{complaint_id}")
    body = resp.get_json()
    keys = [d["key"] for d in body["deadlines"]]
    assert keys == ["filing", "acceptance"] and body["deadlines"][1]["status"] == "overdue"
    assert "Điều 27" in body["deadlines"][1]["clause"] and body["events"][0]["to_state"] == "received"
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "api.complaint.read")).entity_id == world["late"]


def test_the_named_account_never_sees_the_denunciation(client, world):
    auth = bearer(world["tokens"]["approver"])
    ids = [i["id"] for i in client.get("/api/v1/complaints", headers=auth).get_json()["items"]]
    assert world["named"] not in ids and world["late"] in ids
    assert conforms(client.get(f"/api/v1/complaints/{world['named']}", headers=auth),
                    "/complaints/{complaint_id}").status_code == 404


def test_clerk_records_a_case_and_errors_are_named(app, client, world):
    auth = bearer(world["tokens"]["clerk"])
    today = today_vn()
    resp = conforms(client.post("/api/v1/complaints", headers=auth, json={
        "kind": "complaint", "channel": "phone", "category": "eligibility", "text": "Bị loại sai",
        "household_id": world["household_id"], "contested_on": (today - dt.timedelta(days=2)).isoformat()}),
        "/complaints", "POST")
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["case_number"] == f"004/{today.year}" and body["state"] == "received" and body["level"] == "commune"
    bad = conforms(client.post("/api/v1/complaints", headers=auth, json={"kind": "x", "text": 5, "remote": "yes"}),
                   "/complaints", "POST")
    assert bad.status_code == 422
    assert {e["name"] for e in bad.get_json()["errors"]} == {"kind", "channel", "category", "text", "remote"}
    missing = conforms(client.post("/api/v1/complaints", headers=auth, json={
        "kind": "complaint", "channel": "phone", "category": "eligibility", "text": "x"}), "/complaints", "POST")
    assert missing.status_code == 409
    assert {e["name"] for e in missing.get_json()["errors"]} == {"household_id", "contested_on"}
    blank = conforms(client.post("/api/v1/complaints", headers=auth, json={
        "kind": "petition", "channel": "phone", "category": "other", "text": "\u0000\ud800 ",
        "household_id": world["household_id"]}), "/complaints", "POST")
    assert blank.status_code == 409 and [e["name"] for e in blank.get_json()["errors"]] == ["text"]
    assert conforms(client.get(f"/api/v1/complaints/{2**80}", headers=auth), "/complaints/{complaint_id}").status_code == 404
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert len(s.scalars(select(Complaint)).all()) == 4


def test_roles(client, world):
    t = world["tokens"]
    for role, status in (("radio", 403), ("admin", 403), ("province_officer", 200), ("approver", 200)):
        resp = conforms(client.get("/api/v1/complaints", headers=bearer(t[role])), "/complaints")
        assert resp.status_code == status, role
    for role in ("approver", "radio", "province_officer"):
        resp = client.post("/api/v1/complaints", headers=bearer(t[role]), json={"kind": "petition"})
        assert resp.status_code == 403, role


def test_the_radio_reads_counts_only(client, world):
    resp = conforms(client.get("/api/v1/counts/complaints", headers=bearer(world["tokens"]["radio"])),
                    "/counts/complaints")
    body = resp.get_json()
    # received this month: the two of today, plus the old one when 30 days ago is still this month
    old_in_month = (today_vn() - dt.timedelta(days=30)).month == today_vn().month
    assert body == {"as_of": today_vn().isoformat(), "received_this_month": 2 + old_in_month,
                    "resolved_this_month": 0, "open": 3, "due_soon": 0, "overdue": 1}
    assert "Đỗ" not in resp.get_data(as_text=True)


def test_limit_is_the_page_size_of_the_register(client, world):
    auth = bearer(world["tokens"]["clerk"])
    body = conforms(client.get("/api/v1/complaints?limit=2", headers=auth), "/complaints").get_json()
    assert [i["id"] for i in body["items"]] == [world["named"], world["fresh"]] and body["meta"]["per_page"] == 2
    rest = client.get(body["meta"]["next"], headers=auth).get_json()
    assert "limit=2" in body["meta"]["next"] and [i["id"] for i in rest["items"]] == [world["late"]]
    bad = conforms(client.get("/api/v1/complaints?limit=500", headers=auth), "/complaints")
    assert bad.status_code == 422 and bad.get_json()["errors"] == [
        {"name": "limit", "reason": "phải là số nguyên từ 1 đến 100"}]
