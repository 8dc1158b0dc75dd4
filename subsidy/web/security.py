"""Sign-in and browser protections for the web pages: the session cookie, Flask-Login, CSRF, rate
limits, security headers, and the rule that every page needs sign-in unless marked public."""
from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, make_response, redirect, render_template, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

from subsidy.models.scoping import set_commune
from subsidy.request_scope import db_session, is_public
from subsidy.web import refusals, status_limits
from subsidy.web.commune_scope import ensure_first_commune
from subsidy.web.ids import row_id


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure exactly when the request came over HTTPS (directly or through a
    trusted proxy), so it is protected on the internet and still works over plain http on a LAN."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(has_request_context() and request.is_secure) or bool(app.config.get("SESSION_COOKIE_SECURE"))


#: What a page says to a request holding a NUL character (security.init_app's refuse_nul).
NUL_REFUSAL = ("Nội dung gửi lên có ký tự rỗng (NUL, mã 0), thường do dán từ một tệp bị hỏng hoặc gõ «%00» vào "
               "địa chỉ trang, nên không được nhận. Hãy xóa ô vừa dán rồi gõ lại (hoặc bỏ «%00» khỏi địa chỉ) và "
               "gửi lại.")


#: How long browsers keep to HTTPS once they saw the app over HTTPS (one year).
HSTS = "max-age=31536000"


def _harden(response: Any) -> Any:
    # A form sent back with its errors (or a refusal shown with it: refusals.refused_here) is "422
    # Unprocessable Content", not a success; a form read from the query string (the report chooser)
    # too. Every form re-rendered this way goes through here.
    if (response.status_code == 200 and response.mimetype == "text/html"
            and (request.method == "POST" or request.args)
            and refusals.refusal_shown()):
        response.status_code = 422
    # Staff pages, downloads and the status check may show CCCDs and phones: never stored by a
    # browser or a proxy (the back button asks the server again, which checks the sign-in).
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    # The remember-me cookie (set by flask-login before this hook) gets Secure over HTTPS too.
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
        cookies = response.headers.getlist("Set-Cookie")
        if cookies:
            response.headers.remove("Set-Cookie")
            for c in cookies:
                response.headers.add("Set-Cookie", c if "; Secure" in c else c + "; Secure")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'",
    )
    return response


_EXEMPT_FROM_PASSWORD_CHANGE = frozenset({"auth.change_password", "auth.logout"})


def init_app(app: Flask) -> None:
    """Install the session cookie policy, CSRF, the rate limiter, Flask-Login, the security
    headers and the sign-in requirement on ``app``."""
    from subsidy.extensions import csrf, limiter, login_manager
    from subsidy.models import User

    app.session_interface = _SessionInterface()

    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    status_limits.init_app(app)
    # No eager context processor: Flask-Login's own would load the user for every rendered page;
    # subsidy.web passes the lazy ``current_user`` proxy instead, loaded only where a template
    # reads it (public pages such as the status check never do: see require_sign_in).
    login_manager.init_app(app, add_context_processor=False)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"
    # "strong": a staff session cookie replayed from another address or browser (its identifier,
    # a hash of IP and User-Agent, no longer matches) is emptied and the remember-me cookie
    # cleared, so a stolen cookie does not sign anyone in. ("basic" would only mark it
    # non-fresh, which protects nothing here: no view asks for a fresh login.) It acts when the
    # user is loaded, which public views never do, so anonymous visitors are not affected.
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        try:
            uid, token = user_id.split(":", 1)
        except (ValueError, TypeError):
            return None
        ident = row_id(uid)  # the signed cookie's id, read as every id from a request
        user = db_session().get(User, ident) if ident is not None else None
        if user is None or not user.active or user.session_token != token:
            return None
        # Every ORM query of this request is limited to the account's commune (None: the
        # province's roles and admin reach every commune).
        set_commune(db_session(), user.commune_id)
        return user

    # First in the list = run last (Flask runs after_request hooks in reverse), after flask-login
    # has set its remember-me cookie.
    app.after_request_funcs.setdefault(None, []).insert(0, _harden)

    @app.before_request
    def refuse_nul() -> Any:
        """A page's query or form holding a NUL character (U+0000, typed as ``%00`` or pasted from a
        broken file) is answered 400 with what to do, before any view reads it: no text of the app
        can hold it (PostgreSQL refuses it in text, so a search or a save would end in a 500). The
        JSON API cleans its own fields (vn.storable_text) and is left to them."""
        if request.path.startswith("/api/"):
            return None
        for values in (request.args, request.form):
            for key, value in values.items(multi=True):
                if "\x00" in key or "\x00" in value:
                    return make_response(render_template(
                        "errors/error.html", code=400, title="Yêu cầu không hợp lệ", detail=NUL_REFUSAL), 400)
        return None

    @app.before_request
    def require_sign_in() -> Any:
        """Every page needs sign-in unless its view is marked @public_view (or it is a static file);
        a signed-in user who must change the one-time password is sent to do that first.

        Public views (the status check, /healthz, the token API, the sign-in page) return before
        ``current_user`` is touched, so their requests never load the user: with "strong" session
        protection, loading it for a visitor whose session holds only the CSRF token would strip
        and rewrite that session (a new signed Set-Cookie) on every request, for nothing — those
        views do not depend on who is signed in (the sign-in page checks it itself).
        """
        endpoint = request.endpoint
        if endpoint is None or endpoint == "static":
            return None
        if is_public(app.view_functions.get(endpoint)):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.must_change_password and endpoint not in _EXEMPT_FROM_PASSWORD_CHANGE:
            return redirect(url_for("auth.change_password"))
        ensure_first_commune()
        return None
