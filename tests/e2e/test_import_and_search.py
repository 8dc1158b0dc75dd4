"""A clerk's first morning, in a real browser: sign in, upload the sample list, see the preview,
commit it, and find a household by an unaccented search."""
from __future__ import annotations

import re

from subsidy.services import users
from tests.conftest import DATA

SAMPLE = DATA / "ho-ngheo-2025-phu-tan.xlsx"


def _make_clerk(app) -> None:
    sess = app.extensions["subsidy.sessionmaker"]()
    users.create_user(sess, "canbo", "clerk", "Trau-cau-ruong-2026", None, full_name="Lê Thu Hà",
                      must_change_password=False)
    sess.commit()
    sess.close()


def test_sign_in_import_preview_commit_and_search(live_app, page):
    app, base = live_app
    _make_clerk(app)

    # Sign in (a wrong password first: the page says so in Vietnamese).
    page.goto(f"{base}/")
    assert "/dang-nhap" in page.url
    page.fill("#username", "canbo")
    page.fill("#password", "sai-mat-khau-1")
    page.click("button[type=submit]")
    assert page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang tạm khóa").is_visible()
    page.fill("#username", "canbo")
    page.fill("#password", "Trau-cau-ruong-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert page.get_by_text("Xin chào, Lê Thu Hà").is_visible()

    # Upload the commune's xlsx and see the preview.
    page.get_by_role("link", name="Nhập danh sách").click()
    page.set_input_files("input[type=file]", str(SAMPLE))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.wait_for_selector("form.confirm-import")
    preview = page.content()
    assert re.search(r"Thêm mới\D{0,40}180", preview), "the preview should announce 180 new households"

    # Commit, then search without diacritics.
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_load_state()
    page.goto(f"{base}/ho-gia-dinh/")
    page.fill("input[name=q]", "mai minh nghia")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    assert page.get_by_text("Mai Minh Nghĩa").first.is_visible()
    assert "8250419218" in page.content()
    page.screenshot(path="/tmp/e2e-search.png", full_page=True)
