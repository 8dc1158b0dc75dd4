"""The JSON API (bearer tokens, problem details, OpenAPI 3.1 document): see subsidy/api/v1.py (reads)
and subsidy/api/actions.py (corrections, bulk checks, jobs)."""
from __future__ import annotations

from flask import Flask

from subsidy.api import actions, v1  # noqa: F401  (actions: the writes, routes on v1's blueprint)
from subsidy.api import complaints  # noqa: F401  (the complaints register, routes on v1's blueprint)
from subsidy.extensions import csrf


def init_app(app: Flask) -> None:
    """Register API v1 and exempt it from CSRF (it authenticates with bearer tokens, not cookies)."""
    csrf.exempt(v1.bp)
    app.register_blueprint(v1.bp)
