"""A province in a real browser: the admin creates two communes, a clerk of each imports its list,
the province officer records the ministry's allocation and divides it between them, each clerk
sees only their own households; then each commune's clerk proposes a list of its eligible
applications, the approver of the commune's level approves it (xã An Phú: its own leadership; xã
Bình Mỹ: the province's approver), one household of each receives a phone, and the province's tally
shows both communes with the numbers of what this test did.

(The applications are received and checked through the services: the intake and check pages are
walked by the single-commune tests.)"""
from __future__ import annotations

import re
import threading
import datetime as dt
from typing import Any, Callable, Iterator

import pytest
from werkzeug.serving import make_server

from subsidy import create_app
from subsidy.db import upgrade_database
from subsidy.domain.calendar import today_vn
from subsidy.models import Commune, Household, User
from subsidy.models.scoping import set_commune
from subsidy.services import communes, rulesets, users
from tests import factories
from tests.conftest import DATA

PASSWORD = "Trau-cau-ruong-2026"
#: The samples are the 2025 lists: their households are checked on a day of 2025.
CHECKED_ON = dt.date(2025, 12, 1)


@pytest.fixture(scope="module")
def province_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    """The app on its own database (the other e2e tests use a single-commune one)."""
    db = tmp_path_factory.mktemp("e2e-province") / "province.sqlite3"
    url = f"sqlite:///{db}"
    upgrade_database(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "e2e-province", "TESTING": False,
                      "RATELIMIT_STORAGE_URI": "memory://",
                      "JOBS_IMMEDIATE": True})  # no job worker beside this server: imports run in the request
    s = app.extensions["subsidy.sessionmaker"]()
    users.create_user(s, "quantri", "admin", PASSWORD, None, full_name="Quản Trị", must_change_password=False)
    users.create_user(s, "so.khcn", "province_officer", PASSWORD, None, full_name="Cán Bộ Sở",
                      must_change_password=False)
    users.create_user(s, "duyet.tinh", "province_approver", PASSWORD, None, full_name="Lãnh Đạo Sở",
                      must_change_password=False)
    rulesets.load_shipped(s)
    s.commit()
    s.close()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.extensions["subsidy.engine"].dispose()


def _sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(base) + r"/(\?.*)?$"))


@pytest.fixture
def signed_in(province_app, browser) -> Iterator[Callable[[str], Any]]:
    """``signed_in(username)``: a page of that account's own browser context, signed in once (the
    sign-in form allows 10 attempts a minute per address: six accounts, six sign-ins), accepting
    the «data-confirm» questions."""
    _, base = province_app
    contexts: dict[str, Any] = {}

    def get(username: str) -> Any:
        if username not in contexts:
            ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
            pg = ctx.new_page()
            pg.set_default_timeout(20_000)
            pg.on("dialog", lambda dialog: dialog.accept())
            _sign_in(pg, base, username)
            contexts[username] = ctx
        return contexts[username].pages[0]

    yield get
    for ctx in contexts.values():
        ctx.close()


def _luhn_imei(prefix14: str) -> str:
    """``prefix14`` and its Luhn check digit (a valid IMEI)."""
    total = 0
    for i, ch in enumerate(reversed(prefix14)):
        d = int(ch)
        if i % 2 == 0:  # doubled: the digits at odd positions from the check digit's right
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return prefix14 + str((10 - total % 10) % 10)


def _eligible_applications(app: Any, code: str, n: int) -> list[int]:
    """``n`` of the commune's imported households apply and are checked eligible (services), in a
    Session set to the commune, as its clerk."""
    s = app.extensions["subsidy.sessionmaker"]()
    commune = s.query(Commune).filter_by(code=code).one()
    set_commune(s, commune.id)
    clerk = s.query(User).filter_by(username=f"canbo.{code.lower()}").one()
    ids = []
    for h in s.query(Household).filter(Household.category.in_(("poor", "near_poor"))).order_by(Household.id):
        if len(ids) == n:
            break
        try:
            with s.begin_nested():
                h.prior_device = "none"  # asked at the counter: no tablet or learning device before
                # checked in the year of the imported list (E1 reads the household's status that year)
                ids.append(factories.eligible(s, clerk, h, received_on=CHECKED_ON - dt.timedelta(days=5),
                                              on=CHECKED_ON).id)
        except AssertionError:  # e.g. a household the list marks as having had a device
            continue
    s.commit()
    s.close()
    assert len(ids) == n, (code, ids)
    return ids


def test_two_communes_import_share_the_quota_and_appear_on_the_province_tally(province_app, signed_in):
    app, base = province_app
    page = signed_in("quantri")
    for code, name, hamlets in (("XAA", "xã An Phú", ["Ấp Phú Hòa", "Ấp Phú Thành", "Ấp Phú Xuân", "Ấp Phú Lợi"]),
                                ("XAB", "xã Bình Mỹ", ["Ấp Phú Xuân", "Ấp Phú Thành"])):
        page.goto(f"{base}/quan-tri/xa/")
        page.fill("#code", code)
        page.fill("#name", name)
        page.get_by_role("button", name="Thêm xã").click()
        page.wait_for_url(re.compile(r"/quan-tri/xa/\d+$"))
        assert page.get_by_text(f"Đã thêm {name}").is_visible()
        for hamlet in hamlets:
            page.locator("form[action$='/ap'] input[name=name]").fill(hamlet)
            page.get_by_role("button", name="Thêm ấp / thôn").click()
            page.wait_for_load_state()
    s = app.extensions["subsidy.sessionmaker"]()
    ids = {c.code: c.id for c in communes.list_communes(s)}
    for code in ("XAA", "XAB"):
        users.create_user(s, f"canbo.{code.lower()}", "clerk", PASSWORD, None, full_name=f"Công chức {code}",
                          must_change_password=False, commune_id=ids[code])
    # xã An Phú's lists are approved by its own leadership, xã Bình Mỹ's by the province
    users.create_user(s, "duyet.xaa", "approver", PASSWORD, None, full_name="Chủ Tịch An Phú",
                      must_change_password=False, commune_id=ids["XAA"])
    s.get(Commune, ids["XAB"]).approval_level = "province"
    s.commit()
    s.close()

    for username, sample, new in (("canbo.xaa", "ho-ngheo-2025-phu-tan.xlsx", 180),
                                  ("canbo.xab", "ho-ngheo-2025-bo-sung.csv", 40)):
        page = signed_in(username)
        page.goto(f"{base}/nhap-danh-sach/")
        page.set_input_files("input[type=file]", str(DATA / sample))
        page.get_by_role("button", name="Tải lên và xem trước").click()
        page.wait_for_selector("form.confirm-import")
        assert re.search(rf"Thêm mới\D{{0,40}}{new}", page.content())
        page.get_by_role("button", name="Xác nhận nhập").click()
        page.wait_for_load_state()
    # each clerk sees only their own households
    page.goto(f"{base}/ho-gia-dinh/?q=mai+minh+nghia")
    assert "Mai Minh Nghĩa" not in page.content()  # xã An Phú's household, not xã Bình Mỹ's
    page.goto(f"{base}/ho-gia-dinh/?q=huynh+bich+hoa")
    assert page.get_by_text("Huỳnh Bích Hoa").first.is_visible()

    page = signed_in("so.khcn")
    page.goto(f"{base}/tinh/")
    page.fill("form[action$='/tinh/nhan'] input[name=quantity]", "100")
    page.fill("form[action$='/tinh/nhan'] input[name=allocated_on]", "2026-01-10")
    page.fill("form[action$='/tinh/nhan'] input[name=source_document]", "QĐ 100/QĐ-BKHCN")
    page.locator("form[action$='/tinh/nhan'] button").click()
    page.wait_for_load_state()
    for commune, quantity in (("xã An Phú", "60"), ("xã Bình Mỹ", "30")):
        page.select_option("select[name=commune]", label=commune)
        page.fill("form[action$='/tinh/chia'] input[name=quantity]", quantity)
        page.fill("form[action$='/tinh/chia'] input[name=allocated_on]", "2026-01-20")
        page.locator("form[action$='/tinh/chia'] button").click()
        page.wait_for_load_state()
    content = page.content()
    assert "Đã chia 30 máy cho xã." in content
    # per commune: poor and near-poor households, given, used, left
    rows = {name: " ".join(page.locator("tr", has_text=name).first.inner_text().split())
            for name in ("xã An Phú", "xã Bình Mỹ")}
    assert re.search(r"XAA 180 60 0 60 ", rows["xã An Phú"]), rows
    assert re.search(r"XAB 40 30 0 30 ", rows["xã Bình Mỹ"]), rows
    assert "còn 10 máy" in content


    # each commune proposes its eligible applications, its approving level approves, one handover each
    plan = {"XAA": (3, "duyet.xaa", "15/QĐ-UBND"), "XAB": (2, "duyet.tinh", "210/QĐ-SKHCN")}
    applied = {code: _eligible_applications(app, code, n) for code, (n, _, _) in plan.items()}
    for i, (code, (n, approver, decision)) in enumerate(plan.items()):
        page = signed_in(f"canbo.{code.lower()}")
        page.goto(f"{base}/danh-sach/")
        page.get_by_role("button", name=f"Lập danh sách đề nghị mới ({n} hộ đầu danh sách chờ)").click()
        page.wait_for_url(re.compile(r"/danh-sach/\d+$"))
        list_url = page.url
        page.get_by_role("button", name=f"Trình phê duyệt ({n} hộ)").click()
        page.wait_for_selector("text=Đã trình phê duyệt danh sách số")
        page = signed_in(approver)
        page.goto(list_url)
        page.fill("#decision_number", decision)
        page.get_by_role("button", name="Ghi nhận phê duyệt").click()
        page.wait_for_selector(f"text={n} hồ sơ chuyển sang «Đã được phê duyệt»")
        page = signed_in(f"canbo.{code.lower()}")
        page.goto(f"{base}/ho-so/{applied[code][0]}/ban-giao")
        imei = _luhn_imei(f"3569380356438{i}")
        page.fill("#phone_make", "Samsung")
        page.fill("#phone_model", "Galaxy A05")
        page.fill("#imei", imei)
        page.select_option("#telecom", index=1)
        page.fill("#subscriber_number", "09" + imei[-8:])
        page.get_by_role("button", name="Lưu và cấp số biên bản").click()
        page.wait_for_url(re.compile(r"/bien-ban/\d+$"))
        assert "Đã ghi nhận bàn giao điện thoại" in page.content()

    page = signed_in("so.khcn")
    page.goto(f"{base}/bao-cao?ky=thang&thang={today_vn():%Y-%m}&luy_ke=y")
    report = page.content()
    assert "Theo xã" in report and "xã An Phú" in report and "xã Bình Mỹ" in report
    page.screenshot(path="/tmp/e2e-province-tally.png", full_page=True)
    # the figures of what this test did: n received, checked eligible, proposed and approved, one
    # handed over (and so supported), none waiting
    by_commune = page.locator("section.tally-section", has=page.get_by_role("heading", name="I. Theo xã"))
    handed = {code: 1 for code in plan}
    for code, name in (("XAA", "xã An Phú"), ("XAB", "xã Bình Mỹ")):
        n = plan[code][0]
        expected = [name, n, n, 0, n, n, handed[code], 0, 0, 0, 0, 0, handed[code], 0]
        cells = by_commune.locator("tbody tr", has_text=name).locator("td").all_inner_texts()
        assert [c.strip() for c in cells] == [str(v) for v in expected], (name, cells)
    n_all, handed_all = sum(n for n, _, _ in plan.values()), sum(handed.values())
    total = by_commune.locator("tfoot tr td").all_inner_texts()
    assert [c.strip() for c in total] == [str(v) for v in ["Tổng cộng", n_all, n_all, 0, n_all, n_all, handed_all,
                                                           0, 0, 0, 0, 0, handed_all, 0]], total
