"""A save from a page older than the record is refused, nothing of it written (services.versions):
the household form, an application's correction and a list's approval. Two clerks with the same
page open: the first save goes through, the second is told who changed what and to open the page
again, instead of silently putting the first one's change back. On PostgreSQL the two saves also
race for real: the second waits on the row's lock, then sees the first one's change."""
from __future__ import annotations

from subsidy.domain import tracking

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from subsidy.models import Application, AuditEntry, Household, ProposalList
from subsidy.services import corrections, lists, versions
from subsidy.services import households as svc
from subsidy.services.errors import InvalidFields
from subsidy.services.versions import StaleVersion
from tests import factories

D = dt.date
ON = D(2025, 6, 30)


@pytest.fixture
def two_clerks(session):
    a = factories.user(session, "clerk", "canbo-an", full_name="Trần Văn An", row=True)
    b = factories.user(session, "clerk", "canbo-binh", full_name="Lê Thị Bình", row=True)
    return a, b


def household_form(hh: Household, seen: int | None, **changes) -> svc.HouseholdInput:
    """The edit form as its page showed ``hh`` (every field), with ``changes`` typed over it."""
    values = dict(code=hh.code, head_name=hh.head_name, hamlet=hh.hamlet, category=hh.category, members=hh.members,
                  head_birth_year=hh.head_birth_year, head_gender=hh.head_gender, citizen_id=hh.citizen_id,
                  address=hh.address, phone=hh.phone, list_year=hh.list_year, seen_version=seen)
    values.update(changes)
    return svc.HouseholdInput(**values)


def registered(session, clerk) -> Household:
    return svc.register_household(session, svc.HouseholdInput(
        code="8250419218", head_name="Mai Minh Nghĩa", hamlet="Ấp Phú Hòa", category="poor", members=4,
        head_birth_year=1938, head_gender="M", citizen_id="082038597382", phone="0386300391", list_year=2025), clerk)


def _entries(session, action: str) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def test_the_older_household_form_is_refused_and_the_phone_stays(session, two_clerks):
    a, b = two_clerks
    hh = registered(session, a)
    opened = versions.version(session, "household", hh.id)
    created = session.scalar(select(AuditEntry.id).where(AuditEntry.action == "household.create"))
    assert opened == created  # the version is the household's latest change: its creation

    svc.update_household(session, hh.id, household_form(hh, opened, phone="0912345678"), b)
    with pytest.raises(StaleVersion) as err:  # A's page still shows 4 people and the old phone
        svc.update_household(session, hh.id, household_form(hh, opened, members=5, phone="0386300391"), a)
    message = str(err.value)
    assert "hộ Mai Minh Nghĩa (mã 8250419218)" in message and "Lê Thị Bình sửa «Số điện thoại» lúc" in message
    assert "mở lại trang sửa hộ" in message
    session.expire_all()  # read back what is stored
    stored = session.get(Household, hh.id)
    assert (stored.phone, stored.members) == ("0912345678", 4)
    assert _entries(session, "household.update") == 1

    # Opened again: the page shows B's phone, and A's change goes through on top of it.
    fresh = versions.version(session, "household", hh.id)
    assert fresh > opened
    svc.update_household(session, hh.id, household_form(stored, fresh, members=5), a)
    assert (stored.phone, stored.members) == ("0912345678", 5)


def test_a_change_the_form_does_not_carry_does_not_refuse_it(session, two_clerks):
    a, b = two_clerks
    hh = registered(session, a)
    opened = versions.version(session, "household", hh.id)
    svc.archive_household(session, hh.id, b, "Chuyển đi")  # «archived» is not on the form
    svc.update_household(session, hh.id, household_form(hh, opened, members=6), a)
    assert session.get(Household, hh.id).members == 6


def test_a_version_the_record_never_had_is_a_field_error(session, two_clerks):
    a, _ = two_clerks
    hh = registered(session, a)
    other = svc.register_household(session, svc.HouseholdInput(
        code="8250419219", head_name="Võ Văn Khác", hamlet="Ấp Phú Hòa", category="poor"), a)
    foreign = versions.version(session, "household", other.id)
    with pytest.raises(InvalidFields) as err:
        svc.update_household(session, hh.id, household_form(hh, foreign, members=2), a)
    assert list(err.value.field_errors) == ["version"] and f"Phiên bản {foreign}" in str(err.value)
    assert other.id != hh.id


def _two_on_a_submitted_list(session, clerk):
    apps = [factories.eligible(session, clerk, on=ON) for _ in range(2)]
    factories.allocation(session, clerk, 2, D(2025, 6, 1))
    pl = lists.build_proposal_list(session, clerk, count=2, created_on=D(2025, 7, 1))
    lists.submit_list(session, pl, clerk)
    return pl, apps


def correction(app: Application, seen: int | None, reason: str = "Gõ nhầm ngày", **changes):
    values = {"received_on": app.received_on, "support_form": app.support_form, "purchase_date": app.purchase_date,
              "evidence_note": app.evidence_note, "reason": reason, "seen_version": seen}
    values.update(changes)
    return corrections.CorrectionInput(**values)


def test_an_older_correction_form_does_not_put_back_a_corrected_date(session, two_clerks, tt14):
    a, b = two_clerks
    app = factories.eligible(session, a, on=ON)
    opened = versions.version(session, "application", app.id)
    corrections.correct_application(session, app, correction(app, opened, received_on=D(2025, 2, 20)), b)
    with pytest.raises(StaleVersion) as err:  # A's form still says 01/03/2025 and changes the form of support
        corrections.correct_application(session, app, correction(app, opened, received_on=D(2025, 3, 1),
                                                                 support_form="cash", purchase_date=D(2023, 5, 1)), a)
    assert f"hồ sơ {tracking.display(app.tracking_code)}" in str(err.value) and "Lê Thị Bình sửa «Ngày nhận hồ sơ»" in str(err.value)
    session.expire_all()  # read back what is stored
    stored = session.get(Application, app.id)
    assert (stored.received_on, stored.support_form) == (D(2025, 2, 20), "package")
    assert _entries(session, "application.correction") == 1


def test_the_approval_of_a_list_that_lost_an_application_is_refused(session, clerk, approver, tt14):
    pl, apps = _two_on_a_submitted_list(session, clerk)
    seen = lists.approval_seen(session, pl)
    assert seen == ",".join(str(i) for i in sorted(a.id for a in apps))
    gone = apps[0]
    corrections.correct_application(session, gone, correction(gone, None, received_on=D(2025, 2, 28)), clerk)
    with pytest.raises(StaleVersion) as err:
        lists.approve_list(session, pl, "12/QĐ-UBND", D(2025, 7, 5), "Ủy ban nhân dân xã Phú Tân", approver,
                           seen=seen)
    message = str(err.value)
    assert f"danh sách {pl.number} đã thay đổi" in message
    assert f"1 hồ sơ đã ra khỏi danh sách ({tracking.display(gone.tracking_code)} – hộ {gone.household.head_name})" in message
    assert "in lại bản danh sách" in message and "mới được đưa vào" not in message
    session.expire_all()  # read back what is stored
    assert session.get(ProposalList, pl.id).status == "submitted"
    assert session.get(Application, apps[1].id).state == "proposed"
    assert _entries(session, "proposal_list.approve") == 0

    # The page opened again shows one application: that approval goes through.
    approved = lists.approve_list(session, pl, "12/QĐ-UBND", D(2025, 7, 5), "Ủy ban nhân dân xã Phú Tân", approver,
                                  seen=lists.approval_seen(session, pl))
    assert [x.id for x in approved] == [apps[1].id]


def _postgresql_only(session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: on SQLite a writing request holds the database's write lock "
                    "(BEGIN IMMEDIATE), so two saves cannot overlap")


def _race(app, first_save, second_save) -> dict[str, str]:
    """``first_save(session)`` in one Session, left uncommitted; ``second_save(session)`` in another,
    in a thread, which must wait (the row's lock); then the first commits. Returns what the second
    did: {"saved": …} or {"refused": message}."""
    maker = app.extensions["subsidy.sessionmaker"]
    first, second = maker(), maker()
    outcome: dict[str, str] = {}
    try:
        first_save(first)

        def other() -> None:
            try:
                second_save(second)
                second.commit()
                outcome["saved"] = "yes"
            except StaleVersion as err:
                second.rollback()
                outcome["refused"] = str(err)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # waiting on the first save's row lock
        first.commit()
        thread.join(10)
    finally:
        first.close()
        second.close()
    return outcome


def test_two_household_saves_at_once_on_postgresql_the_second_is_refused(app, session, two_clerks):
    _postgresql_only(session)
    a, b = two_clerks
    hh = registered(session, a)
    session.commit()
    opened = versions.version(session, "household", hh.id)
    hid, form_b = hh.id, household_form(hh, opened, phone="0912345678")
    form_a = household_form(hh, opened, members=5)
    outcome = _race(app, lambda s: svc.update_household(s, hid, form_b, s.get(type(b), b.id)),
                    lambda s: svc.update_household(s, hid, form_a, s.get(type(a), a.id)))
    assert list(outcome) == ["refused"] and "Lê Thị Bình sửa «Số điện thoại»" in outcome["refused"]
    session.expire_all()
    stored = session.get(Household, hid)
    assert (stored.phone, stored.members) == ("0912345678", 4)


def test_a_correction_and_an_approval_at_once_on_postgresql(app, session, clerk, approver, tt14):
    """The clerk's correction takes an application off the submitted list while the approver, who
    opened the list before, approves it: the approval waits on the list's lock, then is refused
    naming the application that left."""
    _postgresql_only(session)
    pl, apps = _two_on_a_submitted_list(session, clerk)
    session.commit()
    seen, plid, gone_id = lists.approval_seen(session, pl), pl.id, apps[0].id

    def correct(s):
        gone = s.get(Application, gone_id)
        corrections.correct_application(s, gone, correction(gone, None, received_on=D(2025, 2, 28)),
                                        s.get(type(clerk), clerk.id))

    def approve(s):
        lists.approve_list(s, s.get(ProposalList, plid), "12/QĐ-UBND", D(2025, 7, 5), "Ủy ban nhân dân xã Phú Tân",
                           s.get(type(approver), approver.id), seen=seen)

    outcome = _race(app, correct, approve)
    assert list(outcome) == ["refused"] and "1 hồ sơ đã ra khỏi danh sách" in outcome["refused"]
    session.expire_all()
    assert session.get(ProposalList, plid).status == "submitted"


def test_a_second_correction_of_a_decision_from_the_same_page_is_refused(session, clerk, approver, tt14):
    pl, _apps = _two_on_a_submitted_list(session, clerk)
    lists.approve_list(session, pl, "12/QĐ-UBND", D(2025, 7, 5), "Ủy ban nhân dân xã Phú Tân", approver,
                       seen=lists.approval_seen(session, pl))
    opened = versions.version(session, "proposal_list", pl.id)
    other = factories.user(session, "approver", "lanhdao-hai", full_name="Đỗ Văn Hai", row=True)
    lists.correct_decision(session, pl, "21/QĐ-UBND", D(2025, 7, 5), "Ủy ban nhân dân xã Phú Tân", "Gõ nhầm số",
                           other, today=D(2025, 7, 10), seen_version=opened)
    with pytest.raises(StaleVersion) as err:  # the first page still shows 12/QĐ-UBND of 05/07
        lists.correct_decision(session, pl, "12/QĐ-UBND", D(2025, 7, 6), "Ủy ban nhân dân xã Phú Tân", "Sai ngày",
                               approver, today=D(2025, 7, 10), seen_version=opened)
    assert f"quyết định phê duyệt danh sách {pl.number}" in str(err.value)
    assert "Đỗ Văn Hai sửa «Số quyết định» lúc" in str(err.value)
    session.expire_all()
    stored = session.get(ProposalList, pl.id)
    assert (stored.decision_number, stored.decision_date) == ("21/QĐ-UBND", D(2025, 7, 5))


def test_an_approval_under_way_and_a_correction_at_once_on_postgresql_do_not_deadlock(app, session, clerk, approver,
                                                                                       tt14):
    """The approver's approval has locked the list; the clerk's correction of one of its applications
    starts meanwhile: it waits for the list (the order the approval takes its locks), the approval
    then writes its applications and commits, and the correction goes through after it, taking the
    application off the approved list — neither ends in a deadlock."""
    _postgresql_only(session)
    pl, apps = _two_on_a_submitted_list(session, clerk)
    session.commit()
    seen, plid, gone_id = lists.approval_seen(session, pl), pl.id, apps[0].id
    maker = app.extensions["subsidy.sessionmaker"]
    first, second = maker(), maker()
    outcome: dict[str, str] = {}
    try:
        versions.lock(first, ProposalList, plid)  # the approval's first step

        def correct() -> None:
            try:
                gone = second.get(Application, gone_id)
                corrections.correct_application(second, gone, correction(gone, None, received_on=D(2025, 2, 28)),
                                                second.get(type(clerk), clerk.id))
                second.commit()
                outcome["saved"] = "yes"
            except Exception as err:  # noqa: BLE001 - the test reports what it was
                second.rollback()
                outcome["error"] = repr(err)

        thread = threading.Thread(target=correct)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # waiting on the list's lock
        approved = lists.approve_list(first, first.get(ProposalList, plid), "12/QĐ-UBND", D(2025, 7, 5),
                                      "Ủy ban nhân dân xã Phú Tân", first.get(type(approver), approver.id), seen=seen)
        first.commit()
        thread.join(10)
    finally:
        first.close()
        second.close()
    assert sorted(a.id for a in approved) == sorted(a.id for a in apps)
    assert outcome == {"saved": "yes"}
    session.expire_all()
    gone = session.get(Application, gone_id)
    assert (gone.state, gone.proposal_list_id) == ("received", None)
    assert session.get(ProposalList, plid).status == "approved"
