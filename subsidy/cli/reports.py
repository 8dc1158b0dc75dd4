"""`flask --app app tally …` and `flask --app app annual-report …`: the monthly tally and the annual
report written to a file (PDF, XLSX, CSV or JSON), from the same service and renderers as the page;
`flask --app app rebuild-state-spans`: the spans of states those reports read, rebuilt from the history."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from subsidy.cli.common import COMMUNE_OPTION, cli_session, commune_session, fail
from subsidy.documents.tally_export import FORMATS, render
from subsidy.documents.tally_tables import period_end
from subsidy.domain.documents import Issuer
from subsidy.domain.readable_errors import explain_os_error
from subsidy.domain.vn import format_count
from subsidy.services import communes, rulesets
from subsidy.services import tally as svc
from subsidy.services.tally import province
from subsidy.services.tally.spans import rebuild_state_spans
from subsidy.services.errors import ServiceError


def _write(report: svc.Tally | svc.AnnualReport, fmt: str, output: str, legal_basis: str, issuer: Issuer) -> None:
    # from the command line nobody is signed in: NGƯỜI LẬP BIỂU is left blank to sign over
    data = render(report, fmt, **({"issuer": issuer, "legal_basis": legal_basis} if fmt == "pdf" else {}))
    path = Path(output)
    try:
        path.write_bytes(data)
    except OSError as err:
        fail(explain_os_error(err, output, writing=True))
    click.echo(f"Đã ghi {report.title} ({report.period_label}) vào {output} ({format_count(len(data))} byte).")


_FORMAT = click.option("--format", "fmt", required=True, type=click.Choice(FORMATS),
                       help="Định dạng tệp: pdf, xlsx, csv (UTF-8 có BOM) hoặc json.")
_OUTPUT = click.option("--output", required=True, metavar="FILE", help="Tệp sẽ ghi (ghi đè nếu đã có).")


def _one_or_province(commune_code: str | None, one: Callable[[Session, Any], Any],
                     whole: Callable[[Session], Any]) -> tuple[Any, str, Issuer]:
    """The report of the commune ``commune_code`` (or the only one), or with several communes and
    no --commune the whole province's, by commune (services.tally.province). Returns (report,
    legal basis, issuer); exits with a one-line reason on a refusal."""
    session = cli_session()
    whole_province = not commune_code and communes.count(session) > 1
    if not whole_province:
        session.close()
        session, commune = commune_session(commune_code, persist=False)
    try:
        if whole_province:
            report, issuer = whole(session), province.province_issuer(session)
        else:
            report = one(session, commune)
            issuer = communes.issuer_of(commune)
        basis = rulesets.legal_basis_on(session, period_end(report))
    except ServiceError as err:
        fail(str(err))
    finally:
        session.close()
    return report, basis, issuer


@click.command("tally", help="Báo cáo tổng hợp tháng (hoặc lũy kế đến hết tháng) ra tệp PDF/XLSX/CSV/JSON; với nhiều "
                             "xã và không có --commune: toàn tỉnh, theo từng xã.")
@click.option("--month", required=True, metavar="YYYY-MM", help="Tháng báo cáo, ví dụ 2026-03.")
@click.option("--cumulative", is_flag=True, help="Lũy kế từ đầu chương trình đến hết tháng.")
@_FORMAT
@_OUTPUT
@COMMUNE_OPTION
@with_appcontext
def tally_command(month: str, cumulative: bool, fmt: str, output: str, commune_code: str | None) -> None:
    report, basis, issuer = _one_or_province(
        commune_code, lambda s, c: svc.tally(s, month, cumulative, hamlets=c.hamlet_names),
        lambda s: province.province_tally(s, month, cumulative)[0])
    _write(report, fmt, output, basis, issuer)


@click.command("annual-report", help="Báo cáo năm (gửi trước ngày 10/11): từng tháng, lũy kế trong năm, theo thôn/ấp, "
                                     "diện hộ, nhóm ưu tiên, ra tệp PDF/XLSX/CSV/JSON; với nhiều xã và không có "
                                     "--commune: toàn tỉnh, theo từng xã.")
@click.option("--year", required=True, type=click.IntRange(2000, 2100), metavar="YYYY", help="Năm báo cáo, ví dụ 2026.")
@_FORMAT
@_OUTPUT
@COMMUNE_OPTION
@with_appcontext
def annual_report_command(year: int, fmt: str, output: str, commune_code: str | None) -> None:
    report, basis, issuer = _one_or_province(
        commune_code, lambda s, c: svc.annual_report(s, year, hamlets=c.hamlet_names),
        lambda s: province.province_annual_report(s, year)[0])
    _write(report, fmt, output, basis, issuer)


@click.command("rebuild-state-spans", help="Tính lại bảng trạng thái theo thời gian của hồ sơ (báo cáo tổng hợp đọc "
                                           "bảng này) từ lịch sử chuyển trạng thái; dùng sau khi lịch sử được ghi "
                                           "ngoài ứng dụng.")
@with_appcontext
def rebuild_state_spans_command() -> None:
    session = cli_session()
    try:
        rows = rebuild_state_spans(session)
        session.commit()
    finally:
        session.close()
    click.echo(f"Đã tính lại {format_count(rows)} dòng trạng thái theo thời gian từ lịch sử hồ sơ.")
