"""A backup made from the admin page, as a background job (subsidy/jobs runs it in the worker).

The job's ``summary`` is what the page shows when it is done: ``file`` (the name in BACKUP_DIR),
``size`` (bytes), ``tables``, ``rows``, ``revision``, ``app_version``, ``key_created`` (the backup
key was made by this backup: the page says to copy it away).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from sqlalchemy.orm import Session

from subsidy.models import Job, User
from subsidy.services import audit
from subsidy.services import jobs as jobs_svc
from subsidy.services.backup.folder import new_name
from subsidy.services.backup.service import backup_key, make_backup


def run_backup(session: Session, job: Job, actor: User | None, config: Mapping[str, Any]) -> None:
    """Back up the database of ``config`` (DATABASE_URL, SECRET_KEY, BACKUP_KEY_FILE) into a new
    file of BACKUP_DIR, record the outcome in ``job`` (one step of one) and audit it as
    "backup.create" by ``actor`` (the admin who asked). Raises BackupError (the job fails with
    its message; nothing is written but a partial file that is removed). Flushes, never commits."""
    key, created = backup_key(Path(config["BACKUP_KEY_FILE"]), create=True)
    folder = Path(config["BACKUP_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    result = make_backup(config["DATABASE_URL"], new_name(folder), key, config["SECRET_KEY"], config)
    m = result.manifest
    summary = {"file": result.path.name, "size": result.size, "tables": len(m["tables"]),
               "rows": sum(m["tables"].values()), "revision": m["revision"], "app_version": m["app_version"],
               "key_created": created}
    jobs_svc.add_progress(job, 1, summary)
    audit.record(session, actor, "backup.create", "backup", None,
                 changes={"file": summary["file"], "size": summary["size"], "rows": summary["rows"]},
                 note="sao lưu từ trang quản trị")
