"""JSON API v1: the complaints register for staff tokens, and its counts for the radio.

GET  /api/v1/complaints              the list (filters: kind, state, category, standing, q, commune;
                                     cursor, per_page), each case with its standing
GET  /api/v1/complaints/{id}         one case: its deadlines (due date, status, clause) and history
POST /api/v1/complaints              record a case (clerk; the same service as the web form)
GET  /api/v1/counts/complaints       counts only (received this month, open, due soon, overdue):
                                     the radio's, never a name or a case

Scoped like the rest of v1 (a commune token: its commune; a province token: every commune, read
only). A denunciation is never listed or shown to the staff account it names. Every read of
cases is audited (api.complaint.read / api.complaint.list). Registered on v1's blueprint.
"""
from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify, request
from sqlalchemy import select

from subsidy.api.v1 import (
    COUNTS_ROLES, ApiProblem, Params, _audit_read, _iso, _narrow_to_commune, _paged, body_day, bp, field_reasons,
    iso_message,
    token_required,
)
from subsidy.domain import vn
from subsidy.domain.calendar import month_bounds, today_vn
from subsidy.domain.complaints.states import KINDS, STATES
from subsidy.domain.labels import COMPLAINT_CATEGORY_LABELS, COMPLAINT_CHANNEL_LABELS, COMPLAINT_FILER_LABELS
from subsidy.domain.reports import Period
from subsidy.domain.scope import PROVINCE_ROLES, sees_personal_data
from subsidy.domain.workflow import WorkflowError
from subsidy.models import Complaint, ComplaintEvent
from subsidy.request_scope import db_session
from subsidy.services import complaints as svc
from subsidy.services import lookup
from subsidy.services.complaints.queries import STANDINGS
from subsidy.services.errors import InvalidFields, NotFound, ServiceError
from subsidy.services.pagination import BadCursor, keyset
from subsidy.services.tally.complaints import complaint_counts

#: Who reads the register: the commune's staff who handle it and the province's roles.
READERS = ("clerk", "approver") + tuple(sorted(PROVINCE_ROLES))
#: The longest cursor accepted (the lists' own: services.lookup).
MAX_CURSOR = lookup.MAX_CURSOR


def complaint_json(c: Complaint, standing: str | None) -> dict[str, Any]:
    """A case as the API shows it: its fields, dates ISO, ``standing`` (overdue | due_soon | on_time,
    None when closed); the staff member a denunciation names by account id only."""
    return {
        "id": c.id, "case_number": c.case_number, "kind": c.kind, "state": c.state, "standing": standing,
        "household_id": c.household_id, "application_id": c.application_id, "receipt_id": c.receipt_id,
        "filer": c.filer, "filer_name": c.filer_name, "channel": c.channel, "category": c.category,
        "text": c.text, "attachments_note": c.attachments_note, "contested_on": _iso(c.contested_on),
        "received_on": _iso(c.received_on), "accepted_on": _iso(c.accepted_on), "decided_on": _iso(c.decided_on),
        "closed_on": _iso(c.closed_on), "level": c.level, "complex_case": bool(c.complex_case),
        "remote": bool(c.remote), "outcome": c.outcome, "refusal_reason": c.refusal_reason, "reasons": c.reasons,
        "named_user_id": c.named_user_id, "appeal_of_id": c.appeal_of_id,
    }


def _visible(c: Complaint | None) -> Complaint:
    if c is None or (c.named_user_id is not None and c.named_user_id == g.api_user.id):
        raise NotFound("Không tìm thấy đơn này.")
    return c


@bp.route("/complaints")
@token_required(*READERS)
def complaints() -> Response:
    p = Params()
    if "page" in request.args:  # as the other lists: pages are read by cursor
        p.errors.append({"name": "page", "reason": "không dùng: trang sau đọc bằng cursor (meta.next_cursor hoặc "
                                                   "liên kết next)"})
    cursor = p.text("cursor", MAX_CURSOR)
    per_page = p.page_size()
    f = svc.ComplaintFilters(q=p.text("q", 100) or "", kind=p.choice("kind", KINDS) or "",
                             state=p.choice("state", STATES) or "",
                             category=p.choice("category", tuple(COMPLAINT_CATEGORY_LABELS)) or "",
                             standing=p.choice("standing", STANDINGS) or "",
                             personal=sees_personal_data(g.api_user.role))
    code = p.commune()
    p.check()
    _narrow_to_commune(code)
    session = db_session()
    today = today_vn()
    try:
        page = keyset(session, svc.list_stmt(session, f, today, g.api_user.id), per_page=per_page, after=cursor,
                      count=cursor is None)
    except BadCursor:
        raise ApiProblem(404, "Không có trang ứng với cursor này: đọc lại từ trang đầu (không gửi cursor) "
                              "rồi đi tiếp theo meta.next_cursor đã nhận.") from None
    standings = svc.standings_of(session, page.items, today)
    _audit_read("api.complaint.list", "complaint", None, note="ids=" + ",".join(str(c.id) for c in page.items))
    items = [complaint_json(c, standings.get(c.id)) for c in page.items]
    session.commit()
    return _paged(page, items, first=cursor is None)


@bp.route("/complaints/<int:complaint_id>")
@token_required(*READERS)
def complaint(complaint_id: int) -> Response:
    session = db_session()
    c = _visible(session.get(Complaint, complaint_id) if 0 < complaint_id <= lookup.MAX_ID else None)
    page = svc.case_page(session, c, g.api_user)
    body = complaint_json(c, page.standing)
    body["deadlines"] = [{"key": d.key, "due": _iso(d.due), "status": d.status, "done_on": _iso(d.done_on),
                          "working_days_left": d.days_left, "clause": d.clause} for d in page.deadlines]
    body["events"] = [{"from_state": e.from_state, "to_state": e.to_state, "at": _iso(e.at), "reason": e.reason}
                      for e in session.scalars(select(ComplaintEvent).where(ComplaintEvent.complaint_id == c.id)
                                               .order_by(ComplaintEvent.at, ComplaintEvent.id))]
    _audit_read("api.complaint.read", "complaint", c.id)
    session.commit()
    return jsonify(body)


@bp.route("/complaints", methods=["POST"])
@token_required("clerk")
def create_complaint() -> Response:
    """Record a case from a JSON body (the web form's fields; ``household_id`` or, for an
    anonymous case, none). 201 with the case; 422 naming each badly formed field; 409 naming each
    field the register refuses (services.complaints.record_case's checks)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiProblem(422, "Thân yêu cầu phải là một đối tượng JSON.", errors=[{"name": "body", "reason": "không đọc được"}])
    errors: list[dict[str, str]] = []

    def text(name: str, limit: int, required: bool = False) -> str | None:
        raw = body.get(name)
        if raw is None or raw == "":
            if required:
                errors.append({"name": name, "reason": "bắt buộc"})
            return None
        if not isinstance(raw, str) or len(raw) > limit:
            errors.append({"name": name, "reason": f"phải là chuỗi tối đa {limit} ký tự"})
            return None
        # Left empty, a required text is the register's refusal (409), as a text of spaces is.
        return vn.storable_text(raw).strip() or None

    def choice(name: str, choices, default: str | None = None) -> str | None:
        raw = body.get(name, default)
        if raw not in choices:
            errors.append({"name": name, "reason": "phải là một trong: " + ", ".join(choices)})
            return None
        return raw

    def integer(name: str) -> int | None:
        raw = body.get(name)
        if raw is None:
            return None
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # 438.0 is an integer to JSON Schema
        if not isinstance(raw, int) or isinstance(raw, bool) or not 1 <= raw <= lookup.MAX_ID:
            errors.append({"name": name, "reason": "phải là số nguyên dương"})
            return None
        return raw

    def flag(name: str) -> bool:
        raw = body.get(name, False)
        if not isinstance(raw, bool):
            errors.append({"name": name, "reason": "phải là true hoặc false"})
            return False
        return raw

    data = svc.CaseInput(
        kind=choice("kind", KINDS) or "", filer=choice("filer", tuple(COMPLAINT_FILER_LABELS), "head") or "",
        channel=choice("channel", tuple(COMPLAINT_CHANNEL_LABELS)) or "",
        category=choice("category", tuple(COMPLAINT_CATEGORY_LABELS)) or "", text=text("text", 5000, True) or "",
        received_on=body_day(body, "received_on", errors, nullable=True), household_id=integer("household_id"),
        application_id=integer("application_id"), receipt_id=integer("receipt_id"),
        filer_name=text("filer_name", 120), attachments_note=text("attachments_note", 1000),
        contested_on=body_day(body, "contested_on", errors, nullable=True), complex_case=flag("complex_case"),
        remote=flag("remote"), named_user_id=integer("named_user_id"))
    if errors:
        raise ApiProblem(422, "Dữ liệu không hợp lệ: " + ", ".join(e["name"] for e in errors) + ".", errors=errors)
    session = db_session()
    try:
        c = svc.record_case(session, data, g.api_user)
    except InvalidFields as err:
        # Well-formed but refused by the register (a day after today, a record of another household,
        # a complaint without its contested date): 409, as the other writes answer a refusal.
        session.rollback()
        raise ApiProblem(409, iso_message(str(err)), errors=field_reasons(err.field_errors)) from None
    except (ServiceError, WorkflowError) as err:
        session.rollback()
        raise ApiProblem(409, iso_message(str(err))) from None
    out = complaint_json(c, None)
    session.commit()
    resp = jsonify(out)
    resp.status_code = 201
    return resp


@bp.route("/counts/complaints")
@token_required(*COUNTS_ROLES)
def complaint_counts_view() -> Response:
    """Counts only (the radio may read them): cases received this month (to today), resolved this
    month, open now, of which due soon and overdue. Never a name or a case."""
    session = db_session()
    today = today_vn()
    first, _ = month_bounds(today.year, today.month)
    month = complaint_counts(session, Period(first, today))
    # A denunciation naming the token's account is not counted, as its list leaves it out.
    open_now, due = svc.due_summary(session, today, viewer_id=g.api_user.id)
    session.commit()  # last_used_at of the token
    return jsonify({"as_of": today.isoformat(), "received_this_month": month.received,
                    "resolved_this_month": month.resolved, "open": open_now, "due_soon": due.due_soon,
                    "overdue": due.overdue})
