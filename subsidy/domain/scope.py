"""Who reaches which commune's data (domain.md §10): the scope of an actor, pure Python.

An instance serves one province. Commune staff (``clerk``, ``approver``, ``radio``) belong to one
commune and reach nothing of another; the province's roles (``province_officer``,
``province_approver``) see every commune (read-only, except allocations and, for the approver, the
province's approval of lists); ``admin`` manages communes, hamlets and accounts.
"""
from __future__ import annotations

from dataclasses import dataclass

from subsidy.domain import vn

#: Roles bound to exactly one commune (users.commune_id NOT NULL for them).
COMMUNE_ROLES: frozenset[str] = frozenset({"clerk", "approver", "radio"})
#: Roles of the province's department (Sở KH&CN): every commune, no commune of their own.
PROVINCE_ROLES: frozenset[str] = frozenset({"province_officer", "province_approver"})
#: Roles whose holders' names print on documents, so their accounts need a full name: the clerk gives
#: the phones and the cash and signs slips, receipts and lists («NGƯỜI GIAO», «NGƯỜI LẬP DANH SÁCH»);
#: the approvers approve lists; the province officer draws up the province's reports («NGƯỜI LẬP
#: BIỂU»). A document never prints a login name instead (Nghị định 30/2020/NĐ-CP, Phụ lục I: the
#: signer's full name).
SIGNING_ROLES: frozenset[str] = frozenset({"clerk", "approver", "province_officer", "province_approver"})
#: Roles that see CCCD numbers and phones in full (:func:`sees_personal_data`): the commune's clerk and
#: approver, who work with the households; every other role sees them masked.
PERSONAL_DATA_ROLES: frozenset[str] = frozenset({"clerk", "approver"})
#: Roles that see a household's poverty status (:func:`sees_poverty_status`): its category (hộ
#: nghèo / cận nghèo), the list and decision that named it, its yearly status records and the
#: priority tier that follows from them (domain.md §2 E1, §3). The commune's clerk and approver
#: work the cases; the province's officer divides the phones and its approver approves lists whose
#: order depends on it.
POVERTY_STATUS_ROLES: frozenset[str] = frozenset({"clerk", "approver", "province_officer", "province_approver"})
#: What a page, an export cell, a PDF or the audit log shows in place of a poverty status its
#: reader does not see: a mark that says it is withheld, never an empty cell that reads as «not on
#: file».
POVERTY_HIDDEN = "(ẩn)"
#: Why a list or the API refuses to filter by category for such a reader.
POVERTY_FILTER_REFUSAL = ("Tài khoản của bạn không được xem tình trạng nghèo, cận nghèo của từng hộ, nên không lọc "
                          "được theo phân loại hộ hay mức ưu tiên: hãy bỏ bộ lọc này (category, tier).")
#: Roles that add a household, correct it and import the household list (domain.md §9–§10): the
#: commune's clerk, who receives the households and their papers. The list and the household form
#: carry every head's and member's CCCD and phone in full, which only :data:`PERSONAL_DATA_ROLES`
#: see; the admin archives and restores a household but never adds or edits one, and the approver
#: decides on what the clerk entered.
HOUSEHOLD_ENTRY_ROLES: frozenset[str] = frozenset({"clerk"})
#: Why another role may not add, edit or import households, by what that role does instead (the 403
#: of the pages and the refusal of the import service, the CLI's ``--user`` included): see
#: :func:`household_entry_refusal`.
_ENTRY_IS_THE_CLERKS = "Nhập danh sách hộ và thêm, sửa thông tin hộ là việc của công chức xã"
_ASK_THE_CLERK = "Hãy nhờ công chức của xã nhập danh sách hoặc sửa thông tin hộ."
_ENTRY_REFUSAL_REASONS: dict[str, str] = {
    "approver": ("lãnh đạo xã xét duyệt danh sách và quyết định hồ sơ mà công chức đã lập, "
                 "nên không tự nhập hay sửa dữ liệu mình sẽ duyệt"),
    "province_approver": ("lãnh đạo tỉnh phê duyệt danh sách mà xã đã lập, "
                          "nên không tự nhập hay sửa dữ liệu mình sẽ duyệt"),
    "province_officer": ("cán bộ tỉnh phân bổ máy và theo dõi tiến độ các xã; danh sách mang số CCCD và số "
                         "điện thoại của từng người, mà tài khoản cán bộ tỉnh không được xem"),
    "admin": ("quản trị hệ thống lo tài khoản, cài đặt và sao lưu; danh sách mang số CCCD và số điện thoại "
              "của từng người, mà tài khoản quản trị không được xem"),
    "radio": "đài truyền thanh chỉ xem số liệu tổng hợp, không xem thông tin của từng hộ",
}


def household_entry_refusal(role: str | None) -> str:
    """Why an account with ``role`` may not add, edit or import households (Vietnamese, one
    paragraph): the entry is the clerk's (:data:`HOUSEHOLD_ENTRY_ROLES`), with what this role does
    instead — the approver decides on what the clerk entered, the admin and the province's officer
    do not see the CCCD and phone the list carries (:func:`sees_personal_data`), the radio sees
    counts only — and whom to ask. Never raises (an unknown role or None gets the general reason)."""
    reason = _ENTRY_REFUSAL_REASONS.get(role or "")
    return f"{_ENTRY_IS_THE_CLERKS}: {reason}. {_ASK_THE_CLERK}" if reason else f"{_ENTRY_IS_THE_CLERKS}. {_ASK_THE_CLERK}"


#: Every staff role, in the order the account forms offer them.
ALL_ROLES: tuple[str, ...] = ("clerk", "approver", "radio", "province_officer", "province_approver", "admin")

#: Approval levels of a commune's proposal lists (domain.md §5: "cấp có thẩm quyền" is a setting).
APPROVAL_COMMUNE = "commune"
APPROVAL_PROVINCE = "province"
APPROVAL_LEVELS: tuple[str, ...] = (APPROVAL_COMMUNE, APPROVAL_PROVINCE)


def role_signs(role: str) -> bool:
    """True for the roles of :data:`SIGNING_ROLES` (their accounts need a full name)."""
    return role in SIGNING_ROLES


def sees_personal_data(role: str | None) -> bool:
    """True when ``role`` sees CCCD numbers and phones in full: the head's and the members' alike,
    on every page, export (CSV, XLSX, PDF) and API answer; the roles of :data:`PERSONAL_DATA_ROLES`.
    The one place that decides (domain.md §9–§10; Nghị định 13/2023/NĐ-CP); the masking filters
    (web.filters ``pid``/``pphone``), the household page's members, the list exports and the JSON API
    all ask it.

    Only the commune's staff who work with the households need the numbers: the clerk receives
    applications, checks a recipient's căn cước at a handover and calls households; the approver
    decides on lists and refusals of the same people. The others see both masked (vn.mask_id,
    vn.mask_phone) and search a number only as far as they see it (households.search_condition
    ``personal``), so a search cannot reveal what the page hides:

    * ``admin`` is the technical administrator (communes, accounts, tokens, rule sets, backups,
      the audit log): none of that needs anyone's ID, and §9 asks to give personal data only to
      those the programme needs it for, so the admin's pages, exports and token read it masked;
    * the province's roles follow progress across communes and need no one's ID;
    * ``radio`` sees counts only, never a person (domain.md §8).

    False for no role at all."""
    return role in PERSONAL_DATA_ROLES


def sees_poverty_status(role: str | None) -> bool:
    """True when ``role`` sees a household's poverty status (:data:`POVERTY_STATUS_ROLES`): its
    category, list year and decision, its yearly status records, the status in force and the
    priority tier (P3/P4 tell poor from near-poor). The one place that decides (domain.md §9–§10);
    the household and application pages and their filters, the list exports (CSV, XLSX, PDF), the
    JSON API and the audit log all ask it, and show :data:`POVERTY_HIDDEN` instead.

    ``admin`` manages accounts, settings and communes and archives or restores households: none of
    that needs a household's status. ``radio`` and the public see counts only. False for no role."""
    return role in POVERTY_STATUS_ROLES


def enters_households(role: str | None) -> bool:
    """True when ``role`` may add, correct and import households (:data:`HOUSEHOLD_ENTRY_ROLES`:
    the clerk); False for every other role and for no role. Refused others are told
    :func:`household_entry_refusal`."""
    return role in HOUSEHOLD_ENTRY_ROLES


#: The commune's staff a denunciation about the programme may name: those who work its cases.
NAMEABLE_COMMUNE_ROLES: frozenset[str] = frozenset({"clerk", "approver"})


def may_be_named(role: str, user_commune_id: int | None, case_commune_id: int | None,
                 approval_level: str = APPROVAL_COMMUNE) -> bool:
    """True when an account with ``role`` (bound to ``user_commune_id``) may be named by a
    denunciation (tố cáo) recorded in commune ``case_commune_id``, whose lists are approved at
    ``approval_level`` (APPROVAL_COMMUNE or APPROVAL_PROVINCE). The staff who act on that commune's
    programme (domain.md §10): its own clerks and approvers (:data:`NAMEABLE_COMMUNE_ROLES`), never
    another commune's; the province's officer, who divides the phones among every commune; the
    province's approver only where the province approves the commune's lists (§5, §10). Radio and
    admin accounts work on no household's case."""
    if role in NAMEABLE_COMMUNE_ROLES:
        return case_commune_id is not None and user_commune_id == case_commune_id
    if role == "province_officer":
        return True
    if role == "province_approver":
        return approval_level == APPROVAL_PROVINCE
    return False


#: Every field of every kind of record that holds a person's CCCD or phone, by the names the
#: services give them in the audit log (AuditEntry.changes, per ``entity_type``), and how each is
#: masked for a reader who does not see them (:func:`sees_personal_data`): "id" (vn.mask_id),
#: "phone" (vn.mask_phone), "id_text" (a sentence quoting a CCCD: vn.mask_ids_in_text). A field
#: name means what its record means by it: a household's ``phone`` is the family's number, a
#: handover's ``phone`` the make and model of the phone handed over (not personal).
#: Records with none: applications (dates, form, evidence), complaints (the register records no
#: ID or phone; a denouncer's name is kept out of the log), members (the log names them only
#: "Lê Thị Lan (Vợ, 1972)"), lists, receipts, accounts. tests/services/test_audit_personal_fields.py
#: checks every model column holding a CCCD or phone is named here or never logged.
PERSONAL_FIELDS: dict[str, dict[str, str]] = {
    "household": {"citizen_id": "id", "phone": "phone", "citizen_id_warning": "id_text"},
    "handover": {"recipient_citizen_id": "id", "subscriber_number": "phone"},
    "cash_payment": {"recipient_citizen_id": "id"},
}
_MASKS = {"id": vn.mask_id, "phone": vn.mask_phone, "id_text": vn.mask_ids_in_text}


def shown_value(entity_type: str, field: str, value: object, in_full: bool) -> object:
    """``value`` of ``field`` of a record of kind ``entity_type`` (an audit entry's change) as a
    reader sees it: a CCCD or phone (:data:`PERSONAL_FIELDS`) in full when ``in_full`` (the reader's
    role passes :func:`sees_personal_data`), else masked; any other value as is (also a non-text or
    empty one). The one rule the audit log's page and its export follow (domain.md §9)."""
    kind = PERSONAL_FIELDS.get(entity_type, {}).get(field)
    if kind is None or in_full or not isinstance(value, str) or not value:
        return value
    return _MASKS[kind](value)


#: Every changed field, per kind of record (AuditEntry.entity_type), that holds a household's poverty
#: status, shown as :data:`POVERTY_HIDDEN` to a reader who does not see it (:func:`sees_poverty_status`):
#: a household's category, the list year and decision that named it, and its yearly status records
#: (logged as ``status_<year>`` by the import of a year's list); an application's priority tier.
POVERTY_FIELDS: dict[str, frozenset[str]] = {
    "household": frozenset({"category", "list_year", "decision_number", "decision_date"}),
    "application": frozenset({"priority_tier"}),
}


#: Eligibility rules whose explanation quotes the household's poverty status (E1: on the list in
#: force, which list and category), withheld with it on the application's page.
POVERTY_RULES: frozenset[str] = frozenset({"E1"})
#: Audit actions whose note is a poverty status's reason (the import's «not on the list» and why),
#: withheld with the status.
POVERTY_NOTE_ACTIONS: frozenset[str] = frozenset({"household.status"})


def is_poverty_field(entity_type: str, field: str) -> bool:
    """True when ``field`` of a record of kind ``entity_type`` holds a poverty status
    (:data:`POVERTY_FIELDS`, or a household's ``status_<year>``)."""
    if entity_type == "household" and field.startswith("status_") and field[7:].isdigit():
        return True
    return field in POVERTY_FIELDS.get(entity_type, ())


def role_needs_commune(role: str) -> bool:
    """True for the roles that belong to one commune (clerk, approver, radio)."""
    return role in COMMUNE_ROLES


@dataclass(frozen=True)
class Scope:
    """What an actor reaches: ``commune_id`` (int) for commune staff, or None with ``province`` True
    for the province's roles and admin (every commune). ``role``: the staff role."""

    commune_id: int | None
    province: bool
    role: str

    @classmethod
    def of(cls, role: str, commune_id: int | None) -> "Scope":
        """The scope of an account with ``role`` bound to ``commune_id`` (None for province roles
        and admin). Raises ValueError when a commune role has no commune."""
        if role in COMMUNE_ROLES:
            if commune_id is None:
                raise ValueError(f"role {role} needs a commune")
            return cls(commune_id, False, role)
        return cls(None, True, role)

    def reaches(self, commune_id: int | None) -> bool:
        """True when this scope may see data of ``commune_id``."""
        return self.province or (commune_id is not None and commune_id == self.commune_id)


class CommuneRequired(ValueError):
    """The instance has several communes and the work did not say which one (CLI: --commune)."""
