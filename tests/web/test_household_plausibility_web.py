"""POST /ho-gia-dinh/them with the tester's junk: the form comes back (200) with the Vietnamese
reason under each field and nothing is stored; a real household still saves."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from subsidy.models import Household
from tests.web.test_households_web import form_data, text


def stored(app) -> list[tuple[str, str]]:
    sess = app.extensions["subsidy.sessionmaker"]()
    try:
        return [tuple(r) for r in sess.execute(select(Household.code, Household.head_name))]
    finally:
        sess.close()


@pytest.mark.parametrize("code, name, reasons", [
    ("X1", "a", ["Mã hộ «X1» chỉ có 2 ký tự", "Họ tên «a» chỉ có 1 chữ cái"]),
    ("<b>", "'; DROP TABLE--", ["Mã hộ «<b>» có ký tự «<»", "Họ tên «'; DROP TABLE--» có ký tự «;»"]),
])
def test_manual_entry_refuses_the_testers_values(app, client, login_as, code, name, reasons):
    login_as("clerk")
    resp = client.post("/ho-gia-dinh/them", data=form_data(code=code, head_name=name, citizen_id=""))
    assert resp.status_code == 422
    page = text(resp)
    for reason in reasons:
        assert reason in html.unescape(page)
    if code == "<b>":
        assert "«&lt;b&gt;»" in page  # shown escaped, never as markup
    assert stored(app) == []


def test_manual_entry_title_cases_a_lower_case_name(app, client, login_as):
    login_as("clerk")
    resp = client.post("/ho-gia-dinh/them", data=form_data(code="PT-0042", head_name="đinh hồng tư"))
    assert resp.status_code == 302
    assert stored(app) == [("PT-0042", "Đinh Hồng Tư")]
