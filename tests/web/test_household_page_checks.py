"""The household form refuses a recognition decision dated after today (the one rule for dates
of things that have happened: domain.calendar.after_today_message), and the household page links to
the household's application instead of offering a second one (domain.md §5: one application per
household per programme)."""
from __future__ import annotations

import datetime as dt
import html

import pytest
from sqlalchemy import func, select

from subsidy.domain.calendar import today_vn
from subsidy.models import Household
from subsidy.services import households as svc
from tests import factories


def form_data(**kw):
    base = {"code": "8277490478", "head_name": "Đinh Hồng Tư", "head_birth_year": "1994", "head_gender": "F",
            "citizen_id": "082194184616", "hamlet": "Ấp Phú Thành", "members": "5", "phone": "0771214365",
            "category": "near_poor", "list_year": "2025", "decision_number": "12/QĐ-UBND", "decision_date": "",
            "prior_device": "unknown", "prior_device_detail": "", "prior_device_date": ""}
    base.update(kw)
    return base


def _households(app) -> int:
    sess = app.extensions["subsidy.sessionmaker"]()
    try:
        return sess.scalar(select(func.count()).select_from(Household))
    finally:
        sess.close()


@pytest.mark.parametrize("typed", ["01/01/2030", None])
def test_a_decision_dated_after_today_is_refused_with_the_date_and_today(app, client, login_as, typed):
    login_as("clerk")
    today = today_vn()
    day = dt.date(2030, 1, 1) if typed else today + dt.timedelta(days=1)
    resp = client.post("/ho-gia-dinh/them", data=form_data(decision_date=typed or day.strftime("%d/%m/%Y")))
    assert resp.status_code == 422
    page = html.unescape(resp.get_data(as_text=True))
    expected = (f"Ngày quyết định công nhận hộ ({day.day:02d}/{day.month:02d}/{day.year}) không được sau ngày "
                f"hôm nay ({today.day:02d}/{today.month:02d}/{today.year}). Hãy kiểm tra lại ngày (ngày/tháng/năm).")
    assert expected in page
    assert _households(app) == 0


def test_a_decision_dated_today_or_before_is_saved(app, client, login_as):
    login_as("clerk")
    today = today_vn()
    resp = client.post("/ho-gia-dinh/them", data=form_data(decision_date=today.strftime("%d/%m/%Y")))
    assert resp.status_code == 302
    assert _households(app) == 1


def test_the_service_refuses_a_future_decision_date_by_its_field(session):
    data = svc.HouseholdInput(code="8277490478", head_name="Đinh Hồng Tư", hamlet="Ấp Phú Thành", category="near_poor",
                              members=5, head_birth_year=1994, head_gender="F", citizen_id="082194184616",
                              decision_date=today_vn() + dt.timedelta(days=1))
    with pytest.raises(svc.InvalidHousehold) as err:
        svc.register_household(session, data, None)
    assert set(err.value.field_errors) == {"decision_date"}


def test_the_page_of_a_household_with_an_application_links_to_it(app, client, login_as):
    login_as("clerk")
    sess = app.extensions["subsidy.sessionmaker"]()
    with_app = factories.applicant(sess, code="8250419218", head_name="Mai Minh Nghĩa")
    application = factories.application(sess, with_app)
    without = factories.applicant(sess, code="8273300726", head_name="Lâm Thành Nghĩa")
    sess.commit()
    ids = (with_app.id, application.id, without.id)
    sess.close()
    page = client.get(f"/ho-gia-dinh/{ids[0]}").get_data(as_text=True)
    assert f'href="/ho-so/{ids[1]}">Xem hồ sơ đề nghị hỗ trợ (' in page
    assert "Nhận hồ sơ đề nghị hỗ trợ" not in page and "/ho-so/moi" not in page
    page = client.get(f"/ho-gia-dinh/{ids[2]}").get_data(as_text=True)
    assert f'href="/ho-so/moi?household_id={ids[2]}">Nhận hồ sơ đề nghị hỗ trợ<' in page
    assert "Xem hồ sơ đề nghị hỗ trợ" not in page


def test_long_words_wrap_in_headings_list_rows_and_facts():
    """A 500-letter name in the import preview made the page 6214 px wide on a 390 px phone (measured
    in Chromium); the rows, headings and facts that show names break such a word anywhere."""
    import re
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "subsidy/static/css/app.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    wrapping = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if "overflow-wrap:anywhere" in body.replace(" ", ""):
            wrapping |= {s.strip() for s in selectors.split(",")}
    assert {"h1", ".app-row", "dl.facts dd", ".msg", ".flash"} <= wrapping
    facts = re.search(r"dl\.facts\{[^}]*grid-template-columns:([^;}]*)", css).group(1)
    assert facts.endswith("minmax(0,1fr)")  # a 1fr column would grow to the longest word


@pytest.mark.parametrize("typed", ["X1", "Hiếu1", "Đặng Thành Dũ\u0303\u0303\u0303ng", ""])
def test_a_wrong_name_on_the_edit_form_is_told_under_its_field(login_as, client, session, household, typed):
    """The edit form with a name that cannot be read answers 422 with the name's message, as the
    «Thêm hộ» form does (it was a 500: the deciding facts were compared with the name missing)."""
    import re

    login_as("clerk")
    hh = household(code="8250419218", head_name="Mai Minh Nghĩa", hamlet="Ấp Phú Hòa", category="poor")
    session.commit()
    page = client.get(f"/ho-gia-dinh/{hh.id}/sua").get_data(as_text=True)
    data = dict(re.findall(r'name="([a-z_]+)"[^>]*value="([^"]*)"', page))
    data.update(head_name=typed, code=hh.code, hamlet="Ấp Phú Hòa", members="1", category="poor")
    resp = client.post(f"/ho-gia-dinh/{hh.id}/sua", data=data)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Họ tên" in html or "họ tên" in html
    session.expire_all()
    assert session.get(type(hh), hh.id).head_name == "Mai Minh Nghĩa"
