"""The public status check shows the household's complaints and petitions by their number and
state only — never their text, category, outcome, reasons, dates, who filed them or whom a
denunciation names; nothing at all for a wrong second fact."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from subsidy.models import Household
from subsidy.services import complaints as svc
from tests import factories
from tests.web.test_public_status import CODE, add_application, check, text

TEXT = "Hộ hàng xóm Trần Văn Bảy được nhận máy trước dù không thuộc diện ưu tiên"


def _cases(app):
    s = app.extensions["subsidy.sessionmaker"]()
    clerk = factories.user(s, "clerk", "canbo-kn", full_name="Lê Thu Hà", row=True)
    approver = factories.user(s, "approver", "lanhdao-kn", full_name="Võ Minh Duyệt", row=True)
    h = s.scalar(select(Household))
    day = dt.date(2026, 11, 23)
    c = svc.record_case(s, svc.CaseInput(kind="complaint", filer="representative", filer_name="Đặng Thị Tư",
                                         channel="radio_hotline", category="priority", text=TEXT, household_id=h.id,
                                         received_on=day, contested_on=dt.date(2026, 11, 20),
                                         attachments_note="Giấy ủy quyền"), clerk, today=day)
    svc.move_case(s, c, "accepted", clerk, on=day, today=day)
    svc.move_case(s, c, "decided", approver, outcome="partly_upheld", reason="Xét lại thứ tự ưu tiên P2",
                  on=dt.date(2026, 11, 25), today=dt.date(2026, 11, 25))
    p = svc.record_case(s, svc.CaseInput(kind="petition", filer="head", channel="phone", category="quota",
                                         text="Hỏi chỉ tiêu", household_id=h.id, received_on=day), clerk, today=day)
    t = svc.record_case(s, svc.CaseInput(kind="denunciation", filer="head", channel="letter",
                                         category="staff_conduct", text="Cán bộ đòi tiền", household_id=h.id,
                                         received_on=day, named_user_id=approver.id), clerk, today=day)
    a = svc.record_case(s, svc.CaseInput(kind="petition", filer="anonymous", channel="letter", category="other",
                                         text="Thư không ký tên", household_id=h.id, received_on=day), clerk, today=day)
    s.commit()
    numbers = (c.case_number, p.case_number, t.case_number, a.case_number)
    s.close()
    return numbers


def test_the_status_check_shows_each_case_by_number_and_state_only(app, client):
    add_application(app)
    complaint, petition, denunciation, anonymous = _cases(app)
    body = text(check(client, CODE, "5678"))
    assert f"Đơn số {complaint}</dt><dd>Đã giải quyết</dd>" in body
    assert f"Đơn số {petition}</dt><dd>Đã tiếp nhận</dd>" in body
    assert denunciation not in body  # a denunciation is never shown (the denouncer is protected)
    assert anonymous not in body  # nor an anonymous letter: someone else may have sent it about the household
    for secret in (TEXT, "Trần Văn Bảy", "Thứ tự ưu tiên", "Khiếu nại đúng một phần", "Xét lại", "P2", "Đặng Thị Tư",
                   "Giấy ủy quyền", "Đường dây nóng", "Võ Minh Duyệt", "Lê Thu Hà", "Hỏi chỉ tiêu", "đòi tiền",
                   "23/11/2026", "25/11/2026", "Khiếu nại", "Kiến nghị", "Tố cáo"):
        assert secret not in body, secret


def test_a_wrong_second_fact_shows_no_case(app, client):
    add_application(app)
    complaint, petition, *_ = _cases(app)
    resp = check(client, CODE, "0000")
    assert resp.status_code == 404 and complaint not in text(resp) and petition not in text(resp)


def test_an_application_without_cases_still_answers_once(app, client):
    add_application(app)
    body = text(check(client, CODE, "5678"))
    assert "Hồ sơ đã được duyệt, chờ nhận điện thoại." in body and "Đơn số" not in body


def test_the_lookup_on_a_driver_cursor_returns_what_sqlalchemy_returns(app):
    """The status query runs on a DB-API cursor (services.status._status_rows); its rows equal
    SQLAlchemy's own execution of the same statement, conversions included (the aware UTC
    datetime; SQLite stores it as text), for a household with cases and for an unknown code."""
    from subsidy.services import status as status_svc

    add_application(app)
    _cases(app)
    engine = app.extensions["subsidy.engine"]
    for code in (CODE, "ZZZZ2222ZZ"):
        with engine.connect() as conn:
            expected = [tuple(r) for r in conn.execute(status_svc._STATUS_QUERY, {"code": code})]
        assert status_svc._status_rows(engine, code) == expected
    rows = status_svc._status_rows(engine, CODE)
    assert len(rows) == 2 and [r[9] for r in rows] == ["decided", "received"]
    assert rows[0][2] == dt.datetime(2026, 11, 20, 20, 0, tzinfo=dt.timezone.utc)
