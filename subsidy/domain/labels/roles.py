"""Staff roles in words, and a staff account as a choice or a case names it."""
from __future__ import annotations

#: Staff role (models.user.Role) → label, in the order the account forms offer them.
ROLE_LABELS: dict[str, str] = {
    "clerk": "Công chức VP-TK",
    "approver": "Lãnh đạo xã (phê duyệt)",
    "radio": "Đài truyền thanh xã",
    "province_officer": "Cán bộ tỉnh (Sở KH&CN)",
    "province_approver": "Lãnh đạo tỉnh (phê duyệt)",
    "admin": "Quản trị",
}


def staff_label(full_name: str | None, username: str, role: str) -> str:
    """A staff account as a choice or a case names it, so two people of the same full name are told
    apart: "Nguyễn Văn An — canbo-an, Công chức VP-TK" (the full name, then the username and the role's
    label); an account with no full name: "canbo-an — Công chức VP-TK"."""
    role_label = ROLE_LABELS.get(role, role)
    if full_name:
        return f"{full_name} — {username}, {role_label}"
    return f"{username} — {role_label}"
