"""The intake's rules in the service (the view only parses the form): which household a case is
recorded for (an anonymous case alone may have none), the staff a denunciation may name, and the
standings read for a page's cases only, the to-do counts and the province's open counts in one
pass. Expected values are worked out here by hand (dates as in test_complaints.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from subsidy.services import complaints as svc
from subsidy.services.errors import InvalidFields
from tests import factories

D = dt.date
TODAY = D(2026, 5, 14)


def _input(**kw):
    data = dict(kind="petition", filer="head", channel="in_person", category="other", text="Xin hỏi về máy",
                received_on=D(2026, 5, 4))
    data.update(kw)
    return svc.CaseInput(**data)


def test_the_household_of_an_intake(session, clerk, household):
    h = household(code="H-77", citizen_id="082070123456")
    app = factories.application(session, h)
    named = svc.record_intake(session, _input(), " 082070123456 ", clerk, today=TODAY)
    assert (named.household_id, named.application_id, named.state) == (h.id, app.id, "received")
    anonymous = svc.record_intake(session, _input(filer="anonymous"), "  ", clerk, today=TODAY)
    assert (anonymous.household_id, anonymous.application_id, anonymous.state) == (None, None, "filed")
    # an anonymous case with a code typed is that household's
    typed = svc.record_intake(session, _input(filer="anonymous"), "H-77", clerk, today=TODAY)
    assert typed.household_id == h.id
    with pytest.raises(InvalidFields) as err:
        svc.record_intake(session, _input(), "", clerk, today=TODAY)
    assert "Chỉ đơn nặc danh mới để trống ô này" in err.value.field_errors["household_code"]
    with pytest.raises(InvalidFields) as err:
        svc.record_intake(session, _input(filer="anonymous"), "KHONG-CO", clerk, today=TODAY)
    assert err.value.field_errors["household_code"].startswith("Không tìm thấy hộ")


def test_staff_who_may_be_named(session, clerk):
    b = factories.user(session, "approver", "lanhdao-b", row=True, full_name="Bùi Văn Bình")
    a = factories.user(session, "clerk", "canbo-a", row=True, full_name="An Thị Lan")
    factories.user(session, "radio", "dai", row=True, full_name="Đài xã")
    gone = factories.user(session, "clerk", "canbo-cu", row=True, full_name="Cao Văn Cũ")
    gone.active = False
    session.flush()
    got = svc.staff_who_may_be_named(session, clerk.commune_id)
    assert [uid for uid, _ in got if uid in {a.id, b.id, gone.id}] == [a.id, b.id]
    assert all(uid != gone.id for uid, _ in got) and clerk.id in [uid for uid, _ in got]


def test_standings_of_a_page_and_the_counts(session, clerk, household):
    h = household()
    overdue = svc.record_case(session, _input(kind="complaint", category="eligibility", household_id=h.id,
                                              received_on=D(2026, 4, 24), contested_on=D(2026, 4, 1)),
                              clerk, today=D(2026, 4, 24))   # acceptance due 13/05: overdue on 14/05
    soon = svc.record_case(session, _input(household_id=h.id), clerk, today=D(2026, 5, 4))  # due 18/05
    filed = svc.record_intake(session, _input(filer="anonymous"), "", clerk, today=TODAY)  # no deadline runs
    assert svc.standings_of(session, [soon], TODAY) == {soon.id: "due_soon"}
    assert svc.standings_of(session, [overdue, soon, filed], TODAY) == {overdue.id: "overdue", soon.id: "due_soon"}
    assert svc.standings_of(session, [], TODAY) == {}
    notes = svc.list_notes(session, [soon], TODAY)
    assert notes.standings == {soon.id: "due_soon"}
    assert svc.due_summary(session, TODAY) == (2, svc.queries.DueCounts(1, 1))
    [line] = [c for c in svc.province_summary(session, TODAY) if c.commune_id == h.commune_id]
    assert (line.open, line.due_soon, line.overdue) == (2, 1, 1)  # the anonymous case is filed, not open
