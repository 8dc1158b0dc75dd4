"""Account management (admin only) and the audit log (admin and the commune's leader)."""
from __future__ import annotations

import tempfile
from dataclasses import replace

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from forms.auth import ConfirmForm, CreateUserForm, FullNameForm, RoleForm, TokenForm
from subsidy.db import utcnow
from subsidy.documents import exports as docs
from subsidy.domain.calendar import today_vn
from subsidy.domain.labels import ACTION_LABELS, AUDIT_KIND_LABELS, ENTITY_LABELS
from subsidy.domain.scope import sees_personal_data, sees_poverty_status
from subsidy.models import ApiToken, User
from subsidy.request_scope import db_session, roles_required
from subsidy.services import audit_log as audit_log_svc
from subsidy.services import communes, instance_settings, list_exports, pages, users
from subsidy.services.errors import FieldError, ServiceError
from subsidy.web.pagination import page_arg, paginate
from subsidy.web.exports import SPOOL_BYTES, issuer
from subsidy.web.ids import NOT_IN_LIST, chosen_id
from subsidy.web.refusals import REFUSED, attempt, show_refusal
from subsidy.web.viewlog import record_view

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")


def _confirmed(model: type, ident: int):
    """The ``model`` row ``ident`` for a POST of a confirm button: 404 if there is none, then 400
    if the ConfirmForm (CSRF) does not validate."""
    obj = db_session().get(model, ident) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return obj


def _commune_choices(form) -> dict[int, str]:
    """Fill ``form.commune``'s choices with the communes (and "" for none); returns {id: name}."""
    names = {c.id: c.name for c in communes.list_communes(db_session())}
    form.commune.choices = [("", "— Không thuộc xã nào (quản trị, cán bộ tỉnh) —")] + [
        (str(i), n) for i, n in names.items()]
    return names


def _chosen_commune(form, names: dict[int, str]) -> int | None:
    """The commune chosen in ``form.commune`` (None: none), one of ``names`` (_commune_choices);
    raises FieldError (under the field) for a value that names none of them."""
    commune_id = chosen_id(form.commune)
    if commune_id is not None and commune_id not in names:
        raise FieldError(NOT_IN_LIST, "commune")
    return commune_id


@bp.route("/tai-khoan")
@roles_required("admin")
def users_index():
    return _users_page(CreateUserForm(formdata=None))


def _users_page(create_form: CreateUserForm):
    """The accounts page; a create form given back with its errors keeps what was typed (422:
    refusals.attempt)."""
    session = db_session()
    accounts = pages.accounts(session)
    names = _commune_choices(create_form)
    return render_template("admin/users.html", accounts=accounts, create_form=create_form,
                           confirm=ConfirmForm(), now=utcnow(), commune_names=names,
                           public_base_url=instance_settings.public_base_url(db_session(), current_app.config))


@bp.route("/tai-khoan/tao", methods=["POST"])
@roles_required("admin")
def users_create():
    form = CreateUserForm()
    session = db_session()
    names = _commune_choices(form)
    password = users.generate_one_time_password()
    user = attempt(form, lambda: users.create_user(session, form.username.data, form.role.data, password,
                                                   current_user, full_name=form.full_name.data or "",
                                                   commune_id=_chosen_commune(form, names)))
    if user is REFUSED:
        return _users_page(form)
    session.commit()
    return render_template("admin/password_shown.html", user=user, password=password)


@bp.route("/tai-khoan/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def users_show(user_id: int):
    session = db_session()
    user = session.get(User, user_id) or abort(404)
    role_form = RoleForm(role=user.role, commune=str(user.commune_id or ""))
    names = _commune_choices(role_form)
    # Refused: the page again, the role as chosen, the message above (or under the commune).
    if attempt(role_form, lambda: users.set_role(session, user, role_form.role.data, current_user,
                                                 commune_id=_chosen_commune(role_form, names))) is REFUSED:
        return _user_page(session.get(User, user_id), role_form)
    session.commit()
    flash("Đã đổi vai trò.", "success")
    return redirect(url_for("admin.users_show", user_id=user.id))


@bp.route("/tai-khoan/<int:user_id>/ho-ten", methods=["POST"])
@roles_required("admin")
def users_full_name(user_id: int):
    """Correct a staff member's full name (audited; receipts already printed keep theirs)."""
    session = db_session()
    user = session.get(User, user_id) or abort(404)
    form = FullNameForm()
    changed = attempt(form, lambda: users.set_full_name(session, user, form.full_name.data, current_user))
    if changed is REFUSED:
        return _user_page(session.get(User, user_id),
                          RoleForm(formdata=None, role=user.role, commune=str(user.commune_id or "")), name_form=form)
    session.commit()
    flash("Đã sửa họ tên." if changed else "Họ tên không đổi.", "success")
    return redirect(url_for("admin.users_show", user_id=user.id))


def _user_page(user: User, role_form: RoleForm, *, name_form: FullNameForm | None = None,
               token_form: TokenForm | None = None):
    """An account's page with its forms; any of them may be one given back with its errors (the
    page then answers 422: refusals.attempt)."""
    session = db_session()
    tokens = pages.api_tokens_of(session, user)
    names = _commune_choices(role_form)
    if name_form is None:
        name_form = FullNameForm(formdata=None, full_name=user.full_name)
    return render_template("admin/user.html", user=user, role_form=role_form, name_form=name_form, confirm=ConfirmForm(),
                           commune_names=names,
                           token_form=token_form or TokenForm(formdata=None), tokens=tokens, now=utcnow(),
                           client_failures=users.CLIENT_FAILURES, account_failures=users.ACCOUNT_FAILURES,
                           account_lock_minutes=users.ACCOUNT_LOCK_MINUTES)


@bp.route("/tai-khoan/<int:user_id>/dat-lai-mat-khau", methods=["POST"])
@roles_required("admin")
def users_reset(user_id: int):
    session = db_session()
    user = _confirmed(User, user_id)
    password = users.reset_password(session, user, current_user)
    session.commit()
    return render_template("admin/password_shown.html", user=user, password=password)


@bp.route("/tai-khoan/<int:user_id>/go-tam-khoa", methods=["POST"])
@roles_required("admin")
def users_unlock(user_id: int):
    """Lift the sign-in lock-outs (wrong passwords) of an account: users.unlock."""
    session = db_session()
    user = _confirmed(User, user_id)
    users.unlock(session, user, current_user)
    session.commit()
    flash(f"Đã gỡ tạm khóa đăng nhập của {user.username}: có thể đăng nhập lại ngay.", "success")
    return redirect(url_for("admin.users_show", user_id=user.id))


@bp.route("/tai-khoan/<int:user_id>/trang-thai", methods=["POST"])
@roles_required("admin")
def users_active(user_id: int):
    session = db_session()
    user = _confirmed(User, user_id)
    try:
        users.set_active(session, user, not user.active, current_user)
    except ServiceError as err:
        show_refusal(err)
    else:
        session.commit()
        flash("Đã mở khóa tài khoản." if user.active else "Đã khóa tài khoản.", "success")
    return redirect(url_for("admin.users_show", user_id=user.id))


@bp.route("/tai-khoan/<int:user_id>/ma-api", methods=["POST"])
@roles_required("admin")
def tokens_create(user_id: int):
    session = db_session()
    user = session.get(User, user_id) or abort(404)
    form = TokenForm()
    token = attempt(form, lambda: users.create_api_token(session, user, form.name.data, current_user))
    if token is REFUSED:  # the page again, the message under the name
        return _user_page(session.get(User, user_id),
                          RoleForm(formdata=None, role=user.role, commune=str(user.commune_id or "")), token_form=form)
    session.commit()
    return render_template("admin/token_shown.html", user=user, token=token)


@bp.route("/ma-api/<int:token_id>/thu-hoi", methods=["POST"])
@roles_required("admin")
def tokens_revoke(token_id: int):
    session = db_session()
    tok = _confirmed(ApiToken, token_id)
    revoked = users.revoke_api_token(session, token_id, current_user)
    session.commit()
    if revoked:
        flash(f"Đã thu hồi mã truy cập «{tok.name}».", "success")
    else:
        flash(f"Mã truy cập «{tok.name}» đã được thu hồi từ trước: không có gì thay đổi.", "info")
    return redirect(url_for("admin.users_show", user_id=tok.user_id))


@bp.route("/nhat-ky")
@roles_required("admin", "approver")
def audit_log():
    """The audit log for the commune's leader and the admin: filtered by person, dates, kind
    (changes by default; views of personal data apart), record and action, told in words."""
    session = db_session()
    f = replace(audit_log_svc.AuditFilters.from_args(request.args), viewer_id=current_user.id)
    page = paginate(session, audit_log_svc.log_query(f), page_arg(request.args), 50)
    return render_template("admin/audit.html", page=page, rows=audit_log_svc.describe(
                               session, page.items, personal=sees_personal_data(current_user.role),
                               poverty=sees_poverty_status(current_user.role)), f=f,
                           staff=audit_log_svc.staff(session), kinds=AUDIT_KIND_LABELS, entities=ENTITY_LABELS,
                           actions=ACTION_LABELS)


@bp.route("/nhat-ky.xlsx")
@roles_required("admin", "approver")
def audit_export():
    """The filtered audit log as an Excel workbook (every entry, newest first); itself audited."""
    session = db_session()
    f = replace(audit_log_svc.AuditFilters.from_args(request.args), viewer_id=current_user.id)
    text = audit_log_svc.filters_text(session, f)
    count = list_exports.count(session, audit_log_svc.log_query(f))
    table = audit_log_svc.log_table(session, f, on=today_vn(), prepared_by=current_user.full_name or "",
                                    filters_text=text, count=count, personal=sees_personal_data(current_user.role),
                                    poverty=sees_poverty_status(current_user.role))
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    rows = docs.write_xlsx(table, issuer(), out)
    out.seek(0)
    record_view("list.export", "list", None, note=text, changes={"list": "audit", "format": "xlsx", "rows": rows})
    resp = send_file(out, mimetype=docs.XLSX_TYPE, as_attachment=True,
                     download_name=f"nhat-ky-{today_vn():%Y%m%d}.xlsx", max_age=0)
    resp.headers["Cache-Control"] = "no-store"
    return resp
