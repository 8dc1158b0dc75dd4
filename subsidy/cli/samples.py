"""`flask --app app sample-documents --output DIR [--long]`: every document kind written as a PDF
from the sample data of subsidy.documents.samples (no database), through the renderers the app
uses, so that anyone can look at them: ordinary lengths, or with ``--long`` every text field at the
longest its form accepts."""
from __future__ import annotations

from pathlib import Path

import click

from subsidy.cli.common import fail
from subsidy.documents import samples
from subsidy.documents.receipt import page_count
from subsidy.domain.readable_errors import explain_os_error


@click.command("sample-documents", help="Ghi mẫu mọi loại văn bản (biên bản bàn giao, giấy biên nhận, phiếu tiếp "
                                        "nhận, danh sách đề nghị, danh sách phê duyệt, báo cáo tháng, báo cáo năm, "
                                        "thông báo thụ lý và quyết định giải quyết khiếu nại) "
                                        "ra thư mục, từ dữ liệu mẫu (không dùng cơ sở dữ liệu).")
@click.option("--output", required=True, metavar="DIR", help="Thư mục sẽ ghi (tạo nếu chưa có; ghi đè tệp cùng tên).")
@click.option("--long", "long_", is_flag=True, help="Mọi ô chữ dài tối đa mà biểu mẫu cho phép.")
def sample_documents_cmd(output: str, long_: bool) -> None:
    out = Path(output)
    suffix = "-dai-toi-da" if long_ else ""
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, render in samples.KINDS.items():
            data = render(long_)
            path = out / f"{name}{suffix}.pdf"
            path.write_bytes(data)
            click.echo(f"{path} ({page_count(data)} trang)")
    except OSError as err:
        fail(explain_os_error(err, writing=True))
