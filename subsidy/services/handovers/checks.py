"""The field checks of the handover and cash forms: every wrong field reported at once, in form
order (``{field: Vietnamese message}``), before any IMEI lookup; and the state and role check of
the application. Reads only (the approval date, the rule set in force)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from sqlalchemy.orm import Session

from subsidy.domain import tracking, vn
from subsidy.domain.calendar import after_today_message, date_range_message, today_vn
from subsidy.domain.labels.sentence import sentence_start
from subsidy.domain.labels import STATE_LABELS
from subsidy.domain.workflow import State, WorkflowError, check_move
from subsidy.models import Application, Household, RuleSet, User
from subsidy.services import rulesets
from subsidy.services.errors import Conflict, FieldError, NotFound, ServiceError
from subsidy.services.households.people import id_owners, members_of
from subsidy.services.handovers.imeis import subscriber_warning, taken_imei_errors
from subsidy.services.handovers.inputs import DEFAULT_TELECOMS, CashPaymentInput, HandoverInput
from subsidy.services.handovers.lookups import (
    DEFAULT_CASH_CUTOFF, DEFAULT_SUPPORT_AMOUNT, approval_date, rule_set_for,
)

#: The longest phone make or model accepted (characters; the handovers columns hold 80).
MAX_TEXT = 80


def _role(actor: User | None) -> str:
    return actor.role if actor is not None else ""


def check_state(app: Application, target: State, form: str, actor: User | None) -> None:
    """The application must be approved and of ``form`` ("package" | "cash"); the actor's role
    must allow the move to ``target``. Raises ServiceError (wrong form, not approved, role),
    Conflict (the household already supported). Source: domain.md §5 (E4), §6."""
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
    """The message for a handover/payment date ``day`` (None: missing or unreadable) that is out of
    range, each naming the date typed and the dates allowed (Asia/Ho_Chi_Minh dates): after today;
    before the application's approval; before the programme started (the first rule set in force,
    rulesets.earliest; DEFAULT_CASH_CUTOFF, the day Thông tư 14/2022/TT-BTTTT came into force, when
    none is stored), also for an application whose approval day is not known or earlier (imported
    history). None if it is right."""
    if not isinstance(day, dt.date):
        return f"Hãy nhập {what} theo dạng ngày/tháng/năm."
    approved = approval_date(session, app)
    first = rulesets.earliest(session)
    start = first.effective_from if first is not None else DEFAULT_CASH_CUTOFF
    earliest = max(approved, start) if approved is not None else start
    if approved is not None and approved >= start:
        since = "ngày hồ sơ được phê duyệt"
    else:
        source = (first.legal_source or first.title).split(",")[0].strip() if first is not None else "Thông tư 14/2022/TT-BTTTT"
        since = f"ngày {source} có hiệu lực"
    return date_range_message(day, what, earliest, since, today)


def _text(raw: str | None, field: str, label: str, errors: dict[str, str], required: bool = True) -> str:
    """``raw`` with its spaces collapsed; a missing or too long value, or one holding markup (``<``
    or ``>``: it would be printed as typed on the biên bản, which cannot be changed once made), adds
    its message to ``errors``."""
    value = " ".join((raw or "").split())
    if required and not value:
        errors[field] = f"Hãy nhập {label}."
    elif len(value) > MAX_TEXT:
        errors[field] = f"{sentence_start(label)} dài quá {MAX_TEXT} ký tự."
    elif "<" in value or ">" in value:
        errors[field] = (f"{sentence_start(label)} không được có ký tự «<» hoặc «>» (thẻ định dạng): hãy ghi đúng "
                         "như trên hộp máy, ví dụ «Viettel», «Sumo 4G T2».")
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


def _same_person_name(typed: str, on_file: str) -> bool:
    """Whether the recipient's name as typed is the name on file: case and spacing never matter;
    a name typed without any diacritics (a keyboard without Vietnamese input) is compared folded
    (vn.fold), but a name typed with diacritics must carry the same ones, since «Ánh» and «Anh»
    are two names (domain.md §9: search folds, names do not)."""
    folded, spaced = vn.fold(typed), " ".join(typed.lower().split())
    if folded != vn.fold(on_file):
        return False
    return folded == spaced or spaced == " ".join(on_file.lower().split())


#: The recipient's capacity printed on the receipt (domain.md §6: the head or a member).
CAPACITY_HEAD = "Chủ hộ"
CAPACITY_MEMBER = "Thành viên trong hộ"


def unlisted_recipient_message(name: str, head_name: str) -> str:
    """What the clerk is told of a recipient who is neither the head nor a listed member (rule R6)."""
    return (f"«{name}» không phải chủ hộ ({head_name}) và không có trong danh sách thành viên của hộ. Người nhận "
            "phải là chủ hộ hoặc thành viên trong hộ, nên người ngoài hộ (kể cả người được ủy quyền) không nhận "
            "thay được. Nếu đây là thành viên của hộ chưa có trong danh sách, hãy ghi quan hệ với chủ hộ và giấy "
            "tờ đã đối chiếu (ví dụ: con trai chủ hộ, có tên trong thông tin cư trú của hộ), rồi đánh dấu ô xác nhận.")


#: Under the confirmation box when a recipient off the household's list is not confirmed.
CONFIRM_RECIPIENT = ("Hãy đánh dấu ô này nếu đã đối chiếu giấy tờ và người nhận đúng là thành viên trong hộ; nếu "
                     "không, hãy để chủ hộ hoặc thành viên có trong danh sách của hộ nhận.")


def _recipient_of_household(session: Session, household: Household, name: str, citizen_id: str,
                            errors: dict[str, str], relation: str | None = None,
                            confirmed: bool = False) -> tuple[str, str]:
    """Rule R6 (domain.md §6 "the household head or a member, with ID number"; §10 "a CCCD belongs
    to one household in the instance"): a recipient the registry knows must be this household's
    head or one of its listed members, under their own name and CCCD. Adds to ``errors`` when not:

    * ``recipient_citizen_id``: the CCCD is on file for a person of another household (head or
      member, any commune) — said without naming that person or household;
    * ``recipient_name``: the CCCD is this household's head's or a member's, but the name is not
      that person's (_same_person_name: case and spaces ignored, diacritics only when none typed);
    * ``recipient_citizen_id``: the name is this household's head's or a member's whose CCCD on
      file is another one.

    A person who is neither the head nor a listed member (a CCCD no household holds, a name that
    is not this household's) is a member only the clerk can vouch for, since a per-household list
    names no members: the clerk writes ``relation`` (the relation to the head and the papers
    seen) and ticks ``confirmed``; else ``recipient_relation`` / ``confirm_recipient`` is added
    (an outsider, even one with a power of attorney, is not the head or a member: refused).

    Returns (the name as on file for the person matched — the receipt prints it with its
    diacritics even when typed without —, else ``name``; the capacity the receipt prints:
    «Chủ hộ», «Thành viên trong hộ (Con)», or «Thành viên trong hộ, chưa có trong danh sách thành
    viên; quan hệ với chủ hộ: …»). Reads only; ``name``/``citizen_id`` already normalised."""
    owner = id_owners(session, [citizen_id]).get(citizen_id)
    if owner is not None and owner.household_id != household.id:
        errors["recipient_citizen_id"] = (
            f"Số định danh {citizen_id} là của một người thuộc hộ khác trong hệ thống, không phải của chủ hộ hay "
            "thành viên của hộ này. Hãy kiểm tra lại CCCD trên giấy tờ của người nhận: người nhận phải là chủ hộ "
            "hoặc thành viên của hộ này.")
        return name, ""
    members = members_of(session, [household.id]).get(household.id, [])

    def capacity(person_name: str, is_head: bool) -> str:
        if is_head:
            return CAPACITY_HEAD
        rel = next((m.relation for m in members if m.name == person_name and m.relation), None)
        return f"{CAPACITY_MEMBER} ({rel})" if rel else CAPACITY_MEMBER

    if owner is not None:
        if not _same_person_name(name, owner.name):
            who = "chủ hộ" if owner.role == "head" else "thành viên"
            errors["recipient_name"] = (
                f"Họ tên người nhận «{name}» không khớp với người có số định danh {citizen_id} trong hộ này "
                f"({who} {owner.name}). Hãy nhập đúng họ tên trên CCCD, hoặc chọn lại người nhận trong danh sách.")
            return name, ""
        return owner.name, capacity(owner.name, owner.role == "head")
    # The CCCD is nobody's: a person of the household whose CCCD is not on file yet, or a stranger.
    people = [(household.head_name, household.citizen_id, True)] + [(m.name, m.citizen_id, False) for m in members]
    without_id = next(((n, head) for n, cid, head in people if _same_person_name(name, n) and not cid), None)
    if without_id:
        return without_id[0], capacity(*without_id)
    same_name = next((cid for n, cid, _ in people if _same_person_name(name, n)), None)
    if same_name:
        errors["recipient_citizen_id"] = (
            f"Số định danh {citizen_id} không khớp với số định danh đã ghi của {name} trong hộ này "
            f"({vn.mask_id(same_name)}). Hãy kiểm tra lại CCCD trên giấy tờ của người nhận.")
        return name, ""
    relation = " ".join((relation or "").split())
    if not relation:
        errors["recipient_relation"] = unlisted_recipient_message(name, household.head_name)
    elif len(relation) > MAX_TEXT:
        errors["recipient_relation"] = f"Quan hệ với chủ hộ dài quá {MAX_TEXT} ký tự."
    if not confirmed:
        errors["confirm_recipient"] = CONFIRM_RECIPIENT
    return name, f"{CAPACITY_MEMBER}, chưa có trong danh sách thành viên; quan hệ với chủ hộ: {relation}"


def recipient_errors(session: Session, app: Application, raw_name: str | None, raw_citizen_id: str | None,
                     errors: dict[str, str], relation: str | None = None,
                     confirmed: bool = False) -> tuple[str, str, str]:
    """The recipient's name (as on file once matched), CCCD (see _recipient) and capacity, then
    rule R6 (_recipient_of_household, with the clerk's ``relation`` and ``confirmed`` for a
    member off the household's list) when both read right; messages go into ``errors``."""
    name, citizen_id = _recipient(raw_name, raw_citizen_id, errors)
    capacity = ""
    if name and citizen_id:
        name, capacity = _recipient_of_household(session, app.household, name, citizen_id, errors, relation, confirmed)
    return name, citizen_id, capacity


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
class HandoverValues:
    """The handover form's fields once checked and normalised (IMEIs: one or two, in form order)."""

    make: str
    model: str
    imeis: list[str]
    telecom: str
    subscriber: str
    name: str
    citizen_id: str
    capacity: str  # what the receipt prints as the recipient's capacity (_recipient_of_household)


def handover_values(session: Session, app: Application, data: HandoverInput, telecoms: Sequence[str],
                    today: dt.date) -> tuple[HandoverValues, dict[str, str]]:
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
    name, citizen_id, capacity = recipient_errors(session, app, data.recipient_name, data.recipient_citizen_id, errors,
                                                  data.recipient_relation, data.confirm_recipient)
    date_error = _date_error(session, app, data.handed_on, "ngày bàn giao", today)
    if date_error:
        errors["handed_on"] = date_error
    return HandoverValues(make, model, imeis, telecom, subscriber, name, citizen_id, capacity), errors


@dataclass
class CashValues:
    """The cash form's fields once checked, with the amount (đồng) and the rule set in force."""

    amount: int
    purchase: dt.date | None
    name: str
    citizen_id: str
    rule_set: RuleSet | None
    capacity: str  # what the receipt prints as the recipient's capacity (_recipient_of_household)


def cash_values(session: Session, app: Application, data: CashPaymentInput,
                today: dt.date) -> tuple[CashValues, dict[str, str]]:
    """Check every field of ``data`` (none stops the others): the values, and the field → message
    mapping of the wrong ones in the order of the form. The amount and the E5 cut-off come from
    the rule set in force on the payment date (on today's when that date is missing or out of
    range, for the cut-off only); no rule set in force on the payment date is an error of
    ``paid_on``. The purchase date is compared with the payment date only when that one is right."""
    errors: dict[str, str] = {}
    paid = data.paid_on if isinstance(data.paid_on, dt.date) else None
    date_error = _date_error(session, app, data.paid_on, "ngày chi tiền", today)
    if date_error:
        errors["paid_on"] = date_error
    rule_set, rules_known = None, True
    try:
        # A payment date out of range (told above) reads no rule set: today's gives the E5 cut-off.
        rule_set = rule_set_for(session, paid if paid is not None and "paid_on" not in errors else today)
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
    elif paid is not None and "paid_on" not in errors and purchase > paid:
        # Only against a payment date that is right: a wrong one is told under its own field, and
        # the purchase date is not to blame for it.
        errors["purchase_date"] = f"Ngày mua máy {purchase:%d/%m/%Y} không được sau ngày chi tiền {paid:%d/%m/%Y}."
    elif purchase > today:  # the payment date is missing or wrong: still say this one now
        errors["purchase_date"] = after_today_message(purchase, "Ngày mua máy", today,
                                                      fix="Hãy kiểm tra lại ngày trên hóa đơn mua máy.")
    name, citizen_id, capacity = recipient_errors(session, app, data.recipient_name, data.recipient_citizen_id, errors,
                                                  data.recipient_relation, data.confirm_recipient)
    return CashValues(amount, purchase, name, citizen_id, rule_set, capacity), errors


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
    after one submit. ``data.handed_on`` may be None (missing or unreadable). Reads only; an IMEI
    read right is looked up too (already in a live handover: under its field), and a SIM number on
    another live handover gives the ``confirm_subscriber`` warning unless confirmed. Raises
    NotFound. Source: domain.md §6."""
    app = _for_checks(session, application_id)
    values, errors = handover_values(session, app, data, list(telecoms or DEFAULT_TELECOMS), today or today_vn())
    if "imei" not in errors and "imei2" not in errors:
        for field, message in taken_imei_errors(session, values.imeis).items():
            errors.setdefault(field, message)
    if "subscriber_number" not in errors and not data.confirm_subscriber:
        warning = subscriber_warning(session, values.subscriber, app.id)
        if warning:
            errors["confirm_subscriber"] = warning
    return errors


def cash_field_errors(session: Session, application_id: int, data: CashPaymentInput, *,
                      today: dt.date | None = None) -> dict[str, str]:
    """The field checks of :func:`record_cash_payment`, saving nothing (see handover_field_errors):
    field name → Vietnamese message, ``{}`` if all are right. ``data.paid_on`` may be None.
    Reads only. Raises NotFound. Source: domain.md §2 (E5), §4."""
    app = _for_checks(session, application_id)
    return cash_values(session, app, data, today or today_vn())[1]
