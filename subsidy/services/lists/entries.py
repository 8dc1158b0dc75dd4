"""The entries of a list: the row each application prints, frozen at approval (the permanent
record of an approved list), the entries taken off a draft, and the rows and sizes a page shows
(see the package docstring)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from subsidy.models import Application, Household, ProposalList, ProposalListEntry, User
from subsidy.services import rulesets
from subsidy.services.errors import ServiceError
from subsidy.services.lists.drafting import applications_on

#: What a list document prints for one row, copied onto the entry at approval.
SNAPSHOT_FIELDS = ("head_name", "head_birth_year", "citizen_id", "phone", "hamlet", "category", "priority_tier",
                   "tier_label", "support_form", "purchase_date", "tracking_code", "received_on", "note")


def spec_for(session: Session, proposal_list: ProposalList):
    try:
        return rulesets.spec_of(rulesets.in_force(session, proposal_list.created_on))
    except ServiceError:
        return None


def tier_label(spec, tier: int | None) -> str:
    if spec and tier and tier <= len(spec.priority):
        return spec.priority[tier - 1].id
    return f"P{tier}" if tier else ""


def row_facts(application: Application, spec) -> dict[str, Any]:
    """The facts a list row prints for ``application`` now (SNAPSHOT_FIELDS)."""
    h: Household = application.household
    return {
        "head_name": h.head_name, "head_birth_year": h.head_birth_year, "citizen_id": h.citizen_id,
        "phone": h.phone, "hamlet": h.hamlet, "category": h.category, "priority_tier": application.priority_tier,
        "tier_label": tier_label(spec, application.priority_tier), "support_form": application.support_form,
        "purchase_date": application.purchase_date, "tracking_code": application.tracking_code,
        "received_on": application.received_on, "note": application.note,
    }


def entry_facts(entry: ProposalListEntry) -> dict[str, Any]:
    return {k: getattr(entry, k) for k in SNAPSHOT_FIELDS}


def freeze(session: Session, proposal_list: ProposalList, apps: list[Application], actor: User | None) -> None:
    """Freeze the entries of ``proposal_list`` being approved with ``apps`` (priority order): each
    gets its position and printed row. An approved application with no live entry (put on the
    list by other means than ``propose``) gets one now; a live entry whose application is not
    approved with the list (no longer proposed) is marked removed, so the record is exactly the
    list the decision names."""
    live = {e.application_id: e for e in session.scalars(select(ProposalListEntry).where(
        ProposalListEntry.proposal_list_id == proposal_list.id, ProposalListEntry.removed_at.is_(None)))}
    spec = spec_for(session, proposal_list)
    at = proposal_list.approved_at
    approved_ids = {a.id for a in apps}
    for app_id, entry in live.items():
        if app_id not in approved_ids:
            entry.removed_at = at
            entry.removed_by_id = actor.id if actor is not None else None
            entry.removal_reason = "Không còn ở trạng thái «Đã đưa vào danh sách đề nghị» khi danh sách được phê duyệt"
    for position, app in enumerate(apps, start=1):
        entry = live.get(app.id)
        if entry is None:
            entry = ProposalListEntry(proposal_list_id=proposal_list.id, application_id=app.id, added_at=at,
                                      added_by_id=actor.id if actor is not None else None)
            session.add(entry)
        entry.position = position
        entry.frozen_at = at
        for k, v in row_facts(app, spec).items():
            setattr(entry, k, v)


def frozen_entries(session: Session, proposal_list: ProposalList) -> list[ProposalListEntry]:
    """The frozen entries of an approved list in their printed order (position); [] for a draft."""
    return list(session.scalars(select(ProposalListEntry).where(
        ProposalListEntry.proposal_list_id == proposal_list.id, ProposalListEntry.frozen_at.is_not(None))
        .order_by(ProposalListEntry.position)))


def removed_entries(session: Session, proposal_list: ProposalList) -> list[ProposalListEntry]:
    """Entries taken off ``proposal_list`` while it was a draft (oldest removal first), with their
    application and household loaded: who was removed, when, by whom and why."""
    return list(session.scalars(
        select(ProposalListEntry)
        .options(joinedload(ProposalListEntry.application).joinedload(Application.household))
        .where(ProposalListEntry.proposal_list_id == proposal_list.id, ProposalListEntry.removed_at.is_not(None))
        .order_by(ProposalListEntry.removed_at, ProposalListEntry.id)))


@dataclass(frozen=True)
class PageRow:
    """One household on a list's page. For an approved list every field but ``state`` is as frozen
    at approval; ``state`` is the application's state now (a withdrawal after approval shows
    there, the row stays)."""

    application_id: int
    rank: int
    name: str
    tier_label: str
    state: str
    hamlet: str
    category: str | None
    cash: bool
    received_on: dt.date | None


def page_rows(session: Session, proposal_list: ProposalList) -> list[PageRow]:
    """The rows of a list's page: an approved list's frozen entries in their printed order, or a
    draft list's applications now (``applications_on``)."""
    if proposal_list.status == "approved":
        entries = frozen_entries(session, proposal_list)
        states = dict(session.execute(select(Application.id, Application.state).where(
            Application.id.in_([e.application_id for e in entries]))).all()) if entries else {}
        return [PageRow(e.application_id, e.position, e.head_name, e.tier_label or "", states.get(e.application_id, ""),
                        e.hamlet, e.category, e.support_form == "cash", e.received_on) for e in entries]
    return [PageRow(a.id, i, a.household.head_name, tier_label(None, a.priority_tier), a.state,
                    a.household.hamlet, a.household.category, a.support_form == "cash", a.received_on)
            for i, a in enumerate(applications_on(session, proposal_list), start=1)]


def list_sizes(session: Session, proposal_lists: list[ProposalList]) -> dict[int, int]:
    """{list id: households on it}: an approved list's frozen entries, a draft list's applications
    now. Two grouped queries whatever the number of lists."""
    approved = [pl.id for pl in proposal_lists if pl.status == "approved"]
    drafts = [pl.id for pl in proposal_lists if pl.status != "approved"]
    out = {pl.id: 0 for pl in proposal_lists}
    if approved:
        out.update(session.execute(select(ProposalListEntry.proposal_list_id, func.count())
                                   .where(ProposalListEntry.proposal_list_id.in_(approved),
                                          ProposalListEntry.frozen_at.is_not(None))
                                   .group_by(ProposalListEntry.proposal_list_id)).all())
    if drafts:
        out.update(session.execute(select(Application.proposal_list_id, func.count())
                                   .where(Application.proposal_list_id.in_(drafts))
                                   .group_by(Application.proposal_list_id)).all())
    return out
