"""Communes from the server's command line: `create-commune CODE --name NAME [--province NAME]`."""
from __future__ import annotations

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
