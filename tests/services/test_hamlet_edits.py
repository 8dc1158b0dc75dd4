"""A commune's hamlets edited from two pages (services.communes, services.versions): the later save
from the older page is refused, naming who changed which hamlet to what, nothing written; a rename
corrects the hamlet's name, so the commune's households stored under it follow in the same
transaction (each audited), while an approved list's frozen rows keep the name printed then."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from subsidy.models import Application, AuditEntry, Hamlet, Household, ProposalList
from subsidy.models.application import ProposalListEntry
from subsidy.services import communes, hamlet_edits, versions
from subsidy.services.versions import StaleVersion
from tests import factories


@pytest.fixture
def two_admins(session):
    a = factories.user(session, "admin", "quantri-an", full_name="Trần Văn An", row=True)
    b = factories.user(session, "admin", "quantri-binh", full_name="Lê Thị Bình", row=True)
    return a, b


@pytest.fixture
def commune(session):
    c = communes.create_commune(session, communes.CommuneInput(code="XABINH", name="xã Bình Hòa"), None,
                                hamlets=["Thôn 1", "Thôn 2"])
    other = communes.create_commune(session, communes.CommuneInput(code="XAKHAC", name="xã Khác"), None,
                                    hamlets=["Thôn 1"])
    for name in ("Lê Văn Ba", "Lê Văn Bốn", "Lê Văn Năm"):
        factories.household(session, head_name=name, hamlet="Thôn 1", commune_id=c.id)
    factories.household(session, head_name="Lê Văn Sáu", hamlet="Thôn 2", commune_id=c.id)
    factories.household(session, head_name="Đỗ Văn Khác", hamlet="Thôn 1", commune_id=other.id)
    session.flush()
    return c


def _hamlet(session, commune, name) -> Hamlet:
    return session.scalar(select(Hamlet).where(Hamlet.commune_id == commune.id, Hamlet.name == name))


def _per_hamlet(session, commune_id) -> dict[str, int]:
    rows = session.execute(select(Household.hamlet, func.count()).where(Household.commune_id == commune_id)
                           .group_by(Household.hamlet)).all()
    return dict(rows)


def test_the_older_page_s_rename_is_refused_and_the_first_rename_stays(session, commune, two_admins):
    a, b = two_admins
    seen = versions.version(session, "commune", commune.id)  # both tabs open the commune's page
    one = _hamlet(session, commune, "Thôn 1")

    saved = communes.update_hamlet(session, one, "Thôn Một", True, a, seen=seen)  # tab A
    assert (saved.old_name, saved.name, saved.households) == ("Thôn 1", "Thôn Một", 3)
    assert "Đã đổi tên «Thôn 1» thành «Thôn Một»; 3 hộ của xã chuyển sang tên mới." in saved.message()

    entries_before = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(StaleVersion) as err:  # tab B, from the page that still shows «Thôn 1»
        communes.update_hamlet(session, one, "Thôn 1A", True, b, seen=seen)
    message = str(err.value)
    assert message.startswith("Chưa lưu: danh sách ấp / thôn của xã Bình Hòa đã được người khác thay đổi")
    assert "Trần Văn An sửa «tên ấp: Thôn 1 → Thôn Một» lúc" in message
    assert "Hãy mở lại trang của xã" in message
    session.expire_all()
    assert _hamlet(session, commune, "Thôn Một") is not None and _hamlet(session, commune, "Thôn 1A") is None
    assert _per_hamlet(session, commune.id) == {"Thôn Một": 3, "Thôn 2": 1}
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries_before  # nothing written

    # opened again: B's page now shows «Thôn Một», and B's rename goes through, households too
    again = communes.update_hamlet(session, _hamlet(session, commune, "Thôn Một"), "Thôn 1A", True, b,
                                   seen=versions.version(session, "commune", commune.id))
    assert again.households == 3
    assert _per_hamlet(session, commune.id) == {"Thôn 1A": 3, "Thôn 2": 1}


def test_a_rename_carries_the_commune_s_households_audited_and_nothing_else(session, commune, two_admins):
    a, _ = two_admins
    other_id = session.scalar(select(Household.commune_id).where(Household.head_name == "Đỗ Văn Khác"))
    ba = session.scalar(select(Household).where(Household.head_name == "Lê Văn Ba"))
    # an approved list printed «Thôn 1» for Lê Văn Ba: what was issued keeps its text
    pl = ProposalList(commune_id=commune.id, created_on=dt.date(2026, 1, 10), status="approved",
                      register_number="01/DS", decision_number="12/QĐ-UBND", decision_date=dt.date(2026, 1, 12),
                      approving_body="UBND xã Bình Hòa", approved_at=dt.datetime(2026, 1, 12, 3, tzinfo=dt.timezone.utc))
    session.add(pl)
    session.flush()
    app = factories.application(session, ba, state="approved", commune_id=commune.id)
    session.add(ProposalListEntry(proposal_list_id=pl.id, application_id=app.id, position=1, head_name=ba.head_name,
                                  hamlet="Thôn 1", support_form="package", tracking_code=app.tracking_code,
                                  received_on=app.received_on,
                                  frozen_at=dt.datetime(2026, 1, 12, 3, tzinfo=dt.timezone.utc)))
    session.flush()
    household_seen = versions.version(session, "household", ba.id)

    saved = communes.update_hamlet(session, _hamlet(session, commune, "Thôn 1"), "thôn một", True, a,
                                   seen=versions.version(session, "commune", commune.id))
    assert (saved.name, saved.households) == ("Thôn Một", 3)  # stored as the household form stores it
    session.expire_all()
    assert _per_hamlet(session, commune.id) == {"Thôn Một": 3, "Thôn 2": 1}
    assert _per_hamlet(session, other_id) == {"Thôn 1": 1}  # another commune's «Thôn 1» is its own
    assert session.scalar(select(ProposalListEntry.hamlet)) == "Thôn 1"
    assert session.get(Application, app.id).household.hamlet == "Thôn Một"
    moved = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.update")
                            .order_by(AuditEntry.entity_id)).all()
    names = dict(session.execute(select(Household.id, Household.head_name)).all())
    assert sorted(names[e.entity_id] for e in moved) == ["Lê Văn Ba", "Lê Văn Bốn", "Lê Văn Năm"]
    assert {(e.entity_type, e.actor_id, e.commune_id) for e in moved} == {("household", a.id, commune.id)}
    assert all(e.changes == {"hamlet": ["Thôn 1", "Thôn Một"]} for e in moved)
    renamed = session.scalar(select(AuditEntry).where(AuditEntry.action == "hamlet.update"))
    assert renamed.changes == {"name": ["Thôn 1", "Thôn Một"]}
    # a household form opened before the rename would write «Thôn 1» back: it is stale now
    assert versions.version(session, "household", ba.id) > household_seen


def test_a_deactivation_or_an_add_from_the_older_page_is_refused_too(session, commune, two_admins):
    a, b = two_admins
    seen = versions.version(session, "commune", commune.id)
    two = _hamlet(session, commune, "Thôn 2")
    assert communes.update_hamlet(session, two, "Thôn 2", False, a, seen=seen).households == 0
    with pytest.raises(StaleVersion) as err:
        communes.add_hamlet(session, commune, "Thôn 3", b, seen=seen)
    assert "Trần Văn An sửa «ngừng dùng ấp Thôn 2» lúc" in str(err.value)
    with pytest.raises(StaleVersion):
        communes.update_hamlet(session, _hamlet(session, commune, "Thôn 1"), "Thôn 1", False, b, seen=seen)
    session.expire_all()
    assert [(h.name, h.active) for h in session.scalars(
        select(Hamlet).where(Hamlet.commune_id == commune.id).order_by(Hamlet.position))] == [
        ("Thôn 1", True), ("Thôn 2", False)]
    # a change of the commune's own form is no change of its hamlets
    communes.update_commune(session, commune, communes.CommuneInput(code="XABINH", name="xã Bình Hòa",
                                                                    archive="VT"), a)
    communes.add_hamlet(session, commune, "Thôn 3", b, seen=seen_after_hamlets(session, commune))
    assert communes.hamlet_names(session, commune.id) == ["Thôn 1", "Thôn 3"]


def seen_after_hamlets(session, commune) -> int:
    """The version of a page opened after the last hamlet change but before the commune's form was saved."""
    return session.scalar(select(func.max(AuditEntry.id)).where(
        AuditEntry.entity_type == "commune", AuditEntry.entity_id == commune.id,
        AuditEntry.action.in_(hamlet_edits.HAMLET_ACTIONS)))
