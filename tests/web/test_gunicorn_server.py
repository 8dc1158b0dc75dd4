"""The production server as `make run` starts it (gunicorn with subsidy/gunicorn_conf.py), for real
on loopback: it serves, /healthz answers, and its access log holds no query string, so a search by
CCCD leaves no CCCD in the log (neither in the request line nor in the Referer)."""
from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tests import factories
from tests.conftest import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CCCD = "079185012345"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_and_logs_no_query_string(app, make_user, database_url, tmp_path):
    make_user("canbo", "clerk")
    sess = app.extensions["subsidy.sessionmaker"]()
    factories.household(sess, head_name="Trần Thị Mai", citizen_id=CCCD, phone="0912345678")
    sess.commit()
    sess.close()

    port = _free_port()
    log = tmp_path / "access.log"
    env = dict(os.environ, HOST="127.0.0.1", PORT=str(port), DATABASE_URL=database_url, SECRET_KEY="gunicorn-test",
               ACCESS_LOG=str(log), RATELIMIT_STORAGE_URI="memory://", WEB_WORKERS="3")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:subsidy.gunicorn_conf", "app:app"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1) as resp:
                    assert resp.status == 200 and resp.read() == b"ok"
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not answer")
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = opener.open(f"{base}/dang-nhap").read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, "username": "canbo", "password": TEST_PASSWORD}).encode()
        opener.open(urllib.request.Request(f"{base}/dang-nhap", data=body))
        search = urllib.request.Request(f"{base}/ho-gia-dinh/?q={CCCD}",
                                        headers={"Referer": f"{base}/ho-gia-dinh/?q={CCCD[:6]}"})
        with opener.open(search) as resp:
            assert resp.status == 200 and "Trần Thị Mai" in resp.read().decode()
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0].decode()
    # Rate limits counted in memory: one process (with threads) whatever WEB_WORKERS asked.
    assert "chỉ chạy 1 tiến trình" in out and len(re.findall(r"Booting worker", out)) == 1
    text = log.read_text()
    assert re.search(r'"GET /ho-gia-dinh/\?… HTTP/1.1" 200 \d+ "http://127.0.0.1:\d+/ho-gia-dinh/\?…"', text), text
    assert CCCD not in text and CCCD[:6] not in text and "q=" not in text
