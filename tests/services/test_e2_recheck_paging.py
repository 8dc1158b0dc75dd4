"""The re-check list's cost follows its page: candidates are read a batch at a time (only what E2
reads, not every fact of every eligible household) and reading stops once the page is full; the
applications listed are the same whatever the batch and the page (domain.md §2, E2)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import event, select

from subsidy.domain import rules
from subsidy.models import Application, EligibilityDecision
from subsidy.services import recheck
from tests import factories

D = dt.date
ON = D(2025, 9, 1)
# (device date, the latest check's outcome) in the order received; None: the date is not known,
# so E2 cannot decide and «Đủ điều kiện» no longer holds. Allocated 01/05/2025.
CASES = [(D(2025, 6, 1), "eligible"), (None, "eligible"), (D(2025, 7, 1), "eligible"), (None, "eligible"),
         (None, "eligible"), (D(2024, 1, 1), "not_eligible"), (D(2025, 8, 1), "eligible"), (None, "eligible"),
         (D(2025, 6, 2), "not_eligible"), (None, "eligible")]


def _applications(session, tt14) -> list[int]:
    """The applications of CASES (each with a household that received a learning device on its
    date); the ids the re-check must list, worked out from the table: an eligible one whose device
    date is unknown, a refused one (E2) whose device came on or after the allocation."""
    factories.allocation_row(session, 10, D(2025, 5, 1))
    expected = []
    for i, (day, outcome) in enumerate(CASES):
        h = factories.applicant(session, prior_device="learning_device", prior_device_date=day)
        app = factories.application(session, h, state=outcome, received_on=D(2025, 6, 1) + dt.timedelta(days=i))
        session.add(EligibilityDecision(application_id=app.id, rule_set_id=tt14.id, outcome=outcome,
                                        failed_rules=["E2"] if outcome == "not_eligible" else [], results=[],
                                        facts={}))
        if (outcome == "eligible" and day is None) or (outcome == "not_eligible" and day >= D(2025, 5, 1)):
            expected.append(app.id)
    session.flush()
    return expected


def test_every_page_is_the_head_of_the_same_list_whatever_the_batch(session, tt14, monkeypatch):
    expected = _applications(session, tt14)
    full = recheck.e2_recheck(session, on=ON)
    assert [r.application_id for r in full] == expected
    assert [r.e2_now for r in full] == [rules.PASSED if r.state == "not_eligible" else rules.UNKNOWN for r in full]
    for batch in (1, 3, 4):
        monkeypatch.setattr(recheck, "BATCH", batch)
        assert recheck.e2_recheck(session, on=ON) == full
        for limit in range(1, len(full) + 1):
            assert recheck.e2_recheck(session, on=ON, limit=limit) == full[:limit]


def test_a_small_page_reads_one_batch_and_no_other_fact(session, tt14, monkeypatch):
    expected = _applications(session, tt14)
    monkeypatch.setattr(recheck, "BATCH", 3)  # the first two to list are among the first three
    statements: list[str] = []
    engine = session.get_bind()

    def seen(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.lower().split()))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        page = recheck.e2_recheck(session, on=ON, limit=1)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert [r.application_id for r in page] == expected[:1]
    candidates = [s for s in statements if "from applications" in s]
    assert len(candidates) == 1
    # the facts the other rules read (support given, people, the yearly lists) are not loaded
    assert not [s for s in statements if any(t in s for t in ("handovers", "household_members",
                                                              "household_statuses", "cash_payments"))]


def test_stale_e2_tells_which_of_some_applications_are_listed(session, tt14):
    expected = _applications(session, tt14)
    apps = session.scalars(select(Application).order_by(Application.id)).all()
    some = [apps[1], apps[2], apps[8]]  # unknown date (listed), a date after the allocation, refused and listed
    assert [r.application_id for r in recheck.stale_e2(session, some, on=ON)] == [
        a.id for a in some if a.id in expected]
    assert recheck.stale_e2(session, [], on=ON) == []
