"""The app as `make run` builds it, plus routes that exist only under bench/status_load.py.

GET /bench/bare answers the constant "ok" and does nothing else: the framework's floor (it was
/healthz until /healthz began to check the database).

POST /bench/limiter-floor goes through what the status check goes through before it does any
work of its own (the same middleware, the form body parsed, the same limits with the same keys
and storage: web/status_limits.py, every window in one round trip) and then answers a constant,
the status page's heading. Its throughput is the ceiling any implementation of the status check
on this stack could reach: the distance between it and the real check is what the form, the
query and the page cost.

For the comparison in the same run, the way the limits were checked before (Flask-Limiter's
decorators, one Redis round trip per window): POST /bench/status-flask-limiter is the status
check (the same page code, web.public.status_page) behind those decorators, and
POST /bench/limiter-floor-flask-limiter their floor. Their counters sit under their own endpoint
names, so they never share a budget with the real route.

Served by gunicorn as `_status_floor_app:app` (with --pythonpath bench); never part of the app.
"""
from __future__ import annotations

from flask import request
from flask_limiter.util import get_remote_address

from subsidy import create_app
from subsidy.extensions import csrf, limiter
from subsidy.request_scope import public_view
from subsidy.web import status_limits
from subsidy.web.public import code_key, status_page

app = create_app()


@app.route("/bench/limiter-floor", methods=["POST"])
@public_view
@csrf.exempt
@limiter.exempt
@status_limits.counted_here
def limiter_floor() -> str:
    if request.method == "POST":
        status_limits.check(get_remote_address(), code_key())
    return "Kết quả tra cứu"


@app.route("/bench/limiter-floor-flask-limiter", methods=["POST"])
@public_view
@csrf.exempt
@limiter.limit(status_limits.client_limit, methods=["POST"])
@limiter.limit(status_limits.code_limit, methods=["POST"], key_func=code_key)
def limiter_floor_flask_limiter() -> str:
    return "Kết quả tra cứu"


@app.route("/bench/status-flask-limiter", methods=["GET", "POST"])
@public_view
@csrf.exempt
@limiter.limit(status_limits.client_limit, methods=["POST"])
@limiter.limit(status_limits.code_limit, methods=["POST"], key_func=code_key)
def status_flask_limiter():  # noqa: ANN201 - a Flask response
    return status_page()


@app.route("/bench/bare")
@public_view
def bare() -> str:
    return "ok"
