"""Read models for the web pages: what a page shows beyond the object its URL names, loaded here so
that views parse and render and templates never query. Every function only reads (no flush, no
commit) and takes the request's Session.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from subsidy.models import (
    ApiToken,
    Application,
    ApplicationEvent,
    CashPayment,
    EligibilityDecision,
    Handover,
    Household,
    Receipt,
    User,
)
from subsidy.domain.calendar import today_vn
from subsidy.services import recheck, rulesets
from subsidy.services.errors import ServiceError
from subsidy.services import applications as applications_svc
from subsidy.services import receipts as receipts_svc


@dataclass(frozen=True)
class RuleSetNotice:
    """What the home page says about the rules: the rule set in force today (None when none is),
    its effective period in words, and the applications refused under the earlier E2 to check
    again (services.recheck)."""

    label: str | None
    legal_source: str | None
    period: str | None
    rechecks: list


def rule_set_notice(session: Session) -> RuleSetNotice:
    """The home page's rule-set line and the E2 re-check list (at most 20)."""
    try:
        row = rulesets.in_force(session, today_vn())
    except ServiceError:
        return RuleSetNotice(None, None, None, [])
    return RuleSetNotice(f"{row.code} phiên bản {row.version}", row.legal_source, rulesets.period(session, row),
                         recheck.e2_recheck(session, limit=20))


def household_or_none(session: Session, household_id: int | None) -> Household | None:
    """Household ``household_id``, or None when there is none (or no id)."""
    return session.get(Household, household_id) if household_id else None


def application_of(session: Session, household_id: int, programme: str) -> Application | None:
    """The household's application in ``programme`` (one per household per programme), or None."""
    return session.scalar(select(Application).where(Application.household_id == household_id,
                                                    Application.programme == programme))


@dataclass(frozen=True)
class ApplicationPage:
    """What the application page shows besides the application and its household.

    ``decisions``: every eligibility check, newest first; ``events``: its history in order, each
    (event, actor's username, actor's full name), names None for the system; ``deciders``: user
    id → display name of whoever made a check; ``receiver``: who received it (None if unknown);
    ``receipts``: its receipts, newest first, voided ones included (empty unless asked for)."""

    decisions: list[EligibilityDecision]
    events: list[tuple[ApplicationEvent, str | None, str | None]]
    deciders: dict[int, str]
    receiver: User | None
    receipts: list[Receipt]


def application_page(session: Session, application: Application, *, with_receipts: bool) -> ApplicationPage:
    """The ApplicationPage of ``application``; its receipts only when ``with_receipts`` (the
    roles that may see receipts: they carry names and CCCD numbers)."""
    decisions = applications_svc.decisions_of(session, application)
    events = [(ev, username, full_name) for ev, username, full_name in session.execute(
        select(ApplicationEvent, User.username, User.full_name).outerjoin(User, User.id == ApplicationEvent.actor_id)
        .where(ApplicationEvent.application_id == application.id)
        .order_by(ApplicationEvent.at, ApplicationEvent.id))]
    decider_ids = {d.decided_by_id for d in decisions if d.decided_by_id}
    deciders = {u.id: u.display_name for u in session.scalars(select(User).where(User.id.in_(decider_ids)))}
    receiver = session.get(User, application.received_by_id) if application.received_by_id else None
    receipts = receipts_svc.for_application(session, application.id) if with_receipts else []
    return ApplicationPage(decisions, events, deciders, receiver, receipts)


@dataclass(frozen=True)
class ReceiptPage:
    """What a receipt's page shows besides its snapshot: its ``application``, the ``others`` of
    that application (newest first), the ``staff`` who recorded it and who ``voided_by`` it."""

    application: Application
    others: list[Receipt]
    staff: User | None
    voided_by: User | None


def receipt_page(session: Session, receipt: Receipt) -> ReceiptPage:
    """The ReceiptPage of ``receipt`` (a handover's or a cash payment's)."""
    application = session.get(Application, receipt.application_id)
    others = [r for r in receipts_svc.for_application(session, receipt.application_id) if r.id != receipt.id]
    record: Any
    if receipt.handover_id is not None:
        record = session.get(Handover, receipt.handover_id)
    else:
        record = session.get(CashPayment, receipt.cash_payment_id)
    voided_by = session.get(User, record.voided_by_id) if record is not None and record.voided_by_id else None
    staff = session.get(User, record.staff_id) if record is not None and record.staff_id else None
    return ReceiptPage(application, others, staff, voided_by)


def accounts(session: Session) -> list[User]:
    """Every staff account, by username."""
    return list(session.scalars(select(User).order_by(User.username)))


def api_tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The API tokens of ``user`` (revoked ones included), oldest first."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))
