"""`flask db revision -m MSG` writes the next numbered migration from what differs between the models
and a database at the newest revision, and writes nothing when nothing differs."""
from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

import subsidy.db
from subsidy import create_app
from subsidy.cli.db import next_revision_id, revision_slug
from subsidy.db import database_revision


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """An app on a fresh SQLite file whose migrations directory is a copy in tmp_path (so the test
    never writes into the repository). Yields (app, url, versions directory, database file)."""
    migrations = tmp_path / "migrations"
    shutil.copytree(subsidy.db.MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(subsidy.db, "MIGRATIONS_DIR", migrations)
    db_file = tmp_path / "scratch.sqlite3"
    url = f"sqlite:///{db_file}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x"})
    yield app, url, migrations / "versions", db_file
    app.extensions["subsidy.engine"].dispose()


def _numbered(versions: Path) -> list[str]:
    return sorted(p.name for p in versions.glob("[0-9][0-9][0-9][0-9]_*.py"))


def test_revision_writes_nothing_at_head_and_the_next_number_for_a_difference(scratch):
    app, url, versions, db_file = scratch
    shipped = _numbered(versions)
    last = shipped[-1][:4]
    following = f"{int(last) + 1:04d}"

    refused = run(app, "db", "revision", "-m", "thử")
    assert refused.exit_code == 1, refused.output
    assert refused.output.startswith("Lỗi: cơ sở dữ liệu còn trống (chưa có bảng nào), chưa ở bản mới nhất")
    assert _numbered(versions) == shipped

    assert run(app, "db", "upgrade").exit_code == 0
    same = run(app, "db", "revision", "-m", "Thêm cột ghi chú")
    assert same.exit_code == 0, same.output
    assert f"Không thấy khác biệt nào giữa các model và cơ sở dữ liệu (bản {last}); chưa viết migration nào" in same.output
    assert _numbered(versions) == shipped

    # The database loses an index the models declare: the next migration puts it back.
    with sqlite3.connect(db_file) as conn:
        conn.execute("DROP INDEX ix_receipts_application_id")
    written = run(app, "db", "revision", "-m", "Sửa chỉ mục thôn/ấp")
    assert written.exit_code == 0, written.output
    name = f"{following}_sua_chi_muc_thon_ap.py"
    assert _numbered(versions) == shipped + [name]
    text = (versions / name).read_text(encoding="utf-8")
    assert text.startswith('"""Sửa chỉ mục thôn/ấp\n')
    assert f"revision = '{following}'" in text and f"down_revision = '{last}'" in text
    assert "with op.batch_alter_table('receipts', schema=None) as batch_op:" in text
    assert "batch_op.create_index(batch_op.f('ix_receipts_application_id'), ['application_id'], unique=False)" in text
    assert f"Đã viết migration {versions / name} (bản {following}, sau bản {last})" in written.output

    assert run(app, "db", "upgrade").exit_code == 0
    assert database_revision(url) == following
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                            "AND name = 'ix_receipts_application_id'").fetchone() == (1,)


def test_empty_revision_is_written_without_comparing(scratch):
    app, _url, versions, _db_file = scratch
    shipped = _numbered(versions)
    following = f"{int(shipped[-1][:4]) + 1:04d}"
    res = run(app, "db", "revision", "--empty", "-m", "Chuyển dữ liệu IMEI")
    assert res.exit_code == 0, res.output
    text = (versions / f"{following}_chuyen_du_lieu_imei.py").read_text(encoding="utf-8")
    assert re.search(r"def upgrade\(\) -> None:\n    pass\n", text)
    assert re.search(r"def downgrade\(\) -> None:\n    pass\n", text)


@pytest.mark.parametrize(("revisions", "expected"), [
    ([], "0001"), (["0001"], "0002"), (["0009", "0001", "0010"], "0011"), (["0001", "ae1027a6acf"], "0002"),
])
def test_next_revision_id(revisions, expected):
    assert next_revision_id(revisions) == expected


@pytest.mark.parametrize(("message", "expected"), [
    ("Thêm cột ghi chú", "them_cot_ghi_chu"),
    ("ĐỔI tên bảng: hộ/ấp", "doi_ten_bang_ho_ap"),
    ("!!!", "migration"),
    ("một hai ba bốn năm sáu bảy tám chín mười mười một", "mot_hai_ba_bon_nam_sau_bay_tam_chin_muoi"),
])
def test_revision_slug(message, expected):
    assert revision_slug(message) == expected
