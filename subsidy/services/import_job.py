"""The web import of a household list as background jobs: the preview (kind ``import_preview``)
and the confirmed import (kind ``import_commit``), both over an upload kept in a folder of the
instance (web/imports.py makes the folder, the job worker runs these).

The folder ``<IMPORT_DIR>/<token>/`` holds ``upload`` (the file's bytes), ``meta.json`` (who
uploaded it, its name, the list year asked, the commune, the preview job's id) and, once the
preview job is done, ``preview.json`` (the :class:`importer.ImportReport` the preview page shows).
A confirmation renames the folder to ``<token>.dang-nhap`` (so a second click cannot import it
twice); the commit job imports that file in one transaction and, once it is committed, leaves the
receipt ``<token>.xong.json`` in its place (:func:`after_commit`). A refused commit (rows with
errors and no «bỏ qua») puts the folder back with the new report, so the preview shows why.

Job params: ``{"folder": absolute path, "token": str}`` (and for the commit ``"skip_invalid": bool``,
``"complete": bool | None``: the list replaces the commune's list of its year, None for the file's default). Job summary: ``{"rows_known": bool}`` while the file is read (``done``/``total`` are rows
read / rows the sheet declares; ``rows_known`` False when it declares none, e.g. dimension ``A1``;
once read, both are the rows the preview lists, as its «Tất cả» counts them),
then for the commit ``{"filename", "list_year", "committed", "counts": {status: rows}, "left": households
written as no longer on the year's list}``.
These functions never commit: the job worker commits (subsidy/jobs/tasks.py).
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any, Callable, Mapping

from sqlalchemy.orm import Session

from subsidy.models import Job, User
from subsidy.services import communes as communes_svc
from subsidy.services import importer
from subsidy.services import jobs as jobs_svc

META = "meta.json"
PREVIEW = "preview.json"
UPLOAD = "upload"
DONE_SUFFIX = ".xong.json"
BUSY_SUFFIX = ".dang-nhap"

#: Called after each change of the job's progress: the worker commits it, so every web worker sees it.
Commit = Callable[[], None]


def read_meta(folder: Path) -> dict[str, Any]:
    """The upload's ``meta.json`` as a dict. Raises OSError, ValueError (missing, unreadable)."""
    return json.loads((folder / META).read_text(encoding="utf-8"))


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` atomically (a reader never sees half a file)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def save_report(folder: Path, report: importer.ImportReport) -> None:
    """Store ``report`` as the folder's ``preview.json`` (atomically)."""
    tmp = folder / (PREVIEW + ".tmp")
    tmp.write_text(report.to_json(), encoding="utf-8")
    os.replace(tmp, folder / PREVIEW)


def _import(session: Session, job: Job, actor: User | None, folder: Path, config: Mapping[str, Any],
            commit_progress: Commit, *, dry_run: bool, skip_invalid: bool,
            shown: importer.ImportReport | None = None) -> importer.ImportReport:
    if not (folder / UPLOAD).is_file():
        raise importer.ImportFileError("Tệp tải lên không còn trên máy chủ (lần nhập đã bị hủy hoặc đã quá 24 giờ). "
                                       "Hãy tải tệp lên lại.")
    meta = read_meta(folder)
    hamlets = communes_svc.hamlet_names(session, meta.get("commune_id"))
    # Reading the file never touches the database (importer.reader), so the worker may commit the
    # job's progress while it reads: nothing of the import is pending then. Planning and writing
    # come after the last progress call, inside the one transaction the worker commits at the end.
    commit_progress()

    def progress(done: int, total: int) -> None:
        job.total = max(total, done)
        job.done = done
        job.summary = {"rows_known": total >= done and total > 0}
        commit_progress()

    report = importer.import_households(
        session, (folder / UPLOAD).read_bytes(), meta["filename"], actor,
        year=meta.get("year"), dry_run=dry_run, skip_invalid=skip_invalid,
        limits=importer.ImportLimits.from_config(config), progress=progress,
        hamlets=hamlets, commune_id=meta.get("commune_id"), complete=job.params.get("complete"), shown=shown,
    )
    # Done: the rows the preview lists (its «Tất cả»: every household row and every skipped row,
    # a run of blank rows once, a per-person list's members with their household), not the last
    # row number read, which also counted the title and header rows above the table.
    job.total = job.done = max(len(report.rows), 1)
    job.summary = {**job.summary, "rows_known": True}
    return report


def run_preview(session: Session, job: Job, actor: User | None, config: Mapping[str, Any],
                commit_progress: Commit) -> None:
    """The preview job: read and classify the upload of ``job.params["folder"]`` (dry run, nothing
    written), store the report as its ``preview.json``. Raises ImportFileError (the file refused
    as a whole: type, zip bomb, XML guard, no header, too many rows, reading time over
    IMPORT_MAX_SECONDS); the upload is then deleted (its folder keeps ``meta.json`` so the page can
    say why). Flushes nothing."""
    folder = Path(job.params["folder"])
    try:
        report = _import(session, job, actor, folder, config, commit_progress, dry_run=True,
                         skip_invalid=bool(read_meta(folder).get("skip_invalid")))
    except importer.ImportFileError:
        (folder / UPLOAD).unlink(missing_ok=True)
        raise
    save_report(folder, report)
    jobs_svc.add_progress(job, 0, {**job.summary, "token": job.params["token"], "counts": report.counts})


def run_commit(session: Session, job: Job, actor: User | None, config: Mapping[str, Any],
               commit_progress: Commit) -> importer.ImportReport:
    """The confirmed import: import the claimed upload (``<token>.dang-nhap``) as ``actor`` with
    ``job.params["skip_invalid"]``; the job's summary gets the outcome. Returns the report.

    Raises ImportRefused (rows with errors and no skip_invalid) or ImportStale (the data changed
    since the preview: what it would write differs from what the preview showed) — the folder is
    then put back under its token with the new report, so the preview shows the rows —, ImportFileError (the file refused:
    the upload is deleted). On any other error the folder is put back as it was. Flushes, never
    commits: the worker commits once, then calls :func:`after_commit`."""
    claimed = Path(job.params["folder"])
    folder = claimed.with_name(job.params["token"])
    try:
        # The preview the clerk confirmed: the import writes exactly what it showed, or nothing.
        shown = importer.ImportReport.from_json((claimed / PREVIEW).read_text(encoding="utf-8")) \
            if (claimed / PREVIEW).is_file() else None
        report = _import(session, job, actor, claimed, config, commit_progress, dry_run=False,
                         skip_invalid=bool(job.params.get("skip_invalid")), shown=shown)
    except (importer.ImportRefused, importer.ImportStale) as err:
        claimed.rename(folder)
        save_report(folder, err.report)
        raise
    except importer.ImportFileError:
        shutil.rmtree(claimed, ignore_errors=True)
        raise
    except BaseException:
        claimed.rename(folder)
        raise
    jobs_svc.add_progress(job, 0, {"rows_known": job.summary.get("rows_known", True),
                                   "filename": report.filename, "list_year": report.list_year,
                                   "committed": report.committed, "counts": report.counts,
                                   "left": report.year_counts.get("leave", 0)})
    return report


def after_commit(job: Job) -> None:
    """Once the import is committed: leave ``<token>.xong.json`` (who, when, counts: the page
    that answers a second confirmation) and delete the upload."""
    claimed = Path(job.params["folder"])
    s = job.summary
    try:
        meta = read_meta(claimed)
        write_json(claimed.parent / (job.params["token"] + DONE_SUFFIX),
                   {"user_id": meta.get("user_id"), "at": time.time(), "filename": s["filename"],
                    "list_year": s["list_year"], "committed": s["committed"], "counts": s["counts"]})
    except (OSError, ValueError):
        pass  # only the "already imported" page depends on it
    shutil.rmtree(claimed, ignore_errors=True)

