"""Factories and workers for the handover / receipt tests (issue 4).

``make_approved`` builds a Household + an approved Application (with its history: received →
eligible → proposed → approved) directly with the models, so these tests do not depend on the
application services. ``run_handovers`` is a process entry point for the multi-process tests:
it opens its own engine on a database URL and records handovers for the application ids given.
"""
from __future__ import annotations

import datetime as dt
import itertools
import uuid
from typing import Any, Sequence

from sqlalchemy.orm import Session

from subsidy.domain.calendar import VN_TZ
from subsidy.models import Application, ApplicationEvent, Household, User

VN = VN_TZ
APPROVED_AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
_seq = itertools.count(1)
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def luhn_digit(body14: str) -> str:
    """The Luhn check digit of 14 digits (computed here, independently of subsidy.domain.vn)."""
    total = 0
    for i, ch in enumerate(reversed(body14)):
        d = int(ch)
        if i % 2 == 0:  # rightmost digit of the body is doubled
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def imei(n: int) -> str:
    """A valid IMEI number ``n`` (35 + 12 digits of n + check digit)."""
    body = f"35{n:012d}"
    return body + luhn_digit(body)


def tracking_code(n: int) -> str:
    out = []
    for _ in range(10):
        n, r = divmod(n, len(ALPHABET))
        out.append(ALPHABET[r])
    return "".join(reversed(out))


def make_approved(
    session: Session, *, form: str = "package", head_name: str = "Nguyễn Thị Ánh Tuyết",
    hamlet: str = "Ấp Phú Thạnh", approved_at: dt.datetime = APPROVED_AT,
    purchase_date: dt.date | None = dt.date(2023, 1, 15), category: str = "poor",
    citizen_id: str | None = None,
) -> Application:
    """A household and its approved application (flushed, not committed)."""
    h = Household(code=f"HT-{next(_seq):05d}-{uuid.uuid4().hex[:8]}", head_name=head_name, hamlet=hamlet, members=3, category=category,
                  list_year=2026, citizen_id=citizen_id, address="Tổ 3")
    session.add(h)
    session.flush()
    app = Application(household_id=h.id, tracking_code=tracking_code(h.id * 7919 + 17), received_on=dt.date(2026, 1, 5),
                      support_form=form, state="approved", purchase_date=purchase_date if form == "cash" else None)
    session.add(app)
    session.flush()
    t0 = approved_at - dt.timedelta(days=40)
    for i, (a, b) in enumerate([(None, "received"), ("received", "eligible"), ("eligible", "proposed"),
                                ("proposed", "approved")]):
        at = approved_at if b == "approved" else t0 + dt.timedelta(days=i)
        session.add(ApplicationEvent(application_id=app.id, from_state=a, to_state=b, at=at))
    session.flush()
    return app


def handover_input(imei_value: str, **kw: Any):
    from subsidy.services.handovers import HandoverInput

    data = dict(phone_make="Samsung", phone_model="Galaxy A05", imei=imei_value, telecom="VNPT",
                subscriber_number="0912345678", handed_on=dt.date(2026, 3, 10),
                recipient_name="Đặng Văn Hưởng", recipient_citizen_id="082095001234")
    data.update(kw)
    return HandoverInput(**data)


def run_handovers(url: str, clerk_id: int, application_ids: Sequence[int], first_imei: int,
                  today: dt.date) -> list[tuple[int, str]]:
    """Process entry point: record one handover per application id (each in its own transaction,
    committed), with IMEIs first_imei, first_imei+1, …; returns [(application_id, receipt number)].
    Exceptions propagate (the parent sees the failure)."""
    from subsidy.db import make_engine, make_sessionmaker
    from subsidy.services import handovers

    engine = make_engine(url)
    maker = make_sessionmaker(engine)
    out = []
    try:
        for k, app_id in enumerate(application_ids):
            with maker() as session:
                clerk = session.get(User, clerk_id)
                res = handovers.record_handover(session, app_id, handover_input(imei(first_imei + k)), clerk,
                                                today=today)
                session.commit()
                out.append((app_id, res.receipt.display_number))
    finally:
        engine.dispose()
    return out
