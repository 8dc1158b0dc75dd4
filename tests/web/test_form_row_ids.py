"""Row ids sent in a form or a query string (a select's value, a hidden id, an audit filter) are
read by web.ids (row_id, chosen_id): a number past any table — 99999999999999999999, 2**63 (SQLite
raises OverflowError from there), 2**31 (PostgreSQL's INTEGER ends below it) — gives the form back
with a Vietnamese message (422), or is dropped as a filter that names nothing; never a 500. Run on
PostgreSQL too with TEST_DATABASE_URL."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from subsidy.domain.calendar import today_vn
from subsidy.models import Application, Complaint, Household, User
from subsidy.web.ids import NOT_IN_LIST, MAX_ROW_ID
from tests.web.test_applications_web import client_as, data  # noqa: F401 (fixture)

HUGE = ("99999999999999999999", str(2**63), str(2**31))
#: The forms' own message for a choice not in the list (forms.base.MESSAGES), written out here.
MESSAGE = "Lựa chọn không hợp lệ: hãy chọn một mục trong danh sách."


def _text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def _count(app, model) -> int:
    with app.extensions["subsidy.sessionmaker"]() as s:
        return s.scalar(select(func.count()).select_from(model))


def _under(page: str, label_for: str) -> list[str]:
    """The messages shown under the field whose label is ``for=label_for``."""
    m = re.search(rf'<div class="field has-error">\s*<label for="{label_for}">.*?</div>\s*</div>', page, re.S)
    return re.findall(r'<div class="error"[^>]*>([^<]*)</div>', m.group(0)) if m else []


def test_the_message_is_the_forms_own():
    assert NOT_IN_LIST == MESSAGE and MAX_ROW_ID == 2**31 - 1


@pytest.mark.parametrize("value", HUGE)
def test_a_household_id_past_any_row_is_refused_on_the_application_form(app, data, value):
    c = client_as(app, "clerk")
    r = c.post("/ho-so/moi", data={"household_id": value, "received_on": "05/11/2026", "support_form": "package"})
    assert r.status_code == 422 and MESSAGE in _text(r)
    assert _count(app, Application) == 0


@pytest.mark.parametrize("value", HUGE)
def test_a_named_account_past_any_row_is_refused_under_its_field(app, data, value):
    h = data["households"][0]
    with app.extensions["subsidy.sessionmaker"]() as s:
        code = s.get(Household, h).code
    c = client_as(app, "clerk")
    r = c.post("/khieu-nai/moi", data={
        "kind": "denunciation", "filer": "head", "channel": "in_person", "category": "staff_conduct",
        "text": "Cán bộ thu tiền của hộ", "household_code": code, "received_on": f"{today_vn():%d/%m/%Y}",
        "named_user": value})
    page = _text(r)
    assert r.status_code == 422
    assert _under(page, "named_user") == [MESSAGE]
    assert "Cán bộ thu tiền của hộ" in page  # as typed
    assert _count(app, Complaint) == 0


@pytest.mark.parametrize("value", [*HUGE, "999999", "abc"])
def test_an_account_s_commune_that_names_none_is_refused_under_the_field(app, data, value):
    """The create form and an account's role form: a commune past any row, one that does not
    exist (999999: it used to reach the foreign key, a 500) or no number at all."""
    c = client_as(app, "admin")
    r = c.post("/quan-tri/tai-khoan/tao", data={"username": "moi.x", "role": "clerk", "full_name": "Nguyễn Văn An",
                                                "commune": value})
    page = _text(r)
    assert r.status_code == 422 and _under(page, "commune") == [MESSAGE]
    assert 'value="Nguyễn Văn An"' in page
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.scalar(select(User).where(User.username == "moi.x")) is None
        clerk = s.scalar(select(User).where(User.username == "clerk"))
        clerk_id, commune_before = clerk.id, clerk.commune_id
    r = c.post(f"/quan-tri/tai-khoan/{clerk_id}", data={"role": "approver", "commune": value})
    assert r.status_code == 422 and _under(_text(r), "commune") == [MESSAGE]
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert (s.get(User, clerk_id).role, s.get(User, clerk_id).commune_id) == ("clerk", commune_before)


@pytest.mark.parametrize("value", [*HUGE, "9" * 5000, "²"])
def test_audit_log_filters_past_any_row_name_nothing(app, data, value):
    c = client_as(app, "admin")
    for url in ("/quan-tri/nhat-ky", "/quan-tri/nhat-ky.xlsx"):
        r = c.get(url, query_string={"actor": value, "entity_id": value, "entity_type": "application"})
        assert r.status_code == 200, url
