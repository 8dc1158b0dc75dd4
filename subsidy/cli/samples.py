"""`flask --app app sample-documents --output DIR [--long]`: every document kind written as a PDF, so
that anyone can look at them. By default through the app itself (subsidy.cli.sample_database): a
throwaway database built from the sample list by the services, and each document rendered from it as
the pages render it. ``--long`` writes them instead from the sample dataclasses of
subsidy.documents.samples with every text field at the longest its form accepts (values the sample
list does not hold)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import click

from subsidy.cli.common import fail
from subsidy.documents import samples
from subsidy.documents.receipt import page_count
from subsidy.domain.readable_errors import explain_os_error


@click.command("sample-documents", help="Ghi mẫu mọi loại văn bản (biên bản bàn giao, giấy biên nhận, phiếu tiếp "
                                        "nhận, danh sách đề nghị, danh sách phê duyệt, báo cáo tháng, báo cáo năm, "
                                        "thông báo thụ lý và quyết định giải quyết khiếu nại) ra thư mục: dựng một "
                                        "cơ sở dữ liệu tạm từ danh sách mẫu qua đúng các nghiệp vụ của ứng dụng rồi "
                                        "in từ đó.")
@click.option("--output", required=True, metavar="DIR",
              help="Thư mục sẽ ghi (tạo nếu chưa có). Thư mục đã có tệp bị từ chối, trừ khi thêm --overwrite.")
@click.option("--overwrite", is_flag=True, help="Ghi vào thư mục đã có tệp, ghi đè các tệp cùng tên.")
@click.option("--long", "long_", is_flag=True, help="Mọi ô chữ dài tối đa mà biểu mẫu cho phép (dữ liệu mẫu dựng "
                                                    "sẵn, không qua cơ sở dữ liệu).")
def sample_documents_cmd(output: str, long_: bool, overwrite: bool) -> None:
    from subsidy.cli import sample_database

    out = Path(output)
    suffix = "-dai-toi-da" if long_ else ""
    # Checked before the slow build: a folder that already holds files is someone's work.
    if out.is_dir() and not overwrite:
        try:
            held = sum(1 for _ in out.iterdir())
        except OSError as err:
            fail(explain_os_error(err, writing=True))
        if held:
            fail(f"thư mục «{out}» đã có {held} tệp/thư mục; không ghi đè. Chọn một thư mục trống hoặc chưa có, "
                 "hoặc thêm --overwrite để ghi vào đó (các tệp cùng tên bị ghi đè).")
    try:
        out.mkdir(parents=True, exist_ok=True)
        if long_:
            documents = {name: render(True) for name, render in samples.KINDS.items()}
        else:
            try:
                source = sample_database.sample_list()
            except FileNotFoundError as err:
                fail(f"không thấy danh sách mẫu (đã tìm: {err}).")
            click.echo(f"Dựng cơ sở dữ liệu tạm từ {source}…")
            with tempfile.TemporaryDirectory(prefix="mau-van-ban-") as tmp:
                documents = sample_database.build(Path(tmp), source)
        for name, data in documents.items():
            path = out / f"{name}{suffix}.pdf"
            path.write_bytes(data)
            click.echo(f"{path} ({page_count(data)} trang)")
    except OSError as err:
        fail(explain_os_error(err, writing=True))
