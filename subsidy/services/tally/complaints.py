"""The complaints register's counts for a tally period: cases received, cases resolved and cases
overdue (domain.reports.ComplaintCounts). A separate small query beside the tally's own: the
overdue count depends on working days and holidays, which SQL cannot count, so the cases whose
limits may fall in the period are read and their deadlines computed (services.complaints)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from subsidy.domain.complaints import deadlines as dl
from subsidy.domain.reports import ComplaintCounts, Period
from subsidy.models import Complaint
from subsidy.services import instance_settings
from subsidy.services.complaints.deadlines import case_deadlines
from subsidy.services.complaints.queries import case_dates_select, row_dates

#: The authority's limits (not the complainant's own filing windows).
_AUTHORITY = frozenset({"acceptance", "first_decision", "second_acceptance", "second_decision", "petition_answer",
                        "denunciation_forward"})
#: No authority's limit falls later than this after the case was received or accepted (10
#: working days to accept, 70 days to decide, with holidays): older cases cannot fall due.
_LOOK_BACK = dt.timedelta(days=120)


def complaint_counts(session: Session, p: Period) -> ComplaintCounts:
    """The counts of period ``p`` in the Session's commune (or every commune for the province):
    received (received_on in p), resolved (decided_on in p: a decision, an answer, a refusal or a
    forwarding) and overdue (cases with an authority's limit due in p that was missed: done after
    the due date, or still not done at p's end). Anonymous cases (filed) have no limit."""
    def within(col):
        return col <= p.end if p.start is None else col.between(p.start, p.end)

    received = session.scalar(select(func.count()).select_from(Complaint).where(within(Complaint.received_on))) or 0
    resolved = session.scalar(select(func.count()).select_from(Complaint).where(within(Complaint.decided_on))) or 0
    stmt = case_dates_select().where(Complaint.received_on <= p.end)
    if p.start is not None:
        stmt = stmt.where(or_(Complaint.received_on >= p.start - _LOOK_BACK, Complaint.accepted_on >= p.start - _LOOK_BACK))
    overdue = 0
    extra = instance_settings.extra_holidays(session)
    for row in session.execute(stmt):
        for d in case_deadlines(row_dates(row), p.end, extra):
            if d.key in _AUTHORITY and (p.start is None or d.due >= p.start) and d.due <= p.end and \
                    d.status in (dl.OVERDUE, dl.LATE):
                overdue += 1
                break
    return ComplaintCounts(int(received), int(resolved), overdue)

