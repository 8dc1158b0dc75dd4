"""JSON API v1, the writes a clerk's tool needs (same blueprint, tokens and problem details as
subsidy/api/v1.py; documented in the same OpenAPI file):

* ``POST /applications/{id}/corrections``: correct an application's date received, form of
  support, purchase date or evidence with a reason (services.corrections, the same write path as
  the application page: audited with old and new values, off any list, re-checked at once unless
  ``recheck`` is false);
* ``POST /bulk-checks``: check many received applications as a background job
  (services.bulk_check.start), either hand-picked (``ids``) or as the queue's filters find them;
* ``GET /jobs/{id}``: a job's progress and summary (the account that started it, or an admin).

A refusal by the state (handed over: void first; nothing changed) is 409, and so is a correction
sent with the ``version`` the client read when these facts changed since (services.versions); a
wrong field 422 with ``errors`` naming each; an application or job the token cannot see 404.
"""
from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify, request

from subsidy import jobs as job_queue
from subsidy.api.v1 import (
    ApiProblem, _iso, application_json, body_day, bp, field_reasons, iso_message, token_required,
)
from subsidy.domain import vn
from subsidy.domain.labels import JOB_LABELS, OUTCOME_LABELS, SUPPORT_FORM_LABELS
from subsidy.domain.list_views import ListFilters
from subsidy.domain.scope import sees_personal_data
from subsidy.domain.workflow import WorkflowError
from subsidy.models import Job
from subsidy.request_scope import db_session
from subsidy.services import bulk_check, communes, corrections, jobs, lookup, versions
from subsidy.services.errors import InvalidFields, NotFound, ServiceError

#: Who may correct and start a bulk check: the commune's clerk (the workflow's "correct" and
#: "check" moves are the clerk's).
WRITERS = ("clerk",)
#: Who reads a job: whoever may start one (a clerk: bulk checks; an admin: backups) and the approver.
JOB_READERS = ("clerk", "approver", "admin")
#: The largest version a client can send (an audit entry's id: the database's integer).
MAX_VERSION = 2_147_483_647
#: At most this many ids in one hand-picked bulk check.
MAX_PICKED = 5000


def _body(allowed: set[str]) -> dict[str, Any]:
    """The request's JSON object; 422 for anything else or for a key not in ``allowed``."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiProblem(422, "Thân yêu cầu phải là một đối tượng JSON (Content-Type: application/json).",
                         errors=[{"name": "body", "reason": "phải là đối tượng JSON"}])
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise ApiProblem(422, f"Trường không được nhận: {', '.join(unknown)}.",
                         errors=[{"name": k, "reason": "không có trường này"} for k in unknown])
    return body


def _text(body: dict[str, Any], name: str, errors: list[dict[str, str]], default: str | None,
          max_length: int, *, nullable: bool = False) -> str | None:
    """The string ``body[name]`` (``default`` when left out) without the characters no stored text
    may hold (vn.storable_text: a reason of NUL only is then a reason left empty); null only where
    the OpenAPI schema allows it (``nullable``: the field is cleared), otherwise a reason is
    appended to ``errors``."""
    if name not in body:
        return default
    raw = body[name]
    if raw is None and nullable:
        return None
    if not isinstance(raw, str) or len(raw) > max_length:
        errors.append({"name": name, "reason": f"phải là chuỗi, tối đa {max_length} ký tự"})
        return default
    return vn.storable_text(raw)


def _invalid(errors: list[dict[str, str]]) -> ApiProblem:
    names = ", ".join(e["name"] for e in errors)
    return ApiProblem(422, f"Dữ liệu không hợp lệ: {names}.", errors=errors)


@bp.route("/applications/<int:application_id>/corrections", methods=["POST"])
@token_required(*WRITERS)
def correct_application(application_id: int) -> Response:
    """Correct an application (a field left out keeps its stored value; ``reason`` is required).
    Answers the corrected application, the changes {field: [old, new]}, the list it left (or
    null) and the re-check's outcome (or null)."""
    session = db_session()
    appl, _events = lookup.get_application(session, application_id)
    body = _body({"received_on", "support_form", "purchase_date", "evidence_note", "reason", "recheck",
                  versions.VERSION_FIELD})
    errors: list[dict[str, str]] = []
    seen = body.get(versions.VERSION_FIELD)
    if seen is not None and (isinstance(seen, bool) or not isinstance(seen, int) or not 0 <= seen <= MAX_VERSION):
        errors.append({"name": versions.VERSION_FIELD, "reason": f"phải là số nguyên từ 0 đến {MAX_VERSION}"})
        seen = None
    data = corrections.CorrectionInput(
        received_on=body_day(body, "received_on", errors, appl.received_on),
        support_form=_text(body, "support_form", errors, appl.support_form, 20) or "",
        purchase_date=body_day(body, "purchase_date", errors, appl.purchase_date, nullable=True),
        evidence_note=_text(body, "evidence_note", errors, appl.evidence_note, 500, nullable=True),
        reason=_text(body, "reason", errors, "", 500) or "",
        seen_version=seen,
    )
    recheck = body.get("recheck", True)
    if not isinstance(recheck, bool):
        errors.append({"name": "recheck", "reason": "phải là true hoặc false"})
    if errors:
        raise _invalid(errors)
    try:
        result = corrections.correct_application(session, appl, data, g.api_user, recheck=recheck)
    except InvalidFields as err:
        raise _invalid(field_reasons(err.field_errors)) from None
    except corrections.NothingChanged as err:
        raise ApiProblem(409, err.api_message) from None
    except (ServiceError, WorkflowError) as err:
        raise ApiProblem(409, iso_message(str(err))) from None
    decision = result.decision
    out = {
        "application": application_json(appl), "changes": result.changes, "from_state": result.from_state,
        "left_list": result.left_list, "version": versions.version(session, "application", appl.id),
        "decision": None if decision is None else {
            "outcome": decision.outcome, "outcome_label": OUTCOME_LABELS.get(decision.outcome, decision.outcome),
            "failed_rules": list(decision.failed_rules or []), "priority_tier": decision.priority_tier},
    }
    session.commit()
    return jsonify(out)


def job_json(job: Job) -> dict[str, Any]:
    return {"id": job.id, "kind": job.kind, "kind_label": JOB_LABELS.get(job.kind, job.kind), "status": job.status,
            "total": job.total, "done": job.done, "summary": job.summary or {}, "error": job.error,
            "created_at": _iso(job.created_at), "started_at": _iso(job.started_at),
            "finished_at": _iso(job.finished_at)}


@bp.route("/jobs/<int:job_id>")
@token_required(*JOB_READERS)
def job(job_id: int) -> Response:
    """A job's progress: status (queued, running, done, failed), done of total, the summary so far."""
    session = db_session()
    try:
        if not 0 < job_id <= lookup.MAX_ID:
            raise NotFound("no such job")
        found = jobs.get_job(session, job_id, g.api_user)
    except NotFound:
        raise ApiProblem(404, "Không có công việc này (hoặc công việc do tài khoản khác bắt đầu).") from None
    body = job_json(found)
    session.commit()  # last_used_at of the token
    return jsonify(body)


@bp.route("/bulk-checks", methods=["POST"])
@token_required(*WRITERS)
def start_bulk_check() -> Response:
    """Start a bulk eligibility check: ``ids`` (hand-picked applications) or the queue's filters
    (``q``, ``hamlet``, ``category``, ``form``, ``tier``) over the «received» queue. 202 with the
    job (poll ``/jobs/{id}``, named in Location); 422 when nothing is left to check, and for a
    hamlet the commune does not have (communes.unknown_hamlet_message: its hamlets named)."""
    session = db_session()
    body = _body({"ids", "q", "hamlet", "category", "form", "tier"})
    errors: list[dict[str, str]] = []
    ids = body.get("ids")
    if "ids" in body and (not isinstance(ids, list) or not 1 <= len(ids) <= MAX_PICKED
                            or not all(isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31 for i in ids)):
        errors.append({"name": "ids", "reason": f"phải là danh sách 1–{MAX_PICKED} số hồ sơ (số nguyên dương)"})
    args = {}
    for name in ("q", "hamlet"):
        value = _text(body, name, errors, "", 100)
        args[name] = value or ""
    # A value the queue's filter does not know is refused, never dropped (which would check every
    # received application): the OpenAPI document's enums.
    for name, choices in (("category", lookup.CATEGORIES), ("form", tuple(SUPPORT_FORM_LABELS))):
        if name in body and body[name] not in choices:
            errors.append({"name": name, "reason": "phải là một trong: " + ", ".join(choices)})
        args[name] = body.get(name) or ""
    # a hamlet the commune does not have would check nothing: refused naming its hamlets, as the downloads do
    unknown = communes.unknown_hamlet_message(session, g.api_user.commune_id, args["hamlet"])
    if unknown is not None:
        errors.append({"name": "hamlet", "reason": unknown})
    tier = body.get("tier")
    if "tier" in body and (not isinstance(tier, int) or isinstance(tier, bool) or tier not in (1, 2, 3, 4)):
        errors.append({"name": "tier", "reason": "phải là 1, 2, 3 hoặc 4"})
    elif tier is not None:
        args["tier"] = str(tier)
    if ids is not None and any(args.values()):
        errors.append({"name": "ids", "reason": "chọn hồ sơ theo số hoặc theo bộ lọc, không cả hai"})
    if errors:
        raise _invalid(errors)
    try:
        if ids is not None:
            started = bulk_check.start_picked(session, ids, g.api_user)
        else:
            started = bulk_check.start_filtered(
                session, ListFilters.from_args(args, personal=sees_personal_data(g.api_user.role)), g.api_user)
    except ServiceError as err:
        # under the field that chose the applications: the ids, else the first filter given
        given = [name for name in ("hamlet", "category", "form", "tier", "q") if name in body]
        name = "ids" if ids is not None else (given[0] if given else "q")
        raise ApiProblem(422, str(err), errors=[{"name": name, "reason": str(err)}]) from None
    body_out = {"job": job_json(started.job), "skipped": started.skipped}
    session.commit()
    job_queue.enqueue(started.job.id)
    resp = jsonify(body_out)
    resp.status_code = 202
    resp.headers["Location"] = f"{bp.url_prefix}/jobs/{started.job.id}"
    return resp
