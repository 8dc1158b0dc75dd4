"""One rule decides who sees CCCD numbers and phones in full (scope.sees_personal_data; domain.md
§9): the commune's clerk and approver. The admin, a technical administrator, and the province's
roles see the head's and the members' numbers masked alike, on the household page, in the list
exports (CSV, XLSX) and through the API; every view and export stays in the audit log.

The expected masked values are written out here, not computed by vn.mask_id."""
from __future__ import annotations

import csv
import html
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from subsidy.domain.scope import ALL_ROLES, sees_personal_data
from subsidy.models import AuditEntry, HouseholdMember
from subsidy.services import users
from tests import factories
from tests.conftest import login

HEAD_ID, HEAD_PHONE = "082160488002", "0912345678"
HEAD_ID_SHOWN, HEAD_PHONE_SHOWN = "********8002", "*******678"
MEMBER_ID, MEMBER_ID_SHOWN = "082165550135", "********0135"


def test_only_the_clerk_and_the_approver_see_personal_data():
    assert {r for r in ALL_ROLES if sees_personal_data(r)} == {"clerk", "approver"}
    assert not sees_personal_data(None) and not sees_personal_data("admin")


@pytest.fixture
def household_id(app) -> int:
    s = app.extensions["subsidy.sessionmaker"]()
    h = factories.applicant(s, code="8236925174", head_name="Lê Văn Hậu", citizen_id=HEAD_ID, phone=HEAD_PHONE,
                            head_birth_year=1960)
    s.add(HouseholdMember(household_id=h.id, position=1, name="Lê Thị Mai", relation="Vợ", birth_year=1965,
                          gender="F", citizen_id=MEMBER_ID, citizen_id_kind="cccd"))
    factories.application(s, h)
    s.commit()
    hid = h.id
    s.close()
    return hid


def _client_as(app, make_user, role: str):
    c = app.test_client()
    assert login(c, make_user(role, role).username).status_code == 302
    return c


@pytest.mark.parametrize("role, full", [("clerk", True), ("approver", True), ("admin", False),
                                        ("province_officer", False)])
def test_the_household_page_shows_head_and_members_by_the_same_rule(app, make_user, household_id, role, full):
    body = html.unescape(_client_as(app, make_user, role).get(f"/ho-gia-dinh/{household_id}").get_data(as_text=True))
    for whole, shown in ((HEAD_ID, HEAD_ID_SHOWN), (HEAD_PHONE, HEAD_PHONE_SHOWN), (MEMBER_ID, MEMBER_ID_SHOWN)):
        assert (whole in body) is full, (role, whole)
        assert (shown in body) is not full, (role, shown)
    s = app.extensions["subsidy.sessionmaker"]()
    views = s.scalars(select(AuditEntry).where(AuditEntry.action == "household.view")).all()
    s.close()
    assert [(v.entity_id, v.note) for v in views] == [
        (household_id, "kèm số CCCD của 1 thành viên" if full else None)]


def _csv_rows(body: bytes) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    return [dict(zip(rows[header_at], r)) for r in rows[header_at + 1:] if r and r[0].isdigit()]


def _xlsx_rows(body: bytes) -> list[dict]:
    rows = [list(r) for r in load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    return [dict(zip(rows[header_at], r)) for r in rows[header_at + 1:] if r and isinstance(r[0], int)]


@pytest.mark.parametrize("role, full", [("clerk", True), ("admin", False)])
@pytest.mark.parametrize("path", ["/tai-ve/ho-gia-dinh", "/tai-ve/ho-so"])
def test_exports_follow_the_rule_and_are_audited(app, make_user, household_id, role, full, path):
    c = _client_as(app, make_user, role)
    got = []
    for ext, read in (("csv", _csv_rows), ("xlsx", _xlsx_rows)):
        resp = c.get(f"{path}.{ext}")
        assert resp.status_code == 200
        (row,) = read(resp.data)
        got.append((row["Số CCCD"], row["Số điện thoại"]))
    want = (HEAD_ID, HEAD_PHONE) if full else (HEAD_ID_SHOWN, HEAD_PHONE_SHOWN)
    assert got == [want, want]
    body = b"".join(c.get(f"{path}.{ext}").data for ext in ("csv", "xlsx"))
    assert (HEAD_ID.encode() in body) is full
    s = app.extensions["subsidy.sessionmaker"]()
    exports = s.scalars(select(AuditEntry).where(AuditEntry.action == "list.export")).all()
    s.close()
    assert [e.changes["format"] for e in exports] == ["csv", "xlsx", "csv", "xlsx"]


def test_the_api_masks_the_admins_head_and_members_alike(app, client, household_id):
    s = app.extensions["subsidy.sessionmaker"]()
    accounts = {role: factories.user(s, role, role, row=True) for role in ("admin", "approver")}
    tokens = {r: users.create_api_token(s, u, f"{r} tool", accounts["admin"]) for r, u in accounts.items()}
    s.commit()
    s.close()
    got = {}
    for role, token in tokens.items():
        hh = client.get(f"/api/v1/households/{household_id}", headers={"Authorization": f"Bearer {token}"}).get_json()
        got[role] = (hh["citizen_id"], hh["phone"], hh["people"][0]["citizen_id"])
    assert got == {"approver": (HEAD_ID, HEAD_PHONE, MEMBER_ID),
                   "admin": (HEAD_ID_SHOWN, HEAD_PHONE_SHOWN, MEMBER_ID_SHOWN)}


def test_the_household_form_with_its_full_numbers_is_the_clerks(app, make_user, household_id):
    admin = _client_as(app, make_user, "admin")
    assert admin.get(f"/ho-gia-dinh/{household_id}/sua").status_code == 403
    assert admin.get("/ho-gia-dinh/them").status_code == 403
    clerk = _client_as(app, make_user, "clerk")
    assert f'value="{HEAD_ID}"' in clerk.get(f"/ho-gia-dinh/{household_id}/sua").get_data(as_text=True)


def test_the_audit_log_shows_a_corrected_number_by_the_same_rule(app, make_user, household_id):
    from subsidy.services import audit

    s = app.extensions["subsidy.sessionmaker"]()
    clerk = factories.user(s, "clerk", "canbo.sua")
    audit.record(s, clerk, "household.update", "household", household_id,
                 {"citizen_id": ["082160488001", HEAD_ID], "phone": ["0912345670", HEAD_PHONE]})
    s.commit()
    s.close()
    seen = {}
    for role in ("admin", "approver"):
        body = html.unescape(_client_as(app, make_user, role).get("/quan-tri/nhat-ky").get_data(as_text=True))
        seen[role] = (HEAD_ID in body, "082160488001" in body, "********8001 → " in body,
                      f"*******670 → <b>{HEAD_PHONE_SHOWN}</b>" in body)
    assert seen == {"admin": (False, False, True, True), "approver": (True, True, False, False)}
