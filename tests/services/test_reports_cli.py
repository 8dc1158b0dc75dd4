"""`flask tally` and `flask annual-report`: files written from the same service and renderers."""
from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.tally_history import build_history


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def seed(app):
    sess = app.extensions["subsidy.sessionmaker"]()
    build_history(sess)
    sess.commit()
    sess.close()


def test_tally_json_and_cumulative(app, tmp_path):
    seed(app)
    out = tmp_path / "t.json"
    res = run(app, "tally", "--month", "2026-03", "--format", "json", "--output", str(out))
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text("utf-8"))
    assert d["kind"] == "month" and d["totals"]["supported"] == 2 and d["totals"]["amount_paid"] == 500_000
    res = run(app, "tally", "--month", "2026-03", "--cumulative", "--format", "json", "--output", str(out))
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text("utf-8"))
    assert d["kind"] == "cumulative" and d["totals"]["received"] == 8 and d["quota"]["left"] == 3


def test_tally_pdf_csv_and_annual_xlsx(app, tmp_path):
    seed(app)
    pdf, csv_path, xlsx = tmp_path / "t.pdf", tmp_path / "t.csv", tmp_path / "n.xlsx"
    assert run(app, "tally", "--month", "2026-02", "--format", "pdf", "--output", str(pdf)).exit_code == 0
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(pdf)).pages)
    assert "Tổng cộng 3 2 0 2 3 2 0 1 0 500.000 0 3 1" in text  # February, hand-checked
    assert run(app, "tally", "--month", "2026-02", "--format", "csv", "--output", str(csv_path)).exit_code == 0
    rows = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig"))))
    assert ["Tổng cộng", "3", "2", "0", "2", "3", "2", "0", "1", "0", "500000", "0", "3", "1"] in rows
    res = run(app, "annual-report", "--year", "2026", "--format", "xlsx", "--output", str(xlsx))
    assert res.exit_code == 0, res.output
    ws = load_workbook(xlsx)["Theo tháng"]
    assert [c.value for c in ws[6]] == ["Tháng 01/2026", 4, 3, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1]


def test_failures_exit_non_zero_with_one_line(app, tmp_path):
    res = run(app, "tally", "--month", "2026-13", "--format", "csv", "--output", str(tmp_path / "x.csv"))
    assert res.exit_code == 1 and "tháng phải từ 1 đến 12" in res.output
    res = run(app, "tally", "--month", "2099-01", "--format", "csv", "--output", str(tmp_path / "x.csv"))
    assert res.exit_code == 1 and "chưa bắt đầu" in res.output
    res = run(app, "annual-report", "--year", "2026", "--format", "doc", "--output", str(tmp_path / "x"))
    assert res.exit_code == 2
    res = run(app, "tally", "--month", "2026-03", "--format", "csv", "--output", str(tmp_path / "no" / "x.csv"))
    assert res.exit_code == 1 and "không ghi được tệp" in res.output
    assert not (tmp_path / "x.csv").exists()
