"""The CCCD warning a household keeps quotes the head's CCCD («Số CCCD 082194184616 cho biết năm sinh
1994 …»): the household page and its history show it as the CCCD itself is shown — in full to the
commune's clerk and approver, masked to the admin (domain.scope.shown_value; domain.md §9)."""
from __future__ import annotations

import html

from sqlalchemy import select

from subsidy.models import Household
from tests.conftest import login
from tests.web.test_households_web import form_data

CCCD = "082194184616"
MASKED = "********4616"  # eight stars, the last four digits


def _page(app, username: str, household_id: int) -> str:
    client = app.test_client()
    assert login(client, username).status_code == 302
    resp = client.get(f"/ho-gia-dinh/{household_id}")
    assert resp.status_code == 200
    return html.unescape(resp.get_data(as_text=True))


def test_the_cccd_warning_is_masked_like_the_cccd(app, client, make_user):
    make_user("clerk", "clerk")
    make_user("approver", "approver")
    make_user("admin", "admin")
    assert login(client, "clerk").status_code == 302
    resp = client.post("/ho-gia-dinh/them", data=form_data(head_birth_year="1990", confirm_citizen_id_warning="y"))
    assert resp.status_code == 302
    s = app.extensions["subsidy.sessionmaker"]()
    hh = s.scalar(select(Household))
    warning, household_id = hh.citizen_id_warning, hh.id
    s.close()
    assert CCCD in warning and "1994" in warning

    admin = _page(app, "admin", household_id)
    assert CCCD not in admin  # neither the box, the warning, nor the history's «tạo hộ» entry
    assert warning.replace(CCCD, MASKED) in admin  # the warning, masked, in the box
    assert admin.count(warning.replace(CCCD, MASKED)) == 2  # and in the history's creation entry
    for role in ("clerk", "approver"):
        page = _page(app, role, household_id)
        assert page.count(warning) == 2, role  # the box and the history, in full
