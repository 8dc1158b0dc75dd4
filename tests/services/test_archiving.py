"""Archiving a household that still holds a live application (domain.md §3 ceiling, §5 withdraw)."""
from __future__ import annotations

from subsidy.domain import tracking

import datetime as dt

import pytest

from subsidy.models import Application, AuditEntry, Household
from subsidy.services import archiving
from subsidy.services import households as households_svc
from subsidy.services.errors import FieldError, ServiceError
from tests import factories as f


def test_a_household_without_a_live_application_is_archived_as_before(session, clerk):
    hh = f.household(session)
    f.household(session)  # a second poor household on file
    done = archiving.archive_household(session, hh.id, clerk, "chuyển đi nơi khác")
    assert done.live == () and (done.ceiling_now, done.ceiling_after) == (2, 1)
    assert session.get(Household, hh.id).archived is True


def test_a_live_application_needs_the_confirmation_and_a_reason(session, clerk):
    app = f.application(session, state="eligible")
    with pytest.raises(FieldError) as err:
        archiving.archive_household(session, app.household_id, clerk, "chuyển đi")
    assert err.value.field == "withdraw_live" and tracking.display(app.tracking_code) in str(err.value)
    with pytest.raises(FieldError) as err:
        archiving.archive_household(session, app.household_id, clerk, "  ", withdraw_live=True)
    assert err.value.field == "reason"
    assert session.get(Household, app.household_id).archived is False
    assert session.get(Application, app.id).state == "eligible"


def test_confirmed_archive_withdraws_the_application_with_the_reason(session, clerk):
    app = f.application(session, state="eligible")
    done = archiving.archive_household(session, app.household_id, clerk, "chuyển đi tỉnh khác", withdraw_live=True)
    assert [a.tracking_code for a in done.live] == [app.tracking_code]
    assert session.get(Application, app.id).state == "withdrawn"
    assert session.get(Household, app.household_id).archived is True
    actions = [e.action for e in session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions[-1] == "household.archive"
    withdraw = [e for e in session.query(AuditEntry) if e.entity_type == "application" and e.entity_id == app.id]
    assert any("Hộ được lưu trữ: chuyển đi tỉnh khác" in (e.note or "") + str(e.changes) for e in withdraw)


def test_handed_over_applications_do_not_stop_an_archive(session, clerk):
    app = f.application(session, state="closed")
    done = archiving.archive_household(session, app.household_id, clerk, "đã chuyển đi")
    assert done.live == () and session.get(Application, app.id).state == "closed"


def test_the_registry_alone_refuses_a_household_with_a_live_application(session, clerk):
    app = f.application(session, state="received")
    with pytest.raises(ServiceError, match=app.tracking_code):
        households_svc.archive_household(session, app.household_id, clerk, "x")


def test_the_preview_says_when_the_allocation_would_exceed_the_ceiling(session, clerk):
    first, second = f.household(session), f.household(session)
    f.allocation(session, clerk, 2, dt.date(2026, 1, 20))
    preview = archiving.archive_preview(session, first)
    assert (preview.ceiling_now, preview.ceiling_after, preview.allocated) == (2, 1, 2)
    assert preview.over_ceiling is True
    unclassified = f.household(session, category=None)
    p = archiving.archive_preview(session, unclassified)  # no category: it never counted
    assert (p.ceiling_now, p.ceiling_after) == (2, 2)


def test_the_preview_leaves_the_ceiling_out_for_a_reader_who_does_not_see_poverty_status(session, clerk):
    poor, unclassified = f.household(session), f.household(session, category=None)
    f.allocation(session, clerk, 1, dt.date(2026, 1, 20))
    for h in (poor, unclassified):
        p = archiving.archive_preview(session, h, poverty_shown=False)
        # the same answer for both: a falling ceiling would tell the poor household apart
        assert (p.ceiling_now, p.ceiling_after, p.allocated, p.over_ceiling) == (None, None, None, False)
        assert p.ceiling_may_fall == archiving.CEILING_MAY_FALL
