"""A NUL character (U+0000) in a page's query or form is refused with what to do, never a 500:
PostgreSQL cannot hold it in text, so a search or a save reading it would fail."""
from __future__ import annotations

import pytest

from subsidy.web.security import NUL_REFUSAL


def _refused(resp):
    assert resp.status_code == 400, resp.status_code
    page = resp.get_data(as_text=True)
    assert "ký tự rỗng (NUL, mã 0)" in page and "gõ lại" in page
    return page


@pytest.mark.parametrize("url", [
    "/ho-gia-dinh/?q=%00", "/ho-gia-dinh/?hamlet=%00", "/ho-so/?q=ab%00cd", "/danh-sach/?hamlet=%00",
    "/bien-ban/?q=%00", "/khieu-nai/?q=%00", "/ho-gia-dinh/?q%00=x",
])
def test_a_nul_in_a_pages_query_is_refused(login_as, client, url):
    login_as("clerk")
    _refused(client.get(url))


def test_a_nul_in_a_form_is_refused_before_the_view_reads_it(login_as, client):
    login_as("clerk")
    _refused(client.post("/khieu-nai/moi", data={"kind": "complaint", "summary": "Đơn\x00 thư"}))


def test_a_nul_in_the_sign_in_form_is_refused_without_signing_in(client):
    _refused(client.post("/dang-nhap", data={"username": "clerk\x00", "password": "x"}))
    assert client.get("/ho-gia-dinh/").status_code == 302  # still signed out


def test_the_same_search_without_the_nul_is_answered(login_as, client):
    login_as("clerk")
    assert client.get("/ho-gia-dinh/?q=abcd").status_code == 200
    assert "\x00" not in NUL_REFUSAL
