"""What the status check no longer does on every request: Flask-Limiter resolving the limits of a
view whose windows web.status_limits counts (its request filter says there is nothing to count),
and url_for building the layout's fixed addresses (web.urls.fixed_url keeps them per mount point)."""
from __future__ import annotations

from typing import Any

from flask import url_for

from subsidy.extensions import limiter
from subsidy.web import status_limits
from subsidy.web.urls import FIXED_URLS, fixed_url


def test_flask_limiter_skips_only_the_views_counted_by_status_limits(app: Any) -> None:
    assert status_limits._counted_here in limiter._request_filters
    with app.test_request_context("/tra-cuu", method="POST"):
        assert status_limits._counted_here() is True
    # The sign-in page keeps Flask-Limiter's own limit; other pages are not filtered either.
    for path, method in (("/dang-nhap", "POST"), ("/healthz", "GET"), ("/", "GET"), ("/khong-co-trang-nay", "GET")):
        with app.test_request_context(path, method=method):
            assert status_limits._counted_here() is False, path


def test_the_sign_in_limit_still_counts(app: Any) -> None:
    """Flask-Limiter's decorator on the sign-in form (10 per minute) is untouched by the filter."""
    client = app.test_client()
    codes = [client.post("/dang-nhap", data={"username": "x", "password": "y"},
                         environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code for _ in range(11)]
    assert codes[:10].count(429) == 0
    assert codes[10] == 429


def test_fixed_url_is_url_for_per_mount_point_and_kept(app: Any) -> None:
    app.extensions.pop(FIXED_URLS, None)
    for root in ("", "/ho-tro"):
        with app.test_request_context("/tra-cuu", base_url=f"http://localhost{root}/"):
            assert fixed_url("static", filename="css/app.css") == f"{root}/static/css/app.css"
            assert fixed_url("main.favicon") == f"{root}/favicon.ico"
            assert fixed_url("public.status") == url_for("public.status") == f"{root}/tra-cuu"
    kept = app.extensions[FIXED_URLS]
    assert sorted(kept.values()) == sorted(["/static/css/app.css", "/favicon.ico", "/tra-cuu",
                                            "/ho-tro/static/css/app.css", "/ho-tro/favicon.ico", "/ho-tro/tra-cuu"])


def test_the_layout_links_its_files_under_the_mount_point(app: Any) -> None:
    page = app.test_client().get("/tra-cuu", base_url="http://localhost/ho-tro/").get_data(as_text=True)
    for href in ('href="/ho-tro/favicon.ico"', 'href="/ho-tro/static/css/app.css"', 'src="/ho-tro/static/js/confirm.js"',
                 'src="/ho-tro/static/js/scrollcue.js"', 'action="/ho-tro/tra-cuu"', 'class="brand" href="/ho-tro/tra-cuu"'):
        assert href in page, href
