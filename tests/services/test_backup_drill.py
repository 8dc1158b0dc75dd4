"""The restore drill on the test database (SQLite, or PostgreSQL under TEST_DATABASE_URL): data
in, `flask backup`, restore into an empty database, the same export byte for byte and the same
tally; an altered, truncated or foreign archive, a wrong key, a newer migration and a non-empty
target are refused and change nothing."""
from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from subsidy import create_app
from subsidy.db import make_engine
from subsidy.services.backup import archive
from subsidy.services.backup.databases import rows_present
from tests.tally_history import build_history


@pytest.fixture
def target_url(database_url: str, tmp_path: Path):
    """An empty database beside the test database: a new SQLite file, or a new PostgreSQL database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    base = make_url(database_url)
    name = f"{base.database}_restore"
    admin = make_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _outputs(app, tmp_path: Path, tag: str) -> tuple[bytes, dict, dict]:
    runner = app.test_cli_runner()
    csv_path, tally_path, year_path = (tmp_path / f"{tag}.csv", tmp_path / f"{tag}-tally.json",
                                       tmp_path / f"{tag}-year.json")
    for args in (["export-households", "--include-archived", "--output", str(csv_path)],
                 ["tally", "--month", "2026-03", "--cumulative", "--format", "json", "--output", str(tally_path)],
                 ["annual-report", "--year", "2026", "--format", "json", "--output", str(year_path)]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    reports = []
    for path in (tally_path, year_path):
        report = json.loads(path.read_bytes())
        # The one field that says when, not what.
        assert report.pop("generated_at") and report.get("year_tally", {}).pop("generated_at", True)
        reports.append(report)
    return csv_path.read_bytes(), *reports


def _configure(app, tmp_path: Path) -> None:
    app.config["BACKUP_KEY_FILE"] = str(tmp_path / "keys" / "backup.key")
    app.config["SECRET_KEY_FILE"] = str(tmp_path / "instance-a" / "secret_key")


def _target_app(app_config: dict, url: str, tmp_path: Path, key_file: Path):
    target = create_app(dict(app_config, DATABASE_URL=url, SECRET_KEY="another-secret"))
    target.config["BACKUP_KEY_FILE"] = str(key_file)
    target.config["SECRET_KEY_FILE"] = str(tmp_path / "instance-b" / "secret_key")
    return target


def test_restore_drill_same_export_and_tally(app, app_config, tmp_path, target_url):
    sess = app.extensions["subsidy.sessionmaker"]()
    build_history(sess)
    sess.commit()
    sess.close()
    _configure(app, tmp_path)
    before = _outputs(app, tmp_path, "before")
    assert before[0].count(b"\n") == 10  # header + 9 households of the history

    out = tmp_path / "backups" / "b1.vtcibak"
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "Đã tạo khóa sao lưu mới" in result.output and "Đã sao lưu vào" in result.output
    raw = out.read_bytes()
    # the counts with dot separators, the sentence's own commas kept
    digits, groups = str(len(raw)), []
    while digits:
        digits, groups = digits[:-3], [digits[-3:], *groups]
    assert f"({'.'.join(groups)} byte, mã hóa): " in result.output
    assert re.search(r"\): \d+ bảng, (\d{1,3}(\.\d{3})*) dòng, migration \w+, phiên bản ", result.output)
    assert raw.startswith(b"VTCIBAK1") and "Nguyễn Văn An".encode() not in raw  # encrypted

    key_file = Path(app.config["BACKUP_KEY_FILE"])
    target = _target_app(app_config, target_url, tmp_path, key_file)
    restored = target.test_cli_runner().invoke(args=["restore", str(out)])
    assert restored.exit_code == 0, restored.output
    assert "số dòng từng bảng khớp" in restored.output
    assert (tmp_path / "instance-b" / "secret_key").read_text() == "test-secret"
    assert _outputs(target, tmp_path, "after") == before

    # Restoring again into the now full database is refused and changes nothing.
    counts = rows_present(target_url)
    again = target.test_cli_runner().invoke(args=["restore", str(out)])
    assert again.exit_code == 1 and "đang có dữ liệu" in again.output and "applications: 8" in again.output
    assert rows_present(target_url) == counts
    target.extensions["subsidy.engine"].dispose()


def _reseal(key: bytes, src: Path, dst: Path, edit) -> None:
    """Decrypt ``src``, let ``edit(manifest)`` change its manifest, encrypt into ``dst`` with ``key``."""
    plain = io.BytesIO()
    with src.open("rb") as fh:
        archive.decrypt_stream(key, fh, plain, src.name)
    zin = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "manifest.json":
                manifest = json.loads(data)
                edit(manifest)
                data = json.dumps(manifest).encode()
            zout.writestr(name, data)
    with dst.open("wb") as fh:
        archive.encrypt_stream(key, io.BytesIO(out.getvalue()), fh)


def test_bad_archives_are_refused_and_change_nothing(app, app_config, tmp_path, target_url, make_user):
    make_user("canbo", "clerk")
    _configure(app, tmp_path)
    good = tmp_path / "good.vtcibak"
    assert app.test_cli_runner().invoke(args=["backup", "--output", str(good)]).exit_code == 0
    key_file = Path(app.config["BACKUP_KEY_FILE"])
    key = archive.load_key(key_file)
    raw = good.read_bytes()

    cases: dict[str, tuple[Path, str]] = {}

    def case(name: str, data: bytes | None, expected: str) -> None:
        path = tmp_path / f"{name}.vtcibak"
        if data is not None:
            path.write_bytes(data)
        cases[name] = (path, expected)

    flipped = bytearray(raw)
    flipped[len(raw) // 2] ^= 0x01
    case("altered", bytes(flipped), "bị hỏng")
    case("truncated", raw[: len(raw) - 100], "cắt cụt")
    case("cut-at-chunk", raw[:24 + 4], "cắt cụt")
    case("not-a-backup", b"PK\x03\x04 hello", "không phải bản sao lưu")
    case("empty", b"", "không phải bản sao lưu")
    case("extra", raw + b"x", "dữ liệu lạ")
    _reseal(key, good, tmp_path / "newer.vtcibak", lambda m: m.update(revision="9999_from_the_future"))
    case("newer", None, "phiên bản mới hơn")
    _reseal(key, good, tmp_path / "checksum.vtcibak", lambda m: m.update(database_sha256="0" * 64))
    case("checksum", None, "mã kiểm tra")

    target = _target_app(app_config, target_url, tmp_path, key_file)
    runner = target.test_cli_runner()
    for name, (path, expected) in cases.items():
        result = runner.invoke(args=["restore", str(path)])
        assert result.exit_code == 1, (name, result.output)
        assert expected in result.output, (name, result.output)
        assert result.output.count("\n") == 1, (name, result.output)  # one line
    other_key = tmp_path / "other.key"
    archive.create_key(other_key)
    target.config["BACKUP_KEY_FILE"] = str(other_key)
    wrong = runner.invoke(args=["restore", str(good)])
    assert wrong.exit_code == 1 and "khóa khác" in wrong.output
    target.config["BACKUP_KEY_FILE"] = str(tmp_path / "missing.key")
    missing = runner.invoke(args=["restore", str(good)])
    assert missing.exit_code == 1 and "không có khóa sao lưu" in missing.output
    assert not (tmp_path / "missing.key").exists()
    # Nothing was written anywhere: the target still holds no data, no secret key was put back.
    assert rows_present(target_url) == {}
    assert not (tmp_path / "instance-b" / "secret_key").exists()
    # And the good archive still restores.
    target.config["BACKUP_KEY_FILE"] = str(key_file)
    assert runner.invoke(args=["restore", str(good)]).exit_code == 0
    assert rows_present(target_url)["users"] == 1
    target.extensions["subsidy.engine"].dispose()


def test_backup_into_a_folder_keeps_the_newest(app, tmp_path):
    _configure(app, tmp_path)
    folder = tmp_path / "rotation"
    folder.mkdir()
    for old in ("vtci-20240101-000000.vtcibak", "vtci-20240102-000000.vtcibak", "notes.txt"):
        (folder / old).write_text("x")
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(folder), "--keep", "2"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    # The new backup comes with its manifest copy (the admin page lists it without decrypting).
    assert len(names) == 4 and names[0] == "notes.txt" and names[1] == "vtci-20240102-000000.vtcibak"
    assert names[2].startswith("vtci-20") and names[2].endswith(".vtcibak") and names[3] == names[2] + ".json"
    assert "Đã xóa bản sao lưu cũ" in result.output

