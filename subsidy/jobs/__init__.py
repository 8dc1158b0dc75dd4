"""The one background-job mechanism: long work started from the UI (a bulk eligibility check …)
runs outside the web request, on Huey (https://huey.readthedocs.io), a small task queue.

* :mod:`.queue` — the Huey instance: SQLite storage by default (``instance/jobs.sqlite3``, nothing
  else to run), Redis in production (``JOBS_STORAGE_URI=redis://127.0.0.1:6379/1``);
* :mod:`.tasks` — the one task, ``run_job(job_id)``, and what each kind of job does in steps;
* the progress and outcome live in the database (models.Job, services.jobs), not in Huey, so
  every web worker shows the same figures and a finished job's summary stays.

``make run`` starts the worker beside gunicorn (``huey_consumer jobs_worker.huey``). With
``JOBS_IMMEDIATE`` (the tests) a job runs at once inside the request that starts it.
"""
from __future__ import annotations

from flask import Flask

from subsidy.jobs.queue import bind_app, huey


def init_app(app: Flask) -> None:
    """Make ``app`` the one the tasks of this process run in; run jobs at once with JOBS_IMMEDIATE."""
    bind_app(app)
    huey.immediate = bool(app.config.get("JOBS_IMMEDIATE"))


def enqueue(job_id: int) -> None:
    """Hand job ``job_id`` (committed first: the worker reads it) to the worker. Run at once in
    this process's current app when jobs are immediate (the tests)."""
    from flask import current_app, has_app_context

    from subsidy.jobs.tasks import run, run_job

    # Decided by the current app, not only by the one Huey of the process: in a process holding
    # several apps (the tests), the last app built would otherwise decide for all of them.
    if has_app_context() and current_app.config.get("JOBS_IMMEDIATE"):
        bind_app(current_app._get_current_object())  # type: ignore[attr-defined]
        run(job_id)
        return
    run_job(job_id)
