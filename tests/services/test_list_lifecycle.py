"""A list's life before the decision: numbered only when submitted (cancelled drafts leave no gap
in the register), emptied or cancelled with a reason (applications back on the waiting list)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from subsidy.models import AuditEntry, ProposalListEntry
from subsidy.services import allocations, lists
from subsidy.services.errors import ServiceError
from tests import factories

D = dt.date
ON = D(2025, 6, 30)


def _waiting(session, clerk, n):
    apps = [factories.eligible(session, clerk, on=ON) for _ in range(n)]
    factories.allocation(session, clerk, n, D(2025, 6, 1))
    return apps


def test_numbers_come_at_submission_and_a_cancelled_draft_leaves_no_gap(session, clerk, tt14):
    _waiting(session, clerk, 3)
    first = lists.build_proposal_list(session, clerk, count=1, created_on=D(2025, 7, 1))
    assert first.register_number is None and first.number == f"chưa có số (dự thảo {first.id})"
    lists.cancel_list(session, first, "Lập lại theo phân bổ mới", clerk)
    assert first.status == "cancelled" and lists.applications_on(session, first) == []
    second = lists.build_proposal_list(session, clerk, count=2, created_on=D(2025, 7, 2))
    assert lists.submit_list(session, second, clerk) == "01/DS-UBND"
    assert (second.status, second.submitted_by_id) == ("submitted", clerk.id)
    third = lists.build_proposal_list(session, clerk, count=1, created_on=D(2025, 7, 3))
    assert lists.submit_list(session, third, clerk) == "02/DS-UBND"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "proposal_list.submit",
                                                     AuditEntry.entity_id == third.id)).one()
    assert entry.changes == {"status": ["draft", "submitted"], "number": [None, "02/DS-UBND"]}
    with pytest.raises(ServiceError, match="không còn là dự thảo"):
        lists.submit_list(session, third, clerk)
    with pytest.raises(ServiceError, match="đã trình phê duyệt"):
        lists.propose(session, factories.eligible(session, clerk, on=ON), third, clerk, check_quota=False)


def test_empty_puts_everyone_back_on_the_waiting_list_in_order(session, clerk, tt14):
    apps = _waiting(session, clerk, 3)
    pl = lists.build_proposal_list(session, clerk, created_on=D(2025, 7, 1))
    assert allocations.quota(session).left == 0
    with pytest.raises(ServiceError, match="lý do"):
        lists.empty_list(session, pl, " ", clerk)
    assert lists.empty_list(session, pl, "Sai thứ tự", clerk) == 3
    assert {a.state for a in apps} == {"eligible"} and allocations.quota(session).left == 3
    assert [a.id for a in allocations.waiting_list(session)] == [a.id for a in apps]
    removed = session.scalars(select(ProposalListEntry).where(ProposalListEntry.proposal_list_id == pl.id)).all()
    assert len(removed) == 3 and all(e.removed_at is not None and e.removal_reason == "Sai thứ tự" for e in removed)
    assert pl.status == "draft"  # emptied, still a draft to fill again


def test_an_approved_list_cannot_be_emptied_and_a_draft_approved_directly_is_numbered(session, clerk, approver, tt14):
    _waiting(session, clerk, 1)
    pl, _ = factories.proposal_list(session, clerk, created_on=D(2025, 7, 1), approver=approver,
                                    decision=("12/QĐ-UBND", D(2025, 7, 10), "UBND xã Phú Tân"))
    assert (pl.status, pl.register_number) == ("approved", "01/DS-UBND")
    with pytest.raises(ServiceError, match="đã được phê duyệt"):
        lists.cancel_list(session, pl, "Nhầm", clerk)
