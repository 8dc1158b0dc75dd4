"""The app as `make run` serves it, for the end-to-end tests that need the job worker: gunicorn and
`huey_consumer jobs_worker.huey` as two processes on a temporary SQLite database and job queue;
and the browser helpers those tests share (sign in with dialogs accepted, a page's text, a PDF
opened in a new tab)."""
from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest
from pypdf import PdfReader

from subsidy import create_app
from subsidy.db import upgrade_database
from subsidy.services import rulesets, users

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "Trau-cau-ruong-2026"
#: username: (role, full name)
ACCOUNTS = {"canbo": ("clerk", "Lê Thu Hà"), "lanhdao": ("approver", "Võ Minh Duyệt"),
            "daitruyenthanh": ("radio", "Đài Phú Tân")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app as `make run` serves it: gunicorn and the job worker on a temporary SQLite
    database and job queue; the accounts made as an admin would."""
    tmp = tmp_path_factory.mktemp("day")
    url = f"sqlite:///{tmp / 'day.sqlite3'}"
    upgrade_database(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "e2e-day", "TESTING": False,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    s = app.extensions["subsidy.sessionmaker"]()
    rulesets.load_shipped(s)  # `make run` runs load-rulesets
    for username, (role, full) in ACCOUNTS.items():
        users.create_user(s, username, role, PASSWORD, None, full_name=full, must_change_password=False)
    s.commit()
    s.close()
    app.extensions["subsidy.engine"].dispose()

    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "e2e-day", "HOST": "127.0.0.1", "PORT": str(port),
           "JOBS_STORAGE_URI": f"sqlite:///{tmp / 'jobs.sqlite3'}", "RATELIMIT_STORAGE_URI": "memory://",
           "ACCESS_LOG": ""}
    log = open(tmp / "server.log", "wb")
    web = subprocess.Popen([str(BIN / "gunicorn"), "-c", "python:subsidy.gunicorn_conf", "app:app"],
                           cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    # a short idle back-off (default 10 s) so the day does not wait for the worker to wake up
    worker = subprocess.Popen([str(BIN / "huey_consumer"), "jobs_worker.huey", "--workers", "1", "--quiet",
                               "--max-delay", "0.5"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200:
                break
        except OSError:
            if time.monotonic() > deadline or web.poll() is not None:
                raise RuntimeError((tmp / "server.log").read_text(errors="replace")) from None
            time.sleep(0.2)  # waiting for a server process to listen, not for a page
    try:
        yield base
    finally:
        for proc in (web, worker):
            proc.terminate()
        for proc in (web, worker):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()


def browser_page(browser: Any, base: str, username: str | None, viewport: dict) -> Any:
    ctx = browser.new_context(viewport=viewport, locale="vi-VN", accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    dialogs: list[str] = []
    pg.dialogs = dialogs

    def accept(d):
        dialogs.append(d.message)
        d.accept()

    pg.on("dialog", accept)
    if username:
        pg.goto(f"{base}/dang-nhap")
        pg.fill("#username", username)
        pg.fill("#password", PASSWORD)
        pg.click("button[type=submit]")
        pg.wait_for_url(re.compile(re.escape(base) + r"/(\?.*)?$"))
        assert pg.get_by_text(f"Xin chào, {ACCOUNTS[username][1]}").is_visible()
    return pg


def text(pg: Any) -> str:
    return " ".join(pg.locator("main").inner_text().split())


def landed(pg: Any, path: str) -> None:
    """After a form's submit: the page it leads to, or the form's errors in the failure."""
    pg.wait_for_load_state()
    assert re.search(path, pg.url), text(pg)


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages).split())


def popup_pdf(pg: Any, click) -> bytes:
    """The PDF a button or link opens in a new tab (target=_blank): the bytes the server sent,
    taken on their way to Chromium's PDF viewer (which answers body() with its own page)."""
    bodies: list[bytes] = []

    def keep(route: Any) -> None:
        resp = route.fetch()
        assert resp.status == 200 and resp.headers["content-type"].startswith("application/pdf"), resp.status
        bodies.append(resp.body())
        route.fulfill(response=resp)

    pattern = re.compile(r"\.pdf(\?|$)")
    pg.context.route(pattern, keep)
    try:
        with pg.context.expect_event("response", lambda r: pattern.search(r.url)):
            click()
    finally:
        pg.context.unroute(pattern, keep)
    assert len(bodies) == 1
    return bodies[0]
