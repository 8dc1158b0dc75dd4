"""Benchmark of one province on PostgreSQL: a commune's pages cost what its own size costs, not what
the province's does.

Builds ``--communes`` communes of ``--households`` households each (default 100 × 1,500) with this
history per 100 households: 80 applications, 70 checked (60 eligible, 10 not eligible), 50
proposed, 40 approved, 30 handed over, 5 paid in cash, 2 handovers voided (back to approved), and
an allocation per commune. Then builds commune 1 alone, with the same rows, in a second database,
and measures in the same run, for commune 1 (a clerk's Session: set_commune), median of ``--runs``, the two databases timed in turns:
the household list (first page of 50 and its count), a search ("nguyen van"), the waiting list
(first 50) and the monthly tally; prints each timing in the province and alone and their ratio
(target ≤ 1.2).

usage: .venv/bin/python bench/province.py --database-url postgresql://postgres@127.0.0.1:5432/DB
       [--communes 100] [--households 1500] [--runs 15] [--reuse]
       (DB and DB_alone are emptied first: give it databases of their own)
Without ``--database-url`` (as ``make bench`` runs it) it is a small smoke run on two temporary
SQLite files, removed afterwards: 5 communes × 300 households, 5 runs (the sizes can be given);
its ratios say little about PostgreSQL, which the figures in the README are measured on.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import func, insert, make_url, select, text  # noqa: E402

from _fresh_db import fresh_database  # noqa: E402
from _codes import bench_code  # noqa: E402
from subsidy.db import make_engine, make_sessionmaker  # noqa: E402
from subsidy.domain.calendar import VN_TZ  # noqa: E402
from subsidy.models.state_spans import refresh_spans  # noqa: E402
from subsidy.models import (  # noqa: E402
    Allocation, Application, ApplicationEvent, CashPayment, Commune, EligibilityDecision, Hamlet, Handover,
    HandoverImei, Household, RuleSet,
)
from subsidy.services.households import derived_keys  # noqa: E402

HAMLETS = ["Ấp Một", "Ấp Hai", "Ấp Ba", "Ấp Bốn", "Ấp Năm", "Ấp Sáu"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Em", "Giang", "Hải", "Lan", "Minh", "Nga"]
MONTH = "2026-06"
TODAY = dt.date(2026, 11, 30)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=VN_TZ)


def _commune_rows(c: int, n: int, first_id: int) -> dict[str, list[dict]]:
    """Commune ``c``'s rows (ids from ``first_id``), the same whatever else the database holds."""
    rnd = random.Random(1000 + c)
    out: dict[str, list[dict]] = {k: [] for k in ("households", "applications", "events", "decisions", "handovers",
                                                  "imeis", "payments")}
    for k in range(n):
        i = first_id + k
        name = f"{rnd.choice(FAMILY)} Văn {rnd.choice(GIVEN)}"
        code, cid = f"C{c:03d}H{k:05d}", f"08{c:03d}{k:07d}"
        search_text, sort_key = derived_keys(name, code, cid, None)
        out["households"].append(dict(id=i, commune_id=c, code=code, head_name=name, citizen_id=cid,
                                      hamlet=HAMLETS[k % len(HAMLETS)], members=3,
                                      category="poor" if k % 2 else "near_poor", prior_device="none",
                                      search_text=search_text, sort_key=sort_key, archived=False, meritorious=False,
                                      social_policy=False, list_year=2026))
        r = k % 100  # the history mix per 100 households
        if r >= 80:
            continue
        recv = dt.date(2026, 1, 5) + dt.timedelta(days=rnd.randrange(150))
        form = "cash" if 30 <= r < 35 else "package"
        history = [(None, "received", at(recv))]
        state = "received"
        t = at(recv)

        def step(to: str, days: int) -> None:
            nonlocal state, t
            t = t + dt.timedelta(days=days)
            history.append((state, to, t))
            state = to

        if r < 70:
            outcome = "eligible" if r < 60 else "not_eligible"
            step(outcome, 3)
            out["decisions"].append(dict(application_id=i, commune_id=c, rule_set_id=1, outcome=outcome,
                                         failed_rules=[] if outcome == "eligible" else ["E2"], results=[], facts={},
                                         decided_at=t, priority_tier=3 if outcome == "eligible" else None))
        if r < 50:
            step("proposed", 5)
        if r < 40:
            step("approved", 10)
        if r < 35:
            step("paid" if form == "cash" else "handed_over", 7)
            day = t.astimezone(VN_TZ).date()
            if form == "cash":
                out["payments"].append(dict(commune_id=c, application_id=i, amount=500_000, paid_on=day,
                                            purchase_date=dt.date(2025, 1, 2), recipient_name=name))
            else:
                voided = t + dt.timedelta(days=3) if r < 2 else None
                out["handovers"].append(dict(id=i, commune_id=c, application_id=i, phone_make="Nokia",
                                             phone_model="C32", telecom="VNPT", subscriber_number="0912345678",
                                             handed_on=day, recipient_name=name, voided_at=voided,
                                             void_reason="nhầm" if voided else None))
                out["imeis"].append(dict(handover_id=i, position=1, imei=f"35{i:013d}", live=voided is None))
                if voided is not None:
                    history.append((state, "approved", voided))
                    state = "approved"
        out["applications"].append(dict(id=i, commune_id=c, household_id=i, programme="VTCI-2025",
                                         tracking_code=bench_code("P", i), received_on=recv, support_form=form, state=state,
                                         state_changed_at=history[-1][2], priority_tier=3 if r < 60 else None,
                                         purchase_date=dt.date(2025, 1, 2) if form == "cash" else None))
        out["events"].extend(dict(application_id=i, from_state=f, to_state=to, at=when) for f, to, when in history)
    return out


def start_over(conn) -> None:
    """Empty the communes and hamlets the migrations' first run made and write the TT14 rule set
    (version 1) that every generated application refers to (also used by bench/scale.py)."""
    conn.execute(text("DELETE FROM hamlets"))
    conn.execute(text("DELETE FROM communes"))
    conn.execute(insert(RuleSet), [dict(
        id=1, code="TT14-2022", version=1, title="Thông tư 14/2022/TT-BTTTT", legal_source="TT14",
        effective_from=dt.date(2022, 12, 12), eligible_categories=["poor", "near_poor"], support_amount=500_000,
        cash_cutoff=dt.date(2022, 12, 12), priority_order=["P1", "P2", "P3", "P4"], definition={}, active=True)])


def generate(url: str, communes: range, n: int) -> float:
    """Write ``communes`` (commune ids) of ``n`` households each; returns the seconds taken."""
    t0 = time.perf_counter()
    engine = make_engine(url)
    with engine.begin() as conn:
        start_over(conn)
        for c in communes:
            conn.execute(insert(Commune).values(id=c, code=f"X{c:03d}", name=f"xã Số {c}",
                                                issuing_body=f"ỦY BAN NHÂN DÂN XÃ SỐ {c}", place_name=f"Số {c}",
                                                approval_level="commune", active=True))
            conn.execute(insert(Hamlet), [dict(commune_id=c, name=h, position=p) for p, h in enumerate(HAMLETS)])
            rows = _commune_rows(c, n, (c - 1) * n + 1)
            conn.execute(insert(Allocation), [dict(commune_id=c, quantity=n // 2, allocated_on=dt.date(2026, 1, 2),
                                                   source_document="CV 1")])
            for model, key in ((Household, "households"), (Application, "applications"),
                               (ApplicationEvent, "events"), (EligibilityDecision, "decisions"),
                               (Handover, "handovers"), (HandoverImei, "imeis"), (CashPayment, "payments")):
                if rows[key]:
                    conn.execute(insert(model), rows[key])
        refresh_spans(conn)  # the spans of states the tally reads (the app's flushes write them)
        if engine.dialect.name == "postgresql":
            for seq_table in ("communes", "households", "applications", "handovers"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{seq_table}', 'id'), "
                                  f"(SELECT max(id) FROM {seq_table}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    engine.dispose()
    return time.perf_counter() - t0


def measure(urls: dict[str, str], runs: int) -> dict[str, dict[str, float]]:
    """Median seconds of each of commune 1's reads in a clerk's Session, per database; the two
    databases are timed in turns (alone, province, alone, …) so a busy machine weighs on both alike."""
    from subsidy.models.scoping import set_commune
    from subsidy.services import allocations
    from subsidy.services.households import household_query
    from subsidy.services.pagination import paginate
    from subsidy.services.tally import tally

    engines = {k: make_engine(u) for k, u in urls.items()}
    sessions = {k: make_sessionmaker(e, readonly=True)() for k, e in engines.items()}

    def cases(session):
        return {
            "list": lambda: paginate(session, household_query(), 1, 50),
            "search": lambda: paginate(session, household_query("nguyen van"), 1, 50),
            "queue": lambda: allocations.waiting_list(session, 50, commune_id=1),
            "tally": lambda: tally(session, MONTH, hamlets=HAMLETS, today=TODAY),
        }

    for session in sessions.values():
        set_commune(session, 1)
        for fn in cases(session).values():  # warm up: plans cached, pages in memory
            fn()
            session.rollback()
    times: dict[str, dict[str, list[float]]] = {k: {} for k in urls}
    for _ in range(runs):
        for name in ("list", "search", "queue", "tally"):
            for k, session in sessions.items():
                fn = cases(session)[name]
                t0 = time.perf_counter()
                fn()
                times[k].setdefault(name, []).append(time.perf_counter() - t0)
                session.rollback()
    for k, session in sessions.items():
        assert session.scalar(select(func.count()).select_from(Household)) > 0, k
        session.close()
        engines[k].dispose()
    return {k: {name: statistics.median(v) for name, v in t.items()} for k, t in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database-url", default=None,
                    help="PostgreSQL database to empty and use (and DB_alone); none = a small run on SQLite")
    ap.add_argument("--communes", type=int, default=None, help="default 100 (PostgreSQL), 5 (SQLite)")
    ap.add_argument("--households", type=int, default=None, help="default 1500 (PostgreSQL), 300 (SQLite)")
    ap.add_argument("--runs", type=int, default=None, help="default 15 (PostgreSQL), 5 (SQLite)")
    ap.add_argument("--reuse", action="store_true", help="measure the databases a previous run built")
    args = ap.parse_args()
    on_sqlite = args.database_url is None
    small = {"communes": 5, "households": 300, "runs": 5} if on_sqlite else {"communes": 100, "households": 1500,
                                                                              "runs": 15}
    for name, value in small.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.reuse:
        if on_sqlite:
            ap.error("--reuse needs --database-url (the SQLite run's files are removed when it ends)")
        from subsidy.config import normalise_database_url

        big_url = normalise_database_url(args.database_url)
        base = make_url(big_url)
        alone_url = base.set(database=f"{base.database}_alone").render_as_string(hide_password=False)
        report(measure({"alone": alone_url, "province": big_url}, args.runs))
        return
    if on_sqlite:
        print("province: no --database-url, a small run on temporary SQLite files (the README's figures are "
              "from PostgreSQL: give --database-url postgresql://… for those)")
        big_url, cleanup_big = fresh_database(None, "bench-province-")
        alone_url, cleanup_alone = fresh_database(None, "bench-province-alone-")
        try:
            run(args, big_url, alone_url, "SQLite")
        finally:
            cleanup_big()
            cleanup_alone()
        return
    big_url, _ = fresh_database(args.database_url, "bench-province-")
    base = make_url(big_url)
    admin = make_engine(big_url, isolation_level="AUTOCOMMIT")
    alone_name = f"{base.database}_alone"
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": alone_name}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{alone_name}"'))
    admin.dispose()
    alone_url, _ = fresh_database(base.set(database=alone_name).render_as_string(hide_password=False))
    run(args, big_url, alone_url, "PostgreSQL")


def run(args: argparse.Namespace, big_url: str, alone_url: str, dialect: str) -> None:
    """Generate the province and commune 1 alone, then time and print commune 1's reads in both."""
    g_big = generate(big_url, range(1, args.communes + 1), args.households)
    g_alone = generate(alone_url, range(1, 2), args.households)
    print(f"province: {args.communes} communes × {args.households:,} households generated in {g_big:.1f} s; "
          f"commune 1 alone in {g_alone:.1f} s ({dialect})")
    report(measure({"alone": alone_url, "province": big_url}, args.runs))


def report(medians: dict[str, dict[str, float]]) -> None:
    alone, big = medians["alone"], medians["province"]
    for name in big:
        ratio = big[name] / alone[name] if alone[name] else float("nan")
        print(f"  {name:7s} province {big[name] * 1000:8.1f} ms   alone {alone[name] * 1000:8.1f} ms   "
              f"ratio {ratio:.2f}  (target ≤ 1.2)")


if __name__ == "__main__":
    main()
