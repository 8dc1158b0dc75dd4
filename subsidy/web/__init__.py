"""Web layer: blueprints with thin views, the per-request Session, auth helpers."""
from __future__ import annotations

import importlib
from functools import wraps
from typing import Any, Callable
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, g, has_request_context, redirect, render_template, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_required
from sqlalchemy.orm import Session

# Each module defines `bp`; registered in this order.
BLUEPRINT_MODULES = [
    "main", "auth", "admin", "households", "imports", "applications", "lists", "rulesets",
    "handovers", "receipts", "reports", "public", "radio",
]


def db_session() -> Session:
    """The Session of this app context (created on first use, closed at teardown).

    GET and HEAD requests get a read session (on SQLite a deferred BEGIN, so page views never
    queue behind a save); every other request gets a write session (BEGIN IMMEDIATE).
    """
    if "db_session" not in g:
        readonly = has_request_context() and request.method in ("GET", "HEAD")
        key = "subsidy.read_sessionmaker" if readonly else "subsidy.sessionmaker"
        g.db_session = current_app.extensions[key]()
    return g.db_session


def roles_required(*roles: str) -> Callable:
    """Require sign-in and one of ``roles``; otherwise 403 with a Vietnamese page."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path inside this app, else ``default`` (no open redirects)."""
    if not target:
        return default
    target = target.strip()
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def public_view(view: Callable) -> Callable:
    """Mark a view as reachable without signing in (the status check, the API with its tokens).

    Not named ``public``: the blueprint module subsidy.web.public would shadow it as an attribute
    of this package once loaded, so a later ``from subsidy.web import public`` got the module."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def document_config() -> dict[str, Any]:
    """The app config for documents printed in this request: PUBLIC_BASE_URL, when not configured,
    is the address this request came to (what the clerk's browser used, e.g. the commune LAN's
    http://192.168.1.10:5000/), so the QR codes on slips and receipts open the status page from
    the commune's network instead of pointing at 127.0.0.1."""
    config = dict(current_app.config)
    if not config.get("PUBLIC_BASE_URL") and has_request_context():
        config["PUBLIC_BASE_URL"] = request.url_root.rstrip("/")
    return config


def put_field_errors(form: Any, field_errors: dict[str, str]) -> None:
    """Put each message of ``field_errors`` (field name → Vietnamese message, e.g. a service's
    InvalidFields) under its field of the WTForms ``form``, unless the form's own validators
    already put one there; a message for a field the form does not have is flashed as an error."""
    for name, message in field_errors.items():
        f = form._fields.get(name)
        if f is None:
            flash(message, "error")
        elif not f.errors:
            f.errors = list(f.errors or []) + [message]


def show_refusal(form: Any, err: Exception) -> None:
    """Roll back this request's session and show a service's refusal ``err`` on ``form``:
    InvalidFields' messages under their fields (put_field_errors), an error naming one ``field``
    of the form under that field, anything else flashed above the page."""
    from subsidy.services.errors import InvalidFields

    db_session().rollback()
    if isinstance(err, InvalidFields):
        put_field_errors(form, err.field_errors)
        return
    field = getattr(err, "field", None)
    if field and field in form._fields:
        form._fields[field].errors = list(form._fields[field].errors or []) + [str(err)]
    else:
        flash(str(err), "error")


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure exactly when the request came over HTTPS (directly or through a
    trusted proxy), so it is protected on the internet and still works over plain http on a LAN."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(has_request_context() and request.is_secure) or bool(app.config.get("SESSION_COOKIE_SECURE"))


def init_app(app: Flask) -> None:
    from subsidy.extensions import csrf, limiter, login_manager
    from subsidy.models import User

    app.session_interface = _SessionInterface()

    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    # No eager context processor: Flask-Login's own would load the user for every rendered page;
    # inject() below passes the lazy ``current_user`` proxy instead, loaded only where a template
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
            user = db_session().get(User, int(uid))
        except (ValueError, TypeError):
            return None
        if user is None or not user.active or user.session_token != token:
            return None
        return user

    @app.teardown_appcontext
    def close_session(_exc: BaseException | None) -> None:
        sess = g.pop("db_session", None)
        if sess is not None:
            sess.close()

    def harden(response: Any) -> Any:
        # The remember-me cookie (set by flask-login before this hook) gets Secure over HTTPS too.
        if request.is_secure:
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

    # First in the list = run last (Flask runs after_request hooks in reverse), after flask-login
    # has set its remember-me cookie.
    app.after_request_funcs.setdefault(None, []).insert(0, harden)

    exempt_from_password_change = frozenset({"auth.change_password", "auth.logout"})

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
        if getattr(app.view_functions.get(endpoint), "is_public", False):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.must_change_password and endpoint not in exempt_from_password_change:
            return redirect(url_for("auth.change_password"))
        return None

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {"has_endpoint": has_endpoint, "commune_name": app.config.get("COMMUNE_NAME"),
                "current_user": current_user}

    app.jinja_env.add_extension("jinja2.ext.do")
    from subsidy.web import errors, filters

    errors.init_app(app)
    filters.init_app(app)

    for name in BLUEPRINT_MODULES:
        module = importlib.import_module(f"subsidy.web.{name}")
        app.register_blueprint(module.bp)

    from subsidy import api

    api.init_app(app)
