"""Load on the public status check compared with a bare route, on the same server in one run.

Starts the app under gunicorn (2 sync workers) on a free loopback port with a seeded SQLite
database (1,000 households with applications), then drives, from the same client processes:
  * GET /bench/bare — a bare route returning the constant "ok" (the framework's floor; added by
    bench/_status_floor_app.py);
  * POST /tra-cuu — the status check with a valid tracking code + last 4 digits of the CCCD
    (after one GET of the form page per client, as a phone does; every answer is checked to be
    the found page);
  * POST /bench/limiter-floor — for reference only: the same body through the same rate
    limits, answering a constant (bench/_status_floor_app.py adds this route to the app for the
    bench). It is the most any status check could reach with these limits on this stack;
  * before, for comparison in the same run: POST /bench/status-flask-limiter, the same check
    behind Flask-Limiter's decorators (one Redis round trip per window, as the route had before
    web/status_limits.py), and POST /bench/limiter-floor-flask-limiter, their floor.
All routes run through the same middleware: the CSRF hook, the sign-in hook, the limiter's
per-request check, the security headers.

Rate limits: as in production with several workers, the counters are in Redis, shared by the two
workers (in-memory counters would be per worker): RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/15
(--redis to change) with a key prefix unique to the run (RATELIMIT_KEY_PREFIX=status-bench-<random>,
whose keys are deleted at the end). All the limits the defaults have (per client a minute; per
tracking code a minute and a day) are checked on every status request, raised to 1,000,000, since every request comes from
one address and the bench cycles over 1,000 codes.

Fair and stable on a shared 2-core machine:
  * bounded: a warm-up of 200 requests per route (not counted), then --requests (2,000) per route,
    stopping anyway after --max-seconds (120);
  * 4 client processes (--clients): two per sync worker, so each worker has the next request
    waiting in its backlog while a client reads the previous answer, without a deep queue that
    would only add latency; one connection per request (gunicorn's sync workers close it);
  * alternating bursts (bare, status, floor, bare, status, floor, … --rounds 10 each), so the
    routes see the same background load; a route's throughput = its requests / the summed wall time of its bursts;
  * CPU time per request, which the machine's other work disturbs much less than wall time: of the
    gunicorn workers (from /proc/<pid>/schedstat, ns), of the client processes, and of the Redis
    server (INFO cpu; approximate, it may serve others too).
Prints the throughputs, their ratios to the bare route, p50/p95/p99 latency and CPU per request.
Targets: the status check ≥ 50 % of the bare route's throughput, p99 latency < 50 ms.

usage: .venv/bin/python bench/status_load.py [--requests 2000] [--clients 4] [--rounds 10]
       [--max-seconds 120] [--redis redis://127.0.0.1:6379/15]
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
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOUSEHOLDS = 1000
WORKERS = 2
WARMUP = 200
HIGH_LIMIT = "1000000/minute"
# As many limits as the defaults check (per code: a minute and a day), each raised out of reach.
HIGH_CODE_LIMIT = "1000000/minute;1000000/day"
FOUND = "Kết quả tra cứu".encode()
ROUTES = ("bare", "status", "floor", "status_before", "floor_before")
PATHS = {"status": "/tra-cuu", "floor": "/bench/limiter-floor",
         "status_before": "/bench/status-flask-limiter", "floor_before": "/bench/limiter-floor-flask-limiter"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(url: str) -> list[tuple[str, str]]:
    """Migrate and write HOUSEHOLDS households with one application each; returns [(code, last4)]."""
    from subsidy import create_app
    from subsidy.db import upgrade_database
    from subsidy.models import Application, Household
    from _codes import bench_code

    upgrade_database(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_STORAGE_URI": "memory://"})
    sess = app.extensions["subsidy.sessionmaker"]()
    states = ["received", "eligible", "proposed", "approved", "handed_over"]
    pairs = []
    for i in range(HOUSEHOLDS):
        cccd = f"0820{i:08d}"
        hh = Household(code=f"B{i:05d}", head_name=f"Nguyễn Văn Bench {i}", citizen_id=cccd, citizen_id_kind="cccd",
                       hamlet="Ấp Phú Hòa", phone=f"09{i:08d}", category="poor")
        sess.add(hh)
        sess.flush()
        code = bench_code("S", i)
        sess.add(Application(household_id=hh.id, tracking_code=code, received_on=dt.date(2026, 11, 1),
                             support_form="package", state=states[i % len(states)]))
        pairs.append((code, cccd[-4:]))
    sess.commit()
    sess.close()
    app.extensions["subsidy.engine"].dispose()
    return pairs


# --- HTTP client (raw sockets: the cheapest client, so the server's cost dominates) -------------

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
    extra = f"Cookie: {cookie}\r\n" if cookie else ""
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{extra}"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


def client(args: tuple) -> dict:
    """One client process: ``n`` requests of ``kind`` until ``deadline``.

    Returns {"lat": [s, …], "errors": n, "cookies": responses that set a cookie, "cpu": s}."""
    port, kind, n, deadline, pairs, offset = args
    cpu0 = time.process_time()
    if kind != "bare":
        # The form page first, as a phone opens it from the QR link; it sets no cookie and carries
        # no CSRF token (see subsidy/web/public.py), but if it ever did, the POSTs would send them.
        _, resp = http(port, get_request("/tra-cuu"))
        cookie = re.search(rb"Set-Cookie: (session=[^;]+)", resp)
        cookie = cookie.group(1).decode() if cookie else ""
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', resp)
        extra = {"csrf_token": token.group(1).decode()} if token else {}
        path = PATHS[kind]
        requests = [post_request(path, {**extra, "ma": c, "so": d}, cookie)
                    for c, d in (pairs[(offset + i) % len(pairs)] for i in range(n))]
        expect = FOUND
    else:
        requests = [get_request("/bench/bare")] * n
        expect = b"\r\n\r\nok"
    lat, errors, cookies = [], 0, 0
    for raw in requests:
        if time.monotonic() > deadline:
            break
        t0 = time.perf_counter()
        status, resp = http(port, raw)
        lat.append(time.perf_counter() - t0)
        if status != 200 or expect not in resp:
            errors += 1
        if b"\r\nSet-Cookie:" in resp.split(b"\r\n\r\n", 1)[0]:
            cookies += 1
    return {"lat": lat, "errors": errors, "cookies": cookies, "cpu": time.process_time() - cpu0}


# --- CPU accounting ------------------------------------------------------------------------------

def worker_pids(master: int) -> list[int]:
    """The gunicorn workers: the processes whose parent is the master."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(entry))
    return pids


def process_cpu(pid: int) -> float:
    """CPU seconds used by ``pid`` so far (schedstat's ns; /proc/<pid>/stat ticks otherwise)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """Reads the CPU time of the gunicorn workers and of the Redis server."""

    def __init__(self, master: int, redis_conn) -> None:
        self.pids = worker_pids(master)
        self.redis = redis_conn

    def read(self) -> tuple[float, float]:
        workers = sum(process_cpu(p) for p in self.pids)
        info = self.redis.info("cpu")
        return workers, float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def drive(port: int, total: int, clients: int, max_seconds: float, pairs: list, rounds: int,
          meter: CpuMeter) -> dict:
    """``total`` requests per route from ``clients`` processes in ``rounds`` alternating bursts."""
    per = max(1, total // clients // rounds)
    deadline = time.monotonic() + max_seconds
    acc = {k: {"lat": [], "errors": 0, "cookies": 0, "wall": 0.0, "server": 0.0, "redis": 0.0, "client": 0.0,
               "burst_rps": []}
           for k in ROUTES}
    with mp.Pool(clients) as pool:
        for r in range(rounds):
            for kind in ROUTES:
                if time.monotonic() > deadline:
                    break
                args = [(port, kind, per, deadline, pairs, (r * clients + i) * per) for i in range(clients)]
                server0, redis0 = meter.read()
                t0 = time.perf_counter()
                results = pool.map(client, args)
                wall = time.perf_counter() - t0
                server1, redis1 = meter.read()
                a = acc[kind]
                a["burst_rps"].append(sum(len(res["lat"]) for res in results) / wall)
                a["wall"] += wall
                a["server"] += server1 - server0
                a["redis"] += redis1 - redis0
                for res in results:
                    a["lat"].extend(res["lat"])
                    a["errors"] += res["errors"]
                    a["cookies"] += res["cookies"]
                    a["client"] += res["cpu"]
    out = {k: _summary(v) for k, v in acc.items()}
    # Each round's status/bare throughput ratio (adjacent bursts): its spread shows how steady the
    # machine was during the run.
    out["burst_ratios"] = [s / b for b, s in zip(acc["bare"]["burst_rps"], acc["status"]["burst_rps"]) if b]
    for kind in ROUTES[2:]:
        out[f"{kind}_burst_ratios"] = [s / b for b, s in zip(acc["bare"]["burst_rps"], acc[kind]["burst_rps"]) if b]
    return out


def _summary(a: dict) -> dict:
    lat = sorted(a["lat"])
    n = len(lat)
    if not n:
        return {"n": 0}
    q = statistics.quantiles(lat, n=100) if n >= 100 else [lat[-1]] * 99
    return {"n": n, "errors": a["errors"], "cookies": a["cookies"], "wall": a["wall"], "rps": n / a["wall"],
            "p50": statistics.median(lat) * 1000, "p95": q[94] * 1000, "p99": q[98] * 1000, "max": lat[-1] * 1000,
            "server_ms": a["server"] / n * 1000, "redis_ms": a["redis"] / n * 1000, "client_ms": a["client"] / n * 1000}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=2000, help="measured requests per route (default 2000)")
    ap.add_argument("--clients", type=int, default=4, help="concurrent client processes (default 4: 2 per worker)")
    ap.add_argument("--rounds", type=int, default=10, help="alternating bursts per route (default 10)")
    ap.add_argument("--max-seconds", type=float, default=120.0, help="time bound of the measurement (default 120)")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/15",
                    help="Redis for the rate-limit counters (default redis://127.0.0.1:6379/15)")
    opts = ap.parse_args()

    import redis

    conn = redis.Redis.from_url(opts.redis, socket_connect_timeout=2)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError as err:
        print(f"Redis is not reachable at {opts.redis} ({err}): the bench stores the rate-limit counters "
              f"there, shared by the {WORKERS} workers as in production. Start it, e.g. "
              f"`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ''`.", file=sys.stderr)
        return 2
    prefix = f"status-bench-{uuid.uuid4().hex[:12]}"

    work = Path(tempfile.mkdtemp(prefix="status-bench-"))
    url = f"sqlite:///{work / 'bench.sqlite3'}"
    proc = None
    try:
        t = time.perf_counter()
        pairs = seed(url)
        print(f"seeded {len(pairs)} households + applications in {time.perf_counter() - t:.1f} s")
        port = free_port()
        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-secret",
                   RATELIMIT_STORAGE_URI=opts.redis, RATELIMIT_KEY_PREFIX=prefix,
                   STATUS_RATE_LIMIT_CLIENT=HIGH_LIMIT, STATUS_RATE_LIMIT_CODE=HIGH_CODE_LIMIT)
        env.pop("TRUSTED_PROXIES", None)
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(WORKERS),
                                 "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                                 "--pythonpath", str(ROOT / "bench"), "_status_floor_app:app"],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        for _ in range(300):
            try:
                if http(port, get_request("/healthz"))[0] == 200 and len(worker_pids(proc.pid)) == WORKERS:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            print("gunicorn did not start", file=sys.stderr)
            return 1
        meter = CpuMeter(proc.pid, conn)
        # Warm-up: imports, template compilation, connection pools of both workers (not counted).
        drive(port, WARMUP, opts.clients, 30, pairs, 1, meter)
        load = os.getloadavg()[0]
        res = drive(port, opts.requests, opts.clients, opts.max_seconds, pairs, opts.rounds, meter)
        bare, status, floor = res["bare"], res["status"], res["floor"]
        status_before, floor_before = res["status_before"], res["floor_before"]
        if not bare["n"] or not status["n"]:
            print("no request completed within the time bound", file=sys.stderr)
            return 1
        print(f"gunicorn {WORKERS} sync workers, {opts.clients} client processes, {opts.rounds} alternating "
              f"bursts per route, {os.cpu_count()} CPUs (load average {load:.1f} before the run), SQLite;")
        print(f"rate limits: all three checked on every status request, counters in Redis {opts.redis} "
              f"(key prefix {prefix}, limits raised to {HIGH_LIMIT} and {HIGH_CODE_LIMIT})")
        print(f"{'':22s} {'req':>5s} {'wall s':>7s} {'req/s':>7s} {'p50 ms':>7s} {'p95 ms':>7s} {'p99 ms':>7s} "
              f"{'max ms':>7s}  CPU ms/req: {'server':>6s} {'redis':>6s} {'client':>6s}  errors cookies")
        for name, r in (("bare GET /bench/bare", bare), ("status POST /tra-cuu", status),
                        ("floor (reference)", floor), ("status, Flask-Limiter", status_before),
                        ("floor, Flask-Limiter", floor_before)):
            if not r.get("n"):
                continue
            print(f"{name:22s} {r['n']:5d} {r['wall']:7.2f} {r['rps']:7.1f} {r['p50']:7.1f} {r['p95']:7.1f} "
                  f"{r['p99']:7.1f} {r['max']:7.1f}              {r['server_ms']:6.3f} {r['redis_ms']:6.3f} "
                  f"{r['client_ms']:6.3f}  {r['errors']:6d} {r['cookies']:7d}")
        wrong = sum(r.get("errors", 0) for r in (bare, status, floor, status_before, floor_before))
        if wrong:
            # An answer that is not the found page (a refused code, an error) measures another path:
            # the figures below would say nothing about the status check.
            print(f"{wrong} answers were not the expected page: the figures are not the status check's", file=sys.stderr)
            return 1
        ratio = status["rps"] / bare["rps"]
        cpu_ratio = bare["server_ms"] / status["server_ms"] if status["server_ms"] else float("nan")
        rr = sorted(res["burst_ratios"])
        print(f"ratio status/bare throughput = {ratio:.2f} (target >= 0.50); status p99 = {status['p99']:.1f} ms "
              f"(target < 50 ms)")
        if rr:
            print(f"per-round ratios: min {rr[0]:.2f}, median {statistics.median(rr):.2f}, max {rr[-1]:.2f} "
                  f"over {len(rr)} rounds")
        print(f"server CPU per request: status {status['server_ms']:.2f} ms vs bare {bare['server_ms']:.2f} ms "
              f"(bare/status = {cpu_ratio:.2f}, the same ratio without the clients' and other work's share)")
        if floor.get("n"):
            fr = sorted(res["floor_burst_ratios"])
            print(f"reference: the rate limits alone answering a constant (POST /bench/limiter-floor) reach "
                  f"{floor['rps'] / bare['rps']:.2f} of the bare route (per-round median "
                  f"{statistics.median(fr):.2f}), {floor['server_ms']:.2f} ms server CPU per request; the status "
                  f"check's form, query and page add {status['server_ms'] - floor['server_ms']:.2f} ms")
        if status_before.get("n"):
            br = sorted(res["status_before_burst_ratios"])
            print(f"before (the same check behind Flask-Limiter's decorators, one round trip per window): "
                  f"{status_before['rps'] / bare['rps']:.2f} of the bare route (per-round median "
                  f"{statistics.median(br):.2f}), {status_before['server_ms']:.2f} ms server CPU per request, "
                  f"p99 {status_before['p99']:.1f} ms; its limits alone {floor_before['rps'] / bare['rps']:.2f} "
                  f"({floor_before['server_ms']:.2f} ms)" if floor_before.get("n") else "")
        return 0
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)
        for key in conn.scan_iter(match=f"*{prefix}*", count=1000):
            conn.delete(key)
        conn.close()


if __name__ == "__main__":
    sys.exit(main())
