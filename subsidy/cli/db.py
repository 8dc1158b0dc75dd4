"""`flask --app app db …`: the database's migrations (Alembic, migrations/ beside the package).

    db upgrade [REVISION]   run the migrations up to REVISION (default: the newest)
    db current              print the revision the database is at
    db revision -m MSG      write the next migration, migrations/versions/NNNN_<slug>.py, by
                            comparing the models with a database at the newest revision
                            (autogenerate); read it and fix it by hand before committing it
"""
from __future__ import annotations

import re

import click
from flask import current_app
from flask.cli import AppGroup

from subsidy.cli.common import fail
from subsidy.db import database_revision

db_cli = AppGroup("db", help="Cơ sở dữ liệu: nâng cấp theo migration (Alembic), viết migration mới.")

#: Longest slug (the file name part after the number), as Alembic's own default.
SLUG_LENGTH = 40


def _revision_label(rev: str | None) -> str:
    return f"bản {rev}" if rev else "trống (chưa có bảng nào)"


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


def next_revision_id(revisions: list[str]) -> str:
    """The id after the numbered ``revisions`` ("0001", "0002", …): their largest number plus one,
    four digits ("0001" for none). Ids that are not numbers are ignored."""
    numbers = [int(r) for r in revisions if r.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def revision_slug(message: str) -> str:
    """The file-name part of a migration described by ``message``: lower-case ASCII words joined by
    "_", diacritics dropped and đ → d ("Thêm cột ghi chú" → "them_cot_ghi_chu"), at most
    SLUG_LENGTH characters, "migration" when nothing is left."""
    from subsidy.domain import vn

    slug = "_".join(re.findall(r"[a-z0-9]+", vn.fold(message)))[:SLUG_LENGTH].strip("_")
    return slug or "migration"


@db_cli.command("revision", help=(
    "Viết migration tiếp theo (migrations/versions/NNNN_<tên>.py) bằng cách so sánh các model với cơ sở "
    "dữ liệu đang ở bản mới nhất (Alembic autogenerate). Hãy đọc và sửa lại tệp bằng tay trước khi dùng."))
@click.option("-m", "--message", required=True, help="Mô tả ngắn của thay đổi, ví dụ \"thêm cột ghi chú\".")
@click.option("--empty", is_flag=True, help="Viết migration trống để tự viết (ví dụ chuyển dữ liệu), không so sánh.")
def db_revision(message: str, empty: bool) -> None:
    """Write migrations/versions/<next id>_<slug>.py with the operations that bring a database at
    the newest revision to the models (autogenerate; render_as_batch so it also runs on SQLite).
    When the models and the database agree nothing is written and the command says so (exit 0);
    ``--empty`` writes a migration with empty upgrade()/downgrade() to fill by hand. Exits 1 when
    the database is not at the newest revision (autogenerate would compare against an old schema)."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from subsidy.db import alembic_config

    url = current_app.config["DATABASE_URL"]
    cfg = alembic_config(url)
    scripts = ScriptDirectory.from_config(cfg)
    head = scripts.get_current_head()
    if not empty:
        try:
            current = database_revision(url)
        except Exception as err:  # noqa: BLE001 - one line for the operator
            fail(f"không đọc được cơ sở dữ liệu: {err.__class__.__name__}: {str(err).splitlines()[0]}")
        if current != head:
            where = f"đang ở bản {current}" if current else "còn trống (chưa có bảng nào)"
            fail(f"cơ sở dữ liệu {where}, chưa ở bản mới nhất ({head}): chạy "
                 "«flask --app app db upgrade» trước rồi mới viết migration (để chỉ so sánh phần thay đổi mới).")
    rev_id = next_revision_id([s.revision for s in scripts.walk_revisions()])
    # The slug is written into the template literally: Alembic's own slug keeps Vietnamese letters
    # and the file names stay ASCII like 0001_initial_schema.py.
    cfg.set_main_option("file_template", f"%%(rev)s_{revision_slug(message)}")
    nothing = []

    def drop_if_nothing_changed(_context, _revision, directives) -> None:
        if not empty and directives and directives[0].upgrade_ops.is_empty():
            nothing.append(True)
            directives[:] = []

    script = command.revision(cfg, message=message, autogenerate=not empty, rev_id=rev_id,
                              process_revision_directives=drop_if_nothing_changed)
    if nothing or script is None:
        click.echo(f"Không thấy khác biệt nào giữa các model và cơ sở dữ liệu (bản {head}); chưa viết migration "
                   "nào. Muốn tự viết một migration (ví dụ chuyển dữ liệu) thì thêm --empty.")
        return
    click.echo(f"Đã viết migration {script.path} (bản {script.revision}, sau bản {head}). Hãy đọc và sửa lại "
               "bằng tay (tên ràng buộc, dữ liệu cần chuyển, downgrade) rồi chạy «flask --app app db upgrade».")
