"""A bulk eligibility check from the UI: 2,000 received applications checked by one POST of the
«received» queue's button, as the clerk starts it (the job row, the job queue — Huey, run at once
here — the steps committed with the job's progress), against the floor of bench/eligibility.py's
database round trip (services.applications.check_many in one batch) measured in the same run on
the same kind of database. Target: the UI path at least 0.5 of the floor's rate.

Checks too that the job's summary adds up to what was stored (outcomes counted in the database).

Database: BENCH_DATABASE_URL if set (a PostgreSQL database you may empty), else temporary SQLite.

    .venv/bin/python bench/bulk_check.py [--n 2000] [--rounds 3]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eligibility import generated  # noqa: E402

PASSWORD = "Ca-phe-sua-da-2026"


def _fill(url: str, n: int, list_year: int) -> None:
    """A clerk (password PASSWORD), the shipped rule set and ``n`` received applications with the
    mix of bench/eligibility.py (list year moved to ``list_year``: the UI checks as of today)."""
    from sqlalchemy import insert
    from werkzeug.security import generate_password_hash

    from subsidy.db import make_engine, make_sessionmaker
    from subsidy.domain import tracking
    from subsidy.models import Application, Household, User
    from subsidy.services import rulesets

    engine = make_engine(url)
    s = make_sessionmaker(engine)()
    s.add(User(username="bench", password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
               role="clerk", must_change_password=False))
    rulesets.load_shipped(s)
    rng = random.Random(1)
    hh, gens = [], []
    for i in range(n):
        g = generated(rng, i)
        g["list_year"] = list_year if g["list_year"] == 2025 else list_year - 1
        gens.append(g)
        hh.append({"code": f"B{i:07d}", "head_name": f"Nguyễn Văn Thử {i}", "hamlet": "Ấp Phú Hòa", "members": 3,
                   "category": g["category"], "list_year": g["list_year"], "meritorious": g["meritorious"],
                   "social_policy": g["social_policy"], "prior_device": g["prior_device"],
                   "search_text": "", "sort_key": "", "archived": False, "commune_id": 1})
    ids = s.execute(insert(Household).returning(Household.id, sort_by_parameter_order=True), hh).scalars().all()
    now = dt.datetime.now(dt.timezone.utc)
    codes: set[str] = set()
    apps = []
    for hid, g in zip(ids, gens):
        code = tracking.new_code()
        while code in codes:
            code = tracking.new_code()
        codes.add(code)
        apps.append({"household_id": hid, "programme": "VTCI-2025", "tracking_code": code,
                     "received_on": dt.date(2025, 3, 1) + (g["received_on"] - dt.date(2025, 3, 1)),
                     "support_form": g["support_form"], "purchase_date": g["purchase_date"], "state": "received",
                     "state_changed_at": now, "created_at": now, "commune_id": 1})
    s.execute(insert(Application), apps)
    s.commit()
    s.close()
    engine.dispose()


def bench_ui(n: int) -> float:
    """Decisions per second of the bulk check started from the queue page's button."""
    from sqlalchemy import func, select

    from _fresh_db import fresh_database
    from subsidy import create_app
    from subsidy.domain.calendar import today_vn
    from subsidy.models import EligibilityDecision, Job

    url, cleanup = fresh_database(os.environ.get("BENCH_DATABASE_URL"), "bench-bulk-")
    _fill(url, n, today_vn().year)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "JOBS_IMMEDIATE": True})
    client = app.test_client()
    signed = client.post("/dang-nhap", data={"username": "bench", "password": PASSWORD})
    assert signed.status_code == 302, (signed.status_code, signed.get_data(as_text=True)[:3000])
    t0 = time.perf_counter()
    resp = client.post("/ho-so/kiem-tra-hang-loat", data={"q": ""})
    elapsed = time.perf_counter() - t0
    assert resp.status_code == 302, resp.status_code
    s = app.extensions["subsidy.sessionmaker"]()
    job = s.scalars(select(Job)).one()
    stored = dict(s.execute(select(EligibilityDecision.outcome, func.count()).group_by(EligibilityDecision.outcome)).all())
    assert job.status == "done" and job.done == job.total == n, (job.status, job.done, job.total)
    assert job.summary["outcomes"] == stored, (job.summary["outcomes"], stored)
    assert sum(stored.values()) == n
    s.close()
    app.extensions["subsidy.engine"].dispose()
    cleanup()
    rate = n / elapsed
    print(f"bulk check from the UI: {n:,} applications in {elapsed:.2f} s = {rate:,.0f}/s — summary {job.summary['outcomes']}"
          f" (equals the stored decisions), refused {job.summary['refused_total']}")
    return rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2_000)
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds; the best of each is compared")
    args = ap.parse_args()
    from eligibility import bench_database

    ui, floor = [], []
    for _ in range(args.rounds):
        floor.append(bench_database(args.n, args.n))
        ui.append(bench_ui(args.n))
    print(f"ratio UI / database round trip (best of {args.rounds}): {max(ui) / max(floor):.2f} "
          f"({max(ui):,.0f}/s vs {max(floor):,.0f}/s; target ≥ 0.5)")


if __name__ == "__main__":
    main()
