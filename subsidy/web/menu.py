"""The staff menu of every page (base.html): one table of (label, endpoint, roles).

Each entry's roles are among the roles its page admits (its @roles_required), so the menu never
offers a page that would answer 403 (tests/web/test_menu_and_buttons.py checks it). A page may admit
more roles than its entry shows: the admin may open the applications but does not work on them.
"""
from __future__ import annotations

from dataclasses import dataclass

ALL_STAFF = frozenset({"clerk", "approver", "admin", "radio"})
PROVINCE = frozenset({"province_officer", "province_approver"})


@dataclass(frozen=True)
class MenuEntry:
    """One menu link: its text, the endpoint it opens, the roles that see it."""

    label: str
    endpoint: str
    roles: frozenset[str]

    @property
    def blueprint(self) -> str:
        """The blueprint of ``endpoint``: the entry is highlighted on every page of it."""
        return self.endpoint.split(".")[0]


MENU: tuple[MenuEntry, ...] = (
    MenuEntry("Tỉnh", "province.index", PROVINCE),
    MenuEntry("Hộ gia đình", "households.index", frozenset({"clerk", "approver", "admin"}) | PROVINCE),
    MenuEntry("Nhập danh sách", "imports.new", frozenset({"clerk", "admin"})),
    MenuEntry("Hồ sơ", "applications.index", frozenset({"clerk", "approver"}) | PROVINCE),
    MenuEntry("Danh sách", "lists.index", frozenset({"clerk", "approver"}) | PROVINCE),
    MenuEntry("Biên bản", "receipts.index", frozenset({"clerk", "approver"})),
    MenuEntry("Báo cáo", "reports.tally", frozenset({"clerk", "approver", "admin"}) | PROVINCE),
    MenuEntry("Số liệu phát thanh", "radio.index", ALL_STAFF),
    MenuEntry("Bộ quy tắc", "rulesets.index", frozenset({"admin", "clerk", "approver"})),
    MenuEntry("Xã", "communes.index", frozenset({"admin"})),
    MenuEntry("Tài khoản", "admin.users_index", frozenset({"admin"})),
    MenuEntry("Nhật ký", "admin.audit_log", frozenset({"admin", "approver"})),
    MenuEntry("Sao lưu", "backups.index", frozenset({"admin"})),
    MenuEntry("Cài đặt", "settings.edit", frozenset({"admin"})),
)


def menu_for(role: str | None) -> list[MenuEntry]:
    """The entries of MENU that ``role`` sees, in menu order (none for no role)."""
    return [entry for entry in MENU if role in entry.roles]
