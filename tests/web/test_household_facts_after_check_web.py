"""The household form on a household whose application was approved: it says what a change of a
deciding fact does, asks for the reason, and the save sends the application back to be checked."""
from __future__ import annotations

import datetime as dt
import html
import re

from subsidy.models import Application, AuditEntry
from tests import factories
from tests.page_forms import seen


def _setup(app):
    sess = app.extensions["subsidy.sessionmaker"]()
    a = factories.approved(sess, head_name="Lê Văn Bảy", citizen_id="082070000123")
    ids = (a.household_id, a.id, factories.tracking_display(a))
    sess.commit()
    sess.close()
    return ids


def _form(client, hid: int, **kw):
    url = f"/ho-gia-dinh/{hid}/sua"
    data = {"code": "", "head_name": "Lê Văn Bảy", "head_birth_year": "", "head_gender": "", "citizen_id": "082070000123",
            "hamlet": "Ấp Phú Thạnh", "address": "Tổ 3", "members": "3", "phone": "", "category": "poor",
            "list_year": "2026", "decision_number": "", "decision_date": "", "prior_device": "unknown",
            "prior_device_detail": "", "prior_device_date": "", "seen": seen(client, url)}
    page = client.get(url).get_data(as_text=True)
    data["code"] = html.unescape(re.search(r'name="code"[^>]*value="([^"]*)"', page).group(1))
    data.update(kw)
    return client.post(url, data=data)


def test_the_form_warns_asks_the_reason_and_sends_it_back(app, client, login_as):
    hid, aid, code = _setup(app)
    login_as("clerk")
    page = client.get(f"/ho-gia-dinh/{hid}/sua").get_data(as_text=True)
    assert "Hộ có hồ sơ đã được kiểm tra" in page and "Đã được phê duyệt" in page and code in page
    assert "quay về «Đã tiếp nhận»" in page

    refused = _form(client, hid, category="near_poor")
    body = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422 and "Hãy ghi lý do sửa" in body and "(Phân loại hộ)" in body

    saved = _form(client, hid, category="near_poor", reason="Quyết định 15/QĐ-UBND ghi hộ cận nghèo")
    assert saved.status_code == 302
    shown = html.unescape(client.get(saved.headers["Location"]).get_data(as_text=True))
    assert f"Hồ sơ {code} đã quay về «Đã tiếp nhận»" in shown
    sess = app.extensions["subsidy.sessionmaker"]()
    assert sess.get(Application, aid).state == "received"
    notes = [e.note for e in sess.query(AuditEntry).filter(AuditEntry.action == "household.update")]
    assert notes == ["Quyết định 15/QĐ-UBND ghi hộ cận nghèo"]
    sess.close()
