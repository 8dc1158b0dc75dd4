"""One draft list per commune and one decision number per commune and year are kept by the
database too (uq_proposal_lists_one_draft, uq_proposal_lists_decision): a request that passes the
service's check while another one writes the same thing gets the service's Vietnamese message,
nothing of it is written and the session stays usable."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from subsidy.models import ProposalList
from subsidy.services import allocations, communes, lists
from subsidy.services.errors import Conflict, ServiceError
from subsidy.services.lists import approval
from tests import factories

D = dt.date
ON = D(2025, 6, 30)
BODY = "Ủy ban nhân dân xã Phú Tân"


def _lists(session) -> int:
    return session.scalar(select(func.count()).select_from(ProposalList))


def test_a_second_draft_is_refused_by_the_database_with_the_builders_message(session, clerk, tt14):
    apps = [factories.eligible(session, clerk, on=ON) for _ in range(2)]
    factories.allocation(session, clerk, 2, D(2025, 6, 1))
    draft = lists.build_proposal_list(session, clerk, count=2, created_on=D(2025, 7, 1))
    # new_list does not look for a draft itself: the unique index refuses the second one
    with pytest.raises(Conflict) as err:
        lists.new_list(session, clerk, created_on=D(2025, 7, 2))
    assert str(err.value) == (
        "Xã đang có một dự thảo danh sách đề nghị chưa trình phê duyệt (lập ngày 01/07/2025, 2 hộ). Mỗi lúc chỉ lập "
        "một dự thảo: hãy mở dự thảo đó để xem lại, bổ sung hộ («Bổ sung vào danh sách đang lập») rồi trình phê "
        "duyệt, hoặc hủy nó trước khi lập danh sách mới.")
    assert _lists(session) == 1 and {a.proposal_list_id for a in apps} == {draft.id}  # usable, nothing written
    # a submitted or cancelled list is no draft: the commune may start the next one
    lists.submit_list(session, draft, clerk)
    second = lists.new_list(session, clerk, created_on=D(2025, 7, 3))
    lists.cancel_list(session, second, "Lập lại", clerk)
    assert lists.new_list(session, clerk, created_on=D(2025, 7, 4)).status == "draft"
    assert _lists(session) == 3


def test_the_database_holds_one_draft_per_commune_whoever_writes(session, clerk):
    commune_id = lists.new_list(session, clerk, created_on=D(2025, 7, 1)).commune_id
    other = communes.create_commune(session, communes.CommuneInput(code="PHUMY", name="xã Phú Mỹ"), None,
                                    hamlets=("Ấp Một",))
    session.add(ProposalList(commune_id=other.id, created_on=D(2025, 7, 1), status="draft"))  # another commune's
    session.flush()
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.add(ProposalList(commune_id=commune_id, created_on=D(2025, 7, 1), status="draft"))
            session.flush()


@pytest.fixture
def two_lists(session, clerk, tt14):
    """Two lists of one commune made on 01/07/2025 with one application each, the first submitted."""
    for _ in range(2):
        factories.eligible(session, clerk, on=ON)
    factories.allocation(session, clerk, 2, D(2025, 6, 1))
    first = lists.build_proposal_list(session, clerk, count=1, created_on=D(2025, 7, 1))
    lists.submit_list(session, first, clerk)
    second = lists.build_proposal_list(session, clerk, count=1, created_on=D(2025, 7, 1))
    return first, second


@pytest.fixture
def check_misses_once(monkeypatch):
    """The service's look for a number taken finds nothing once, as when another approval is
    committed between that look and this one's write; afterwards it looks as usual."""
    real, calls = approval._number_taken, []

    def first_misses(*args, **kwargs):
        calls.append(args)
        return None if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(approval, "_number_taken", first_misses)
    return calls


def test_a_decision_number_taken_meanwhile_is_refused_by_the_database(session, two_lists, approver,
                                                                      check_misses_once):
    first, second = two_lists
    lists.approve_list(session, first, "12/QĐ-UBND", D(2025, 7, 10), BODY, approver)
    check_misses_once.clear()
    with pytest.raises(lists.InvalidDecision) as err:
        lists.approve_list(session, second, "012/QĐ-UBND", D(2025, 8, 1), BODY, approver)
    assert err.value.field_errors == {"decision_number": (
        f"Số quyết định 012/QĐ-UBND năm 2025 đã được ghi cho danh sách {first.number} (ngày 10/07/2025, ghi là "
        "12/QĐ-UBND). Mỗi quyết định của xã có một số riêng trong năm: hãy kiểm tra lại số in trên quyết định phê "
        "duyệt danh sách này.")}
    assert len(check_misses_once) == 2  # the look that missed, then the one that words the refusal
    # nothing of the approval written: the list is still a draft without a decision, its household proposed
    assert (second.status, second.decision_number, second.decision_key) == ("draft", None, None)
    assert [a.state for a in lists.applications_on(session, second)] == ["proposed"]
    assert first.decision_key == "2025:12/QĐ-UBND"
    # another year is another register
    lists.approve_list(session, second, "12/QĐ-UBND", D(2026, 1, 5), BODY, approver)
    assert (second.status, second.decision_key) == ("approved", "2026:12/QĐ-UBND")


def test_a_correction_to_a_number_taken_meanwhile_is_refused_by_the_database(session, two_lists, approver,
                                                                             check_misses_once):
    first, second = two_lists
    lists.approve_list(session, first, "12/QĐ-UBND", D(2025, 7, 10), BODY, approver)
    lists.approve_list(session, second, "13/QĐ-UBND", D(2025, 7, 10), BODY, approver)
    check_misses_once.clear()
    with pytest.raises(lists.InvalidDecision) as err:
        lists.correct_decision(session, second, "12/QĐ-UBND", D(2025, 7, 10), BODY, "gõ nhầm", approver,
                               today=D(2025, 7, 20))
    assert f"đã được ghi cho danh sách {first.number}" in err.value.field_errors["decision_number"]
    assert (second.decision_number, second.decision_key) == ("13/QĐ-UBND", "2025:13/QĐ-UBND")
    lists.correct_decision(session, second, "14/QĐ-UBND", D(2025, 7, 9), BODY, "gõ nhầm", approver,
                           today=D(2025, 7, 20))
    assert second.decision_key == "2025:14/QĐ-UBND"  # the key follows a correction


def test_two_drafts_made_at_once_on_postgresql_one_waits_then_gets_the_message(app, session):
    """Two requests each making the commune's draft: the second waits on the index until the first
    commits, then is refused with the builder's message (PostgreSQL; SQLite runs writers one after
    the other)."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite serialises writers (BEGIN IMMEDIATE)")
    clerk = factories.user(session, "clerk", "canbo-race", row=True)
    session.commit()
    maker = app.extensions["subsidy.sessionmaker"]
    first, second = maker(), maker()
    outcome: dict[str, str] = {}
    try:
        lists.new_list(first, first.get(type(clerk), clerk.id), created_on=D(2025, 7, 1))

        def other() -> None:
            try:
                lists.new_list(second, second.get(type(clerk), clerk.id), created_on=D(2025, 7, 1))
                outcome["made"] = "yes"
            except Conflict as err:
                outcome["refused"] = str(err)
            second.rollback()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # waiting on the first one's draft
        first.commit()
        thread.join(10)
    finally:
        first.close()
        second.close()
    assert list(outcome) == ["refused"] and "(lập ngày 01/07/2025, 0 hộ)" in outcome["refused"]
    assert _lists(session) == 1


def test_a_draft_marked_duplicate_is_not_the_communes_draft_nor_stands_in_its_way(session, clerk, tt14):
    """A draft marked duplicate_draft (migration 0016's older drafts; a merged copy's, with a higher
    id) is never the commune's draft: building makes the commune's draft beside it, filling and
    proposing one go to the commune's draft, and nothing is added to the marked one, which can
    still be submitted."""
    apps = [factories.eligible(session, clerk, on=ON) for _ in range(4)]
    factories.allocation(session, clerk, 4, D(2025, 6, 1))
    older = lists.build_proposal_list(session, clerk, count=1, created_on=D(2025, 7, 1))
    older.duplicate_draft = True  # as migration 0016 marks a commune's older drafts
    session.flush()
    assert lists.open_draft(session) is None
    draft = lists.build_proposal_list(session, clerk, count=1, created_on=D(2025, 7, 2))
    assert lists.open_draft(session) is draft and draft.duplicate_draft is False
    merged = ProposalList(commune_id=draft.commune_id, created_on=D(2025, 6, 20), status="draft",
                          duplicate_draft=True)  # a merged copy's marked draft: a newer id
    session.add(merged)
    session.flush()
    assert merged.id > draft.id and lists.open_draft(session) is draft
    assert lists.open_draft(session, draft.commune_id) is draft
    waiting = allocations.waiting_list(session)
    assert lists.propose_one(session, waiting[0], clerk) is draft
    refusal = ("Dự thảo lập ngày {:%d/%m/%Y} là dự thảo thừa (xã có nhiều dự thảo từ trước khi mỗi xã chỉ được lập "
               "một dự thảo mỗi lúc); không thêm hồ sơ vào dự thảo này được. Hãy trình phê duyệt hoặc hủy nó, và bổ "
               "sung hộ vào dự thảo đang lập («Bổ sung vào danh sách đang lập»).")
    for marked in (older, merged):
        with pytest.raises(ServiceError) as err:
            lists.promote_waiting(session, clerk, marked)
        assert str(err.value) == refusal.format(marked.created_on)
        with pytest.raises(ServiceError) as err:
            lists.propose(session, waiting[1], marked, clerk)
        assert str(err.value) == refusal.format(marked.created_on)
    assert waiting[1].state == "eligible"
    assert [a.id for a in lists.promote_waiting(session, clerk)] == [waiting[1].id]
    sizes = {pl.id: len(lists.applications_on(session, pl)) for pl in (older, draft, merged)}
    assert sizes == {older.id: 1, draft.id: 3, merged.id: 0}
    assert {a.proposal_list_id for a in apps} == {older.id, draft.id}
    # the marked draft is submitted as any draft; the commune's draft stays its draft
    assert lists.submit_list(session, older, clerk) == "01/DS-UBND"
    lists.cancel_list(session, merged, "Dự thảo thừa của bản cũ", clerk)
    assert lists.open_draft(session) is draft
