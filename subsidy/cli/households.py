"""CLI: import the household list from .xlsx / .csv, export the registry to CSV or XLSX.

    flask --app app import-households FILE [--year YYYY] [--dry-run] [--skip-invalid] [--user NAME]
    flask --app app export-households --output FILE.csv|FILE.xlsx [--machine]

Both call the same services as the web pages (subsidy.services.importer / households).
"""
from __future__ import annotations

import errno
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from subsidy.cli.common import COMMUNE_OPTION, commune_session, fail
from subsidy.domain.readable_errors import explain_os_error
from subsidy.services.errors import ServiceError

MAX_ERRORS_SHOWN = 200


def _print_report(report, refused: bool, dry_run: bool) -> None:
    from subsidy.domain import vn
    from subsidy.services.importer import STATUS_LABELS

    counts = report.counts
    source = {"option": "theo --year", "title": "theo tiêu đề danh sách", "filename": "theo tên tệp",
              "current": "năm hiện tại"}[report.year_source]
    click.echo(f"Tệp: {report.filename} ({report.file_format}), tiêu đề bảng ở dòng {report.header_row}, "
               f"năm danh sách {report.list_year} ({source}).")
    width = max(len(v) for v in (*STATUS_LABELS.values(), "Tổng số hộ"))
    click.echo("┌" + "─" * (width + 2) + "┬──────────┐")
    for key in ("new", "update", "unchanged", "error", "skipped"):
        click.echo(f"│ {STATUS_LABELS[key]:<{width}} │ {vn.format_count(counts[key]):>8} │")
    click.echo("├" + "─" * (width + 2) + "┼──────────┤")
    click.echo(f"│ {'Tổng số hộ':<{width}} │ {vn.format_count(report.households):>8} │")
    click.echo("└" + "─" * (width + 2) + "┴──────────┘")
    yc = report.year_counts
    if yc.get("previous_year"):
        kind = "đầy đủ" if report.complete else "bổ sung"
        click.echo(f"So với danh sách năm {yc['previous_year']} (danh sách {kind}): {yc['join']} hộ vào, "
                   f"{yc['change']} hộ đổi phân loại, {yc['leave']} hộ ra khỏi danh sách năm {report.list_year}"
                   + (f" ({yc['absent']} hộ không có trong tệp)" if yc["absent"] else "") + ".")
    if report.left_sheets:
        from subsidy.domain.labels import LEFT_OUTCOME_LABELS, SHEET_KIND_LABELS

        for sheet in report.left_sheets:
            said = f": {sheet['error']}" if sheet["error"] else ""
            click.echo(f"Trang «{sheet['title']}» ({SHEET_KIND_LABELS[sheet['kind']]}): {sheet['rows']} hộ{said}")
        click.echo("  " + "; ".join(f"{LEFT_OUTCOME_LABELS[k]}: {n}" for k, n in report.left_counts.items() if n))
    errors = report.error_rows
    if errors:
        click.echo(f"Các dòng lỗi ({len(errors)}):", err=True)
        for row in errors[:MAX_ERRORS_SHOWN]:
            label = " ".join(x for x in ((row.code or "").strip(), (row.head_name or "").strip()) if x)
            who = f" [{label}]" if label else ""
            click.echo(f"  Dòng {row.number}{who}: {' '.join(row.messages)}", err=True)
        if len(errors) > MAX_ERRORS_SHOWN:
            click.echo(f"  … và {len(errors) - MAX_ERRORS_SHOWN} dòng lỗi khác.", err=True)
    for name, h in report.new_hamlets.items():
        like = f"; gần giống «{h['like']}»" if h.get("like") else ""
        then = ("nhập thật sẽ thêm ấp này vào danh sách ấp của xã" if h.get("added", True)
                else "cùng tên đã có nhưng viết khác chữ hoa hoặc dấu: sẽ không thêm vào danh sách ấp")
        click.echo(f"  Cảnh báo: ấp mới «{name}» ({h['rows']} hộ, từ dòng {h['first_row']}{like}): chưa có trong "
                   f"danh sách ấp của xã; {then}. Nếu là lỗi chính tả, hãy sửa tệp.")
    warned = [r for r in report.rows if r.warnings and r.status in ("new", "update")]
    for row in warned[:50]:
        click.echo(f"  Cảnh báo dòng {row.number}: {' '.join(row.warnings)}")
    if dry_run:
        if refused:
            click.echo("Chạy thử: chưa ghi gì. Nhập thật sẽ bị từ chối vì có dòng lỗi "
                       "(sửa tệp, hoặc dùng --skip-invalid để chỉ nhập các dòng đúng).")
        else:
            click.echo("Chạy thử: chưa ghi gì vào cơ sở dữ liệu.")
    elif report.committed:
        click.echo(f"Đã nhập: thêm {counts['new']} hộ, cập nhật {counts['update']} hộ"
                   + (f", bỏ qua {counts['error']} dòng lỗi." if counts["error"] else "."))
    elif not refused:
        click.echo("Không có gì thay đổi: mọi hộ trong tệp đã có và giống hệt.")


@click.command("import-households", help=(
    "Nhập danh sách hộ nghèo, hộ cận nghèo từ tệp FILE (.xlsx hoặc .csv UTF-8). Mặc định nhập tất cả "
    "hoặc không nhập gì: có dòng lỗi thì không ghi dòng nào. Thoát với mã khác 0 khi tệp bị từ chối "
    "(kể cả khi chạy thử --dry-run mà nhập thật sẽ bị từ chối)."))
# Checked in the command, not by click (dir_okay/exists): click's messages are English.
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--year", type=int, default=None,
              help="Năm của danh sách (mặc định: theo tiêu đề \"… NĂM 2025\", tên tệp, hoặc năm hiện tại).")
@click.option("--dry-run", is_flag=True, help="Chỉ xem trước: phân loại từng dòng, không ghi gì.")
@click.option("--skip-invalid", is_flag=True, help="Bỏ qua các dòng lỗi, chỉ nhập các dòng đúng.")
@click.option("--complete/--supplement", "complete", default=None,
              help="Danh sách đầy đủ của năm (các hộ của danh sách được thay — danh sách đã nhập của chính năm này "
                   "nếu có, nếu không thì của năm trước — không có trong tệp được ghi là không còn trong danh sách "
                   "năm này) hoặc danh sách bổ sung. Mặc định: đầy đủ khi năm lấy từ tiêu đề, tên tệp không có "
                   "«bổ sung» và năm này chưa có danh sách nào được nhập.")
@click.option("--user", "username", default=None, help="Tên đăng nhập ghi vào nhật ký (mặc định: hệ thống).")
@COMMUNE_OPTION
@with_appcontext
def import_households_cmd(file: Path, year: int | None, dry_run: bool, skip_invalid: bool, complete: bool | None,
                          username: str | None, commune_code: str | None) -> None:
    from flask import current_app

    from subsidy.models import User
    from subsidy.services.importer import ImportLimits, ImportRefused, import_households

    limits = ImportLimits.from_config(current_app.config)
    try:
        size = file.stat().st_size
        if file.is_dir():
            raise IsADirectoryError(errno.EISDIR, "directory", str(file))
    except OSError as err:
        fail(explain_os_error(err, file))
    if size > limits.max_bytes:
        fail(f"tệp {file.name} nặng {size / 1048576:.1f} MB, vượt giới hạn {limits.max_bytes / 1048576:.0f} MB "
             "(đặt IMPORT_MAX_BYTES để đổi).")
    try:
        data = file.read_bytes()
    except OSError as err:
        fail(explain_os_error(err, file))
    session, commune = commune_session(commune_code)
    commune_id, hamlets = commune.id, commune.hamlet_names
    actor = None
    if username:
        actor = session.scalar(select(User).where(User.username == username.strip().lower()))
        if actor is None:
            fail(f"không có tài khoản «{username}».")
        session.rollback()  # no transaction (SQLite write lock) while the file is being read

    bar_ctx = click.progressbar(length=1, label="Đọc danh sách", show_pos=True, file=sys.stderr)
    bar = bar_ctx.__enter__()
    state = {"done": 0}

    def progress(done: int, total: int) -> None:
        bar.length = max(total, done, 1)
        bar.update(done - state["done"])
        state["done"] = done

    refused = False
    try:
        report = import_households(session, data, file.name, actor, year=year, dry_run=dry_run,
                                   skip_invalid=skip_invalid, limits=limits, progress=progress,
                                   hamlets=hamlets, commune_id=commune_id, complete=complete)
    except ImportRefused as err:
        session.rollback()
        bar_ctx.__exit__(None, None, None)
        _print_report(err.report, refused=True, dry_run=False)
        fail(str(err))
    except ServiceError as err:
        session.rollback()
        bar_ctx.__exit__(None, None, None)
        fail(str(err))
    else:
        bar_ctx.__exit__(None, None, None)
    refused = report.would_refuse
    if dry_run:
        session.rollback()
    else:
        session.commit()
    session.close()
    _print_report(report, refused=refused, dry_run=dry_run)
    if dry_run and refused:
        fail(f"có {report.counts['error']} dòng lỗi: nhập thật sẽ bị từ chối.")
    if report.counts["error"] and not report.committed and not any(
            report.counts[k] for k in ("new", "update", "unchanged")):
        fail("không có dòng nào hợp lệ để nhập.")


@click.command("export-households", help=(
    "Xuất danh sách hộ ra tệp CSV hoặc Excel (.xlsx, theo đuôi tên tệp), giống tệp «Tải Excel»/«Tải CSV» của trang "
    "Hộ gia đình: tiêu đề cột tiếng Việt, phân loại hộ theo danh sách đang áp dụng năm nay. Với --machine: các cột "
    "household_code, head_name, birth_year, gender, citizen_id, hamlet, members, category, meritorious, "
    "social_policy, phone như tệp mẫu *.expected.csv (để đối chiếu bằng máy)."))
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path),
              help="Tệp .csv hoặc .xlsx sẽ ghi (ghi đè nếu đã có).")
@click.option("--include-archived", is_flag=True, help="Xuất cả các hộ đã lưu trữ.")
@click.option("--machine", is_flag=True,
              help="Cột và mã của tệp mẫu *.expected.csv (poor/near_poor, M/F, 1/0; CSV không có BOM) thay cho "
                   "tiêu đề và chữ tiếng Việt.")
@COMMUNE_OPTION
@with_appcontext
def export_households_cmd(output: Path, include_archived: bool, machine: bool, commune_code: str | None) -> None:
    from subsidy.documents import exports as docs
    from subsidy.domain.calendar import today_vn
    from subsidy.domain.list_views import ListFilters
    from subsidy.services import communes, list_exports
    from subsidy.services.households import iter_export_households, write_export_csv, write_export_xlsx

    session, commune = commune_session(commune_code, persist=False)
    xlsx = output.suffix.lower() == ".xlsx"
    try:
        # Rows are written as they are read (the session stays open until the last one).
        if machine:
            rows = iter_export_households(session, include_archived=include_archived)
            if xlsx:
                with output.open("wb") as fh:
                    n = write_export_xlsx(rows, fh)
            else:
                with output.open("w", encoding="utf-8", newline="") as fh:
                    n = write_export_csv(rows, fh)
        else:
            # The web page's copy (exports.households), every household of the commune, numbers in
            # full: the command line is the server's operator, who holds the database itself.
            table = list_exports.list_table(session, "households",
                                            ListFilters(archived=include_archived, personal=True), on=today_vn())
            with output.open("wb") as fh:
                if xlsx:
                    n = docs.write_xlsx(table, communes.issuer_of(commune), fh)
                else:
                    for chunk in docs.iter_csv(table):
                        fh.write(chunk)
                    n = table.count
    except OSError as err:
        fail(explain_os_error(err, output, writing=True))
    finally:
        session.close()
    click.echo(f"Đã xuất {n} hộ ra {output}.")

