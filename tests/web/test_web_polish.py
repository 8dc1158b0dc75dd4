"""Small HTTP and page fixes a tester reported: Retry-After on 429 with the wait in Vietnamese, the
CSV Content-Type, the favicon, one autofocus on the status check, day-first date and month fields."""
from __future__ import annotations

import html
import io
import re

import pytest
from PIL import Image

from subsidy.web.errors import wait_sentence
from tests.conftest import login

#: Codes of the issued shape (10 characters of the alphabet: no 0 or 1) that no application has.
UNISSUED = str.maketrans("01", "AB")


def _retry_after_and_page(resp) -> tuple[int, str]:
    assert resp.status_code == 429
    assert re.fullmatch(r"\d+", resp.headers.get("Retry-After", "")), dict(resp.headers)
    return int(resp.headers["Retry-After"]), resp.get_data(as_text=True)


def _says_how_long(seconds: int, page: str) -> None:
    m = re.search(r"Hãy chờ khoảng (\d+) giây rồi thử lại\.", page)
    assert m, page
    assert 1 <= int(m.group(1)) <= 60 and abs(int(m.group(1)) - seconds) <= 1


def test_sign_in_429_carries_retry_after_and_says_how_long(client, make_user):
    make_user("lan", "clerk")
    codes = [login(client, f"nobody{i}", "saimatkhau1").status_code for i in range(10)]
    assert codes == [401] * 10
    seconds, page = _retry_after_and_page(login(client, "nobody", "saimatkhau1"))
    assert 0 <= seconds <= 60  # 10 per minute
    _says_how_long(seconds, page)


def test_status_check_429_carries_retry_after_and_says_how_long(client):
    for i in range(10):
        assert client.post("/tra-cuu", data={"ma": f"NXPE{i:06d}".translate(UNISSUED), "so": "5678"}).status_code == 404
    seconds, page = _retry_after_and_page(client.post("/tra-cuu", data={"ma": "NXPE999999", "so": "5678"}))
    _says_how_long(seconds, page)
    assert "Bạn đã thử quá nhiều lần." in page
    # A visitor is led back to the status check, not to "/" (which sends them to the staff sign-in).
    links = re.findall(r'<a [^>]*href="([^"]+)"', page)
    assert links == ["/tra-cuu", "/tra-cuu"], links


def test_a_status_check_hits_each_of_its_three_limits_once_and_reads_nothing_back(app, client):
    """Each status POST hits each of its limits once (per client a minute; per code a minute and a
    day) and reads no counter back: no X-RateLimit-* headers, whose values cost a GET and a TTL per
    counter on Redis."""
    from subsidy.extensions import limiter

    strategy = limiter.limiter  # the `limits` rate limiter Flask-Limiter built on its storage
    calls: list[str] = []
    names = ("hit", "test", "get_window_stats")
    originals = {name: getattr(strategy, name) for name in names}

    def spy(name):
        def wrapped(*a, **k):
            calls.append(name)
            return originals[name](*a, **k)
        return wrapped

    for name in names:
        setattr(strategy, name, spy(name))
    try:
        resp = client.post("/tra-cuu", data={"ma": "NXPEZZZZAB", "so": "5678"})
    finally:
        for name in names:
            delattr(strategy, name)
    assert resp.status_code == 404
    assert calls == ["hit", "hit", "hit"]
    assert not [h for h in resp.headers.keys() if h.lower().startswith("x-ratelimit")]
    assert "Retry-After" not in resp.headers


def test_wait_sentence():
    assert wait_sentence(42) == "Bạn đã thử quá nhiều lần. Hãy chờ khoảng 42 giây rồi thử lại."
    assert wait_sentence(60) == "Bạn đã thử quá nhiều lần. Hãy chờ khoảng 60 giây rồi thử lại."
    assert wait_sentence(121) == "Bạn đã thử quá nhiều lần. Hãy chờ khoảng 3 phút rồi thử lại."
    assert wait_sentence(3600) == "Bạn đã thử quá nhiều lần. Hãy chờ khoảng 60 phút rồi thử lại."
    assert wait_sentence(7200) == "Bạn đã thử quá nhiều lần. Hãy chờ khoảng 2 giờ rồi thử lại."
    assert wait_sentence(5 * 3600 + 1) == "Bạn đã thử quá nhiều lần. Hãy chờ khoảng 6 giờ rồi thử lại."
    # The status check's daily limit per code: not "1433 phút" (a tester's finding).
    assert wait_sentence(85980).startswith("Mã tra cứu này đã được thử quá nhiều lần trong ngày. Hãy thử lại vào ngày mai")
    assert wait_sentence(None) == "Bạn đã thử quá nhiều lần. Hãy chờ một lát rồi thử lại."


# --- CSV Content-Type ----------------------------------------------------------------------------

def test_csv_downloads_name_the_charset_once(client, login_as, history):
    login_as("clerk")
    for url in ("/bao-cao/tai-ve.csv?ky=thang&thang=2026-03", "/bao-cao/tai-ve.csv?ky=nam&nam=2026",
                "/phat-thanh/so-lieu.csv?ngay=2026-03-31"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert resp.headers["Content-Type"] == "text/csv; charset=utf-8", url
    for url, ctype in (("/bao-cao/tai-ve.pdf?ky=thang&thang=2026-03", "application/pdf"),
                       ("/bao-cao/tai-ve.json?ky=thang&thang=2026-03", "application/json"),
                       ("/bao-cao/tai-ve.xlsx?ky=thang&thang=2026-03",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
        assert client.get(url).headers["Content-Type"] == ctype, url


# --- favicon -------------------------------------------------------------------------------------

def test_favicon_is_public_and_linked(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200
    assert resp.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    img = Image.open(io.BytesIO(resp.data))
    assert img.format == "ICO" and img.info["sizes"] == {(16, 16), (32, 32)}
    assert "public" in resp.headers["Cache-Control"]
    page = client.get("/dang-nhap").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in page


# --- /tra-cuu autofocus --------------------------------------------------------------------------

def _autofocused(page: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r'<input\b[^>]*\bautofocus\b[^>]*>', page) for m in
            [re.search(r'\bid="([^"]+)"', m.group(0))]]


def test_status_check_autofocus_only_on_the_first_empty_field(client):
    assert _autofocused(client.get("/tra-cuu").get_data(as_text=True)) == ["ma"]
    assert _autofocused(client.get("/tra-cuu?ma=ABCD1234").get_data(as_text=True)) == ["so"]
    # a wrong code is focused again; a right-shaped code that finds nothing: the second fact (emptied)
    bad = client.post("/tra-cuu", data={"ma": "??", "so": "5678"})
    assert bad.status_code == 422 and _autofocused(bad.get_data(as_text=True)) == ["ma"]
    missing = client.post("/tra-cuu", data={"ma": "NXPEZZZZAB", "so": "5678"})
    assert missing.status_code == 404 and _autofocused(missing.get_data(as_text=True)) == ["so"]


# --- day-first date and month fields -------------------------------------------------------------

def _input(page: str, name: str) -> str:
    m = re.search(rf'<input\b[^>]*\bname="{name}"[^>]*>', page)
    assert m, name
    return m.group(0)


def test_radio_date_is_a_day_first_text_field(client, login_as, history):
    login_as("radio")
    page = html.unescape(client.get("/phat-thanh/?ngay=2026-03-31").get_data(as_text=True))
    field = _input(page, "ngay")
    assert 'type="text"' in field and 'value="31/03/2026"' in field
    assert 'type="date"' not in page
    typed = html.unescape(client.get("/phat-thanh/?ngay=31/03/2026").get_data(as_text=True))
    assert 'value="31/03/2026"' in _input(typed, "ngay")
    body = lambda p: p.split("<main>", 1)[1]  # noqa: E731 - the page without the header
    assert body(typed) == body(page)  # the same counts, the same links (?ngay=2026-03-31)
    assert "/phat-thanh/so-lieu.csv?ngay=2026-03-31" in page


def test_report_month_is_a_month_first_text_field(client, login_as, history):
    login_as("clerk")
    page = html.unescape(client.get("/bao-cao?ky=thang&thang=2026-03").get_data(as_text=True))
    field = _input(page, "thang")
    assert 'type="text"' in field and 'value="03/2026"' in field
    assert 'type="month"' not in page
    typed = html.unescape(client.get("/bao-cao?ky=thang&thang=03/2026").get_data(as_text=True))
    assert 'value="03/2026"' in _input(typed, "thang")
    assert "tháng 3 năm 2026" in typed.lower() or "03/2026" in typed
    # the downloads keep the query the pages and tests use
    assert "/bao-cao/tai-ve.csv?ky=thang&thang=2026-03" in typed
    wrong = html.unescape(client.get("/bao-cao?ky=thang&thang=13/2026").get_data(as_text=True))
    assert "Tháng «13/2026» không có: tháng phải từ 1 đến 12." in wrong
    assert 'value="13/2026"' in _input(wrong, "thang")
