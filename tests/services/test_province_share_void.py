"""Voiding a commune's share of a province allocation (domain.md §3, §10): the province officer who
divides the phones undoes a share given by mistake, with a reason, audited; the commune's quota and
what the province allocation has given out are counted again without it; refused, by the one rule
of every voiding (allocations.void_allocation), when the commune already uses more places than
would be left. The commune's approver may void it too; other roles may not, and the officer may
not void what a commune recorded itself."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from subsidy.models import AuditEntry
from subsidy.services import allocations, communes, lists, province
from subsidy.services.errors import NotFound, ServiceError
from tests import factories

D = dt.date


@pytest.fixture
def given(session, tt14):
    """xã An (5 poor households) given 3 phones of «QĐ 100» by the officer; xã Bình (2) none; the
    accounts of each role."""
    a = communes.create_commune(session, communes.CommuneInput(code="XAA", name="xã An"), None)
    b = communes.create_commune(session, communes.CommuneInput(code="XAB", name="xã Bình"), None)
    for commune, n in ((a, 5), (b, 2)):
        for _ in range(n):
            factories.applicant(session, commune_id=commune.id, list_year=2026)
    people = {
        "officer": factories.user(session, "province_officer", "so-khcn", row=True),
        "other_officer": factories.user(session, "province_officer", "so-khcn-2", row=True),
        "p_approver": factories.user(session, "province_approver", "lanhdao-tinh", row=True),
        "clerk_a": factories.user(session, "clerk", "canbo-a", row=True, commune_id=a.id),
        "approver_a": factories.user(session, "approver", "lanhdao-a", row=True, commune_id=a.id),
        "approver_b": factories.user(session, "approver", "lanhdao-b", row=True, commune_id=b.id),
    }
    pa = province.record_received(session, 10, D(2026, 1, 10), "QĐ 100/QĐ-BKHCN", people["officer"])
    share = province.give_to_commune(session, pa.id, a.id, 3, D(2026, 1, 20), people["officer"])
    return a, b, pa, share, people


def test_the_officer_voids_a_share_with_a_reason_and_the_quota_is_counted_again(session, given):
    a, _b, pa, share, p = given
    assert allocations.quota(session, commune_id=a.id).allocated == 3 and province.given_from(session, pa.id) == 3
    row = allocations.void_allocation(session, share.id, "  Chia nhầm cho xã An  ", p["other_officer"])  # any officer of the province
    assert (row.id, row.void_reason, row.voided_by_id) == (share.id, "Chia nhầm cho xã An", p["other_officer"].id)
    assert allocations.quota(session, commune_id=a.id).allocated == 0
    assert province.given_from(session, pa.id) == 0
    [view] = [c for c in province.overview(session).communes if c.code == "XAA"]
    assert (view.given, view.left) == (0, 0)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "allocation.void")).one()
    assert (entry.actor_id, entry.entity_id, entry.note) == (p["other_officer"].id, share.id, "Chia nhầm cho xã An")
    # the province allocation, no longer given out, can now be voided, or shared again
    assert province.give_to_commune(session, pa.id, a.id, 3, D(2026, 1, 20), p["officer"]).quantity == 3
    [line] = [s for s in province.shares(session) if s.allocation.voided_at is None]
    assert (line.commune_name, line.allocation.quantity) == ("xã An", 3) and len(province.shares(session)) == 2


def test_refused_when_the_commune_uses_more_places_than_would_be_left(session, given):
    a, _b, pa, share, p = given
    apps = [factories.eligible(session, p["clerk_a"], h, received_on=D(2026, 1, 5), on=D(2026, 2, 1))
            for h in _poor(session, a.id)[:2]]
    lists.build_proposal_list(session, p["clerk_a"], count=2, created_on=D(2026, 2, 2))
    assert allocations.quota(session, commune_id=a.id).used == len(apps) == 2
    with pytest.raises(ServiceError) as err:
        allocations.void_allocation(session, share.id, "Chia nhầm", p["officer"])
    assert str(err.value) == (
        "Không hủy được phân bổ 3 máy: sau khi hủy chỉ còn 0 máy được phân bổ, ít hơn 2 chỗ đã dùng (đề nghị, phê "
        "duyệt, đã bàn giao hoặc đã chi). Xã cần đưa bớt hồ sơ ra khỏi danh sách đề nghị trước, hoặc tỉnh chia phần "
        "đúng trước khi hủy phần sai.")
    # the same rule for the commune's approver, in the approver's words
    with pytest.raises(ServiceError, match="ít hơn 2 chỗ đã dùng .* Hãy đưa bớt hồ sơ ra khỏi danh sách đề nghị"):
        allocations.void_allocation(session, share.id, "Chia nhầm", p["approver_a"])
    # with 2 more phones given first, the wrong share of 3 can go: 2 left ≥ 2 used
    province.give_to_commune(session, pa.id, a.id, 2, D(2026, 2, 3), p["officer"])
    allocations.void_allocation(session, share.id, "Chia nhầm", p["officer"])
    assert allocations.quota(session, commune_id=a.id).left == 0


def _poor(session, commune_id):
    from subsidy.models import Household

    return list(session.scalars(select(Household).where(Household.commune_id == commune_id,
                                                        Household.category.is_not(None)).order_by(Household.id)))


@pytest.mark.parametrize("who,refusal", [
    ("clerk_a", "Chỉ lãnh đạo xã (vai trò approver) được hủy một phân bổ của xã"),
    ("p_approver", "Chỉ lãnh đạo xã (vai trò approver) được hủy một phân bổ của xã"),
    ("approver_b", NotFound),          # another commune's share: as if it did not exist
    ("approver_a", None),              # the commune's own approver still may
    ("officer", None),
])
def test_who_may_void_a_share(session, given, who, refusal):
    a, _b, _pa, share, p = given
    if refusal is None:
        assert allocations.void_allocation(session, share.id, "Chia nhầm", p[who]).voided_at is not None
        assert allocations.quota(session, commune_id=a.id).allocated == 0
        return
    with pytest.raises(NotFound if refusal is NotFound else ServiceError) as err:
        allocations.void_allocation(session, share.id, "Chia nhầm", p[who])
    if refusal is not NotFound:
        assert str(err.value).startswith(refusal)
    assert share.voided_at is None and allocations.quota(session, commune_id=a.id).allocated == 3


def test_the_officer_may_not_void_what_the_commune_recorded_itself(session, given):
    _a, b, _pa, _share, p = given
    own = allocations.record_allocation(session, 2, D(2026, 1, 25), "CV 7/UBND", p["approver_b"], commune_id=b.id)
    with pytest.raises(ServiceError) as err:
        allocations.void_allocation(session, own.id, "Nhầm", p["officer"])
    assert str(err.value) == ("Phân bổ 2 máy (CV 7/UBND) do xã tự ghi, không phải phần tỉnh chia: lãnh đạo xã hủy nó "
                              "nếu ghi nhầm. Cán bộ tỉnh chỉ hủy phần tỉnh đã chia.")
    assert allocations.void_allocation(session, own.id, "Nhầm", p["approver_b"]).voided_at is not None


def test_a_reason_is_needed_and_a_share_is_voided_once(session, given):
    _a, _b, _pa, share, p = given
    with pytest.raises(ServiceError, match="Hãy ghi rõ lý do hủy phân bổ"):
        allocations.void_allocation(session, share.id, "   ", p["officer"])
    allocations.void_allocation(session, share.id, "Chia nhầm", p["officer"])
    with pytest.raises(ServiceError, match=r"Phân bổ 3 máy \(QĐ 100/QĐ-BKHCN\) đã được hủy rồi."):
        allocations.void_allocation(session, share.id, "Chia nhầm", p["officer"])
    with pytest.raises(NotFound):
        allocations.void_allocation(session, share.id + 1000, "Chia nhầm", p["officer"])
