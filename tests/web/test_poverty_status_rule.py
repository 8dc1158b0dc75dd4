"""A household's poverty status (category, list and decision, yearly records, the status in force,
the priority tier) follows one rule (domain.scope.sees_poverty_status): the commune's clerk and
approver and the province's officer see it; the admin, who archives and restores households, reads
«(ẩn)» in its place on the household page and list, the application list, the list exports (XLSX,
CSV, PDF), the JSON API (null) and the audit log, and cannot filter by it. Views stay audited."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from subsidy.domain.scope import POVERTY_HIDDEN, sees_poverty_status
from subsidy.models import AuditEntry, HouseholdStatus
from subsidy.services import audit, users
from tests import factories
from tests.conftest import login

HAMLET = "Ấp Phú Hòa"
DECISION = "215/QĐ-UBND"
SEEING = ("clerk", "approver", "province_officer", "province_approver")


@pytest.fixture
def world(app):
    """One household on the 2025 list as poor (decision 215/QĐ-UBND), recorded near-poor for
    2026 (so this year's status in force is «Hộ cận nghèo», which the household's own column does
    not say), with an application checked at tier P4; and the audit entry of a clerk correcting
    its category and of the import of its 2026 status."""
    s = app.extensions["subsidy.sessionmaker"]()
    h = factories.household(s, head_name="Lâm Thị Yến", hamlet=HAMLET, category="poor", list_year=2025,
                            decision_number=DECISION, citizen_id="082170000555", phone="0912000555")
    s.add(HouseholdStatus(household_id=h.id, year=2026, status="near_poor", source="import",
                          decision_number="88/QĐ-UBND"))
    a = factories.application(s, h, state="eligible", priority_tier=4, received_on=dt.date(2026, 3, 2))
    clerk = factories.user(s, "clerk", "canbo-ngheo", row=True)
    audit.record(s, clerk, "household.update", "household", h.id,
                 {"category": ["near_poor", "poor"], "decision_number": [None, DECISION],
                  "citizen_id_kind": ["cmnd", "cccd"]})
    audit.record(s, clerk, "household.status", "household", h.id, {"status_2025": ["poor", "not_listed"]},
                 note="Không có tên trong danh sách năm 2025 của xã")
    s.commit()
    ids = {"household": h.id, "application": a.id}
    s.close()
    return ids


def test_the_rule():
    assert [r for r in ("clerk", "approver", "radio", "province_officer", "province_approver", "admin", None)
            if sees_poverty_status(r)] == list(SEEING)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _views(app, action: str) -> int:
    s = app.extensions["subsidy.sessionmaker"]()
    try:
        return s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))
    finally:
        s.close()


@pytest.mark.parametrize("role", ["clerk", "province_officer", "admin"])
def test_household_page(app, client, login_as, world, role):
    login_as(role)
    before = _views(app, "household.view")
    html = client.get(f"/ho-gia-dinh/{world['household']}").get_data(as_text=True)
    text = _text(html)
    assert _views(app, "household.view") == before + 1  # every view audited, as before
    if role == "admin":
        assert f"Phân loại năm {dt.date.today().year} {POVERTY_HIDDEN}" in text
        assert f"Quyết định công nhận {POVERTY_HIDDEN}" in text and f"Tình trạng theo năm {POVERTY_HIDDEN}" in text
        assert "Hộ cận nghèo" not in text and "Hộ nghèo" not in text and DECISION not in text and "88/QĐ" not in text
        # the history says the category changed, never what it was or became
        assert f"Phân loại: {POVERTY_HIDDEN} → {POVERTY_HIDDEN}" in text
        assert f"Số quyết định: {POVERTY_HIDDEN} → {POVERTY_HIDDEN}" in text
        assert "Không có tên" not in text and f"Tình trạng năm 2025: {POVERTY_HIDDEN} → {POVERTY_HIDDEN}" in text
    else:
        assert "Hộ cận nghèo · danh sách năm 2026" in text
        assert f"Quyết định công nhận {DECISION}" in text and "Năm 2026: Hộ cận nghèo · 88/QĐ-UBND" in text
        assert "Phân loại: Hộ cận nghèo → Hộ nghèo" in text
        assert "Không có tên trong danh sách năm 2025 của xã" in text
        assert "Tình trạng năm 2025: Hộ nghèo → không có trong danh sách" in text
        assert POVERTY_HIDDEN not in text


@pytest.mark.parametrize("role", ["clerk", "province_officer", "admin"])
def test_household_and_application_lists(client, login_as, world, role):
    login_as(role)
    page = client.get("/ho-gia-dinh/").get_data(as_text=True)
    apps = client.get("/ho-so/").get_data(as_text=True)
    badge = re.findall(r'<span class="badge cat-([a-z_]+)">([^<]+)</span>', page)
    app_line = re.search(r"Lâm Thị Yến.*?</li>", apps, re.S).group(0)
    if role == "admin":
        assert badge == [("hidden", POVERTY_HIDDEN)]
        assert POVERTY_HIDDEN in app_line and "cận nghèo" not in app_line
        for html in (page, apps):  # no filter by category or tier is offered
            assert 'name="category"' not in html and 'name="tier"' not in html
    else:
        assert badge == [("near_poor", "Hộ cận nghèo")]
        assert "Hộ cận nghèo" in app_line
        assert 'name="category"' in page and 'name="category"' in apps and 'name="tier"' in apps


def test_a_category_filter_is_ignored_for_the_admin(client, login_as, world):
    """A link with ?category= lists what the admin may see unfiltered (a filter would tell which
    households are poor by which ones it keeps)."""
    login_as("admin")
    for category in ("poor", "near_poor", "none"):
        page = client.get("/ho-gia-dinh/", query_string={"category": category}).get_data(as_text=True)
        assert "Lâm Thị Yến" in page
    client.post("/dang-xuat")
    login_as("clerk")
    assert "Lâm Thị Yến" not in client.get("/ho-gia-dinh/", query_string={"category": "poor"}).get_data(as_text=True)
    assert "Lâm Thị Yến" in client.get("/ho-gia-dinh/", query_string={"category": "near_poor"}).get_data(as_text=True)


def _xlsx(body: bytes) -> dict[str, object]:
    rows = [list(r) for r in load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    return dict(zip(rows[at], rows[at + 1]))


@pytest.mark.parametrize("role, category, tier", [("clerk", "Hộ cận nghèo", "P4"), ("approver", "Hộ cận nghèo", "P4"),
                                                  ("admin", POVERTY_HIDDEN, POVERTY_HIDDEN)])
def test_exports(app, client, login_as, world, role, category, tier):
    login_as(role)
    hh = _xlsx(client.get("/tai-ve/ho-gia-dinh.xlsx").data)
    assert hh["Họ và tên chủ hộ"] == "Lâm Thị Yến" and hh["Phân loại hộ"] == category
    ap = _xlsx(client.get("/tai-ve/ho-so.xlsx").data)
    assert ap["Phân loại hộ"] == category and ap["Mức ưu tiên"] == tier
    rows = list(csv.reader(io.StringIO(client.get("/tai-ve/ho-gia-dinh.csv").data.decode("utf-8-sig"))))
    assert rows[1][rows[0].index("Phân loại hộ")] == category
    pdf = client.get("/tai-ve/ho-so.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert ("cận nghèo" in text) == (role != "admin")
    assert (POVERTY_HIDDEN in text) == (role == "admin")
    # a filtered copy: for the admin the category filter is dropped, so the household stays on it
    filtered = client.get("/tai-ve/ho-gia-dinh.csv", query_string={"category": "poor"}).data.decode("utf-8-sig")
    assert ("Lâm Thị Yến" in filtered) == (role == "admin")
    assert _views(app, "list.export") == 5


@pytest.fixture
def tokens(app, world):
    s = app.extensions["subsidy.sessionmaker"]()
    admin = factories.user(s, "admin", "quantri-api", row=True)
    out = {}
    for role in ("clerk", "province_officer", "admin"):
        user = admin if role == "admin" else factories.user(s, role, f"{role}-api", row=True)
        out[role] = users.create_api_token(s, user, f"{role} tool", admin)
    s.commit()
    s.close()
    return out


@pytest.mark.parametrize("role", ["clerk", "province_officer", "admin"])
def test_api(app, client, world, tokens, role):
    from tests.api.test_api_v1 import conforms

    auth = {"Authorization": f"Bearer {tokens[role]}"}
    one = conforms(client.get(f"/api/v1/households/{world['household']}", headers=auth),
                   "/households/{household_id}").get_json()
    listed = conforms(client.get("/api/v1/households", headers=auth), "/households").get_json()["items"][0]
    appl = conforms(client.get(f"/api/v1/applications/{world['application']}", headers=auth),
                    "/applications/{application_id}").get_json()
    if role == "admin":
        for body in (one, listed):
            assert [body[k] for k in ("category", "list_year", "decision_number", "decision_date",
                                      "status_in_force")] == [None] * 5
        assert one["statuses"] is None
        assert appl["household"]["category"] is None and appl["household"]["status_in_force"] is None
        assert appl["priority_tier"] is None
        assert "cận nghèo" not in json.dumps(one, ensure_ascii=False) + json.dumps(appl, ensure_ascii=False)
        refused = conforms(client.get("/api/v1/households", headers=auth, query_string={"category": "poor"}),
                           "/households")
        assert refused.status_code == 422
        assert [e["name"] for e in refused.get_json()["errors"]] == ["category"]
    else:
        assert (one["category"], one["list_year"], one["decision_number"]) == ("poor", 2025, DECISION)
        assert one["status_in_force"]["status"] == "near_poor" and one["status_in_force"]["label"] == "Hộ cận nghèo"
        assert [(s["year"], s["status"]) for s in one["statuses"]] == [(2026, "near_poor")]
        assert listed["status_in_force"] == one["status_in_force"]
        assert appl["priority_tier"] == 4 and appl["household"]["status_in_force"]["status"] == "near_poor"
        ok = client.get("/api/v1/households", headers=auth, query_string={"category": "poor"})
        assert ok.status_code == 200
    # reads stay audited
    assert _views(app, "api.household.read") == 1 and _views(app, "api.application.read") == 1


def test_audit_log_page_and_export(client, make_user, world):
    make_user("quantri-log", "admin")
    make_user("lanhdao-log", "approver")
    filters = {"entity_type": "household"}

    def cells() -> str:
        book = load_workbook(io.BytesIO(client.get("/quan-tri/nhat-ky.xlsx", query_string=filters).data))
        return "\n".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None)

    assert login(client, "quantri-log").status_code == 302
    text = _text(client.get("/quan-tri/nhat-ky", query_string=filters).get_data(as_text=True))
    xlsx = cells()
    for shown in (text, xlsx):
        assert "Hộ cận nghèo" not in shown and "Hộ nghèo" not in shown and DECISION not in shown
    assert f"Phân loại hộ: {POVERTY_HIDDEN} → {POVERTY_HIDDEN}" in xlsx
    assert f"Số quyết định: {POVERTY_HIDDEN} → {POVERTY_HIDDEN}" in xlsx
    assert f"Tình trạng năm 2025: {POVERTY_HIDDEN} → {POVERTY_HIDDEN}" in xlsx
    assert "Không có tên" not in xlsx and "Không có tên" not in text
    client.post("/dang-xuat")
    assert login(client, "lanhdao-log").status_code == 302
    xlsx = cells()
    assert "Phân loại hộ: Hộ cận nghèo → Hộ nghèo" in xlsx and f"Số quyết định: (trống) → {DECISION}" in xlsx
    assert "Tình trạng năm 2025: Hộ nghèo → Không có trong danh sách" in xlsx
    assert "Loại giấy tờ: CMND (cũ) → CCCD" in xlsx  # the paper's kind in words, never its code
    assert "Không có tên trong danh sách năm 2025 của xã" in xlsx
    assert POVERTY_HIDDEN not in xlsx


def test_application_page(app, client, login_as, world):
    """The check's E1 explanation quotes the household's status and the tier tells poor from
    near-poor: the clerk reads both, the admin «(ẩn)» for each."""
    from subsidy.services import rulesets

    s = app.extensions["subsidy.sessionmaker"]()
    rulesets.load_shipped(s)
    h = factories.household(s, head_name="Tạ Văn Út", hamlet=HAMLET, category="near_poor", list_year=2026,
                            prior_device="none", head_birth_year=1970)
    a = factories.application(s, h, state="received", received_on=dt.date(2026, 3, 2))
    s.commit()
    s.close()
    login_as("clerk")
    assert client.post(f"/ho-so/{a.id}/kiem-tra").status_code == 302
    clerk_text = _text(client.get(f"/ho-so/{a.id}").get_data(as_text=True))
    title = "Hộ nghèo hoặc hộ cận nghèo trong danh sách của năm"  # the rule's title: no household's status
    e1 = re.search(rf"E1 Đạt {title} (.*?) Căn cứ", clerk_text).group(1)
    assert e1 == "Là hộ cận nghèo trong danh sách năm 2026." and "Mức ưu tiên P4" in clerk_text
    client.post("/dang-xuat")
    login_as("admin")
    before = _views(app, "application.view")
    admin_text = _text(client.get(f"/ho-so/{a.id}").get_data(as_text=True))
    assert _views(app, "application.view") == before + 1
    assert f"E1 Đạt {title} {POVERTY_HIDDEN} Căn cứ" in admin_text and e1 not in admin_text
    assert f"Mức ưu tiên {POVERTY_HIDDEN}" in admin_text and "P4" not in admin_text
