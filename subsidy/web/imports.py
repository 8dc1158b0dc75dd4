"""Import the household list from the browser: upload → preview (every row classified) → confirm.

The uploaded file stays on the server under ``instance/imports/<random id>/`` (or ``IMPORT_DIR``
from the config or the environment) between the preview and the confirmation, so the commit
imports exactly the file that was previewed; the browser never sends it back.  The folder is
deleted after the commit, on cancel, or — for abandoned previews — a day later (swept at each
new upload).  Only its uploader can see or commit a preview (only the clerk imports: domain.scope.HOUSEHOLD_ENTRY_ROLES).  Both steps run as
background jobs (services/import_job.py on the job worker, calling
services.importer.import_households like the CLI): the upload answers at once, the preview page
shows the rows read so far (reloading itself every 2 seconds) until the preview is ready, and the
confirmation leads to the commit job's page (progress, then the summary).  Only the cheap check
of the file's type (its first bytes) is made in the request.

After a commit the folder is replaced by a small receipt ``<id>.xong.json`` (who, when, counts),
kept a day, so that confirming the same preview again (a double click, the back button, a second
tab) says in Vietnamese that the file was already imported, with a link to the household list,
instead of a bare 404.  A preview that expired, was cancelled or belongs to someone else gets
the same kind of page ("bản xem trước không còn"), status 404.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from forms.households import CancelImportForm, ConfirmImportForm, ImportForm
from subsidy.domain.labels import CATEGORY_LABELS, LEFT_OUTCOME_LABELS, SHEET_KIND_LABELS, STATE_LABELS
from subsidy.domain.scope import HOUSEHOLD_ENTRY_ROLES, household_entry_refusal
from subsidy.request_scope import db_session, roles_required
from subsidy import jobs
from subsidy.services import import_job, importer
from subsidy.services import jobs as jobs_svc
from subsidy.web.refusals import REFUSED, attempt
from subsidy.web.pagination import Page, page_arg, within_pages

bp = Blueprint("imports", __name__, url_prefix="/nhap-danh-sach")

#: Who imports the household list: the roles that enter households (domain.scope: the clerk; the
#: admin neither adds nor edits households, nor sees the CCCDs and phones the list carries).
ROLES = tuple(sorted(HOUSEHOLD_ENTRY_ROLES))
KEEP_SECONDS = 24 * 3600
PER_PAGE = 100
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
STATUS_ORDER = ("error", "new", "update", "unchanged", "skipped")


def _root() -> Path:
    root = Path(current_app.config.get("IMPORT_DIR") or os.environ.get("IMPORT_DIR")
                or Path(current_app.instance_path) / "imports")
    root.mkdir(parents=True, exist_ok=True)
    return root


DONE_SUFFIX = import_job.DONE_SUFFIX
BUSY_SUFFIX = import_job.BUSY_SUFFIX


def _sweep(root: Path) -> None:
    """Delete previews and import receipts older than a day (abandoned uploads)."""
    limit = time.time() - KEEP_SECONDS
    for child in root.iterdir():
        try:
            if child.stat().st_mtime >= limit:
                continue
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            elif child.name.endswith(DONE_SUFFIX):
                child.unlink(missing_ok=True)
        except OSError:
            continue


def pending_previews(limit: int = 10) -> list[dict[str, Any]]:
    """The signed-in user's uploads left in preview (not confirmed nor cancelled, not yet swept),
    newest first: [{"token", "filename", "created" (epoch seconds)}] (the home page's to-do list)."""
    root = Path(current_app.config.get("IMPORT_DIR") or os.environ.get("IMPORT_DIR")
                or Path(current_app.instance_path) / "imports")
    found = []
    if not root.is_dir():
        return found
    limit_time = time.time() - KEEP_SECONDS
    for child in root.iterdir():
        try:
            if not child.is_dir() or not (child / "preview.json").is_file():
                continue
            meta = _meta(child)
        except (OSError, ValueError):
            continue
        if meta.get("user_id") == current_user.id and meta.get("created", 0) >= limit_time:
            found.append({"token": child.name, "filename": meta.get("filename", ""), "created": meta.get("created", 0)})
    found.sort(key=lambda m: -m["created"])
    return found[:limit]


def _mine(meta: dict[str, Any]) -> bool:
    return meta.get("user_id") == current_user.id


def _gone(token: str) -> None:
    """Abort with a Vietnamese page saying why this preview is not there any more.

    ``<id>.xong.json`` of this user: already imported (410, when and what);
    ``<id>.dang-nhap``: being imported right now (409); anything else (expired, cancelled, never
    existed, someone else's): 404, the preview is no longer there.  Always links to the
    household list and to a new import.
    """
    root = _root()
    done_path = root / (token + DONE_SUFFIX)
    state, status, done = "missing", 404, None
    try:
        if done_path.is_file():
            done = json.loads(done_path.read_text(encoding="utf-8"))
            if _mine(done) and time.time() - done.get("at", 0) <= KEEP_SECONDS:
                state, status = "done", 410
            else:
                done = None
        elif (root / (token + BUSY_SUFFIX) / "meta.json").is_file() and _mine(
                json.loads((root / (token + BUSY_SUFFIX) / "meta.json").read_text(encoding="utf-8"))):
            state, status = "busy", 409
    except (OSError, ValueError):
        state, status, done = "missing", 404, None
    at = dt.datetime.fromtimestamp(done["at"], dt.timezone.utc) if done else None
    abort(make_response(render_template("imports/gone.html", state=state, done=done, at=at), status))


def _folder(token: str) -> Path:
    """The folder of an upload this user may use; otherwise a Vietnamese "gone" page (404, or
    410 when it was already imported, 409 while it is being imported: see :func:`_gone`)."""
    if not _TOKEN.match(token or ""):
        abort(404)
    folder = _root() / token
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        _gone(token)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if not _mine(meta):
        _gone(token)
    if time.time() - meta.get("created", 0) > KEEP_SECONDS:
        shutil.rmtree(folder, ignore_errors=True)
        _gone(token)
    return folder


def _meta(folder: Path) -> dict[str, Any]:
    return import_job.read_meta(folder)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_err: Any):
    limit = int(current_app.config.get("MAX_CONTENT_LENGTH") or 0)
    form = ImportForm(formdata=None)
    msg = (f"Tệp tải lên vượt giới hạn {limit / 1048576:.0f} MB. Hãy xóa các trang tính, hình ảnh "
           "không cần thiết hoặc chia danh sách thành nhiều tệp rồi tải lại.")
    return render_template("imports/new.html", form=form, error=msg), 413


@bp.route("/", methods=["GET", "POST"])
@roles_required(*ROLES, refusal=household_entry_refusal)
def new():
    form = ImportForm()

    def check() -> tuple[str, bytes]:
        # The file's type and size from its first bytes, a text file's header: a wrong file is
        # told at once, under the file field, before anything is kept.
        upload = form.file.data
        filename = Path(upload.filename or "danh-sach").name[:200]
        data = upload.read()
        importer.check_upload(data, filename, importer.ImportLimits.from_config(current_app.config))
        return filename, data

    # A stale form (CSRF) is a bad request; a wrong file or year is told on the form again (422).
    checked = attempt(form, check, field="file", bad_token_400=True)
    if checked is REFUSED:
        return render_template("imports/new.html", form=form, error=None)
    filename, data = checked
    root = _root()
    _sweep(root)
    token = secrets.token_urlsafe(24)
    folder = root / token
    folder.mkdir(mode=0o700)
    (folder / import_job.UPLOAD).write_bytes(data)
    session = db_session()
    job = jobs_svc.create_job(session, "import_preview", {"folder": str(folder), "token": token}, 0, current_user)
    meta = {"filename": filename, "year": form.year.data, "skip_invalid": bool(form.skip_invalid.data),
            "user_id": current_user.id, "commune_id": current_user.commune_id, "created": time.time(),
            "job_id": job.id}
    import_job.write_json(folder / import_job.META, meta)
    session.commit()
    jobs.enqueue(job.id)
    return redirect(url_for("imports.preview", token=token))


def _reading(folder: Path, token: str):
    """The page of an upload whose preview is not ready: the preview job's progress (reloading
    itself), or why it failed (422, the upload already deleted)."""
    meta = _meta(folder)
    job = jobs_svc.get_job(db_session(), int(meta.get("job_id") or 0))  # NotFound: the 404 page (web.errors)
    running = job.status in ("queued", "running")
    page = render_template("imports/reading.html", job=job, meta=meta, token=token, running=running,
                           stalled=jobs_svc.stalled(job), unit=jobs_svc.JOB_UNITS[job.kind],
                           cancel=CancelImportForm())
    return page, (422 if job.status == "failed" else 200)


@bp.route("/<token>")
@roles_required(*ROLES, refusal=household_entry_refusal)
def preview(token: str):
    folder = _folder(token)
    path = folder / import_job.PREVIEW
    if not path.is_file():
        return _reading(folder, token)
    report = importer.ImportReport.from_json(path.read_text(encoding="utf-8"))
    counts = report.counts
    status = request.args.get("status", "")
    if status not in STATUS_ORDER:
        status = "error" if counts["error"] and "status" not in request.args else ""
    rows = [r for r in report.rows if not status or r.status == status]
    page_no = within_pages(page_arg(request.args), len(rows), PER_PAGE)
    page = Page(rows[(page_no - 1) * PER_PAGE: page_no * PER_PAGE], page_no, PER_PAGE, len(rows))
    meta = _meta(folder)
    confirm = ConfirmImportForm(skip_invalid=meta.get("skip_invalid", False),
                                complete="yes" if report.complete else "no")
    uploaded = dt.datetime.fromtimestamp(meta.get("created", time.time()), dt.timezone.utc)
    return render_template(
        "imports/preview.html", report=report, counts=counts, page=page, status=status, token=token,
        confirm=confirm, cancel=CancelImportForm(), statuses=importer.STATUS_LABELS,
        field_labels=importer.FIELD_LABELS, order=STATUS_ORDER, uploaded=uploaded,
        column_labels=_column_labels(report.columns), sheet_kinds=SHEET_KIND_LABELS, left_labels=LEFT_OUTCOME_LABELS,
        app_states=STATE_LABELS, categories=CATEGORY_LABELS,
    )


def _column_labels(columns: dict[str, int]) -> list[tuple[str, str]]:
    from openpyxl.utils import get_column_letter

    from subsidy.domain.household_list import COLUMN_LABELS

    return [(get_column_letter(i + 1), COLUMN_LABELS.get(f, f)) for f, i in sorted(columns.items(), key=lambda kv: kv[1])]


@bp.route("/<token>/xac-nhan", methods=["POST"])
@roles_required(*ROLES, refusal=household_entry_refusal)
def commit(token: str):
    folder = _folder(token)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    # Claim the upload so that a double click or a second clerk cannot import it twice.
    claimed = folder.with_name(folder.name + BUSY_SUFFIX)
    try:
        folder.rename(claimed)
    except OSError:
        _gone(token)
    session = db_session()
    job = jobs_svc.create_job(session, "import_commit", {"folder": str(claimed), "token": token,
                                                         "skip_invalid": bool(form.skip_invalid.data),
                                                         "complete": form.complete_choice()},
                              0, current_user)
    try:
        session.commit()
    except Exception:
        claimed.rename(folder)
        raise
    jobs.enqueue(job.id)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/<token>/huy", methods=["POST"])
@roles_required(*ROLES, refusal=household_entry_refusal)
def cancel(token: str):
    folder = _folder(token)
    if not CancelImportForm().validate_on_submit():
        abort(400)
    shutil.rmtree(folder, ignore_errors=True)
    flash("Đã hủy lần nhập này; tệp tải lên đã được xóa.", "success")
    return redirect(url_for("imports.new"))
