"""The correction form on the application page: every mistake at once (422, typed values kept),
a good correction re-checks at once; refused after handover; no form for an approver."""
from __future__ import annotations

import datetime as dt
import html

from sqlalchemy import select

from subsidy.domain.calendar import today_vn
from subsidy.models import Application, AuditEntry, User
from subsidy.services import applications, rulesets
from tests import factories
from tests.page_forms import seen

TODAY = today_vn()


def _cash_app(app, clerk_name="clerk", purchase=dt.date(2022, 12, 1)) -> int:
    s = app.extensions["subsidy.sessionmaker"]()
    clerk = s.scalar(select(User).where(User.username == clerk_name))
    rulesets.load_shipped(s)
    h = factories.applicant(s, list_year=TODAY.year)
    a = applications.apply(s, applications.ApplicationInput(
        household_id=h.id, support_form="cash", received_on=TODAY - dt.timedelta(days=3), purchase_date=purchase,
        evidence_note="Hóa đơn"), clerk)
    applications.check_eligibility(s, a, clerk)
    s.commit()
    out = a.id
    s.close()
    return out


def form(**over):
    data = {"received_on": (TODAY - dt.timedelta(days=3)).strftime("%d/%m/%Y"), "support_form": "cash",
            "purchase_date": "01/12/2023", "evidence_note": "Hóa đơn", "reason": "Gõ nhầm năm", "recheck": "y"}
    data.update(over)
    return data


def test_all_errors_at_once_then_the_fix_rechecks(app, client, login_as, read_session):
    login_as("clerk")
    app_id = _cash_app(app)
    page = client.get(f"/ho-so/{app_id}").get_data(as_text=True)
    assert "Sửa thông tin hồ sơ…" in page and 'value="01/12/2022"' in page

    resp = client.post(f"/ho-so/{app_id}/sua", data=form(reason="", purchase_date="31/02/2023",
                                                          received_on="01/01/2099"))
    assert resp.status_code == 422
    body = html.unescape(resp.get_data(as_text=True))
    assert "Hãy ghi rõ lý do sửa" in body
    assert 'value="31/02/2023"' in body and 'value="01/01/2099"' in body  # kept as typed
    assert body.count('class="error"') >= 2

    resp = client.post(f"/ho-so/{app_id}/sua", data=form(seen=seen(client, f"/ho-so/{app_id}")))
    assert resp.status_code == 302
    shown = html.unescape(client.get(resp.headers["Location"]).get_data(as_text=True))
    assert "ngày hộ mua điện thoại: 01/12/2022 → 01/12/2023" in shown
    assert "Kết quả kiểm tra lại: Đủ điều kiện" in shown
    a = read_session.get(Application, app_id)
    assert (a.state, a.purchase_date) == ("eligible", dt.date(2023, 12, 1))
    entry = read_session.scalars(select(AuditEntry).where(AuditEntry.action == "application.correction")).one()
    assert entry.changes == {"purchase_date": ["2022-12-01", "2023-12-01"]} and entry.note == "Gõ nhầm năm"


def test_refused_after_handover_and_hidden_for_an_approver(app, client, login_as, make_user):
    login_as("clerk")
    s = app.extensions["subsidy.sessionmaker"]()
    handed = factories.application(s, state="handed_over").id
    s.commit()
    s.close()
    assert "Sửa thông tin hồ sơ…" not in client.get(f"/ho-so/{handed}").get_data(as_text=True)
    resp = client.post(f"/ho-so/{handed}/sua", data=form(support_form="package", purchase_date=""))
    assert resp.status_code == 302
    assert "hủy biên bản" in html.unescape(client.get(resp.headers["Location"]).get_data(as_text=True))

    app_id = _cash_app(app)
    make_user("duyet", "approver")
    client.post("/dang-xuat")
    from tests.conftest import login
    login(client, "duyet")
    assert "Sửa thông tin hồ sơ…" not in client.get(f"/ho-so/{app_id}").get_data(as_text=True)
    assert client.post(f"/ho-so/{app_id}/sua", data=form()).status_code == 403
