"""Web layer: blueprints with thin views (parse → call a service → commit once → render).

The request's Session and the role guards come from subsidy.request_scope (shared with the API);
sign-in and browser protections from subsidy.web.security; the blueprints are registered from the
explicit list below, in this order.
"""
from __future__ import annotations

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
)
from subsidy.domain.calendar import today_vn
from subsidy.domain.labels import LIST_STATUS_LABELS, PRIOR_FILTER_LABELS
from subsidy.request_scope import db_session
from subsidy.services import rulesets as rulesets_svc
from subsidy.web import commune_scope
from subsidy.web.menu import menu_for
from subsidy.web.permissions import may
from subsidy.web.printing import public_address_warning

BLUEPRINTS = (
    main.bp, auth.bp, admin.bp, communes.bp, households.bp, imports.bp, applications.bp, lists.bp, rulesets.bp,
    handovers.bp, receipts.bp, reports.bp, province.bp, public.bp, radio.bp, exports.bp, guide.bp, jobs.bp,
    backups.bp, settings.bp,
)


def init_app(app: Flask) -> None:
    """Install sign-in and protections, error pages, template filters and globals, and every
    blueprint of BLUEPRINTS on ``app``."""
    security.init_app(app)

    def programme_source() -> str:
        """The legal text in force today as the page footer names it (from the rule set, so a
        successor rule set renames it); called by base.html only. "" when the database cannot
        answer: an error page must still render."""
        try:
            return rulesets_svc.short_name_on(db_session(), today_vn())
        except SQLAlchemyError:
            return ""

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {"menu_for": menu_for, "help_topic": guide.topic_for, "may": may,
                "commune_name": commune_scope.commune_name(), "current_user": current_user,
                "prior_filter_labels": PRIOR_FILTER_LABELS, "public_address_warning": public_address_warning,
                "list_status_labels": LIST_STATUS_LABELS, "programme_source": programme_source}

    app.jinja_env.add_extension("jinja2.ext.do")
    errors.init_app(app)
    filters.init_app(app)
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
