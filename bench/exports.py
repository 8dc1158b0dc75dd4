"""Peak memory of the exports at two sizes: flat with the number of rows when the rows stream.

Generates N households with one application each (bulk inserts into a fresh SQLite database, or
the PostgreSQL database given), then, each in a process of its own (so every peak RSS is that
export's alone, VmHWM from /proc/self/status), writes to a temporary file:
  * cli-csv / cli-xlsx: the registry as `flask export-households` writes it
    (services.households.iter_export_households → write_export_csv / write_export_xlsx);
  * web-households-{csv,xlsx}, web-applications-{csv,xlsx}: the household list and the
    applications list with no filter, as GET /tai-ve/… makes them (services.list_exports.list_table →
    documents.exports.iter_csv / write_xlsx);
  * before (for comparison, same run): the registry gathered into a list first
    (services.households.export_households, what the CLI did), then written as CSV.
A process that only builds the app and opens the database is the floor. Prints rows, seconds and
peak RSS per export at each size; target: ≤ 200 MB at 150,000 households, and the peak at the large
size within a few MB of the small one.

usage: .venv/bin/python bench/exports.py [--sizes 5000,50000] [--database-url URL]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

KINDS = ("floor", "before-cli-csv", "cli-csv", "cli-xlsx", "web-households-csv", "web-households-xlsx",
         "web-applications-csv", "web-applications-xlsx")
HAMLETS = ["Ấp Phú Hòa", "Ấp Phú Thành", "Ấp Phú Xuân", "Ấp Phú Lợi", "Ấp Phú Thạnh", "Ấp Tân Long"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi"]
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Đào", "Hùng", "Lan", "Minh", "Nga", "Phúc", "Thảo", "Yến"]
CHUNK = 20_000


def generate(url: str, n: int) -> None:
    """n households (realistic names, CCCD, phones) with one application each."""
    from sqlalchemy import insert

    from subsidy.db import make_engine
    from subsidy.models import Application, Household
    from subsidy.services.households.columns import derived_keys

    from _codes import bench_code

    rnd = random.Random(7)
    engine = make_engine(url)
    with engine.begin() as conn:
        for start in range(1, n + 1, CHUNK):
            hh, apps = [], []
            for i in range(start, min(n, start + CHUNK - 1) + 1):
                name = f"{rnd.choice(FAMILY)} Văn {rnd.choice(GIVEN)} {i}"
                search_text, sort_key = derived_keys(name, f"H{i:07d}", f"0820{i:08d}", f"09{i:08d}")
                hh.append(dict(id=i, code=f"H{i:07d}", head_name=name, head_birth_year=1950 + i % 50,
                               citizen_id=f"0820{i:08d}", citizen_id_kind="cccd", phone=f"09{i:08d}",
                               hamlet=rnd.choice(HAMLETS), members=1 + i % 6,
                               category="poor" if i % 3 else "near_poor", prior_device="unknown",
                               search_text=search_text, sort_key=sort_key, archived=False,
                               meritorious=i % 17 == 0, social_policy=i % 11 == 0, commune_id=1))
                apps.append(dict(id=i, household_id=i, programme="VTCI-2025", tracking_code=bench_code("E", i),
                                 received_on=dt.date(2026, 1, 1) + dt.timedelta(days=i % 300),
                                 support_form="package", state="received",
                                 state_changed_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), commune_id=1))
            conn.execute(insert(Household), hh)
            conn.execute(insert(Application), apps)
    engine.dispose()


def run_one(url: str, kind: str, out_dir: str) -> dict:
    """In this (child) process: one export into out_dir; returns rows, seconds, peak RSS (MB, VmHWM)."""
    from subsidy import create_app
    from subsidy.documents import exports as docs
    from subsidy.domain.list_views import ListFilters
    from subsidy.services import households as hh
    from subsidy.services import list_exports

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_STORAGE_URI": "memory://"})
    t0 = time.perf_counter()
    rows = 0
    with app.app_context():
        session = app.extensions["subsidy.read_sessionmaker"]()
        session.execute(__import__("sqlalchemy").text("SELECT 1"))
        out = Path(out_dir) / kind
        if kind == "before-cli-csv":
            gathered = hh.export_households(session)
            with out.open("w", encoding="utf-8", newline="") as fh:
                rows = hh.write_export_csv(gathered, fh)
        elif kind.startswith("cli-"):
            it = hh.iter_export_households(session)
            if kind.endswith("xlsx"):
                with out.open("wb") as fh:
                    rows = hh.write_export_xlsx(it, fh)
            else:
                with out.open("w", encoding="utf-8", newline="") as fh:
                    rows = hh.write_export_csv(it, fh)
        elif kind.startswith("web-"):
            key = kind.split("-")[1]
            table = list_exports.list_table(session, key, ListFilters(), on=dt.date(2026, 11, 30))
            with out.open("wb") as fh:
                if kind.endswith("xlsx"):
                    rows = docs.write_xlsx(table, docs_issuer(app), fh)
                else:
                    for chunk in docs.iter_csv(table):
                        fh.write(chunk)
                    rows = table.count
        session.close()
    secs = time.perf_counter() - t0
    size = (Path(out_dir) / kind).stat().st_size if kind != "floor" else 0
    return {"rows": rows, "seconds": secs, "rss_mb": peak_rss_mb(), "bytes": size}


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM, MB). Not getrusage's ru_maxrss: Linux carries that over
    fork and exec from the parent, which holds the generated rows."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def docs_issuer(app):
    from subsidy.domain.documents import Issuer

    return Issuer.from_config(app.config)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5000,50000", help="households per run, comma separated")
    ap.add_argument("--database-url", default=None, help="PostgreSQL database to empty and use (default SQLite)")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.child:
        print(json.dumps(run_one(*opts.child)))
        return 0
    from _fresh_db import fresh_database

    results: dict[int, dict[str, dict]] = {}
    for n in (int(x) for x in opts.sizes.split(",")):
        url, cleanup = fresh_database(opts.database_url, prefix="exports-bench-")
        try:
            t = time.perf_counter()
            generate(url, n)
            print(f"{n:,} households + applications generated in {time.perf_counter() - t:.1f} s", flush=True)
            with tempfile.TemporaryDirectory(prefix="exports-out-") as out_dir:
                results[n] = {}
                for kind in KINDS:
                    proc = subprocess.run([sys.executable, __file__, "--child", url, kind, out_dir],
                                          capture_output=True, text=True, cwd=ROOT, env=dict(os.environ))
                    if proc.returncode:
                        print(proc.stderr, file=sys.stderr)
                        return 1
                    results[n][kind] = json.loads(proc.stdout.strip().splitlines()[-1])
        finally:
            cleanup()
    sizes = sorted(results)
    print(f"\n{'export':24s}" + "".join(f" {f'{n:,} rows':>26s}" for n in sizes) + "   growth")
    for kind in KINDS:
        cells = "".join(f" {results[n][kind]['seconds']:7.1f} s {results[n][kind]['rss_mb']:7.0f} MB"
                        f" {results[n][kind]['bytes'] / 1e6:5.1f}MB" for n in sizes)
        grow = results[sizes[-1]][kind]["rss_mb"] - results[sizes[0]][kind]["rss_mb"]
        print(f"{kind:24s}{cells}   {grow:+6.0f} MB")
    print("(seconds, peak RSS of the process, file size; 'floor' = the app built and the database opened)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
