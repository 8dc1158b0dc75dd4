"""The quota flows down (domain.md §3, §10): received by the province, divided among communes
within what was received and within each commune's poor and near-poor households; received /
given / used / left per commune; who approves a commune's list (its leadership or the province)."""
from __future__ import annotations

import datetime as dt

import pytest

from subsidy.services import allocations, communes, lists, province, rulesets
from subsidy.services.errors import FieldError, NotFound, ServiceError
from tests import factories

D = dt.date


@pytest.fixture
def setup(session, tt14):
    """Communes A (4 poor households) and B (2), a province officer and approver, a clerk and an
    approver of each commune."""
    a = communes.create_commune(session, communes.CommuneInput(code="XAA", name="xã An"), None)
    b = communes.create_commune(session, communes.CommuneInput(code="XAB", name="xã Bình", approval_level="province",
                                                               province="tỉnh Đồng Tháp"), None)
    for commune, n in ((a, 4), (b, 2)):
        for _ in range(n):
            factories.applicant(session, commune_id=commune.id, list_year=2026)
    factories.household(session, commune_id=a.id, category=None)  # not poor: not in the ceiling
    people = {
        "officer": factories.user(session, "province_officer", "so-khcn", row=True),
        "p_approver": factories.user(session, "province_approver", "lanhdao-tinh", row=True),
        "clerk_a": factories.user(session, "clerk", "canbo-a", row=True, commune_id=a.id),
        "clerk_b": factories.user(session, "clerk", "canbo-b", row=True, commune_id=b.id),
        "approver_a": factories.user(session, "approver", "lanhdao-a", row=True, commune_id=a.id),
        "approver_b": factories.user(session, "approver", "lanhdao-b", row=True, commune_id=b.id),
    }
    return a, b, people


def test_received_given_used_left_per_commune(session, setup):
    a, b, p = setup
    first = province.record_received(session, 5, D(2026, 1, 10), "QĐ 100/QĐ-BKHCN", p["officer"])
    second = province.record_received(session, 3, D(2026, 2, 10), "QĐ 200/QĐ-BKHCN", p["officer"])
    province.give_to_commune(session, first.id, a.id, 3, D(2026, 1, 20), p["officer"])
    province.give_to_commune(session, first.id, b.id, 2, D(2026, 1, 20), p["officer"])
    province.give_to_commune(session, second.id, a.id, 1, D(2026, 2, 20), p["officer"])
    # A uses two places: three eligible applications, two of them proposed by its clerk
    apps = [factories.eligible(session, p["clerk_a"], h, received_on=D(2026, 1, 5), on=D(2026, 2, 1))
            for h in _poor(session, a.id)[:3]]
    lists.build_proposal_list(session, p["clerk_a"], count=2, created_on=D(2026, 2, 2))
    view = province.overview(session)
    assert (view.received, view.given, view.undivided, view.used, view.left) == (8, 6, 2, 2, 4)
    lines = {c.code: (c.ceiling, c.given, c.used, c.left, c.waiting) for c in view.communes}
    assert lines == {"XAA": (4, 4, 2, 2, 1), "XAB": (2, 2, 0, 2, 0)}
    assert [(pa.source_document, given) for pa, given in view.allocations] == [("QĐ 100/QĐ-BKHCN", 5),
                                                                              ("QĐ 200/QĐ-BKHCN", 1)]
    assert len(apps) == 3
    # each commune's quota is its own share
    assert allocations.quota(session, commune_id=a.id).left == 2
    assert allocations.quota(session, commune_id=b.id).allocated == 2


def _poor(session, commune_id):
    from sqlalchemy import select

    from subsidy.models import Household

    return list(session.scalars(select(Household).where(Household.commune_id == commune_id,
                                                        Household.category.is_not(None)).order_by(Household.id)))


def test_dividing_is_refused_beyond_what_was_received_and_beyond_a_communes_ceiling(session, setup):
    a, b, p = setup
    pa = province.record_received(session, 10, D(2026, 1, 10), "QĐ 100", p["officer"])
    with pytest.raises(ServiceError, match="2 hộ"):  # B has 2 poor or near-poor households
        province.give_to_commune(session, pa.id, b.id, 3, D(2026, 1, 20), p["officer"])
    province.give_to_commune(session, pa.id, a.id, 4, D(2026, 1, 20), p["officer"])
    province.give_to_commune(session, pa.id, b.id, 2, D(2026, 1, 20), p["officer"])
    small = province.record_received(session, 1, D(2026, 1, 11), "QĐ 101", p["officer"])
    with pytest.raises(ServiceError, match="còn 1 máy chưa chia"):
        province.give_to_commune(session, small.id, a.id, 2, D(2026, 1, 20), p["officer"])
    with pytest.raises(ServiceError, match="vượt số hộ nghèo"):  # A is at its ceiling of 4
        province.give_to_commune(session, small.id, a.id, 1, D(2026, 1, 20), p["officer"])
    assert province.overview(session).given == 6


def test_only_the_province_officer_records_and_divides(session, setup):
    a, b, p = setup
    for who in ("clerk_a", "approver_a", "p_approver"):
        with pytest.raises(ServiceError, match="province_officer"):
            province.record_received(session, 1, D(2026, 1, 10), "QĐ 1", p[who])
    pa = province.record_received(session, 1, D(2026, 1, 10), "QĐ 1", p["officer"])
    with pytest.raises(NotFound):
        province.give_to_commune(session, pa.id + 99, a.id, 1, D(2026, 1, 20), p["officer"])
    with pytest.raises(ServiceError, match="trước ngày"):
        province.give_to_commune(session, pa.id, a.id, 1, D(2026, 1, 1), p["officer"])


def test_the_approving_level_decides_who_approves_a_list(session, setup):
    a, b, p = setup
    pa = province.record_received(session, 6, D(2026, 1, 10), "QĐ 100", p["officer"])
    province.give_to_commune(session, pa.id, a.id, 2, D(2026, 1, 20), p["officer"])
    province.give_to_commune(session, pa.id, b.id, 2, D(2026, 1, 20), p["officer"])
    for commune, clerk in ((a, p["clerk_a"]), (b, p["clerk_b"])):
        for h in _poor(session, commune.id)[:2]:
            factories.eligible(session, clerk, h, received_on=D(2026, 1, 5), on=D(2026, 2, 1))
    list_a = lists.build_proposal_list(session, p["clerk_a"], created_on=D(2026, 2, 2))
    list_b = lists.build_proposal_list(session, p["clerk_b"], created_on=D(2026, 2, 2))
    # B's lists go to the province's queue, A's do not
    assert [(pl.id, c.code, n) for pl, c, n in province.approval_queue(session)] == [(list_b.id, "XAB", 2)]
    # and stay there once the commune submits them (the queue once showed drafts only)
    lists.submit_list(session, list_b, p["clerk_b"])
    assert [(pl.id, pl.status, n) for pl, c, n in province.approval_queue(session)] == [(list_b.id, "submitted", 2)]
    decision = ("15/QĐ-UBND", D(2026, 2, 5))
    with pytest.raises(ServiceError, match="do tỉnh phê duyệt"):
        lists.approve_list(session, list_b, *decision, "Ủy ban nhân dân xã Bình", p["approver_b"])
    with pytest.raises(ServiceError, match="lãnh đạo xã phê duyệt"):
        lists.approve_list(session, list_a, *decision, "Ủy ban nhân dân xã An", p["p_approver"])
    approved_b = lists.approve_list(session, list_b, *decision, "Ủy ban nhân dân tỉnh Đồng Tháp", p["p_approver"])
    approved_a = lists.approve_list(session, list_a, *decision, "Ủy ban nhân dân xã An", p["approver_a"])
    assert [x.state for x in approved_a + approved_b] == ["approved"] * 4
    assert list_b.approved_by_id == p["p_approver"].id and province.approval_queue(session) == []


def test_the_audit_log_names_a_province_allocation_still_on_file(session, setup):
    # The log once said «Phân bổ của tỉnh (không còn trong hệ thống)» for a row still there, and
    # named its date «Ngày nhận hồ sơ» (an application's received date).
    from sqlalchemy import select

    from subsidy.models import AuditEntry
    from subsidy.services import audit_log

    _a, _b, p = setup
    pa = province.record_received(session, 100, D(2026, 1, 10), "QĐ 100/QĐ-BKHCN", p["officer"])
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "province_allocation",
                                                     AuditEntry.entity_id == pa.id)).one()
    (row,) = audit_log.describe(session, [entry])
    assert row.title == "Tỉnh nhận 100 máy theo QĐ 100/QĐ-BKHCN"
    changed = {ch.field: ch.new for ch in row.changes}
    assert changed["Ngày tỉnh nhận phân bổ"] == "10/01/2026" and "Ngày nhận hồ sơ" not in changed


def test_a_share_sent_again_is_refused_and_a_share_in_parts_is_not(session, setup):
    a, b, p = setup
    pa = province.record_received(session, 5, D(2026, 1, 10), "QĐ 100/QĐ-BKHCN", p["officer"])
    first = province.give_to_commune(session, pa.id, a.id, 2, D(2026, 1, 20), p["officer"])
    with pytest.raises(FieldError) as err:
        province.give_to_commune(session, pa.id, a.id, 2, D(2026, 1, 20), p["officer"])
    assert err.value.field == "province_allocation"
    assert str(err.value).startswith("Đã chia 2 máy của văn bản «QĐ 100/QĐ-BKHCN» cho xã An ngày 20/01/2026 (chưa "
                                     "hủy): phần chia này đã được ghi, không ghi lần thứ hai.")
    assert province.given_from(session, pa.id) == 2
    # parts: another size the same day; the same share to another commune
    province.give_to_commune(session, pa.id, a.id, 1, D(2026, 1, 20), p["officer"])
    province.give_to_commune(session, pa.id, b.id, 2, D(2026, 1, 20), p["officer"])
    assert province.given_from(session, pa.id) == 5
    # once the first share is voided, the same share can be given again
    allocations.void_allocation(session, first.id, "Chia nhầm", p["approver_a"])
    province.give_to_commune(session, pa.id, a.id, 2, D(2026, 1, 20), p["officer"])
    assert province.given_from(session, pa.id) == 5


# --- concurrency (PostgreSQL) ------------------------------------------------------------------

def _one_holds_the_other_waits(database_url, first, second):
    """Run ``first(s)`` in a transaction held open 0.8 s after it returns, and ``second(s)`` in
    another started meanwhile; each in a Session of its own. Returns what each did: "ok", or the
    message of the ServiceError (NotFound included) it raised."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from subsidy.db import make_engine, make_sessionmaker

    engine = make_engine(database_url)
    tmaker = make_sessionmaker(engine)
    first_done = threading.Event()

    def run(act, before, after):
        before()
        with tmaker() as s:
            try:
                act(s)
                after()
                s.commit()
                return "ok"
            except ServiceError as err:
                s.rollback()
                after()
                return str(err)

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            a = pool.submit(run, first, lambda: None, lambda: (first_done.set(), threading.Event().wait(0.8)))
            b = pool.submit(run, second, lambda: first_done.wait(10), lambda: None)
            return a.result(timeout=30), b.result(timeout=30)
    finally:
        engine.dispose()


@pytest.mark.parametrize("giving_first", [True, False], ids=["give-then-void", "void-then-give"])
def test_a_void_and_a_give_at_once_on_postgresql_never_leave_a_share_of_a_voided_allocation(app, database_url,
                                                                                            giving_first):
    """The officer voids a province allocation while another officer gives a commune a share of it.
    Both take the province's quota lock before reading it: the second waits for the first, then
    sees what it did. Without the lock in void_received (or with the allocation read before the
    lock in give_to_commune) both passed, leaving a voided allocation with a live share: the
    communes given 3 phones of the 0 the province had received."""
    from sqlalchemy import func, select

    from subsidy.models import Allocation, ProvinceAllocation, User

    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL=postgresql://…): SQLite serialises writers with "
                    "BEGIN IMMEDIATE")
    maker = app.extensions["subsidy.sessionmaker"]
    with maker() as s:
        rulesets.load_shipped(s)
        a = communes.create_commune(s, communes.CommuneInput(code="XAA", name="xã An"), None)
        for _ in range(4):
            factories.applicant(s, commune_id=a.id, list_year=2026)
        officer = factories.user(s, "province_officer", "so-khcn", row=True)
        pa = province.record_received(s, 5, D(2026, 1, 10), "QĐ 100/QĐ-BKHCN", officer)
        s.commit()
        ids = (a.id, officer.id, pa.id)
    commune_id, officer_id, pa_id = ids

    def give(s):
        province.give_to_commune(s, pa_id, commune_id, 3, D(2026, 1, 20), s.get(User, officer_id))

    def void(s):
        province.void_received(s, pa_id, "Ghi nhầm văn bản", s.get(User, officer_id))

    if giving_first:
        assert _one_holds_the_other_waits(database_url, give, void) == (
            "ok", "Số máy này đã chia cho xã: hãy hủy các phần đã chia trước (mục «Phần đã chia cho xã»).")
        expected = (None, 5, 3, 1)  # not voided, received 5, given 3 by one live share
    else:
        assert _one_holds_the_other_waits(database_url, void, give) == (
            "ok", "Không có số máy tỉnh được phân bổ này.")
        expected = ("Ghi nhầm văn bản", 0, 0, 0)
    with maker() as s:
        row = s.get(ProvinceAllocation, pa_id)
        view = province.overview(s)
        live = s.scalar(select(func.count()).select_from(Allocation).where(Allocation.voided_at.is_(None)))
        assert (row.void_reason, view.received, view.given, live) == expected and view.over == 0
