"""What the status check no longer does on every request: Flask-Limiter's hook resolving the limits
of a view whose windows web.status_limits counts (the hook is skipped for it), and url_for building the layout's fixed addresses (web.urls.fixed_url keeps them per mount point)."""
from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_limiter import Limiter

from subsidy import create_app
from subsidy.extensions import limiter
from subsidy.web.urls import FIXED_URLS, fixed_url
from tests.conftest import _empty_all_tables


def test_flask_limiter_skips_only_the_views_counted_by_status_limits(app_config: dict, monkeypatch: Any) -> None:
    """Flask-Limiter's before-request hook runs for every request but the views marked
    counted_here (the status check), whose windows web.status_limits counts itself."""
    seen: list[str | None] = []
    real = Limiter._check_request_limit

    def spy(self: Limiter, *args: Any, **kwargs: Any) -> Any:
        seen.append(request.endpoint)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Limiter, "_check_request_limit", spy)
    app = create_app(dict(app_config))  # Flask-Limiter installs the spy as its hook
    try:
        assert limiter._check_request_limit not in app.before_request_funcs[None]  # wrapped
        client = app.test_client()
        client.post("/tra-cuu", data={"ma": "K7QX9M4TAB", "so": "1234"})
        client.get("/tra-cuu")
        assert seen == []
        client.get("/healthz")
        client.post("/dang-nhap", data={"username": "x", "password": "y"})
        # the hook for both; the sign-in view's own decorator checks its limit once more
        assert seen == ["public.healthz", "auth.login", "auth.login"]
    finally:
        _empty_all_tables(app.extensions["subsidy.engine"])
        app.extensions["subsidy.engine"].dispose()


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
