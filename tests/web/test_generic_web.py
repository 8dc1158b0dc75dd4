"""Behaviour every page shares: ids too large for any table answer 404 before a query."""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from subsidy.web.ids import MAX_ROW_ID, row_id

# PostgreSQL INTEGER is 32 bits; SQLite raised OverflowError from 2**63.
HUGE = (2**31, 2**63, 2**64, 99999999999999999999)


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if ints:
            yield rule, ints


def _url(rule, ints, value: int) -> str:
    """The rule's address with ``value`` for each int and a plain word for the other parts."""
    path = rule.rule
    for name in ints:
        path = path.replace(f"<int:{name}>", str(value))
    others = {"<slug>": "danh-sach", "<ext>": "pdf", "<target>": "thu-ly", "<path:filename>": "x.css"}
    for k, v in others.items():
        path = path.replace(k, v)
    assert "<" not in path, path
    return path


def test_every_int_route_uses_the_row_id_bound(app):
    rules = list(_int_rules(app))
    assert len(rules) >= 50  # web and API together
    for rule, ints in rules:
        for name in ints:
            assert rule._converters[name].max == 2**31 - 1, rule.rule


@pytest.mark.parametrize("role", ["admin", "clerk", "approver"])
def test_every_int_route_answers_404_to_a_huge_id(app, client, login_as, role):
    login_as(role)
    checked = 0
    for rule, ints in _int_rules(app):
        for value in HUGE:
            url = _url(rule, ints, value)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                resp = client.open(url, method=method)
                assert resp.status_code == 404, (method, url, resp.status_code)
                checked += 1
    assert checked >= 4 * 50


def test_the_api_answers_problem_json_404(client, make_user):
    resp = client.get(f"/api/v1/households/{2**63}")
    assert resp.status_code == 404
    assert resp.mimetype == "application/problem+json"


def test_the_largest_id_is_still_an_id_that_names_no_row(client, login_as):
    login_as("clerk")
    assert client.get(f"/ho-gia-dinh/{MAX_ROW_ID}").status_code == 404


@pytest.mark.parametrize("value", [str(2**63), str(2**64), "99999999999999999999", "-3", "0", "abc", "", " 7x"])
def test_query_string_household_id_names_no_household(client, login_as, value):
    login_as("clerk")
    resp = client.get(f"/ho-so/moi?household_id={value}")
    assert resp.status_code == 200
    assert row_id(value) is None


def test_row_id_parses_plain_ids():
    assert row_id("42") == 42
    assert row_id(" 42 ") == 42
    assert row_id(MAX_ROW_ID) == MAX_ROW_ID
    assert row_id(MAX_ROW_ID + 1) is None
    assert row_id(None) is None


# --- GET on an action that only a button may send --------------------------------------------

from subsidy.web.errors import ACTION_BY_BUTTON  # noqa: E402


@pytest.mark.parametrize("action, owner", [
    ("/danh-sach/1/trinh", "/danh-sach/1"),
    ("/danh-sach/phan-bo", "/danh-sach/"),
    ("/ho-so/3/kiem-tra", "/ho-so/3"),
    ("/ho-gia-dinh/4/luu-tru", "/ho-gia-dinh/4"),
])
def test_reloading_an_action_goes_back_to_its_page_and_says_why(client, login_as, action, owner):
    login_as("clerk")
    resp = client.get(action)
    assert resp.status_code == 303
    assert resp.headers["Location"] == owner
    page = client.get("/danh-sach/").get_data(as_text=True)  # the flash is shown on the next page
    assert "chỉ thực hiện được bằng nút trên trang" in page


def test_an_action_with_no_page_above_it_says_so_and_links_back(client, login_as):
    login_as("clerk")
    resp = client.get("/dang-xuat", headers={"Referer": "http://localhost/ho-so"})
    assert resp.status_code == 405
    assert "POST" in resp.headers["Allow"]
    page = resp.get_data(as_text=True)
    assert "chỉ thực hiện được bằng nút trên trang" in page
    assert 'href="/ho-so">Quay lại trang trước' in page
    # a referrer on another site is not linked
    other = client.get("/dang-xuat", headers={"Referer": "https://example.com/x"}).get_data(as_text=True)
    assert "Quay lại trang trước" not in other


def test_the_api_keeps_its_plain_405(client):
    resp = client.get("/api/v1/applications/1/corrections")
    assert resp.status_code == 405
    assert resp.mimetype == "application/problem+json"


def test_the_message_says_what_and_how():
    assert "Chưa có gì thay đổi" in ACTION_BY_BUTTON and "hãy bấm lại nút" in ACTION_BY_BUTTON


# --- a form given back with its errors answers 422 ----------------------------------------------

def test_add_hamlet_refused_is_given_back_with_422(app, client, login_as):
    from sqlalchemy import select

    from subsidy.models import Commune
    from tests.page_forms import seen

    login_as("admin")
    client.get("/")  # makes the first commune from the defaults
    s = app.extensions["subsidy.sessionmaker"]()
    commune_id = s.scalar(select(Commune.id))
    s.close()
    empty = client.post(f"/quan-tri/xa/{commune_id}/ap", data={"name": ""})
    assert empty.status_code == 422
    assert 'action="/quan-tri/xa/%d/ap"' % commune_id in empty.get_data(as_text=True)
    formula = client.post(f"/quan-tri/xa/{commune_id}/ap", data={"name": "=1+2", "seen": seen(client, f"/quan-tri/xa/{commune_id}")})
    assert formula.status_code == 422
    assert "bắt đầu bằng ký tự «=»" in formula.get_data(as_text=True)
    assert 'value="=1+2"' in formula.get_data(as_text=True)  # what was typed is kept
    ok = client.post(f"/quan-tri/xa/{commune_id}/ap", data={"name": "Ấp Mới", "seen": seen(client, f"/quan-tri/xa/{commune_id}")})
    assert ok.status_code == 302


def test_a_commune_role_without_a_commune_is_given_back_with_422(app, client, login_as):
    from subsidy.services import communes

    s = app.extensions["subsidy.sessionmaker"]()
    communes.create_commune(s, communes.CommuneInput(code="XAA", name="xã An"), None)
    communes.create_commune(s, communes.CommuneInput(code="XAB", name="xã Bình"), None)
    s.commit()
    s.close()
    login_as("admin")
    resp = client.post("/quan-tri/tai-khoan/tao", data={"username": "thuha", "full_name": "Lê Thu Hà",
                                                         "role": "clerk", "commune": ""})
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert 'value="thuha"' in page


@pytest.mark.parametrize("query", ["ky=thang&thang=abc", "ky=nam&nam=abc", "ky=thang&thang=2099-01"])
def test_the_report_chooser_with_a_mistake_answers_422(client, login_as, query):
    login_as("clerk")
    assert client.get(f"/bao-cao?{query}").status_code == 422
    assert client.get("/bao-cao").status_code == 200
    assert client.get("/bao-cao?ky=nam&nam=2026").status_code == 200


# --- the public status check of a refused application --------------------------------------------

def test_a_refused_application_s_status_says_how_to_complain(app, client):
    import html

    from tests.web.test_public_status import CODE, add_application, check

    add_application(app, state="refused")
    resp = check(client, CODE, "5678")
    assert resp.status_code == 200
    page = " ".join(html.unescape(resp.get_data(as_text=True)).split())
    assert "Hồ sơ không được chấp thuận." in page
    assert ("Nếu không đồng ý, chủ hộ có quyền khiếu nại: nộp đơn hoặc đến trình bày trực tiếp tại Bộ phận "
            "tiếp nhận và trả kết quả của Ủy ban nhân dân xã trong vòng 90 ngày") in page


def test_list_filters_take_the_whole_line_on_a_phone(client):
    """At 390 px a select shrunk to share a line cut its choice («Thiết bị đã nhậ»): below 700 px
    each select of the list filters takes the whole width (tests/e2e/screens shows it)."""
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert "@media (max-width:699px){.list-filters select,.hh-filters select{flex:1 1 100%}}" in css
