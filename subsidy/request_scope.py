"""What the web pages and the JSON API share about one request: its database Session and who may
reach a view. Both subsidy.web and subsidy.api import this module; it imports neither of them.

* One Session per app context (:func:`db_session`), created on first use and closed at teardown
  (:func:`init_app`). GET and HEAD requests get a read session (on SQLite a deferred BEGIN, so a
  page view never queues behind a save); other requests, and views that call
  :func:`use_write_session` first, get a write session (BEGIN IMMEDIATE). See subsidy/db.py.
* :func:`public_view` marks a view reachable without a cookie sign-in (the status check, the API
  with its bearer tokens); the web's sign-in hook reads the mark.
* :func:`roles_required` guards a page by the signed-in user's role.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import Flask, abort, current_app, g, has_request_context, request
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden

_READ = "subsidy.read_sessionmaker"
_WRITE = "subsidy.sessionmaker"


def db_session() -> Session:
    """The Session of this app context: created on first use, closed at teardown.

    A read session for GET and HEAD requests, a write session otherwise (and outside requests).
    The caller commits (once per request); services only flush."""
    if "db_session" not in g:
        readonly = has_request_context() and request.method in ("GET", "HEAD")
        g.db_session = current_app.extensions[_READ if readonly else _WRITE]()
    return g.db_session


def use_write_session() -> Session:
    """Make this app context's Session a write session even for a GET, and return it.

    For views whose reads also write (the API records a token's last use and audits every read
    of personal data). Call it before anything else touches :func:`db_session`; if a Session is
    already open it is returned as it is."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[_WRITE]()
    return g.db_session


def public_view(view: Callable) -> Callable:
    """Mark ``view`` as reachable without signing in (sets ``view.is_public``); returns it."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def is_public(view: Callable | None) -> bool:
    """True when ``view`` was marked with :func:`public_view`."""
    return bool(getattr(view, "is_public", False))


class RoleRefused(Forbidden):
    """A 403 that says why in Vietnamese (``detail``): the error page (web.errors) shows it instead
    of the generic «Không có quyền» text, the API's problem details likewise."""

    def __init__(self, detail: str) -> None:
        super().__init__(description=detail)
        self.detail = detail


def roles_required(*roles: str, refusal: str | Callable[[str], str] | None = None) -> Callable:
    """Require sign-in and one of ``roles`` ("admin", "clerk", "approver", "radio"); otherwise the
    sign-in page (not signed in) or 403 — with ``refusal`` (Vietnamese: why this role may not, and
    who does it; a function of the refused account's role when the reason differs by role) as the
    page's text when given (:class:`RoleRefused`). The roles are kept on the view as
    ``required_roles``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                if refusal:
                    raise RoleRefused(refusal(current_user.role) if callable(refusal) else refusal)
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def init_app(app: Flask) -> None:
    """Close this app context's Session at teardown (rolling back anything not committed)."""

    @app.teardown_appcontext
    def close_session(_exc: BaseException | None) -> None:
        sess = g.pop("db_session", None)
        if sess is not None:
            sess.close()
