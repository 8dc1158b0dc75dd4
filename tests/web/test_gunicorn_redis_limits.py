"""The rate limits under the production server with several processes: gunicorn as `make run`
starts it, 2 worker processes, the counters in the real Redis (RATELIMIT_STORAGE_URI=redis://…).
The status check's per-code limit (5 a minute here) holds whichever process answers: the 6th
try on one code is refused even when the tries went to both processes."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.web.test_gunicorn_server import ROOT, _free_port

REDIS_URL = "redis://127.0.0.1:6379/7"


@pytest.fixture
def redis_prefix():
    redis = pytest.importorskip("redis")
    conn = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError as err:
        pytest.skip(f"Redis is not reachable at 127.0.0.1:6379 ({err}); CI runs these tests with Redis")
    prefix = f"subsidy-gunicorn-{uuid.uuid4().hex}"
    yield conn, prefix
    for key in conn.scan_iter(match=f"*{prefix}*"):
        conn.delete(key)
    conn.close()


def _post(base: str, code: str) -> int:
    """One try of the status check on a new connection (so the processes share the tries)."""
    body = urllib.parse.urlencode({"ma": code, "so": "1234"}).encode()
    req = urllib.request.Request(f"{base}/tra-cuu", data=body, headers={"Connection": "close"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def test_per_code_limit_holds_across_two_gunicorn_workers_on_redis(app, database_url, tmp_path, redis_prefix):
    conn, prefix = redis_prefix
    port = _free_port()
    log = tmp_path / "access.log"
    env = dict(os.environ, HOST="127.0.0.1", PORT=str(port), DATABASE_URL=database_url, SECRET_KEY="limits-test",
               RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix, WEB_WORKERS="2", WEB_THREADS="2",
               STATUS_RATE_LIMIT_CODE="5/minute", STATUS_RATE_LIMIT_CLIENT="1000/minute", ACCESS_LOG=str(log))
    # The access log names the process that answered each request (%(p)s: <pid>).
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:subsidy.gunicorn_conf",
                             "--access-logformat", '%(p)s "%(r)s" %(s)s', "app:app"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not answer")
        codes = [f"T{n:05d}XYZ" for n in range(8)]
        tries = [code for _round in range(7) for code in codes]
        # Eight at a time, each on its own connection: while one process is busy the other takes
        # the next connection, so each code's tries land on both processes.
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda code: _post(base, code), tries))
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0].decode()
    assert len(set(re.findall(r"Booting worker with pid: (\d+)", out))) == 2, out
    lines = re.findall(r'^<(\d+)> "POST /tra-cuu HTTP/1.1" (\d{3})$', log.read_text(), flags=re.M)
    assert len(lines) == 7 * len(codes)
    assert len({pid for pid, _ in lines}) == 2, "every try went to one process: nothing shown"
    for code in codes:
        # 5 tries answered (not found: no such application), the other 2 refused, whichever
        # process answered which.
        answered = Counter(s for c, s in zip(tries, statuses) if c == code)
        assert answered == {404: 5, 429: 2}, (code, answered)
    # The counters are in Redis, one per code, under this server's prefix.
    keys = [k.decode() for k in conn.scan_iter(match=f"*{prefix}*")]
    assert sum(1 for code in codes if any(f"code:{code}" in k for k in keys)) == len(codes)
