"""Reading what a handover or a payment depends on: the application (locked), the day it was
approved, the rule set in force (amount, E5 cut-off), the live handover or payment. Reads only."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from subsidy.domain.calendar import local_date
from subsidy.domain.workflow import State
from subsidy.models import Application, ApplicationEvent, CashPayment, Handover, RuleSet
from subsidy.services import rulesets
from subsidy.services.errors import NotFound

#: Cash support per household when no rule set is loaded: 500.000 đồng, Thông tư 14/2022/TT-BTTTT
#: (domain.md §4). Used only if the rule_sets table holds no active rule set at all.
DEFAULT_SUPPORT_AMOUNT = 500_000

#: E5 cut-off when no rule set is loaded: the phone was bought on or after 12/12/2022, the day
#: Thông tư 14/2022/TT-BTTTT came into force (domain.md §2).
DEFAULT_CASH_CUTOFF = dt.date(2022, 12, 12)


def load_application_locked(session: Session, application_id: int) -> Application:
    """The application, its row locked until the transaction ends (PostgreSQL: FOR UPDATE, so two
    clerks recording for the same application queue up; SQLite: BEGIN IMMEDIATE already)."""
    app = session.scalar(
        select(Application).where(Application.id == application_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    if app is None:
        raise NotFound("Không có hồ sơ này.")
    return app


def approval_date(session: Session, application: Application) -> dt.date | None:
    """The date the application was approved (Asia/Ho_Chi_Minh): the latest move proposed →
    approved in its history, or the approval decision's date if that is earlier (a handover may
    be recorded after the decision but before the approval was entered). None if neither is known."""
    at = session.scalar(
        select(func.max(ApplicationEvent.at)).where(
            ApplicationEvent.application_id == application.id,
            ApplicationEvent.to_state == State.approved.value,
            ApplicationEvent.from_state == State.proposed.value,
        )
    )
    if at is None:  # e.g. imported history: any move to approved
        at = session.scalar(
            select(func.min(ApplicationEvent.at)).where(
                ApplicationEvent.application_id == application.id,
                ApplicationEvent.to_state == State.approved.value,
            )
        )
    day = local_date(at) if at is not None else None
    pl = application.proposal_list
    decision = pl.decision_date if pl is not None and pl.status == "approved" else None
    if decision is not None and (day is None or decision < day):
        day = decision
    return day


def rule_set_for(session: Session, on: dt.date) -> RuleSet | None:
    """The active rule set in force on ``on`` (rulesets.in_force); None when no active rule set
    is loaded at all (then the defaults DEFAULT_SUPPORT_AMOUNT / DEFAULT_CASH_CUTOFF apply).
    Raises ServiceError when rule sets are loaded but none is in force on ``on``."""
    if not session.scalar(select(func.count()).select_from(RuleSet).where(RuleSet.active.is_(True))):
        return None
    return rulesets.in_force(session, on)


def support_amount(session: Session, on: dt.date) -> int:
    """The cash support in đồng on ``on``: the rule set's ``support_amount`` (500.000 under
    Thông tư 14/2022/TT-BTTTT); DEFAULT_SUPPORT_AMOUNT only if no rule set is loaded."""
    rs = rule_set_for(session, on)
    return rs.support_amount if rs is not None else DEFAULT_SUPPORT_AMOUNT


@dataclass(frozen=True)
class CashTerms:
    """What the cash form tells the clerk on a day: ``amount`` in đồng, ``cutoff`` (E5: a phone bought
    on or after it), ``source`` the legal text naming them ("Thông tư 14/2022/TT-BTTTT"; "" when no
    rule set is loaded)."""

    amount: int
    cutoff: dt.date
    source: str


def cash_terms(session: Session, on: dt.date) -> CashTerms:
    """The cash terms of the rule set in force on ``on`` (the defaults when none is loaded at all).
    Raises ServiceError when rule sets are loaded but none is in force on ``on``."""
    rs = rule_set_for(session, on)
    if rs is None:
        return CashTerms(DEFAULT_SUPPORT_AMOUNT, DEFAULT_CASH_CUTOFF, "")
    return CashTerms(rs.support_amount, rs.cash_cutoff, rulesets.spec_of(rs).short_name)


def live_handover(session: Session, application_id: int) -> Handover | None:
    return session.scalar(select(Handover).where(Handover.application_id == application_id,
                                                 Handover.voided_at.is_(None)))


def live_payment(session: Session, application_id: int) -> CashPayment | None:
    return session.scalar(select(CashPayment).where(CashPayment.application_id == application_id,
                                                    CashPayment.voided_at.is_(None)))


def get_handover(session: Session, handover_id: int) -> Handover:
    h = session.get(Handover, handover_id)
    if h is None:
        raise NotFound("Không có biên bản bàn giao này.")
    return h


def get_payment(session: Session, payment_id: int) -> CashPayment:
    p = session.get(CashPayment, payment_id)
    if p is None:
        raise NotFound("Không có khoản chi tiền hỗ trợ này.")
    return p
