"""A household's members and its poverty status per year: reading them, the form's status of a
year, and who owns a personal ID (a head or a member of which household).

Statuses: one record per household per year (models.HouseholdStatus); the status in force for a
year is domain.list_standing.standing_for_year of the household's columns and its records up to
that year (:func:`standings`; this year's: :func:`standings_now`), which E1 (services.facts), the household pages, the list exports
and the JSON API all read, so a decision keeps the status of its own year when a later list
arrives and every page says the same thing.  Functions take ``(session, …)``, flush, never commit.  Sources: domain.md E1 (the
list in force for the year), §10 (a person is one person across the instance).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.domain import vn
from subsidy.domain.calendar import today_vn
from subsidy.domain.list_standing import Standing, YearRecord, standing_for_year, withheld
from subsidy.models import Household, HouseholdMember, HouseholdStatus, User
from subsidy.models.scoping import ALL_COMMUNES

#: Fields of a member compared and audited (what the list says about the person).
MEMBER_FIELDS = ("name", "relation", "birth_date", "birth_year", "gender", "citizen_id", "citizen_id_kind",
                 "citizen_id_warning")


@dataclass(frozen=True, slots=True)
class IdOwner:
    """Who holds a personal ID on file: ``household_id``, its ``code``, the person's ``name`` and
    ``role`` ("head" or "member")."""

    household_id: int
    code: str
    name: str
    role: str

    def describe(self) -> str:
        """"chủ hộ Nguyễn Văn Hùng, hộ mã 8236925220" / "thành viên …"."""
        who = "chủ hộ" if self.role == "head" else "thành viên"
        return f"{who} {self.name}, hộ mã {self.code}"


def members_of(session: Session, household_ids: Iterable[int]) -> dict[int, list[HouseholdMember]]:
    """``{household id: [members in list order]}`` (households without members are absent)."""
    ids = list(set(household_ids))
    out: dict[int, list[HouseholdMember]] = {}
    for start in range(0, len(ids), 1000):
        for m in session.scalars(select(HouseholdMember).where(HouseholdMember.household_id.in_(ids[start:start + 1000]))
                                 .order_by(HouseholdMember.household_id, HouseholdMember.position)):
            out.setdefault(m.household_id, []).append(m)
    return out


def id_owners(session: Session, citizen_ids: Iterable[str]) -> dict[str, IdOwner]:
    """Who holds each of ``citizen_ids`` across the instance (heads first, then members):
    ``{cccd: IdOwner}``; IDs nobody holds are absent.  Looks across communes (domain.md §10)."""
    ids = [c for c in set(citizen_ids) if c]
    out: dict[str, IdOwner] = {}
    opts = {ALL_COMMUNES: True}
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        for hid, code, name, cid in session.execute(
                select(Household.id, Household.code, Household.head_name, Household.citizen_id)
                .where(Household.citizen_id.in_(chunk)), execution_options=opts):
            out[cid] = IdOwner(hid, code, name, "head")
        for hid, code, name, cid in session.execute(
                select(HouseholdMember.household_id, Household.code, HouseholdMember.name, HouseholdMember.citizen_id)
                .join(Household, Household.id == HouseholdMember.household_id)
                .where(HouseholdMember.citizen_id.in_(chunk)), execution_options=opts):
            out.setdefault(cid, IdOwner(hid, code, name, "member"))
    return out


def statuses_in(session: Session, household_ids: Iterable[int], year: int) -> dict[int, HouseholdStatus]:
    """``{household id: its status record of year}`` for those that have one."""
    ids = list(set(household_ids))
    out: dict[int, HouseholdStatus] = {}
    for start in range(0, len(ids), 1000):
        for s in session.scalars(select(HouseholdStatus).where(
                HouseholdStatus.household_id.in_(ids[start:start + 1000]), HouseholdStatus.year == year)):
            out[s.household_id] = s
    return out


def _year_records(session: Session, household_ids: Iterable[int], up_to: int) -> dict[int, list[YearRecord]]:
    """``{household id: its status records of years <= up_to, as YearRecord}`` (households with
    none are absent); read 1,000 households at a time."""
    ids = list(set(household_ids))
    out: dict[int, list[YearRecord]] = {}
    # plain rows, not ORM objects: the exports read this for every row they write
    cols = (HouseholdStatus.household_id, HouseholdStatus.year, HouseholdStatus.status, HouseholdStatus.note,
            HouseholdStatus.decision_number, HouseholdStatus.decision_date)
    for start in range(0, len(ids), 1000):
        for hid, *rec in session.execute(select(*cols).where(
                HouseholdStatus.household_id.in_(ids[start:start + 1000]), HouseholdStatus.year <= up_to)):
            out.setdefault(hid, []).append(YearRecord(*rec))
    return out


def standings(session: Session, households: Iterable[Household], year: int) -> dict[int, Standing]:
    """``{household id: its poverty status in force for year}`` (standing_for_year of its
    columns and records; one query per 1,000 households). ``year``: usually today's (today_vn)."""
    households = list(households)
    records = _year_records(session, [h.id for h in households], year)
    return {h.id: standing_for_year(h.category, h.list_year, records.get(h.id, ()), year) for h in households}


def standings_now(session: Session, households: Iterable[Household], *, shown: bool = True) -> dict[int, Standing]:
    """``{household id: its poverty status in force this year}``: :func:`standings` for the year
    of today's date in Việt Nam (calendar.today_vn), what every page, the receipts and the JSON API
    show beside a household. ``shown`` False (the reader does not see poverty status:
    domain.scope.sees_poverty_status): each a list_standing.withheld, nothing read."""
    year = today_vn().year
    if not shown:
        return {h.id: withheld(year) for h in households}
    return standings(session, households, year)


def status_history(session: Session, household_id: int) -> list[HouseholdStatus]:
    """Every status record of one household, newest year first."""
    return list(session.scalars(select(HouseholdStatus).where(HouseholdStatus.household_id == household_id)
                                .order_by(HouseholdStatus.year.desc())))


def record_form_status(session: Session, household: Household, actor: User | None) -> None:
    """Keep the status record of the household's list year in step with the form's category,
    list year and decision (source ``form``).  No list year or no category: nothing recorded.
    Flushes."""
    if household.list_year is None or household.category is None:
        return
    current = statuses_in(session, [household.id], household.list_year).get(household.id)
    values = dict(status=household.category, decision_number=household.decision_number,
                  decision_date=household.decision_date)
    if current is None:
        session.add(HouseholdStatus(household_id=household.id, year=household.list_year, source="form",
                                    recorded_by_id=actor.id if actor is not None else None, **values))
    elif any(getattr(current, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(current, k, v)
        current.source, current.note = "form", None
        current.recorded_at = utcnow()
        current.recorded_by_id = actor.id if actor is not None else None
    session.flush()


def member_summary(m: HouseholdMember | dict) -> str:
    """One member as the preview and the audit log show them: "Lê Thị Lan (Vợ, 1972)"."""
    get = m.get if isinstance(m, dict) else (lambda k: getattr(m, k))
    extra = [x for x in (get("relation"), get("birth_year")) if x]
    return get("name") + (f" ({', '.join(str(x) for x in extra)})" if extra else "")


def birth_text(birth_date: dt.date | None, birth_year: int | None) -> str:
    """dd/mm/yyyy when the date is known, else the year, else ""."""
    if birth_date is not None:
        return vn.format_date(birth_date)
    return str(birth_year) if birth_year else ""
