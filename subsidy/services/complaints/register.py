"""Recording a complaint, petition or denunciation, moving it through its life, and recording a
second complaint linked to the first (Luật Khiếu nại 2011; Luật Tiếp công dân 2013; Luật Tố cáo
2018; the state table of domain/complaints/states.py).

Every function takes (session, …, actor), flushes and never commits: the view or API commits once.
Every change writes a ComplaintEvent (the case's history) and an audit entry ``complaint.<move>``
with the old and new values.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.domain import vn
from subsidy.domain.calendar import (after_today_message, before_message, date_range_message, local_date,
                                     local_midnight, today_vn)
from subsidy.domain.complaints import deadlines as dl
from subsidy.domain.complaints import states as st
from subsidy.domain.labels import (
    COMPLAINT_CATEGORY_LABELS, COMPLAINT_CHANNEL_LABELS, COMPLAINT_FILER_LABELS, REFUSAL_REASON_LABELS, staff_label,
)
from subsidy.domain.scope import APPROVAL_COMMUNE, NAMEABLE_COMMUNE_ROLES, PROVINCE_ROLES, may_be_named
from subsidy.models import Application, Commune, Complaint, ComplaintEvent, Household, ProposalList, Receipt, User
from subsidy.models.scoping import ALL_COMMUNES, default_commune_id
from subsidy.services import audit, instance_settings
from subsidy.services.complaints.deadlines import dates_of, decision_overdue, working_calendar
from subsidy.services.errors import FieldError, InvalidFields, NotFound, ServiceError

#: The fields an audit entry of a new case records.
RECORDED_FIELDS = ("case_number", "kind", "filer", "channel", "category", "received_on", "contested_on", "level",
                   "household_id", "application_id", "receipt_id", "named_user_id", "appeal_of_id", "state")


class NamedPersonMayNotHandle(ServiceError):
    """The staff member a denunciation names tried to record or handle it (Luật Tố cáo 2018)."""


@dataclass
class CaseInput:
    """What the intake form carries. ``kind``: complaint | petition | denunciation; ``filer``:
    head | member | representative | anonymous (``filer_name`` for a member or representative);
    ``channel``, ``category``: keys of the labels in domain/labels/complaints.py; ``contested_on``:
    the day of the contested decision or act (a complaint's filing window runs from it);
    ``household_id`` (None only for an anonymous case), ``application_id``, ``receipt_id``
    (optional, of that household); ``named_user_id``: the staff account a denunciation names."""

    kind: str
    filer: str
    channel: str
    category: str
    text: str
    received_on: dt.date | None = None
    household_id: int | None = None
    application_id: int | None = None
    receipt_id: int | None = None
    filer_name: str | None = None
    attachments_note: str | None = None
    contested_on: dt.date | None = None
    complex_case: bool = False
    remote: bool = False
    named_user_id: int | None = None


def get(session: Session, complaint_id: int) -> Complaint:
    """The case ``complaint_id`` (within the Session's commune); raises NotFound."""
    c = session.get(Complaint, complaint_id)
    if c is None:
        raise NotFound("Không tìm thấy đơn này (có thể thuộc xã khác hoặc đã bị xóa).")
    return c


def _province_approved(session: Session, application: Application | None) -> bool:
    """Whether the list the application was approved on was approved by the province."""
    if application is None or application.proposal_list_id is None:
        return False
    row = session.execute(select(ProposalList.status, User.role)
                          .join(User, User.id == ProposalList.approved_by_id, isouter=True)
                          .where(ProposalList.id == application.proposal_list_id)).first()
    return bool(row and row[0] == "approved" and row[1] == "province_approver")


def _next_number(session: Session, commune_id: int, year: int) -> str:
    """The next case number of the commune in ``year``: «007/2026» (gapless while no case is
    deleted; the unique constraint refuses a duplicate from a concurrent intake)."""
    n = session.scalar(select(func.count()).select_from(Complaint).where(
        Complaint.commune_id == commune_id, Complaint.case_number.like(f"%/{year}")),
        execution_options={ALL_COMMUNES: True}) or 0
    return f"{n + 1:03d}/{year}"


def _validate(session: Session, data: CaseInput, today: dt.date) -> tuple[dict[str, str], Household | None,
                                                                         Application | None]:
    errors: dict[str, str] = {}
    if data.kind not in st.KINDS:
        errors["kind"] = "Chọn loại đơn: khiếu nại, kiến nghị phản ánh, hoặc tố cáo."
    if data.filer not in COMPLAINT_FILER_LABELS:
        errors["filer"] = "Chọn người gửi đơn: chủ hộ, thành viên hộ, người đại diện hoặc nặc danh."
    if data.channel not in COMPLAINT_CHANNEL_LABELS:
        errors["channel"] = "Chọn cách tiếp nhận: trực tiếp, đơn thư, điện thoại hoặc đường dây nóng."
    if data.category not in COMPLAINT_CATEGORY_LABELS:
        errors["category"] = "Chọn nội dung đơn trong danh sách."
    elif data.category == "staff_conduct" and data.kind != "denunciation":
        errors["kind"] = ("Đơn về hành vi của cán bộ là đơn tố cáo (Luật Tố cáo 2018): chọn loại «Tố cáo», "
                          "hoặc chọn nội dung khác.")
    if not (data.text or "").strip():
        errors["text"] = "Ghi nội dung đơn (tóm tắt điều người dân khiếu nại, kiến nghị hoặc tố cáo)."
    try:  # printed on the notices: the one rule of people's names
        filer_name = vn.normalize_optional_name(data.filer_name)
    except vn.VnValueError as err:
        errors["filer_name"] = f"Họ tên người gửi: {err}"
    else:
        if data.filer in ("member", "representative") and not filer_name:
            errors["filer_name"] = "Ghi họ tên người gửi đơn (thành viên hộ hoặc người đại diện)."
    received = data.received_on or today
    future = after_today_message(received, "Ngày nhận đơn", today)
    if future:
        errors["received_on"] = future
    if data.contested_on is not None and data.contested_on > received:
        errors["contested_on"] = "Ngày của quyết định, hành vi bị khiếu nại phải trước hoặc bằng ngày nhận đơn."
    if data.kind == "complaint" and data.filer != "anonymous" and data.contested_on is None:
        filing_days = dl.rulebook_for(received).rule("filing").days
        errors["contested_on"] = ("Ghi ngày nhận được hoặc biết được quyết định, hành vi bị khiếu nại "
                                  f"(thời hiệu {filing_days} ngày tính từ ngày này).")
    if data.named_user_id is not None and data.kind != "denunciation":
        errors["named_user_id"] = "Chỉ đơn tố cáo mới nêu tên cán bộ bị tố cáo."
    household = application = None
    if data.household_id is not None:
        household = session.get(Household, data.household_id)
        if household is None:
            errors["household_id"] = "Không tìm thấy hộ gia đình này trong danh sách của xã."
    elif data.filer != "anonymous":
        errors["household_id"] = "Chọn hộ gia đình gửi đơn (chỉ đơn nặc danh mới không gắn với hộ)."
    if data.application_id is not None:
        application = session.get(Application, data.application_id)
        if application is None or (household is not None and application.household_id != household.id):
            errors["application_id"] = "Hồ sơ được chọn không phải của hộ này."
    if data.receipt_id is not None:
        receipt = session.get(Receipt, data.receipt_id)
        if receipt is None or application is None or receipt.application_id != application.id:
            errors["receipt_id"] = "Biên bản được chọn không thuộc hồ sơ của hộ này."
    if data.named_user_id is not None and "named_user_id" not in errors:
        named = session.get(User, data.named_user_id)
        # An account outside the commune's staff gets the same answer as an unknown id: naming it
        # (name, username, role) would let any clerk enumerate every account by trying ids.
        unknown = ("Không có cán bộ này trong danh sách cán bộ có thể bị tố cáo của xã (công chức, lãnh đạo "
                   "của xã hoặc cán bộ tỉnh phụ trách xã, đang hoạt động): hãy chọn lại trong danh sách "
                   "«Cán bộ bị tố cáo».")
        if named is None:
            errors["named_user_id"] = unknown
        elif "household_id" not in errors:
            commune_id = household.commune_id if household is not None else default_commune_id(session)
            if not _nameable(session, named, commune_id):
                errors["named_user_id"] = unknown
    return errors, household, application


def _nameable(session: Session, user: User, commune_id: int | None) -> bool:
    """Whether ``user`` may be named by a denunciation of commune ``commune_id``: an active account
    domain.scope.may_be_named admits (the commune's approval level read from its row)."""
    commune = session.get(Commune, commune_id) if commune_id is not None else None
    level = commune.approval_level if commune is not None else APPROVAL_COMMUNE
    return bool(user.active) and may_be_named(user.role, user.commune_id, commune_id, level)


def _event(session: Session, c: Complaint, old: str | None, new: str, actor: User | None, reason: str | None,
           at: dt.datetime) -> ComplaintEvent:
    event = ComplaintEvent(complaint_id=c.id, from_state=old, to_state=new,
                           actor_id=actor.id if actor is not None else None, at=at, reason=reason or None)
    session.add(event)
    return event


def record_case(session: Session, data: CaseInput, actor: User | None, today: dt.date | None = None, *,
                level: str | None = None, appeal_of_id: int | None = None) -> Complaint:
    """Record a new case (state "received"; an anonymous one "filed": recorded, not processed —
    Luật Khiếu nại 2011, Điều 8; Luật Tố cáo 2018, Điều 25). Its level: the commune's, or the
    province's for a complaint about a list the province approved (or in a commune whose lists
    the province approves); its commune: the household's. ``today``: the business date (default
    today in Việt Nam). Raises InvalidFields (Vietnamese, per form field) and
    NamedPersonMayNotHandle. A complaint received after its filing window is still recorded (a
    legitimate reason may excuse it, Điều 9); its page shows the window as missed, and the clerk
    may refuse it for Điều 11 khoản 5. ``level`` and ``appeal_of_id``: set by :func:`appeal` for
    a second complaint."""
    today = today or today_vn()
    errors, household, application = _validate(session, data, today)
    if errors:
        raise InvalidFields(errors)
    if actor is not None and data.named_user_id is not None and actor.id == data.named_user_id:
        raise NamedPersonMayNotHandle("Cán bộ bị tố cáo không được tiếp nhận, xử lý đơn tố cáo về mình "
                                      "(Luật Tố cáo 2018): nhờ cán bộ khác ghi đơn này.")
    received = data.received_on or today
    commune_id = household.commune_id if household is not None else default_commune_id(session)
    if level is None and data.kind == "complaint":
        commune = session.get(Commune, commune_id)
        level = st.first_level(commune.approval_level if commune else "commune",
                               _province_approved(session, application))
    level = level or "commune"
    anonymous = data.filer == "anonymous"
    now = utcnow()
    c = Complaint(
        commune_id=commune_id, case_number=_next_number(session, commune_id, received.year), kind=data.kind,
        household_id=data.household_id, application_id=data.application_id, receipt_id=data.receipt_id,
        filer=data.filer, filer_name=vn.normalize_optional_name(data.filer_name) or None, channel=data.channel,
        category=data.category, text=data.text.strip(), attachments_note=(data.attachments_note or "").strip() or None,
        contested_on=data.contested_on, received_on=received, level=level, complex_case=data.complex_case,
        remote=data.remote, state="filed" if anonymous else "received", state_changed_at=now,
        named_user_id=data.named_user_id, appeal_of_id=appeal_of_id, recorded_by_id=actor.id if actor is not None else None,
    )
    session.add(c)
    session.flush()
    _event(session, c, None, c.state, actor, "Đơn nặc danh: lưu, không xử lý" if anonymous else None, now)
    recorded = audit.snapshot(c, RECORDED_FIELDS)
    recorded["case_kind"] = recorded.pop("kind")  # "kind" names a job's kind in the log's words
    audit.record(session, actor, "complaint.record", "complaint", c.id, recorded)
    return c


def move_case(session: Session, c: Complaint, target: str, actor: User, *, reason: str | None = None,
              outcome: str | None = None, refusal_reason: str | None = None, on: dt.date | None = None,
              today: dt.date | None = None) -> ComplaintEvent:
    """Move case ``c`` to ``target`` as ``actor`` on the business date ``on`` (default today):
    accept (sets accepted_on), refuse (a legal reason of Luật Khiếu nại 2011 Điều 11 in
    ``refusal_reason``; sets decided_on, the day of the notice), review, decide / answer
    (``outcome``; sets decided_on; ``reason``: the decision's grounds), forward (``reason``: the
    authority it went to; sets decided_on), close (closed_on). Raises the domain's WorkflowError
    subclasses (IllegalTransition, RoleNotAllowed, ReasonRequired, OutcomeRequired),
    NamedPersonMayNotHandle, or ServiceError for a date out of range or a second complaint asked
    of this function (use :func:`appeal`)."""
    today = today or today_vn()
    on = on or today
    if target == "appealed":
        raise ServiceError("Khiếu nại lần hai được ghi thành một đơn mới gắn với đơn này: dùng «Ghi khiếu nại lần hai».")
    if not st.may_handle(actor.id, c.named_user_id):
        raise NamedPersonMayNotHandle("Cán bộ bị tố cáo không được xử lý đơn tố cáo về mình (Luật Tố cáo 2018, "
                                      "Điều 13): đơn này do cán bộ khác xử lý.")
    if problem := date_range_message(on, "Ngày thực hiện", c.received_on, "ngày nhận đơn", today):
        raise FieldError(problem, "on")
    if target == "refused":
        if refusal_reason not in REFUSAL_REASON_LABELS:
            raise ServiceError("Chọn lý do không thụ lý theo Điều 11 Luật Khiếu nại 2011.")
        if refusal_reason == "other_reason" and not (reason or "").strip():
            raise ServiceError("Lý do khác: ghi rõ lý do không thụ lý.")
        reason = (reason or "").strip() or REFUSAL_REASON_LABELS[refusal_reason]
    mv = st.check_move(c.kind, c.state, target, actor.role, c.level, reason=reason, outcome=outcome)
    if c.accepted_on is not None and target == "decided" and (
            problem := before_message(on, "Ngày quyết định", c.accepted_on, "ngày thụ lý", today)):
        raise FieldError(problem, "on")
    before = audit.snapshot(c, ("state", "accepted_on", "decided_on", "closed_on", "outcome", "refusal_reason", "reasons"))
    old = c.state
    c.state = target
    now = utcnow()
    c.state_changed_at = now
    if target == "accepted":
        c.accepted_on = on
    elif target == "refused":
        c.refusal_reason, c.decided_on, c.reasons = refusal_reason, on, reason
    elif target in ("decided", "forwarded"):
        c.outcome = outcome if target == "decided" else None
        c.decided_on = on
        c.reasons = (reason or "").strip() or None
    elif target == "closed":
        c.closed_on = on
    session.flush()
    event = _event(session, c, old, target, actor, reason, now)
    after = audit.snapshot(c, before)
    audit.record(session, actor, f"complaint.{mv.name}", "complaint", c.id, audit.diff(before, after), note=reason)
    return event


def appeal(session: Session, first: Complaint, actor: User, *, text: str, channel: str = "in_person",
           received_on: dt.date | None = None, today: dt.date | None = None,
           attachments_note: str | None = None) -> Complaint:
    """Record the second complaint about ``first`` (Luật Khiếu nại 2011, Điều 33): a new case of
    the level above (commune → province, province → ministry), linked to ``first`` (which becomes
    "appealed"), same household, application, receipt and category, its contested date the first
    decision's date. Allowed after the first decision within the second window (30 days, 45 in a
    remote area, from the decision) — also once that case was closed, when it was closed after a
    decision on the merits —, or before a decision once the first decision is overdue
    (the window then runs from the first decision's due date). Raises the domain's WorkflowError
    subclasses, ServiceError (outside the window, with its last day and clause) or InvalidFields."""
    today = today or today_vn()
    received = received_on or today
    extra = instance_settings.extra_holidays(session)
    overdue = decision_overdue(dates_of(first), received, extra)
    st.check_move(first.kind, first.state, "appealed", actor.role, first.level, overdue=overdue,
                  decided=st.appealable_decision(first.outcome, first.refusal_reason is not None))
    if first.appeal_of_id is not None:
        raise ServiceError("Đây đã là khiếu nại lần hai: không ghi khiếu nại lần ba trong hệ thống "
                           "(người khiếu nại có thể khởi kiện ra Tòa án).")
    book = dl.rulebook_for(first.received_on)
    cal = working_calendar(first.received_on.year, extra)
    if first.decided_on is not None:
        start = first.decided_on
    else:  # no decision in time: the window runs from the day the first decision was due
        start = dl.due_date(book.rule("first_decision"), first.accepted_on, cal, first.complex_case, first.remote)
    inside, last, clause = dl.filing_window_open(book, start, received, cal, second=True, remote=first.remote)
    if not inside:
        raise ServiceError(f"Đã hết thời hạn khiếu nại lần hai (hạn cuối {last:%d/%m/%Y}; {clause}).")
    second = record_case(session, CaseInput(
        kind="complaint", filer=first.filer, channel=channel, category=first.category, text=text,
        received_on=received, household_id=first.household_id, application_id=first.application_id,
        receipt_id=first.receipt_id, filer_name=first.filer_name, attachments_note=attachments_note,
        contested_on=first.decided_on or start, complex_case=first.complex_case, remote=first.remote,
    ), actor, today=today, level=st.second_level(first.level), appeal_of_id=first.id)
    old = first.state
    first.state = "appealed"
    first.state_changed_at = utcnow()
    session.flush()
    _event(session, first, old, "appealed", actor, f"Khiếu nại lần hai: đơn số {second.case_number}",
           first.state_changed_at)
    audit.record(session, actor, "complaint.appeal", "complaint", first.id,
                 {"state": [old, "appealed"], "second_case": [None, second.case_number]})
    return second


def link_correction(session: Session, c: Complaint, decision_id: int, actor: User) -> None:
    """Link the decided case ``c`` to the eligibility re-check it caused (``decision_id``: an
    EligibilityDecision of the case's application made on or after the decision). Raises
    ServiceError when the case is not decided as (partly) upheld or the re-check is not of its
    application."""
    from subsidy.models import EligibilityDecision

    if c.state not in ("decided", "closed", "appealed") or c.outcome not in ("upheld", "partly_upheld"):
        raise ServiceError("Chỉ đơn đã giải quyết «khiếu nại đúng» (hoặc đúng một phần) mới gắn với lần xét lại.")
    d = session.get(EligibilityDecision, decision_id)
    if d is None or d.application_id != c.application_id or local_date(d.decided_at) < c.decided_on:
        raise ServiceError("Lần xét lại được chọn không phải của hồ sơ gắn với đơn này, "
                           "hoặc đã có trước quyết định giải quyết.")
    before = c.correction_decision_id
    c.correction_decision_id = d.id
    audit.record(session, actor, "complaint.link_correction", "complaint", c.id,
                 {"correction_decision_id": [before, d.id]})


def household_for_intake(session: Session, code: str) -> tuple[Household, Application | None]:
    """The household whose code or CCCD is ``code`` (exactly as typed, spaces trimmed) within the
    Session's commune, and its latest application (None when it never applied). Raises
    InvalidFields {"household_code": …} when there is none, or when ``code`` is empty (saying what
    to type, and that only an anonymous case goes without a household)."""
    typed = (code or "").strip()
    if not typed:
        # Only an anonymous case has no household (record_case): say what to type, not «not found».
        raise InvalidFields({"household_code": (
            "Hãy nhập mã hộ hoặc số CCCD của chủ hộ gửi đơn (tìm ở trang «Hộ gia đình» nếu chưa biết). Chỉ đơn "
            f"nặc danh mới để trống ô này: khi đó chọn «{COMPLAINT_FILER_LABELS['anonymous']}» ở ô Người gửi đơn.")})
    h = session.scalar(select(Household).where((Household.code == typed) | (Household.citizen_id == typed))
                       .order_by(Household.id).limit(1))
    if h is None:
        raise InvalidFields({"household_code": "Không tìm thấy hộ có mã hộ hoặc số CCCD này trong danh sách của xã: "
                                               "kiểm tra lại, hoặc tìm hộ ở trang «Hộ gia đình»."})
    application = session.scalar(select(Application).where(Application.household_id == h.id)
                                 .order_by(Application.received_on.desc(), Application.id.desc()).limit(1))
    return h, application


def record_intake(session: Session, data: CaseInput, household_code: str | None, actor: User | None,
                  today: dt.date | None = None) -> Complaint:
    """Record a case from the intake form (:func:`record_case`), its household found by the code or
    CCCD the clerk typed (:func:`household_for_intake`; its latest application attached). An
    anonymous case is the only one that may go without: with nothing typed it has no household;
    with a code typed, that household is looked for like any other. ``data``'s household and
    application are replaced by what is found. Raises InvalidFields (the household_code field:
    empty for a named filer, or no such household), and whatever record_case raises."""
    if data.filer != "anonymous" or (household_code or "").strip():
        household, application = household_for_intake(session, household_code or "")
        data = replace(data, household_id=household.id, application_id=application.id if application else None)
    else:
        data = replace(data, household_id=None, application_id=None)
    return record_case(session, data, actor, today)


def staff_who_may_be_named(session: Session, commune_id: int | None) -> list[tuple[int, str]]:
    """(account id, name shown) of the staff a denunciation of commune ``commune_id`` may name
    (domain.scope.may_be_named: its own active clerks and approvers, the province's officers, the
    province's approvers where the province approves its lists), by full name then username. The
    name shown tells same-named accounts apart (labels.staff_label: username and role)."""
    candidates = session.scalars(select(User).where(User.active.is_(True),
                                                    User.role.in_(NAMEABLE_COMMUNE_ROLES | PROVINCE_ROLES))
                                 .order_by(User.full_name, User.username))
    return [(u.id, staff_label(u.full_name, u.username, u.role)) for u in candidates
            if _nameable(session, u, commune_id)]


def recheck_after_decision(session: Session, c: Complaint) -> int | None:
    """The id of the latest eligibility check of the case's application made on or after the day
    the case was decided (upheld or partly upheld, not yet linked): the re-check to link; None
    when there is none to link."""
    from subsidy.models import EligibilityDecision

    if (c.application_id is None or c.decided_on is None or c.correction_decision_id is not None
            or c.outcome not in ("upheld", "partly_upheld")):
        return None
    return session.scalar(select(EligibilityDecision.id).where(
        EligibilityDecision.application_id == c.application_id,
        EligibilityDecision.decided_at >= local_midnight(c.decided_on))
        .order_by(EligibilityDecision.decided_at.desc(), EligibilityDecision.id.desc()).limit(1))
