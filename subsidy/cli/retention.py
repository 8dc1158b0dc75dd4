"""`flask --app app prune-view-log [--older-than-years N] [--dry-run]`: remove the entries saying who
saw personal data once they are older than the retention period (VIEW_LOG_RETENTION_YEARS, default
5 years); changes are kept for ever. The scheduled backup runs it too (`backup --prune-views`),
after the night's backup, so the removed entries are still in that night's archive.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from subsidy.cli.common import cli_session, fail
from subsidy.domain.calendar import VN_TZ, local_midnight, today_vn, years_before
from subsidy.domain.vn import format_count
from subsidy.services import audit


def prune_view_log(years: int | None = None, dry_run: bool = False) -> audit.PruneResult:
    """Remove (or with ``dry_run`` only count) the view entries dated before local midnight of
    today ``years`` years ago (default VIEW_LOG_RETENTION_YEARS), in one transaction by the server
    (no actor); echo what was done. Used by this command and by ``backup --prune-views``."""
    years = current_app.config.get("VIEW_LOG_RETENTION_YEARS", 5) if years is None else years
    if years < 1:
        fail("thời hạn lưu nhật ký xem phải từ 1 năm trở lên (VIEW_LOG_RETENTION_YEARS).")
    before = local_midnight(years_before(today_vn(), years))
    session = cli_session()
    try:
        result = audit.prune_views(session, before, None, dry_run=dry_run, years=years)
        if not dry_run:
            session.commit()
    finally:
        session.close()
    day = f"{before.astimezone(VN_TZ):%d/%m/%Y}"
    if result.count and result.oldest is not None:
        span = f" (từ {result.oldest.astimezone(VN_TZ):%d/%m/%Y} đến {result.newest.astimezone(VN_TZ):%d/%m/%Y})"
    else:
        span = ""
    if dry_run:
        click.echo(f"Thử (không xóa gì): có {format_count(result.count)} lượt xem dữ liệu cá nhân ghi trước ngày "
                   f"{day}{span} sẽ bị xóa (giữ {years} năm).")
    else:
        click.echo(f"Đã xóa {format_count(result.count)} lượt xem dữ liệu cá nhân ghi trước ngày {day}{span} "
                   f"(giữ {years} năm); các lần thay đổi dữ liệu được giữ nguyên. Đã ghi một dòng nhật ký.")
    return result


@click.command("prune-view-log", help=(
    "Xóa các dòng nhật ký XEM dữ liệu cá nhân (xem hồ sơ, danh sách, tải danh sách, đọc qua API) cũ hơn thời hạn "
    "lưu (VIEW_LOG_RETENTION_YEARS, mặc định 5 năm). Không bao giờ xóa nhật ký THAY ĐỔI dữ liệu. Ghi một dòng "
    "nhật ký với số dòng đã xóa."))
@click.option("--older-than-years", "years", type=click.IntRange(1, 100), default=None,
              help="Xóa các lượt xem cũ hơn N năm (mặc định VIEW_LOG_RETENTION_YEARS).")
@click.option("--dry-run", is_flag=True, help="Chỉ đếm, không xóa gì.")
@with_appcontext
def prune_view_log_cmd(years: int | None, dry_run: bool) -> None:
    prune_view_log(years, dry_run)
