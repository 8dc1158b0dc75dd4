"""Commune staff reach nothing of another commune (domain.md §10): the test walks ``app.url_map`` —
every rule, every method it allows — as each role of commune B, with every id converter pointing
at a record of commune A. A commune-B account gets a refusal (403, 404, 405; 400 for a form
without its fields), never A's data, and nothing of A changes. The province's roles read A's
pages with the IDs and phones masked. A route added later is walked too.
"""
from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from sqlalchemy import func, select

from subsidy.models import ApiToken, Application, AuditEntry, Household, User
from subsidy.services import communes, users
from tests import factories
from tests.conftest import login
from tests.handover_support import handover_input, imei

CCCD_A = "082070000555"
PHONE_A = "0912000555"
NAME_A = "Trần Thị Xã An"


def _seed(app: Any) -> dict[str, Any]:
    """Communes A and B; in A a household with an application handed over (its receipt), an
    allocation, an approved proposal list; in B one household. Accounts of every role."""
    from subsidy.services import lists, rulesets
    from subsidy.services.handovers import record_handover

    s = app.extensions["subsidy.sessionmaker"]()
    a = communes.create_commune(s, communes.CommuneInput(code="XAA", name="xã An"), None, hamlets=["Ấp A1"])
    b = communes.create_commune(s, communes.CommuneInput(code="XAB", name="xã Bình"), None, hamlets=["Ấp B1"])
    rulesets.load_shipped(s)
    clerk_a = factories.user(s, "clerk", "clerk-a", row=True, commune_id=a.id)
    approver_a = factories.user(s, "approver", "approver-a", row=True, commune_id=a.id)
    h = factories.applicant(s, head_name=NAME_A, hamlet="Ấp A1", citizen_id=CCCD_A, phone=PHONE_A, commune_id=a.id,
                            list_year=2026)
    factories.allocation_row(s, 5, commune_id=a.id)
    app_a = factories.eligible(s, clerk_a, h, received_on=dt.date(2026, 1, 5), on=dt.date(2026, 2, 1))
    pl = lists.build_proposal_list(s, clerk_a, count=1, created_on=dt.date(2026, 2, 2))
    lists.approve_list(s, pl, "12/QĐ-UBND", dt.date(2026, 2, 5), "Ủy ban nhân dân xã An", approver_a)
    done = record_handover(s, app_a.id, handover_input(imei(7)), clerk_a, today=dt.date(2026, 3, 10))
    from subsidy.services import complaints as complaints_svc

    case_a = complaints_svc.record_case(s, complaints_svc.CaseInput(
        kind="complaint", filer="head", channel="in_person", category="priority", text="Xếp thứ tự sai",
        household_id=h.id, application_id=app_a.id, received_on=dt.date(2026, 3, 11),
        contested_on=dt.date(2026, 2, 5)), clerk_a, today=dt.date(2026, 3, 11))
    factories.household(s, head_name="Lê Văn Bình", hamlet="Ấp B1", commune_id=b.id)
    accounts = {role: factories.user(s, role, f"{role}-b", row=True, commune_id=b.id)
                for role in ("clerk", "approver", "radio")}
    for role in ("province_officer", "province_approver", "admin"):
        accounts[role] = factories.user(s, role, role.replace("_", "-"), row=True)
    tokens = {role: users.create_api_token(s, acc, "t", acc) for role, acc in accounts.items()}
    ids = {"household_id": h.id, "application_id": app_a.id, "list_id": pl.id, "receipt_id": done.receipt.id,
           "commune_id": a.id, "user_id": clerk_a.id, "hamlet_id": a.hamlets[0].id, "rule_set_id": 1,
           "allocation_id": 1, "token_id": 1, "complaint_id": case_a.id}
    s.commit()
    s.close()
    return {"ids": ids, "accounts": {r: a.username for r, a in accounts.items()}, "tokens": tokens}


def _urls(app: Any, ids: dict[str, int]) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule whose converters all point at A's records."""
    out = []
    strings = {"slug": ["de-nghi", "phe-duyet"], "ext": ["pdf", "xlsx"], "fmt": ["csv"], "token": ["x"],
               "filename": ["css/app.css"]}
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint in ("static",):
            continue
        choices = []
        for arg in sorted(rule.arguments):
            if arg in ids:
                choices.append([(arg, ids[arg])])
            elif type(rule._converters[arg]).__name__ in ("IntegerConverter", "RowIdConverter"):
                choices.append([(arg, 1)])  # a record of no commune (the province's), or none
            else:
                choices.append([(arg, v) for v in strings.get(arg, ["x"])])
        for combo in itertools.product(*choices):
            with app.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **dict(combo))
            for method in sorted(rule.methods - {"OPTIONS", "HEAD"}):
                out.append((rule.endpoint, method, url))
    return out


def _own_lists(app: Any, ids: dict[str, int]) -> set[str]:
    """Endpoints whose URL names no record (the lists and copies of the account's own commune:
    ``/tai-ve/ho-gia-dinh.xlsx``): they answer, and their content is checked by
    test_exports_hold_only_the_accounts_commune."""
    return {r.endpoint for r in app.url_map.iter_rules()
            if r.arguments and not any(type(r._converters[a]).__name__ in ("IntegerConverter", "RowIdConverter") for a in r.arguments)}


def _a_state(app: Any, commune_id: int) -> tuple:
    """Commune A's applications and their states, its audit entries (B's own list downloads are
    audited in B), and every household."""
    s = app.extensions["subsidy.sessionmaker"]()
    try:
        return (tuple(s.execute(select(Application.id, Application.state)).all()),
                s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.commune_id == commune_id)),
                tuple(s.execute(select(Household.id, Household.archived, Household.head_name)).all()))
    finally:
        s.close()


#: Roles of commune B: they must get nothing of A.
COMMUNE_B = ("clerk", "approver", "radio")
REFUSED = {400, 403, 404, 405}
#: endpoint → why it may answer something other than a refusal (its body is still checked for A's
#: data, and nothing of A may change).
NOT_COMMUNE_DATA = {
    "rulesets.show": "rule sets are the instance's (the circular), not a commune's",
    "rulesets.preview": "rule sets are the instance's",
    "reports.download": "the account's own commune's report (no id in the URL)",
}
#: endpoint → the redirect it answers for an application that does not exist (an application of
#: another commune is answered the same: "Không có hồ sơ này", back to the receipts).
AS_IF_MISSING = {"handovers.create": "/bien-ban/", "handovers.pay": "/bien-ban/", "handovers.void": "/bien-ban/"}
#: What every POST sends: a reason, so that the views that ask for one reach their record.
POST_DATA = {"reason": "Thử truy cập hồ sơ xã khác"}


@pytest.mark.parametrize("role", COMMUNE_B)
def test_commune_b_staff_reach_nothing_of_commune_a(app, role):
    seeded = _seed(app)
    before = _a_state(app, seeded["ids"]["commune_id"])
    client = app.test_client()
    assert login(client, seeded["accounts"][role]).status_code == 302
    leaks = []
    own = _own_lists(app, seeded["ids"])
    for endpoint, method, url in _urls(app, seeded["ids"]):
        if url.startswith("/api/"):
            continue
        resp = client.open(url, method=method, data=POST_DATA if method == "POST" else None)
        body = resp.get_data()
        refused = resp.status_code in REFUSED or endpoint in NOT_COMMUNE_DATA or endpoint in own or (
            resp.status_code == 302 and resp.headers["Location"].endswith(AS_IF_MISSING.get(endpoint, "\0")))
        if not refused or NAME_A.encode() in body or CCCD_A.encode() in body:
            leaks.append((endpoint, method, url, resp.status_code))
    assert leaks == [], leaks
    assert _a_state(app, seeded["ids"]["commune_id"]) == before  # nothing of A changed, no audit entry written
    # Search and lists show none of A's households either.
    page = client.get("/ho-gia-dinh/?q=xa+an").get_data(as_text=True)
    assert NAME_A not in page


@pytest.mark.parametrize("role", COMMUNE_B)
def test_api_tokens_act_for_their_accounts_commune(app, role):
    """(The province's tokens read every commune, masked: tests/api/test_api_province.py.)"""
    seeded = _seed(app)
    client = app.test_client()
    auth = {"Authorization": f"Bearer {seeded['tokens'][role]}"}
    for url in (f"/api/v1/households/{seeded['ids']['household_id']}",
                f"/api/v1/applications/{seeded['ids']['application_id']}", "/api/v1/households?q=an",
                "/api/v1/applications"):
        resp = client.get(url, headers=auth)
        assert resp.status_code in (403, 404) or NAME_A not in resp.get_data(as_text=True), (url, resp.status_code)


@pytest.mark.parametrize("role", ("province_officer", "province_approver"))
def test_province_roles_read_a_commune_with_ids_and_phones_masked(app, role):
    seeded = _seed(app)
    client = app.test_client()
    assert login(client, seeded["accounts"][role]).status_code == 302
    for url in (f"/ho-gia-dinh/{seeded['ids']['household_id']}", f"/ho-so/{seeded['ids']['application_id']}",
                "/ho-gia-dinh/?q=tran"):
        page = client.get(url)
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and NAME_A in text, url
        assert CCCD_A not in text and PHONE_A not in text and CCCD_A[-4:] in text, url
    # … and change nothing.
    assert client.post(f"/ho-gia-dinh/{seeded['ids']['household_id']}/luu-tru").status_code == 403
    assert client.post(f"/ho-so/{seeded['ids']['application_id']}/rut", data={"reason": "x"}).status_code == 403


def test_exports_hold_only_the_accounts_commune(app):
    """The copies a commune-B clerk takes away (XLSX of households and applications) hold B's
    households and none of A's."""
    import io

    from openpyxl import load_workbook

    seeded = _seed(app)
    client = app.test_client()
    login(client, seeded["accounts"]["clerk"])
    for url in ("/tai-ve/ho-gia-dinh.xlsx", "/tai-ve/ho-so.xlsx"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        cells = {str(c.value) for ws in load_workbook(io.BytesIO(resp.data), read_only=True).worksheets
                 for row in ws.iter_rows() for c in row if c.value is not None}
        assert NAME_A not in cells and CCCD_A not in cells, url
        if "ho-gia-dinh" in url:
            assert "Lê Văn Bình" in cells
