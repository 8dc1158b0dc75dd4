"""The home page: what is waiting for this user."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from subsidy.request_scope import db_session, public_view
from subsidy.services import pages, todo, users
from subsidy.web import imports
from subsidy.web.permissions import may

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    # The tiles link to the household and application pages: only for the roles that may open them.
    session = db_session()
    board = todo.dashboard(session) if may("households.index") else None
    tasks = todo.tasks_for(session, current_user.role, board, current_user.id) if board is not None else []
    previews = imports.pending_previews() if may("imports.new") else []
    rules = pages.rule_set_notice(session) if may("applications.index") else None
    unnamed = users.unnamed_signers(session) if current_user.role == "admin" else []
    return render_template("main/index.html", board=board, tasks=tasks, previews=previews, rules=rules,
                           unnamed=unnamed)


@bp.route("/favicon.ico")
@public_view
def favicon():
    """The site icon (subsidy/static/favicon.ico, 16 and 32 px), public: browsers ask for
    /favicon.ico on every page, signed in or not (base.html also links it)."""
    resp = current_app.send_static_file("favicon.ico")
    resp.cache_control.public = True
    resp.cache_control.max_age = 7 * 24 * 3600
    return resp
