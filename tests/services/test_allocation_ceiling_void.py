"""Allocations (quota) have a ceiling and can be corrected (domain.md §3).

The total allocated may not exceed the number of households on file with a poverty category (not
archived); a mistaken allocation is voided by an approver with a reason — nothing is deleted — and
then counts in no quota: services/allocations.py and services/tally/ (tally, radio counts).
"""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from subsidy.db import utcnow
from subsidy.models import Allocation, AuditEntry, User
from subsidy.services import allocations
from subsidy.services import tally as T
from subsidy.services.errors import NotFound, ServiceError
from tests import factories
from tests.tally_history import HAMLETS, build_history

D = dt.date
_seq = itertools.count(1)


def households(session, n, category="poor", **kw):
    for _ in range(n):
        factories.household(session, head_name=f"Hộ {next(_seq)}", category=category, **kw)


def test_ceiling_counts_poor_and_near_poor_households_not_archived(session):
    households(session, 3, "poor")
    households(session, 2, "near_poor")
    households(session, 4, None)  # no poverty category: not counted
    households(session, 1, "poor", archived=True)  # archived: not counted
    assert allocations.poor_household_count(session) == 5


def test_allocation_above_the_households_on_file_is_refused_with_the_numbers(session, clerk):
    households(session, 3, "poor")
    households(session, 2, "near_poor")
    allocations.record_allocation(session, 3, D(2025, 6, 1), "CV 1", clerk)
    with pytest.raises(ServiceError) as err:
        allocations.record_allocation(session, 3, D(2025, 6, 2), "CV 2", clerk)
    msg = str(err.value)
    assert "tổng số thiết bị hỗ trợ sẽ là 6 (3 máy này, 3 máy đã phân bổ)" in msg and "(5 hộ)" in msg
    assert allocations.quota(session).allocated == 3
    allocations.record_allocation(session, 2, D(2025, 6, 2), "CV 2", clerk)  # exactly the ceiling
    assert allocations.quota(session).allocated == 5
    assert session.scalar(select(func.count()).select_from(Allocation)) == 2


@pytest.mark.parametrize("devices,allowed", [
    # (prior devices of 6 poor households, the most phones that can still be allocated)
    (("none",) * 6, 6),
    (("vtci_tablet", "learning_device", "none", "none", "unknown", "none"), 4),
    (("vtci_tablet",) * 6, 0),
])
def test_ceiling_counts_tablets_and_learning_devices_with_the_phones(session, clerk, devices, allowed):
    for device in devices:
        factories.household(session, head_name=f"Hộ {next(_seq)}", category="poor", prior_device=device)
    # a household with no poverty category and a tablet is not under the ceiling at all
    factories.household(session, head_name=f"Hộ {next(_seq)}", category=None, prior_device="vtci_tablet")
    counted = sum(d in ("vtci_tablet", "learning_device") for d in devices)
    assert allocations.other_devices_count(session) == counted
    with pytest.raises(ServiceError) as err:
        allocations.record_allocation(session, allowed + 1, D(2025, 6, 1), "CV 1", clerk)
    msg = str(err.value)
    assert f"tổng số thiết bị hỗ trợ sẽ là {allowed + 1 + counted}" in msg and "(6 hộ)" in msg
    assert (f"{counted} hộ đã nhận máy tính bảng" in msg) == bool(counted)
    if allowed:
        assert allocations.record_allocation(session, allowed, D(2025, 6, 1), "CV 1", clerk).quantity == allowed


def test_the_testers_case_5000_phones_for_232_households(session, clerk):
    households(session, 150, "poor")
    households(session, 82, "near_poor")
    with pytest.raises(ServiceError) as err:
        allocations.record_allocation(session, 5000, D(2025, 6, 1), "CV 99", clerk)
    assert "5.000" in str(err.value) and "(232 hộ)" in str(err.value)
    assert allocations.quota(session).allocated == 0


def test_approver_voids_a_mistaken_allocation_with_a_reason(session, clerk, approver):
    households(session, 10)
    wrong = allocations.record_allocation(session, 8, D(2025, 6, 1), "CV 12 (nhập nhầm)", clerk)
    right = allocations.record_allocation(session, 2, D(2025, 6, 1), "CV 12", clerk)
    with pytest.raises(ServiceError, match="approver"):
        allocations.void_allocation(session, wrong.id, "Nhập nhầm", clerk)
    with pytest.raises(ServiceError, match="lý do"):
        allocations.void_allocation(session, wrong.id, "   ", approver)
    with pytest.raises(NotFound):
        allocations.void_allocation(session, 99999, "Nhập nhầm", approver)
    assert wrong.voided_at is None
    allocations.void_allocation(session, wrong.id, "Nhập nhầm số máy: công văn ghi 2", approver)
    assert (wrong.voided_by_id, wrong.void_reason) == (approver.id, "Nhập nhầm số máy: công văn ghi 2")
    assert wrong.voided_at is not None and right.voided_at is None
    assert allocations.quota(session).allocated == 2
    assert allocations.allocated_total(session) == 2
    assert [a.id for a in allocations.allocations(session)] == [wrong.id, right.id]  # nothing deleted
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "allocation.void"))
    assert (entry.actor_id, entry.entity_id, entry.note) == (approver.id, wrong.id, "Nhập nhầm số máy: công văn ghi 2")
    with pytest.raises(ServiceError, match="đã được hủy"):
        allocations.void_allocation(session, wrong.id, "Lần nữa", approver)
    # the voided phones no longer count against the ceiling
    allocations.record_allocation(session, 8, D(2025, 6, 3), "CV 13", clerk)
    assert allocations.quota(session).allocated == 10


def _committed(session, n):
    """n applications holding a place of the quota (proposed), on households of their own."""
    for _ in range(n):
        factories.application(session, factories.household(session, head_name=f"Hộ {next(_seq)}"),
                              state="proposed", received_on=D(2025, 3, 1))
    session.flush()


def test_void_refused_when_it_would_leave_less_than_committed(session, clerk, approver):
    households(session, 5)
    _committed(session, 3)  # 8 households, 3 places used
    big = allocations.record_allocation(session, 3, D(2025, 6, 1), "CV 1", clerk)
    small = allocations.record_allocation(session, 2, D(2025, 6, 1), "CV 2", clerk)
    q = allocations.quota(session)
    assert (q.allocated, q.used, q.left) == (5, 3, 2)
    with pytest.raises(ServiceError) as err:
        allocations.void_allocation(session, big.id, "Nhầm", approver)
    assert "chỉ còn 2 máy" in str(err.value) and "ít hơn 3 chỗ đã dùng" in str(err.value)
    assert big.voided_at is None
    allocations.void_allocation(session, small.id, "Nhầm", approver)  # leaves 3 = used: allowed
    q = allocations.quota(session)
    assert (q.allocated, q.used, q.left) == (3, 3, 0)


def test_a_voided_allocation_needs_its_reason_in_the_database(session):
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.add(Allocation(quantity=1, allocated_on=D(2025, 6, 1), source_document="CV", voided_at=utcnow()))
            session.flush()


# ------------------------------------------------------------------ the tally and the radio


def test_tally_and_radio_ignore_a_voided_allocation(session, approver):
    build_history(session)
    wrong = Allocation(quantity=5000, allocated_on=D(2026, 1, 25), source_document="CV nhầm")
    session.add(wrong)
    session.flush()
    # before the void the mistake shows (the radio announced it) ...
    assert T.tally(session, "2026-01", today=D(2026, 11, 30)).quota.allocated == 5005
    assert T.radio_counts(session, D(2026, 3, 31), hamlets=HAMLETS).quota_allocated == 5007
    wrong.voided_at, wrong.voided_by_id, wrong.void_reason = utcnow(), approver.id, "Nhập nhầm"
    session.flush()
    # ... after it, in every period, even those before the void (it was never a real allocation)
    assert T.tally(session, "2026-01", today=D(2026, 11, 30)).quota.as_dict() == dict(
        allocated=5, proposed=2, approved=0, supported=0, used=2, left=3)
    assert T.tally(session, "2026-03", cumulative=True, today=D(2026, 11, 30)).quota.allocated == 7
    rc = T.radio_counts(session, D(2026, 3, 31), hamlets=HAMLETS)
    assert (rc.quota_allocated, rc.quota_used, rc.quota_left) == (7, 4, 3)
    assert allocations.quota(session).allocated == 7


# --- concurrency (PostgreSQL) ------------------------------------------------------------------

def test_two_first_allocations_at_once_on_postgresql_cannot_both_pass_the_ceiling(app, database_url):
    """The very first allocation, entered by two clerks at the same moment: the first holds its
    transaction open after its check; the second must wait for it (the quota lock), then see its
    row and be refused. With row locks only there was no row to lock, and both passed."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from subsidy.db import make_engine, make_sessionmaker

    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL=postgresql://…): SQLite serialises writers with "
                    "BEGIN IMMEDIATE, which tests/services/test_handover_service.py covers")
    maker = app.extensions["subsidy.sessionmaker"]
    with maker() as s:
        clerk_id = factories.user(s, "clerk", "canbo-q", must_change_password=True).id
        households(s, 5, "poor")
        s.commit()
    engine = make_engine(database_url)
    tmaker = make_sessionmaker(engine)
    first_checked = threading.Event()

    def first():
        with tmaker() as s:
            allocations.record_allocation(s, 5, D(2025, 6, 1), "CV 1", s.get(User, clerk_id))
            first_checked.set()
            threading.Event().wait(0.8)  # the second clerk presses Save meanwhile
            s.commit()
            return "ok"

    def second():
        assert first_checked.wait(10)
        with tmaker() as s:
            try:
                allocations.record_allocation(s, 5, D(2025, 6, 1), "CV 2", s.get(User, clerk_id))
                s.commit()
                return "ok"
            except ServiceError as err:
                s.rollback()
                return str(err)

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            a, b = pool.submit(first), pool.submit(second)
            results = [a.result(timeout=30), b.result(timeout=30)]
    finally:
        engine.dispose()
    assert results[0] == "ok"
    assert "tổng số thiết bị hỗ trợ sẽ là 10 (5 máy này, 5 máy đã phân bổ)" in results[1] and "(5 hộ)" in results[1]
    with maker() as s:
        assert allocations.quota(s).allocated == 5
        assert s.scalar(select(func.count()).select_from(Allocation)) == 1
