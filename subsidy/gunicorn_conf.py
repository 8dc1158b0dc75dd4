"""gunicorn's settings for `make run` and the province's server:

    .venv/bin/gunicorn -c python:subsidy.gunicorn_conf app:app

Environment: HOST (default 127.0.0.1) and PORT (5000) to listen on; WEB_THREADS (8) threads per
worker; WEB_WORKERS worker processes: 1 while the rate limits are counted in memory
(RATELIMIT_STORAGE_URI=memory://, the default: each process would count on its own, so a client
would get the limit once per worker), otherwise 2 by default (with Redis they share one count);
ACCESS_LOG the access log file ("-": standard error, the default; "" none). Options given on
gunicorn's command line win over these.

The access log never holds a query string or a Referer's query (a search by CCCD travels there):
:class:`QuerylessAccessLogger`.
"""
from __future__ import annotations

import os
import sys

from gunicorn.glogging import Logger

from subsidy.log_redaction import redact


def _workers(environ: dict[str, str]) -> int:
    in_memory = environ.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://")
    asked = environ.get("WEB_WORKERS")
    if in_memory:
        if asked and int(asked) > 1:
            print("gunicorn: giới hạn tần suất đang đếm trong bộ nhớ (RATELIMIT_STORAGE_URI=memory://) nên chỉ "
                  "chạy 1 tiến trình (nhiều luồng); muốn nhiều tiến trình hãy đặt RATELIMIT_STORAGE_URI=redis://…",
                  file=sys.stderr)
        return 1
    return int(asked or 2)


class QuerylessAccessLogger(Logger):
    """gunicorn's logger with the query strings dropped from the access log's request line (%(r)s),
    query (%(q)s) and Referer (%(f)s), whatever ``access_log_format`` says."""

    def atoms(self, resp, req, environ, request_time):  # noqa: ANN001 - gunicorn's signature
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["q"] = ""
        for key in ("r", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms


bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"]
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "8"))
workers = _workers(dict(os.environ))
logger_class = QuerylessAccessLogger
accesslog = os.environ.get("ACCESS_LOG", "-") or None
# gunicorn's default without the User-Agent, plus the time taken.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" %(M)sms'
# Long imports run inside a request until they move to background jobs: do not kill the worker.
timeout = int(os.environ.get("WEB_TIMEOUT", "300"))
graceful_timeout = 30
# gunicorn's control socket is one path per user (~/.gunicorn/gunicorn.ctl): two servers on one
# machine (a second instance, the tests) would fight over it, and nothing here uses it.
control_socket_disable = True
