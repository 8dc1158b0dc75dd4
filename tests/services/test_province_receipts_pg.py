"""Receipt numbers 1..n per commune per year under concurrency, on PostgreSQL: two communes, 25
concurrent handovers each, every clerk in a Session of their own commune (as their web request)."""
from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from subsidy.db import make_engine, make_sessionmaker
from subsidy.models import ApplicationEvent, Receipt, ReceiptCounter, User
from subsidy.models.scoping import set_commune
from subsidy.services import communes
from subsidy.services import handovers as H
from tests import factories
from tests.factories import APPROVED_AT
from tests.handover_support import handover_input, imei

TODAY = dt.date(2026, 3, 10)
PER_COMMUNE = 25


def _approved(s, commune_id: int):
    h = factories.household(s, commune_id=commune_id, members=3, list_year=2026)
    app = factories.application(s, h, state="approved")
    for a, b, days in ((None, "received", 40), ("received", "eligible", 39), ("eligible", "proposed", 38),
                       ("proposed", "approved", 0)):
        s.add(ApplicationEvent(application_id=app.id, from_state=a, to_state=b,
                               at=APPROVED_AT - dt.timedelta(days=days)))
    return app.id


def test_two_communes_number_their_receipts_1_to_25_at_once(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): row locks under concurrent sessions")
    maker = app.extensions["subsidy.sessionmaker"]
    work = []
    with maker() as s:
        for code in ("XAA", "XAB"):
            c = communes.create_commune(s, communes.CommuneInput(code=code, name=f"xã {code}"), None)
            clerk = factories.user(s, "clerk", f"canbo-{code.lower()}", commune_id=c.id)
            work += [(c.id, clerk.id, _approved(s, c.id)) for _ in range(PER_COMMUNE)]
        s.commit()
    engine = make_engine(database_url, pool_size=25, max_overflow=30)
    session_maker = make_sessionmaker(engine)
    start = threading.Barrier(len(work))

    def one(k: int) -> tuple[int, int]:
        commune_id, clerk_id, app_id = work[k]
        start.wait()
        with session_maker() as s:
            set_commune(s, commune_id)
            clerk = s.get(User, clerk_id)
            res = H.record_handover(s, app_id, handover_input(imei(5000 + k)), clerk, today=TODAY)
            s.commit()
            return commune_id, res.receipt.number

    try:
        with ThreadPoolExecutor(max_workers=len(work)) as pool:
            results = list(pool.map(one, range(len(work))))
    finally:
        engine.dispose()
    by_commune: dict[int, list[int]] = {}
    for commune_id, number in results:
        by_commune.setdefault(commune_id, []).append(number)
    assert {c: sorted(n) for c, n in by_commune.items()} == {c: list(range(1, PER_COMMUNE + 1)) for c in by_commune}
    with maker() as s:
        stored = s.execute(select(Receipt.commune_id, Receipt.number)).all()
        assert len(stored) == 2 * PER_COMMUNE
        counters = {(c.commune_id, c.series, c.year): c.last_number for c in s.scalars(select(ReceiptCounter))}
        assert sorted(counters.values()) == [PER_COMMUNE, PER_COMMUNE] and len(counters) == 2
