"""The home page: what is waiting for this user."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user
from sqlalchemy import func, select

from subsidy.models import Application, Household
from subsidy.request_scope import db_session, public_view

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    session = db_session()
    counts: dict[str, int] = {}
    if not current_user.has_role("radio"):
        counts["households"] = session.scalar(select(func.count()).select_from(Household).where(Household.archived.is_(False))) or 0
        for state, n in session.execute(select(Application.state, func.count()).group_by(Application.state)):
            counts[state] = n
    return render_template("main/index.html", counts=counts)


@bp.route("/favicon.ico")
@public_view
def favicon():
    """The site icon (subsidy/static/favicon.ico, 16 and 32 px), public: browsers ask for
    /favicon.ico on every page, signed in or not (base.html also links it)."""
    resp = current_app.send_static_file("favicon.ico")
    resp.cache_control.public = True
    resp.cache_control.max_age = 7 * 24 * 3600
    return resp
