"""Staff accounts from the server's command line (`flask --app app …`): the first admin
(`ensure-admin`), a new account (`create-user`), and the way back in for a forgotten or locked
account (`reset-password`), e.g. the only admin's, which `ensure-admin` cannot give once any
account exists."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from subsidy.cli.common import cli_session, commune_session, fail
from subsidy.domain.scope import ALL_ROLES
from subsidy.domain.labels import ROLE_LABELS
from subsidy.db import utcnow
from subsidy.domain.calendar import VN_TZ
from subsidy.domain.passwords import local_names
from subsidy.services.errors import ServiceError

#: The audit note of a reset made from the command line (no one is signed in: actor None).
CLI_NOTE = "Đặt lại bằng lệnh reset-password trên máy chủ (dòng lệnh, không có người dùng đăng nhập)"


@click.command("reset-password",
               help="Cấp mật khẩu dùng một lần mới cho tài khoản USERNAME (in ra một lần, phải đổi khi "
                    "đăng nhập), gỡ mọi khóa đăng nhập và đăng xuất tài khoản ở mọi nơi. Ghi nhật ký.")
@click.argument("username")
@with_appcontext
def reset_password(username: str) -> None:
    """Reset USERNAME's password from the server's command line.

    Calls :func:`subsidy.services.users.reset_password` with no actor (the audit entry
    "user.password_reset" has actor none and the note :data:`CLI_NOTE`, plus the lock it lifted,
    if any): a new one-time password, printed once; must_change_password set; locked_until
    cleared and session_token rotated, which lifts the per-address lock-outs and ends every
    session. A deactivated account gets its new password but stays deactivated (a warning says
    so). Exits 1 with a Vietnamese reason for an unknown username (listing the active admins).
    """
    from subsidy.models import User
    from subsidy.services import users

    name = (username or "").strip().lower()
    session = cli_session()
    try:
        user = session.scalar(select(User).where(User.username == name))
        if user is None:
            admins = list(session.scalars(select(User.username).where(User.role == "admin", User.active.is_(True))
                                          .order_by(User.username).limit(10)))
            known = (f" Các tài khoản quản trị đang hoạt động: {', '.join(admins)}." if admins
                     else " Chưa có tài khoản quản trị nào đang hoạt động.")
            fail(f"không có tài khoản «{username}». Hãy kiểm tra lại tên đăng nhập (chữ thường, không dấu).{known}")
        until = user.locked_until  # aware UTC (db.UTCDateTime)
        note = CLI_NOTE
        if until is not None and until > utcnow():
            note += f"; gỡ khóa đăng nhập (đang khóa đến {until.astimezone(VN_TZ):%H:%M %d/%m/%Y})"
        password = users.reset_password(session, user, None, note=note)
        session.commit()
        active, role = user.active, user.role
    except Exception as err:  # noqa: BLE001 - one line for the operator
        session.rollback()
        fail(f"không đặt lại được mật khẩu: {err}")
    finally:
        session.close()
    click.echo("=" * 60)
    click.echo(f"Đã cấp lại mật khẩu cho tài khoản {name} ({role}).")
    click.echo(f"  Mật khẩu dùng một lần: {password}")
    click.echo("  (phải đổi mật khẩu khi đăng nhập; mọi khóa đăng nhập đã được gỡ,")
    click.echo("   các phiên đăng nhập cũ của tài khoản này đã kết thúc)")
    click.echo("=" * 60)
    if not active:
        click.echo(f"Lưu ý: tài khoản {name} đang bị vô hiệu hóa nên vẫn chưa đăng nhập được; một quản trị "
                   "viên khác bật lại ở mục Tài khoản.", err=True)


@click.command("ensure-admin", help="Nếu chưa có tài khoản nào, tạo 'admin' và in mật khẩu dùng một lần.")
@with_appcontext
def ensure_admin() -> None:
    from subsidy.services import users

    session = cli_session()
    try:
        password = users.ensure_admin(session)
        session.commit()
    except Exception as err:  # noqa: BLE001
        session.rollback()
        fail(f"không tạo được tài khoản quản trị: {err}")
    if password:
        click.echo("=" * 60)
        click.echo("Đã tạo tài khoản quản trị đầu tiên.")
        click.echo("  Tên đăng nhập: admin")
        click.echo(f"  Mật khẩu dùng một lần: {password}")
        click.echo("  (phải đổi mật khẩu khi đăng nhập lần đầu)")
        click.echo("=" * 60)


@click.command("create-user", help="Tạo tài khoản NAME với vai trò ROLE; mật khẩu hỏi tại dấu nhắc hoặc đọc từ stdin. "
                                   "Mật khẩu này dùng một lần: người dùng phải đổi khi đăng nhập lần đầu "
                                   "(trừ khi có --permanent-password).")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(list(ALL_ROLES)), help="Vai trò.")
@click.option("--full-name", default="",
              help="Họ và tên đầy đủ (ít nhất hai chữ, như trên thẻ căn cước); bắt buộc với vai trò ký tên "
                   "(clerk, approver, province_officer, province_approver).")
@click.option("--commune", "commune_code", default=None, metavar="MÃ_XÃ",
              help="Xã của tài khoản clerk/approver/radio (không cần khi hệ thống chỉ có một xã; "
                   "admin và cán bộ tỉnh không thuộc xã nào).")
@click.option("--permanent-password", is_flag=True,
              help="Mật khẩu đã nhập là mật khẩu của chính người dùng (họ tự gõ tại dấu nhắc): không bắt đổi "
                   "khi đăng nhập lần đầu.")
@with_appcontext
def create_user(name: str, role: str, full_name: str, commune_code: str | None, permanent_password: bool) -> None:
    """Create the account NAME (services.users.create_user: the same checks and audit entry as the
    admin's form, the full name by the name rule of people's names).

    The password is read at the prompt or from stdin and is one-time by default: the account must
    choose its own at the first sign-in, as with the admin's form and ``reset-password``. Whoever
    runs the command then knows no password the account keeps, and a password written in a script,
    a shell history or a guide opens the account only until its owner signs in.
    ``--permanent-password`` keeps it (the account's owner typed it at the prompt). Exits 1 with
    a one-line Vietnamese reason on a refusal."""
    from subsidy.domain.scope import role_needs_commune
    from subsidy.services import users

    if sys.stdin.isatty():
        password = click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if commune_code and not role_needs_commune(role):
        fail(f"vai trò {role} không thuộc xã nào: bỏ --commune.")
    commune_id = None
    if role_needs_commune(role):
        session, commune = commune_session(commune_code)
        commune_id = commune.id
    else:
        session = cli_session()
    try:
        users.create_user(session, name, role, password, None, full_name=full_name,
                          must_change_password=not permanent_password,
                          context=local_names(current_app.config), commune_id=commune_id)
        session.commit()
    except ServiceError as err:
        session.rollback()
        fail(str(err))
    click.echo(f"Đã tạo tài khoản {name.strip().lower()} ({ROLE_LABELS.get(role, role)}).")
    if not permanent_password:
        click.echo("  Mật khẩu vừa nhập dùng một lần: người dùng phải đổi mật khẩu khi đăng nhập lần đầu.")
