"""Who reaches which commune's data (domain.md §10): the scope of an actor, pure Python.

An instance serves one province. Commune staff (``clerk``, ``approver``, ``radio``) belong to one
commune and reach nothing of another; the province's roles (``province_officer``,
``province_approver``) see every commune (read-only, except allocations and, for the approver, the
province's approval of lists); ``admin`` manages communes, hamlets and accounts.
"""
from __future__ import annotations

from dataclasses import dataclass

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
    """True when ``role`` sees a household's CCCD and phone in full (commune staff, admin); False
    for the province's roles, who follow progress and need no one's ID: their pages and the API
    show both masked (vn.mask_id, vn.mask_phone), and their searches match a number only as far
    as they can see it (households.search_condition ``personal``), so a search cannot reveal
    what the page hides. False for no role at all. The one place that decides (domain.md §9–§10;
    Nghị định 13/2023/NĐ-CP)."""
    return role is not None and role not in PROVINCE_ROLES


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
