"""Backups for the admin: make one now (a background job writing into BACKUP_DIR), the kept ones
with what each holds (date, version, migration, rows), a download of any of them (still encrypted),
and how to restore (a server command, never a button: it needs an empty database).

GET  /quan-tri/sao-luu               backups.index     the page
POST /quan-tri/sao-luu/tao           backups.create    start a backup (confirmed) → the job's page
GET  /quan-tri/sao-luu/<name>        backups.download  the encrypted file, audited "backup.download"
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, send_file, url_for
from flask_login import current_user

from forms.auth import ConfirmForm
from subsidy import jobs
from subsidy.request_scope import db_session, roles_required
from subsidy.services import jobs as jobs_svc
from subsidy.services.backup import folder
from subsidy.web.viewlog import record_view

bp = Blueprint("backups", __name__, url_prefix="/quan-tri/sao-luu")


def _folder() -> Path:
    return Path(current_app.config["BACKUP_DIR"])


@bp.route("/")
@roles_required("admin")
def index():
    key_file = Path(current_app.config["BACKUP_KEY_FILE"])
    return render_template("admin/backups.html", kept=folder.list_backups(_folder()), folder=_folder(),
                           key_file=key_file, key_exists=key_file.exists(), confirm=ConfirmForm(),
                           retention_years=current_app.config.get("VIEW_LOG_RETENTION_YEARS", 5))


@bp.route("/tao", methods=["POST"])
@roles_required("admin")
def create():
    """Start a backup in the background (the job worker): the whole database may take a while."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = db_session()
    job = jobs_svc.create_job(session, "backup", {}, 1, current_user)
    session.commit()
    jobs.enqueue(job.id)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/<name>")
@roles_required("admin")
def download(name: str):
    """The backup file ``name`` of BACKUP_DIR as it is on disk (encrypted: useless without the
    key, which is never served). Audited: a copy of every record left the server."""
    path = folder.find(_folder(), name)
    if path is None:
        abort(404)
    record_view("backup.download", "backup", None, note=name)
    resp = send_file(path, mimetype="application/octet-stream", as_attachment=True, download_name=name, max_age=0)
    resp.headers["Cache-Control"] = "no-store"
    return resp
