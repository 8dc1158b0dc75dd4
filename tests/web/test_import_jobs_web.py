"""The web import as background jobs: the upload answers at once and the preview is read by a job
whose progress (rows read / rows declared) any web worker sees; the confirmation is a second job
ending with the summary; a refused file (XML guard, reading time) or a failure while writing says
why in Vietnamese and leaves nothing half-written."""
from __future__ import annotations

import csv
import html
import io
import threading
import time
import zipfile

import pytest
from sqlalchemy import func, select

from subsidy import create_app
from subsidy.jobs import queue, tasks
from subsidy.models import Household, Job
from subsidy.services import import_job, importer
from subsidy.services import jobs as jobs_svc
from tests import list_files
from tests.conftest import login


@pytest.fixture
def import_dir(app, tmp_path):
    app.config["IMPORT_DIR"] = str(tmp_path / "imports")
    return tmp_path / "imports"


def text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def upload(client, data: bytes, name: str, **fields):
    return client.post("/nhap-danh-sach/", data={"file": (io.BytesIO(data), name), **fields},
                       content_type="multipart/form-data")


def households_csv(n: int) -> bytes:
    """A one-row-per-household CSV of ``n`` generated households (header + n lines)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(list_files.HOUSEHOLD_HEADER)
    w.writerows(list_files.household_rows(list_files.make_households(n, members=(0, 0))))
    return buf.getvalue().encode("utf-8")


def count(app) -> int:
    s = app.extensions["subsidy.sessionmaker"]()
    try:
        return s.scalar(select(func.count()).select_from(Household))
    finally:
        s.close()


def with_comment(xlsx: bytes) -> bytes:
    """``xlsx`` with an XML comment in its sheet (no spreadsheet program writes one)."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<!-- " + b"x" * 1000 + b" --><sheetData>", 1)
            dst.writestr(info, data)
    return out.getvalue()


def test_progress_of_a_preview_is_seen_from_another_app(app, make_user, tmp_path):
    """The job runs in one app (the worker) while a second app with its own engine (another web
    worker) reads its progress from the database: rows read grow, then the preview is there."""
    n = 4000
    data = households_csv(n)
    clerk = make_user("clerk", "clerk")
    folder = tmp_path / "imports" / ("t" * 24)
    folder.mkdir(parents=True)
    (folder / import_job.UPLOAD).write_bytes(data)
    s = app.extensions["subsidy.sessionmaker"]()
    job = jobs_svc.create_job(s, "import_preview", {"folder": str(folder), "token": "t" * 24}, 0, clerk)
    import_job.write_json(folder / import_job.META, {"filename": "ds-2025.csv", "year": None, "user_id": clerk.id,
                                                     "commune_id": clerk.commune_id, "created": time.time(),
                                                     "job_id": job.id})
    s.commit()
    job_id = job.id
    s.close()

    other = create_app({**app.config, "IMPORT_DIR": str(tmp_path / "imports")})  # binds itself as the jobs' app
    queue.bind_app(app)  # the worker's app is the first one
    try:
        poller = other.test_client()
        login(poller, "clerk")
        worker = threading.Thread(target=tasks.run, args=(job_id,))
        worker.start()
        seen = []
        while worker.is_alive():
            p = poller.get(f"/cong-viec/{job_id}.json").get_json()
            seen.append((p["status"], p["done"], p["total"]))
            time.sleep(0.005)
        worker.join()
        final = poller.get(f"/cong-viec/{job_id}.json").get_json()
        page = text(poller.get(f"/nhap-danh-sach/{'t' * 24}"))
    finally:
        other.extensions["subsidy.engine"].dispose()
        queue.bind_app(app)
    partial = [(d, t) for st, d, t in seen if st == "running" and 0 < d < n]
    assert partial, f"no partial progress seen from the other app: {seen[:3]}…{seen[-3:]}"
    assert all(t >= n + 1 for _d, t in partial)  # the file's lines: header + n rows (+ the end)
    assert [d for d, _t in partial] == sorted(d for d, _t in partial)
    # Once read, the job counts the rows the preview lists (n households), as its «Tất cả» does.
    assert (final["status"], final["done"], final["total"]) == ("done", n, n)
    assert f"Tất cả <b>{n:,}</b>".replace(",", ".") in page
    assert final["summary"]["counts"]["new"] == n
    assert f"Thêm mới <b>{n:,}</b>".replace(",", ".") in page
    assert count(app) == 0


def test_a_preview_still_reading_shows_its_progress(app, client, login_as, import_dir):
    user = login_as("clerk")
    folder = import_dir / ("r" * 24)
    folder.mkdir(parents=True)
    (folder / import_job.UPLOAD).write_bytes(b"x")
    s = app.extensions["subsidy.sessionmaker"]()
    job = jobs_svc.create_job(s, "import_preview", {"folder": str(folder), "token": "r" * 24}, 0, user)
    jobs_svc.mark_running(job)
    job.total, job.done, job.summary = 2500, 1000, {"rows_known": True}
    import_job.write_json(folder / import_job.META, {"filename": "ds.xlsx", "user_id": user.id,
                                                     "created": time.time(), "job_id": job.id})
    s.commit()
    s.close()
    page = text(client.get("/nhap-danh-sach/" + "r" * 24))
    assert "Đang đọc danh sách" in page and "<b>Đang chạy:</b> 1.000/2.500 dòng đã đọc" in page
    assert 'http-equiv="refresh" content="2"' in page and 'value="1000"' in page


def test_a_file_refused_by_the_xml_guard_says_why_and_keeps_nothing(app, client, login_as, import_dir):
    login_as("clerk")
    bad = with_comment(list_files.household_xlsx(list_files.make_households(5)))
    resp = upload(client, bad, "ds-2025.xlsx")
    assert resp.status_code == 302
    token = resp.headers["Location"].rsplit("/", 1)[1]
    page = client.get(resp.headers["Location"])
    assert page.status_code == 422
    body = text(page)
    assert "Không đọc được danh sách" in body and "Dừng giữa chừng" in body
    assert "có nội dung mà Excel không tạo ra" in body and "lưu lại dạng «Excel Workbook (.xlsx)»" in body
    assert 'http-equiv="refresh"' not in body
    assert not (import_dir / token / import_job.UPLOAD).exists()  # the refused file is not kept
    assert count(app) == 0


def test_a_file_over_the_reading_time_is_refused(app, client, login_as, import_dir):
    login_as("clerk")
    # Rounded down to 0 seconds: the first time check (at row 1000) is already over.
    app.config["IMPORT_MAX_SECONDS"] = 1e-9
    resp = upload(client, households_csv(1200), "ds-2025.csv")
    page = client.get(resp.headers["Location"])
    assert page.status_code == 422
    assert "quá 0 giây (mới đến dòng 1.000) nên dừng lại" in text(page)
    s = app.extensions["subsidy.sessionmaker"]()
    job = s.scalars(select(Job)).one()
    assert (job.kind, job.status, job.done, job.total) == ("import_preview", "failed", 0, 0)
    s.close()


def test_a_commit_failing_while_writing_writes_nothing_and_can_be_confirmed_again(app, client, login_as,
                                                                                  import_dir, monkeypatch):
    login_as("clerk")
    resp = upload(client, households_csv(30), "ds-2025.csv")
    token = resp.headers["Location"].rsplit("/", 1)[1]
    assert "Thêm mới <b>30</b>" in text(client.get(resp.headers["Location"]))
    real = importer.write_import

    def write_then_fail(session, plan, actor):
        real(session, plan, actor)  # every row flushed to the database …
        session.flush()
        raise RuntimeError("disk full")  # … then the job stops before its commit

    monkeypatch.setattr(importer, "write_import", write_then_fail)
    job_url = client.post(f"/nhap-danh-sach/{token}/xac-nhan", data={}).headers["Location"]
    page = text(client.get(job_url))
    assert "Dừng giữa chừng" in page and "chưa ghi gì vào sổ hộ" in page
    assert count(app) == 0
    assert (import_dir / token / import_job.UPLOAD).is_file()  # the upload is back under its token

    monkeypatch.setattr(importer, "write_import", real)
    job_url = client.post(f"/nhap-danh-sach/{token}/xac-nhan", data={}).headers["Location"]
    page = text(client.get(job_url))
    assert "Đã nhập danh sách năm 2025 («ds-2025.csv»): thêm 30 hộ, cập nhật 0 hộ." in page
    assert "<b>Đã xong:</b> 30/30 dòng" in page
    assert count(app) == 30
    assert client.get(job_url + ".json").get_json()["summary"]["counts"]["new"] == 30


def test_a_text_file_that_is_no_list_is_refused_at_upload(app, client, login_as, import_dir):
    """A .txt (or .csv) without a table header among its first rows is told at once, in Vietnamese,
    with the message the preview would give; no job, no folder."""
    login_as("clerk")
    notes = "Biên bản họp thôn Phú Hòa\nNgày 12/3: bàn việc sửa đường, đóng góp quỹ khuyến học.\n".encode("utf-8")
    resp = upload(client, notes, "ghi-chu.txt")
    assert resp.status_code == 422
    body = text(resp)
    assert "tiêu đề" in body and "Mã hộ" in body
    assert not any(import_dir.glob("*")) if import_dir.exists() else True
    s = app.extensions["subsidy.sessionmaker"]()
    assert s.scalar(select(func.count()).select_from(Job)) == 0
    s.close()
    assert "không có dữ liệu nào" in text(upload(client, b"\n\n ; ;\n", "trong.txt"))
    # A list kept as .txt is accepted as before: its preview job reads it.
    assert upload(client, households_csv(3), "ds-2025.txt").status_code == 302
