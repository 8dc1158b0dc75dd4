"""The instance's settings (admin): the public address printed in QR codes and links, and what
the province's reports print about their issuer. Thin view over services.instance_settings.

GET/POST /quan-tri/cai-dat   settings.edit
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from forms.settings import InstanceSettingsForm
from subsidy.domain.labels.places import PROVINCE_DEFAULT
from subsidy.request_scope import db_session, roles_required
from subsidy.services import instance_settings as svc
from subsidy.services import versions
from subsidy.services.tally.province import province_issuer, province_name
from subsidy.web.refusals import REFUSED, attempt

bp = Blueprint("settings", __name__, url_prefix="/quan-tri/cai-dat")


@bp.route("/", methods=["GET", "POST"])
@roles_required("admin")
def edit():
    session = db_session()
    form = InstanceSettingsForm()
    changes = attempt(form, lambda: svc.update(session, {k: getattr(form, k).data or "" for k in svc.KEYS},
                                               current_user, seen_version=form.seen.seen))
    if changes is not REFUSED:
        session.commit()
        flash("Đã lưu cài đặt." if changes else "Không có gì thay đổi.", "success")
        return redirect(url_for("settings.edit"))
    if not form.is_submitted():
        stored = svc.stored(session)
        for key in svc.KEYS:
            getattr(form, key).data = stored.get(key, "")
        # The version shown: a save from this page is refused once another changed a setting.
        form.seen.data = versions.version(session, svc.AUDIT_ENTITY, None)
        form.province_recipients.data = form.province_recipients.data.replace(";", "\n")
    return render_template("admin/settings.html", form=form,
                           default_base_url=current_app.config.get("PUBLIC_BASE_URL") or "",
                           effective_base_url=svc.public_base_url(session, current_app.config),
                           province=province_issuer(session),
                           # no body set and no single province name among the communes: the reports
                           # would print «ỦY BAN NHÂN DÂN TỈNH» with no name
                           province_unnamed=(not svc.stored(session).get("province_body")
                                             and province_name(session) == PROVINCE_DEFAULT))
