"""The staff menu of every page (base.html): one table of (label, endpoint, roles).

Each entry's roles are among the roles its page admits (its @roles_required), so the menu never
offers a page that would answer 403 (tests/web/test_menu_and_buttons.py checks it). A page may admit
more roles than its entry shows: the admin may open the applications but does not work on them.
"""
from __future__ import annotations

from dataclasses import dataclass

from subsidy.domain.scope import HOUSEHOLD_ENTRY_ROLES

ALL_STAFF = frozenset({"clerk", "approver", "admin", "radio"})
PROVINCE = frozenset({"province_officer", "province_approver"})


@dataclass(frozen=True)
class MenuEntry:
    """One menu link: its text, the endpoint it opens, the roles that see it."""

    label: str
    endpoint: str
    roles: frozenset[str]
    #: The endpoints the entry stands for (highlighted on them): this prefix, by default the whole
    #: blueprint of ``endpoint``. Two entries of one blueprint (the admin's accounts and the log)
    #: each name their own; the longest matching prefix wins.
    pages: str = ""

    @property
    def blueprint(self) -> str:
        """The blueprint of ``endpoint``."""
        return self.endpoint.split(".")[0]

    @property
    def prefix(self) -> str:
        return self.pages or self.blueprint + "."

    def is_on(self, endpoint: str | None) -> bool:
        """True when the page ``endpoint`` ("admin.audit_log") is this entry's and no other entry
        names it more closely."""
        if not endpoint or not endpoint.startswith(self.prefix):
            return False
        return not any(e is not self and endpoint.startswith(e.prefix) and len(e.prefix) > len(self.prefix)
                       for e in MENU)


MENU: tuple[MenuEntry, ...] = (
    MenuEntry("Tỉnh", "province.index", PROVINCE),
    MenuEntry("Hộ gia đình", "households.index", frozenset({"clerk", "approver", "admin"}) | PROVINCE),
    MenuEntry("Nhập danh sách", "imports.new", HOUSEHOLD_ENTRY_ROLES),
    MenuEntry("Hồ sơ", "applications.index", frozenset({"clerk", "approver"}) | PROVINCE),
    MenuEntry("Danh sách", "lists.index", frozenset({"clerk", "approver"}) | PROVINCE),
    MenuEntry("Biên bản", "receipts.index", frozenset({"clerk", "approver"})),
    MenuEntry("Khiếu nại", "complaints.index", frozenset({"clerk", "approver"}) | PROVINCE),
    MenuEntry("Báo cáo", "reports.tally", frozenset({"clerk", "approver", "admin"}) | PROVINCE),
    MenuEntry("Số liệu phát thanh", "radio.index", ALL_STAFF),
    MenuEntry("Bộ quy tắc", "rulesets.index", frozenset({"admin", "clerk", "approver"})),
    MenuEntry("Xã", "communes.index", frozenset({"admin"})),
    MenuEntry("Tài khoản", "admin.users_index", frozenset({"admin"})),
    MenuEntry("Nhật ký", "admin.audit_log", frozenset({"admin", "approver"}), pages="admin.audit_log"),
    MenuEntry("Sao lưu", "backups.index", frozenset({"admin"})),
    MenuEntry("Cài đặt", "settings.edit", frozenset({"admin"})),
)


def menu_for(role: str | None) -> list[MenuEntry]:
    """The entries of MENU that ``role`` sees, in menu order (none for no role)."""
    return [entry for entry in MENU if role in entry.roles]
