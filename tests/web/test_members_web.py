"""Household members after a per-person import: the household page (IDs in full for the
commune's staff, masked for others, the view logged), the handover form's recipients, E4 on a
shared person, and the API's people and per-year status (checked against the OpenAPI document)."""
from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

import pytest
import schemathesis
from sqlalchemy import select

from subsidy.domain import vn
from subsidy.models import AuditEntry, Household, HouseholdMember
from subsidy.services import users
from subsidy.services.importer import import_households
from tests import factories
from tests import list_files as lf
from tests.conftest import login

DOC = json.loads((Path(__file__).resolve().parents[2] / "subsidy" / "api" / "openapi.json").read_text("utf-8"))
SCHEMA = schemathesis.openapi.from_dict(DOC)


@pytest.fixture
def family(app):
    """One household of three imported from a per-person list; returns its facts."""
    houses = lf.make_households(1, seed=8, members=(2, 2))
    h = houses[0]
    h.members[0].birth_year, h.members[0].citizen_id = 1975, "082175123450"
    h.members[0].gender, h.members[1].citizen_id = "F", None
    sess = app.extensions["subsidy.sessionmaker"]()
    report = import_households(sess, lf.person_xlsx(houses, 2026), "ds-2026.xlsx", None)
    sess.commit()
    hid = report.rows[0].household_id if report.rows[0].household_id else sess.scalar(select(Household.id))
    sess.close()
    return {"id": hid, "house": h}


def page(client, url):
    return html.unescape(client.get(url).get_data(as_text=True))


def test_members_on_the_household_page_full_for_staff_masked_for_admin_and_the_view_logged(app, client, login_as,
                                                                                           make_user, family):
    h, hid = family["house"], family["id"]
    login_as("clerk")
    body = page(client, f"/ho-gia-dinh/{hid}")
    assert "Thành viên trong hộ (2)" in body and "Số CCCD: 082175123450" in body
    assert f"{h.members[0].name}" in body and "Năm 2026: " in body
    admin = app.test_client()
    login(admin, make_user("admin", "admin").username)
    body = page(admin, f"/ho-gia-dinh/{hid}")
    assert "082175123450" not in body and f"Số CCCD: {vn.mask_id('082175123450')}" in body
    sess = app.extensions["subsidy.sessionmaker"]()
    notes = [e.note for e in sess.scalars(select(AuditEntry).where(AuditEntry.action == "household.view"))]
    sess.close()
    assert notes == ["kèm số CCCD của 1 thành viên", None]


def test_the_handover_form_offers_the_members_as_recipients(app, client, login_as):
    sess = app.extensions["subsidy.sessionmaker"]()
    a = factories.approved(sess, citizen_id="082070123456")
    sess.add(HouseholdMember(household_id=a.household_id, position=1, name="Lê Thị Lan", relation="Vợ",
                             birth_year=1972, gender="F", citizen_id="082172654321", citizen_id_kind="cccd"))
    sess.commit()
    member_id = sess.scalar(select(HouseholdMember.id))
    app_id = a.id
    sess.close()
    login_as("clerk")
    body = page(client, f"/ho-so/{app_id}/ban-giao")
    assert f"nguoi_nhan={member_id}" in body and "Lê Thị Lan (Vợ)" in body
    chosen = page(client, f"/ho-so/{app_id}/ban-giao?nguoi_nhan={member_id}")
    assert 'value="Lê Thị Lan"' in chosen and 'value="082172654321"' in chosen


def test_e4_fails_when_a_member_is_the_head_of_a_household_already_supported(session, clerk, tt14):
    from subsidy.services import applications

    served = factories.application(session, factories.household(session, code="8211110001",
                                                                citizen_id="082172654321"), state="handed_over")
    h = factories.applicant(session, code="8211110002", citizen_id="082070123456")
    session.add(HouseholdMember(household_id=h.id, position=1, name="Lê Thị Lan", relation="Vợ",
                                citizen_id="082172654321", citizen_id_kind="cccd"))
    a = factories.application(session, h)
    d = applications.check_eligibility(session, a, clerk, on=dt.date(2026, 3, 1))
    e4 = next(r for r in d.results if r["rule"] == "E4")
    assert e4["status"] == "failed"
    assert "hộ mã 8211110001, có chung người" in e4["explanation"] and served.id != a.id


def test_api_household_shows_people_and_statuses_masked_for_admin(app, client, family):
    sess = app.extensions["subsidy.sessionmaker"]()
    accounts = {role: factories.user(sess, role, role, row=True) for role in ("admin", "clerk")}
    tokens = {r: users.create_api_token(sess, u, f"{r} tool", accounts["admin"]) for r, u in accounts.items()}
    sess.commit()
    sess.close()
    got = {}
    for role, token in tokens.items():
        resp = client.get(f"/api/v1/households/{family['id']}", headers={"Authorization": f"Bearer {token}"})
        SCHEMA["/households/{household_id}"]["GET"].validate_response(resp)
        got[role] = resp.get_json()
    first = got["clerk"]["people"][0]
    m = family["house"].members[0]
    assert (first["name"], first["relation"], first["birth_year"], first["citizen_id"]) == (
        m.name, m.relation, 1975, "082175123450")
    assert got["admin"]["people"][0]["citizen_id"] == vn.mask_id("082175123450")
    assert [(s["year"], s["status"], s["source"]) for s in got["clerk"]["statuses"]] == [
        (2026, family["house"].category, "import")]
