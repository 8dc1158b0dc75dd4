"""The moment support reaches the household: the handover of a phone (bàn giao) or the cash
payment (hỗ trợ bằng tiền), each with its numbered receipt; and voiding them.

* :func:`record_handover` — an approved application of the combined-package form: phone make and
  model, IMEI (and a second one for dual-SIM), telecom, subscriber number, date, recipient (name +
  CCCD), staff member. The application moves approved → handed_over; a biên bản bàn giao
  (series BB-VTCI) is numbered in the same transaction.
* :func:`record_cash_payment` — an approved application of the cash form: the amount of the rule
  set in force (500.000 đồng under Thông tư 14/2022), the date paid, the purchase date (E5: on or
  after the rule set's cut-off, 12/12/2022), the recipient. approved → paid; a giấy biên nhận
  (series BN-VTCI).
* :func:`void_handover`, :func:`void_payment` — an approver, with a reason: the record and its
  receipt are marked void (nothing deleted), the IMEI is freed, the application returns to
  approved; the audit log keeps both.

One IMEI belongs to one live handover (domain.md §6): the service refuses a duplicate with a
message naming the earlier receipt, and the partial unique index ``uq_handover_imeis_live_imei``
refuses it again when two clerks save the same IMEI at the same moment (the IntegrityError on
flush becomes a Conflict with the same message).

Every function takes (session, …, actor), flushes and never commits. Errors are ServiceError,
InvalidFields (every wrong field of the form at once: ``field_errors`` maps each field name to its
message), Conflict, NotFound, with a Vietnamese message saying what was wrong and how to fix it.
The field checks all run before the IMEI lookup, so one submit shows every mistake of the form. Source: issue 4; domain.md §4–§7; Thông tư 14/2022/TT-BTTTT, chương IV,
mục 2.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.documents import receipt as receipt_doc
from subsidy.domain import tracking, vn
from subsidy.domain.calendar import local_date, today_vn
from subsidy.domain.labels import CATEGORY_LABELS, STATE_LABELS
from subsidy.domain.workflow import State, WorkflowError, check_move
from subsidy.models import (
    Application, ApplicationEvent, CashPayment, Handover, HandoverImei, Household, Receipt, RuleSet, User,
)
from subsidy.services import audit, receipts, workflow
from subsidy.services.errors import Conflict, FieldError, InvalidFields, NotFound, ServiceError

#: Telecom enterprises offered by default (config key TELECOMS overrides; domain.md §4).
DEFAULT_TELECOMS: tuple[str, ...] = ("VNPT", "Viettel", "MobiFone", "Vietnamobile", "Gmobile")

#: Cash support per household when no rule set is loaded: 500.000 đồng, Thông tư 14/2022/TT-BTTTT
#: (domain.md §4). Used only if the rule_sets table holds no active rule set at all.
DEFAULT_SUPPORT_AMOUNT = 500_000

#: E5 cut-off when no rule set is loaded: the phone was bought on or after 12/12/2022, the day
#: Thông tư 14/2022/TT-BTTTT came into force (domain.md §2).
DEFAULT_CASH_CUTOFF = dt.date(2022, 12, 12)

MAX_TEXT = 80


@dataclass
class HandoverInput:
    """What the handover form carries (raw text as typed; the service checks and normalises).

    ``imei``/``imei2``: 15 digits with a Luhn check digit (spaces, dashes, full-width digits
    accepted); ``imei2`` for a dual-SIM phone, else None/"". ``telecom``: one of the configured
    enterprises. ``subscriber_number``: the SIM activated (10-digit Vietnamese mobile number).
    ``handed_on``: the handover date (not in the future, not before approval). ``recipient_name``
    and ``recipient_citizen_id``: the head or a member of the household who receives the phone.
    """

    phone_make: str
    phone_model: str
    imei: str
    telecom: str
    subscriber_number: str
    handed_on: dt.date
    recipient_name: str
    recipient_citizen_id: str
    imei2: str | None = None


@dataclass
class CashPaymentInput:
    """What the cash form carries. ``paid_on``: the day the money is paid (not in the future, not
    before approval). ``purchase_date``: the day the household bought its phone (E5); None takes
    the one recorded on the application. ``recipient_*``: who receives the money."""

    paid_on: dt.date
    recipient_name: str
    recipient_citizen_id: str
    purchase_date: dt.date | None = None


@dataclass
class HandoverResult:
    handover: Handover
    receipt: Receipt


@dataclass
class CashPaymentResult:
    payment: CashPayment
    receipt: Receipt


# --------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------


def _load_application(session: Session, application_id: int) -> Application:
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
    from subsidy.services import rulesets

    if not session.scalar(select(func.count()).select_from(RuleSet).where(RuleSet.active.is_(True))):
        return None
    return rulesets.in_force(session, on)


def support_amount(session: Session, on: dt.date) -> int:
    """The cash support in đồng on ``on``: the rule set's ``support_amount`` (500.000 under
    Thông tư 14/2022/TT-BTTTT); DEFAULT_SUPPORT_AMOUNT only if no rule set is loaded."""
    rs = rule_set_for(session, on)
    return rs.support_amount if rs is not None else DEFAULT_SUPPORT_AMOUNT


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


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------


def _role(actor: User | None) -> str:
    return actor.role if actor is not None else ""


def _check_state(app: Application, target: State, form: str, actor: User | None) -> None:
    """The application must be approved and of ``form``; the actor's role must allow the move."""
    if app.support_form != form:
        if form == "package":
            raise ServiceError("Hồ sơ này đăng ký hỗ trợ bằng tiền, không phải nhận điện thoại: "
                               "hãy dùng «Chi tiền hỗ trợ».")
        raise ServiceError("Hồ sơ này đăng ký nhận điện thoại (gói hỗ trợ kết hợp), không phải hỗ trợ "
                           "bằng tiền: hãy dùng «Bàn giao điện thoại».")
    if app.state in (State.handed_over.value, State.paid.value, State.closed.value):
        raise Conflict(f"Hộ này đã được hỗ trợ (hồ sơ {tracking.display(app.tracking_code)}: "
                       f"{STATE_LABELS.get(app.state, app.state)}). Mỗi hộ chỉ được hỗ trợ một lần; "
                       "nếu biên bản trước ghi nhầm, lãnh đạo xã cần hủy biên bản đó trước.")
    if app.state != State.approved.value:
        raise ServiceError(f"Hồ sơ {tracking.display(app.tracking_code)} chưa được phê duyệt (trạng thái: "
                           f"{STATE_LABELS.get(app.state, app.state)}); chỉ hỗ trợ hồ sơ đã có quyết định "
                           "phê duyệt danh sách.")
    try:
        check_move(app.state, target, _role(actor))
    except WorkflowError as err:
        raise ServiceError(str(err)) from err


def _date_error(session: Session, app: Application, day: dt.date | None, what: str,
                today: dt.date) -> str | None:
    """The message for a handover/payment date ``day`` (None: missing or unreadable) that is in
    the future or before the application's approval (Asia/Ho_Chi_Minh dates); None if it is right."""
    if not isinstance(day, dt.date):
        return f"Hãy nhập {what} theo dạng ngày/tháng/năm."
    if day > today:
        return (f"{what.capitalize()} ({day:%d/%m/%Y}) không được sau ngày hôm nay "
                f"({today:%d/%m/%Y}).")
    approved = approval_date(session, app)
    if approved is not None and day < approved:
        return (f"{what.capitalize()} ({day:%d/%m/%Y}) không được trước ngày hồ sơ được phê duyệt "
                f"({approved:%d/%m/%Y}).")
    return None


def _text(raw: str | None, field: str, label: str, errors: dict[str, str], required: bool = True) -> str:
    """``raw`` with its spaces collapsed; a missing or too long value adds its message to ``errors``."""
    value = " ".join((raw or "").split())
    if required and not value:
        errors[field] = f"Hãy nhập {label}."
    elif len(value) > MAX_TEXT:
        errors[field] = f"{label.capitalize()} dài quá {MAX_TEXT} ký tự."
    return value


def _recipient(name: str | None, citizen_id: str | None, errors: dict[str, str]) -> tuple[str, str]:
    """The recipient's normalised name and CCCD; each wrong one adds its message to ``errors``
    (fields ``recipient_name``, ``recipient_citizen_id``) and comes back as ""."""
    clean_name = ""
    try:
        clean_name = vn.normalize_name(name or "")
    except vn.VnValueError as err:  # also a name over vn.NAME_MAX_LENGTH (120) characters
        errors["recipient_name"] = f"Người nhận: {err}"
    try:
        checked = vn.check_citizen_id(citizen_id or "").value
    except vn.VnValueError as err:
        errors["recipient_citizen_id"] = str(err)
        checked = ""
    return clean_name, checked


def normalize_telecom(raw: str | None, telecoms: Sequence[str]) -> str:
    """The configured telecom matching ``raw`` (case and spaces ignored); raises FieldError."""
    key = "".join((raw or "").split()).casefold()
    for t in telecoms:
        if "".join(t.split()).casefold() == key:
            return t
    raise FieldError(f"Hãy chọn doanh nghiệp viễn thông trong danh sách: {', '.join(telecoms)}.", "telecom")


def _check_imeis(imei: str | None, imei2: str | None, errors: dict[str, str]) -> list[str]:
    """The normalised IMEIs (one, or two for a dual-SIM phone); a wrong one adds its message to
    ``errors`` (``imei``, ``imei2``) and is left out. Both are checked even if the first is wrong."""
    out: list[str] = []
    first = None
    try:
        first = vn.check_imei(imei or "")
        out.append(first)
    except vn.VnValueError as err:
        errors["imei"] = str(err)
    if imei2 is not None and str(imei2).strip():
        try:
            second = vn.check_imei(imei2)
        except vn.VnValueError as err:
            errors["imei2"] = f"IMEI thứ hai: {err}"
        else:
            if second == first:
                errors["imei2"] = (f"IMEI thứ hai trùng IMEI thứ nhất ({first}). Máy hai SIM có hai số IMEI "
                                   "khác nhau (bấm *#06#); nếu máy chỉ có một IMEI thì để trống ô này.")
            else:
                out.append(second)
    return out


@dataclass
class _HandoverValues:
    make: str
    model: str
    imeis: list[str]
    telecom: str
    subscriber: str
    name: str
    citizen_id: str


def _handover_values(session: Session, app: Application, data: HandoverInput, telecoms: Sequence[str],
                     today: dt.date) -> tuple[_HandoverValues, dict[str, str]]:
    """Check every field of ``data`` (none stops the others) and normalise them: the values, and
    the field → message mapping of the wrong ones in the order of the form (empty if all right).
    Reads the approval date; no IMEI lookup (that is check_imeis_free, after these checks)."""
    errors: dict[str, str] = {}
    make = _text(data.phone_make, "phone_make", "hãng điện thoại", errors)
    model = _text(data.phone_model, "phone_model", "tên (model) điện thoại", errors)
    imeis = _check_imeis(data.imei, data.imei2, errors)
    telecom = ""
    try:
        telecom = normalize_telecom(data.telecom, telecoms)
    except FieldError as err:
        errors["telecom"] = str(err)
    subscriber = ""
    try:
        subscriber = vn.normalize_phone(data.subscriber_number or "")
    except vn.VnValueError as err:
        errors["subscriber_number"] = f"Số thuê bao: {err}"
    name, citizen_id = _recipient(data.recipient_name, data.recipient_citizen_id, errors)
    date_error = _date_error(session, app, data.handed_on, "ngày bàn giao", today)
    if date_error:
        errors["handed_on"] = date_error
    return _HandoverValues(make, model, imeis, telecom, subscriber, name, citizen_id), errors


@dataclass
class _CashValues:
    amount: int
    purchase: dt.date | None
    name: str
    citizen_id: str
    rule_set: RuleSet | None


def _cash_values(session: Session, app: Application, data: CashPaymentInput,
                 today: dt.date) -> tuple[_CashValues, dict[str, str]]:
    """Check every field of ``data`` (none stops the others): the values, and the field → message
    mapping of the wrong ones in the order of the form. The amount and the E5 cut-off come from
    the rule set in force on the payment date (on today's when that date is missing, for the
    cut-off only); no rule set in force on the payment date is an error of ``paid_on``."""
    errors: dict[str, str] = {}
    paid = data.paid_on if isinstance(data.paid_on, dt.date) else None
    date_error = _date_error(session, app, data.paid_on, "ngày chi tiền", today)
    if date_error:
        errors["paid_on"] = date_error
    rule_set, rules_known = None, True
    try:
        rule_set = rule_set_for(session, paid or today)
    except ServiceError as err:
        rules_known = False
        if paid is not None:
            errors.setdefault("paid_on", str(err))
    amount = rule_set.support_amount if rule_set is not None else DEFAULT_SUPPORT_AMOUNT
    cutoff = rule_set.cash_cutoff if rule_set is not None else DEFAULT_CASH_CUTOFF
    purchase = data.purchase_date or app.purchase_date
    if purchase is None:
        errors["purchase_date"] = "Hãy nhập ngày hộ mua điện thoại (xem hóa đơn hoặc giấy tờ mua máy)."
    elif rules_known and purchase < cutoff:
        errors["purchase_date"] = (f"Ngày mua máy {purchase:%d/%m/%Y} trước ngày {cutoff:%d/%m/%Y}: chỉ hỗ trợ bằng "
                                   "tiền cho hộ tự mua điện thoại từ ngày này trở đi (điều kiện E5, Thông tư "
                                   "14/2022/TT-BTTTT).")
    elif paid is not None and purchase > paid:
        errors["purchase_date"] = f"Ngày mua máy {purchase:%d/%m/%Y} không được sau ngày chi tiền {paid:%d/%m/%Y}."
    elif purchase > today:  # the payment date is missing or wrong: still say this one now
        errors["purchase_date"] = (f"Ngày mua máy {purchase:%d/%m/%Y} là một ngày sau hôm nay ({today:%d/%m/%Y}): "
                                   "hãy kiểm tra lại ngày trên hóa đơn mua máy.")
    name, citizen_id = _recipient(data.recipient_name, data.recipient_citizen_id, errors)
    return _CashValues(amount, purchase, name, citizen_id, rule_set), errors


def _for_checks(session: Session, application_id: int) -> Application:
    app = session.get(Application, application_id)
    if app is None:
        raise NotFound("Không có hồ sơ này.")
    return app


def handover_field_errors(session: Session, application_id: int, data: HandoverInput, *,
                          telecoms: Sequence[str] | None = None, today: dt.date | None = None) -> dict[str, str]:
    """The field checks of :func:`record_handover`, saving nothing: field name → Vietnamese
    message for every wrong field of ``data`` (form order), ``{}`` if all are right.

    For a form whose own validators already refused a field (then record_handover is not
    called): the view adds these messages to the other fields, so the clerk sees every mistake
    after one submit. ``data.handed_on`` may be None (missing or unreadable). Reads only; no IMEI
    lookup. Raises NotFound. Source: issue 4 item 1."""
    app = _for_checks(session, application_id)
    return _handover_values(session, app, data, list(telecoms or DEFAULT_TELECOMS), today or today_vn())[1]


def cash_field_errors(session: Session, application_id: int, data: CashPaymentInput, *,
                      today: dt.date | None = None) -> dict[str, str]:
    """The field checks of :func:`record_cash_payment`, saving nothing (see handover_field_errors):
    field name → Vietnamese message, ``{}`` if all are right. ``data.paid_on`` may be None.
    Reads only. Raises NotFound. Source: issue 4 item 2; domain.md §2 (E5)."""
    app = _for_checks(session, application_id)
    return _cash_values(session, app, data, today or today_vn())[1]


def _imei_taken_message(session: Session, imei: str) -> str:
    row = session.execute(
        select(Handover, Application.tracking_code)
        .join(HandoverImei, HandoverImei.handover_id == Handover.id)
        .join(Application, Application.id == Handover.application_id)
        .where(HandoverImei.imei == imei, HandoverImei.live.is_(True))
    ).first()
    where = ""
    if row is not None:
        handover, code = row
        rec = session.scalar(select(Receipt).where(Receipt.handover_id == handover.id))
        number = f" số {rec.display_number}" if rec is not None else ""
        where = f" (biên bản bàn giao{number}, hồ sơ {tracking.display(code)}, ngày {handover.handed_on:%d/%m/%Y})"
    return (f"Số IMEI {imei} đã được ghi cho một lần bàn giao khác{where}. Mỗi IMEI chỉ thuộc một "
            "lần bàn giao: hãy bấm *#06# trên máy để đọc lại IMEI; nếu biên bản cũ ghi nhầm, lãnh đạo "
            "xã cần hủy biên bản đó trước.")


def check_imeis_free(session: Session, imeis: Iterable[str]) -> None:
    """Raise Conflict (naming the earlier receipt) if one of ``imeis`` is in a live handover."""
    imeis = list(imeis)
    taken = session.scalar(select(HandoverImei.imei).where(HandoverImei.imei.in_(imeis),
                                                            HandoverImei.live.is_(True)).limit(1))
    if taken is not None:
        raise Conflict(_imei_taken_message(session, taken))


def _conflict_from(session: Session, err: IntegrityError, imeis: list[str], app: Application) -> Conflict:
    """Turn a unique-index violation at flush into the Conflict the service would have raised."""
    text = str(err.orig) if err.orig is not None else str(err)
    if "imei" in text:
        taken = imeis[0]
        for imei in imeis:
            if imei in text:
                taken = imei
        return Conflict(f"Số IMEI {taken} vừa được một người khác ghi cho một lần bàn giao khác. Mỗi IMEI "
                        "chỉ thuộc một lần bàn giao: hãy bấm *#06# trên máy để đọc lại IMEI.")
    return Conflict(f"Hồ sơ {tracking.display(app.tracking_code)} vừa được một người khác ghi nhận hỗ trợ. Hãy tải lại "
                    "trang hồ sơ để xem biên bản đã lập.")


# --------------------------------------------------------------------------------------------
# Receipt data
# --------------------------------------------------------------------------------------------


def _decision_text(app: Application) -> str:
    pl = app.proposal_list
    if pl is None or pl.status != "approved" or not pl.decision_number:
        return ""
    text = f"Quyết định số {pl.decision_number}"
    if pl.decision_date:
        text += f" ngày {pl.decision_date:%d/%m/%Y}"
    if pl.approving_body:
        text += f" của {pl.approving_body}"
    return text + " phê duyệt danh sách hộ được hỗ trợ"


def _legal_basis(rule_set: RuleSet | None) -> str:
    if rule_set is None or rule_set.code.upper().startswith("TT14-2022") or not rule_set.legal_source:
        return receipts.LEGAL_BASIS_DEFAULT
    return rule_set.legal_source


def _receipt_data(kind: str, app: Application, household: Household, day: dt.date, recipient_name: str,
                  recipient_citizen_id: str, actor: User | None, settings: receipts.ReceiptSettings,
                  rule_set: RuleSet | None) -> receipt_doc.ReceiptData:
    staff = ""
    if actor is not None:
        staff = (actor.full_name or "").strip() or actor.username
    return receipt_doc.ReceiptData(
        kind=kind, number_display="", series="", year=day.year, number=0,
        issuer_body_upper=settings.body_upper, issuer_body=settings.body, place=settings.place,
        giver_unit=settings.giver_unit, date=vn.format_date(day), place_date=vn.place_date_line(settings.place, day),
        tracking_code=app.tracking_code, status_url=settings.status_url(app.tracking_code),
        household_code=household.code, head_name=household.head_name, hamlet=household.hamlet or "",
        address=household.address or "", category=CATEGORY_LABELS.get(household.category or "", ""),
        recipient_name=recipient_name, recipient_citizen_id=recipient_citizen_id, staff_name=staff,
        legal_basis=_legal_basis(rule_set), decision=_decision_text(app),
    )


def _mask(value: str | None) -> str | None:
    return vn.mask_id(value) if value else value


# --------------------------------------------------------------------------------------------
# Record
# --------------------------------------------------------------------------------------------


def record_handover(
    session: Session, application_id: int, data: HandoverInput, actor: User | None, *,
    telecoms: Sequence[str] | None = None, settings: receipts.ReceiptSettings | None = None,
    today: dt.date | None = None,
) -> HandoverResult:
    """Record the handover of a phone for an approved package application and issue its biên bản
    bàn giao (numbered in this transaction). The application moves approved → handed_over.

    ``telecoms``: the configured list (default DEFAULT_TELECOMS); ``settings``: what the receipt
    prints about the commune; ``today``: the business date (default today in Asia/Ho_Chi_Minh).

    Raises NotFound (no application), ServiceError (not approved, wrong form, wrong role),
    InvalidFields carrying every wrong field at once (a missing make/model, a bad IMEI — wrong
    length, bad check digit —, the same IMEI twice, an unknown telecom, a bad subscriber number,
    a date in the future or before approval, a bad name or CCCD), then — only when every field
    is right — Conflict (an IMEI already in a live handover, or the household already supported —
    also when the database's unique indexes catch two clerks saving at once).
    Source: issue 4 item 1; domain.md §6.
    """
    telecoms = list(telecoms or DEFAULT_TELECOMS)
    settings = settings or receipts.ReceiptSettings()
    today = today or today_vn()
    app = _load_application(session, application_id)
    _check_state(app, State.handed_over, "package", actor)

    values, errors = _handover_values(session, app, data, telecoms, today)
    if errors:
        raise InvalidFields(errors)
    make, model, imeis, telecom = values.make, values.model, values.imeis, values.telecom
    subscriber, name, citizen_id = values.subscriber, values.name, values.citizen_id
    check_imeis_free(session, imeis)

    handover = Handover(
        application_id=app.id, phone_make=make, phone_model=model, telecom=telecom, subscriber_number=subscriber,
        handed_on=data.handed_on, recipient_name=name, recipient_citizen_id=citizen_id,
        staff_id=actor.id if actor is not None else None,
    )
    try:
        with session.begin_nested():
            session.add(handover)
            session.flush()
            # Inserted in IMEI order, so two dual-SIM handovers sharing IMEIs lock the index
            # entries in the same order on PostgreSQL (a unique violation for one, never a deadlock).
            session.add_all([HandoverImei(handover=handover, position=position, imei=imei, live=True)
                             for position, imei in sorted(enumerate(imeis, start=1), key=lambda p: p[1])])
            session.flush()
    except IntegrityError as err:
        raise _conflict_from(session, err, imeis, app) from err

    workflow.move(session, app, State.handed_over, actor)
    rd = _receipt_data(receipt_doc.KIND_HANDOVER, app, app.household, data.handed_on, name, citizen_id,
                       actor, settings, None)
    rd.phone_make, rd.phone_model, rd.telecom, rd.subscriber_number = make, model, telecom, subscriber
    rd.imei, rd.imei2 = imeis[0], (imeis[1] if len(imeis) > 1 else "")
    receipt = receipts.issue(session, receipt_doc.KIND_HANDOVER, app.id, rd, handover_id=handover.id)
    audit.record(session, actor, "handover.create", "handover", handover.id, {
        "application_id": [None, app.id], "phone": [None, f"{make} {model}"], "imei": [None, imeis[0]],
        "imei2": [None, imeis[1] if len(imeis) > 1 else None], "telecom": [None, telecom], "subscriber_number": [None, subscriber],
        "handed_on": [None, data.handed_on], "recipient_name": [None, name],
        "recipient_citizen_id": [None, _mask(citizen_id)], "receipt": [None, receipt.display_number],
    })
    session.flush()
    return HandoverResult(handover, receipt)


def record_cash_payment(
    session: Session, application_id: int, data: CashPaymentInput, actor: User | None, *,
    settings: receipts.ReceiptSettings | None = None, today: dt.date | None = None,
) -> CashPaymentResult:
    """Record the cash support paid to an approved cash application and issue its giấy biên nhận
    (numbered in this transaction). The application moves approved → paid.

    The amount is the ``support_amount`` of the rule set in force on the payment date (500.000
    đồng under Thông tư 14/2022/TT-BTTTT); DEFAULT_SUPPORT_AMOUNT only when no rule set is loaded.
    The purchase date must be on or after the rule set's ``cash_cutoff`` (E5: 12/12/2022), not
    after the payment date.

    Raises NotFound, ServiceError (not approved, wrong form, wrong role), InvalidFields carrying
    every wrong field at once (dates — also no rule set in force on the payment date —, name,
    CCCD, missing purchase date), Conflict (already paid; also when the
    unique index catches two clerks at once). Source: issue 4 item 2; domain.md §2 (E5), §4.
    """
    settings = settings or receipts.ReceiptSettings()
    today = today or today_vn()
    app = _load_application(session, application_id)
    _check_state(app, State.paid, "cash", actor)
    values, errors = _cash_values(session, app, data, today)
    if errors:
        raise InvalidFields(errors)
    amount, purchase, rule_set = values.amount, values.purchase, values.rule_set
    name, citizen_id = values.name, values.citizen_id

    payment = CashPayment(
        application_id=app.id, amount=amount, paid_on=data.paid_on, purchase_date=purchase,
        recipient_name=name, recipient_citizen_id=citizen_id, staff_id=actor.id if actor is not None else None,
    )
    try:
        with session.begin_nested():
            session.add(payment)
            session.flush()
    except IntegrityError as err:
        raise _conflict_from(session, err, [], app) from err

    workflow.move(session, app, State.paid, actor)
    rd = _receipt_data(receipt_doc.KIND_CASH, app, app.household, data.paid_on, name, citizen_id, actor,
                       settings, rule_set)
    rd.amount, rd.amount_figures, rd.amount_words = amount, vn.format_money(amount), vn.amount_in_words(amount)
    rd.purchase_date = vn.format_date(purchase)
    receipt = receipts.issue(session, receipt_doc.KIND_CASH, app.id, rd, cash_payment_id=payment.id)
    audit.record(session, actor, "cash_payment.create", "cash_payment", payment.id, {
        "application_id": [None, app.id], "amount": [None, amount], "paid_on": [None, data.paid_on],
        "purchase_date": [None, purchase], "recipient_name": [None, name],
        "recipient_citizen_id": [None, _mask(citizen_id)], "receipt": [None, receipt.display_number],
    })
    session.flush()
    return CashPaymentResult(payment, receipt)


# --------------------------------------------------------------------------------------------
# Void
# --------------------------------------------------------------------------------------------


def _void_move(session: Session, app: Application, actor: User | None, reason: str) -> None:
    try:
        workflow.move(session, app, State.approved, actor, reason)
    except WorkflowError as err:
        raise ServiceError(str(err)) from err


def _void(session: Session, record: Handover | CashPayment, reason: str, actor: User | None, *,
          entity: str, already_void: str, receipt_fk: Any, changes: dict[str, list[Any]]) -> None:
    """Void a handover or a cash payment: refuse one already void, move its application back to
    approved (the workflow checks the role, the reason and the state), mark the record and its
    receipt void (``receipt_fk``: the Receipt column naming it), audit ``<entity>.void`` with
    ``changes`` and the receipt number, flush. Raises ServiceError."""
    if record.voided_at is not None:
        raise ServiceError(already_void)
    reason = (reason or "").strip()
    app = _load_application(session, record.application_id)
    _void_move(session, app, actor, reason)
    now = utcnow()
    record.voided_at, record.void_reason = now, reason
    record.voided_by_id = actor.id if actor is not None else None
    receipt = session.scalar(select(Receipt).where(receipt_fk == record.id))
    if receipt is not None:
        receipts.mark_void(receipt, reason, now)
    audit.record(session, actor, f"{entity}.void", entity, record.id,
                 {"voided": [False, True], **changes,
                  "receipt": [None, receipt.display_number if receipt else None]}, note=reason)
    session.flush()


def void_handover(session: Session, handover_id: int, reason: str, actor: User | None) -> Handover:
    """Void a handover (approver, reason required): the handover and its receipt are marked void
    (a reprint says ĐÃ HỦY), its IMEIs are freed for another handover, the application returns to
    approved. Nothing is deleted; the audit log keeps the handover and the void.

    Raises NotFound, ServiceError (already void, wrong role, no reason, application closed).
    Source: issue 4 item 5; domain/workflow.py (handed_over → approved).
    """
    handover = get_handover(session, handover_id)
    _void(session, handover, reason, actor, entity="handover",
          already_void="Biên bản bàn giao này đã bị hủy trước đó.", receipt_fk=Receipt.handover_id,
          changes={"imei_live": [True, False]})
    for hi in session.scalars(select(HandoverImei).where(HandoverImei.handover_id == handover.id)):
        hi.live = False
    session.flush()
    return handover


def void_payment(session: Session, payment_id: int, reason: str, actor: User | None) -> CashPayment:
    """Void a cash payment (approver, reason required): the payment and its giấy biên nhận are
    marked void, the application returns to approved. Nothing is deleted.

    Raises NotFound, ServiceError (already void, wrong role, no reason, application closed).
    Source: issue 4 item 5; domain/workflow.py (paid → approved).
    """
    payment = get_payment(session, payment_id)
    _void(session, payment, reason, actor, entity="cash_payment",
          already_void="Khoản chi tiền hỗ trợ này đã bị hủy trước đó.", receipt_fk=Receipt.cash_payment_id,
          changes={})
    return payment


def void_receipt(session: Session, receipt: Receipt, reason: str, actor: User | None) -> None:
    """Void the handover or payment behind ``receipt`` (see void_handover / void_payment)."""
    if receipt.handover_id is not None:
        void_handover(session, receipt.handover_id, reason, actor)
    elif receipt.cash_payment_id is not None:
        void_payment(session, receipt.cash_payment_id, reason, actor)
    else:  # pragma: no cover - every receipt has one or the other
        raise ServiceError("Biên bản này không gắn với lần bàn giao hay khoản chi nào.")
