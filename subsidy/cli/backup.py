"""Backups from the server's command line (`flask --app app …`): an encrypted copy of the whole
database with the secret key (`backup`), and putting one back into an empty database (`restore`).

    flask --app app backup --output FILE|DIR [--keep N] [--prune-views]
    flask --app app restore FILE

Both call subsidy.services.backup; the README's operations section says how to schedule backups
and practise a restore.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from subsidy.cli.common import fail
from subsidy.domain.vn import format_count


def _key(create: bool) -> bytes:
    from subsidy.services.backup import backup_key

    path = Path(current_app.config["BACKUP_KEY_FILE"])
    key, created = backup_key(path, create)
    if created:
        click.echo("=" * 72, err=True)
        click.echo(f"Đã tạo khóa sao lưu mới: {path}", err=True)
        click.echo("  Mọi bản sao lưu được mã hóa bằng khóa này (chúng chứa CCCD, số điện thoại của người dân).", err=True)
        click.echo("  Hãy chép tệp khóa ra một nơi cất riêng (USB để trong tủ khóa, máy của lãnh đạo…),", err=True)
        click.echo("  KHÔNG để cùng chỗ với các bản sao lưu. Mất khóa thì không khôi phục được bản nào.", err=True)
        click.echo("=" * 72, err=True)
    return key


@click.command("backup", help=(
    "Sao lưu toàn bộ cơ sở dữ liệu (cả khi phần mềm đang chạy) cùng khóa bí mật vào một tệp mã hóa. "
    "--output là tệp, hoặc thư mục (tệp vtci-NGÀY-GIỜ.vtcibak được tạo trong đó). Khóa mã hóa ở "
    "BACKUP_KEY_FILE (mặc định instance/backup.key, tạo ở lần sao lưu đầu)."))
@click.option("--output", "-o", required=True, type=click.Path(),
              help="Tệp sao lưu sẽ ghi, hoặc thư mục chứa các bản sao lưu.")
@click.option("--keep", type=click.IntRange(1, None), default=None,
              help="Khi --output là thư mục: chỉ giữ N bản mới nhất, xóa các bản cũ hơn.")
@click.option("--prune-views", is_flag=True,
              help="Sau khi sao lưu xong, xóa nhật ký xem dữ liệu cá nhân quá thời hạn lưu (như lệnh prune-view-log).")
@with_appcontext
def backup_cmd(output: str, keep: int | None, prune_views: bool) -> None:
    from subsidy.services.backup import BackupError, make_backup
    from subsidy.services.backup.folder import new_name

    # A trailing "/" names a folder even before it exists (the first scheduled run makes it).
    folder = Path(output) if Path(output).is_dir() or output.endswith("/") else None
    if keep is not None and folder is None:
        fail("--keep chỉ dùng khi --output là một thư mục.")
    target = Path(output)
    if folder is not None:
        target = new_name(folder)
    try:
        key = _key(create=True)
        result = make_backup(current_app.config["DATABASE_URL"], target, key, current_app.config["SECRET_KEY"],
                             current_app.config)
    except BackupError as err:
        fail(f"không sao lưu được: {err}")
    m = result.manifest
    rows = sum(m["tables"].values())
    click.echo(f"Đã sao lưu vào {result.path} ({format_count(result.size)} byte, mã hóa): {len(m['tables'])} bảng, "
               f"{format_count(rows)} dòng, migration {m['revision']}, phiên bản {m['app_version']}.")
    if keep is not None and folder is not None:
        from subsidy.services.backup.folder import rotate

        for p in rotate(folder, keep):
            click.echo(f"Đã xóa bản sao lưu cũ {p.name} (giữ {keep} bản mới nhất).")
    if prune_views:
        from subsidy.cli.retention import prune_view_log

        # After the backup: the entries removed are still in tonight's archive.
        prune_view_log()


@click.command("restore", help=(
    "Khôi phục bản sao lưu FILE vào cơ sở dữ liệu trống (DATABASE_URL), đặt lại khóa bí mật rồi nâng "
    "cấp lên migration mới nhất. Từ chối, không thay đổi gì, nếu tệp hỏng hoặc bị cắt cụt, sai khóa, "
    "từ phiên bản mới hơn, hoặc cơ sở dữ liệu đích đang có dữ liệu."))
@click.argument("file", type=click.Path(path_type=Path))
@with_appcontext
def restore_cmd(file: Path) -> None:
    from subsidy.services.backup import BackupError, restore_backup

    secret_path = current_app.config.get("SECRET_KEY_FILE")
    try:
        key = _key(create=False)
        result = restore_backup(current_app.config["DATABASE_URL"], file, key,
                                Path(secret_path) if secret_path else None, current_app.config)
    except BackupError as err:
        fail(f"không khôi phục: {err}")
    current_app.extensions["subsidy.engine"].dispose()
    m = result.manifest
    click.echo(f"Đã khôi phục bản sao lưu ngày {m['created_at']} (phiên bản {m['app_version']}): "
               f"{len(m['tables'])} bảng, {format_count(sum(m['tables'].values()))} dòng, số dòng từng bảng khớp "
               "với bản sao lưu.")
    click.echo(f"Cơ sở dữ liệu đang ở migration {result.revision_now}"
               + (f" (đã nâng cấp từ {m['revision']})." if result.revision_now != m["revision"] else "."))
    if result.secret_key_written:
        click.echo(f"Đã đặt lại khóa bí mật vào {secret_path} (khóa cũ, nếu có, giữ ở {secret_path}.before-restore).")
    elif not secret_path:
        click.echo("Lưu ý: SECRET_KEY đang đặt bằng biến môi trường nên khóa trong bản sao lưu không được ghi; "
                   "phiên đăng nhập cũ sẽ phải đăng nhập lại.", err=True)
    for name, (then, now) in result.settings_differ.items():
        click.echo(f"Lưu ý: cấu hình {name} khác với lúc sao lưu (lúc đó: {then!r}; bây giờ: {now!r}).", err=True)
