"""The Huey instance the web app enqueues on and the worker (huey_consumer) reads from.

Storage from ``JOBS_STORAGE_URI`` in the environment, read when this module is imported (the
worker and the web app must agree, so it is not a per-app setting): ``redis://host:port/db`` for
Redis (several web workers and machines), else a SQLite file (default ``instance/jobs.sqlite3``;
``sqlite:///path`` for another one). Huey keeps only the queue there; each job's progress and
outcome are in the application's database (models.Job).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from huey import RedisHuey, SqliteHuey

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STORAGE = f"sqlite:///{ROOT / 'instance' / 'jobs.sqlite3'}"


def make_huey(uri: str) -> Any:
    """A Huey on ``uri``: "redis://…" or "sqlite:///path"."""
    if uri.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("vtci-jobs", url=uri)
    path = uri.removeprefix("sqlite:///") if uri.startswith("sqlite:///") else uri
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("vtci-jobs", filename=path)


huey = make_huey(os.environ.get("JOBS_STORAGE_URI") or DEFAULT_STORAGE)

_app: Any = None


def bind_app(app: Any) -> None:
    """The Flask app the tasks of this process use (its database, its settings)."""
    global _app
    _app = app


def bound_app() -> Any:
    """The app bound by init_app; the worker binds one by importing the entry module (jobs_worker)."""
    if _app is None:
        raise RuntimeError("No app bound: start the worker with `huey_consumer jobs_worker.huey`.")
    return _app
