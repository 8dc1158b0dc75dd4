"""Sign-in, sign-out and password change."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from forms.auth import ChangePasswordForm, LoginForm
from subsidy.extensions import limiter
from subsidy.services import users
from subsidy.services.errors import ServiceError
from subsidy.web import db_session, public_view, safe_next

bp = Blueprint("auth", __name__)


@bp.route("/dang-nhap", methods=["GET", "POST"])
@public_view
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("main.index")))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        session = db_session()
        try:
            user = users.authenticate(session, form.username.data, form.password.data)
        except ServiceError as err:
            user, error = None, str(err)
        session.commit()  # failed-login counters and lock-outs are kept
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("main.index")))
        error = error or "Tên đăng nhập hoặc mật khẩu không đúng."
    return render_template("auth/login.html", form=form, error=error), (401 if error else 200)


@bp.route("/dang-xuat", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        session = db_session()
        user = session.merge(current_user._get_current_object())
        users.end_sessions(session, user)  # invalidates remember-me cookies everywhere
        session.commit()
    logout_user()
    flash("Đã đăng xuất.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        session = db_session()
        user = current_user._get_current_object()
        if users.authenticate(session, user.username, form.current.data) is None:
            session.commit()
            form.current.errors.append("Mật khẩu hiện tại không đúng.")
        else:
            try:
                users.change_password(session, user, form.new.data, user)
            except ServiceError as err:
                session.rollback()
                form.new.errors.append(str(err))
            else:
                session.commit()
                login_user(user)  # the session token rotated: sign in again with the new one
                flash("Đã đổi mật khẩu.", "success")
                return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)
