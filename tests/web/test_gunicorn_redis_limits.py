"""The rate limits under the production server with several processes: gunicorn as `make run`
starts it, 2 worker processes, the counters in the real Redis (RATELIMIT_STORAGE_URI=redis://…).

Which process takes a connection is the kernel's choice, so the test does not hope for it: each
worker process is replaced after about 3 requests (gunicorn --max-requests; a process may finish
what it already accepted), so one code's 7 tries are answered by several processes (the access log
names each one's pid; --preload forks each new process from the loaded app, so replacing one is
cheap). The status
check's per-code limit (5 a minute here) still refuses the 6th and 7th try. The same server with
the counters in memory lets every try through: what Redis is there for."""
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
from pathlib import Path

import pytest

from tests.web.test_gunicorn_server import ROOT, _free_port

REDIS_URL = "redis://127.0.0.1:6379/7"
CODES = ("T2222XYZAB",)  # the shape of an issued code (10 characters of its alphabet), never issued


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
    """One try of the status check, on a new connection."""
    body = urllib.parse.urlencode({"ma": code, "so": "1234"}).encode()
    req = urllib.request.Request(f"{base}/tra-cuu", data=body, headers={"Connection": "close"})
    for _ in range(50):
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status
        except urllib.error.HTTPError as err:
            return err.code
        except urllib.error.URLError:  # between a worker's exit and its replacement
            time.sleep(0.1)
    raise AssertionError("gunicorn stopped answering")


def _tries(database_url: str, log: Path, storage: str, prefix: str) -> tuple[dict[str, list[int]], set[str]]:
    """Start gunicorn (2 workers, each replaced after 3 requests), try each code 7 times in turn;
    return the statuses per code and the pids that answered."""
    port = _free_port()
    env = dict(os.environ, HOST="127.0.0.1", PORT=str(port), DATABASE_URL=database_url, SECRET_KEY="limits-test",
               RATELIMIT_STORAGE_URI=storage, RATELIMIT_KEY_PREFIX=prefix, WEB_WORKERS="2", WEB_THREADS="2",
               STATUS_RATE_LIMIT_CODE="5/minute", STATUS_RATE_LIMIT_CLIENT="1000/minute", ACCESS_LOG=str(log))
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:subsidy.gunicorn_conf",
                             "--preload", "--max-requests", "3", "--access-logformat", '%(p)s "%(r)s" %(s)s', "app:app"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not answer")
        log.write_text("")  # only the tries from here on
        answers = {code: [] for code in CODES}
        for _round in range(7):
            for code in CODES:
                answers[code].append(_post(base, code))
    finally:
        proc.terminate()
        try:
            # gunicorn gives its workers graceful_timeout (30 s) to finish; a worker caught while
            # being replaced (every 3 requests here) can use all of it on a loaded machine.
            proc.wait(timeout=45)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    pids = set(re.findall(r'^<(\d+)> "POST /tra-cuu HTTP/1.1" \d{3}$', log.read_text(), flags=re.M))
    return answers, pids


def test_per_code_limit_holds_across_gunicorn_worker_processes_on_redis(app, database_url, tmp_path, redis_prefix):
    conn, prefix = redis_prefix
    answers, pids = _tries(database_url, tmp_path / "redis.log", REDIS_URL, prefix)
    assert len(pids) >= 2, pids  # 7 tries, no process lives for them all
    for code in CODES:
        # 5 tries answered (not found: no such application), then refused, whichever process.
        assert answers[code] == [404] * 5 + [429] * 2, (code, answers[code])
    keys = [k.decode() for k in conn.scan_iter(match=f"*{prefix}*")]
    assert all(any(f"code:{code}" in k for k in keys) for code in CODES), keys

    # In memory each process counts on its own, and a new one starts from nothing.
    answers, pids = _tries(database_url, tmp_path / "memory.log", "memory://", prefix)
    assert len(pids) >= 2 and all(a.count(404) > 5 for a in answers.values()), (answers, pids)
