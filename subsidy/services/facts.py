"""The facts the eligibility rules read (domain.rules.Facts), loaded from the database.

One home for them because two use cases need the same facts: checking an application
(services.applications.check_eligibility / check_many) and previewing a new rule set against the
current applications (services.rulesets.preview). Reads only; never flushes.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Iterable, Sequence

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from subsidy.domain import tracking
from subsidy.domain.decisions import citation as decision_citation
from subsidy.domain.list_standing import Standing
from subsidy.domain.rules import Facts
from subsidy.domain.workflow import State
from subsidy.models import (
    Allocation, Application, CashPayment, Handover, Household, HouseholdMember, ProposalList,
    ProvinceAllocation,
)
from subsidy.models.scoping import ALL_COMMUNES
from subsidy.services.households.people import standings

#: States of an application whose household has been supported (E4).
SUPPORTED = (State.handed_over.value, State.paid.value, State.closed.value)


def _decision_text(number: str | None, date: dt.date | None) -> str | None:
    if not number and not date:
        return None
    return decision_citation(number, date)


def _facts(app: Application, h: Household, on: dt.date, handovers: int, cash: int,
           others: Sequence[str], approved_list: str | None, allocated_on: dt.date | None,
           standing: Standing) -> Facts:
    # E1 asks about the year of the check: the status in force for it (list_standing), so a check
    # keeps its year's status when a later list arrives. Recorded as not on that year's list:
    # E1 fails with the recorded reason; not on an earlier year's list: the last list it was on
    # (E1 cannot decide for this year).
    if standing.not_listed and standing.list_year == on.year:
        category, list_year, list_status = None, standing.list_year, standing.status
        note = standing.record.note if standing.record else None
    elif standing.not_listed:
        category, list_year, list_status, note = standing.last_category, standing.last_year, None, None
    else:
        category, list_year, list_status, note = standing.status, standing.list_year, None, None
    rec = standing.record
    decision = ((_decision_text(rec.decision_number, rec.decision_date) if rec is not None else None)
                or (_decision_text(h.decision_number, h.decision_date) if h.list_year == list_year else None))
    return Facts(
        check_date=on, category=category, list_year=list_year, list_status=list_status, list_note=note,
        list_decision=decision,
        meritorious=bool(h.meritorious), social_policy=bool(h.social_policy),
        prior_device=h.prior_device or "unknown", prior_device_detail=h.prior_device_detail,
        prior_device_date=h.prior_device_date, phones_allocated_on=allocated_on, has_applied=True,
        tracking_code=tracking.display(app.tracking_code), received_on=app.received_on,
        support_form=app.support_form, purchase_date=app.purchase_date, approved_list=approved_list,
        live_handovers=handovers, live_cash_payments=cash, other_supported_applications=tuple(others),
    )


def phones_allocated_on(session: Session, commune_id: int) -> dt.date | None:
    """The date phones were allocated to commune ``commune_id``, up to which an earlier tablet or
    learning device counts (E2, domain.md §2 and §10), or None while it has none: see
    :func:`allocation_dates`."""
    return allocation_dates(session, [commune_id]).get(commune_id)


def allocation_dates(session: Session, commune_ids: Iterable[int]) -> dict[int, dt.date]:
    """{commune id: the date phones were first allocated to it} for the communes that have a live
    allocation (E2: "the time the ministry allocates phones to the locality", domain.md §2). A
    commune's share of a province allocation dates from the province allocation it came from
    (province_allocations.received_on: when the ministry's phones reached the province, §10), an
    allocation the commune recorded itself from its own date (allocations.allocated_on); the
    earliest of its allocations not voided (nor taken from a voided province allocation) wins.
    Each commune has its own: never another commune's."""
    ids = sorted(set(commune_ids))
    if not ids:
        return {}
    day = case((Allocation.province_allocation_id.is_not(None), ProvinceAllocation.received_on),
               else_=Allocation.allocated_on)
    rows = session.execute(
        select(Allocation.commune_id, func.min(day))
        .outerjoin(ProvinceAllocation, ProvinceAllocation.id == Allocation.province_allocation_id)
        .where(Allocation.voided_at.is_(None), ProvinceAllocation.voided_at.is_(None),
               Allocation.commune_id.in_(ids))
        .group_by(Allocation.commune_id), execution_options={ALL_COMMUNES: True})
    return {cid: day for cid, day in rows if day is not None}


def load_facts_bulk(session: Session, applications: Sequence[Application], on: dt.date) -> dict[int, Facts]:
    """Facts of each application as of ``on`` ({application id: Facts}; E1–E5 and P1–P4 read
    them), in a few queries whatever the number of applications: households, live handovers and
    live cash payments per household (voided_at IS NULL), the household's other supported
    applications (SUPPORTED states) and those of other households sharing a person with it
    (:func:`_supported_elsewhere`), approved lists, each commune's allocation date (allocation_dates),
    the households' status in force for ``on``'s year (list_standing). ``{}`` for no applications."""
    if not applications:
        return {}
    hh_ids = {a.household_id for a in applications}
    households = {h.id: h for h in session.scalars(select(Household).where(Household.id.in_(hh_ids)))}
    handovers: dict[int, int] = defaultdict(int)
    cash: dict[int, int] = defaultdict(int)
    for model, into in ((Handover, handovers), (CashPayment, cash)):
        rows = session.execute(
            select(Application.household_id, func.count(model.id))
            .join(Application, Application.id == model.application_id)
            .where(model.voided_at.is_(None), Application.household_id.in_(hh_ids))
            .group_by(Application.household_id))
        for hid, n in rows:
            into[hid] = n
    supported: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for aid, hid, code in session.execute(
            select(Application.id, Application.household_id, Application.tracking_code)
            .where(Application.household_id.in_(hh_ids), Application.state.in_(SUPPORTED))):
        supported[hid].append((aid, code))
    list_ids = {a.proposal_list_id for a in applications if a.proposal_list_id}
    approved: dict[int, str] = {}
    if list_ids:
        for pl in session.scalars(select(ProposalList).where(ProposalList.id.in_(list_ids),
                                                             ProposalList.status == "approved")):
            approved[pl.id] = _decision_text(pl.decision_number, pl.decision_date) or pl.number
    allocated_on = allocation_dates(session, {a.commune_id for a in applications})
    shared = _supported_elsewhere(session, households)
    in_force = standings(session, households.values(), on.year)
    out = {}
    for a in applications:
        h = households[a.household_id]
        others = [tracking.display(c) for aid, c in supported.get(a.household_id, []) if aid != a.id]
        others += shared.get(a.household_id, [])
        out[a.id] = _facts(a, h, on, handovers.get(a.household_id, 0), cash.get(a.household_id, 0), others,
                           approved.get(a.proposal_list_id) if a.proposal_list_id else None,
                           allocated_on.get(a.commune_id),
                           in_force[h.id])
    return out


def _supported_elsewhere(session: Session, households: dict[int, Household]) -> dict[int, list[str]]:
    """For each household, the supported applications (SUPPORTED states) of **other** households
    that share a person with it: a head's or member's personal ID of one is the head's or a
    member's of the other (a household that moved or was registered twice; E4, domain.md §10:
    a person is one person across the instance).  ``{household id: ["T-… (hộ mã …)", …]}``."""
    ids = set(households)
    person: dict[str, set[int]] = defaultdict(set)  # personal ID -> the households it appears in
    for h in households.values():
        if h.citizen_id:
            person[h.citizen_id].add(h.id)
    opts = {ALL_COMMUNES: True}
    for hid, cid in session.execute(select(HouseholdMember.household_id, HouseholdMember.citizen_id).where(
            HouseholdMember.household_id.in_(ids), HouseholdMember.citizen_id.is_not(None)), execution_options=opts):
        person[cid].add(hid)
    if not person:
        return {}
    cids = list(person)
    related: dict[int, set[int]] = defaultdict(set)  # household -> other households sharing a person
    for start in range(0, len(cids), 1000):
        chunk = cids[start:start + 1000]
        for other, cid in session.execute(select(Household.id, Household.citizen_id).where(
                Household.citizen_id.in_(chunk)), execution_options=opts):
            for hid in person[cid]:
                if other != hid:
                    related[hid].add(other)
        for other, cid in session.execute(select(HouseholdMember.household_id, HouseholdMember.citizen_id).where(
                HouseholdMember.citizen_id.in_(chunk)), execution_options=opts):
            for hid in person[cid]:
                if other != hid:
                    related[hid].add(other)
    if not related:
        return {}
    others = set().union(*related.values())
    found: dict[int, list[str]] = defaultdict(list)
    for hid, code, hcode in session.execute(
            select(Application.household_id, Application.tracking_code, Household.code)
            .join(Household, Household.id == Application.household_id)
            .where(Application.household_id.in_(others), Application.state.in_(SUPPORTED)), execution_options=opts):
        found[hid].append(f"{tracking.display(code)} (hộ mã {hcode}, có chung người)")
    return {hid: [t for o in sorted(rel) for t in found.get(o, [])] for hid, rel in related.items()}


def load_facts(session: Session, application: Application, on: dt.date) -> Facts:
    """Facts of one application as of ``on`` (see load_facts_bulk)."""
    return load_facts_bulk(session, [application], on)[application.id]
