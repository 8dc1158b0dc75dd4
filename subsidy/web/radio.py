"""The commune radio's page (Đài Truyền thanh xã): counts only, never a person (domain.md §8).

The figures come from the tally (services.tally.radio_counts via services.radio); the page shows
them with a ready-to-read paragraph and offers them as JSON and CSV. The radio's own tools get the
same JSON from the API (GET /api/v1/counts with a per-account token an admin creates).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from forms.radio import RadioDateForm
from subsidy.request_scope import db_session, roles_required
from subsidy.services import radio
from subsidy.services.errors import ServiceError
from subsidy.web.refusals import REFUSED, attempt
from subsidy.web import commune_scope

bp = Blueprint("radio", __name__, url_prefix="/phat-thanh")

ROLES = ("radio", "clerk", "approver", "admin")


def _as_of() -> dt.date | None:
    """The optional ?ngay= (dd/mm/yyyy as typed in the page, or yyyy-mm-dd in links; RadioDateForm);
    None when empty (today). Raises ServiceError with the field's Vietnamese message if unreadable."""
    form = RadioDateForm(request.args)
    if not form.validate():
        raise ServiceError(" ".join(form.ngay.errors) or "Ngày không hợp lệ.")
    return form.ngay.data


def _counts() -> Any:
    return radio.counts_for(db_session(), _as_of(), commune_scope.hamlets())


@bp.route("/")
@roles_required(*ROLES)
def index() -> Any:
    """The counts as of ``?ngay=`` (today without it), by refusals.attempt on the date chooser (a
    query form). A date refused answers 422, whether the form could not read it (abc) or the
    count refused it (before 2000, after today): the message above, today's counts below."""
    form = RadioDateForm(request.args)
    rc = attempt(form, lambda: radio.counts_for(db_session(), form.ngay.data, commune_scope.hamlets()), query=True,
                 flashed=True)
    if rc is REFUSED:  # no date asked, or the date refused
        rc = radio.counts_for(db_session(), None, commune_scope.hamlets())
    commune = commune_scope.commune_name()
    counts_text, how_text = radio.announcement_parts(rc, commune, current_app.config.get("RADIO_HOW_TO_REGISTER", ""))
    return render_template("radio/index.html", rc=rc, counts_text=counts_text, how_text=how_text, fields=radio.FIELDS,
                           ngay=rc.as_of.isoformat(), form=RadioDateForm(formdata=None, ngay=rc.as_of))


@bp.route("/so-lieu.json")
@roles_required(*ROLES)
def counts_json() -> Any:
    try:
        rc = _counts()
    except ServiceError as err:
        return jsonify({"error": str(err)}), 422
    resp = jsonify(radio.as_dict(rc))
    resp.headers["Content-Disposition"] = f'attachment; filename="so-lieu-{rc.as_of.isoformat()}.json"'
    return resp


@bp.route("/so-lieu.csv")
@roles_required(*ROLES)
def counts_csv() -> Any:
    try:
        rc = _counts()
    except ServiceError as err:
        return Response(str(err), status=422, mimetype="text/plain")
    return Response(
        radio.as_csv(rc).encode("utf-8"), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="so-lieu-{rc.as_of.isoformat()}.csv"'},
    )
