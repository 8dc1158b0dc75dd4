"""Public pages (no account): the applicant's status check and a health probe.

The status check is linked from the receipt's QR code as /tra-cuu?ma=<tracking code>: a GET only
prefills the code; the applicant then POSTs the code with the last 4 digits of the head's CCCD or
the phone number on file (never in a URL). Rate limited per client address (the socket's, or the
one a trusted proxy appended: TRUSTED_PROXIES) and per tracking code, so neither one client nor a
botnet aimed at one code can try many second facts (config STATUS_RATE_LIMIT_CLIENT,
STATUS_RATE_LIMIT_CODE; storage RATELIMIT_STORAGE_URI, e.g. Redis, shared by all workers).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, make_response, render_template, request
from sqlalchemy.orm import Session

from forms.public import StatusForm
from subsidy.domain.public_status import normalize_tracking_code
from subsidy.extensions import limiter
from subsidy.services import status as status_service
from subsidy.web import public

bp = Blueprint("public", __name__)

NOT_FOUND_MESSAGE = (
    "Không tìm thấy hồ sơ khớp với thông tin đã nhập. Hãy kiểm tra lại mã tra cứu trên giấy biên "
    "nhận và 4 số cuối CCCD của chủ hộ (hoặc số điện thoại đã đăng ký với xã)."
)


def _read_session() -> Session:
    """The request's session, opened for reading although the status check is a POST: on SQLite
    a deferred BEGIN (not BEGIN IMMEDIATE), so lookups never queue for the write lock behind each
    other or behind a clerk's save. Closed at teardown like db_session()'s."""
    if "db_session" not in g:
        maker = (current_app.extensions.get("subsidy.read_sessionmaker")
                 or current_app.extensions["subsidy.sessionmaker"])
        g.db_session = maker()
    return g.db_session


def _client_limit() -> str:
    return current_app.config.get("STATUS_RATE_LIMIT_CLIENT") or "10/minute"


def _code_limit() -> str:
    return current_app.config.get("STATUS_RATE_LIMIT_CODE") or "5/minute"


def _code_key() -> str:
    """The per-code limit's key: the normalised code typed (bounded length; never the 2nd fact)."""
    return "code:" + (normalize_tracking_code(request.form.get("ma", ""))[:40] or "-")


@bp.route("/tra-cuu", methods=["GET", "POST"])
@public
@limiter.limit(_client_limit, methods=["POST"])
@limiter.limit(_code_limit, methods=["POST"], key_func=_code_key)
def status() -> Any:
    if request.method == "POST":
        form = StatusForm()
    else:
        form = StatusForm(ma=request.args.get("ma", "")[:40])
    result = None
    error = None
    code = 200
    if form.validate_on_submit():
        kind, value = form.second_fact
        result = status_service.check_status(_read_session(), form.ma.data, kind, value)
        if result is None:
            error, code = NOT_FOUND_MESSAGE, 404
    elif request.method == "POST":
        code = 422
    form.so.data = ""  # never echo the second fact back into the page
    resp = make_response(render_template("public/status.html", form=form, result=result, error=error), code)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/healthz")
@public
def healthz() -> Any:
    """A constant answer for load balancers and monitoring (and the status-check benchmark)."""
    resp = make_response("ok")
    resp.mimetype = "text/plain"
    return resp
