"""The admin's backup page: a backup made now as a background job (run at once in the tests), kept
in BACKUP_DIR with its manifest beside it, listed with its date, version, migration and rows,
downloaded still encrypted (and restorable with the key), every step audited; admins only, and a
name from the URL never reaches outside the folder."""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select, text

from subsidy.models import AuditEntry, Job
from subsidy.services.backup.archive import MAGIC, load_key
from subsidy.services.backup.databases import count_rows
from subsidy.services.backup.service import read_manifest
from tests import factories
from tests.conftest import login


def _setup(app, tmp_path: Path) -> Path:
    app.config["BACKUP_DIR"] = str(tmp_path / "backups")
    app.config["BACKUP_KEY_FILE"] = str(tmp_path / "keys" / "backup.key")
    s = app.extensions["subsidy.sessionmaker"]()
    for i in range(3):
        factories.household(s, head_name=f"Phan Văn {i}", citizen_id=f"08207000030{i}")
    s.commit()
    s.close()
    return tmp_path / "backups"


def test_backup_now_list_download_and_audit(app, client, login_as, tmp_path):
    folder = _setup(app, tmp_path)
    admin = login_as("admin")
    page = client.get("/quan-tri/sao-luu/").get_data(as_text=True)
    assert "Chưa có bản sao lưu nào" in page and "Chưa có khóa sao lưu" in page and "flask --app app restore" in page
    assert 'data-confirm="Sao lưu toàn bộ dữ liệu ngay bây giờ?"' in page

    with app.extensions["subsidy.engine"].connect() as conn:
        before = count_rows(conn)
    resp = client.post("/quan-tri/sao-luu/tao")
    assert resp.status_code == 302 and re.search(r"/cong-viec/\d+$", resp.headers["Location"])
    job_page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Đã sao lưu" in job_page and "đã tạo khóa sao lưu mới" in job_page

    [archive] = folder.glob("vtci-*.vtcibak")
    assert archive.read_bytes().startswith(MAGIC) and (folder / (archive.name + ".json")).exists()
    work = tmp_path / "work"
    work.mkdir()
    manifest, zf = read_manifest(archive, load_key(tmp_path / "keys" / "backup.key"), work)
    zf.close()
    # The copy holds what the database held when the backup started: the job row and the audit
    # entry of its start were written before it (the job's own outcome comes after).
    assert manifest["tables"]["households"] == before["households"] == 3
    assert manifest["tables"]["jobs"] == before["jobs"] + 1
    rows = sum(manifest["tables"].values())

    listing = client.get("/quan-tri/sao-luu/").get_data(as_text=True)
    assert archive.name in listing and f"{len(manifest['tables'])} bảng" in listing
    assert f"{rows:,} dòng".replace(",", ".") in listing and manifest["revision"] in listing
    assert "Chưa có khóa sao lưu" not in listing

    got = client.get(f"/quan-tri/sao-luu/{archive.name}")
    assert got.status_code == 200 and got.data == archive.read_bytes()
    assert got.headers["Cache-Control"] == "no-store"

    s = app.extensions["subsidy.sessionmaker"]()
    log = s.execute(select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.changes, AuditEntry.note)
                    .where(AuditEntry.action.in_(["job.create", "backup.create", "backup.download"]))
                    .order_by(AuditEntry.id)).all()
    [job] = s.scalars(select(Job)).all()
    s.close()
    assert [(a, who) for a, who, _c, _n in log] == [("job.create", admin.id), ("backup.create", admin.id),
                                                    ("backup.download", admin.id)]
    assert log[1][2] == {"file": archive.name, "size": archive.stat().st_size, "rows": rows}
    assert log[2][3] == archive.name
    assert (job.kind, job.status, job.done, job.total) == ("backup", "done", 1, 1)


def test_only_admins_and_only_backup_names(app, client, login_as, make_user, tmp_path):
    folder = _setup(app, tmp_path)
    folder.mkdir()
    (folder / "vtci-20260101-020000.vtcibak").write_bytes(b"x")
    (tmp_path / "secret.vtcibak").write_bytes(b"secret")
    login_as("clerk")
    assert client.get("/quan-tri/sao-luu/").status_code == 403
    assert client.post("/quan-tri/sao-luu/tao").status_code == 403
    assert client.get("/quan-tri/sao-luu/vtci-20260101-020000.vtcibak").status_code == 403
    make_user("admin", "admin")
    admin = app.test_client()
    login(admin, "admin")
    listing = admin.get("/quan-tri/sao-luu/").get_data(as_text=True)
    assert "vtci-20260101-020000.vtcibak" in listing and "không có tệp mô tả" in listing
    for bad in ("..%2Fsecret.vtcibak", "secret.vtcibak", "vtci-2026.vtcibak", "vtci-20260101-020000.vtcibak.json"):
        assert admin.get(f"/quan-tri/sao-luu/{bad}").status_code == 404, bad
    assert admin.get("/quan-tri/sao-luu/vtci-20260101-020000.vtcibak").data == b"x"


def test_a_failed_backup_says_why(app, client, login_as, tmp_path):
    _setup(app, tmp_path)
    key = tmp_path / "keys" / "backup.key"
    key.parent.mkdir(parents=True)
    key.write_text("not a key\n")
    login_as("admin")
    resp = client.post("/quan-tri/sao-luu/tao")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Dừng giữa chừng" in page and "không phải khóa sao lưu" in page
    assert not list((tmp_path / "backups").glob("*"))
