"""Flask commands (`flask --app app …`). Each exits 0 on success and non-zero with a one-line
Vietnamese reason on failure; they call the same services as the web forms."""
from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from subsidy.services.errors import ServiceError

db_cli = AppGroup("db", help="Cơ sở dữ liệu: nâng cấp theo migration (Alembic).")


def cli_session():
    """A new Session for one command (committed once by the command)."""
    return current_app.extensions["subsidy.sessionmaker"]()


def fail(message: str, code: int = 1) -> None:
    """Print a one-line reason to stderr and exit non-zero."""
    click.echo(f"Lỗi: {message}", err=True)
    sys.exit(code)


@db_cli.command("upgrade", help="Nâng cơ sở dữ liệu lên bản migration mới nhất (hoặc REVISION).")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    from subsidy.db import upgrade_database

    try:
        upgrade_database(current_app.config["DATABASE_URL"], revision)
    except Exception as err:  # noqa: BLE001 - one line for the operator, details in the traceback log
        fail(f"không nâng cấp được cơ sở dữ liệu: {err.__class__.__name__}: {str(err).splitlines()[0]}")
    click.echo("Cơ sở dữ liệu đã ở bản mới nhất.")


@db_cli.command("current", help="In bản migration hiện tại của cơ sở dữ liệu.")
def db_current() -> None:
    from alembic import command

    from subsidy.db import alembic_config

    command.current(alembic_config(current_app.config["DATABASE_URL"]))


@click.command("ensure-admin", help="Nếu chưa có tài khoản nào, tạo 'admin' và in mật khẩu dùng một lần.")
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


@click.command("create-user", help="Tạo tài khoản NAME với vai trò ROLE; mật khẩu hỏi tại dấu nhắc hoặc đọc từ stdin.")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["admin", "clerk", "approver", "radio"]), help="Vai trò.")
@click.option("--full-name", default="", help="Họ và tên.")
def create_user(name: str, role: str, full_name: str) -> None:
    from subsidy.services import users

    if sys.stdin.isatty():
        password = click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    session = cli_session()
    try:
        users.create_user(session, name, role, password, None, full_name=full_name, must_change_password=False)
        session.commit()
    except ServiceError as err:
        session.rollback()
        fail(str(err))
    click.echo(f"Đã tạo tài khoản {name.strip().lower()} ({role}).")


def init_app(app: Flask) -> None:
    """Register every command group. Issue modules add theirs in ``subsidy/commands/``."""
    import importlib
    import pkgutil

    from flask.cli import with_appcontext

    import subsidy.commands as commands_pkg

    app.cli.add_command(db_cli)
    found = [ensure_admin, create_user]
    for mod in pkgutil.iter_modules(commands_pkg.__path__):
        module = importlib.import_module(f"subsidy.commands.{mod.name}")
        found.extend(getattr(module, "COMMANDS", []))
    for cmd in found:
        # Plain click commands get an app context (as `flask` gives them) also under test runners.
        if cmd.callback is not None and not getattr(cmd.callback, "_subsidy_ctx", False):
            cmd.callback = with_appcontext(cmd.callback)
            cmd.callback._subsidy_ctx = True  # type: ignore[attr-defined]
        app.cli.add_command(cmd)
