"""Entry of the job worker: `.venv/bin/huey_consumer jobs_worker.huey` (started by `make run`).

Builds the app (its database and settings, from the environment like app.py) so the tasks run in
it, and exposes the Huey instance the consumer reads."""
from app import app  # noqa: F401  (create_app binds itself to the jobs package)
from subsidy.jobs.queue import huey  # noqa: F401
import subsidy.jobs.tasks  # noqa: F401,E402  (registers the task with huey)
