"""The app as `make run` builds it, plus two routes that exist only under bench/status_load.py.

GET /bench/bare answers the constant "ok" and does nothing else: the framework's floor (it was
/healthz until /healthz began to check the database).

POST /bench/limiter-floor goes through what the status check goes through before it does any
work of its own (the same middleware, the form body parsed, the same Flask-Limiter limits with
the same key functions and storage) and then answers a constant, the status page's heading. Its
throughput is the ceiling any implementation of the status check on this stack could reach: the
distance between it and the real check is what the form, the query and the page cost.

Served by gunicorn as `_status_floor_app:app` (with --pythonpath bench); never part of the app.
"""
from __future__ import annotations

from subsidy import create_app
from subsidy.extensions import csrf, limiter
from subsidy.request_scope import public_view
from subsidy.web.public import _client_limit, _code_key, _code_limit

app = create_app()


@app.route("/bench/limiter-floor", methods=["POST"])
@public_view
@csrf.exempt
@limiter.limit(_client_limit, methods=["POST"])
@limiter.limit(_code_limit, methods=["POST"], key_func=_code_key)
def limiter_floor() -> str:
    return "Kết quả tra cứu"


@app.route("/bench/bare")
@public_view
def bare() -> str:
    return "ok"
