"""A known three-month history (January–March 2026) for the tally tests, built with the models
directly and subsidy.services.workflow.move(..., at=...) for back-dated events, so the tally tests
do not depend on the application/handover services.

Eight applications (A1–A8) in three hamlets; the expected figures are written out by hand in
tests/services/test_tally_service.py. Times are local (Asia/Ho_Chi_Minh) unless marked UTC.

A1 Ấp Phú Hòa,  poor,      P3, package: recv 05/01; eligible 10/01; proposed 20/01; approved 03/02;
                                          handed over 10/02.
A2 Ấp Phú Hòa,  near-poor, P4, package: recv 06/01; not eligible (E2) 12/01; re-checked eligible
                                          18/03 (waiting at the end of March).
A3 Ấp Phú Thành, poor,     P1, package: recv 15/01; eligible 16/01; proposed 20/01; approved 03/02;
                                          handed over 12/02; handover VOIDED 05/03 09:00;
                                          handed over again 20/03.
A4 Ấp Phú Thành, near-poor, P4, cash:   recv 02/02; eligible 05/02; proposed 25/02; approved 02/03;
                                          paid 500.000 on 10/03.
A5 Ấp Phú Xuân, poor,      P2, cash:    recv 25/01; eligible 31/01 23:30 (16:30 UTC: January);
                                          proposed 03/02; approved 20/02; paid 500.000 on 27/02;
                                          payment VOIDED 15/03 10:00.
A6 Ấp Phú Xuân, near-poor, no tier, package: recv 27/02; not eligible (E1, E2) at 28/02 17:30 UTC
                                          = 01/03 00:30 local (March).
A7 Ấp Phú Hòa,  poor,      no tier, package: recv 03/03; decision "undecided" 04/03.
A8 Ấp Phú Hòa,  poor,      P3, package: recv 14/02; eligible 15/02; withdrawn 25/03.
H9 Ấp Phú Thạnh: a household with no application.
Allocations: 5 phones on 20/01/2026, 2 more on 01/03/2026.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from subsidy.domain.calendar import VN_TZ
from subsidy.models import (
    Allocation, Application, CashPayment, EligibilityDecision, Handover, HandoverImei, RuleSet,
)
from subsidy.services.workflow import move, record_received
from tests import factories

VN = VN_TZ
HAMLETS = ["Ấp Phú Hòa", "Ấp Phú Thành", "Ấp Phú Xuân", "Ấp Phú Lợi"]


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A local time in 2026 (aware)."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=VN)


def build_history(session: Session, *, a1_name: str = "Nguyễn Văn An") -> dict[str, Application]:
    """Write the history above and flush; returns {"A1": Application, …}."""
    rs = RuleSet(code="TT14-2022", version=1, title="Thông tư 14/2022/TT-BTTTT", legal_source="TT14",
                 effective_from=dt.date(2022, 12, 12), eligible_categories=["poor", "near_poor"],
                 support_amount=500_000, cash_cutoff=dt.date(2022, 12, 12), priority_order=["P1", "P2", "P3", "P4"])
    session.add(rs)
    session.add_all([
        Allocation(quantity=5, allocated_on=dt.date(2026, 1, 20), source_document="QĐ 12/QĐ-UBND"),
        Allocation(quantity=2, allocated_on=dt.date(2026, 3, 1), source_document="QĐ 31/QĐ-UBND"),
    ])
    spec = {
        "A1": (a1_name, "Ấp Phú Hòa", "poor", 3, "package", dt.date(2026, 1, 5)),
        "A2": ("Trần Thị Bình", "Ấp Phú Hòa", "near_poor", 4, "package", dt.date(2026, 1, 6)),
        "A3": ("Lê Văn Cường", "Ấp Phú Thành", "poor", 1, "package", dt.date(2026, 1, 15)),
        "A4": ("Phạm Thị Dung", "Ấp Phú Thành", "near_poor", 4, "cash", dt.date(2026, 2, 2)),
        "A5": ("Hoàng Văn Em", "Ấp Phú Xuân", "poor", 2, "cash", dt.date(2026, 1, 25)),
        "A6": ("Võ Thị Giang", "Ấp Phú Xuân", "near_poor", None, "package", dt.date(2026, 2, 27)),
        "A7": ("Đặng Văn Hải", "Ấp Phú Hòa", "poor", None, "package", dt.date(2026, 3, 3)),
        "A8": ("Bùi Thị Lan", "Ấp Phú Hòa", "poor", 3, "package", dt.date(2026, 2, 14)),
    }
    factories.household(session, code="H9", head_name="Ngô Văn Ích", hamlet="Ấp Phú Thạnh")
    apps: dict[str, Application] = {}
    for i, (key, (name, hamlet, cat, tier, form, recv)) in enumerate(spec.items(), start=1):
        hh = factories.household(session, code=f"H{i}", head_name=name, hamlet=hamlet, category=cat)
        app = factories.application(session, hh, code=f"T{i:05d}", received_on=recv, support_form=form,
                                    priority_tier=tier, purchase_date=dt.date(2026, 1, 2) if form == "cash" else None)
        record_received(session, app, None, at=dt.datetime.combine(recv, dt.time(8), tzinfo=VN))
        apps[key] = app
    session.flush()

    def decide(key: str, outcome: str, when: dt.datetime, failed: list[str] | None = None) -> None:
        a = apps[key]
        session.add(EligibilityDecision(application_id=a.id, rule_set=rs, outcome=outcome,
                                        priority_tier=a.priority_tier, failed_rules=failed or [], decided_at=when))
        if outcome != "undecided":
            move(session, a, outcome, None, role="clerk", at=when)

    def go(key: str, target: str, when: dt.datetime, role: str = "clerk", reason: str | None = None) -> None:
        move(session, apps[key], target, None, reason, role=role, at=when)

    def hand_over(key: str, day: dt.date, n: int) -> Handover:
        h = Handover(application_id=apps[key].id, phone_make="Nokia", phone_model="C32",
                     imeis=[HandoverImei(position=1, imei=f"35000000000000{n}")], telecom="VNPT", subscriber_number="0912345678", handed_on=day, recipient_name="Người nhận")
        session.add(h)
        go(key, "handed_over", dt.datetime.combine(day, dt.time(10), tzinfo=VN))
        return h

    def pay(key: str, day: dt.date) -> CashPayment:
        c = CashPayment(application_id=apps[key].id, amount=500_000, paid_on=day, purchase_date=dt.date(2026, 1, 2),
                        recipient_name="Người nhận")
        session.add(c)
        go(key, "paid", dt.datetime.combine(day, dt.time(10), tzinfo=VN))
        return c

    # January
    decide("A1", "eligible", at(1, 10))
    decide("A2", "not_eligible", at(1, 12), ["E2"])
    decide("A3", "eligible", at(1, 16))
    go("A1", "proposed", at(1, 20))
    go("A3", "proposed", at(1, 20, 10))
    decide("A5", "eligible", at(1, 31, 23, 30))  # 16:30 UTC on 31/01: still January
    # February
    decide("A4", "eligible", at(2, 5))
    go("A1", "approved", at(2, 3), role="approver")
    go("A3", "approved", at(2, 3, 10), role="approver")
    go("A5", "proposed", at(2, 3, 11))
    hand_over("A1", dt.date(2026, 2, 10), 1)
    ho_a3 = hand_over("A3", dt.date(2026, 2, 12), 2)
    decide("A8", "eligible", at(2, 15))
    go("A5", "approved", at(2, 20), role="approver")
    go("A4", "proposed", at(2, 25))
    cp_a5 = pay("A5", dt.date(2026, 2, 27))
    decide("A6", "not_eligible", dt.datetime(2026, 2, 28, 17, 30, tzinfo=dt.timezone.utc), ["E1", "E2"])
    # March
    go("A4", "approved", at(3, 2), role="approver")
    void_at = at(3, 5, 9)
    ho_a3.voided_at, ho_a3.void_reason = void_at, "Sai IMEI"
    session.flush()
    go("A3", "approved", void_at, role="approver", reason="Sai IMEI")
    decide("A7", "undecided", at(3, 4))
    pay("A4", dt.date(2026, 3, 10))
    pay_void_at = at(3, 15, 10)
    cp_a5.voided_at, cp_a5.void_reason = pay_void_at, "Chi nhầm"
    session.flush()
    go("A5", "approved", pay_void_at, role="approver", reason="Chi nhầm")
    decide("A2", "eligible", at(3, 18))
    hand_over("A3", dt.date(2026, 3, 20), 3)
    go("A8", "withdrawn", at(3, 25), reason="Hộ xin rút")
    session.flush()
    return apps
