"""Eligibility throughput: 100,000 generated applications.

1. The pure engine (subsidy.domain.rules.decide over plain Facts, one core): decisions/s.
   Target ≥ 5,000/s.
2. The database round trip as the product does it (services.applications.check_many): load the
   facts (households, live handovers and cash payments, other supported applications), decide,
   store the EligibilityDecision with its facts snapshot, move the state through the workflow
   (event + audit entry), commit per batch. Target ≥ 1,000/s.

Database: BENCH_DATABASE_URL if set (e.g. a PostgreSQL you may empty: its tables are created by the
migrations and filled here), else a temporary SQLite file. Prints figures; not a pass/fail test.

    .venv/bin/python bench/eligibility.py [--n 100000] [--batch 2000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from subsidy.domain import rules, tracking  # noqa: E402
from subsidy.domain.rules import Facts, RuleSetSpec  # noqa: E402

CHECK_ON = dt.date(2025, 6, 30)
SHIPPED = Path(__file__).resolve().parent.parent / "subsidy" / "rulesets" / "tt14-2022.json"


def generated(rng: random.Random, i: int) -> dict:
    """One household + application, with the mix a commune sees (most pass; some fail each rule)."""
    r = rng.random()
    prior = "none" if r < 0.80 else ("unknown" if r < 0.88 else ("vtci_tablet" if r < 0.95 else "learning_device"))
    cash = rng.random() < 0.2
    purchase = None
    if cash:
        purchase = None if rng.random() < 0.05 else dt.date(2022, 6, 1) + dt.timedelta(days=rng.randrange(0, 900))
    return {
        "category": "poor" if rng.random() < 0.45 else "near_poor",
        "list_year": 2025 if rng.random() < 0.97 else 2024,
        "meritorious": rng.random() < 0.05, "social_policy": rng.random() < 0.12,
        "prior_device": prior, "support_form": "cash" if cash else "package", "purchase_date": purchase,
        "received_on": dt.date(2025, 3, 1) + dt.timedelta(days=i % 90),
    }


def bench_engine(n: int) -> float:
    spec = RuleSetSpec.from_document(json.loads(SHIPPED.read_text(encoding="utf-8")))
    rng = random.Random(1)
    facts = []
    for i in range(n):
        g = generated(rng, i)
        facts.append(Facts(check_date=CHECK_ON, category=g["category"], list_year=g["list_year"],
                           meritorious=g["meritorious"], social_policy=g["social_policy"],
                           prior_device=g["prior_device"], tracking_code="K7QX-9M4T-AB", received_on=g["received_on"],
                           support_form=g["support_form"], purchase_date=g["purchase_date"],
                           live_handovers=1 if i % 500 == 0 else 0))
    t0 = time.perf_counter()
    outcomes = Counter(rules.decide(f, spec).outcome for f in facts)
    elapsed = time.perf_counter() - t0
    rate = n / elapsed
    print(f"pure engine: {n:,} decisions in {elapsed:.2f} s = {rate:,.0f} decisions/s (target ≥ 5,000/s) "
          f"— {dict(outcomes)}")
    return rate


def bench_database(n: int, batch: int) -> float:
    from sqlalchemy import func, insert, select

    from _fresh_db import fresh_database
    from subsidy.db import make_engine, make_sessionmaker
    from subsidy.models import Application, EligibilityDecision, Household, User
    from subsidy.services import applications, rulesets

    url, cleanup = fresh_database(os.environ.get("BENCH_DATABASE_URL"), "bench-eligibility-")
    engine = make_engine(url)
    Session = make_sessionmaker(engine)

    # setup (not timed): a clerk, the rule set, n households and n received applications
    t0 = time.perf_counter()
    s = Session()
    clerk = User(username="bench", password_hash="x", role="clerk", must_change_password=False)
    s.add(clerk)
    rulesets.load_shipped(s)
    s.commit()
    rng = random.Random(1)
    codes: set[str] = set()
    chunk = 10_000
    for start in range(0, n, chunk):
        hh, gens = [], []
        for i in range(start, min(n, start + chunk)):
            g = generated(rng, i)
            gens.append(g)
            hh.append({"code": f"B{i:07d}", "head_name": f"Nguyễn Văn Thử {i}", "hamlet": "Ấp Phú Hòa", "members": 3,
                       "category": g["category"], "list_year": g["list_year"], "meritorious": g["meritorious"],
                       "social_policy": g["social_policy"], "prior_device": g["prior_device"],
                       "search_text": "", "sort_key": "", "archived": False, "commune_id": 1})
        ids = s.execute(insert(Household).returning(Household.id, sort_by_parameter_order=True), hh).scalars().all()
        apps = []
        for hid, g in zip(ids, gens):
            code = tracking.new_code()
            while code in codes:
                code = tracking.new_code()
            codes.add(code)
            apps.append({"household_id": hid, "programme": "VTCI-2025", "tracking_code": code,
                         "received_on": g["received_on"], "support_form": g["support_form"],
                         "purchase_date": g["purchase_date"], "state": "received",
                         "state_changed_at": dt.datetime.now(dt.timezone.utc),
                         "created_at": dt.datetime.now(dt.timezone.utc), "commune_id": 1})
        s.execute(insert(Application), apps)
        s.commit()
    s.close()
    print(f"database setup: {n:,} households and applications in {time.perf_counter() - t0:.1f} s "
          f"({engine.dialect.name})")

    # the timed round trip
    s = Session()
    clerk = s.scalar(select(User).where(User.username == "bench"))
    rule_set = rulesets.in_force(s, CHECK_ON)
    all_ids = list(s.scalars(select(Application.id).order_by(Application.id)))
    s.close()
    t0 = time.perf_counter()
    for start in range(0, len(all_ids), batch):
        s = Session()
        actor = s.get(User, clerk.id)
        rs = s.get(type(rule_set), rule_set.id)
        apps = list(s.scalars(select(Application).where(Application.id.in_(all_ids[start:start + batch]))))
        applications.check_many(s, apps, actor, on=CHECK_ON, rule_set=rs)
        s.commit()
        s.close()
    elapsed = time.perf_counter() - t0
    s = Session()
    stored = s.scalar(select(func.count()).select_from(EligibilityDecision))
    outcomes = dict(s.execute(select(EligibilityDecision.outcome, func.count()).group_by(EligibilityDecision.outcome)).all())
    s.close()
    engine.dispose()
    cleanup()
    rate = stored / elapsed
    print(f"database round trip (load facts → decide → store decision + event + audit, batches of {batch:,}): "
          f"{stored:,} in {elapsed:.1f} s = {rate:,.0f} decisions/s (target ≥ 1,000/s) — {outcomes}")
    return rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="applications (default 100,000)")
    ap.add_argument("--batch", type=int, default=2_000, help="applications per transaction in the DB run")
    ap.add_argument("--engine-only", action="store_true", help="skip the database run")
    args = ap.parse_args()
    bench_engine(args.n)
    if not args.engine_only:
        bench_database(args.n, args.batch)


if __name__ == "__main__":
    main()
