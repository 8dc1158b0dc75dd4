"""The complaints register through its service: recording, the deadlines from the stored dates
(computed by hand on the 2026 calendar below), the state walk for every role, appeals and their
window, the named person of a denunciation, the to-do counts and the province view.

    January 2026            February 2026           April 2026              May 2026
    Mo Tu We Th Fr Sa Su    Mo Tu We Th Fr Sa Su    Mo Tu We Th Fr Sa Su    Mo Tu We Th Fr Sa Su
             1  2  3  4                       1           1  2  3  4  5                 1  2  3
     5  6  7  8  9 10 11     2  3  4  5  6  7  8     6  7  8  9 10 11 12     4  5  6  7  8  9 10
    12 13 14 15 16 17 18     9 10 11 12 13 14 15    13 14 15 16 17 18 19    11 12 13 14 15 16 17
    19 20 21 22 23 24 25    16 17 18 19 20 21 22    20 21 22 23 24 25 26    18 19 20 21 22 23 24
    26 27 28 29 30 31       23 24 25 26 27 28       27 28 29 30             25 26 27 28 29 30 31

Days off: Tết 16–20/02; Giỗ Tổ (Sunday 26/04) taken on Monday 27/04; 30/04; 01/05.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from subsidy.domain.labels import STATE_LABELS, field_label, value_words
from subsidy.domain.workflow import RoleNotAllowed, WorkflowError
from subsidy.models import AuditEntry, Commune, Complaint, ComplaintEvent
from subsidy.services import complaints as svc
from subsidy.services.errors import InvalidFields, ServiceError
from tests import factories

D = dt.date


def _case(session, clerk, h, **kw):
    data = dict(kind="complaint", filer="head", channel="in_person", category="eligibility",
                text="Hộ tôi nghèo nhưng bị xét không đủ điều kiện", household_id=h.id,
                received_on=D(2026, 4, 24), contested_on=D(2026, 4, 1))
    data.update(kw)
    return svc.record_case(session, svc.CaseInput(**data), clerk, today=kw.get("received_on", D(2026, 4, 24)))


def _by_key(deadlines):
    return {d.key: d for d in deadlines}


def test_record_numbers_per_commune_and_year_and_audits(session, clerk, household):
    h = household()
    a = _case(session, clerk, h)
    b = _case(session, clerk, h, kind="petition", category="quota", contested_on=None)
    assert (a.case_number, b.case_number) == ("001/2026", "002/2026")
    assert (a.state, a.level, a.commune_id) == ("received", "commune", h.commune_id)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "complaint.record",
                                                     AuditEntry.entity_id == a.id)).one()
    assert entry.changes["case_number"] == "001/2026" and entry.changes["received_on"] == "2026-04-24"
    events = session.scalars(select(ComplaintEvent).where(ComplaintEvent.complaint_id == a.id)).all()
    assert [(e.from_state, e.to_state) for e in events] == [(None, "received")]


def test_intake_errors_name_each_field(session, clerk, household):
    h = household()
    with pytest.raises(InvalidFields) as err:
        svc.record_case(session, svc.CaseInput(kind="complaint", filer="member", channel="fax", category="priority",
                                               text=" ", household_id=h.id, received_on=D(2026, 4, 24)),
                        clerk, today=D(2026, 4, 24))
    assert set(err.value.field_errors) == {"channel", "text", "filer_name", "contested_on"}
    with pytest.raises(InvalidFields) as err:
        svc.record_case(session, svc.CaseInput(kind="complaint", filer="head", channel="phone", category="staff_conduct",
                                               text="Cán bộ xã đòi tiền", household_id=h.id,
                                               contested_on=D(2026, 4, 1)), clerk, today=D(2026, 4, 24))
    assert "Tố cáo" in err.value.field_errors["kind"]
    with pytest.raises(InvalidFields) as err:
        svc.record_case(session, svc.CaseInput(kind="petition", filer="head", channel="phone", category="other",
                                               text="x", household_id=h.id, received_on=D(2026, 4, 25)),
                        clerk, today=D(2026, 4, 24))
    assert "24/04/2026" in err.value.field_errors["received_on"]


def test_acceptance_in_working_days_around_giong_to_and_may_day(session, clerk, household):
    # Received Friday 24/04: Mon 27/04 off, 28 (1), 29 (2), 30/04 and 01/05 off, 04/05 (3) … 13/05 (10).
    c = _case(session, clerk, household())
    d = _by_key(svc.case_deadlines(svc.dates_of(c), D(2026, 5, 7)))
    assert d["acceptance"].due == D(2026, 5, 13)
    assert (d["acceptance"].status, d["acceptance"].days_left) == ("on_time", 4)   # 8, 11, 12, 13
    d = _by_key(svc.case_deadlines(svc.dates_of(c), D(2026, 5, 8)))
    assert (d["acceptance"].status, d["acceptance"].days_left) == ("due_soon", 3)
    d = _by_key(svc.case_deadlines(svc.dates_of(c), D(2026, 5, 14)))
    assert (d["acceptance"].status, d["acceptance"].days_left) == ("overdue", -1)
    assert "Điều 27" in d["acceptance"].clause
    # filing: contested 01/04 + 90 days = 30/06/2026 (Tuesday): received 24/04 is inside
    assert (d["filing"].due, d["filing"].status) == (D(2026, 6, 30), "met")


def test_filing_window_ends_on_the_next_working_day_and_a_late_one_shows(session, clerk, household):
    # contested 01/02/2026 + 90 days = Saturday 02/05 → Monday 04/05
    h = household()
    on_time = _case(session, clerk, h, contested_on=D(2026, 2, 1), received_on=D(2026, 5, 4))
    late = _case(session, clerk, h, contested_on=D(2026, 2, 1), received_on=D(2026, 5, 5))
    assert _by_key(svc.case_deadlines(svc.dates_of(on_time), D(2026, 5, 5)))["filing"].status == "met"
    f = _by_key(svc.case_deadlines(svc.dates_of(late), D(2026, 5, 5)))["filing"]
    assert (f.due, f.status) == (D(2026, 5, 4), "late")
    # the late filing is its own mark (Điều 9), beside the commune's running deadlines
    assert (svc.filed_late(svc.dates_of(on_time)), svc.filed_late(svc.dates_of(late))) == (False, True)
    assert svc.case_page(session, late, clerk, today=D(2026, 5, 5)).filed_late
    assert not svc.case_page(session, on_time, clerk, today=D(2026, 5, 5)).filed_late


@pytest.mark.parametrize("complex_case, remote, due", [
    (False, False, D(2026, 6, 3)),    # 04/05 + 30 days
    (True, False, D(2026, 6, 18)),    # + 45
    (False, True, D(2026, 6, 18)),    # + 45 (vùng sâu, vùng xa)
    (True, True, D(2026, 7, 3)),      # + 60
])
def test_first_decision_from_acceptance_with_complex_and_remote_variants(session, clerk, household,
                                                                         complex_case, remote, due):
    c = _case(session, clerk, household(), complex_case=complex_case, remote=remote)
    svc.move_case(session, c, "accepted", clerk, on=D(2026, 5, 4), today=D(2026, 5, 4))
    d = _by_key(svc.case_deadlines(svc.dates_of(c), D(2026, 5, 4)))
    assert d["acceptance"].status == "met" and d["first_decision"].due == due


def test_a_decision_due_in_tet_moves_to_the_monday_after(session, clerk, household):
    # accepted Monday 19/01/2026 + 30 days = 18/02 (Tết) → 23/02 (Monday)
    c = _case(session, clerk, household(), received_on=D(2026, 1, 12), contested_on=D(2026, 1, 2))
    svc.move_case(session, c, "accepted", clerk, on=D(2026, 1, 19), today=D(2026, 1, 19))
    d = _by_key(svc.case_deadlines(svc.dates_of(c), D(2026, 2, 23)))
    assert (d["first_decision"].due, d["first_decision"].status, d["first_decision"].days_left) == \
        (D(2026, 2, 23), "due_soon", 0)


def test_petition_answer_and_denunciation_forwarding_in_working_days(session, clerk, household, approver):
    h = household()
    # petition received Friday 13/02: Tết 16–20 off; 23–27 (5), 02–06/03 (10) → 06/03
    p = svc.record_case(session, svc.CaseInput(kind="petition", filer="head", channel="radio_hotline",
                                               category="quota", text="Bao giờ đến lượt hộ tôi?", household_id=h.id,
                                               received_on=D(2026, 2, 13)), clerk, today=D(2026, 2, 13))
    [d] = svc.case_deadlines(svc.dates_of(p), D(2026, 3, 2))
    assert (d.key, d.due, d.status, d.days_left) == ("petition_answer", D(2026, 3, 6), "on_time", 4)
    # denunciation received Wednesday 29/04: 30/04, 01/05 off; 04–08/05 (5) → 08/05
    t = svc.record_case(session, svc.CaseInput(kind="denunciation", filer="head", channel="letter",
                                               category="staff_conduct", text="Cán bộ đòi tiền khi bàn giao máy",
                                               household_id=h.id, received_on=D(2026, 4, 29),
                                               named_user_id=approver.id), clerk, today=D(2026, 4, 29))
    [d] = svc.case_deadlines(svc.dates_of(t), D(2026, 5, 11))
    assert (d.key, d.due, d.status, d.days_left) == ("denunciation_forward", D(2026, 5, 8), "overdue", -1)


def test_commune_complaint_walk_for_every_role(session, clerk, approver, household):
    c = _case(session, clerk, household())
    roles = {r: factories.user(session, r, row=True) for r in ("radio", "province_officer", "province_approver")}
    roles.update(clerk=clerk, approver=approver)
    walk = [("accepted", {"clerk"}, {}), ("in_review", {"clerk"}, {}),
            ("decided", {"approver"}, {"outcome": "partly_upheld", "reason": "Hộ đủ điều kiện E1, xét lại"}),
            ("closed", {"clerk", "approver"}, {})]
    for target, allowed, kw in walk:
        for role, user in roles.items():
            if role in allowed:
                continue
            with pytest.raises(RoleNotAllowed):
                svc.move_case(session, c, target, user, today=D(2026, 5, 6), **kw)
        doer = roles[sorted(allowed)[0]]
        svc.move_case(session, c, target, doer, on=D(2026, 5, 6), today=D(2026, 5, 6), **kw)
        assert c.state == target
    assert (c.accepted_on, c.decided_on, c.closed_on, c.outcome) == (D(2026, 5, 6),) * 3 + ("partly_upheld",)
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "complaint")
                              .order_by(AuditEntry.id)).all()
    assert actions == ["complaint.record", "complaint.accept", "complaint.review", "complaint.decide", "complaint.close"]
    decide = session.scalars(select(AuditEntry).where(AuditEntry.action == "complaint.decide")).one()
    assert decide.changes["state"] == ["in_review", "decided"] and decide.changes["outcome"] == [None, "partly_upheld"]


def test_province_level_case_is_decided_by_the_province_approver(session, clerk, approver, household):
    h = household()
    session.get(Commune, h.commune_id).approval_level = "province"
    c = _case(session, clerk, h)
    assert c.level == "province"
    svc.move_case(session, c, "accepted", clerk, today=D(2026, 4, 24))
    with pytest.raises(RoleNotAllowed):
        svc.move_case(session, c, "decided", approver, outcome="rejected", today=D(2026, 4, 24))
    pa = factories.user(session, "province_approver", row=True)
    svc.move_case(session, c, "decided", pa, outcome="rejected", reason="Đúng quy định", today=D(2026, 4, 24))
    assert c.state == "decided"


def test_refusal_needs_a_legal_reason(session, clerk, household):
    c = _case(session, clerk, household())
    with pytest.raises(ServiceError, match="Điều 11"):
        svc.move_case(session, c, "refused", clerk, today=D(2026, 4, 24))
    svc.move_case(session, c, "refused", clerk, refusal_reason="out_of_time", today=D(2026, 4, 28), on=D(2026, 4, 28))
    assert (c.state, c.decided_on, c.refusal_reason) == ("refused", D(2026, 4, 28), "out_of_time")
    d = _by_key(svc.case_deadlines(svc.dates_of(c), D(2026, 6, 1)))
    assert d["acceptance"].status == "met" and "first_decision" not in d


def test_denunciation_is_never_handled_by_the_person_it_names(session, clerk, approver, household):
    h = household()
    with pytest.raises(svc.NamedPersonMayNotHandle):
        svc.record_case(session, svc.CaseInput(kind="denunciation", filer="head", channel="letter",
                                               category="staff_conduct", text="x", household_id=h.id,
                                               named_user_id=approver.id), approver, today=D(2026, 4, 24))
    t = svc.record_case(session, svc.CaseInput(kind="denunciation", filer="head", channel="letter",
                                               category="staff_conduct", text="Đòi tiền", household_id=h.id,
                                               named_user_id=approver.id), clerk, today=D(2026, 4, 24))
    with pytest.raises(svc.NamedPersonMayNotHandle):
        svc.move_case(session, t, "forwarded", approver, reason="Thanh tra huyện", today=D(2026, 4, 24))
    page = svc.case_page(session, t, approver, today=D(2026, 4, 24))
    assert page.is_named and page.moves == []
    svc.move_case(session, t, "forwarded", clerk, reason="Chủ tịch UBND xã", today=D(2026, 4, 24))
    assert (t.state, t.reasons) == ("forwarded", "Chủ tịch UBND xã")


def test_anonymous_is_filed_and_has_no_move(session, clerk):
    factories.household(session)  # the commune
    c = svc.record_case(session, svc.CaseInput(kind="petition", filer="anonymous", channel="letter",
                                               category="priority", text="Ưu tiên người quen"), clerk,
                        today=D(2026, 4, 24))
    assert (c.state, c.household_id, svc.case_deadlines(svc.dates_of(c), D(2026, 6, 1))) == ("filed", None, [])
    assert svc.case_page(session, c, clerk, today=D(2026, 4, 24)).moves == []
    with pytest.raises(WorkflowError):
        svc.move_case(session, c, "decided", clerk, outcome="answered", today=D(2026, 4, 24))


def _decided(session, clerk, approver, h, decided_on=D(2026, 6, 3)):
    c = _case(session, clerk, h)
    svc.move_case(session, c, "accepted", clerk, on=D(2026, 5, 4), today=decided_on)
    svc.move_case(session, c, "decided", approver, outcome="rejected", reason="Đúng", on=decided_on, today=decided_on)
    return c


def test_appeal_within_30_days_goes_to_the_level_above_and_links(session, clerk, approver, household):
    first = _decided(session, clerk, approver, household())
    # decided Wednesday 03/06 + 30 days = Friday 03/07
    d = _by_key(svc.case_deadlines(svc.dates_of(first), D(2026, 6, 10)))
    assert (d["second_filing"].due, d["second_filing"].status) == (D(2026, 7, 3), "on_time")
    with pytest.raises(ServiceError, match="03/07/2026"):
        svc.appeal(session, first, clerk, text="Không đồng ý", received_on=D(2026, 7, 6), today=D(2026, 7, 6))
    second = svc.appeal(session, first, clerk, text="Không đồng ý", received_on=D(2026, 7, 3), today=D(2026, 7, 3))
    assert (first.state, second.appeal_of_id, second.level, second.contested_on) == \
        ("appealed", first.id, "province", D(2026, 6, 3))
    # the second complaint's acceptance: 10 working days from Friday 03/07 → Friday 17/07
    d2 = _by_key(svc.case_deadlines(svc.dates_of(second), D(2026, 7, 3)))
    assert d2["second_acceptance"].due == D(2026, 7, 17) and "filing" not in d2
    pa = factories.user(session, "province_approver", row=True)
    svc.move_case(session, second, "accepted", clerk, on=D(2026, 7, 6), today=D(2026, 7, 6))
    with pytest.raises(RoleNotAllowed):
        svc.move_case(session, second, "decided", approver, outcome="upheld", today=D(2026, 7, 6))
    svc.move_case(session, second, "decided", pa, outcome="upheld", reason="Xét lại", today=D(2026, 7, 6))
    with pytest.raises(ServiceError, match="lần ba"):
        svc.appeal(session, second, clerk, text="Lần ba", today=D(2026, 7, 7))


def test_closing_a_decided_case_keeps_the_second_complaint_window(session, clerk, approver, household):
    """Closing the file right after the decision does not take the household's 30 days (45 in a
    remote area) to complain again (Luật Khiếu nại 2011, Điều 33)."""
    first = _decided(session, clerk, approver, household())
    svc.move_case(session, first, "closed", clerk, on=D(2026, 6, 4), today=D(2026, 6, 4))
    # decided Wednesday 03/06 + 30 days = Friday 03/07, still shown on the closed case
    page = svc.case_page(session, first, clerk, today=D(2026, 6, 10))
    assert page.may_appeal and (_by_key(page.deadlines)["second_filing"].due == D(2026, 7, 3))
    assert not svc.case_page(session, first, clerk, today=D(2026, 7, 4)).may_appeal  # the window has passed
    with pytest.raises(ServiceError, match="03/07/2026"):
        svc.appeal(session, first, clerk, text="Không đồng ý", received_on=D(2026, 7, 6), today=D(2026, 7, 6))
    second = svc.appeal(session, first, clerk, text="Không đồng ý", received_on=D(2026, 7, 3), today=D(2026, 7, 3))
    assert (first.state, second.appeal_of_id, second.level) == ("appealed", first.id, "province")

    # remote: 03/06 + 45 days = Saturday 18/07 → Monday 20/07
    remote = _case(session, clerk, household(), remote=True)
    svc.move_case(session, remote, "accepted", clerk, on=D(2026, 5, 4), today=D(2026, 5, 4))
    svc.move_case(session, remote, "decided", approver, outcome="upheld", reason="Đúng", on=D(2026, 6, 3),
                  today=D(2026, 6, 3))
    svc.move_case(session, remote, "closed", approver, on=D(2026, 6, 3), today=D(2026, 6, 3))
    assert svc.case_page(session, remote, clerk, today=D(2026, 7, 20)).may_appeal
    with pytest.raises(ServiceError, match="20/07/2026"):
        svc.appeal(session, remote, clerk, text="Không đồng ý", received_on=D(2026, 7, 21), today=D(2026, 7, 21))
    assert svc.appeal(session, remote, clerk, text="Không đồng ý", received_on=D(2026, 7, 20),
                      today=D(2026, 7, 20)).appeal_of_id == remote.id

    # refused then closed: no decision to complain about
    refused = _case(session, clerk, household())
    svc.move_case(session, refused, "refused", clerk, refusal_reason="other_reason", reason="Không thuộc thẩm quyền",
                  on=D(2026, 4, 27), today=D(2026, 4, 27))
    svc.move_case(session, refused, "closed", clerk, on=D(2026, 4, 28), today=D(2026, 4, 28))
    assert not svc.case_page(session, refused, clerk, today=D(2026, 5, 4)).may_appeal
    with pytest.raises(WorkflowError, match="không có quyết định"):
        svc.appeal(session, refused, clerk, text="Không đồng ý", received_on=D(2026, 5, 4), today=D(2026, 5, 4))


def test_appeal_before_a_decision_only_once_it_is_overdue(session, clerk, household):
    c = _case(session, clerk, household())
    svc.move_case(session, c, "accepted", clerk, on=D(2026, 5, 4), today=D(2026, 5, 4))
    with pytest.raises(WorkflowError, match="Điều 33"):
        svc.appeal(session, c, clerk, text="Chưa được giải quyết", received_on=D(2026, 6, 3), today=D(2026, 6, 3))
    assert svc.due_counts(session, D(2026, 6, 4)) == svc.queries.DueCounts(0, 1)
    second = svc.appeal(session, c, clerk, text="Quá hạn chưa giải quyết", received_on=D(2026, 6, 4),
                        today=D(2026, 6, 4))
    assert second.level == "province" and c.state == "appealed"
    d = _by_key(svc.case_deadlines(svc.dates_of(c, second.received_on), D(2026, 6, 4)))
    assert d["first_decision"].status == "late"


def test_list_filters_due_counts_and_province_view(session, clerk, household):
    h = household(head_name="Trần Thị Mai")
    a = _case(session, clerk, h, received_on=D(2026, 4, 24))                     # acceptance due 13/05
    b = _case(session, clerk, household(), received_on=D(2026, 5, 4), contested_on=D(2026, 5, 1))  # due 18/05
    svc.record_case(session, svc.CaseInput(kind="petition", filer="head", channel="phone", category="other",
                                           text="x", household_id=h.id, received_on=D(2026, 5, 4)), clerk,
                    today=D(2026, 5, 4))                                          # answer due 18/05
    today = D(2026, 5, 14)  # a: overdue; b and the petition: 15, 18 → 2 working days: due soon
    assert svc.due_counts(session, today) == svc.queries.DueCounts(2, 1)
    f = svc.ComplaintFilters(standing="overdue")
    assert [c.id for c in session.scalars(svc.list_stmt(session, f, today))] == [a.id]
    f = svc.ComplaintFilters(q="tran thi", kind="complaint")
    assert [c.id for c in session.scalars(svc.list_stmt(session, f, today))] == [a.id]
    f = svc.ComplaintFilters(q=b.case_number)
    assert [c.id for c in session.scalars(svc.list_stmt(session, f, today))] == [b.id]
    [line] = svc.province_summary(session, today)
    assert (line.open, line.due_soon, line.overdue) == (3, 2, 1)


def test_tally_counts_received_resolved_and_overdue_of_the_month(session, clerk, approver, household):
    from subsidy.services.tally import tally

    h = household()
    a = _case(session, clerk, h)                                             # 24/04: acceptance due 13/05
    svc.move_case(session, a, "accepted", clerk, on=D(2026, 5, 14), today=D(2026, 5, 14))   # a day late
    b = _case(session, clerk, h, received_on=D(2026, 5, 4), contested_on=D(2026, 5, 1))
    svc.move_case(session, b, "accepted", clerk, on=D(2026, 5, 5), today=D(2026, 5, 5))
    svc.move_case(session, b, "decided", approver, outcome="rejected", reason="Đúng", on=D(2026, 5, 6),
                  today=D(2026, 5, 6))                                       # decision due 04/06: met
    svc.record_case(session, svc.CaseInput(kind="petition", filer="head", channel="phone", category="other", text="x",
                                           household_id=h.id, received_on=D(2026, 5, 4)), clerk,
                    today=D(2026, 5, 4))                                     # answer due 18/05, none
    svc.record_case(session, svc.CaseInput(kind="petition", filer="anonymous", channel="letter", category="other",
                                           text="y", received_on=D(2026, 5, 5)), clerk, today=D(2026, 5, 5))
    may_report = tally(session, "2026-05", today=D(2026, 5, 31))
    may = may_report.complaints
    assert (may.received, may.resolved, may.overdue) == (3, 1, 2)
    april = tally(session, "2026-04", today=D(2026, 5, 31)).complaints
    assert (april.received, april.resolved, april.overdue) == (1, 0, 0)
    # the printed tally carries the same three counts under its tables
    from subsidy.documents.tally import render_pdf
    from tests.documents.test_tally_formats import pdf_text

    printed = " ".join(" ".join(pdf_text(render_pdf(may_report))).split())
    assert "tố cáo trong kỳ: nhận 3, đã giải quyết 1, quá hạn 2." in printed


def test_an_upheld_decision_links_the_recheck_it_caused(session, clerk, approver, household, tt14):
    import datetime as _dt

    from subsidy.domain.calendar import VN_TZ
    from subsidy.models import EligibilityDecision

    h = household()
    appl = factories.application(session, h, state="not_eligible")
    c = _case(session, clerk, h, application_id=appl.id)
    svc.move_case(session, c, "accepted", clerk, on=D(2026, 5, 4), today=D(2026, 5, 4))
    before = EligibilityDecision(application_id=appl.id, rule_set_id=tt14.id, outcome="not_eligible",
                                 decided_at=_dt.datetime(2026, 5, 5, 23, 0, tzinfo=VN_TZ))
    session.add(before)
    svc.move_case(session, c, "decided", approver, outcome="upheld", reason="E2 đọc sai", on=D(2026, 5, 6),
                  today=D(2026, 5, 6))
    session.flush()
    assert svc.recheck_after_decision(session, c) is None          # the check of 05/05 came before
    with pytest.raises(ServiceError):
        svc.link_correction(session, c, before.id, approver)
    after = EligibilityDecision(application_id=appl.id, rule_set_id=tt14.id, outcome="eligible",
                                decided_at=_dt.datetime(2026, 5, 6, 0, 30, tzinfo=VN_TZ))
    session.add(after)
    session.flush()
    assert svc.recheck_after_decision(session, c) == after.id
    svc.link_correction(session, c, after.id, approver)
    assert c.correction_decision_id == after.id and svc.recheck_after_decision(session, c) is None


def test_a_day_off_the_admin_adds_moves_the_working_day_deadlines(session, clerk, household):
    from subsidy.services import instance_settings

    c = _case(session, clerk, household())             # received Friday 24/04: acceptance due 13/05
    admin = factories.user(session, "admin", row=True)
    with pytest.raises(InvalidFields) as err:
        instance_settings.update(session, {"extra_holidays": "12/05/2026 Nghỉ\n31/02/2026 Sai"}, admin)
    assert "Dòng 2" in err.value.field_errors["extra_holidays"]
    instance_settings.update(session, {"extra_holidays": " 12/5/2026   Nghỉ bù\n\n"}, admin)
    assert instance_settings.get(session, "extra_holidays") == "12/05/2026 Nghỉ bù"
    # 12/05 off: the tenth working day after 24/04 is now Thursday 14/05
    page = svc.case_page(session, c, clerk, today=D(2026, 5, 14))
    assert [(d.key, d.due, d.status) for d in page.deadlines][1] == ("acceptance", D(2026, 5, 14), "due_soon")


def test_a_denunciation_is_not_counted_for_the_person_it_names(session, clerk, approver, household):
    # Luật Tố cáo 2018, Điều 47–48: the person denounced never sees the denunciation, not even as
    # a count on the home page. Received Wednesday 29/04, forwarding due 08/05 → overdue on 11/05.
    from subsidy.services import todo

    svc.record_case(session, svc.CaseInput(kind="denunciation", filer="head", channel="letter",
                                           category="staff_conduct", text="Cán bộ đòi tiền khi bàn giao máy",
                                           household_id=household().id, received_on=D(2026, 4, 29),
                                           named_user_id=approver.id), clerk, today=D(2026, 4, 29))
    today = D(2026, 5, 11)
    assert svc.due_counts(session, today, viewer_id=clerk.id) == svc.queries.DueCounts(0, 1)
    assert svc.due_counts(session, today, viewer_id=approver.id) == svc.queries.DueCounts(0, 0)
    assert len(svc.open_standings(session, today, viewer_id=approver.id)) == 0
    [line] = svc.province_summary(session, today, viewer_id=approver.id)
    assert (line.open, line.due_soon, line.overdue) == (0, 0, 0)
    [line] = svc.province_summary(session, today, viewer_id=clerk.id)
    assert (line.open, line.overdue) == (1, 1)
    # The to-do list counts as of today in Việt Nam (the case is overdue from 11/05/2026 on): the
    # named approver's list has no complaints line, the clerk's has one.
    keys = {t.key for t in todo.tasks_for(session, "approver", user_id=approver.id)}
    assert not keys & {"complaints_overdue", "complaints_due_soon"}
    keys = {t.key for t in todo.tasks_for(session, "clerk", user_id=clerk.id)}
    assert keys & {"complaints_overdue", "complaints_due_soon"}


def test_the_audit_log_words_a_complaint_with_the_registers_labels(session, clerk, approver, household):
    # A complaint's "state" and "outcome" share their names with an application's: the log must
    # word them as the register does (labels/complaints.py), not as the application's workflow.
    from subsidy.services import audit_log

    c = _case(session, clerk, household())
    svc.move_case(session, c, "accepted", clerk, on=D(2026, 5, 6), today=D(2026, 5, 6))
    svc.move_case(session, c, "decided", approver, outcome="partly_upheld", reason="Hộ đủ điều kiện E1, xét lại",
                  on=D(2026, 5, 6), today=D(2026, 5, 6))
    entries = session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "complaint")
                              .order_by(AuditEntry.id)).all()
    record, accept, decide = audit_log.describe(session, entries)
    assert record.title == f"Khiếu nại số {c.case_number}" and record.link == ("complaints.show", {"complaint_id": c.id})
    recorded = {ch.field: ch.new for ch in record.changes}
    assert recorded["Loại đơn"] == "Khiếu nại" and recorded["Nội dung đơn"] == "Kết quả xét điều kiện"
    assert recorded["Trạng thái đơn"] == "Đã tiếp nhận" and recorded["Cách tiếp nhận"] == "Trực tiếp"
    assert recorded["Người gửi đơn"] == "Chủ hộ" and recorded["Cấp giải quyết"] == "Chủ tịch UBND xã (lãnh đạo xã)"
    changed = {ch.field: (ch.old, ch.new) for ch in decide.changes}
    assert changed["Trạng thái đơn"] == ("Đã thụ lý", "Đã giải quyết")
    assert changed["Kết quả giải quyết"] == ("(trống)", "Khiếu nại đúng một phần")
    # An application's entry keeps the workflow's words for the same field names.
    assert value_words("state", "decided") == "decided" and value_words("state", "decided", "complaint") == "Đã giải quyết"
    assert value_words("state", "approved") == STATE_LABELS["approved"]
    assert field_label("outcome") == "Kết quả kiểm tra" and field_label("outcome", "complaint") == "Kết quả giải quyết"


def test_the_audit_log_leaves_out_a_denunciation_for_the_person_it_names(session, clerk, approver, household):
    # The commune's leader reads the audit log; a denunciation naming them is not in it for them
    # (Luật Tố cáo 2018, Điều 47–48), while the complaint beside it is, and the admin sees both.
    from subsidy.services import audit_log

    h = household()
    c = _case(session, clerk, h)
    t = svc.record_case(session, svc.CaseInput(kind="denunciation", filer="head", channel="letter",
                                               category="staff_conduct", text="Đòi tiền", household_id=h.id,
                                               named_user_id=approver.id), clerk, today=D(2026, 4, 24))
    svc.move_case(session, t, "forwarded", clerk, reason="Thanh tra huyện", today=D(2026, 4, 24))

    def cases(viewer_id):
        f = audit_log.AuditFilters(entity_type="complaint", viewer_id=viewer_id)
        return sorted({e.entity_id for e in session.scalars(audit_log.log_query(f))})

    assert cases(approver.id) == [c.id]
    assert cases(clerk.id) == sorted([c.id, t.id]) and cases(None) == sorted([c.id, t.id])


def test_the_registers_file_has_one_row_per_case_in_the_lists_order(session, clerk, household):
    from subsidy.services.complaints.export import register_table

    h = household(head_name="Lê Văn Tám")
    # received Friday 24/04, not accepted: acceptance due 13/05 (10 working days), overdue on 20/05
    open_case = _case(session, clerk, h)
    # contested 01/01: received past the 90-day filing window (Điều 9)
    late = _case(session, clerk, h, received_on=D(2026, 4, 28), contested_on=D(2026, 1, 1))
    anonymous = _case(session, clerk, h, kind="petition", filer="anonymous", household_id=None, category="quota",
                      contested_on=None, received_on=D(2026, 5, 4))
    table = register_table(session, svc.ComplaintFilters(), D(2026, 5, 20), clerk.id, "Trần Thị Lan")
    assert table.headers == ["STT", "Số đơn", "Loại", "Ngày nhận", "Chủ hộ", "Nội dung", "Cấp giải quyết",
                             "Trạng thái", "Hạn"]
    assert [list(r) for r in table.rows] == [
        [1, anonymous.case_number, "Kiến nghị, phản ánh", D(2026, 5, 4), "(nặc danh)", "Chỉ tiêu, danh sách chờ",
         "Chủ tịch UBND xã (lãnh đạo xã)", "Lưu đơn, không xử lý (đơn nặc danh)", ""],
        [2, late.case_number, "Khiếu nại", D(2026, 4, 28), "Lê Văn Tám", "Kết quả xét điều kiện",
         "Chủ tịch UBND xã (lãnh đạo xã)", "Đã tiếp nhận", "Quá hạn · Quá thời hiệu"],
        [3, open_case.case_number, "Khiếu nại", D(2026, 4, 24), "Lê Văn Tám", "Kết quả xét điều kiện",
         "Chủ tịch UBND xã (lãnh đạo xã)", "Đã tiếp nhận", "Quá hạn"],
    ]
    assert (table.count, table.date, table.prepared_by, table.filters) == (3, D(2026, 5, 20), "Trần Thị Lan", "")
    assert table.title == "Sổ theo dõi đơn khiếu nại, kiến nghị, phản ánh, tố cáo"


FIX = "Hãy kiểm tra lại ngày (ngày/tháng/năm)."


@pytest.mark.parametrize("on, message", [
    (D(2026, 4, 23), "Ngày thực hiện (23/04/2026) không được trước ngày nhận đơn (24/04/2026): chỉ ghi được ngày từ "
                     f"ngày 24/04/2026 đến hôm nay (06/05/2026). {FIX}"),
    (D(2026, 5, 7), "Ngày thực hiện (07/05/2026) không được sau ngày hôm nay (06/05/2026): chỉ ghi được ngày từ ngày "
                    f"24/04/2026 đến hôm nay (06/05/2026). {FIX}"),
])
def test_a_step_dated_out_of_range_is_told_the_dates_allowed(session, clerk, household, on, message):
    """The shared wording of a business date's range (domain.calendar.date_range_message), under
    the form's date field; nothing moves."""
    from subsidy.services.errors import FieldError

    c = _case(session, clerk, household())  # received 24/04/2026
    with pytest.raises(FieldError) as err:
        svc.move_case(session, c, "accepted", clerk, on=on, today=D(2026, 5, 6))
    assert (str(err.value), err.value.field, c.state) == (message, "on", "received")


def test_a_decision_dated_before_the_acceptance_is_refused_in_the_same_words(session, clerk, approver, household):
    from subsidy.services.errors import FieldError

    c = _case(session, clerk, household())
    svc.move_case(session, c, "accepted", clerk, on=D(2026, 4, 28), today=D(2026, 5, 6))
    svc.move_case(session, c, "in_review", clerk, on=D(2026, 4, 28), today=D(2026, 5, 6))
    with pytest.raises(FieldError) as err:
        svc.move_case(session, c, "decided", approver, outcome="rejected", reason="Đúng quy định", on=D(2026, 4, 27),
                      today=D(2026, 5, 6))
    assert str(err.value) == ("Ngày quyết định (27/04/2026) không được trước ngày thụ lý (28/04/2026): chỉ ghi được "
                              f"ngày từ ngày 28/04/2026 đến hôm nay (06/05/2026). {FIX}")
    assert c.state == "in_review"
