"""What logging a view of personal data costs (subsidy/web/viewlog.record_view: one INSERT in its
own short write transaction per page view).

Times GET of the household, application and receipt pages (signed in as a clerk/approver, the
Flask test client, one process) with the view log on, then with it switched off (record_view
replaced by a no-op in the view modules), and prints the median and 95th percentile per page and
the difference. Database: BENCH_DATABASE_URL if set (a PostgreSQL you may empty), else a temporary
SQLite file. Prints figures; not a pass/fail test.

    .venv/bin/python bench/view_log.py [--n 300]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from subsidy import create_app  # noqa: E402
from _fresh_db import fresh_database  # noqa: E402

VIEW_MODULES = ("subsidy.web.households", "subsidy.web.applications", "subsidy.web.receipts")


def _seed(app) -> dict[str, int]:
    from subsidy.models import Application, Receipt
    from subsidy.services import users
    from tests.tally_history import build_history

    s = app.extensions["subsidy.sessionmaker"]()
    build_history(s)
    users.create_user(s, "canbo", "clerk", "Lua-chin-vang-2026", None, full_name="Lê Thị Cán Bộ",
                      must_change_password=False)
    app1 = s.get(Application, 1)
    s.add(Receipt(series="BB-VTCI", year=2026, number=1, kind="handover", application_id=app1.id, handover_id=1,
                  snapshot={"recipient_name": "Nguyễn Văn An", "recipient_citizen_id": "082012345678"}))
    s.commit()
    ids = {"household": app1.household_id, "application": app1.id, "receipt": s.scalar(select(Receipt.id))}
    s.close()
    return ids


def _time(client, url: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        resp = client.get(url)
        out.append((time.perf_counter() - t0) * 1000)
        assert resp.status_code == 200, (url, resp.status_code)
    return out


def _switch(on: bool, saved: dict) -> None:
    import importlib

    for name in VIEW_MODULES:
        mod = importlib.import_module(name)
        if not hasattr(mod, "record_view"):
            continue
        if name not in saved:
            saved[name] = mod.record_view
        mod.record_view = saved[name] if on else (lambda *a, **k: None)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    args = ap.parse_args()
    url, cleanup = fresh_database(os.environ.get("BENCH_DATABASE_URL"), "bench-view-log-")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "TESTING": True})
    ids = _seed(app)
    client = app.test_client()
    assert client.post("/dang-nhap", data={"username": "canbo", "password": "Lua-chin-vang-2026"}).status_code == 302
    pages = {"hộ gia đình": f"/ho-gia-dinh/{ids['household']}", "hồ sơ": f"/ho-so/{ids['application']}",
             "biên bản": f"/bien-ban/{ids['receipt']}"}
    saved: dict = {}
    print(f"database: {app.extensions['subsidy.engine'].dialect.name}, {args.n} GETs per page and mode")
    for label, path in pages.items():
        _time(client, path, 20)  # warm up
        results = {}
        for on in (False, True, False, True):  # alternate, so drift does not favour one mode
            _switch(on, saved)
            results.setdefault(on, []).extend(_time(client, path, args.n // 2))
        off, on_ = results[False], results[True]
        med_off, med_on = statistics.median(off), statistics.median(on_)
        p95 = lambda xs: statistics.quantiles(xs, n=20)[18]  # noqa: E731
        print(f"{label:<12} {path:<20} off: median {med_off:6.2f} ms p95 {p95(off):6.2f} | "
              f"on: median {med_on:6.2f} ms p95 {p95(on_):6.2f} | +{med_on - med_off:5.2f} ms")
    _switch(True, saved)
    s = app.extensions["subsidy.sessionmaker"]()
    from subsidy.models import AuditEntry

    views = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("%.view")))
    s.close()
    print(f"view entries written: {views}")
    app.extensions["subsidy.engine"].dispose()
    cleanup()


if __name__ == "__main__":
    main()
