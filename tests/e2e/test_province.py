"""A province in a real browser: the admin creates two communes, a clerk of each imports its list,
the province officer records the ministry's allocation and divides it between them, each clerk
sees only their own households, and the province's tally shows both communes.

(The proposal, approval and handover steps of each commune are the single-commune path, walked by
the service and page tests; here each commune's figures are checked on the province's report.)"""
from __future__ import annotations

import re
import threading
from typing import Any, Iterator

import pytest
from werkzeug.serving import make_server

from subsidy import create_app
from subsidy.db import upgrade_database
from subsidy.services import communes, users
from tests.conftest import DATA

PASSWORD = "Trau-cau-ruong-2026"


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


def test_two_communes_import_share_the_quota_and_appear_on_the_province_tally(province_app, page):
    app, base = province_app
    _sign_in(page, base, "quantri")
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
    s.commit()
    s.close()

    for username, sample, new in (("canbo.xaa", "ho-ngheo-2025-phu-tan.xlsx", 180),
                                  ("canbo.xab", "ho-ngheo-2025-bo-sung.csv", 40)):
        _sign_in(page, base, username)
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

    _sign_in(page, base, "so.khcn")
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

    page.goto(f"{base}/bao-cao?ky=thang&thang=2026-01&luy_ke=y")
    report = page.content()
    assert "Theo xã" in report and "xã An Phú" in report and "xã Bình Mỹ" in report
    page.screenshot(path="/tmp/e2e-province-tally.png", full_page=True)
