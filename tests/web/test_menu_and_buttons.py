"""The menu comes from one table (subsidy.web.menu.MENU) and the application page's workflow buttons
from the transition table (subsidy.domain.workflow.TRANSITIONS) for the signed-in role.

The expected buttons are computed here from TRANSITIONS with this file's own map of each move to
the address its button uses, and a few cases are written out by hand."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from subsidy.domain.workflow import STATES, TRANSITIONS
from subsidy.models import Application, ProposalList
from subsidy.web.menu import MENU
from tests.conftest import login
from tests import factories
from tests.handover_support import handover_input, imei

ROLES = ("clerk", "approver", "admin", "radio", "province_officer", "province_approver")

# ------------------------------------------------------------------------------------------ menu

MENU_BY_HAND = {
    "clerk": ["Hộ gia đình", "Nhập danh sách", "Hồ sơ", "Danh sách", "Biên bản", "Khiếu nại", "Báo cáo", "Số liệu phát thanh",
              "Bộ quy tắc"],
    "approver": ["Hộ gia đình", "Hồ sơ", "Danh sách", "Biên bản", "Khiếu nại", "Báo cáo", "Số liệu phát thanh", "Bộ quy tắc",
                 "Nhật ký"],
    "admin": ["Hộ gia đình", "Báo cáo", "Số liệu phát thanh", "Bộ quy tắc", "Xã", "Tài khoản",
              "Nhật ký", "Sao lưu", "Cài đặt"],
    "radio": ["Số liệu phát thanh"],
    "province_officer": ["Tỉnh", "Hộ gia đình", "Hồ sơ", "Danh sách", "Khiếu nại", "Báo cáo"],
    "province_approver": ["Tỉnh", "Hộ gia đình", "Hồ sơ", "Danh sách", "Khiếu nại", "Báo cáo"],
}


def _menu(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="menu">(.*?)</nav>', html, re.S)
    assert nav, "no staff menu"
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1))


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_its_menu_entries_and_may_open_each(app, client, login_as, role):
    login_as(role)
    shown = _menu(client.get("/").get_data(as_text=True))
    with app.test_request_context():
        from flask import url_for

        expected = [(url_for(e.endpoint), e.label) for e in MENU if role in e.roles]
    assert shown == expected
    assert [label for _href, label in shown] == MENU_BY_HAND[role]
    for href, label in shown:
        assert client.get(href).status_code == 200, f"{role} cannot open «{label}» ({href})"


def test_the_open_page_is_highlighted(client, login_as):
    login_as("clerk")
    nav = re.search(r'<nav class="menu">(.*?)</nav>', client.get("/ho-so/?state=received").get_data(as_text=True), re.S)
    assert re.findall(r'class="on">([^<]+)</a>', nav.group(1)) == ["Hồ sơ"]


@pytest.mark.parametrize("path, entry", [("/quan-tri/tai-khoan", "Tài khoản"), ("/quan-tri/nhat-ky", "Nhật ký")])
def test_two_entries_of_one_blueprint_are_highlighted_apart(client, login_as, path, entry):
    login_as("admin")
    nav = re.search(r'<nav class="menu">(.*?)</nav>', client.get(path).get_data(as_text=True), re.S)
    assert re.findall(r'class="on">([^<]+)</a>', nav.group(1)) == [entry]


def test_menu_roles_are_among_the_roles_each_page_admits(app):
    for entry in MENU:
        admitted = app.view_functions[entry.endpoint].required_roles
        assert entry.roles <= admitted, f"{entry.label}: menu shows it to {sorted(entry.roles - admitted)}"


# --------------------------------------------------------------------- application page buttons

#: How each move of the table shows on the application page: the last part of the address its
#: form posts to or its link opens. None: no button there (approve: on the list page, which the
#: page links; close: no page).
MOVE_ADDRESS = {
    "check": "kiem-tra", "recheck": "kiem-tra", "propose": "de-nghi", "unpropose": "bo-khoi-danh-sach",
    "withdraw": "rut", "refuse": "tu-choi", "reopen": "mo-lai", "hand_over": "ban-giao", "pay": "chi-tien",
    "void_handover": "huy", "void_payment": "huy", "approve": "list", "close": None, "correct": "sua",
}
_MOVES_RE = re.compile(r'(?:action|href)="/ho-so/(\d+)/(kiem-tra|de-nghi|bo-khoi-danh-sach|rut|tu-choi|mo-lai|'
                       r'ban-giao|chi-tien|thiet-bi|sua)"|href="/bien-ban/\d+/(huy)"')

#: (state, form of support) of each application built below: every state once, with the cash
#: form for "paid" and an approved cash application besides.
CASES = [(s, "cash" if s == "paid" else "package") for s in STATES] + [("approved", "cash")]


def _expected(state: str, form: str, role: str) -> set[str]:
    """What the page should offer, from TRANSITIONS: the addresses of the moves ``role`` may make
    from ``state``; a support move only for its own form of support; "thiet-bi" (the E2 form,
    for a household whose prior device is unknown) whenever the check is offered."""
    names = {m.name for (s, _t), m in TRANSITIONS.items() if s.value == state and role in m.roles}
    names -= {"pay"} if form == "package" else {"hand_over"}
    out = {MOVE_ADDRESS[n] for n in names if MOVE_ADDRESS[n]}
    if "kiem-tra" in out:
        out.add("thiet-bi")
    if state == "received" and role == "clerk":
        out.add("sua")  # a correction before any check moves nothing, but the form is there
    return out


def _shown(html: str, app_id: int) -> set[str]:
    found = set()
    for page_id, slug, void in _MOVES_RE.findall(html):
        if void:
            found.add("huy")
        elif int(page_id) == app_id:
            found.add(slug)
    if "Phê duyệt theo cả danh sách" in html:
        found.add("list")
    return found


@pytest.fixture
def applications_in_every_state(app):
    """{(state, form): application id}, committed: approved applications moved to each state; the
    handed-over one by a recorded handover, the paid one by a recorded cash payment (so each has a
    live receipt), the proposed one on a draft list."""
    from subsidy.services import handovers

    ids = {}
    with app.extensions["subsidy.sessionmaker"]() as s:
        clerk = factories.user(s, "clerk", "nguoighi", row=True)
        draft = ProposalList(number="01/2026", created_on=dt.date(2026, 2, 1), status="draft")
        s.add(draft)
        s.flush()
        for n, (state, form) in enumerate(CASES):
            a = factories.approved(s, form=form)
            if state == "handed_over":
                handovers.record_handover(s, a.id, handover_input(imei(900 + n)), clerk, today=dt.date(2026, 3, 10))
            elif state == "paid":
                handovers.record_cash_payment(s, a.id, handovers.CashPaymentInput(
                    paid_on=dt.date(2026, 3, 10), recipient_name="Huỳnh Mỹ Nhung",
                    recipient_citizen_id="082195004321", recipient_relation="Con gái chủ hộ, có tên trong thông tin cư trú của hộ", confirm_recipient=True), clerk,
                    today=dt.date(2026, 3, 10))
            else:
                a.state = state
                if state == "proposed":
                    a.proposal_list_id = draft.id
            ids[(state, form)] = a.id
        s.commit()
        assert {(st, f): s.get(Application, i).state for (st, f), i in ids.items()} == {c: c[0] for c in CASES}
    return ids


#: A few cases written out by hand: role → {(state, form): what the page offers}.
BY_HAND = {
    "clerk": {("received", "package"): {"kiem-tra", "thiet-bi", "rut", "sua"},
              ("eligible", "package"): {"kiem-tra", "thiet-bi", "de-nghi", "rut", "sua"},
              ("proposed", "package"): {"bo-khoi-danh-sach", "rut", "sua"},
              ("approved", "package"): {"ban-giao", "rut", "sua"},
              ("approved", "cash"): {"chi-tien", "rut", "sua"},
              ("handed_over", "package"): set(),
              ("withdrawn", "package"): {"mo-lai"},
              ("refused", "package"): set()},
    "approver": {("received", "package"): {"rut", "tu-choi"},
                 ("proposed", "package"): {"list", "rut", "tu-choi"},
                 ("approved", "package"): {"rut", "tu-choi"},
                 ("handed_over", "package"): {"huy"},
                 ("paid", "cash"): {"huy"},
                 ("withdrawn", "package"): set(),
                 ("refused", "package"): {"mo-lai"},
                 ("closed", "package"): set()},
    "admin": {case: set() for case in CASES},
}


@pytest.mark.parametrize("role", ["clerk", "approver", "admin"])
def test_buttons_are_the_moves_the_table_allows_the_role(app, client, make_user, applications_in_every_state, role):
    make_user("nguoixem", role)
    login(client, "nguoixem")
    shown = {}
    for (state, form), app_id in applications_in_every_state.items():
        shown[(state, form)] = _shown(client.get(f"/ho-so/{app_id}").get_data(as_text=True), app_id)
    assert shown == {(state, form): _expected(state, form, role) for state, form in CASES}
    assert {case: shown[case] for case in BY_HAND[role]} == BY_HAND[role]


def test_receipt_page_offers_the_void_to_the_approver_only(app, client, make_user, applications_in_every_state):
    from subsidy.models import Receipt

    with app.extensions["subsidy.sessionmaker"]() as s:
        rid = s.query(Receipt.id).filter(
            Receipt.application_id == applications_in_every_state[("handed_over", "package")]).scalar()
    make_user("lanhdao", "approver")
    make_user("canbo", "clerk")
    login(client, "lanhdao")
    assert f'href="/bien-ban/{rid}/huy">Hủy biên bản bàn giao…</a>' in client.get(f"/bien-ban/{rid}").get_data(as_text=True)
    client.post("/dang-xuat")
    login(client, "canbo")
    assert f"/bien-ban/{rid}/huy" not in client.get(f"/bien-ban/{rid}").get_data(as_text=True)
