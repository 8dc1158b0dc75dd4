"""Sign-in, sign-out and password change."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from limits.strategies import MovingWindowRateLimiter

from forms.auth import ChangePasswordForm, LoginForm
from subsidy.domain.passwords import POLICY_HINT, local_names
from subsidy.extensions import limiter
from subsidy.request_scope import db_session, public_view
from subsidy.services import users
from subsidy.services.errors import FieldError
from subsidy.web.refusals import REFUSED, attempt
from subsidy.web.urls import safe_next

bp = Blueprint("auth", __name__)

# The one answer to every refused sign-in (unknown name, wrong password, locked or deactivated
# account): it must not say which, but tells a real user what to do.
SIGN_IN_REFUSED = (
    "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang tạm khóa do nhập sai nhiều lần. "
    "Hãy kiểm tra lại (chữ hoa/thường, bộ gõ tiếng Việt) rồi nhập lại; nếu đã nhập sai từ "
    f"{users.CLIENT_FAILURES.amount} lần trở lên, hãy chờ {users.CLIENT_FAILURES.multiples} phút "
    f"(có khi đến {users.ACCOUNT_LOCK_MINUTES} phút) hoặc nhờ quản trị gỡ tạm khóa."
)


def password_context() -> list[str]:
    """Names anyone could guess a password from: the commune's and its hamlets' (config)."""
    return local_names(current_app.config)


def sign_in_limits() -> users.SignInLimits:
    """This request's failed-sign-in counters: the client address as Flask-Limiter sees it (the
    socket's, or the one ProxyFix took from TRUSTED_PROXIES), on Flask-Limiter's storage."""
    return users.SignInLimits(MovingWindowRateLimiter(limiter.storage), get_remote_address(),
                              current_app.config.get("RATELIMIT_KEY_PREFIX") or "")


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
        user = users.authenticate(session, form.username.data, form.password.data, sign_in_limits(),
                                  context=password_context())
        session.commit()  # keeps an account-wide lock-out and its audit entry
        if user is not None:
            login_user(user, remember=form.remember.data)
            if user.must_change_password:
                flash("Hãy chọn mật khẩu mới: mật khẩu hiện tại là mật khẩu dùng một lần, hoặc không còn đủ mạnh "
                      f"theo quy định (ít nhất {users.MIN_PASSWORD_LENGTH} ký tự, không phổ biến, không dựa trên tên).",
                      "warning")
            return redirect(safe_next(request.args.get("next"), url_for("main.index")))
        error = SIGN_IN_REFUSED
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
    session = db_session()
    user = current_user._get_current_object()

    def change() -> None:
        if users.authenticate(session, user.username, form.current.data, sign_in_limits()) is None:
            session.commit()  # the failed try counts towards the lock-outs (and its audit entry stays)
            raise FieldError("Mật khẩu hiện tại không đúng.", "current")
        users.change_password(session, user, form.new.data, user, context=password_context())

    # A new password refused: its message under the new one.
    if attempt(form, change, field="new") is REFUSED:
        return render_template("auth/change_password.html", form=form, password_hint=POLICY_HINT)
    session.commit()
    login_user(user)  # the session token rotated: sign in again with the new one
    flash("Đã đổi mật khẩu.", "success")
    return redirect(url_for("main.index"))
