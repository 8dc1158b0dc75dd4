"""Benchmark of the monthly tally (docs/tally.md): 100,000 households, 80,000 applications with histories.

Generates the data (bulk inserts), then measures in the same run:
  * the tally (subsidy.services.tally.tally: SQL + roll-up + dataclasses) for one month and
    cumulatively, best of N runs;
  * the bare SQL GROUP BY queries the tally needs — the exact statements and parameters it sent to
    the driver, captured once, replayed on a raw DB-API cursor (fetchall), best of N;
  * the ratio tally / bare SQL (target ≤ 1.5) and the PDF (tally + render, target < 3 s);
  * for information: the annual report and the radio counts.

usage: .venv/bin/python bench/tally.py [--households 100000] [--applications 80000] [--runs 5]
       [--database-url URL]   (default: a new SQLite file in a temporary directory; a PostgreSQL
                               URL is emptied first: give it a database of its own)
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

from sqlalchemy import event, insert  # noqa: E402

from _fresh_db import fresh_database  # noqa: E402
from _codes import bench_code  # noqa: E402
from subsidy.db import make_engine, make_sessionmaker  # noqa: E402
from subsidy.domain.calendar import VN_TZ  # noqa: E402
from subsidy.models.state_spans import refresh_spans  # noqa: E402
from subsidy.models import (  # noqa: E402
    Allocation, Application, ApplicationEvent, CashPayment, EligibilityDecision, Handover, HandoverImei, Household,
    RuleSet,
)

VN = VN_TZ
HAMLETS = ["Ấp Phú Hòa", "Ấp Phú Thành", "Ấp Phú Xuân", "Ấp Phú Lợi", "Ấp Phú Thạnh", "Ấp Phú Hưng",
           "Ấp Tân Long", "Ấp Tân Hòa", "Ấp Bình Thạnh", "Ấp Bình Hòa", "Ấp Mỹ Phú", "Ấp Mỹ Lợi"]
START = dt.date(2025, 1, 1)
CUTOFF = dt.datetime(2026, 11, 29, 12, tzinfo=VN)  # no history after this (before "today")
MONTH = "2026-06"
TODAY = dt.date(2026, 11, 30)
CHUNK = 20_000


def when(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=VN)


def copy_rows(conn, model, rows: list[dict]) -> None:
    """PostgreSQL: write ``rows`` into ``model``'s table with COPY (psycopg 3), filling the
    columns the rows leave out with their Python-side defaults as insert() would; JSON columns
    as JSON. Much faster than executemany for hundreds of thousands of rows."""
    from psycopg.types.json import Jsonb
    from sqlalchemy import JSON

    table = model.__table__
    given = list(rows[0])
    extra = [c for c in table.columns if c.name not in given and c.default is not None
             and (c.default.is_scalar or c.default.is_callable)]
    cols = given + [c.name for c in extra]
    json_cols = {c.name for c in table.columns if isinstance(c.type, JSON)}
    fill = [(c.default.arg if c.default.is_scalar else c.default.arg(None)) for c in extra]
    raw = conn.connection.dbapi_connection
    with raw.cursor() as cur:
        with cur.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as copy:
            for r in rows:
                values = [r[c] for c in given] + fill
                copy.write_row([Jsonb(v) if c in json_cols and v is not None else v for c, v in zip(cols, values)])
    if "id" in given:
        conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                             f"(SELECT max(id) FROM {table.name}))")


def default_household(i: int, rnd: random.Random) -> dict:
    r = rnd.random()
    return dict(id=i, code=f"H{i:06d}", head_name=f"Chủ hộ {i}", hamlet=rnd.choice(HAMLETS),
                category="poor" if r < 0.55 else ("near_poor" if r < 0.95 else None),
                members=1, prior_device="unknown", search_text="", sort_key="", archived=False,
                meritorious=False, social_policy=False, commune_id=1)


def generate(url: str, n_households: int, n_applications: int, seed: int = 42,
             household=default_household) -> dict[str, int]:
    """Bulk-insert the households (``household(i, rnd)`` → the row of household i), applications
    and their histories (COPY on PostgreSQL, executemany on SQLite); returns row counts."""
    rnd = random.Random(seed)
    engine = make_engine(url)
    counts: dict[str, int] = {}

    def bulk(conn, model, rows):
        if rows and conn.dialect.name == "postgresql":
            copy_rows(conn, model, rows)
        else:
            for i in range(0, len(rows), CHUNK):
                conn.execute(insert(model), rows[i:i + CHUNK])
        counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)

    with engine.begin() as conn:
        conn.execute(insert(RuleSet), [dict(
            id=1, code="TT14-2022", version=1, title="Thông tư 14/2022/TT-BTTTT", legal_source="TT14",
            effective_from=dt.date(2022, 12, 12), eligible_categories=["poor", "near_poor"], support_amount=500_000,
            cash_cutoff=dt.date(2022, 12, 12), priority_order=["P1", "P2", "P3", "P4"], definition={}, active=True)])
        bulk(conn, Household, [household(i, rnd) for i in range(1, n_households + 1)])
        bulk(conn, Allocation, [dict(quantity=q, allocated_on=d, source_document=f"CV {k}", commune_id=1)
                                for k, (q, d) in enumerate([(20_000, dt.date(2025, 2, 1)), (25_000, dt.date(2025, 9, 1)),
                                                            (15_000, dt.date(2026, 5, 1))], 1)])

        apps, events, decisions, handovers, handover_imeis, payments = [], [], [], [], [], []
        span = (CUTOFF.date() - START).days - 60
        hh_ids = rnd.sample(range(1, n_households + 1), n_applications)
        imei = 350_000_000_000_000
        for a_id, hh in enumerate(hh_ids, start=1):
            recv = START + dt.timedelta(days=rnd.randrange(span))
            form = "cash" if rnd.random() < 0.2 else "package"
            tier = rnd.choice((1, 2, 3, 3, 4, 4))
            t = when(recv, 8)
            state = "received"
            history = [(None, "received", t)]

            def step(target: str, days: tuple[int, int]) -> bool:
                nonlocal t, state
                nt = t + dt.timedelta(days=rnd.randint(*days), hours=rnd.randint(0, 8))
                if nt > CUTOFF:
                    return False
                history.append((state, target, nt))
                t, state = nt, target
                return True

            r = rnd.random()
            outcome = "eligible" if r < 0.85 else ("not_eligible" if r < 0.97 else "undecided")
            if step(outcome if outcome != "undecided" else "received", (1, 20)):
                if outcome == "undecided":
                    history.pop()
                failed = [] if outcome != "not_eligible" else rnd.sample(["E1", "E2", "E4"], rnd.choice((1, 1, 2)))
                decisions.append(dict(application_id=a_id, commune_id=1, rule_set_id=1, outcome=outcome, failed_rules=failed,
                                      results=[], facts={}, decided_at=t,
                                      priority_tier=tier if outcome == "eligible" else None))
                if outcome != "eligible":
                    tier = None
            if state == "eligible" and rnd.random() < 0.02:
                step("withdrawn", (1, 30))
            if state == "eligible" and rnd.random() < 0.7 and step("proposed", (1, 30)):
                if rnd.random() < 0.85 and step("approved", (5, 30)) and rnd.random() < 0.8:
                    target = "paid" if form == "cash" else "handed_over"
                    if step(target, (1, 20)):
                        day = t.astimezone(VN).date()
                        voided = None
                        if rnd.random() < 0.03:
                            vt = t + dt.timedelta(days=rnd.randint(5, 40))
                            if vt <= CUTOFF:
                                voided = vt
                        if target == "handed_over":
                            imei += 1
                            handovers.append(dict(id=len(handovers) + 1, application_id=a_id, phone_make="Nokia",
                                                  phone_model="C32", telecom="VNPT", subscriber_number="0912345678",
                                                  handed_on=day, recipient_name="Người nhận",
                                                  voided_at=voided, commune_id=1))
                            handover_imeis.append(dict(handover_id=len(handovers), position=1, imei=str(imei),
                                                       live=voided is None))
                        else:
                            payments.append(dict(application_id=a_id, amount=500_000, paid_on=day,
                                                 purchase_date=dt.date(2025, 1, 2), recipient_name="Người nhận",
                                                 voided_at=voided, commune_id=1))
                        if voided is not None:
                            history.append((state, "approved", voided))
                            t, state = voided, "approved"
            apps.append(dict(id=a_id, household_id=hh, programme="VTCI-2025", tracking_code=bench_code("B", a_id),
                             received_on=recv, support_form=form, state=state, state_changed_at=t, priority_tier=tier,
                             purchase_date=dt.date(2025, 1, 2) if form == "cash" else None, commune_id=1))
            events.extend(dict(application_id=a_id, from_state=f, to_state=to, at=at) for f, to, at in history)
        bulk(conn, Application, apps)
        bulk(conn, ApplicationEvent, events)
        bulk(conn, EligibilityDecision, decisions)
        bulk(conn, Handover, handovers)
        bulk(conn, HandoverImei, handover_imeis)
        bulk(conn, CashPayment, payments)
        refresh_spans(conn)  # the spans of states the tally reads (written by the app's flushes, not by COPY)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    return counts


def timed(fn) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process, result). With SQLite the database work runs in
    this process, so the CPU time is the work itself, free of waiting for a busy machine's CPU."""
    w0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - w0, time.process_time() - c0, result


def best(fn, runs: int) -> tuple[float, list[float], object]:
    times, result = [], None
    for _ in range(runs):
        wall, _cpu, result = timed(fn)
        times.append(wall)
    return min(times), times, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--applications", type=int, default=80_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()

    url, cleanup = fresh_database(args.database_url, "bench-tally-")
    t0 = time.perf_counter()
    counts = generate(url, args.households, args.applications)
    gen = time.perf_counter() - t0
    print(f"database: {url.split('://')[0]}; generated in {gen:.1f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items()))

    from subsidy.documents.tally import render_pdf
    from subsidy.services import tally as T

    engine = make_engine(url)
    session = make_sessionmaker(engine, readonly=True)()

    def run_tally(cumulative: bool = False):
        r = T.tally(session, MONTH, cumulative, hamlets=HAMLETS, today=TODAY)
        session.rollback()
        return r

    # Capture the statements and parameters the tally sends to the driver.
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "ROLLBACK", "COMMIT")):
            captured.append((statement, parameters))

    for cumulative in (False, True):
        run_tally(cumulative)  # warm the caches (SQLAlchemy's statement cache, the database's pages)
        captured.clear()
        event.listen(engine, "before_cursor_execute", capture)
        run_tally(cumulative)
        event.remove(engine, "before_cursor_execute", capture)
        statements = list(captured)

        def bare():
            raw = engine.raw_connection()
            try:
                cur = raw.cursor()
                for sql, params in statements:
                    cur.execute(sql, params)
                    if cur.description is not None:  # not for SET LOCAL
                        cur.fetchall()
                cur.close()
                raw.rollback()
            finally:
                raw.close()

        bare()
        label = "cumulative to end of " + MONTH if cumulative else "month " + MONTH
        # Interleave the two measurements so that both see the same machine state.
        tw, tc, bw, bc = [], [], [], []
        for _ in range(args.runs):
            wall, cpu, _r = timed(lambda: run_tally(cumulative))
            tw.append(wall)
            tc.append(cpu)
            wall, cpu, _r = timed(bare)
            bw.append(wall)
            bc.append(cpu)
        result = run_tally(cumulative)
        print(f"\n== tally, {label}: {len(statements)} statements, best of {args.runs} (median)")
        cpu = engine.dialect.name == "sqlite"  # with a server, the database's CPU is not ours to count

        def line(name: str, wall: list[float], cpu_s: list[float]) -> str:
            out = f"  {name:46s} wall {min(wall) * 1000:7.1f} ms ({statistics.median(wall) * 1000:.1f})"
            if cpu:
                out += f"   CPU {min(cpu_s) * 1000:7.1f} ms ({statistics.median(cpu_s) * 1000:.1f})"
            return out

        print(line("tally (service: SQL + roll-up + dataclasses):", tw, tc))
        print(line("bare SQL GROUP BY queries (raw DB-API):", bw, bc))
        ratio = f"wall {min(tw) / min(bw):.2f}" + (f", CPU {min(tc) / min(bc):.2f}" if cpu else "")
        print(f"  ratio tally / bare SQL: {ratio}  (target ≤ 1.5)   tally < 1 s: {'yes' if min(tw) < 1 else 'NO'} (wall)")
        tot = result.totals
        print(f"  totals: received {tot.received:,}, eligible {tot.eligible:,}, not eligible {tot.not_eligible:,}, "
              f"handed over {tot.handed_over:,}, paid {tot.paid:,}, supported {tot.supported:,}, waiting "
              f"{tot.waiting:,}; quota left {result.quota.left:,}")
        t_pdf, _times, pdf = best(lambda: render_pdf(run_tally(cumulative)), max(1, args.runs // 2))
        print(f"  PDF (tally + render): best {t_pdf * 1000:.0f} ms, {len(pdf):,} bytes  (target < 3 s)")

    t_ann, c_ann, _r = timed(lambda: T.annual_report(session, 2026, hamlets=HAMLETS, today=TODAY))
    session.rollback()
    t_radio, _t, _r = best(lambda: T.radio_counts(session, dt.date(2026, 6, 15), hamlets=HAMLETS), 3)
    session.rollback()
    print(f"\nfor information: annual report 2026 (11 months + year to date + year): {t_ann * 1000:.0f} ms"
          + (f" (CPU {c_ann * 1000:.0f} ms)" if engine.dialect.name == "sqlite" else "") + "; "
          f"radio counts: {t_radio * 1000:.1f} ms")
    session.close()
    engine.dispose()
    cleanup()


if __name__ == "__main__":
    main()
