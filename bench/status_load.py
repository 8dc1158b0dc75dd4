"""Load on the public status check compared with a bare route, on the same server in one run.

Starts the app under gunicorn (2 sync workers) on a free loopback port with a seeded SQLite
database (1,000 households with applications), then drives, with the same client:
  * GET /healthz  — a bare route returning the constant "ok" (the framework's floor), and
  * POST /tra-cuu — the status check with a valid tracking code + last 4 digits of the CCCD
    (CSRF token and session cookie from one GET per client, as a phone does),
each with a bounded number of requests (default 2,000) within a bounded time (default 60 s),
in alternating bursts so that both see the same background load.
Prints both throughputs, their ratio and latency percentiles. Targets (issue 6): the status check
≥ 50 % of the bare route's throughput, p99 latency < 50 ms.

The rate limits are raised for the run through the environment (STATUS_RATE_LIMIT_CLIENT/CODE),
since every request comes from one address. The client uses separate processes (no GIL shared
with the measurement) and one connection per request (gunicorn's sync workers close it).

usage: .venv/bin/python bench/status_load.py [--requests 2000] [--clients 4] [--max-seconds 60] [--rounds 8]
       [--storage redis://127.0.0.1:6379/15]
"""
from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOUSEHOLDS = 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(url: str) -> list[tuple[str, str]]:
    """Migrate and write HOUSEHOLDS households with one application each; returns [(code, last4)]."""
    from subsidy import create_app
    from subsidy.db import upgrade_database
    from subsidy.models import Application, Household

    upgrade_database(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    sess = app.extensions["subsidy.sessionmaker"]()
    states = ["received", "eligible", "proposed", "approved", "handed_over"]
    pairs = []
    for i in range(HOUSEHOLDS):
        cccd = f"0820{i:08d}"
        hh = Household(code=f"B{i:05d}", head_name=f"Nguyễn Văn Bench {i}", citizen_id=cccd, citizen_id_kind="cccd",
                       hamlet="Ấp Phú Hòa", phone=f"09{i:08d}", category="poor")
        sess.add(hh)
        sess.flush()
        code = f"BENCH{i:05d}"
        sess.add(Application(household_id=hh.id, tracking_code=code, received_on=dt.date(2026, 11, 1),
                             support_form="package", state=states[i % len(states)]))
        pairs.append((code, cccd[-4:]))
    sess.commit()
    sess.close()
    app.extensions["subsidy.engine"].dispose()
    return pairs


def http(port: int, raw: bytes) -> tuple[int, bytes]:
    """Send one request on a fresh connection; return (status, whole response)."""
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(raw)
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    resp = b"".join(chunks)
    return int(resp[9:12]), resp


def get_request(path: str, cookie: str = "") -> bytes:
    extra = f"Cookie: {cookie}\r\n" if cookie else ""
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{extra}\r\n".encode()


def post_request(path: str, form: dict[str, str], cookie: str) -> bytes:
    body = urllib.parse.urlencode(form).encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: {cookie}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


def client(args: tuple) -> tuple[list[float], int]:
    """One client process: ``n`` requests of ``kind`` until ``deadline``; returns (latencies s, errors)."""
    port, kind, n, deadline, pairs, offset = args
    if kind == "status":
        status, resp = http(port, get_request("/tra-cuu"))
        cookie = re.search(rb"Set-Cookie: (session=[^;]+)", resp).group(1).decode()
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', resp).group(1).decode()
        requests = [post_request("/tra-cuu", {"csrf_token": token, "ma": c, "so": d}, cookie)
                    for c, d in (pairs[(offset + i) % len(pairs)] for i in range(n))]
        expect = b"K\xe1\xba\xbft qu\xe1\xba\xa3 tra c\xe1\xbb\xa9u"  # "Kết quả tra cứu": found
    else:
        requests = [get_request("/healthz")] * n
        expect = b"\r\n\r\nok"
    latencies, errors = [], 0
    for raw in requests:
        if time.monotonic() > deadline:
            break
        t0 = time.perf_counter()
        status, resp = http(port, raw)
        latencies.append(time.perf_counter() - t0)
        if status != 200 or expect not in resp:
            errors += 1
    return latencies, errors


def _summary(lat: list[float], errors: int, wall: float) -> dict:
    lat = sorted(lat)
    q = statistics.quantiles(lat, n=100) if len(lat) >= 100 else [lat[-1]] * 99
    return {"n": len(lat), "errors": errors, "wall": wall, "rps": len(lat) / wall,
            "p50": statistics.median(lat) * 1000, "p95": q[94] * 1000, "p99": q[98] * 1000,
            "max": lat[-1] * 1000}


def drive(port: int, total: int, clients: int, max_seconds: float, pairs: list, rounds: int) -> dict:
    """``total`` requests per route from ``clients`` processes, in ``rounds`` alternating bursts
    (bare, status, bare, status, …) so both routes see the same background load on a shared
    machine; each route's throughput = its requests / the summed wall time of its bursts."""
    per = max(1, total // clients // rounds)
    deadline = time.monotonic() + max_seconds
    acc = {k: {"lat": [], "errors": 0, "wall": 0.0} for k in ("bare", "status")}
    with mp.Pool(clients) as pool:
        for r in range(rounds):
            for kind in ("bare", "status"):
                if time.monotonic() > deadline:
                    break
                t0 = time.perf_counter()
                results = pool.map(client, [(port, kind, per, deadline, pairs, (r * clients + i) * per)
                                            for i in range(clients)])
                acc[kind]["wall"] += time.perf_counter() - t0
                for lat, err in results:
                    acc[kind]["lat"].extend(lat)
                    acc[kind]["errors"] += err
    return {k: _summary(v["lat"], v["errors"], v["wall"]) for k, v in acc.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=2000, help="requests per route (default 2000)")
    ap.add_argument("--clients", type=int, default=4, help="concurrent client processes (default 4)")
    ap.add_argument("--max-seconds", type=float, default=60.0,
                    help="time bound of the measurement, both routes (default 60)")
    ap.add_argument("--rounds", type=int, default=8, help="alternating bursts per route (default 8)")
    ap.add_argument("--storage", default="", help="RATELIMIT_STORAGE_URI for the run (default: the app's "
                    "default, memory-sweep://), e.g. redis://127.0.0.1:6379/15")
    opts = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="status-bench-"))
    url = f"sqlite:///{work / 'bench.sqlite3'}"
    proc = None
    try:
        t = time.perf_counter()
        pairs = seed(url)
        print(f"seeded {len(pairs)} households + applications in {time.perf_counter() - t:.1f} s")
        port = free_port()
        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-secret",
                   STATUS_RATE_LIMIT_CLIENT="10000000/minute", STATUS_RATE_LIMIT_CODE="10000000/minute")
        env.pop("RATELIMIT_STORAGE_URI", None)
        if opts.storage:
            env["RATELIMIT_STORAGE_URI"] = opts.storage
        gunicorn = Path(sys.executable).with_name("gunicorn")
        proc = subprocess.Popen([str(gunicorn), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                                 "--log-level", "warning", "app:app"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        for _ in range(150):
            try:
                if http(port, get_request("/healthz"))[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            print("gunicorn did not start", file=sys.stderr)
            return 1
        # Warm both workers (imports, template compilation, connection pools).
        drive(port, 400, opts.clients, 20, pairs, rounds=1)
        res = drive(port, opts.requests, opts.clients, opts.max_seconds, pairs, rounds=opts.rounds)
        bare, status = res["bare"], res["status"]
        print(f"gunicorn 2 sync workers, {opts.clients} client processes, {os.cpu_count()} CPUs, SQLite, "
              f"rate-limit storage {opts.storage or 'default (memory-sweep://)'}; load average "
              f"{os.getloadavg()[0]:.1f} before the run")
        for name, r in (("bare GET /healthz", bare), ("status POST /tra-cuu", status)):
            print(f"{name:22s} {r['n']:5d} req in {r['wall']:6.2f} s = {r['rps']:7.1f} req/s   "
                  f"p50 {r['p50']:5.1f} ms  p95 {r['p95']:5.1f} ms  p99 {r['p99']:5.1f} ms  "
                  f"max {r['max']:5.1f} ms  errors {r['errors']}")
        ratio = status["rps"] / bare["rps"]
        print(f"ratio status/bare = {ratio:.2f}  (target >= 0.50)   status p99 = {status['p99']:.1f} ms "
              f"(target < 50 ms)")
        return 0
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
