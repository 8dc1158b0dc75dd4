"""The deadlines of one case as of a day: which rules of the law apply to it, from which of its
dates they run and whether each was met, is open, due soon or overdue (domain/complaints/deadlines.py
computes; this module picks the dates from the stored case).

Which limits a case has:

* a first complaint: the filing window (Luật Khiếu nại 2011, Điều 9; from the contested date,
  done on the day received), acceptance (Điều 27; done on the day accepted, or refused), the
  first decision once accepted (Điều 28), and once decided (closed or not) the window for a second
  complaint (Điều 33; done on the day the second complaint was received);
* a second complaint (``appeal_of_id``): its own acceptance and decision (Điều 36, 37);
* a petition: the answer (Luật Tiếp công dân 2013, Điều 28);
* a denunciation: forwarding to the competent authority (Luật Tố cáo 2018, Điều 24);
* an anonymous case (filed, not processed): none.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from subsidy.domain.calendar import WorkingCalendar
from subsidy.domain.complaints import deadlines as dl
from subsidy.domain.complaints.states import OPEN_STATES

#: Worst first: the case's standing is its worst open deadline.
_RANK = {dl.OVERDUE: 0, dl.DUE_SOON: 1, dl.ON_TIME: 2}


@lru_cache(maxsize=16)
def working_calendar(year: int, extra: tuple[dt.date, ...] = ()) -> WorkingCalendar:
    """The shipped working calendar from ``year`` − 1 to ``year`` + 2 (a case received in a year
    can run into the next; a filing window starts up to 90 days before), plus the ``extra`` days
    off the admin added (services.instance_settings.extra_holidays)."""
    return WorkingCalendar.shipped(year - 1, year + 2, extra=extra)


@dataclass(frozen=True)
class CaseDates:
    """The dates of a case the limits run from (what :func:`case_deadlines` reads), so callers can
    pass a model row or a query row alike."""

    kind: str
    filer: str
    state: str
    received_on: dt.date
    contested_on: dt.date | None = None
    accepted_on: dt.date | None = None
    decided_on: dt.date | None = None
    refused: bool = False
    second: bool = False
    complex_case: bool = False
    remote: bool = False
    appeal_received_on: dt.date | None = None


def dates_of(c, appeal_received_on: dt.date | None = None) -> CaseDates:
    """The CaseDates of a Complaint row ``c`` (``appeal_received_on``: the day its second complaint
    was received, when there is one)."""
    return CaseDates(c.kind, c.filer, c.state, c.received_on, c.contested_on, c.accepted_on, c.decided_on,
                     c.refusal_reason is not None, c.appeal_of_id is not None, bool(c.complex_case), bool(c.remote),
                     appeal_received_on)


def case_deadlines(d: CaseDates, today: dt.date, extra: tuple[dt.date, ...] = ()) -> list[dl.Deadline]:
    """The deadlines of the case ``d`` as of ``today``, in the order of its life (see the module
    docstring for which apply). The rule book is the one in force on the day received; ``extra``:
    the admin's added days off."""
    if d.state == "filed" or d.filer == "anonymous":
        return []
    book = dl.rulebook_for(d.received_on)
    cal = working_calendar(d.received_on.year, extra)
    out: list[dl.Deadline] = []

    def add(key: str, start: dt.date, done: dt.date | None, variants: bool = False) -> None:
        out.append(dl.deadline(book, key, start, today, cal, done_on=done,
                               complex_case=variants and d.complex_case, remote=variants and d.remote))

    if d.kind == "petition":
        add("petition_answer", d.received_on, d.decided_on)
        return out
    if d.kind == "denunciation":
        add("denunciation_forward", d.received_on, d.decided_on)
        return out
    if not d.second and d.contested_on is not None:
        rule = book.rule("filing")
        due = dl.due_date(rule, d.contested_on, cal, remote=d.remote)
        out.append(dl.Deadline("filing", rule.clause, due, d.received_on,
                               dl.MET if d.received_on <= due else dl.LATE, None, rule.uncertain))
    acceptance_done = d.accepted_on or (d.decided_on if d.refused else None)
    if acceptance_done is None and d.state not in OPEN_STATES:
        acceptance_done = d.decided_on  # closed without a recorded acceptance: not running any more
    add("second_acceptance" if d.second else "acceptance", d.received_on, acceptance_done)
    if d.accepted_on is not None:
        decided = d.decided_on
        if decided is None and d.state not in OPEN_STATES:
            decided = d.appeal_received_on  # appealed before a decision: the first one stopped
        add("second_decision" if d.second else "first_decision", d.accepted_on, decided, variants=True)
    if not d.second and d.decided_on is not None and d.accepted_on is not None and d.state in ("decided", "closed", "appealed"):
        add("second_filing", d.decided_on, d.appeal_received_on, variants=True)
        # The window to complain again is the household's time, not the commune's: never "overdue"
        # for the commune (only shown as running or closed).
        last = out[-1]
        if last.done_on is None and last.status == dl.OVERDUE:
            out[-1] = dl.Deadline(last.key, last.clause, last.due, None, dl.EXPIRED, None, last.uncertain)
    return out


def standing(deadlines: list[dl.Deadline]) -> str | None:
    """The worst open deadline's status among ``deadlines`` (overdue, due_soon, on_time), the
    household's own window (second_filing) left out; None when nothing runs for the commune."""
    open_ = [x.status for x in deadlines if x.done_on is None and x.status in _RANK and x.key != "second_filing"]
    return min(open_, key=_RANK.__getitem__) if open_ else None


def filed_late(d: CaseDates, extra: tuple[dt.date, ...] = ()) -> bool:
    """True when the first complaint ``d`` was received after its filing window (Luật Khiếu nại
    2011, Điều 9: 90 days from the contested decision or act; a ground not to accept it, Điều 11).
    A fact of the case, apart from the commune's own deadlines (:func:`standing`): the clerk sees
    it beside them as «Quá thời hiệu». False without a contested date, for a second complaint, a
    petition, a denunciation or an anonymous case."""
    if d.kind != "complaint" or d.second or d.contested_on is None or d.filer == "anonymous" or d.state == "filed":
        return False
    cal = working_calendar(d.received_on.year, extra)
    inside, _, _ = dl.filing_window_open(dl.rulebook_for(d.received_on), d.contested_on, d.received_on, cal,
                                         remote=d.remote)
    return not inside


def decision_overdue(d: CaseDates, today: dt.date, extra: tuple[dt.date, ...] = ()) -> bool:
    """True when the first (or second) decision of an accepted case is past its due date with no
    decision: the complainant may then complain again (Luật Khiếu nại 2011, Điều 33)."""
    return any(x.key in ("first_decision", "second_decision") and x.status == dl.OVERDUE
               for x in case_deadlines(d, today, extra))
