"""E2's cut-off is the date phones were allocated to the household's own commune: a share of a
province allocation dates from that province allocation (when the ministry's phones reached the
province), a commune's own allocation from its own date; never another commune's (domain.md §2, §10)."""
from __future__ import annotations

import datetime as dt

from subsidy.models import ProvinceAllocation
from subsidy.models.scoping import set_commune
from subsidy.domain.rules import FAILED, PASSED, rule_e2
from subsidy.services import communes, facts, rulesets
from tests import factories


def test_each_commune_has_its_own_cut_off_date(session):
    a = communes.create_commune(session, communes.CommuneInput(code="XAA", name="xã A"), None)
    b = communes.create_commune(session, communes.CommuneInput(code="XAB", name="xã B"), None)
    c = communes.create_commune(session, communes.CommuneInput(code="XAC", name="xã C"), None)
    province = ProvinceAllocation(quantity=100, received_on=dt.date(2026, 1, 10), source_document="QĐ 1/QĐ-BKHCN")
    voided = ProvinceAllocation(quantity=50, received_on=dt.date(2025, 12, 1), source_document="QĐ 0/QĐ-BKHCN",
                                voided_at=dt.datetime(2025, 12, 2, tzinfo=dt.timezone.utc), void_reason="nhầm")
    session.add_all([province, voided])
    session.flush()
    # A: a share given on 20/01 of the province's allocation of 10/01, and a later share of a voided one.
    factories.allocation_row(session, 30, dt.date(2026, 1, 20), commune_id=a.id, province_allocation_id=province.id)
    factories.allocation_row(session, 5, dt.date(2025, 12, 5), commune_id=a.id, province_allocation_id=voided.id)
    # B: its own allocation of 01/03 (recorded before the province was on the instance), and a voided earlier one.
    factories.allocation_row(session, 20, dt.date(2026, 3, 1), commune_id=b.id)
    factories.allocation_row(session, 9, dt.date(2026, 1, 2), commune_id=b.id,
                             voided_at=dt.datetime(2026, 1, 3, tzinfo=dt.timezone.utc), void_reason="nhầm")
    apps = {}
    for commune in (a, b, c):
        set_commune(session, commune.id)
        # Each household got a tablet on 15/01/2026.
        h = factories.applicant(session, prior_device="vtci_tablet", prior_device_date=dt.date(2026, 1, 15))
        apps[commune.code] = factories.application(session, h)
    set_commune(session, None)   # as the province's accounts and the bulk check read: every commune

    assert facts.allocation_dates(session, [a.id, b.id, c.id]) == {a.id: dt.date(2026, 1, 10), b.id: dt.date(2026, 3, 1)}
    assert facts.phones_allocated_on(session, c.id) is None
    got = facts.load_facts_bulk(session, list(apps.values()), dt.date(2026, 4, 1))
    assert got[apps["XAA"].id].phones_allocated_on == dt.date(2026, 1, 10)   # the tablet came after: not counted
    assert got[apps["XAB"].id].phones_allocated_on == dt.date(2026, 3, 1)    # the tablet came before: counted
    assert got[apps["XAC"].id].phones_allocated_on is None

    spec = rulesets.spec_of(rulesets.load_shipped(session)[0])
    assert rule_e2(got[apps["XAA"].id], spec).status == PASSED
    assert rule_e2(got[apps["XAB"].id], spec).status == FAILED
    assert rule_e2(got[apps["XAC"].id], spec).status == FAILED   # no phone allocated yet: every device counts
