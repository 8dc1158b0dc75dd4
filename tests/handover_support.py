"""Helpers of the handover / receipt tests: valid IMEIs, a handover form's input, and
``run_handovers``, a process entry point for the multi-process tests (it opens its own engine on a
database URL and records handovers for the application ids given). Approved applications to hand
over come from tests.factories.approved.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from subsidy.models import User


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


def handover_input(imei_value: str, **kw: Any):
    from subsidy.services.handovers import HandoverInput

    # The SIM number follows the IMEI: two handovers share a SIM only when a test says so. The recipient
    # is a relative the registry does not know (a CCCD that no test household holds; the web tests' heads
    # run from 082095001234 up), vouched for by the clerk as a member off the household's list.
    data = dict(phone_make="Samsung", phone_model="Galaxy A05", imei=imei_value, telecom="VNPT",
                subscriber_number="09" + "".join(c for c in imei_value if c.isdigit())[-8:], handed_on=dt.date(2026, 3, 10),
                recipient_name="Đặng Văn Hưởng", recipient_citizen_id="082096001234",
                recipient_relation="Con trai chủ hộ, có tên trong thông tin cư trú của hộ", confirm_recipient=True)
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
