"""A background job's page: its progress while it runs (the page reloads itself every 2 seconds,
no script needed) and, when it is done, each kind's own summary (templates/jobs/_summary_<kind>.html:
a bulk check's outcomes and refusals, a backup's file, an import's counts); a failed job says why."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user

from subsidy.domain.labels import OUTCOME_LABELS
from subsidy.request_scope import db_session, roles_required
from subsidy.services import jobs as svc

bp = Blueprint("jobs", __name__, url_prefix="/cong-viec")


def _job(job_id: int):
    return svc.get_job(db_session(), job_id, current_user)  # NotFound: the 404 page (web.errors)


@bp.route("/<int:job_id>")
@roles_required("clerk", "approver", "admin")
def show(job_id: int):
    job = _job(job_id)
    return render_template("jobs/show.html", job=job, label=svc.JOB_LABELS.get(job.kind, job.kind),
                           outcome_labels=OUTCOME_LABELS, running=job.status in ("queued", "running"),
                           stalled=svc.stalled(job), unit=svc.JOB_UNITS.get(job.kind, ""))


@bp.route("/<int:job_id>.json")
@roles_required("clerk", "approver", "admin")
def progress(job_id: int):
    """{"status", "total", "done", "summary", "error"} of the job, for a page or a script that polls."""
    job = _job(job_id)
    return jsonify(status=job.status, total=job.total, done=job.done, summary=job.summary, error=job.error)
