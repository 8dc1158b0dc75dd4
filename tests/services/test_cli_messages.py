"""CLI commands say in Vietnamese what is wrong with a FILE (never Python's "No such file or
directory"), and `flask db upgrade` says which revision it upgraded from and to."""
from __future__ import annotations

import pytest

from subsidy import create_app

ENGLISH = ("No such file", "Errno", "does not exist", "Is a directory", "Permission denied", "Traceback")


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def _one_vietnamese_line(res) -> str:
    assert res.exit_code == 1, res.output
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1, res.output
    assert not any(word in res.output for word in ENGLISH), res.output
    assert lines[0].startswith("Lỗi: ")
    return lines[0]


def _newest_migration_file() -> str:
    """The revision id of the highest-numbered file in migrations/versions ("0002_….py" → "0002"):
    read from the folder, not from Alembic, so the test follows each new migration on its own."""
    from pathlib import Path

    versions = Path(__file__).resolve().parents[2] / "migrations" / "versions"
    return max(p.name.split("_", 1)[0] for p in versions.glob("[0-9][0-9][0-9][0-9]_*.py"))


def test_db_upgrade_prints_revisions_before_and_after(tmp_path):
    from subsidy.db import database_revision

    head = _newest_migration_file()
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x"})
    try:
        assert database_revision(url) is None
        res = run(app, "db", "upgrade")
        assert res.exit_code == 0, res.output
        assert res.output.strip() == f"Đã nâng cấp cơ sở dữ liệu từ trống (chưa có bảng nào) lên bản {head} (bản mới nhất)."
        assert database_revision(url) == head
        res = run(app, "db", "upgrade")
        assert res.exit_code == 0, res.output
        assert res.output.strip() == f"Cơ sở dữ liệu đã ở bản mới nhất (bản {head}); không có gì để nâng cấp."
    finally:
        app.extensions["subsidy.engine"].dispose()


def test_load_rulesets_missing_file_and_directory(app, tmp_path):
    line = _one_vietnamese_line(run(app, "load-rulesets", "--file", str(tmp_path / "moi.json")))
    assert line == (f"Lỗi: không đọc được tệp «{tmp_path / 'moi.json'}»: không tìm thấy tệp hoặc thư mục này — kiểm tra lại "
                    "tên tệp và đường dẫn thư mục.")
    line = _one_vietnamese_line(run(app, "load-rulesets", "--file", str(tmp_path)))
    assert "đây là một thư mục, không phải tệp" in line


def test_load_rulesets_bad_json_says_where(app, tmp_path):
    bad = tmp_path / "moi.json"
    bad.write_text('{\n  "id": "tt99",\n  "version": ,\n}', "utf-8")
    line = _one_vietnamese_line(run(app, "load-rulesets", "--file", str(bad)))
    assert "dòng 3, cột 14" in line and "thiếu giá trị" in line


def test_tally_output_in_missing_folder(app, tmp_path):
    out = tmp_path / "khong-co" / "bao-cao.csv"
    line = _one_vietnamese_line(run(app, "tally", "--month", "2026-03", "--format", "csv", "--output", str(out)))
    assert line == (f"Lỗi: không ghi được tệp «{out}»: không tìm thấy tệp hoặc thư mục này — kiểm tra lại tên tệp và "
                    "đường dẫn thư mục.")
    line = _one_vietnamese_line(run(app, "annual-report", "--year", "2026", "--format", "json", "--output",
                                    str(tmp_path)))
    assert "đây là một thư mục, không phải tệp" in line


@pytest.mark.parametrize("args", [
    ("import-households", "{missing}"),
    ("import-households", "{dir}"),
    ("export-households", "--output", "{missing_dir_file}"),
    ("export-households", "--output", "{dir}"),
])
def test_household_commands_file_errors(app, tmp_path, args):
    values = {"missing": str(tmp_path / "ds.xlsx"), "dir": str(tmp_path),
              "missing_dir_file": str(tmp_path / "khong-co" / "ho.csv")}
    _one_vietnamese_line(run(app, *[a.format(**values) for a in args]))
