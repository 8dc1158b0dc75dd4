"""Communes and their hamlets (admin): list, create, edit, deactivate; hamlets added, renamed,
deactivated. Thin views over subsidy.services.communes."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from forms.auth import ConfirmForm
from forms.communes import CommuneForm, HamletEditForm, HamletForm
from subsidy.models import Commune
from subsidy.request_scope import db_session, roles_required
from subsidy.services import communes as svc
from subsidy.services import hamlet_edits, versions
from subsidy.services.errors import ServiceError
from subsidy.web.refusals import REFUSED, attempt

bp = Blueprint("communes", __name__, url_prefix="/quan-tri/xa")


def _input(form: CommuneForm, editing: bool = False) -> svc.CommuneInput:
    """The form's values; ``editing``: with the version its page showed (services.versions)."""
    return svc.CommuneInput(**{f: (getattr(form, f).data or "") for f in svc.FIELDS},
                            seen_version=form.seen.seen if editing else None)


@bp.route("/", methods=["GET", "POST"])
@roles_required("admin")
def index():
    session = db_session()
    form = CommuneForm()
    commune = attempt(form, lambda: svc.create_commune(session, _input(form), current_user))
    if commune is not REFUSED:
        session.commit()
        flash(f"Đã thêm {commune.name} (mã {commune.code}). Hãy thêm các ấp / thôn của xã.", "success")
        return redirect(url_for("communes.show", commune_id=commune.id))
    if not form.is_submitted():
        # What a new commune prints until the admin says otherwise (services.communes.CommuneInput).
        d = svc.CommuneInput(code="", name="")
        for f in ("signer_authority", "signer_deputy", "signer_title", "abbreviation", "archive", "approval_level"):
            getattr(form, f).data = getattr(d, f)
        form.recipients.data = d.recipients.replace(";", "\n")
    return render_template("communes/index.html", communes=svc.list_communes(session), form=form,
                           confirm=ConfirmForm())


@bp.route("/<int:commune_id>", methods=["GET", "POST"])
@roles_required("admin")
def show(commune_id: int):
    session = db_session()
    commune = session.get(Commune, commune_id) or abort(404)
    form = CommuneForm(obj=commune)
    if not form.is_submitted():
        form.recipients.data = (commune.recipients or "").replace(";", "\n")
        form.seen.data = versions.version(session, "commune", commune.id)
    if attempt(form, lambda: svc.update_commune(session, commune, _input(form, editing=True),
                                                current_user)) is REFUSED:
        return _show(commune, form, HamletForm(formdata=None))
    session.commit()
    flash("Đã lưu thông tin xã.", "success")
    return redirect(url_for("communes.show", commune_id=commune.id))


def _show(commune: Commune, form: CommuneForm, hamlet_form: HamletForm,
          hamlet_edit: tuple[int, HamletEditForm] | None = None):
    """The commune's page with its forms: the commune's, the new hamlet's and, in ``hamlet_edit``,
    (hamlet id, its row's form) for a hamlet's row given back as typed. Any of them may be one
    given back with its errors (the page then answers 422: refusals.attempt)."""
    session = db_session()
    return render_template("communes/show.html", commune=commune, form=form, hamlet_form=hamlet_form,
                           hamlet_edit=hamlet_edit, confirm=ConfirmForm(),
                           hamlets_seen=versions.version(session, "commune", commune.id),
                           carried=hamlet_edits.households_per_hamlet(session, commune.id),
                           unlisted=svc.unlisted_hamlets(db_session(), commune.id))


def _stored(commune: Commune) -> CommuneForm:
    """The commune's own form filled from what is stored (beside another form given back)."""
    form = CommuneForm(formdata=None, obj=commune)
    form.recipients.data = (commune.recipients or "").replace(";", "\n")
    form.seen.data = versions.version(db_session(), "commune", commune.id)
    return form


@bp.route("/<int:commune_id>/trang-thai", methods=["POST"])
@roles_required("admin")
def toggle_active(commune_id: int):
    session = db_session()
    commune = session.get(Commune, commune_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    svc.set_active(session, commune, not commune.active, current_user)
    session.commit()
    flash(f"Đã mở lại {commune.name}." if commune.active else
          f"Đã ngừng hoạt động {commune.name}: dữ liệu của xã vẫn giữ nguyên.", "success")
    return redirect(url_for("communes.show", commune_id=commune.id))


@bp.route("/<int:commune_id>/ap", methods=["POST"])
@roles_required("admin")
def add_hamlet(commune_id: int):
    session = db_session()
    commune = session.get(Commune, commune_id) or abort(404)
    form = HamletForm()
    hamlet = attempt(form, lambda: svc.add_hamlet(session, commune, form.name.data, current_user,
                                                  seen=form.seen.seen), field="name")
    if hamlet is REFUSED:  # given back with what was typed and why; the commune's own form as it is stored
        return _show(commune, _stored(commune), form)
    session.commit()
    flash(f"Đã thêm «{hamlet.name}».", "success")
    return redirect(url_for("communes.show", commune_id=commune.id))


@bp.route("/<int:commune_id>/ap/<int:hamlet_id>", methods=["POST"])
@roles_required("admin")
def edit_hamlet(commune_id: int, hamlet_id: int):
    session = db_session()
    commune = session.get(Commune, commune_id) or abort(404)
    try:
        hamlet = svc.get_hamlet(session, commune, hamlet_id)
    except ServiceError:
        abort(404)
    form = HamletEditForm()
    saved = attempt(form, lambda: svc.update_hamlet(session, hamlet, form.name.data, bool(form.active.data),
                                                    current_user, seen=form.seen.seen), field="name")
    if saved is REFUSED:
        # The hamlet's row given back as typed, its message beside the name; the rest as stored.
        return _show(commune, _stored(commune), HamletForm(formdata=None), hamlet_edit=(hamlet_id, form))
    session.commit()
    flash(saved.message(), "success")
    return redirect(url_for("communes.show", commune_id=commune.id))
