"""Public pages (no account): the applicant's status check and a health probe.

The status check is linked from the receipt's QR code as /tra-cuu?ma=<tracking code>: a GET only
prefills the code; the applicant then POSTs the code with the last 4 digits of the head's CCCD or
the phone number on file (never in a URL). Rate limited per client address (the socket's, or the
one a trusted proxy appended: TRUSTED_PROXIES) and per tracking code, so neither one client nor a
botnet aimed at one code can try many second facts (config STATUS_RATE_LIMIT_CLIENT,
STATUS_RATE_LIMIT_CODE; storage RATELIMIT_STORAGE_URI, e.g. Redis, shared by all workers).

No CSRF token on this form, and no session cookie for the visitor. CSRF protects a signed-in
user's session from a request another site makes in their name; the status check changes
nothing, needs no sign-in and answers the same whoever sends it, so a forged POST gains nothing
the attacker could not get by sending it directly (guessing is bounded by the two rate limits,
which a token would not change: anyone can fetch a fresh one). Without the token, a villager who
opens the QR link, goes to find the CCCD and submits an hour later gets an answer, not a
"session expired" page, and the public page sets no cookie at all. Every staff form keeps CSRF.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, make_response, render_template, request
from flask_limiter.util import get_remote_address

from forms.public import CODE, StatusForm, accepted_submission
from subsidy.domain import tracking
from subsidy.extensions import csrf, limiter
from subsidy.request_scope import public_view
from subsidy.services import status as status_service
from subsidy.web import status_limits

bp = Blueprint("public", __name__)

NOT_FOUND_MESSAGE = (
    "Không tìm thấy hồ sơ khớp với thông tin đã nhập. Hãy kiểm tra lại mã tra cứu in trên phiếu "
    "tiếp nhận hồ sơ và 4 số cuối CCCD của chủ hộ (hoặc số điện thoại đã đăng ký với xã)."
)


def code_key() -> str:
    """The per-code limit's key: the normalised code typed (bounded length; never the 2nd fact)."""
    return "code:" + (tracking.compact(request.form.get("ma", ""))[:CODE.max_length] or "-")


@bp.route("/tra-cuu", methods=["GET", "POST"])
@public_view
@csrf.exempt
@limiter.exempt  # counted by status_limits below: every window in one round trip, once
@status_limits.counted_here
def status() -> Any:
    if request.method == "POST":
        # Before the form is even parsed: a refused try costs no query (429, Retry-After).
        status_limits.check(get_remote_address(), code_key())
    return status_page()


def status_page() -> Any:
    """The status check's work once the limits let it through: form, query, page.

    A valid POST (the common answer) is read by forms.public.accepted_submission without
    building the WTForms form, which the result page does not show; the form is built when the
    page shows it (the first visit, an input to correct, no match)."""
    form = None
    submitted = accepted_submission() if request.method == "POST" else None
    if submitted is None:
        form = StatusForm() if request.method == "POST" else StatusForm(ma=request.args.get("ma", "")[:CODE.max_length])
        if form.validate_on_submit():
            submitted = form.submission()
    result = None
    error = None
    code = 200
    if submitted is not None:
        result = status_service.check_status(current_app.extensions["subsidy.engine"], *submitted)
        if result is None:
            error, code = NOT_FOUND_MESSAGE, 404
            # The form again, with the code as typed (valid, so without a message).
            form = form or StatusForm()
    # A form refused (a code or fact that cannot be right) answers 422 by web.security.
    if form is not None:
        form.so.data = ""  # never echo the second fact back into the page
    # The result names the application's own commune (header, title); any other answer names none.
    names = {"header_name": result.commune_name} if result is not None else {}
    resp = make_response(render_template("public/status.html", form=form, result=result, error=error, **names), code)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/healthz")
@public_view
def healthz() -> Any:
    """For load balancers and monitoring: "ok" (200) when the database answers a ``SELECT 1``,
    "database unavailable" (503) when it does not. Sets no cookie and loads no user."""
    try:
        with current_app.extensions["subsidy.single_statement_engine"].connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        body, code = "ok", 200
    except Exception:  # noqa: BLE001 - any failure to reach the database is "unavailable"
        current_app.logger.exception("healthz: database unavailable")
        body, code = "database unavailable", 503
    resp = make_response(body, code)
    resp.mimetype = "text/plain"
    resp.headers["Cache-Control"] = "no-store"
    return resp
