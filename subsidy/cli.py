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


def _revision_label(rev: str | None) -> str:
    return f"bản {rev}" if rev else "trống (chưa có bảng nào)"


def database_revision(url: str) -> str | None:
    """The Alembic revision the database at ``url`` is at (None: no alembic_version table yet)."""
    from alembic.runtime.migration import MigrationContext

    from subsidy.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


@db_cli.command("upgrade", help="Nâng cơ sở dữ liệu lên bản migration mới nhất (hoặc REVISION).")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Prints the revision before and after: "Đã nâng cấp cơ sở dữ liệu từ … lên bản …", or
    "Cơ sở dữ liệu đã ở bản mới nhất (bản …)" when there was nothing to do."""
    from alembic.script import ScriptDirectory

    from subsidy.db import alembic_config, upgrade_database

    url = current_app.config["DATABASE_URL"]
    try:
        before = database_revision(url)
        upgrade_database(url, revision)
        after = database_revision(url)
        head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    except Exception as err:  # noqa: BLE001 - one line for the operator, details in the traceback log
        fail(f"không nâng cấp được cơ sở dữ liệu: {err.__class__.__name__}: {str(err).splitlines()[0]}")
    if before != after:
        click.echo(f"Đã nâng cấp cơ sở dữ liệu từ {_revision_label(before)} lên {_revision_label(after)}"
                   f"{' (bản mới nhất)' if after == head else ''}.")
    elif after == head:
        click.echo(f"Cơ sở dữ liệu đã ở bản mới nhất ({_revision_label(after)}); không có gì để nâng cấp.")
    else:
        click.echo(f"Không có gì thay đổi: cơ sở dữ liệu đang ở {_revision_label(after)} "
                   f"(bản mới nhất là {head}).")


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
