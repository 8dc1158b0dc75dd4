"""The legal time limits of a complaint, petition or denunciation, as data, and whether a case
is on time, due soon or overdue, with the clause each limit comes from.

The limits are read from ``subsidy/rulesets/complaints/deadlines.json`` (one version per change of
law, chosen by the day the case was received), so a change of law is a change of data. Dates are
business dates in Việt Nam (domain.calendar); periods count as the Bộ luật Dân sự 2015 counts them
(Điều 147–148) and working days skip weekends and the holiday table (WorkingCalendar).

Pure Python: imports neither Flask nor SQLAlchemy.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from subsidy.domain.calendar import WorkingCalendar

RULES_JSON = Path(__file__).resolve().parents[2] / "rulesets" / "complaints" / "deadlines.json"

#: Timeliness of one deadline.
ON_TIME, DUE_SOON, OVERDUE, MET, LATE = "on_time", "due_soon", "overdue", "met", "late"
#: A window that is the complainant's to use (the second complaint's) and has passed unused: it
#: is not the authority's delay, so never "overdue".
EXPIRED = "expired"


@dataclass(frozen=True)
class Rule:
    """One time limit: ``key`` (e.g. "first_decision"), ``days`` for the plain case and its
    ``complex`` / ``remote`` / ``remote_complex`` variants (None: same as plain), ``unit``
    ("working" | "calendar"), the event it runs ``from``, the ``clause`` (Vietnamese citation) and
    ``uncertain`` (a note while the number or unit is not confirmed against the current text)."""

    key: str
    days: int
    unit: str
    start: str
    clause: str
    complex: int | None = None
    remote: int | None = None
    remote_complex: int | None = None
    uncertain: str = ""

    def days_for(self, complex_case: bool = False, remote: bool = False) -> int:
        """The number of days for a case (Luật Khiếu nại 2011, Điều 28, 37: complex and remote)."""
        if complex_case and remote:
            return self.remote_complex or self.remote or self.complex or self.days
        if remote:
            return self.remote or self.days
        if complex_case:
            return self.complex or self.days
        return self.days


@dataclass(frozen=True)
class RuleBook:
    """One version of the limits: ``version``, ``effective_from`` (date), ``title`` (the texts),
    ``due_soon_working_days`` (a deadline this close or closer is "due soon"), ``rules`` by key."""

    version: int
    effective_from: dt.date
    title: str
    due_soon_working_days: int
    rules: dict[str, Rule]

    def rule(self, key: str) -> Rule:
        """The rule ``key``; raises KeyError for an unknown one."""
        return self.rules[key]


def _rule(key: str, raw: dict[str, Any]) -> Rule:
    if raw["unit"] not in ("working", "calendar") or int(raw["days"]) <= 0:
        raise ValueError(f"complaint rule {key}: unit must be working|calendar and days > 0")
    return Rule(key, int(raw["days"]), raw["unit"], raw["from"], raw["clause"], raw.get("complex"),
                raw.get("remote"), raw.get("remote_complex"), raw.get("uncertain", ""))


def parse_rulebooks(data: dict[str, Any]) -> list[RuleBook]:
    """The versions of ``data`` (the JSON's shape), oldest first. Raises ValueError/KeyError on a
    malformed file (a missing key, a unit other than working/calendar, days ≤ 0)."""
    books = [RuleBook(int(v["version"]), dt.date.fromisoformat(v["effective_from"]), v["title"],
                      int(v.get("due_soon_working_days", 3)), {k: _rule(k, r) for k, r in v["rules"].items()})
             for v in data["versions"]]
    return sorted(books, key=lambda b: b.effective_from)


@lru_cache(maxsize=1)
def shipped_rulebooks() -> tuple[RuleBook, ...]:
    """The versions shipped in ``rulesets/complaints/deadlines.json`` (read once)."""
    return tuple(parse_rulebooks(json.loads(RULES_JSON.read_text("utf-8"))))


def rulebook_for(day: dt.date, books: tuple[RuleBook, ...] | list[RuleBook] | None = None) -> RuleBook:
    """The version in force on ``day`` (the latest whose effective_from ≤ day; the oldest for a
    day before every version, since the limits of Luật Khiếu nại 2011 applied then too)."""
    books = list(books or shipped_rulebooks())
    current = books[0]
    for book in books:
        if book.effective_from <= day:
            current = book
    return current


def due_date(rule: Rule, start: dt.date, calendar: WorkingCalendar, complex_case: bool = False,
             remote: bool = False) -> dt.date:
    """The last day allowed by ``rule`` for an event on ``start``: the n-th working day after it
    (unit "working"), or ``start`` + n days moved to the next working day if that one is off
    (unit "calendar"; Bộ luật Dân sự 2015, Điều 147–148)."""
    days = rule.days_for(complex_case, remote)
    if rule.unit == "working":
        return calendar.add_working_days(start, days)
    return calendar.add_days(start, days)


@dataclass(frozen=True)
class Deadline:
    """One deadline of a case: the rule's ``key`` and ``clause``, the ``due`` date, the day it was
    ``done_on`` (None while still open), its ``status`` (on_time | due_soon | overdue | met | late)
    and ``days_left`` (working days to the due date, negative once overdue; None when done)."""

    key: str
    clause: str
    due: dt.date
    done_on: dt.date | None
    status: str
    days_left: int | None
    uncertain: str = ""


def timeliness(due: dt.date, today: dt.date, calendar: WorkingCalendar, soon: int,
               done_on: dt.date | None = None) -> tuple[str, int | None]:
    """(status, working days left) of a deadline ``due``: done on or before it → "met", after →
    "late"; open: after ``due`` → "overdue" (days left = −working days since), within ``soon``
    working days → "due_soon" (the due day itself included), else "on_time"."""
    if done_on is not None:
        return (MET if done_on <= due else LATE), None
    if today > due:
        return OVERDUE, -calendar.working_days_between(due, today)
    left = calendar.working_days_between(today, due)
    return (DUE_SOON if left <= soon else ON_TIME), left


def deadline(book: RuleBook, key: str, start: dt.date, today: dt.date, calendar: WorkingCalendar,
             done_on: dt.date | None = None, complex_case: bool = False, remote: bool = False) -> Deadline:
    """The Deadline of rule ``key`` of ``book`` for an event on ``start``, as of ``today``."""
    rule = book.rule(key)
    due = due_date(rule, start, calendar, complex_case, remote)
    status, left = timeliness(due, today, calendar, book.due_soon_working_days, done_on)
    return Deadline(key, rule.clause, due, done_on, status, left, rule.uncertain)


def filing_window_open(book: RuleBook, contested_on: dt.date, received_on: dt.date,
                       calendar: WorkingCalendar, second: bool = False, remote: bool = False) -> tuple[bool, dt.date, str]:
    """Whether a complaint received on ``received_on`` is within the time to complain about a
    decision or act of ``contested_on`` (first: Luật Khiếu nại 2011, Điều 9; ``second``: the first
    decision's date, Điều 33): (inside, last day, clause)."""
    rule = book.rule("second_filing" if second else "filing")
    last = due_date(rule, contested_on, calendar, remote=remote)
    return received_on <= last, last, rule.clause
