"""Vietnamese labels of the audit log's action codes ("household.update" → "Sửa thông tin hộ"),
so a page never shows a raw code. Pure Python (no Flask, no SQLAlchemy).

Who saw or changed personal data is logged (domain.md §9): changes ("household.update"), views on
the web ("household.view", "application.view") and reads through the API ("api.household.read").
``is_view`` tells the two apart, so a page can list views apart from changes.
"""
from __future__ import annotations

from subsidy.domain.workflow import TRANSITIONS

#: Actions that only read (who saw personal data); everything else changed something.
VIEW_ACTIONS = frozenset({
    "household.view", "application.view", "receipt.view",
    "api.household.read", "api.household.list", "api.application.read", "api.application.list",
})

ACTION_LABELS: dict[str, str] = {
    # households
    "household.create": "Tạo hồ sơ hộ",
    "household.update": "Sửa thông tin hộ",
    "household.archive": "Lưu trữ hộ",
    "household.restore": "Khôi phục hộ",
    "household.import": "Nhập danh sách hộ từ tệp",
    "household.prior_device": "Ghi thiết bị hộ đã nhận",
    "household.view": "Xem hồ sơ hộ trên web",
    # applications (the workflow moves are below, from domain.workflow)
    "application.create": "Tiếp nhận hồ sơ đề nghị",
    "application.check": "Kiểm tra điều kiện",
    "application.recheck": "Kiểm tra lại điều kiện",
    "application.purchase_date": "Sửa ngày hộ mua điện thoại",
    "application.reopen_list": "Mở lại hồ sơ sau khi danh sách bị hủy",
    "application.reopen": "Mở lại hồ sơ",
    "application.view": "Xem hồ sơ đề nghị trên web",
    # the API (per-account tokens)
    "api.household.read": "Xem hồ sơ hộ qua API",
    "api.household.list": "Tra danh sách hộ qua API",
    "api.application.read": "Xem hồ sơ đề nghị qua API",
    "api.application.list": "Tra danh sách hồ sơ qua API",
    # allocations, lists, handovers, payments, receipts
    "allocation.create": "Ghi phân bổ máy",
    "allocation.void": "Hủy phân bổ máy",
    "proposal_list.create": "Lập danh sách đề nghị",
    "proposal_list.approve": "Ghi phê duyệt danh sách",
    "proposal_list.correct_decision": "Sửa số, ngày hoặc cơ quan của quyết định phê duyệt danh sách",
    "proposal_list.remove_entry": "Bỏ hồ sơ khỏi danh sách đề nghị đang lập",
    "proposal_list.export": "Tải danh sách (có số CCCD)",
    "handover.create": "Lập biên bản bàn giao",
    "handover.void": "Hủy biên bản bàn giao",
    "cash_payment.create": "Lập giấy biên nhận tiền hỗ trợ",
    "cash_payment.void": "Hủy giấy biên nhận tiền hỗ trợ",
    "receipt.print": "In biên bản/giấy biên nhận",
    "receipt.view": "Xem biên bản/giấy biên nhận trên web",
    # rule sets
    "rule_set.load": "Nạp bộ quy tắc",
    "rule_set.activate": "Áp dụng bộ quy tắc",
    "rule_set.deactivate": "Ngừng áp dụng bộ quy tắc",
    # accounts
    "user.create": "Tạo tài khoản",
    "user.role": "Đổi vai trò tài khoản",
    "user.active": "Khóa/mở tài khoản",
    "user.locked": "Tạm khóa do sai mật khẩu nhiều lần",
    "user.unlock": "Gỡ tạm khóa đăng nhập",
    "user.password_change": "Đổi mật khẩu",
    "user.password_reset": "Cấp lại mật khẩu",
    "api_token.create": "Tạo mã truy cập API",
    "api_token.revoke": "Thu hồi mã truy cập API",
}

# Every workflow move is audited as "application.<move name>" (services.workflow.move): its label
# is the move's own Vietnamese label, unless the table above words it for the log.
for _move in TRANSITIONS.values():
    ACTION_LABELS.setdefault(f"application.{_move.name}", _move.label)

ENTITY_LABELS: dict[str, str] = {
    "household": "hộ gia đình", "application": "hồ sơ đề nghị", "allocation": "phân bổ",
    "proposal_list": "danh sách", "handover": "biên bản bàn giao", "cash_payment": "giấy biên nhận tiền",
    "receipt": "biên bản", "rule_set": "bộ quy tắc", "user": "tài khoản", "api_token": "mã truy cập API",
    "import": "lần nhập danh sách",
}


def is_view(action: str) -> bool:
    """True for an action that only read personal data (a page view, an API read or list)."""
    return action in VIEW_ACTIONS or action.endswith(".view") or (
        action.startswith("api.") and action.endswith((".read", ".list")))


def action_label(action: str) -> str:
    """The Vietnamese label of an audit action code. An unknown code (added later without a label)
    gets a generic Vietnamese phrase naming its kind of record, never the code itself."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    parts = action.split(".")
    entity = parts[1] if parts[0] == "api" and len(parts) > 1 else parts[0]
    what = ENTITY_LABELS.get(entity, "hồ sơ")
    if is_view(action):
        return f"Xem {what}" + (" qua API" if action.startswith("api.") else "")
    return f"Thay đổi {what}"
