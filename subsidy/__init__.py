"""The VTCI smartphone subsidy case manager: create_app(config=None)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from subsidy.log_redaction import RedactQueryStrings

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides the environment-derived settings (tests pass a dict)."""
    from subsidy.config import commune_defaults_of, load_config, normalise_database_url
    from subsidy.db import make_engine, make_sessionmaker, single_statement_engine

    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.update(load_config())
    if config:
        app.config.update(config)
    app.config["DATABASE_URL"] = normalise_database_url(app.config["DATABASE_URL"])

    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["subsidy.engine"] = engine
    # The first commune, when a command or page has to make it, takes this app's settings as they
    # are then (read when needed, not now).
    info = {"subsidy.commune_defaults": lambda: commune_defaults_of(app.config)}
    app.extensions["subsidy.sessionmaker"] = make_sessionmaker(engine, info=info)
    app.extensions["subsidy.read_sessionmaker"] = make_sessionmaker(engine, readonly=True, info=info)
    app.extensions["subsidy.single_statement_engine"] = single_statement_engine(engine)

    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    werkzeug_log = logging.getLogger("werkzeug")
    werkzeug_log.setLevel(logging.INFO)
    if not any(isinstance(f, RedactQueryStrings) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(RedactQueryStrings())

    # The documents' font: Times New Roman from PDF_FONT_DIR when usable, else the shipped Liberation
    # Serif; every face is checked for every Vietnamese letter now, at start-up, not at the first print.
    from subsidy.documents.base import fonts

    fonts.configure(app.config.get("PDF_FONT_DIR") or None)
    fonts.register_fonts()

    from subsidy import api, cli, jobs, request_scope, web
    from subsidy.web import ids

    ids.init_app(app)  # before any route is added: every <int:…> is a row id
    request_scope.init_app(app)
    jobs.init_app(app)
    web.init_app(app)
    api.init_app(app)
    cli.init_app(app)
    return app
