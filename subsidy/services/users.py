"""Staff accounts: create, authenticate (with lock-out), change role, reset password, deactivate.

Passwords are hashed with scrypt through Werkzeug (a well-kept library); accounts are never
deleted because the audit log names people.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from subsidy.db import utcnow
from subsidy.models import ApiToken, Role, User
from subsidy.services import audit
from subsidy.services.errors import Conflict, NotFound, ServiceError

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 8
# A fixed hash checked when the user does not exist, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def hash_password(password: str) -> str:
    """Hash with scrypt (Werkzeug's default)."""
    return generate_password_hash(password)


USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


def validate_password(password: str, username: str | None = None) -> None:
    """Raise ServiceError (Vietnamese) if ``password`` is too weak: shorter than
    MIN_PASSWORD_LENGTH, only digits or only letters, or containing the username."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if password.isdigit() or password.isalpha():
        raise ServiceError("Mật khẩu phải có cả chữ và số.")
    if username and len(username) >= 3 and username.lower() in password.lower():
        raise ServiceError("Mật khẩu không được chứa tên đăng nhập; hãy chọn mật khẩu khác.")


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Không tìm thấy tài khoản.")
    return user


def create_user(
    session: Session, username: str, role: str, password: str, actor: User | None,
    full_name: str = "", must_change_password: bool = True,
) -> User:
    """Create an account. Raises ServiceError for a bad role/password, Conflict for a taken name."""
    username = (username or "").strip().lower()
    if not USERNAME_RE.fullmatch(username):
        raise ServiceError("Tên đăng nhập gồm 2–64 ký tự: chữ không dấu (a–z), số, dấu chấm, gạch dưới hoặc "
                           "gạch ngang, bắt đầu bằng chữ hoặc số (ví dụ: thu.ha).")
    if role not in {r.value for r in Role}:
        raise ServiceError(f"Vai trò «{role}» không có; chọn một trong: admin, clerk, approver, radio.")
    validate_password(password, username)
    if session.scalar(select(func.count()).select_from(User).where(User.username == username)):
        raise Conflict(f"Tên đăng nhập «{username}» đã có người dùng; hãy chọn tên khác.")
    user = User(username=username, full_name=full_name.strip(), role=role,
                password_hash=hash_password(password), must_change_password=must_change_password)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", user.id,
                 {"username": [None, username], "role": [None, role], "full_name": [None, user.full_name]})
    return user


def authenticate(session: Session, username: str, password: str, now: dt.datetime | None = None) -> User | None:
    """Return the user if the password is right and the account is usable, else None.

    After MAX_FAILED_LOGINS wrong passwords the account is locked for LOCK_MINUTES; while locked
    even the right password is refused. Raises ServiceError with the lock message when locked.
    """
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if user.locked_until is not None and user.locked_until > now:
        raise ServiceError("Tài khoản tạm khóa vì nhập sai mật khẩu nhiều lần; hãy thử lại sau "
                           f"{LOCK_MINUTES} phút hoặc nhờ quản trị đặt lại mật khẩu.")
    if not check_password_hash(user.password_hash, password or ""):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
            audit.record(session, None, "user.locked", "user", user.id, note="sai mật khẩu nhiều lần")
        return None
    if not user.active:
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def change_password(session: Session, user: User, new_password: str, actor: User | None) -> None:
    """Set a new password chosen by the user; clears must_change_password; ends other sessions."""
    validate_password(new_password, user.username)
    if check_password_hash(user.password_hash, new_password):
        raise ServiceError("Mật khẩu mới phải khác mật khẩu cũ.")
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    user.session_token = secrets.token_hex(16)
    audit.record(session, actor, "user.password_change", "user", user.id)


def reset_password(session: Session, user: User, actor: User) -> str:
    """Give the user a new one-time password (returned once); they must change it at sign-in."""
    password = generate_one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    user.session_token = secrets.token_hex(16)
    audit.record(session, actor, "user.password_reset", "user", user.id)
    return password


def set_role(session: Session, user: User, role: str, actor: User) -> None:
    if role not in {r.value for r in Role}:
        raise ServiceError(f"Vai trò «{role}» không có.")
    if user.id == actor.id and role != "admin":
        raise ServiceError("Không thể tự bỏ quyền quản trị của chính mình.")
    old = user.role
    user.role = role
    user.session_token = secrets.token_hex(16)
    audit.record(session, actor, "user.role", "user", user.id, {"role": [old, role]})


def set_active(session: Session, user: User, active: bool, actor: User) -> None:
    """Deactivate (or reactivate) an account; never deletes. Ends its sessions."""
    if user.id == actor.id and not active:
        raise ServiceError("Không thể tự khóa tài khoản của chính mình.")
    old = user.active
    user.active = active
    user.session_token = secrets.token_hex(16)
    audit.record(session, actor, "user.active", "user", user.id, {"active": [old, active]})


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every session and remember-me cookie of ``user`` (used at logout)."""
    user.session_token = secrets.token_hex(16)


def generate_one_time_password() -> str:
    """A random 12-character password with letters and digits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


def ensure_admin(session: Session) -> str | None:
    """If there are no users at all, create 'admin' with a one-time password and return it."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    password = generate_one_time_password()
    create_user(session, "admin", "admin", password, None, full_name="Quản trị hệ thống")
    return password


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(session: Session, user: User, name: str, actor: User) -> str:
    """Create an API token for ``user``; returns the token (shown once; only its hash is kept)."""
    token = "vtci_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name.strip(), token_hash=hash_token(token),
                         prefix=token[:10], created_by_id=actor.id))
    session.flush()
    audit.record(session, actor, "api_token.create", "user", user.id, {"token_name": [None, name]})
    return token


def revoke_api_token(session: Session, token_id: int, actor: User) -> None:
    tok = session.get(ApiToken, token_id)
    if tok is None:
        raise NotFound("Không tìm thấy mã truy cập API.")
    if tok.revoked_at is None:
        tok.revoked_at = utcnow()
        audit.record(session, actor, "api_token.revoke", "user", tok.user_id, {"token_name": [tok.name, None]})


def user_for_token(session: Session, token: str) -> User | None:
    """The active user owning a live API token, or None."""
    tok = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token or ""),
                                                ApiToken.revoked_at.is_(None)))
    if tok is None or not tok.user.active:
        return None
    tok.last_used_at = utcnow()
    return tok.user
