"""The household registry: register, edit, view, archive and restore one household.

Every save stores the row :func:`~subsidy.services.households.columns.household_row` builds (the
facts, the derived search and sort keys and, for a new household, the column defaults: the same
function the list import's bulk writer calls) and an audit entry naming each changed field with
its old and new value.  Nothing is hard-deleted: :func:`archive_household` only hides a household
from lists.  The rule for a CCCD already on file (:func:`check_citizen_id_owner`) is shared with
the list import.

Functions take ``(session, …, actor)``, flush, never commit; they raise :class:`ServiceError`
subclasses with a Vietnamese message.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.domain import vn
from subsidy.domain.calendar import after_today_message, today_vn
from subsidy.domain.household_list import head_birth_year_message, list_year_range, normalize_household_code
from subsidy.domain.labels import CATEGORY_LABELS
from subsidy.domain.places import normalize_hamlet
from subsidy.domain.workflow import BEFORE_HANDOVER, CORRECTABLE_BACK, State
from subsidy.models import Application, AuditEntry, Commune, Household, HouseholdMember, User
from subsidy.models.scoping import ALL_COMMUNES, default_commune_id
from subsidy.services import audit, versions
from subsidy.services.errors import Conflict, InvalidFields, NotFound, ServiceError
from subsidy.services.households.columns import DATA_FIELDS, household_row
from subsidy.services.households.people import record_form_status
from subsidy.services.households.rechecks import (
    DECIDING_FIELDS, REASON_FIELDS, checked_applications, facts_changed, reason_message,
)

PRIOR_DEVICES = ("unknown", "none", "vtci_tablet", "learning_device")
#: How a checked application goes back to be checked (corrections.send_back, given by
#: services.household_edit: the registry cannot import the eligibility check, which reads it).
SendBack = Callable[[Session, Application, str, "User | None", str], object]


#: Some fields are wrong; ``field_errors`` maps a field name to its Vietnamese message. The
#: multi-field error of subsidy.services.errors, shared with the handover services.
InvalidHousehold = InvalidFields


class NeedsConfirmation(ServiceError):
    """The CCCD disagrees with the birth year or sex on file: the clerk must confirm
    (``warnings`` lists the sentences shown above the confirmation checkbox; the message, what to
    do, goes under that checkbox: ``field``)."""

    field = "confirm_citizen_id_warning"

    def __init__(self, warnings: list[str]) -> None:
        self.warnings = warnings
        super().__init__(CONFIRM_CITIZEN_ID)


#: What a clerk does about a CCCD that disagrees with the birth year or sex (the warnings say how).
CONFIRM_CITIZEN_ID = ("Số CCCD chưa khớp với năm sinh hoặc giới tính đã ghi (xem cảnh báo bên trên). Nếu đã đối chiếu "
                      "với thẻ căn cước và thông tin là đúng, hãy đánh dấu ô này rồi lưu lại.")


@dataclass
class HouseholdInput:
    """What a clerk types in the household form (raw text for the ID and phone).

    ``confirm_citizen_id_warning``: the clerk ticked "đã đối chiếu" for a CCCD warning.
    ``seen_version``: the household's version (services.versions) the edit page showed; None: not
    checked (a new household, or a caller with no page).
    """

    code: str
    head_name: str
    hamlet: str
    category: str | None
    members: int = 1
    head_birth_year: int | None = None
    head_gender: str | None = None
    citizen_id: str | None = None
    address: str | None = None
    phone: str | None = None
    list_year: int | None = None
    decision_number: str | None = None
    decision_date: dt.date | None = None
    meritorious: bool = False
    social_policy: bool = False
    prior_device: str = "unknown"
    prior_device_detail: str | None = None
    prior_device_date: dt.date | None = None
    confirm_citizen_id_warning: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    seen_version: int | None = None
    #: Why a fact that decides eligibility or priority is changed (required when the household
    #: has a checked application: :func:`facts_changed`); stored as the audit entry's note.
    reason: str | None = None



def _clean_text(value: str | None, limit: int) -> str | None:
    text = " ".join((value or "").split())
    return text[:limit] if text else None


def _validate(data: HouseholdInput, this_year: int,
              kept_code: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """Normalised column values and the CCCD warnings; raises InvalidHousehold.

    ``kept_code``: on an edit, the household's code on file; typed again unchanged it is accepted
    even if it breaks :func:`normalize_household_code` (stored before that rule), so the clerk can
    still correct the other fields."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}

    # Code and name: the same rules as the list import (household_list / vn), so a household
    # entered by hand can be matched by next year's import and is cased the same way.
    values["code"] = typed = "".join((data.code or "").split())
    try:
        values["code"] = normalize_household_code(data.code)
    except vn.VnValueError as err:
        if kept_code is None or typed != kept_code:
            errors["code"] = str(err)
        # else: an edit that keeps a code stored before these checks existed; the key stays.

    try:
        values["head_name"] = vn.normalize_name(data.head_name)
    except vn.VnValueError as err:
        errors["head_name"] = str(err)

    year = data.head_birth_year
    problem = None if year is None else head_birth_year_message(year, this_year)
    if problem is not None:  # the list import's rule (household_list): 1880 to last year
        errors["head_birth_year"] = problem
    values["head_birth_year"] = year

    gender = (data.head_gender or "").strip().upper() or None
    if gender not in (None, "M", "F"):
        errors["head_gender"] = "Giới tính chỉ là Nam hoặc Nữ."
    values["head_gender"] = gender

    warnings: list[str] = []
    values["citizen_id"] = values["citizen_id_kind"] = None
    if data.citizen_id and data.citizen_id.strip():
        try:
            check = vn.check_citizen_id(data.citizen_id, year if "head_birth_year" not in errors else None,
                                        gender if "head_gender" not in errors else None)
            values["citizen_id"], values["citizen_id_kind"] = check.value, check.kind
            warnings = list(check.warnings)
        except vn.VnValueError as err:
            errors["citizen_id"] = str(err)

    values["hamlet"] = None
    try:
        values["hamlet"] = normalize_hamlet(data.hamlet)
    except vn.VnValueError as err:
        errors["hamlet"] = str(err)
    values["address"] = _clean_text(data.address, 255)

    if data.members is None or not 1 <= data.members <= 99:
        errors["members"] = "Số nhân khẩu phải từ 1 đến 99."
    values["members"] = data.members

    values["phone"] = None
    if data.phone and data.phone.strip():
        try:
            values["phone"] = vn.normalize_phone(data.phone)
        except vn.VnValueError as err:
            errors["phone"] = str(err)

    category = data.category or None
    if category is not None and category not in CATEGORY_LABELS:
        errors["category"] = f"Phân loại chỉ là {' hoặc '.join(CATEGORY_LABELS.values())}."
    values["category"] = category
    first_year, last_year = list_year_range(this_year)  # the years the list import takes
    if data.list_year is not None and not first_year <= data.list_year <= last_year:
        errors["list_year"] = f"Năm danh sách {data.list_year} không hợp lệ."
    values["list_year"] = data.list_year
    values["decision_number"] = _clean_text(data.decision_number, 64)
    values["decision_date"] = data.decision_date
    # The decision recognising the household as poor or near-poor has been signed: not after today.
    future = after_today_message(data.decision_date, "Ngày quyết định công nhận hộ")
    if future is not None:
        errors["decision_date"] = future
    values["meritorious"] = bool(data.meritorious)
    values["social_policy"] = bool(data.social_policy)

    if data.prior_device not in PRIOR_DEVICES:
        errors["prior_device"] = "Hỗ trợ thiết bị trước đây: hãy chọn một mục trong danh sách."
    values["prior_device"] = data.prior_device
    if data.prior_device in ("unknown", "none"):
        values["prior_device_detail"] = None
        values["prior_device_date"] = None
    else:
        values["prior_device_detail"] = _clean_text(data.prior_device_detail, 120)
        values["prior_device_date"] = data.prior_device_date
        future = after_today_message(data.prior_device_date, "Ngày nhận thiết bị", today_vn())
        if future:
            errors["prior_device_date"] = future

    if errors:
        refused = InvalidHousehold(errors)
        # What could be read all the same (check_household checks a code or CCCD on file with it).
        refused.values, refused.warnings = values, warnings  # type: ignore[attr-defined]
        raise refused
    return values, warnings


class HouseholdRef(Protocol):
    """What the CCCD check needs of a household on file (a Household, a Row, the importer's dict)."""

    id: int
    code: str
    head_name: str


def same_head(name_on_file: str | None, name: str | None) -> bool:
    """True when two head-of-household names are the same once case, accents and spacing are
    folded (vn.fold: ``"NGUYỄN VĂN HÙNG"`` = ``"Nguyen Van Hung"`` = ``"Nguyễn Văn Hùng"``;
    ``"Nguyễn Văn Hải"`` is another person).  vn.fold drops every mark, so "Hùng" and "Hưng" agree:
    the name only confirms a CCCD match, it never makes one."""
    return bool(name_on_file) and bool(name) and vn.fold(name_on_file) == vn.fold(name)


def check_citizen_id_owner(citizen_id: str | None, owner: HouseholdRef | None, target: HouseholdRef | None, *,
                           head_name: str | None = None, code: str | None = None,
                           match_by_citizen_id: bool = False) -> HouseholdRef | None:
    """The one rule for a CCCD already on file, shared by the household form and the importer.

    ``owner``: the household on file that holds ``citizen_id`` (None if none does); ``target``: the
    household the record is saved over (the one being edited, or the one an imported row matched
    by household code), None for a new household.  ``head_name`` / ``code``: the record's.

    Returns the household to save over: ``target``, or — only with ``match_by_citizen_id`` (the
    importer: "matched by household code, then CCCD") — ``owner`` when there is no
    ``target`` and the head's name agrees with the owner's (:func:`same_head`).

    Raises :class:`Conflict` (Vietnamese, naming the owner's household code and how to fix it):
    the CCCD belongs to a household other than ``target`` (never merge two households); or there
    is no ``target`` and the CCCD is on file (a new household cannot reuse it; an imported row with
    another name must not overwrite that household's code, name, phone and list year).
    Source: domain.md §9 (one CCCD, one person).
    """
    if not citizen_id or owner is None or (target is not None and owner.id == target.id):
        return target
    if target is not None:
        raise Conflict(
            f"Số CCCD {citizen_id} đã thuộc hộ khác: mã {owner.code} ({owner.head_name}), không phải "
            f"hộ mã {target.code} ({target.head_name}). Mỗi người chỉ đứng tên chủ một hộ, không gộp hai "
            "hộ: hãy kiểm tra lại số CCCD và mã hộ."
        )
    if match_by_citizen_id and same_head(owner.head_name, head_name):
        return owner
    if match_by_citizen_id:
        new_code = f" với mã hộ {code} (chưa có)" if code else ""
        raise Conflict(
            f"Số CCCD {citizen_id} đã thuộc hộ mã {owner.code} ({owner.head_name}), nhưng dòng này ghi chủ "
            f"hộ «{head_name}»{new_code}. Không ghi đè hộ đã có: hãy kiểm tra lại số CCCD; nếu đúng là "
            f"hộ mã {owner.code} thì ghi mã hộ {owner.code} cho dòng này."
        )
    raise Conflict(
        f"Số CCCD {citizen_id} đã thuộc hộ mã {owner.code} ({owner.head_name}). Mỗi người chỉ đứng tên "
        f"chủ một hộ: hãy kiểm tra lại số CCCD, hoặc mở hộ mã {owner.code} để sửa."
    )


def citizen_id_elsewhere_message(citizen_id: str, commune_name: str) -> str:
    """The refusal for a CCCD held by a household of another commune: it names the commune, never
    that household's data (domain.md §10: a person is one person across the province, so support
    once per household, E4, holds across communes)."""
    return (f"Số CCCD {citizen_id} đã thuộc một hộ trong danh sách của {commune_name}. Mỗi người chỉ "
            f"thuộc một hộ trong toàn tỉnh (hộ chuyển đến chỉ được hỗ trợ một lần): hãy liên hệ "
            f"{commune_name} để chuyển hộ ra trước khi thêm vào xã mình.")


def held_elsewhere(session: Session, commune_id: int, citizen_ids: list[str]) -> dict[str, str]:
    """{CCCD: name of the other commune} for each of ``citizen_ids`` held by a household of a
    commune other than ``commune_id`` (looks across every commune; chunks of 500)."""
    out: dict[str, str] = {}
    ids = sorted(set(citizen_ids))
    if ids and session.execute(select(Household.id).where(Household.commune_id != commune_id).limit(1),
                               execution_options={ALL_COMMUNES: True}).first() is None:
        return out  # no household in any other commune (one commune, or the first list of a province)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Household.citizen_id, Commune.name).join(Commune, Commune.id == Household.commune_id)
            .where(Household.commune_id != commune_id, Household.citizen_id.in_(ids[start:start + 500])),
            execution_options={ALL_COMMUNES: True})
        out.update({cid: name for cid, name in rows})
    return out


def _check_unique(session: Session, values: dict[str, Any], own: Household | None) -> None:
    own_id = own.id if own is not None else None
    commune_id = own.commune_id if own is not None else default_commune_id(session)
    clash = session.execute(
        select(Household.id, Household.code, Household.head_name).where(
            Household.commune_id == commune_id, Household.code == values["code"], Household.id != (own_id or -1))
    ).first()
    if clash:
        raise Conflict(f"Mã hộ {values['code']} đã có: hộ {clash.head_name}. Hãy kiểm tra lại mã hộ.")
    if values["citizen_id"]:
        elsewhere = held_elsewhere(session, commune_id, [values["citizen_id"]])
        if elsewhere:
            raise Conflict(citizen_id_elsewhere_message(values["citizen_id"], elsewhere[values["citizen_id"]]))
        owner = session.execute(
            select(Household.id, Household.code, Household.head_name).where(
                Household.commune_id == commune_id, Household.citizen_id == values["citizen_id"])
        ).first()
        check_citizen_id_owner(values["citizen_id"], owner, own, head_name=values["head_name"])
        member = session.execute(
            select(HouseholdMember.household_id, HouseholdMember.name, Household.code)
            .join(Household, Household.id == HouseholdMember.household_id)
            .where(HouseholdMember.citizen_id == values["citizen_id"], HouseholdMember.household_id != (own_id or -1)),
            execution_options={ALL_COMMUNES: True}).first()
        if member is not None:
            raise Conflict(
                f"Số CCCD {values['citizen_id']} đã là của thành viên {member.name} trong hộ mã {member.code}. Mỗi "
                f"người chỉ thuộc một hộ: hãy kiểm tra lại số CCCD, hoặc sửa danh sách thành viên của hộ mã "
                f"{member.code} trước.")


def _apply_warning(values: dict[str, Any], warnings: list[str], confirmed: bool, stored: str | None) -> None:
    text = " ".join(warnings) or None
    if text and text != stored and not confirmed:
        raise NeedsConfirmation(warnings)
    values["citizen_id_warning"] = text


def check_household(session: Session, data: HouseholdInput, household_id: int | None = None,
                    *, form_errors: Iterable[str] = ()) -> tuple[dict[str, str], list[str]]:
    """Every mistake of the household form at once, without saving: (field name → Vietnamese
    message, the CCCD/birth year/sex warnings to confirm). Reads the household code and CCCD on
    file (a clash is an error under its field). ``form_errors``: the fields the form's own
    validators refused (e.g. a date that is not one), left out of the checks here; the view shows
    their messages. ``household_id``: the household being edited (None for a new one)."""
    own = session.get(Household, household_id) if household_id is not None else None
    skip = set(form_errors)
    try:
        values, warnings = _validate(data, today_vn().year, kept_code=own.code if own is not None else None)
        errors: dict[str, str] = {}
    except InvalidHousehold as err:
        errors = {k: v for k, v in err.field_errors.items() if k not in skip}
        values, warnings = err.values, err.warnings  # type: ignore[attr-defined]
    # A code or CCCD on file, each checked when it could be read.
    checks = [("code", {**values, "citizen_id": None}), ("citizen_id", {**values, "code": None})]
    for field_name, partial in checks:
        if field_name in errors or not partial.get(field_name) or (field_name == "citizen_id"
                                                                    and not values.get("head_name")):
            continue
        try:
            _check_unique(session, partial, own)
        except Conflict as err:
            errors[field_name] = str(err)
    if own is not None and " ".join(warnings) == (own.citizen_id_warning or ""):
        warnings = []  # confirmed before for this household
    if own is not None and not (data.reason or "").strip():
        changed = [f for f in facts_changed(own, values) if f not in errors]
        checked = checked_applications(session, own.id) if changed else []
        if checked:
            errors["reason"] = reason_message(changed, checked)
    return errors, warnings


def save_household(session: Session, data: HouseholdInput, household_id: int | None, actor: User | None,
                   send_back: SendBack | None = None) -> Household:
    """The household form saved: every mistake at once first (:func:`check_household`, raised as
    one InvalidHousehold), then :func:`register_household` (``household_id`` None) or
    :func:`update_household`. Raises InvalidHousehold, NeedsConfirmation, Conflict, NotFound;
    nothing is saved then. Returns the household, flushed."""
    errors, _warnings = check_household(session, data, household_id)
    if errors:
        raise InvalidHousehold(errors)
    if household_id is None:
        return register_household(session, data, actor)
    return update_household(session, household_id, data, actor, send_back)


def register_household(session: Session, data: HouseholdInput, actor: User | None) -> Household:
    """Create a household from the form. Returns it flushed (with its id).

    Raises InvalidHousehold (field messages), NeedsConfirmation (a CCCD/birth year/sex
    mismatch not yet confirmed), Conflict (household code or CCCD already on file).
    """
    values, warnings = _validate(data, today_vn().year)
    _check_unique(session, values, None)
    _apply_warning(values, warnings, data.confirm_citizen_id_warning, None)
    hh = Household(**household_row(values, new=True), created_by_id=actor.id if actor is not None else None)
    session.add(hh)
    session.flush()
    record_form_status(session, hh, actor)
    audit.record(session, actor, "household.create", "household", hh.id,
                 {k: [None, v] for k, v in audit.snapshot(hh, DATA_FIELDS).items() if v not in (None, False)})
    return hh


def update_household(session: Session, household_id: int, data: HouseholdInput, actor: User | None,
                     send_back: SendBack | None = None) -> Household:
    """Save the form over household ``household_id``; audits each changed field (old → new).

    A CCCD warning already confirmed for this household need not be confirmed again. A form from
    a page older than the household (``data.seen_version``: a field of the form changed since) is
    refused with StaleVersion, the household's row locked first (services.versions), so of two
    saves from the same page only the first is written. A change of a fact in
    :data:`REASON_FIELDS` on a household with a checked application (rechecks) needs
    ``data.reason`` (InvalidHousehold under «reason» else), kept as the note of the household's
    and each such application's audit entry; a change of a :data:`DECIDING_FIELDS` fact sends
    each one not yet handed over back to be checked by ``send_back`` (services.household_edit
    gives corrections.send_back; ServiceError when none is given). Raises NotFound,
    InvalidHousehold, NeedsConfirmation, Conflict, StaleVersion, the workflow's errors.
    """
    hh = versions.lock(session, Household, household_id, not_found="Không tìm thấy hộ gia đình này.")
    versions.check_unchanged(
        session, "household", hh.id, data.seen_version, fields=DATA_FIELDS,
        what=f"hộ {hh.head_name} (mã {hh.code})",
        how="Hãy mở lại trang sửa hộ (bấm «Sửa» trên trang của hộ) để xem thông tin mới nhất, rồi sửa lại.")
    values, warnings = _validate(data, today_vn().year, kept_code=hh.code)
    _check_unique(session, values, hh)
    _apply_warning(values, warnings, data.confirm_citizen_id_warning, hh.citizen_id_warning)
    changed = facts_changed(hh, values)
    checked = checked_applications(session, hh.id) if changed else []
    reason = " ".join((data.reason or "").split())[:1000] or None
    if checked and reason is None:
        raise InvalidHousehold({"reason": reason_message(changed, checked)})
    before = audit.snapshot(hh, DATA_FIELDS)
    # The form holds every field, so the keys derive from the values as saved; they are
    # rewritten on every save and not audited (they follow from the data).
    for k, v in household_row(values, new=False).items():
        setattr(hh, k, v)
    after = audit.snapshot(hh, DATA_FIELDS)
    changes = audit.diff(before, after)
    record_form_status(session, hh, actor)
    if changes:
        hh.updated_at = utcnow()
        audit.record(session, actor, "household.update", "household", hh.id, changes, note=reason)
    deciding = {f: changes[f] for f in DECIDING_FIELDS if f in changes}
    for app in checked:
        audit.record(session, actor, "application.household_facts", "application", app.id,
                     {f: changes[f] for f in REASON_FIELDS if f in changes}, note=reason)
        if deciding and State(app.state) in CORRECTABLE_BACK:
            if send_back is None:
                raise ServiceError("Hồ sơ của hộ phải được kiểm tra lại: hãy lưu qua services.household_edit.")
            send_back(session, app, reason, actor, "Sửa thông tin hộ")
    session.flush()
    return hh


def get_household(session: Session, household_id: int) -> Household:
    """The household with this id (archived ones included). Raises NotFound."""
    hh = session.get(Household, household_id)
    if hh is None:
        raise NotFound("Không tìm thấy hộ gia đình này.")
    return hh


def archive_household(session: Session, household_id: int, actor: User | None, reason: str | None = None) -> Household:
    """Hide a household from lists (soft; the record and its history stay). Audited.

    Refused (ServiceError) while the household has an application before handover: archive it
    through :func:`subsidy.services.archiving.archive_household`, which withdraws it first."""
    hh = get_household(session, household_id)
    if hh.archived:
        raise ServiceError("Hộ này đã được lưu trữ rồi.")
    # A live application would keep its place on the waiting list: services.archiving withdraws it
    # first, with the clerk's confirmation; here it is only refused, so no path skips that step.
    live = session.scalar(select(Application.tracking_code).where(
        Application.household_id == hh.id, Application.state.in_([s.value for s in BEFORE_HANDOVER])).limit(1))
    if live is not None:
        raise ServiceError(f"Hộ này còn hồ sơ {live} đang xử lý: hãy rút hồ sơ trước khi lưu trữ hộ.")
    hh.archived = True
    hh.updated_at = utcnow()
    audit.record(session, actor, "household.archive", "household", hh.id, {"archived": [False, True]},
                 note=_clean_text(reason, 500))
    session.flush()
    return hh


def restore_household(session: Session, household_id: int, actor: User | None) -> Household:
    """Bring an archived household back into the lists. Audited."""
    hh = get_household(session, household_id)
    if not hh.archived:
        raise ServiceError("Hộ này đang có trong danh sách, không cần khôi phục.")
    hh.archived = False
    hh.updated_at = utcnow()
    audit.record(session, actor, "household.restore", "household", hh.id, {"archived": [True, False]})
    session.flush()
    return hh



def household_history(session: Session, household_id: int) -> list[AuditEntry]:
    """The audit entries of one household, newest first."""
    return list(session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "household", AuditEntry.entity_id == household_id)
        .order_by(AuditEntry.id.desc())
    ))


