"""Approving a proposal list (decision number, date, approving body) and correcting that
decision afterwards, with every check of the three facts (see the package docstring)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from subsidy.domain import decisions, tracking
from subsidy.domain.calendar import local_date, today_vn
from subsidy.domain.workflow import State
from subsidy.domain.scope import APPROVAL_COMMUNE, APPROVAL_PROVINCE
from subsidy.models import Application, AuditEntry, Commune, ProposalList, ProposalListEntry, Receipt, User
from subsidy.models.scoping import ALL_COMMUNES
from subsidy.domain.stale import list_changed_message, parse_shown_ids, shown_ids_text
from subsidy.services import audit, versions, workflow
from subsidy.services.versions import StaleVersion
from subsidy.services.errors import InvalidFields, ServiceError
from subsidy.services.lists.drafting import LIST_SYMBOL, applications_on, next_number
from subsidy.services.lists.entries import freeze


def approving_level(session: Session, proposal_list: ProposalList) -> str:
    """Who approves this list: "commune" (the commune's leadership) or "province" (the
    commune's approval_level; domain.md §5)."""
    return session.scalar(select(Commune.approval_level).where(Commune.id == proposal_list.commune_id),
                          execution_options={ALL_COMMUNES: True}) or APPROVAL_COMMUNE


def check_approving_level(session: Session, proposal_list: ProposalList, actor: User | None) -> None:
    """Refuse (ServiceError) an approver of the other level: a commune approver where the province
    approves the commune's lists, a province approver where the commune does."""
    if actor is None:
        return
    level = approving_level(session, proposal_list)
    if level == APPROVAL_PROVINCE and actor.role == "approver":
        raise ServiceError("Danh sách của xã này do tỉnh phê duyệt: lãnh đạo tỉnh (vai trò province_approver) "
                           "ghi quyết định phê duyệt.")
    if level == APPROVAL_COMMUNE and actor.role == "province_approver":
        raise ServiceError("Danh sách của xã này do lãnh đạo xã phê duyệt, không phải tỉnh.")


def approval_seen(session: Session, proposal_list: ProposalList) -> str:
    """What the approval form carries of the list its page shows: the ids of the applications an
    approval now would approve (still proposed on it), as domain.stale.shown_ids_text writes
    them ("12,15"); :func:`approve_list` compares them with the list as it is then."""
    return shown_ids_text([a.id for a in applications_on(session, proposal_list) if a.state == State.proposed.value])


def _check_seen(proposal_list: ProposalList, apps: list[Application], seen: str | None,
                shown: list[Application]) -> None:
    """Refuse (StaleVersion) an approval whose page showed other applications than ``apps`` (the
    ones it would approve now): one taken off by a correction or withdrawn, one added since. The
    names are the tracking codes and heads of household (``shown``: the applications the page
    listed that are still in the Session, or looked up by the caller)."""
    if seen is None:
        return
    before = set(parse_shown_ids(seen) or ())
    now = {a.id for a in apps}
    if before == now:
        return
    named = {a.id: f"{tracking.display(a.tracking_code)} – hộ {a.household.head_name}" for a in [*apps, *shown]}
    removed = [named.get(i, f"hồ sơ số {i}") for i in sorted(before - now)]
    added = [named[i] for i in sorted(now - before)]
    raise StaleVersion(list_changed_message(
        proposal_list.number, added, removed,
        "Hãy mở lại trang danh sách (và in lại bản danh sách nếu đã in) để xem các hồ sơ đang có, rồi ghi phê duyệt."))


def approve_list(session: Session, proposal_list: ProposalList, decision_number: str, decision_date: dt.date,
                 approving_body: str, actor: User | None, *, at: dt.datetime | None = None,
                 symbol: str = LIST_SYMBOL, seen: str | None = None) -> list[Application]:
    """Record the approval of a whole list (submitted, or a draft: numbered then, its ký hiệu
    ``symbol``, see drafting.next_number): decision number, date and approving body; every
    application still proposed on it moves to ``approved`` (approver only; the workflow decides),
    and the list's entries are frozen in priority order (``position`` = the STT printed, with the
    printed row as it stands now): from then on the approved list's page and documents come from
    those entries only (see ``list_document``).

    The three facts are checked and normalised by subsidy.domain.decisions.check_decision: the
    number as Nghị định 30/2020/NĐ-CP writes it ("số 12 / qđ-ubnd" is stored "12/QĐ-UBND",
    "<script>…" is refused), the body as plain text, the date not in the future nor before the
    list was made.

    Raises ServiceError for a list already approved or an empty list; InvalidDecision (a
    ServiceError; ``field_errors`` per form field) for a wrong number, date or body, or a number
    another list of the commune holds that year (also when it was recorded meanwhile: the database
    keeps one, _decision_written). Nothing is written when it raises. Source:
    domain.md §5 (E3: on a list approved by the competent authority).

    ``seen``: the applications the approver's page showed (:func:`approval_seen`); when the list
    holds others now (a clerk's correction took one off, another was added), the approval is
    refused with StaleVersion naming them (None: not compared). The list's row is locked first
    (services.versions.lock), and a correction taking an application off locks it too, so the two
    cannot cross.
    """
    proposal_list = versions.lock(session, ProposalList, proposal_list.id,
                                  not_found="Không tìm thấy danh sách đề nghị này.")
    if proposal_list.status == "approved":
        raise ServiceError(f"Danh sách {proposal_list.number} đã được phê duyệt rồi "
                           f"({decisions.citation(proposal_list.decision_number)}).")
    if proposal_list.status == "cancelled":
        raise ServiceError(f"Danh sách {proposal_list.number} đã hủy; không phê duyệt được.")
    check_approving_level(session, proposal_list, actor)
    decision, _reason, errors = _decision_checks(session, proposal_list, decision_number, decision_date,
                                                 approving_body, today=today_vn())
    if errors:
        raise InvalidDecision(errors)
    assert decision is not None
    decision_number, decision_date, approving_body = decision.number, decision.date, decision.body
    apps = [a for a in applications_on(session, proposal_list) if a.state == State.proposed.value]
    if seen is not None:
        gone = set(parse_shown_ids(seen) or ()) - {a.id for a in apps}
        _check_seen(proposal_list, apps, seen, list(session.scalars(
            select(Application).options(joinedload(Application.household)).where(Application.id.in_(gone)))))
    if not apps:
        raise ServiceError("Danh sách không còn hồ sơ nào để phê duyệt.")
    reason = decision.citation
    with _decision_written(session, proposal_list, decision):
        for app in apps:
            workflow.move(session, app, State.approved, actor, reason, at=at)
        old_status = proposal_list.status
        if proposal_list.register_number is None:
            # Approved straight from a draft (the decision taken on paper): numbered now, as at submission.
            proposal_list.register_number = next_number(session, symbol, commune_id=proposal_list.commune_id)
        proposal_list.status = "approved"
        proposal_list.approved_by_id = actor.id if actor is not None else None
        proposal_list.approved_at = at or dt.datetime.now(dt.timezone.utc)
        freeze(session, proposal_list, apps, actor)
        audit.record(session, actor, "proposal_list.approve", "proposal_list", proposal_list.id,
                     {"status": [old_status, "approved"], "decision_number": [None, decision_number],
                      "decision_date": [None, decision_date], "approving_body": [None, approving_body],
                      "applications": [None, len(apps)]})
    return apps


def _number_taken(session: Session, proposal_list: ProposalList, number: str, year: int) -> str | None:
    """Rule R5-QĐ (Nghị định 30/2020/NĐ-CP, Điều 15: a document's number runs per issuing body
    and year): the message when another list of the same commune already carries ``number`` (as
    normalize_decision_number returns it) with a decision date in calendar year ``year``, else
    None. Numbers are the same when they differ only in the order number's leading zeros
    ("012/QĐ-UBND" and "12/QĐ-UBND": decisions.same_number_key); the message quotes the other
    list's number as stored. Reads only (the commune's decisions of that year, any state: a
    handful a year)."""
    key = decisions.same_number_key(number)
    others = session.scalars(select(ProposalList).where(
        ProposalList.commune_id == proposal_list.commune_id, ProposalList.id != proposal_list.id,
        ProposalList.decision_number.is_not(None),
        ProposalList.decision_date >= dt.date(year, 1, 1), ProposalList.decision_date <= dt.date(year, 12, 31),
    ).order_by(ProposalList.id), execution_options={ALL_COMMUNES: True})
    other = next((o for o in others if decisions.same_number_key(o.decision_number) == key), None)
    if other is None:
        return None
    written = "" if other.decision_number == number else f", ghi là {other.decision_number}"
    return (f"Số quyết định {number} năm {year} đã được ghi cho danh sách {other.number} "
            f"(ngày {other.decision_date:%d/%m/%Y}{written}). Mỗi quyết định của xã có một số riêng trong năm: hãy "
            "kiểm tra lại số in trên quyết định phê duyệt danh sách này.")


@contextmanager
def _decision_written(session: Session, proposal_list: ProposalList, decision: decisions.Decision) -> Iterator[None]:
    """Write ``decision`` (number, date, body) on ``proposal_list`` with its register key
    (decisions.register_key), then run the block, all in one savepoint flushed at its end: an
    error anywhere leaves nothing of it written and the session usable. The database keeps the
    key unique per commune (uq_proposal_lists_decision), which also holds when another request
    recorded the same number after _number_taken looked: that comes out as InvalidDecision under
    "decision_number" with _number_taken's message."""
    try:
        with session.begin_nested():
            proposal_list.decision_number = decision.number
            proposal_list.decision_date = decision.date
            proposal_list.approving_body = decision.body
            proposal_list.decision_key = decisions.register_key(decision.number, decision.date)
            session.flush()
            yield
            session.flush()
    except IntegrityError:
        taken = _number_taken(session, proposal_list, decision.number, decision.date.year)
        if taken is None:
            raise
        raise InvalidDecision({"decision_number": taken}) from None


class InvalidDecision(InvalidFields):
    """The decision number, date or approving body of an approval (or of its correction, and its
    reason) is wrong. ``field_errors`` maps each wrong form field ("decision_number",
    "decision_date", "approving_body", "reason") to its Vietnamese message, in form order;
    ``field`` is the first of them and ``str(err)`` joins them all. Nothing was saved."""

    def __init__(self, field_errors: dict[str, str]):
        super().__init__(field_errors)
        self.field = next(iter(self.field_errors))


def _reason_error(reason: str | None) -> tuple[str, str | None]:
    """The reason of a correction on one line, and what is wrong with it (None if nothing)."""
    reason = " ".join((reason or "").split())
    if not reason:
        return reason, "Hãy ghi rõ lý do sửa (ví dụ: gõ nhầm số quyết định, đúng là số in trên quyết định)."
    if len(reason) > 1000:
        return reason, f"Lý do sửa dài {len(reason)} ký tự, quá 1000 ký tự: hãy viết ngắn lại."
    return reason, None


def _recorded_on(proposal_list: ProposalList, today: dt.date) -> dt.date:
    """The day (Asia/Ho_Chi_Minh) the approval of ``proposal_list`` was entered; ``today`` if unknown."""
    approved_at = proposal_list.approved_at
    if approved_at is None:
        return today
    if approved_at.tzinfo is None:
        approved_at = approved_at.replace(tzinfo=dt.timezone.utc)
    return local_date(approved_at)


def _decision_checks(session: Session, proposal_list: ProposalList, number: str | None, day: dt.date | None,
                     body: str | None, *, today: dt.date, correction: bool = False, reason: str | None = None,
                     ) -> tuple[decisions.Decision | None, str, dict[str, str]]:
    """Every check of an approval of ``proposal_list`` (``correction=False``) or of a correction
    of it (``correction=True``: the date also not after the day the approval was recorded, and
    ``reason`` checked): (the checked decision or None, the reason on one line, {form field:
    Vietnamese message} in form order, empty when every value is right). A number another list
    of the commune carries that year (_number_taken) is told whenever the number and the date are
    right themselves, whatever else is wrong, so one submit shows it with the other mistakes.
    Saves and locks nothing."""
    decision: decisions.Decision | None = None
    errors: dict[str, str] = {}
    try:
        decision = decisions.check_decision(number, day, body, list_created_on=proposal_list.created_on, today=today,
                                            recorded_on=_recorded_on(proposal_list, today) if correction else None)
    except decisions.DecisionFieldsError as err:
        errors = dict(err.errors)
    if "decision_number" not in errors and "decision_date" not in errors and day is not None:
        taken = _number_taken(session, proposal_list, decisions.normalize_decision_number(number), day.year)
        if taken:
            errors = {"decision_number": taken, **errors}
    reason, wrong_reason = _reason_error(reason) if correction else ("", None)
    if wrong_reason:
        errors["reason"] = wrong_reason
    return decision, reason, errors


def decision_field_errors(session: Session, proposal_list: ProposalList, decision_number: str | None,
                          decision_date: dt.date | None, approving_body: str | None, reason: str | None = None, *,
                          correction: bool = False, today: dt.date | None = None) -> dict[str, str]:
    """What approve_list (``correction=False``) or correct_decision (``correction=True``, with
    ``reason``) would say about each field, a number already taken included, without saving or
    locking anything: {form field: Vietnamese message}, empty when every value is right. For a
    view whose form refused some fields itself, so the others' mistakes show after the same
    submit."""
    return _decision_checks(session, proposal_list, decision_number, decision_date, approving_body,
                            today=today or today_vn(), correction=correction, reason=reason)[2]


#: The facts of an approval a correction may change, in the order the audit entry lists them.
DECISION_FIELDS = ("decision_number", "decision_date", "approving_body")


def correct_decision(session: Session, proposal_list: ProposalList, decision_number: str, decision_date: dt.date,
                     approving_body: str, reason: str, actor: User | None, *,
                     today: dt.date | None = None, seen_version: int | None = None) -> dict[str, list[Any]]:
    """Correct the decision number, date and/or approving body of an approved list (a number or
    date typed wrong at approval), approver only, with a written reason.

    The new values are checked as at approval (subsidy.domain.decisions.check_decision); the
    date may also not be after the day the approval was recorded (``approved_at``, Asia/Ho_Chi_Minh).
    Only ``proposal_lists`` changes: the frozen entries, the applications' states and their
    history (the approval event's reason keeps the number as it was then) are untouched. The
    list's page and every document built afterwards (list PDF/XLSX, receipts issued from now on)
    print the corrected values; a receipt already issued keeps its stored snapshot, and a reprint
    of it prints what it printed before.

    Audited as "proposal_list.correct_decision" with {field: [old, new]} for the fields that
    changed and the reason as note. Returns those changes.

    Raises ServiceError for a role other than approver, a list not approved or no change at all;
    InvalidDecision with every wrong field at once (a wrong number, date or body, an empty
    reason or one over 1000 characters, under "reason"). The list
    row is locked (SELECT … FOR UPDATE on PostgreSQL) so two corrections at once are applied one
    after the other, each audited with the values it replaced; with ``seen_version`` (the list's
    version its page showed, services.versions) the later of two corrections sent from the same
    page is refused instead (StaleVersion: who changed which fact when), so it does not put back
    what the first one corrected. Source: domain.md §5 (each step records who did it and when;
    nothing is deleted).
    """
    if actor is None or actor.role != "approver":
        raise ServiceError("Chỉ lãnh đạo phê duyệt (vai trò approver) được sửa số, ngày hoặc cơ quan của quyết định "
                           "phê duyệt danh sách.")
    session.refresh(proposal_list, with_for_update=True)  # the values replaced are the ones stored now
    if proposal_list.status != "approved":
        raise ServiceError(f"Danh sách {proposal_list.number} chưa được phê duyệt: chưa có quyết định để sửa. "
                           "Hãy ghi nhận phê duyệt với số, ngày và cơ quan đúng.")
    decision, reason, errors = _decision_checks(session, proposal_list, decision_number, decision_date,
                                                approving_body, today=today or today_vn(), correction=True,
                                                reason=reason)
    if errors:
        raise InvalidDecision(errors)
    assert decision is not None
    versions.check_unchanged(
        session, "proposal_list", proposal_list.id, seen_version, fields=DECISION_FIELDS,
        what=f"quyết định phê duyệt danh sách {proposal_list.number}",
        how="Hãy mở lại trang danh sách để xem quyết định đang ghi, rồi sửa lại nếu vẫn cần.")
    before = {f: getattr(proposal_list, f) for f in DECISION_FIELDS}
    after = {"decision_number": decision.number, "decision_date": decision.date, "approving_body": decision.body}
    changes = {f: [before[f], after[f]] for f in DECISION_FIELDS if before[f] != after[f]}
    if not changes:
        raise ServiceError("Các giá trị mới giống hệt quyết định đang ghi: không có gì để sửa. "
                           "Hãy sửa số, ngày hoặc cơ quan phê duyệt.")
    with _decision_written(session, proposal_list, decision):
        audit.record(session, actor, "proposal_list.correct_decision", "proposal_list", proposal_list.id,
                     changes, note=reason)
    return changes


DECISION_FIELD_LABELS = {"decision_number": "Số quyết định", "decision_date": "Ngày quyết định",
                         "approving_body": "Cơ quan phê duyệt"}


@dataclass(frozen=True)
class DecisionCorrection:
    """One correction of a list's decision, for its page: ``changes`` = (label, old, new) per field
    changed, dates dd/mm/yyyy; ``actor`` = the approver's full name (or username)."""

    at: dt.datetime
    actor: str
    changes: tuple[tuple[str, str, str], ...]
    reason: str


def shown_value(field: str, value: Any) -> str:
    """A decision field's value as a page shows it: a date (object or ISO text, as the audit log
    keeps it) dd/mm/yyyy, None as ""."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if field == "decision_date":
        try:
            return f"{dt.date.fromisoformat(str(value)):%d/%m/%Y}"
        except ValueError:
            return str(value)
    return str(value)


def decision_corrections(session: Session, proposal_list: ProposalList) -> list[DecisionCorrection]:
    """The corrections of ``proposal_list``'s decision, oldest first, from the audit log (entries
    "proposal_list.correct_decision"): what each changed, who, when, why."""
    entries = session.scalars(
        select(AuditEntry).options(joinedload(AuditEntry.actor))
        .where(AuditEntry.entity_type == "proposal_list", AuditEntry.entity_id == proposal_list.id,
               AuditEntry.action == "proposal_list.correct_decision")
        .order_by(AuditEntry.id))
    out = []
    for e in entries:
        changes = tuple((DECISION_FIELD_LABELS[f], shown_value(f, e.changes[f][0]), shown_value(f, e.changes[f][1]))
                        for f in DECISION_FIELDS if f in (e.changes or {}))
        who = ((e.actor.full_name or "").strip() or e.actor.username) if e.actor is not None else ""
        out.append(DecisionCorrection(e.at, who, changes, e.note or ""))
    return out


def receipts_issued(session: Session, proposal_list: ProposalList) -> int:
    """How many receipts (biên bản bàn giao, giấy biên nhận; void ones excluded) were issued for
    the applications of an approved list: they keep the decision they printed (their snapshot)
    whatever is corrected afterwards. 0 for a draft."""
    return session.scalar(
        select(func.count()).select_from(Receipt)
        .join(ProposalListEntry, ProposalListEntry.application_id == Receipt.application_id)
        .where(ProposalListEntry.proposal_list_id == proposal_list.id, ProposalListEntry.frozen_at.is_not(None),
               Receipt.voided_at.is_(None))) or 0
