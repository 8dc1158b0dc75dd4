"""Account management and the audit log (admin only)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forms.auth import ConfirmForm, CreateUserForm, RoleForm, TokenForm
from subsidy.db import utcnow
from subsidy.models import ApiToken, User
from subsidy.request_scope import db_session, roles_required
from subsidy.services import pages, users
from subsidy.services.errors import ServiceError
from subsidy.web.pagination import page_arg, paginate
from subsidy.web.refusals import flash_form_errors, show_refusal

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")


def _confirmed(model: type, ident: int):
    """The ``model`` row ``ident`` for a POST of a confirm button: 404 if there is none, then 400
    if the ConfirmForm (CSRF) does not validate."""
    obj = db_session().get(model, ident) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return obj


@bp.route("/tai-khoan")
@roles_required("admin")
def users_index():
    session = db_session()
    accounts = pages.accounts(session)
    return render_template("admin/users.html", accounts=accounts, create_form=CreateUserForm(),
                           confirm=ConfirmForm(), now=utcnow())


@bp.route("/tai-khoan/tao", methods=["POST"])
@roles_required("admin")
def users_create():
    form = CreateUserForm()
    session = db_session()
    if form.validate_on_submit():
        password = users.generate_one_time_password()
        try:
            user = users.create_user(session, form.username.data, form.role.data, password,
                                     current_user, full_name=form.full_name.data or "")
        except ServiceError as err:
            show_refusal(err)
        else:
            session.commit()
            return render_template("admin/password_shown.html", user=user, password=password)
    else:
        flash_form_errors(form)
    return redirect(url_for("admin.users_index"))


@bp.route("/tai-khoan/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def users_show(user_id: int):
    session = db_session()
    user = session.get(User, user_id) or abort(404)
    role_form = RoleForm(role=user.role)
    if role_form.validate_on_submit():
        try:
            users.set_role(session, user, role_form.role.data, current_user)
        except ServiceError as err:
            show_refusal(err)
        else:
            session.commit()
            flash("Đã đổi vai trò.", "success")
        return redirect(url_for("admin.users_show", user_id=user.id))
    tokens = pages.api_tokens_of(session, user)
    return render_template("admin/user.html", user=user, role_form=role_form, confirm=ConfirmForm(),
                           token_form=TokenForm(), tokens=tokens, now=utcnow(),
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
    if not form.validate_on_submit():
        flash("Hãy đặt tên cho mã truy cập.", "error")
        return redirect(url_for("admin.users_show", user_id=user.id))
    token = users.create_api_token(session, user, form.name.data, current_user)
    session.commit()
    return render_template("admin/token_shown.html", user=user, token=token)


@bp.route("/ma-api/<int:token_id>/thu-hoi", methods=["POST"])
@roles_required("admin")
def tokens_revoke(token_id: int):
    session = db_session()
    tok = _confirmed(ApiToken, token_id)
    users.revoke_api_token(session, token_id, current_user)
    session.commit()
    flash("Đã thu hồi mã truy cập.", "success")
    return redirect(url_for("admin.users_show", user_id=tok.user_id))


@bp.route("/nhat-ky")
@roles_required("admin")
def audit_log():
    session = db_session()
    entity = request.args.get("entity_type", "").strip()
    entity_id = request.args.get("entity_id", "").strip()
    action = request.args.get("action", "").strip()
    page = paginate(session, pages.audit_log_query(entity, entity_id, action), page_arg(request.args), 50)
    return render_template("admin/audit.html", page=page, entity_type=entity, entity_id=entity_id, action=action)
