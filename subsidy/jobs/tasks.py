"""The task the worker runs: one job, in steps, each step committed with the job's progress."""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from subsidy.jobs.queue import bound_app, huey
from subsidy.models import Job, User
from subsidy.services import bulk_check
from subsidy.services import jobs as jobs_svc
from subsidy.services.errors import ServiceError

log = logging.getLogger(__name__)


def _bulk_check(session: Session, job: Job, actor: User | None) -> None:
    ids: list[int] = list(job.params.get("ids", []))
    start = job.done  # a job picked up again goes on where it stopped
    for i in range(start, len(ids), bulk_check.STEP):
        step = bulk_check.check_step(session, ids[i:i + bulk_check.STEP], actor)
        jobs_svc.add_progress(job, len(ids[i:i + bulk_check.STEP]), bulk_check.merge(job.summary, step))
        session.commit()


def _backup(session: Session, job: Job, actor: User | None) -> None:
    from subsidy.services.backup.job import run_backup

    run_backup(session, job, actor, bound_app().config)


def _import_preview(session: Session, job: Job, actor: User | None) -> None:
    from subsidy.services import import_job

    import_job.run_preview(session, job, actor, bound_app().config, session.commit)


def _import_commit(session: Session, job: Job, actor: User | None) -> None:
    from subsidy.services import import_job

    # One transaction for the whole list: progress is committed only while the file is read
    # (before the import touches the database); the rows are committed with the job's end.
    import_job.run_commit(session, job, actor, bound_app().config, session.commit)
    jobs_svc.finish(job)
    session.commit()
    import_job.after_commit(job)


RUNNERS = {"bulk_check": _bulk_check, "backup": _backup, "import_preview": _import_preview,
           "import_commit": _import_commit}


def run(job_id: int) -> None:
    """Run job ``job_id`` in the bound app: mark it running, run its steps (each committed), mark
    it done; on a refusal or an error, roll the step back and mark it failed with the reason."""
    app = bound_app()
    with app.app_context():
        session: Session = app.extensions["subsidy.sessionmaker"]()
        try:
            job = session.get(Job, job_id)
            if job is None or job.status in ("done", "failed"):
                return
            actor = session.get(User, job.created_by_id) if job.created_by_id else None
            jobs_svc.mark_running(job)
            session.commit()
            try:
                RUNNERS[job.kind](session, job, actor)
            except ServiceError as err:
                session.rollback()
                jobs_svc.fail(job, str(err))
            except Exception:
                session.rollback()
                log.exception("job %s failed", job_id)
                kept = ("chưa ghi gì vào sổ hộ" if job.kind.startswith("import_")
                        else "phần đã làm được giữ nguyên")
                jobs_svc.fail(job, f"Công việc dừng vì lỗi hệ thống; {kept}. Hãy báo quản trị.")
            else:
                if job.status != "done":
                    jobs_svc.finish(job)
            session.commit()
        finally:
            session.close()


@huey.task()
def run_job(job_id: int) -> None:
    """The Huey task: run job ``job_id`` (see :func:`run`)."""
    run(job_id)
