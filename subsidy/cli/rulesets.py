"""Rule sets from the command line (`flask --app app …`): load the shipped or a new rule set
(`load-rulesets`), and check every received application against the rule set in force
(`check-applications`)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from subsidy.cli.common import COMMUNE_OPTION, cli_session, fail
from subsidy.domain.readable_errors import explain_os_error
from subsidy.services.errors import ServiceError


@click.command("load-rulesets", help="Nạp các bộ quy tắc kèm theo phần mềm (subsidy/rulesets/*.json) còn thiếu; "
                                     "chạy lại nhiều lần vẫn an toàn. --file nạp thêm một tệp JSON (phiên bản mới).")
# The file is checked here, not by click.Path(exists=True): click's messages are English.
@click.option("--file", "path", type=click.Path(path_type=Path), default=None,
              help="Tệp JSON của một phiên bản bộ quy tắc mới (ví dụ thông tư thay thế).")
@click.option("--inactive", is_flag=True, help="Lưu phiên bản từ --file nhưng chưa áp dụng (để xem trước).")
@with_appcontext
def load_rulesets(path: Path | None, inactive: bool) -> None:
    from subsidy.services import rulesets

    raw = None
    if path is not None:
        try:
            raw = path.read_bytes()
        except OSError as err:
            fail(explain_os_error(err, path))
    session = cli_session()
    try:
        if raw is not None:
            row, created = rulesets.store(session, rulesets.read_document(raw), None, active=not inactive)
            new = [row] if created else []
        else:
            new = rulesets.load_shipped(session)
        session.commit()
    except ServiceError as err:
        session.rollback()
        fail(str(err))
    finally:
        session.close()
    if new:
        for row in new:
            click.echo(f"Đã nạp bộ quy tắc {row.code} phiên bản {row.version}"
                       f"{'' if row.active else ' (chưa áp dụng)'}: {row.title}.")
    else:
        click.echo("Các bộ quy tắc đã có đủ; không nạp thêm.")


@click.command("check-applications", help="Kiểm tra điều kiện mọi hồ sơ đang ở trạng thái «Đã tiếp nhận» "
                                          "(theo bộ quy tắc có hiệu lực hôm nay), với tư cách tài khoản USERNAME (công chức).")
@click.argument("username")
@COMMUNE_OPTION
@with_appcontext
def check_applications(username: str, commune_code: str | None) -> None:
    """The received applications of USERNAME's commune (a commune account works only in its own;
    --commune, if given, must be that commune)."""
    from sqlalchemy import select

    from subsidy.domain.workflow import WorkflowError
    from subsidy.models import Application, User
    from subsidy.models.scoping import set_commune
    from subsidy.services import applications, communes

    session = cli_session()
    try:
        actor = session.scalar(select(User).where(User.username == username.strip().lower()))
        if actor is None or not actor.active:
            fail(f"không có tài khoản đang dùng tên «{username}».")
        if actor.commune_id is None:
            fail(f"tài khoản «{actor.username}» ({actor.role}) không thuộc xã nào: kiểm tra hồ sơ là việc của "
                 "công chức xã.")
        if commune_code:
            chosen = communes.by_code(session, commune_code)
            if chosen.id != actor.commune_id:
                fail(f"tài khoản «{actor.username}» thuộc xã khác, không làm việc được với {chosen.name}.")
        set_commune(session, actor.commune_id)
        apps = list(session.scalars(select(Application).where(Application.state == "received").order_by(Application.id)))
        decisions = applications.check_many(session, apps, actor)
        session.commit()
    except (ServiceError, WorkflowError) as err:
        session.rollback()
        fail(str(err))
    finally:
        session.close()
    counts: dict[str, int] = {}
    for d in decisions:
        counts[d.outcome] = counts.get(d.outcome, 0) + 1
    click.echo(f"Đã kiểm tra {len(decisions)} hồ sơ: {counts.get('eligible', 0)} đủ điều kiện, "
               f"{counts.get('not_eligible', 0)} không đủ điều kiện, {counts.get('undecided', 0)} chưa đủ thông tin.")

