"""Reading the register: the filtered list, one case with its deadlines and history, the cases
due soon or overdue (the to-do list), and the province's open and overdue cases per commune.

Whether a case is on time, due soon or overdue depends on working days and holidays, which SQL
cannot count: the open cases (a commune has tens, the province hundreds) are read and their
deadlines computed here; the list's other filters stay in SQL. Read-only.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import Select, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from subsidy.domain.calendar import today_vn
from subsidy.domain.complaints import deadlines as dl
from subsidy.domain.complaints.states import OPEN_STATES, allowed_moves, appealable_decision, may_handle
from subsidy.domain.labels import (
    COMPLAINT_CATEGORY_LABELS, COMPLAINT_KIND_LABELS, COMPLAINT_STATE_LABELS, TIMELINESS_LABELS,
)
from subsidy.models import Commune, Complaint, ComplaintEvent, Household, User
from subsidy.services import instance_settings
from subsidy.services.complaints.deadlines import CaseDates, case_deadlines, dates_of, filed_late, standing
from subsidy.services.households.search import search_condition

STANDINGS = ("overdue", "due_soon", "on_time")
#: Case ids per IN (...) when the standings of given cases are read (open_standings ``ids``).
IDS_PER_QUERY = 500
#: Filters a list can be narrowed by, and the words of each (the deadlines' own words).
STANDING_LABELS = {s: TIMELINESS_LABELS[s] for s in STANDINGS}


@dataclass(frozen=True)
class ComplaintFilters:
    """The list's filters: ``q`` (case number, or the household head's name / code / CCCD /
    phone as the household search reads them), ``kind``, ``state``, ``category``, ``standing``
    (overdue | due_soon | on_time: open cases only), ``open_only``. Unknown values are ignored.
    ``personal``: not a filter but who searches — True when the reader sees CCCD and phone in full
    (scope.sees_personal_data); False (the default: the admin, the province's roles) lets ``q`` match them
    only as far as the masked values show (households.search_condition)."""

    q: str = ""
    kind: str = ""
    state: str = ""
    category: str = ""
    standing: str = ""
    open_only: bool = False
    #: A commune's code (the province's accounts narrow the register to one commune).
    commune: str = ""
    personal: bool = False

    @property
    def active(self) -> bool:
        return bool(self.q or self.kind or self.state or self.category or self.standing or self.open_only
                    or self.commune)

    def describe(self) -> str:
        """The filters in words («Khiếu nại · Quá hạn · “hùng”»)."""
        parts = [COMPLAINT_KIND_LABELS.get(self.kind, ""), COMPLAINT_STATE_LABELS.get(self.state, ""),
                 COMPLAINT_CATEGORY_LABELS.get(self.category, ""), STANDING_LABELS.get(self.standing, ""),
                 "đang mở" if self.open_only else "", f"xã {self.commune}" if self.commune else "",
                 f"“{self.q}”" if self.q else ""]
        return " · ".join(p for p in parts if p)

    def args(self) -> dict[str, str]:
        """The filters as query-string arguments (for links that keep them)."""
        out = {"q": self.q, "loai": self.kind, "trang_thai": self.state, "noi_dung": self.category,
               "han": self.standing, "mo": "1" if self.open_only else "", "xa": self.commune}
        return {k: v for k, v in out.items() if v}


def case_dates_select() -> Select:
    """SELECT of what the deadlines of each case need (id first, commune last; read them with
    :func:`row_dates`), its second complaint's day received joined; narrow it with .where()."""
    appeal = aliased(Complaint)
    return (select(Complaint.id, Complaint.kind, Complaint.filer, Complaint.state, Complaint.received_on,
                   Complaint.contested_on, Complaint.accepted_on, Complaint.decided_on, Complaint.refusal_reason,
                   Complaint.appeal_of_id, Complaint.complex_case, Complaint.remote, appeal.received_on,
                   Complaint.commune_id)
            .join(appeal, appeal.appeal_of_id == Complaint.id, isouter=True))


def row_dates(row) -> CaseDates:
    """The CaseDates of a row of :func:`case_dates_select`."""
    return CaseDates(row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8] is not None, row[9] is not None,
                     bool(row[10]), bool(row[11]), row[12])


def not_naming(viewer_id: int | None):
    """The condition that leaves out the denunciations naming staff account ``viewer_id`` (None:
    no condition). The person denounced never sees the denunciation, not even as a count (the
    denouncer is protected, Luật Tố cáo 2018, Điều 47–48)."""
    if viewer_id is None:
        return None
    return or_(Complaint.named_user_id.is_(None), Complaint.named_user_id != viewer_id)


def open_standings(session: Session, today: dt.date, commune_id: int | None = None,
                   viewer_id: int | None = None, ids: Iterable[int] | None = None) -> dict[int, tuple[int, str]]:
    """{case id: (commune id, standing)} of the open cases (received, accepted, in review) whose
    deadlines run for the authority, as of ``today``; ``commune_id`` narrows to one commune
    (else the Session's scope); ``viewer_id`` leaves out the denunciations naming that account;
    ``ids`` (when given) to those cases only, so a page's standings cost its own cases, not every
    open case (read :data:`IDS_PER_QUERY` at a time). The deadlines count working days and
    holidays, so they are computed here, once per case read."""
    stmt = case_dates_select().where(Complaint.state.in_(sorted(OPEN_STATES)))
    if commune_id is not None:
        stmt = stmt.where(Complaint.commune_id == commune_id)
    if viewer_id is not None:
        stmt = stmt.where(not_naming(viewer_id))
    if ids is None:
        stmts = [stmt]
    else:
        wanted = sorted(set(ids))
        stmts = [stmt.where(Complaint.id.in_(wanted[i:i + IDS_PER_QUERY]))
                 for i in range(0, len(wanted), IDS_PER_QUERY)]
    out: dict[int, tuple[int, str]] = {}
    if not stmts:
        return out
    extra = instance_settings.extra_holidays(session)
    for one in stmts:
        for row in session.execute(one):
            s = standing(case_deadlines(row_dates(row), today, extra))
            if s is not None:
                out[row[0]] = (row[-1], s)
    return out


def list_stmt(session: Session, f: ComplaintFilters, today: dt.date | None = None, viewer_id: int | None = None) -> Select:
    """The SELECT of the cases matching ``f``, newest received first (Complaint rows). ``viewer_id``:
    the staff account reading; denunciations naming it are left out (the denouncer is protected,
    Luật Tố cáo 2018, Điều 47–48: the person denounced never sees the denunciation)."""
    stmt = select(Complaint).outerjoin(Household, Household.id == Complaint.household_id)
    if viewer_id is not None:
        stmt = stmt.where(not_naming(viewer_id))
    if f.kind in COMPLAINT_KIND_LABELS:
        stmt = stmt.where(Complaint.kind == f.kind)
    if f.state in COMPLAINT_STATE_LABELS:
        stmt = stmt.where(Complaint.state == f.state)
    if f.category in COMPLAINT_CATEGORY_LABELS:
        stmt = stmt.where(Complaint.category == f.category)
    if f.open_only:
        stmt = stmt.where(Complaint.state.in_(sorted(OPEN_STATES)))
    if f.commune:
        stmt = stmt.where(Complaint.commune_id.in_(select(Commune.id).where(Commune.code == f.commune.upper())))
    if f.q.strip():
        typed = f.q.strip()
        cond = search_condition(typed, personal=f.personal)
        stmt = stmt.where(or_(Complaint.case_number.startswith(typed, autoescape=True),
                              cond if cond is not None else false()))
    if f.standing in STANDINGS:
        ids = [i for i, (_, s) in open_standings(session, today or today_vn(), viewer_id=viewer_id).items()
               if s == f.standing]
        stmt = stmt.where(Complaint.id.in_(ids) if ids else false())
    return stmt.order_by(Complaint.received_on.desc(), Complaint.id.desc())


@dataclass(frozen=True)
class ListNotes:
    """What the list (page or file) shows beside its cases: ``standings`` {case id: standing} of
    the open cases, ``heads`` {household id: head's name} of the cases' households, ``late`` the
    ids of the cases received after their filing window (Điều 9)."""

    standings: dict[int, str]
    heads: dict[int, str]
    late: set[int]


def standings_of(session: Session, cases: Iterable[Complaint], today: dt.date) -> dict[int, str]:
    """{case id: standing} of the open ones among ``cases`` (Complaint rows) as of ``today``: their
    own deadlines only (:func:`open_standings` with ``ids``), never every open case's."""
    return {i: s for i, (_, s) in open_standings(session, today, ids=[c.id for c in cases
                                                                      if c.state in OPEN_STATES]).items()}


def list_notes(session: Session, cases: list[Complaint], today: dt.date) -> ListNotes:
    """The :class:`ListNotes` of ``cases`` (Complaint rows) as of ``today``: one query for the
    deadlines of the open ones among them, one for the households' heads."""
    standings = standings_of(session, cases, today)
    ids = sorted({c.household_id for c in cases if c.household_id})
    heads = dict(session.execute(select(Household.id, Household.head_name).where(Household.id.in_(ids))).all()) \
        if ids else {}
    extra = instance_settings.extra_holidays(session)
    return ListNotes(standings, heads, {c.id for c in cases if filed_late(dates_of(c), extra)})


@dataclass(frozen=True)
class MoveOption:
    """One move the signed-in user may make now: ``target`` state, ``name`` (the move), ``label``,
    whether it needs a reason / an outcome / a refusal reason."""

    target: str
    name: str
    label: str
    needs_reason: bool
    needs_outcome: bool
    needs_refusal_reason: bool


@dataclass(frozen=True)
class HistoryLine:
    """One event of the case: when (aware UTC), from, to, who (name or username), the reason."""

    at: dt.datetime
    from_state: str | None
    to_state: str
    actor: str
    reason: str | None


@dataclass
class CasePage:
    """What the case page shows: the case, its deadlines and standing, its history, the moves the
    user may make, whether they may record a second complaint, the first / second case linked,
    the staff member a denunciation names (and whether the user is that person)."""

    case: Complaint
    deadlines: list[dl.Deadline]
    standing: str | None
    history: list[HistoryLine]
    moves: list[MoveOption]
    may_appeal: bool
    first: Complaint | None = None
    second: Complaint | None = None
    named_user: User | None = None
    is_named: bool = False
    recorded_by: str = ""
    filed_late: bool = False  # received after the filing window (Điều 9): «Quá thời hiệu»


def case_page(session: Session, c: Complaint, user: User, today: dt.date | None = None) -> CasePage:
    """The read model of case ``c`` for ``user`` as of ``today`` (default today in Việt Nam)."""
    today = today or today_vn()
    second = session.scalar(select(Complaint).where(Complaint.appeal_of_id == c.id))
    first = session.get(Complaint, c.appeal_of_id) if c.appeal_of_id else None
    dates = dates_of(c, second.received_on if second else None)
    extra = instance_settings.extra_holidays(session)
    deadlines = case_deadlines(dates, today, extra)
    names = {uid: full_name or username
             for uid, full_name, username in session.execute(select(User.id, User.full_name, User.username))}

    def who(uid: int | None) -> str:
        return (names.get(uid) or "hệ thống") if uid else "hệ thống"

    history = [HistoryLine(e.at, e.from_state, e.to_state, who(e.actor_id), e.reason) for e in session.scalars(
        select(ComplaintEvent).where(ComplaintEvent.complaint_id == c.id).order_by(ComplaintEvent.at, ComplaintEvent.id))]
    is_named = not may_handle(user.id, c.named_user_id)
    moves: list[MoveOption] = []
    may_appeal = False
    if not is_named:
        for target, mv in allowed_moves(c.kind, c.state, user.role, c.level):
            if target == "appealed":
                if c.appeal_of_id is None and (not mv.only_when_overdue or any(
                        d.key == "first_decision" and d.status == dl.OVERDUE for d in deadlines)) and (
                        not mv.only_after_decision or (appealable_decision(c.outcome, c.refusal_reason is not None)
                                                       and any(d.key == "second_filing" and d.status != dl.EXPIRED
                                                               for d in deadlines))):
                    may_appeal = True
                continue
            moves.append(MoveOption(target, mv.name, mv.label, mv.needs_reason, mv.needs_outcome, target == "refused"))
    return CasePage(c, deadlines, standing(deadlines) if c.state in OPEN_STATES else None, history, moves, may_appeal,
                    first, second, session.get(User, c.named_user_id) if c.named_user_id else None, is_named,
                    who(c.recorded_by_id), filed_late(dates, extra))


@dataclass(frozen=True)
class DueCounts:
    """Open cases due soon and overdue (as of a day)."""

    due_soon: int
    overdue: int


def due_counts(session: Session, today: dt.date | None = None, viewer_id: int | None = None) -> DueCounts:
    """How many open cases of the Session's commune are due soon and overdue as of ``today``;
    ``viewer_id``: the staff account reading (denunciations naming it are not counted)."""
    return due_summary(session, today, viewer_id)[1]


def due_summary(session: Session, today: dt.date | None = None,
                viewer_id: int | None = None) -> tuple[int, DueCounts]:
    """(open cases whose deadlines run for the authority, :class:`DueCounts` of them) of the
    Session's commune as of ``today``, from one pass over the open cases (:func:`open_standings`);
    ``viewer_id`` as in :func:`due_counts`."""
    s = Counter(v for _, v in open_standings(session, today or today_vn(), viewer_id=viewer_id).values())
    return sum(s.values()), DueCounts(s[dl.DUE_SOON], s[dl.OVERDUE])


@dataclass(frozen=True)
class CommuneCases:
    """One commune's line in the province view: open cases, of which due soon and overdue."""

    commune_id: int
    code: str
    name: str
    open: int
    due_soon: int
    overdue: int


def province_summary(session: Session, today: dt.date | None = None, viewer_id: int | None = None) -> list[CommuneCases]:
    """Open, due-soon and overdue cases of every active commune (zeros included), in the
    communes' code order, as of ``today``; ``viewer_id``: the staff account reading
    (denunciations naming it are not counted)."""
    today = today or today_vn()
    # due soon / overdue need working days (Python, one pass); the open cases are counted by SQL
    by_commune: dict[int, Counter[str]] = {}
    for cid, s in open_standings(session, today, viewer_id=viewer_id).values():
        by_commune.setdefault(cid, Counter())[s] += 1
    opened = (select(Complaint.commune_id, func.count()).where(Complaint.state.in_(sorted(OPEN_STATES)))
              .group_by(Complaint.commune_id))
    if viewer_id is not None:
        opened = opened.where(not_naming(viewer_id))
    open_counts: dict[int, int] = {cid: n for cid, n in session.execute(opened).all()}
    out = []
    for c in session.scalars(select(Commune).where(Commune.active.is_(True)).order_by(Commune.code)):
        s = by_commune.get(c.id, Counter())
        out.append(CommuneCases(c.id, c.code, c.name, open_counts.get(c.id, 0), s[dl.DUE_SOON], s[dl.OVERDUE]))
    return out
