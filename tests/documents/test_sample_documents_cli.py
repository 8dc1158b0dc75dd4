"""`flask sample-documents`: every document kind written as a PDF someone can open and look at."""
from __future__ import annotations

import io

from pypdf import PdfReader

from subsidy.documents import samples


def test_writes_every_kind_as_a_readable_pdf(app, tmp_path):
    out = tmp_path / "mau" / "van-ban"  # a folder that does not exist yet
    res = app.test_cli_runner().invoke(args=["sample-documents", "--output", str(out)])
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["bien-ban-ban-giao.pdf", "giay-bien-nhan.pdf", "phieu-tiep-nhan.pdf",
                            "danh-sach-de-nghi.pdf", "danh-sach-phe-duyet.pdf", "bao-cao-thang.pdf",
                            "bao-cao-nam.pdf", "bao-cao-tinh.pdf", "thong-bao-thu-ly-khieu-nai.pdf",
                            "quyet-dinh-giai-quyet-khieu-nai.pdf"])
    pages = {p.name: len(PdfReader(io.BytesIO(p.read_bytes())).pages) for p in out.iterdir()}
    assert pages["bien-ban-ban-giao.pdf"] == pages["giay-bien-nhan.pdf"] == pages["phieu-tiep-nhan.pdf"] == 1
    assert pages["thong-bao-thu-ly-khieu-nai.pdf"] == 1 and pages["quyet-dinh-giai-quyet-khieu-nai.pdf"] == 2
    # lists and reports long enough to show the page numbers and the repeated table headers
    assert all(pages[n] >= 3 for n in ("danh-sach-de-nghi.pdf", "danh-sach-phe-duyet.pdf", "bao-cao-nam.pdf"))
    for name, count in pages.items():
        assert f"{out / name} ({count} trang)" in res.output
    text = PdfReader(io.BytesIO((out / "giay-bien-nhan.pdf").read_bytes())).pages[0].extract_text()
    assert "Năm trăm nghìn đồng" in text
    # made through the services from the sample list (66 applicants, the last 6 bought their own phone;
    # 40 phones handed over and the 6 payments in November 2025), not from hand-made data
    assert "Dựng cơ sở dữ liệu tạm từ" in res.output and "ho-ngheo-2025-phu-tan.xlsx" in res.output

    def words(name: str) -> str:
        pages = PdfReader(io.BytesIO((out / name).read_bytes())).pages
        return " ".join(" ".join(p.extract_text().split()) for p in pages)

    listed = words("danh-sach-phe-duyet.pdf")
    assert "Tổng cộng: 66 hộ (" in listed and "; 6 hộ nhận tiền)" in listed
    assert "(Kèm theo Quyết định số 25/QĐ-UBND ngày 24/10/2025" in listed
    assert "Nguyễn Thị Thu Hà" in words("danh-sach-de-nghi.pdf")  # the clerk who drew it up, by full name
    month = words("bao-cao-thang.pdf")
    assert "tháng 11/2025" in month and "Tổng cộng 0 0 0 0 0 40 0 6 0 3.000.000 0 46 0" in month
    assert "Nguyễn Thị Thu Hà" in words("bien-ban-ban-giao.pdf") and "IN LẠI" not in words("bien-ban-ban-giao.pdf")


def test_an_output_that_is_a_file_is_refused_in_vietnamese(app, tmp_path):
    blocker = tmp_path / "tep"
    blocker.write_text("x")
    res = app.test_cli_runner().invoke(args=["sample-documents", "--output", str(blocker)])
    assert res.exit_code != 0
    assert "Lỗi: không ghi được" in res.output and "Traceback" not in res.output


def test_the_samples_import_no_database_or_web_layer():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(samples))
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert all(m.startswith(("subsidy.domain", "subsidy.documents", "__future__", "datetime", "collections"))
               for m in modules), modules


def test_a_folder_that_holds_files_is_refused_unless_overwrite(app, tmp_path):
    out = tmp_path / "cua-toi"
    out.mkdir()
    (out / "ghi-chu.txt").write_text("của người khác")
    (out / "bien-ban-ban-giao-dai-toi-da.pdf").write_bytes(b"cu")
    runner = app.test_cli_runner()
    res = runner.invoke(args=["sample-documents", "--output", str(out), "--long"])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert res.output.strip() == (f"Lỗi: thư mục «{out}» đã có 2 tệp/thư mục; không ghi đè. Chọn một thư mục "
                                  "trống hoặc chưa có, hoặc thêm --overwrite để ghi vào đó (các tệp cùng tên bị ghi đè).")
    assert (out / "bien-ban-ban-giao-dai-toi-da.pdf").read_bytes() == b"cu"
    res = runner.invoke(args=["sample-documents", "--output", str(out), "--long", "--overwrite"])
    assert res.exit_code == 0, res.output
    assert (out / "bien-ban-ban-giao-dai-toi-da.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "ghi-chu.txt").read_text() == "của người khác"
    empty = tmp_path / "trong"
    empty.mkdir()
    assert runner.invoke(args=["sample-documents", "--output", str(empty), "--long"]).exit_code == 0
