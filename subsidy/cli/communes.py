"""Communes from the server's command line: `create-commune CODE --name NAME [--province NAME]`, and
`import-commune-db FILE --commune CODE [--dry-run]` (a commune's own database joins the province)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from subsidy.cli.common import cli_session, fail
from subsidy.domain.scope import APPROVAL_LEVELS
from subsidy.services.errors import ServiceError


@click.command("create-commune", help="Thêm xã mã CODE (ví dụ PHUTAN, hoặc mã đơn vị hành chính 5 số) vào hệ thống "
                                      "của tỉnh, với tên, cơ quan ban hành, địa danh và các ấp/thôn.")
@click.argument("code")
@click.option("--name", required=True, help="Tên xã, ví dụ \"xã Phú Tân\".")
@click.option("--province", default="", help="Tên tỉnh, ví dụ \"tỉnh Đồng Tháp\".")
@click.option("--body", default="", help="Cơ quan ban hành in trên văn bản (mặc định: ỦY BAN NHÂN DÂN + tên xã).")
@click.option("--place", default="", help="Địa danh ở dòng ngày tháng (mặc định: tên xã bỏ chữ \"xã\").")
@click.option("--hamlets", default="", help="Các ấp/thôn, cách nhau bằng dấu chấm phẩy.")
@click.option("--approval-level", type=click.Choice(list(APPROVAL_LEVELS)), default="commune",
              help="Ai phê duyệt danh sách: commune (lãnh đạo xã) hoặc province (tỉnh).")
@with_appcontext
def create_commune(code: str, name: str, province: str, body: str, place: str, hamlets: str,
                   approval_level: str) -> None:
    from subsidy.services import communes

    session = cli_session()
    try:
        commune = communes.create_commune(
            session, communes.CommuneInput(code=code, name=name, province=province, issuing_body=body,
                                           place_name=place, approval_level=approval_level),
            None, hamlets=[h.strip() for h in hamlets.split(";") if h.strip()])
        said = f"Đã thêm {commune.name} (mã {commune.code}, {len(commune.hamlet_names)} ấp/thôn)."
        session.commit()
    except ServiceError as err:
        session.rollback()
        fail(str(err))
    finally:
        session.close()
    click.echo(said)


@click.command("import-commune-db", help="Gộp cơ sở dữ liệu SQLite của một xã đã chạy bản riêng (FILE, mọi phiên bản "
                                         "cũ: nâng cấp trên bản sao tạm) vào xã CODE của hệ thống tỉnh. --dry-run chỉ "
                                         "đếm và liệt kê xung đột; còn xung đột thì không ghi gì.")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--commune", "commune_code", required=True, metavar="MÃ_XÃ", help="Xã nhận dữ liệu (tạo trước bằng create-commune).")
@click.option("--dry-run", is_flag=True, help="Chỉ xem trước: số dòng và xung đột, không ghi gì.")
@with_appcontext
def import_commune_db(file: Path, commune_code: str, dry_run: bool) -> None:
    from subsidy.services import commune_merge, communes

    session = cli_session()
    try:
        commune = communes.by_code(session, commune_code)
        if dry_run:
            plan, _read = commune_merge.plan_merge(session, file, commune)
        else:
            plan = commune_merge.merge(session, file, commune, None)
            session.commit()
    except ServiceError as err:
        session.rollback()
        fail(str(err))
    finally:
        session.close()
    click.echo(("Xem trước: " if dry_run else "Đã gộp: ")
               + ", ".join(f"{name} {n}" for name, n in plan.counts.items() if n) + ".")
    for note in plan.notes:
        click.echo(f"Lưu ý: {note}")
    if plan.conflicts:
        for line in plan.conflicts:
            click.echo(f"Xung đột: {line}")
        fail(f"có {len(plan.conflicts)} xung đột: gộp thật sẽ không ghi gì cho đến khi sửa hết.")
