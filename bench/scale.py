"""Pages, reports and exports at province size: time through the app, SQL per request, bare SQL floors.

Generates N households with histories straight into the database (bench/tally.py's generator: COPY
on PostgreSQL, executemany on SQLite; names, CCCDs and phones filled in so search and the status
check have something to find; 80 % of households have an application), then, through the app
(Flask's test client, signed in as a clerk, every response checked), times each page --runs times
and prints p50 / p95 (wall ms), the SQL statements the request sent, and the page's bare SQL floor:
the very statements and parameters it sent, captured once, replayed on a raw DB-API connection
(fetchall, rolled back) in the same run — so "ratio" is what the app adds to its own queries.

Pages: the household list (first page, the next page by its cursor — keyset pages cost the same at
any depth, so there is no last page to time —, a hamlet, a name search, a family name alone (a word
many households share), a 2-letter search the trigram index cannot serve, a digits search), the
applications (all, the eligible queue first and next page, a search), the lists page, the receipts
(and a search), the province officer's household list (first and next page, a search across every
commune: a name, 4 digits as a masked searcher types them — the CCCD's shown tail —), the province
officer's application queue searched across every commune (a name; a whole tracking code), the radio
page, the monthly tally (month and cumulative), the annual report, the tally PDF, the household
CSV and XLSX exports (--exports; one run each, with the process's peak RSS) and the public status
check (POST, limits in memory).

Communes: with --communes 1 (the default) every household is generated into the bench's one
commune (bench/_fresh_db.py's first commune) with bench/tally.py's history. With --communes K > 1
the households are spread over K communes of N/K each with bench/province.py's history mix (per
100 households: 80 applications, 70 checked, 60 eligible, 50 proposed, 40 approved, 30 handed
over, 5 paid, 2 handovers voided; January–July 2026), written in chunks of communes (COPY on
PostgreSQL, executemany on SQLite); the pages are then also timed for a province officer: the
province's monthly tally (month and cumulative), annual report and tally PDF, one grouped pass over
every commune (services/tally/province.py).

usage: .venv/bin/python bench/scale.py [--households 3000] [--communes 1] [--runs 10] [--database-url URL]
       [--reuse] [--exports] [--only NAME,NAME]
       (default: a new SQLite file; a PostgreSQL URL is emptied first: give it a database of its own,
        e.g. postgresql://postgres@127.0.0.1:5432/bench_scale; --reuse times the database a previous
        run generated there, without emptying it)
"""
from __future__ import annotations

import argparse
import re
import datetime as dt
import random
import statistics
import sys
import time
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import event  # noqa: E402

import tally as tally_bench  # noqa: E402
from _fresh_db import fresh_database  # noqa: E402

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh"]
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Đào", "Hùng", "Lan", "Mai", "Nga", "Phúc", "Sơn", "Thảo", "Tâm", "Yến",
         "Khánh", "Long", "Hải", "Hạnh", "Quân", "Trang"]
PASSWORD = "Lua-chin-vang-2026"


def household(i: int, rnd: random.Random) -> dict:
    """A household as the registry holds it (derived search and sort keys as the service writes)."""
    from subsidy.services.households.columns import derived_keys

    row = tally_bench.default_household(i, rnd)
    name = f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"
    cccd, phone = f"0820{i:08d}", f"09{i:08d}"
    search_text, sort_key = derived_keys(name, row["code"], cccd, phone)
    row.update(head_name=name, citizen_id=cccd, citizen_id_kind="cccd", phone=phone, head_birth_year=1940 + i % 60,
               search_text=search_text, sort_key=sort_key)
    return row


class SqlCounter:
    """Counts and records the statements the app's engines send while ``on``."""

    def __init__(self, engines) -> None:
        self.on = False
        self.statements: list[tuple[object, str, object]] = []
        for engine in engines:
            event.listen(engine, "before_cursor_execute", self._hook(engine))

    def _hook(self, engine):
        def hook(conn, cursor, statement, parameters, context, executemany):
            if self.on:
                self.statements.append((engine, statement, None if executemany else parameters))
        return hook


_CONTROL = {"BEGIN", "COMMI", "ROLLB", "SAVEP", "RELEA", "PRAGM"}


def floor(statements, runs: int) -> list[float]:
    """Wall ms of replaying ``statements`` on raw DB-API connections (fetchall; rolled back)."""
    times = []
    for _ in range(runs):
        conns = {}
        t0 = time.perf_counter()
        for engine, stmt, params in statements:
            if params is None or stmt.lstrip()[:5].upper() in _CONTROL:
                continue  # an executemany (the view log's insert), or the transaction's own BEGIN
            raw = conns.get(engine) or conns.setdefault(engine, engine.raw_connection())
            cur = raw.cursor()
            cur.execute(stmt, params)
            if cur.description:
                cur.fetchall()
            cur.close()
        times.append((time.perf_counter() - t0) * 1000)
        for raw in conns.values():
            raw.rollback()
            raw.close()
    return times


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=3000)
    ap.add_argument("--communes", type=int, default=1, help="spread the households over this many communes")
    ap.add_argument("--reuse", action="store_true", help="time the database a previous run generated (--database-url)")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--exports", action="store_true", help="also the household CSV and XLSX exports (one run)")
    ap.add_argument("--only", default="", help="comma-separated page names")
    opts = ap.parse_args()

    if opts.reuse:
        from subsidy.config import normalise_database_url

        if not opts.database_url:
            ap.error("--reuse needs --database-url")
        url, cleanup = normalise_database_url(opts.database_url), (lambda: None)
        return run(url, opts)
    url, cleanup = fresh_database(opts.database_url, prefix="scale-bench-")
    try:
        return run(url, opts)
    finally:
        cleanup()


def generate_communes(url: str, communes: int, per_commune: int, chunk: int = 20) -> dict[str, int]:
    """``communes`` communes (ids 1..K, the first one replacing the bench's) of ``per_commune``
    households each with bench/province.py's rows, ``chunk`` communes at a time (COPY on
    PostgreSQL, executemany on SQLite). Returns row counts per table."""
    import province as prov
    from sqlalchemy import insert, text

    from subsidy.db import make_engine
    from subsidy.models.state_spans import refresh_spans
    from subsidy.models import (
        Allocation, Application, ApplicationEvent, CashPayment, Commune, EligibilityDecision, Hamlet, Handover,
        HandoverImei, Household,
    )

    engine = make_engine(url)
    counts: dict[str, int] = {}
    models = ((Household, "households"), (Application, "applications"), (ApplicationEvent, "events"),
              (EligibilityDecision, "decisions"), (Handover, "handovers"), (HandoverImei, "imeis"),
              (CashPayment, "payments"))

    def utc(row: dict) -> dict:  # COPY would keep an aware time's local clock in a naive column
        return {k: (v.astimezone(dt.timezone.utc).replace(tzinfo=None) if isinstance(v, dt.datetime) and v.tzinfo
                    else v) for k, v in row.items()}

    with engine.begin() as conn:
        prov.start_over(conn)
    for first in range(1, communes + 1, chunk):
        ids = range(first, min(communes, first + chunk - 1) + 1)
        rows: dict[str, list[dict]] = {key: [] for _m, key in models}
        with engine.begin() as conn:
            for c in ids:
                conn.execute(insert(Commune).values(id=c, code=f"X{c:03d}", name=f"xã Số {c}",
                                                    issuing_body=f"ỦY BAN NHÂN DÂN XÃ SỐ {c}", place_name=f"Số {c}",
                                                    province="tỉnh Bench", approval_level="commune", active=True))
                conn.execute(insert(Hamlet), [dict(commune_id=c, name=h, position=p)
                                              for p, h in enumerate(prov.HAMLETS)])
                conn.execute(insert(Allocation), [dict(commune_id=c, quantity=per_commune // 2,
                                                       allocated_on=dt.date(2026, 1, 2), source_document="CV 1")])
                for key, values in prov._commune_rows(c, per_commune, (c - 1) * per_commune + 1).items():
                    rows[key].extend(values)
            for model, key in models:
                if not rows[key]:
                    continue
                if conn.dialect.name == "postgresql":
                    tally_bench.copy_rows(conn, model, [utc(r) for r in rows[key]])
                else:
                    for i in range(0, len(rows[key]), tally_bench.CHUNK):
                        conn.execute(insert(model), rows[key][i:i + tally_bench.CHUNK])
                counts[key] = counts.get(key, 0) + len(rows[key])
        print(f"  communes {ids.start}–{ids.stop - 1} written", flush=True)
    with engine.begin() as conn:
        refresh_spans(conn)  # the spans of states the tally reads (the app's flushes write them, not COPY)
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('communes', 'id'), (SELECT max(id) FROM communes))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
    engine.dispose()
    return counts


def run(url: str, opts) -> int:
    n = opts.households
    t = time.perf_counter()
    if opts.reuse:
        print(f"reusing the database generated before ({url.split(':')[0]})", flush=True)
    elif opts.communes > 1:
        counts = generate_communes(url, opts.communes, n // opts.communes)
        print(f"generated {n:,} households in {opts.communes} communes, {counts.get('applications', 0):,} "
              f"applications, {counts.get('events', 0):,} events, {counts.get('handovers', 0):,} handovers, "
              f"{counts.get('payments', 0):,} payments in {time.perf_counter() - t:.0f} s ({url.split(':')[0]})",
              flush=True)
    else:
        counts = tally_bench.generate(url, n, int(n * 0.8), household=household)
        print(f"generated {n:,} households, {counts.get('applications', 0):,} applications, "
              f"{counts.get('application_events', 0):,} events, {counts.get('handovers', 0):,} handovers, "
              f"{counts.get('cash_payments', 0):,} payments in {time.perf_counter() - t:.0f} s "
              f"({url.split(':')[0]}; one commune)", flush=True)

    from subsidy import create_app
    from subsidy.services import users

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_STORAGE_URI": "memory://", "STATUS_RATE_LIMIT_CLIENT": "1000000/minute",
                      "STATUS_RATE_LIMIT_CODE": "1000000/minute;1000000/day"})
    s = app.extensions["subsidy.sessionmaker"]()
    from subsidy.models import User

    if s.query(User).filter_by(username="bench-clerk").first() is None:  # --reuse: made by the first run
        users.create_user(s, "bench-clerk", "clerk", PASSWORD, None, full_name="Cán bộ Bench",
                          must_change_password=False, commune_id=1)
        users.create_user(s, "bench-province", "province_officer", PASSWORD, None, full_name="Sở Bench",
                          must_change_password=False)
    codes = [r[0] for r in s.execute(__import__("sqlalchemy").text(
        "SELECT tracking_code FROM applications ORDER BY id LIMIT 200"))]
    # --reuse: the database says which generator wrote it (bench/province.py's names with K > 1)
    spread = (s.scalar(__import__("sqlalchemy").text("SELECT count(*) FROM communes")) or 1) > 1
    cccd = dict(s.execute(__import__("sqlalchemy").text(
        "SELECT a.tracking_code, h.citizen_id FROM applications a JOIN households h ON h.id = a.household_id "
        "ORDER BY a.id LIMIT 200")).all())
    s.commit()
    s.close()
    engines = [app.extensions[k] for k in ("subsidy.engine", "subsidy.read_engine", "subsidy.single_statement_engine")
               if k in app.extensions]
    engines = list({id(e): e for e in engines}.values())
    counter = SqlCounter(engines)
    client = app.test_client()
    resp = client.post("/dang-nhap", data={"username": "bench-clerk", "password": PASSWORD})
    assert resp.status_code == 302, resp.data[:300]
    province = app.test_client()
    resp = province.post("/dang-nhap", data={"username": "bench-province", "password": PASSWORD})
    assert resp.status_code == 302, resp.data[:300]
    rnd = random.Random(5)

    month = tally_bench.MONTH  # June 2026 in both histories
    # the searches look for the names the generator wrote (bench/province.py's with --communes K > 1)
    import province as prov
    family, given = (prov.FAMILY, prov.GIVEN) if spread else (FAMILY, GIVEN)
    hamlet = "Ấp Hai" if spread else "Ấp Tân Hòa"
    year = month[:4]
    def next_page(path: str, who=None) -> str:
        """The «Sau ›» link of a list's first page: the next page read by its cursor (keyset pages
        cost the same at any depth: there is no last-page link to time). Found once per path."""
        key = (path, id(who))
        if key not in next_links:
            html = (who or client).get(path).get_data(as_text=True)
            found = re.search(r'href="([^"]+)" rel="next"', html)
            next_links[key] = unescape(found.group(1)) if found else path
        return next_links[key]

    next_links: dict = {}
    pages = [
        ("households p1", lambda: client.get("/ho-gia-dinh/")),
        ("households next", lambda: client.get(next_page("/ho-gia-dinh/"))),
        ("households hamlet", lambda: client.get("/ho-gia-dinh/", query_string={"hamlet": hamlet})),
        ("households search", lambda: client.get("/ho-gia-dinh/", query_string={
            "q": f"{rnd.choice(given).lower()} {rnd.choice(family)}"})),
        ("households search family", lambda: client.get("/ho-gia-dinh/", query_string={"q": rnd.choice(family)})),
        ("households search short", lambda: client.get("/ho-gia-dinh/", query_string={
            "q": rnd.choice(["an", "le", "vo", "ly"])})),
        ("households search nums", lambda: client.get("/ho-gia-dinh/", query_string={
            "q": f"{rnd.randrange(10**5):05d}"})),
        ("applications p1", lambda: client.get("/ho-so/")),
        ("queue eligible p1", lambda: client.get("/ho-so/", query_string={"state": "eligible"})),
        ("queue eligible next", lambda: client.get(next_page("/ho-so/?state=eligible"))),
        ("applications search", lambda: client.get("/ho-so/", query_string={"q": rnd.choice(family)})),
        ("lists", lambda: client.get("/danh-sach/")),
        ("receipts", lambda: client.get("/bien-ban/")),
        ("receipts search", lambda: client.get("/bien-ban/", query_string={"q": rnd.choice(family)})),
        ("radio", lambda: client.get("/phat-thanh/")),
        ("tally month", lambda: client.get("/bao-cao", query_string={"ky": "thang", "thang": month})),
        ("tally cumulative", lambda: client.get("/bao-cao", query_string={"ky": "thang", "thang": month,
                                                                            "luy_ke": "y"})),
        ("annual report", lambda: client.get("/bao-cao", query_string={"ky": "nam", "nam": year})),
        ("tally PDF", lambda: client.get("/bao-cao/tai-ve.pdf", query_string={"ky": "thang", "thang": month})),
        ("province households p1", lambda: province.get("/ho-gia-dinh/")),
        ("province households next", lambda: province.get(next_page("/ho-gia-dinh/", province))),
        ("province search", lambda: province.get("/ho-gia-dinh/", query_string={
            "q": f"{rnd.choice(given).lower()} {rnd.choice(family)}"})),
        ("province search nums", lambda: province.get("/ho-gia-dinh/", query_string={
            "q": f"{rnd.randrange(10**4):04d}"})),
        ("province applications search", lambda: province.get("/ho-so/", query_string={
            "q": f"{rnd.choice(given).lower()} {rnd.choice(family)}"})),
        ("province applications code", lambda: province.get("/ho-so/", query_string={"q": rnd.choice(codes)})),
        ("province tally month", lambda: province.get("/bao-cao", query_string={"ky": "thang", "thang": month})),
        ("province tally cumul.", lambda: province.get("/bao-cao", query_string={
            "ky": "thang", "thang": month, "luy_ke": "y"})),
        ("province annual report", lambda: province.get("/bao-cao", query_string={"ky": "nam", "nam": year})),
        ("province tally PDF", lambda: province.get("/bao-cao/tai-ve.pdf", query_string={
            "ky": "thang", "thang": month})),
        ("status check", lambda: (lambda c: client.post("/tra-cuu", data={"ma": c, "so": cccd[c][-4:]}))(
            rnd.choice(codes))),
    ]
    if opts.exports:
        pages += [("export households CSV", lambda: client.get("/tai-ve/ho-gia-dinh.csv")),
                  ("export households XLSX", lambda: client.get("/tai-ve/ho-gia-dinh.xlsx"))]
    only = {x.strip() for x in opts.only.split(",") if x.strip()}
    print(f"{'page':24s} {'p50 ms':>8s} {'p95 ms':>8s} {'SQL/req':>7s} {'floor p50':>9s} {'ratio':>6s}  runs")
    for name, call in pages:
        if only and name not in only:
            continue
        runs = 1 if name.startswith("export") else opts.runs
        resp = call()  # warm-up (templates, statement cache) and the check of the answer
        resp.get_data()
        assert resp.status_code == 200, (name, resp.status_code, resp.data[:300])
        times, sql_counts, captured = [], [], None
        for _ in range(runs):
            counter.statements = []
            counter.on = True
            t0 = time.perf_counter()
            resp = call()
            resp.get_data()  # a streamed export is read to its end
            times.append((time.perf_counter() - t0) * 1000)
            counter.on = False
            assert resp.status_code == 200, (name, resp.status_code)
            sql_counts.append(len(counter.statements))
            captured = captured or list(counter.statements)
        fl = floor(captured, min(runs, 5)) if captured else [0.0]
        p50, p95, f50 = statistics.median(times), pct(times, 95), statistics.median(fl)
        print(f"{name:24s} {p50:8.1f} {p95:8.1f} {statistics.median(sql_counts):7.0f} {f50:9.1f} "
              f"{p50 / f50 if f50 else float('nan'):6.2f}  {runs}", flush=True)
    for e in engines:
        e.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
