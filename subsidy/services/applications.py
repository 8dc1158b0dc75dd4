"""Applications for smartphone support: receiving one, checking its eligibility, withdrawing or
refusing it (domain.md §2, §5; Thông tư 14/2022/TT-BTTTT, Chương IV, Mục 2).

Every state change goes through subsidy.services.workflow.move (transition table, event, audit).
Every function takes (session, …, actor), flushes and never commits.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from subsidy.domain import rules, tracking
from subsidy.domain.calendar import after_today_message, today_vn
from subsidy.domain.labels import REOPEN_LABELS, STATE_LABELS
from subsidy.domain.public_status import HOUSEHOLD_SUPPLIES
from subsidy.domain.rules import Decision, Facts
from subsidy.domain.workflow import State
from subsidy.models import Application, AuditEntry, EligibilityDecision, Household, RuleSet, User
from subsidy.services import audit, rulesets, versions, workflow
from subsidy.services.facts import load_facts, load_facts_bulk
from subsidy.services.errors import Conflict, FieldError, NotFound, ServiceError

DEFAULT_PROGRAMME = "VTCI-2025"
FORMS = ("package", "cash")
PRIOR_DEVICES = ("none", "vtci_tablet", "learning_device")
#: States from which an eligibility check (or re-check) may run.
CHECKABLE = (State.received.value, State.eligible.value, State.not_eligible.value)


class DuplicateApplication(Conflict):
    """The household already has an application in this programme; ``application_id`` and
    ``tracking_code`` name the first one (the view links to it)."""

    def __init__(self, message: str, application_id: int, tracking_code: str):
        super().__init__(message)
        self.application_id = application_id
        self.tracking_code = tracking_code


@dataclass
class ApplicationInput:
    """What the application form carries. ``support_form``: "package" | "cash"; ``purchase_date``
    and ``evidence_note`` for cash (E5). ``prior_device`` (+ detail, date): the household's
    declaration of prior devices (E2), recorded on the household when given."""

    household_id: int
    support_form: str
    received_on: dt.date | None = None
    purchase_date: dt.date | None = None
    evidence_note: str | None = None
    note: str | None = None
    prior_device: str | None = None
    prior_device_detail: str | None = None
    prior_device_date: dt.date | None = None


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def check_not_future(day: dt.date | None, what: str, field: str, today: dt.date | None = None) -> None:
    """Refuse a business date after today in Asia/Ho_Chi_Minh (the rule and its message:
    domain.calendar.after_today_message): raises FieldError for the form field ``field`` naming
    ``what`` (e.g. "Ngày mua điện thoại"), the date typed and today. None passes."""
    message = after_today_message(day, what, today)
    if message is not None:
        raise FieldError(message, field)


def check_received_on(session: Session, received_on: dt.date, today: dt.date | None = None) -> None:
    """The date an application was received: not in the future, and not before the first rule
    set took effect (Thông tư 14/2022/TT-BTTTT: 12/12/2022) — nobody could apply before the
    programme existed; the programme's one date rule, rulesets.check_programme_date. Raises
    FieldError (field ``received_on``) naming the date and the allowed range. Source: domain.md §1, §5."""
    rulesets.check_programme_date(session, received_on, "Ngày nhận hồ sơ", "received_on", today)


def get(session: Session, application_id: int) -> Application:
    """The application with this id. Raises NotFound."""
    app = session.get(Application, application_id)
    if app is None:
        raise NotFound("Không có hồ sơ này.")
    return app


def find_by_tracking_code(session: Session, raw: str) -> Application | None:
    """The application with tracking code ``raw`` (as typed: case, spaces and dashes ignored)."""
    code = tracking.normalize(raw)
    if code is None:
        return None
    return session.scalar(select(Application).where(Application.tracking_code == code))


def record_prior_device(session: Session, household: Household, value: str, detail: str | None,
                        date: dt.date | None, actor: User | None, *, seen_version: int | None = None) -> bool:
    """Record the household's declaration of prior device support (E2): "none", "vtci_tablet"
    or "learning_device", with an optional detail and date. Audited as ``household.prior_device``
    with old and new values. Returns True when something changed. Raises ServiceError for an
    unknown value, FieldError (``prior_device_date``) for a date in the future (Việt Nam time),
    StaleVersion when another recorded the declaration after ``seen_version`` (the household's
    version the page showed, services.versions; None: not checked)."""
    fields = ("prior_device", "prior_device_detail", "prior_device_date")
    household = versions.lock(session, Household, household.id, not_found="Không tìm thấy hộ gia đình này.")
    versions.check_unchanged(session, "household", household.id, seen_version, fields=fields,
                             what=f"khai báo thiết bị của hộ {household.head_name}",
                             how="Hãy mở lại trang hồ sơ để xem khai báo đang có.")
    if value not in PRIOR_DEVICES:
        raise ServiceError("Hãy chọn: chưa nhận thiết bị nào, đã nhận máy tính bảng (VTCI) hoặc đã nhận thiết bị học tập.")
    check_not_future(date, "Ngày nhận thiết bị", "prior_device_date")
    if value == "none":
        detail, date = None, None
    before = audit.snapshot(household, fields)
    household.prior_device, household.prior_device_detail, household.prior_device_date = value, _clean(detail), date
    changes = audit.diff(before, audit.snapshot(household, fields))
    if changes:
        audit.record(session, actor, "household.prior_device", "household", household.id, changes,
                     note="Khai khi nộp hồ sơ hỗ trợ điện thoại")
    return bool(changes)


def field_errors(session: Session, data: ApplicationInput, today: dt.date | None = None) -> dict[str, str]:
    """The date checks of :func:`apply`, saving nothing: {form field: Vietnamese message} for the
    date received (future, before the programme), the purchase date (future, cash only) and the
    prior-device date (future). A view whose form refused other fields adds these, so the clerk
    sees every mistake after one submit. A None date is skipped (the form says it is missing)."""
    today = today or today_vn()
    errors: dict[str, str] = {}
    checks = [(lambda: check_received_on(session, data.received_on, today)) if data.received_on else None,
              (lambda: check_not_future(data.purchase_date if data.support_form == "cash" else None,
                                        "Ngày mua điện thoại", "purchase_date", today)),
              (lambda: check_not_future(data.prior_device_date if data.prior_device else None,
                                        "Ngày nhận thiết bị", "prior_device_date", today))]
    for check in checks:
        if check is None:
            continue
        try:
            check()
        except FieldError as err:
            errors.setdefault(err.field, str(err))
    return errors


def apply(session: Session, data: ApplicationInput, actor: User | None, *,
          programme: str = DEFAULT_PROGRAMME, at: dt.datetime | None = None) -> Application:
    """Receive an application (state ``received``) for household ``data.household_id``.

    One application per household per programme: a second raises DuplicateApplication naming the
    first (also when two clerks save at once: the unique constraint decides). Checks: the form is
    package or cash; the date received is not in the future nor before the first rule set took
    effect (check_received_on); a purchase date only for cash, not in the future; a prior-device
    date not in the future (today in Asia/Ho_Chi_Minh). Gives the applicant a tracking code
    (subsidy.domain.tracking). Records the prior device declaration on the household when given.
    ``at`` back-dates the first event (tests). Raises NotFound, ServiceError, FieldError (a date,
    naming the form field), DuplicateApplication. Source: domain.md §5 (one application per household per programme).
    """
    household = session.get(Household, data.household_id)
    if household is None:
        raise NotFound("Không có hộ gia đình này trong sổ. Hãy chọn hộ từ danh sách.")
    if household.archived:
        raise ServiceError(f"Hộ {household.head_name} đã được lưu trữ (không còn trong danh sách hộ); "
                           "hãy khôi phục hộ trước khi nhận hồ sơ.")
    if data.support_form not in FORMS:
        raise ServiceError("Hãy chọn hình thức hỗ trợ: gói hỗ trợ kết hợp (nhận máy) hoặc hỗ trợ bằng tiền.")
    today = today_vn()
    received_on = data.received_on or today
    check_received_on(session, received_on, today)
    purchase = data.purchase_date if data.support_form == "cash" else None
    check_not_future(purchase, "Ngày mua điện thoại", "purchase_date", today)
    if data.prior_device:
        check_not_future(data.prior_device_date, "Ngày nhận thiết bị", "prior_device_date", today)

    first = session.scalar(select(Application).where(Application.household_id == household.id,
                                                     Application.programme == programme))
    if first is not None:
        raise _duplicate(household, first)

    if data.prior_device:
        record_prior_device(session, household, data.prior_device, data.prior_device_detail,
                            data.prior_device_date, actor)

    code = tracking.generate(
        (household.head_name, household.citizen_id, household.phone, household.code, household.head_birth_year),
        is_taken=lambda c: session.scalar(select(Application.id).where(Application.tracking_code == c)) is not None,
    )
    app = Application(
        household_id=household.id, programme=programme, tracking_code=code, received_on=received_on,
        support_form=data.support_form, purchase_date=purchase,
        evidence_note=_clean(data.evidence_note) if data.support_form == "cash" else None,
        note=_clean(data.note), received_by_id=actor.id if actor is not None else None,
        state=State.received.value,
    )
    try:
        with session.begin_nested():
            session.add(app)
            session.flush()
    except IntegrityError:
        first = session.scalar(select(Application).where(Application.household_id == household.id,
                                                         Application.programme == programme))
        if first is not None:
            raise _duplicate(household, first) from None
        raise
    workflow.record_received(session, app, actor, at=at)
    audit.record(session, actor, "application.create", "application", app.id,
                 {"household_id": [None, household.id], "support_form": [None, app.support_form],
                  "received_on": [None, received_on], "purchase_date": [None, purchase]})
    return app


def intake_warnings(session: Session, application: Application) -> list[str]:
    """What the clerk must tell the household at intake because the eligibility check will not be
    able to decide without it (domain.md §2: a check that cannot decide names what is missing): a
    cash application without its purchase date (E5, run under the rule set in force on the day
    received; no rule set in force: nothing to say here, the check will say it). A warning, not a
    refusal: E5 asks that the household, on the approved list, bought its own phone since the
    cut-off, so it may bring the receipt later. Returns Vietnamese sentences, [] when none. Reads only."""
    if application.support_form != "cash" or application.purchase_date is not None:
        return []
    try:
        spec = rulesets.spec_of(rulesets.in_force(session, application.received_on))
    except ServiceError:
        return []
    facts = Facts(check_date=application.received_on, received_on=application.received_on,
                  support_form=application.support_form, purchase_date=application.purchase_date)
    e5 = rules.rule_e5(facts, spec)
    if e5.status != rules.UNKNOWN:
        return []
    return [f"Chưa xét được điều kiện E5: {e5.explanation} Hãy dặn hộ mang đến bổ sung: "
            f"{HOUSEHOLD_SUPPLIES[e5.fact]}; khi có, ghi ngày mua ở mục «Ghi ngày hộ mua điện thoại (E5)» của hồ "
            "sơ này (hệ thống kiểm tra lại ngay). Trang tra cứu của hộ cũng ghi việc cần bổ sung sau khi kiểm tra."]


#: Ended states a household's one application can be reopened from (→ received).
REOPENABLE = (State.withdrawn.value, State.refused.value)


def duplicate_message(household: Household, first: Application) -> str:
    """Why a second application is refused, and what to do: open the first one, or reopen it when
    it was withdrawn (clerk) or refused (approver). Source: domain.md §5."""
    head = (f"Hộ {household.head_name} đã có hồ sơ trong chương trình này (mã {tracking.display(first.tracking_code)}, "
            f"nhận ngày {first.received_on:%d/%m/%Y}).")
    if first.state == State.withdrawn.value:
        return (f"{head} Hồ sơ đó đã rút. Mỗi hộ chỉ có một hồ sơ: nếu hộ nộp lại, hãy mở hồ sơ đã có và bấm "
                "«Mở lại hồ sơ», ghi lý do (ví dụ: hộ nộp lại hồ sơ).")
    if first.state == State.refused.value:
        return (f"{head} Hồ sơ đó đã bị từ chối. Mỗi hộ chỉ có một hồ sơ: nếu cần xét lại, lãnh đạo phê duyệt mở "
                "hồ sơ đã có và bấm «Mở lại hồ sơ», ghi lý do.")
    return f"{head} Mỗi hộ chỉ nộp một hồ sơ: hãy mở hồ sơ đã có."


def _duplicate(household: Household, first: Application) -> DuplicateApplication:
    return DuplicateApplication(duplicate_message(household, first), first.id, first.tracking_code)


def set_purchase_date(session: Session, application: Application, purchase_date: dt.date,
                      evidence_note: str | None, actor: User | None, *, seen_version: int | None = None) -> None:
    """Record the day a cash applicant bought its phone (E5) and the evidence seen, while the
    application is still being checked (received / eligible / not eligible). Audited with old and
    new values. Raises ServiceError for a package application or a later state, FieldError
    (``purchase_date``) for a future date (Asia/Ho_Chi_Minh), StaleVersion when another changed
    them after ``seen_version`` (the application's version the page showed, services.versions;
    None: not checked)."""
    fields = ("purchase_date", "evidence_note", "support_form")
    application = versions.lock(session, Application, application.id, not_found="Không tìm thấy hồ sơ này.")
    versions.check_unchanged(session, "application", application.id, seen_version, fields=fields,
                             what=f"hồ sơ {tracking.display(application.tracking_code)}",
                             how="Hãy mở lại trang hồ sơ để xem ngày mua đang ghi.")
    if application.support_form != "cash":
        raise ServiceError("Ngày mua điện thoại chỉ ghi cho hồ sơ hỗ trợ bằng tiền.")
    if application.state not in CHECKABLE:
        raise ServiceError("Hồ sơ đã qua bước kiểm tra điều kiện; không sửa ngày mua được nữa.")
    check_not_future(purchase_date, "Ngày mua điện thoại", "purchase_date")
    fields = ("purchase_date", "evidence_note")
    before = audit.snapshot(application, fields)
    application.purchase_date = purchase_date
    if _clean(evidence_note):
        application.evidence_note = _clean(evidence_note)
    changes = audit.diff(before, audit.snapshot(application, fields))
    if changes:
        audit.record(session, actor, "application.purchase_date", "application", application.id, changes)
    session.flush()


# --------------------------------------------------------------------------------------------
# Checking eligibility
# --------------------------------------------------------------------------------------------


_TARGET = {rules.ELIGIBLE: State.eligible, rules.NOT_ELIGIBLE: State.not_eligible}


def _store_decision(session: Session, app: Application, rule_set: RuleSet, facts: Facts, decision: Decision,
                    actor: User | None, at: dt.datetime | None) -> EligibilityDecision:
    row = EligibilityDecision(
        application_id=app.id, rule_set_id=rule_set.id, outcome=decision.outcome,
        priority_tier=decision.tier, failed_rules=list(decision.failed),
        results=decision.results_as_dicts(),
        facts={**facts.to_dict(), "rule_set": decision.rule_set, "missing": list(decision.missing),
               "tier_id": decision.tier_id},
        decided_by_id=actor.id if actor is not None else None,
    )
    if at is not None:
        row.decided_at = at
    session.add(row)
    app.priority_tier = decision.tier
    target = _TARGET.get(decision.outcome)
    if target is not None and app.state != target.value:
        reason = None
        if decision.outcome == rules.NOT_ELIGIBLE:
            reason = "Không đạt điều kiện " + ", ".join(decision.failed)
        workflow.move(session, app, target, actor, reason, at=at)
    else:
        audit.record(session, actor, "application.check", "application", app.id,
                     {"outcome": [None, decision.outcome]}, note=rules.missing_summary(decision) or None)
    return row


def not_checkable_message(state: str) -> str:
    """Why an application in ``state`` (not in CHECKABLE) is not checked, and what the clerk can do
    about it where something can be done: take it off the proposal list, or reopen it."""
    label = STATE_LABELS.get(state, state)
    if state == State.proposed.value:
        return ("Hồ sơ đang trong danh sách đề nghị nên không kiểm tra lại điều kiện. Nếu cần kiểm tra lại, hãy "
                "đưa hồ sơ ra khỏi danh sách đề nghị trước.")
    if state in REOPEN_LABELS:
        return (f"Hồ sơ đang ở trạng thái «{label}» nên không kiểm tra điều kiện. Nếu hộ cần được xét lại, hồ sơ "
                f"phải được mở lại trước («{REOPEN_LABELS[state]}»).")
    return f"Hồ sơ đang ở trạng thái «{label}»: đã qua bước kiểm tra điều kiện nên không kiểm tra lại."


def check_eligibility(session: Session, application: Application, actor: User | None, *,
                      on: dt.date | None = None, rule_set: RuleSet | None = None,
                      at: dt.datetime | None = None) -> EligibilityDecision:
    """Check ``application`` under the rule set in force on ``on`` (default: today in Việt Nam) and
    store the decision: outcome, rule-set version, the facts used (a snapshot), who and when.

    eligible → state ``eligible``; not eligible → ``not_eligible`` (via workflow.move, clerk only);
    undecided (cannot decide) → the state does not change (no move leads back to ``received``)
    and the stored decision names what is missing. A re-check adds a new decision; old ones stay.
    Raises ServiceError when the application is past checking (proposed or later) or no rule set
    is in force; the workflow's errors (RoleNotAllowed …) for a role that may not check.
    Source: domain.md §2 (E1–E5).
    """
    if application.state not in CHECKABLE:
        raise ServiceError(not_checkable_message(application.state))
    on = on or today_vn()
    rule_set = rule_set or rulesets.in_force(session, on)
    facts = load_facts(session, application, on)
    decision = rules.decide(facts, rulesets.spec_of(rule_set))
    row = _store_decision(session, application, rule_set, facts, decision, actor, at)
    session.flush()
    return row


def check_many(session: Session, applications: Sequence[Application], actor: User | None, *,
               on: dt.date | None = None, rule_set: RuleSet | None = None) -> list[Decision]:
    """Check many applications at once: the same decisions, records and moves as
    check_eligibility on each, written in bulk — facts in a handful of queries, the decisions and
    the audit entries as multi-row INSERTs, the moves through workflow.move_many (transition table
    checked for all before anything changes). Applications not in a checkable state are skipped.
    Returns the engine's Decision of each application checked, in order. Raises like
    check_eligibility (no rule set in force; RoleNotAllowed for a role that may not check)."""
    on = on or today_vn()
    rule_set = rule_set or rulesets.in_force(session, on)
    spec = rulesets.spec_of(rule_set)
    apps = [a for a in applications if a.state in CHECKABLE]
    facts = load_facts_bulk(session, apps, on)
    at = dt.datetime.now(dt.timezone.utc)
    actor_id = actor.id if actor is not None else None
    decisions, rows, moves, checks = [], [], [], []
    by_tier: dict[int | None, list[Application]] = {}
    for a in apps:
        f = facts[a.id]
        d = rules.decide(f, spec)
        decisions.append(d)
        rows.append({"application_id": a.id, "commune_id": a.commune_id, "rule_set_id": rule_set.id,
                     "outcome": d.outcome,
                     "priority_tier": d.tier, "failed_rules": list(d.failed), "results": d.results_as_dicts(),
                     "facts": {**f.to_dict(), "rule_set": d.rule_set, "missing": list(d.missing), "tier_id": d.tier_id},
                     "decided_by_id": actor_id, "decided_at": at})
        by_tier.setdefault(d.tier, []).append(a)
        target = _TARGET.get(d.outcome)
        if target is not None and a.state != target.value:
            reason = "Không đạt điều kiện " + ", ".join(d.failed) if d.outcome == rules.NOT_ELIGIBLE else None
            moves.append((a, target, reason))
        else:
            checks.append({"at": at, "actor_id": actor_id, "action": "application.check", "entity_type": "application",
                           "entity_id": a.id, "commune_id": a.commune_id, "changes": {"outcome": [None, d.outcome]},
                           "note": rules.missing_summary(d) or None})
    workflow.move_many(session, moves, actor, at=at)
    for tier, group in by_tier.items():  # one UPDATE per tier, not one per application
        session.execute(update(Application).where(Application.id.in_([a.id for a in group]))
                        .values(priority_tier=tier).execution_options(synchronize_session=False))
        for a in group:
            set_committed_value(a, "priority_tier", tier)
    workflow.insert_rows(session, EligibilityDecision, rows)
    workflow.insert_rows(session, AuditEntry, checks)
    session.flush()
    return decisions


def decisions_of(session: Session, application: Application) -> list[EligibilityDecision]:
    """Every stored decision of ``application``, newest first."""
    return list(session.scalars(select(EligibilityDecision)
                                .where(EligibilityDecision.application_id == application.id)
                                .order_by(EligibilityDecision.id.desc())))


def latest_decision(session: Session, application: Application) -> EligibilityDecision | None:
    """The newest stored decision of ``application``, or None before its first check."""
    return session.scalar(select(EligibilityDecision).where(EligibilityDecision.application_id == application.id)
                          .order_by(EligibilityDecision.id.desc()).limit(1))


# --------------------------------------------------------------------------------------------
# Withdraw, refuse
# --------------------------------------------------------------------------------------------


def _end(session: Session, app: Application, target: State, reason: str, actor: User | None) -> None:
    from subsidy.services import lists

    workflow.move(session, app, target, actor, reason)
    # Off a draft list (its entry marked removed, with why): its place is free for the next
    # household on the waiting list. An approved list keeps it (its entries are frozen).
    lists.leave_draft(session, app, f"{STATE_LABELS[target.value]}: {reason.strip()}", actor)
    session.flush()


def withdraw(session: Session, application: Application, reason: str, actor: User | None) -> None:
    """Withdraw an application at the household's request (any state before handover; clerk or
    approver; a reason is required). Taken off a draft proposal list (its entry marked removed,
    reason "Đã rút hồ sơ: <reason>"), which frees a place for the waiting list
    (lists.promote_waiting); an approved list keeps its frozen row. Raises the workflow's
    errors. Source: domain.md §5."""
    _end(session, application, State.withdrawn, reason, actor)


def refuse(session: Session, application: Application, reason: str, actor: User | None) -> None:
    """Refuse an application (approver; any state before handover; a reason is required). Like
    withdraw, it frees the place it held on a draft list. Source: domain.md §5."""
    _end(session, application, State.refused, reason, actor)


def reopen(session: Session, application: Application, reason: str, actor: User | None) -> None:
    """Reopen a withdrawn or refused application (→ received): withdrawn by a clerk (the household
    applies again, e.g. "hộ nộp lại hồ sơ"), refused by an approver (the refusal is reconsidered);
    a reason is required either way. The household keeps its one application (and tracking code)
    in the programme; it must be checked again, so its current list (Application.proposal_list_id)
    is cleared (a withdrawal or refusal after approval left it pointing at the approved list) and
    it joins the waiting list only when a new check finds it eligible. The approved list's own
    record (its frozen ProposalListEntry) is not touched: the list as approved still names it.
    The date received does not change. Audited (the move, and the list it leaves). Raises the workflow's errors (IllegalTransition
    from any other state, RoleNotAllowed, ReasonRequired) and ServiceError for an archived
    household. Source: domain.md §5 (one application per household).
    """
    if application.household is not None and application.household.archived:
        raise ServiceError(f"Hộ {application.household.head_name} đã được lưu trữ; hãy khôi phục hộ trước khi mở lại hồ sơ.")
    from subsidy.services import lists

    old_list = application.proposal_list_id
    workflow.move(session, application, State.received, actor, reason)
    if old_list is not None:
        # A draft list's entry is marked removed; an approved list's frozen entry stays as approved.
        lists.leave_draft(session, application, reason, actor)
        application.proposal_list_id = None
        audit.record(session, actor, "application.reopen_list", "application", application.id,
                     {"proposal_list_id": [old_list, None]}, note=reason)
    session.flush()


# The queue's queries live in services.application_queue; the callers name them from here.
from subsidy.services.application_queue import (  # noqa: E402,F401
    PRIORITY_QUEUES, Queue, SearchedHouseholds, application_query, counts_by_state, needs_household, queue,
    searched_households, with_household,
)
