"""Staff accounts: create, authenticate (with lock-outs), change role, reset password, unlock,
deactivate.

Passwords are hashed with scrypt through Werkzeug (a well-kept library); accounts are never
deleted because the audit log names people.

Lock-outs (rate limits on *failed* sign-ins, counted by the `limits` library under Flask-Limiter,
on the same storage as the other rate limits, e.g. Redis):

- per (username, client address): CLIENT_FAILURES = 5 failures within 15 minutes from one address
  refuse that username from that address until the oldest of them is 15 minutes old. Other
  addresses are not affected, so nobody on the internet can lock `admin` out of the office.
- per account, from every address: ACCOUNT_FAILURES = 50 wrong passwords within an hour lock the
  account for ACCOUNT_LOCK_MINUTES (users.locked_until), audited as "user.locked"; an admin lifts
  it (and every per-address lock-out) with ``unlock`` or ``reset_password``.

Every refused sign-in gives the same answer (None, the view's one message) after one scrypt check
and the same rate-limit storage operations, whether the username is unknown, the password wrong,
the account locked or deactivated, so neither the answer nor its timing says which.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any, Sequence

from limits import RateLimitItemPerHour, RateLimitItemPerMinute
from limits.strategies import RateLimiter
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from subsidy.db import utcnow
from subsidy.domain.passwords import MIN_LENGTH as MIN_PASSWORD_LENGTH
from subsidy.domain.passwords import weakness
from subsidy.domain import vn
from subsidy.domain.labels import ROLE_LABELS
from subsidy.domain.scope import ALL_ROLES, SIGNING_ROLES, CommuneRequired, role_needs_commune, role_signs
from subsidy.models import ApiToken, Role, User
from subsidy.models.scoping import default_commune_id
from subsidy.services import audit
from subsidy.services.errors import Conflict, FieldError, NotFound, ServiceError


class TakenUsername(Conflict, FieldError):
    """The user name is taken (a Conflict, shown under the form's ``username`` field)."""

    def __init__(self, message: str, field: str) -> None:
        FieldError.__init__(self, message, field)

CLIENT_FAILURES = RateLimitItemPerMinute(5, 15)   # failed sign-ins per (username, address) in 15 minutes
ACCOUNT_FAILURES = RateLimitItemPerHour(50)       # wrong passwords per account, all addresses, in an hour
ACCOUNT_LOCK_MINUTES = 60
# A fixed hash checked when the user does not exist, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def hash_password(password: str) -> str:
    """Hash with scrypt (Werkzeug's default)."""
    return generate_password_hash(password)


USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


def validate_password(password: str, username: str | None = None, context: Sequence[str] = ()) -> None:
    """Raise ServiceError (Vietnamese, saying what to do) if ``password`` is too weak: see
    :func:`subsidy.domain.passwords.weakness` (length, repeats, runs, common and Vietnamese
    passwords, the username, ``context``: the commune's and hamlets' names)."""
    reason = weakness(password, username, context)
    if reason:
        raise ServiceError(reason)


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Không tìm thấy tài khoản.")
    return user


def create_user(
    session: Session, username: str, role: str, password: str, actor: User | None,
    full_name: str = "", must_change_password: bool = True, context: Sequence[str] = (),
    commune_id: int | None = None,
) -> User:
    """Create an account. Raises ServiceError for a bad role/password (``context``: see
    :func:`validate_password`), Conflict for a taken name. ``commune_id``: the commune of a clerk,
    approver or radio account (default: the instance's only commune); FieldError (``commune``) when
    given for admin or a province role, which belong to none (domain/scope.py); ServiceError for a
    commune role without a commune on an instance with several."""
    username = (username or "").strip().lower()
    if not USERNAME_RE.fullmatch(username):
        raise FieldError("Tên đăng nhập gồm 2–64 ký tự: chữ không dấu (a–z), số, dấu chấm, gạch dưới hoặc "
                         "gạch ngang, bắt đầu bằng chữ hoặc số (ví dụ: thu.ha).", "username")
    if role not in {r.value for r in Role}:
        raise ServiceError(f"Vai trò «{role}» không có; chọn một trong: {', '.join(ALL_ROLES)}.")
    if commune_id is not None and not role_needs_commune(role):
        # said rather than dropped: whoever chose a commune expects the account to be of it
        raise FieldError(f"Vai trò {ROLE_LABELS.get(role, role)} không thuộc xã nào (làm việc cho cả tỉnh): "
                         "hãy chọn «Không thuộc xã nào», hoặc chọn một vai trò của xã.", "commune")
    commune_id = _commune_for_role(session, role, commune_id)
    full_name = _name_for_role(role, full_name)
    validate_password(password, username, context)
    if session.scalar(select(func.count()).select_from(User).where(User.username == username)):
        raise TakenUsername(f"Tên đăng nhập «{username}» đã có người dùng; hãy chọn tên khác.", "username")
    user = User(username=username, full_name=full_name, role=role, commune_id=commune_id,
                password_hash=hash_password(password), must_change_password=must_change_password)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", user.id,
                 {"username": [None, username], "role": [None, role], "full_name": [None, user.full_name]}
                 | ({"commune_id": [None, commune_id]} if commune_id is not None else {}))
    return user


def _name_for_role(role: str, full_name: str | None) -> str:
    """``full_name`` as stored: "" when none is given to a role that signs nothing; else a person's
    name by the one rule of people's names (domain.vn.normalize_name: letters of a name, NFC, single
    spaces, typed in capitals or lower case made title case), so markup, digits or symbols never
    print on a document.

    A role that signs documents (domain.scope.SIGNING_ROLES) needs the signer's full name, family
    name and given name at least, two words or more: the documents print it under the signature
    (Nghị định 30/2020/NĐ-CP, Phụ lục I: «họ và tên» of the signer), so «Trần» alone is refused.
    Raises FieldError (``full_name``, Vietnamese) for a missing name of such a role, a name the
    name rule refuses, or a single word for such a role."""
    name = " ".join((full_name or "").split())
    if not name:
        if role_signs(role):
            raise FieldError(f"Vai trò {ROLE_LABELS.get(role, role)} ký tên trên biên bản, danh sách, báo cáo: hãy "
                             "nhập họ và tên đầy đủ, ví dụ: Nguyễn Thị Thu Hà.", "full_name")
        return ""
    try:
        name = vn.normalize_name(name)
    except vn.VnValueError as err:
        raise FieldError(str(err), "full_name") from err
    problem = vn.signer_name_problem(name, f"Vai trò {ROLE_LABELS.get(role, role)}") if role_signs(role) else None
    if problem is not None:
        raise FieldError(problem, "full_name")
    return name


def unnamed_signers(session: Session) -> list[User]:
    """Active accounts of a role that signs documents (domain.scope.SIGNING_ROLES) with no full name,
    by username: the admin's «Việc cần làm» asks for their names (accounts made before the name was
    required; their documents leave the line blank to sign by hand meanwhile)."""
    return list(session.scalars(
        select(User).where(User.active.is_(True), User.role.in_(sorted(SIGNING_ROLES)),
                           func.trim(User.full_name) == "").order_by(User.username)))


def _commune_for_role(session: Session, role: str, commune_id: int | None) -> int | None:
    """The commune an account of ``role`` belongs to: ``commune_id`` or the only commune for the
    commune roles, None for the others. Raises ServiceError when a commune role has none."""
    if not role_needs_commune(role):
        return None
    if commune_id is not None:
        return commune_id
    try:
        return default_commune_id(session)
    except CommuneRequired:
        raise ServiceError(f"Vai trò {ROLE_LABELS.get(role, role)} thuộc một xã: hãy chọn xã cho tài khoản "
                           "(hệ thống có nhiều xã).") from None


@dataclass(frozen=True)
class SignInLimits:
    """The failed-sign-in counters of one client address.

    ``strategy``: a `limits` MovingWindowRateLimiter on the app's rate-limit storage; ``client``:
    the client address (Flask-Limiter's get_remote_address, after ProxyFix); ``prefix``:
    RATELIMIT_KEY_PREFIX. A per-address key holds the address and a hash of the typed username
    and the account's session_token (``epoch``: rotated by unlock, reset_password, logout…, so
    those start it afresh); the per-account key a hash of the username alone (a logout must not
    reset the bound on distributed guessing). Never a password.
    """

    strategy: RateLimiter
    client: str
    prefix: str = ""

    def _ids(self, *scope: str, who: str) -> tuple[str, ...]:
        head = (self.prefix,) if self.prefix else ()
        return (*head, "sign-in", *scope, hashlib.sha256(who.encode()).hexdigest()[:32])

    def _client_ids(self, username: str, epoch: str) -> tuple[str, ...]:
        return self._ids("client", self.client, who=f"{username}\0{epoch}")

    def client_allows(self, username: str, epoch: str) -> bool:
        """False once CLIENT_FAILURES failures from this address are in the window."""
        return self.strategy.test(CLIENT_FAILURES, *self._client_ids(username, epoch))

    def failed(self, username: str, epoch: str) -> bool:
        """Count one failure for (username, this address) and for the account; True when the
        account's ACCOUNT_FAILURES window is now full (its counter is then started afresh)."""
        self.strategy.hit(CLIENT_FAILURES, *self._client_ids(username, epoch))
        ids = self._ids("account", who=username)
        self.strategy.hit(ACCOUNT_FAILURES, *ids)
        full = not self.strategy.test(ACCOUNT_FAILURES, *ids)
        if full:
            self.strategy.clear(ACCOUNT_FAILURES, *ids)
        return full


def authenticate(
    session: Session, username: str, password: str, limits: SignInLimits, now: dt.datetime | None = None,
    context: Sequence[str] = (),
) -> User | None:
    """Return the user if the password is right and the account usable, else None (one answer
    for every refusal; see the module docstring for the lock-outs and why).

    Refused: an unknown username, a wrong password, CLIENT_FAILURES failures of this username from
    ``limits.client`` within 15 minutes (even with the right password), an account locked until
    after ``now`` (users.locked_until), a deactivated account. A wrong password, and any password
    for an unknown username, counts one failure; the ACCOUNT_FAILURES-th wrong password within an
    hour locks the account for ACCOUNT_LOCK_MINUTES and records "user.locked" (actor None).
    Changes are only added to ``session``; the caller commits even a refusal (to keep a lock).
    A right password that the policy now refuses (:func:`validate_password`, with ``context``)
    sets must_change_password: the user is asked to choose a new one before anything else.
    """
    now = now or utcnow()
    name = (username or "").strip().lower()
    user = session.scalar(select(User).where(User.username == name))
    # Always one scrypt check (a dummy hash for an unknown name): the time does not tell.
    right = check_password_hash(user.password_hash if user is not None else _DUMMY_HASH, password or "")
    epoch = user.session_token if user is not None else ""
    if not limits.client_allows(name, epoch):
        return None  # this address is locked out for this name; not counted again
    if user is None or not right:
        if limits.failed(name, epoch) and user is not None:
            old, user.locked_until = user.locked_until, now + dt.timedelta(minutes=ACCOUNT_LOCK_MINUTES)
            audit.record(session, None, "user.locked", "user", user.id,
                         {"locked_until": [old, user.locked_until]},
                         note=f"{ACCOUNT_FAILURES.amount} lần sai mật khẩu trong 1 giờ (mọi địa chỉ)")
        return None
    if user.locked_until is not None and user.locked_until > now:
        return None
    if not user.active:
        return None
    user.locked_until = None
    user.last_login_at = now
    if not user.must_change_password and weakness(password, user.username, context):
        user.must_change_password = True
    return user


def unlock(session: Session, user: User, actor: User) -> None:
    """Lift every sign-in lock-out of ``user``: the account-wide one (locked_until) and, by
    rotating session_token (part of every per-address failure counter's key), the per-address
    ones. This also signs the account out everywhere. Audited "user.unlock"."""
    old = user.locked_until
    user.locked_until = None
    user.session_token = secrets.token_hex(16)
    # The diff only when there was an account-wide lock (an empty "∅ → ∅" says nothing); the note
    # says what was lifted either way.
    changes = {"locked_until": [old, None]} if old is not None else None
    note = ("gỡ khóa chung của tài khoản và các lần tạm khóa theo địa chỉ máy" if old is not None
            else "gỡ các lần tạm khóa theo địa chỉ máy (tài khoản không bị khóa chung)")
    audit.record(session, actor, "user.unlock", "user", user.id, changes, note=note)


def change_password(session: Session, user: User, new_password: str, actor: User | None,
                    context: Sequence[str] = ()) -> None:
    """Set a new password chosen by the user; clears must_change_password; ends other sessions
    (and every remember-me cookie: they hold the session token). Raises ServiceError for a weak
    password (:func:`validate_password` with ``context``) or the old one again."""
    validate_password(new_password, user.username, context)
    if check_password_hash(user.password_hash, new_password):
        raise ServiceError("Mật khẩu mới phải khác mật khẩu cũ.")
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    user.session_token = secrets.token_hex(16)
    audit.record(session, actor, "user.password_change", "user", user.id)


def reset_password(session: Session, user: User, actor: User | None, note: str | None = None) -> str:
    """Give the user a new one-time password (returned once); they must change it at sign-in.

    Also lifts every sign-in lock-out (as :func:`unlock`) and signs the account out everywhere.
    ``actor`` is None when no one signed in did it (the ``reset-password`` command); ``note`` is
    then the audit note saying so. Audited "user.password_reset"."""
    password = generate_one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.locked_until = None  # and the new session_token starts every failure counter afresh
    user.session_token = secrets.token_hex(16)
    audit.record(session, actor, "user.password_reset", "user", user.id, note=note)
    return password


def set_role(session: Session, user: User, role: str, actor: User, commune_id: int | None = None) -> None:
    """Change an account's role (and, for a commune role, its commune: ``commune_id``, else the
    one it had, else the only one); ends its sessions. Audited."""
    if role not in {r.value for r in Role}:
        raise ServiceError(f"Vai trò «{role}» không có.")
    if user.id == actor.id and role != "admin":
        raise ServiceError("Không thể tự bỏ quyền quản trị của chính mình.")
    old, old_commune = user.role, user.commune_id
    if role_signs(role) and not (user.full_name or "").strip():
        raise ServiceError(f"Tài khoản «{user.username}» chưa có họ và tên, mà vai trò {ROLE_LABELS.get(role, role)} "
                           "ký tên trên văn bản: hãy lưu họ và tên (ô «Họ và tên» trên trang này) rồi đổi vai trò.")
    if role_signs(role):
        try:
            _name_for_role(role, user.full_name)
        except FieldError as err:
            raise ServiceError(f"Tài khoản «{user.username}»: {err} Hãy sửa họ và tên (ô «Họ và tên» trên trang "
                               "này) rồi đổi vai trò.") from err
    user.commune_id = _commune_for_role(session, role, commune_id if commune_id is not None else user.commune_id)
    user.role = role
    user.session_token = secrets.token_hex(16)
    changes: dict[str, Any] = {"role": [old, role]}
    if user.commune_id != old_commune:
        changes["commune_id"] = [old_commune, user.commune_id]
    audit.record(session, actor, "user.role", "user", user.id, changes)


def set_full_name(session: Session, user: User, full_name: str, actor: User | None) -> bool:
    """Correct a staff member's full name (printed on every slip, receipt and list they make:
    receipts already issued keep the name they printed). Single spaces, at most 120 characters;
    audited as "user.full_name" with the old and new name. Returns True when it changed. Raises
    FieldError (``full_name``) for an empty name or one the name rule refuses (:func:`_name_for_role`)."""
    name = " ".join((full_name or "").split())
    if not name:
        raise FieldError("Hãy nhập họ và tên đầy đủ (in trên biên bản, danh sách), ví dụ: Nguyễn Thị Thu Hà.",
                         "full_name")
    name = _name_for_role(user.role, name)
    old = user.full_name
    if old == name:
        return False
    user.full_name = name
    audit.record(session, actor, "user.full_name", "user", user.id, {"full_name": [old, name]})
    return True


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


def revoke_api_token(session: Session, token_id: int, actor: User) -> bool:
    """Revoke API token ``token_id`` (its account's requests with it answer 401 from now on) and
    audit it (``api_token.revoke``). Returns True when this call revoked it, False when it was
    already revoked (then nothing is written, not even a second audit entry: a double click or two
    admins at once revoke it once, as the conditional UPDATE decides). Raises NotFound."""
    tok = session.get(ApiToken, token_id)
    if tok is None:
        raise NotFound("Không tìm thấy mã truy cập API.")
    revoked = session.execute(update(ApiToken).where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
                              .values(revoked_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    session.refresh(tok, ["revoked_at"])
    if not revoked:
        return False
    audit.record(session, actor, "api_token.revoke", "user", tok.user_id, {"token_name": [tok.name, None]})
    return True


def user_for_token(session: Session, token: str) -> User | None:
    """The active user owning a live API token, or None."""
    tok = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token or ""),
                                                ApiToken.revoked_at.is_(None)))
    if tok is None or not tok.user.active:
        return None
    tok.last_used_at = utcnow()
    return tok.user
