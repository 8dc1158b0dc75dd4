"""Web layer: blueprints with thin views (parse → call a service → commit once → render).

The request's Session and the role guards come from subsidy.request_scope (shared with the API);
sign-in and browser protections from subsidy.web.security; the blueprints are registered from the
explicit list below, in this order.
"""
from __future__ import annotations

import time
from typing import Any

from flask import Flask
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from subsidy.web import (
    admin,
    applications,
    auth,
    backups,
    communes,
    complaints,
    errors,
    exports,
    filters,
    handovers,
    guide,
    households,
    imports,
    jobs,
    lists,
    main,
    province,
    public,
    radio,
    receipts,
    reports,
    rulesets,
    security,
    settings,
    urls,
)
from subsidy.domain.calendar import today_vn
from subsidy.domain.labels import LIST_STATUS_LABELS, PRIOR_FILTER_LABELS
from subsidy.request_scope import db_session
from subsidy.services import rulesets as rulesets_svc
from subsidy.web import commune_scope, refusals
from subsidy.web.menu import menu_for
from subsidy.web.permissions import may
from subsidy.web.printing import public_address_warning

BLUEPRINTS = (
    main.bp, auth.bp, admin.bp, communes.bp, households.bp, imports.bp, applications.bp, lists.bp, rulesets.bp,
    handovers.bp, receipts.bp, complaints.bp, reports.bp, province.bp, public.bp, radio.bp, exports.bp, guide.bp, jobs.bp,
    backups.bp, settings.bp,
)

#: How long a process keeps the footer's legal text before reading the rule set in force again.
FOOTER_SOURCE_SECONDS = 300.0


def init_app(app: Flask) -> None:
    """Install sign-in and protections, error pages, template filters and globals, and every
    blueprint of BLUEPRINTS on ``app``."""
    security.init_app(app)

    footer_cache: dict[str, Any] = {}

    def programme_source() -> str:
        """The legal text in force today as the page footer names it (from the rule set, so a
        successor rule set renames it); called by base.html only. Read at most once every
        FOOTER_SOURCE_SECONDS per process (a page does not pay a query for its footer, and the
        public status check keeps its single query); "" when the database cannot answer: an error
        page must still render."""
        now, day = time.monotonic(), today_vn()
        if footer_cache.get("day") == day and footer_cache.get("until", 0.0) > now:
            return footer_cache["source"]
        try:
            source = rulesets_svc.short_name_on(db_session(), day)
        except SQLAlchemyError:
            return ""
        footer_cache.update(day=day, until=now + FOOTER_SOURCE_SECONDS, source=source)
        return source

    @app.context_processor
    def inject() -> dict[str, Any]:
        commune_name = commune_scope.commune_name()
        return {"menu_for": menu_for, "help_topic": guide.topic_for, "may": may,
                "commune_name": commune_name, "header_name": commune_scope.header_name(commune_name),
                "current_user": current_user,
                "prior_filter_labels": PRIOR_FILTER_LABELS, "public_address_warning": public_address_warning,
                "list_status_labels": LIST_STATUS_LABELS, "programme_source": programme_source,
                "page_messages": refusals.page_messages}

    refusals.init_app(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    errors.init_app(app)
    filters.init_app(app)
    urls.init_app(app)
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
