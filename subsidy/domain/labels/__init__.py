"""Every Vietnamese label the product shows for a code: household category, prior device, priority
tier, eligibility rule (E1–E5) and its outcome, application state and workflow step, form of
support and its receipt, staff role, audit action; complaints' labels in labels/complaints.py, jobs' in jobs.py.

One table per kind of code, so a page, a PDF, a spreadsheet, the JSON API and the audit log name a
thing the same way, and a change of wording is made once. Where one code is worded differently on
purpose (a rule's condition and the reason a household failed it; a form of support on a form, on
the intake slip and in a list's narrow column), the wordings sit side by side in one entry.

A label table maps the stored code (a ``str``) to its label; an unknown code is the caller's to
show (most callers fall back to the code itself, never to a blank).

Pure Python: imports nothing (no Flask, no SQLAlchemy, no other domain module), so every layer,
the workflow table included, can import it.
"""
from __future__ import annotations

from dataclasses import dataclass
from subsidy.domain.labels.complaints import *  # noqa: F401,F403  (complaints' labels: labels/complaints.py)
from subsidy.domain.labels.jobs import JOB_LABELS
from subsidy.domain.labels.roles import ROLE_LABELS, staff_label  # noqa: F401 (staff roles: labels/roles.py)
from subsidy.domain.labels.standing import CITIZEN_ID_KIND_LABELS, NOT_LISTED_WORDS, UNCLASSIFIED_LABEL, YEAR_STATUS_FIELD
from subsidy.domain.labels.sentence import in_sentence, sentence_start  # noqa: F401 (the first letter's rule)
from subsidy.domain.labels.settings import RECORD_FIELD_LABELS  # a commune's, the settings'

# --------------------------------------------------------------------------------------------
# Households (domain.md §2 E1, E2)
# --------------------------------------------------------------------------------------------

#: Poverty category (Nghị định 07/2021/NĐ-CP); left_poor: for a rule set that makes it eligible (TT14 does not).
CATEGORY_LABELS: dict[str, str] = {"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo", "left_poor": "Hộ mới thoát nghèo"}
#: The same words inside a sentence ("Là hộ nghèo trong danh sách năm 2026").
CATEGORY_WORDS: dict[str, str] = {code: in_sentence(label) for code, label in CATEGORY_LABELS.items()}
NO_CATEGORY = UNCLASSIFIED_LABEL  #: a report row for households with no category on file (the one label: labels.standing)

#: What a sheet of the annual review's workbook holds (domain.household_list.sheet_kind).
SHEET_KIND_LABELS: dict[str, str] = {
    "list": "Danh sách hộ nghèo, hộ cận nghèo", "left_poor": "Hộ thoát nghèo", "left_near_poor": "Hộ thoát cận nghèo",
}
#: What an import does with a household listed on a "left poverty" sheet.
LEFT_OUTCOME_LABELS: dict[str, str] = {
    "still_listed": "Vẫn có trong danh sách năm này (loại khác)", "leaves": "Không còn trong danh sách năm này",
    "not_on_file": "Chưa có trong hệ thống", "error": "Lỗi"}

#: Prior device support as recorded on the household (E2).
PRIOR_DEVICE_LABELS: dict[str, str] = {
    "unknown": "Chưa ghi nhận",
    "none": "Chưa nhận thiết bị nào",
    "vtci_tablet": "Đã nhận máy tính bảng (VTCI)",
    "learning_device": "Đã nhận thiết bị học tập («Sóng và máy tính cho em»)",
}
#: The same values as answers to "has the household received a tablet or learning device before?"
#: (the choice on the application page); "unknown" is not an answer one can choose.
PRIOR_DEVICE_CHOICES: dict[str, str] = {
    "none": "Chưa nhận máy tính bảng hay thiết bị học tập nào",
    "vtci_tablet": "Đã nhận máy tính bảng của Chương trình VTCI",
    "learning_device": "Đã nhận thiết bị học tập («Sóng và máy tính cho em»)",
}
#: The device received, as the object of a sentence ("Hộ đã nhận …" in an E2 result).
PRIOR_DEVICE_WORDS: dict[str, str] = {
    "vtci_tablet": "máy tính bảng của Chương trình VTCI",
    "learning_device": "thiết bị học tập trực tuyến của Chương trình «Sóng và máy tính cho em»",
}

# --------------------------------------------------------------------------------------------
# Priority tiers (domain.md §3)
# --------------------------------------------------------------------------------------------

#: The tiers as the tally's rows name them (tier number → label; None: no tier yet). A rule set's
#: own wording of its tiers is data of that rule set (rules.tier_label), not a label of this table.
TIER_LABELS: dict[int | None, str] = {
    1: "P1 - Hộ có công với cách mạng",
    2: "P2 - Gia đình chính sách xã hội",
    3: "P3 - Hộ nghèo",
    4: "P4 - Hộ cận nghèo",
    None: "Chưa xếp nhóm ưu tiên",
}

# --------------------------------------------------------------------------------------------
# Eligibility rules (domain.md §2; Thông tư 14/2022/TT-BTTTT, Chương IV, Mục 2)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleLabel:
    """The two wordings of one eligibility rule. ``title``: the condition a household must meet,
    in the words of domain.md §2 (the rule set page, each result of a check). ``failed``: why a
    household that failed it is not eligible (the tally's "Không đủ điều kiện theo lý do" rows).
    They read as opposites on purpose: E2's title is "Chưa nhận …", its reason "Đã nhận …"."""

    title: str
    failed: str

RULE_LABELS: dict[str, RuleLabel] = {
    "E1": RuleLabel("Hộ nghèo hoặc hộ cận nghèo trong danh sách của năm",
                    "Không thuộc hộ nghèo, hộ cận nghèo"),
    "E2": RuleLabel("Chưa nhận máy tính bảng hoặc thiết bị học tập trực tuyến trước khi phân bổ điện thoại",
                    "Đã nhận máy tính bảng hoặc thiết bị học tập trực tuyến trước khi phân bổ điện thoại"),
    "E3": RuleLabel("Có nhu cầu (đã nộp hồ sơ) và có tên trong danh sách được phê duyệt",
                    "Chưa đăng ký hoặc không có trong danh sách được phê duyệt"),
    "E4": RuleLabel("Chưa nhận hỗ trợ điện thoại thông minh (mỗi hộ một lần)",
                    "Đã được hỗ trợ điện thoại thông minh"),
    "E5": RuleLabel("Hỗ trợ bằng tiền: tự mua điện thoại từ ngày áp dụng trở đi",
                    "Mua máy trước ngày áp dụng (hỗ trợ bằng tiền)"),
}
#: E5's reason when the cut-off of the rule set in force is known: the date comes from the rule
#: set's data (``cash_cutoff``), never from this table.
E5_FAILED_BEFORE = "Mua máy trước ngày {cutoff} (hỗ trợ bằng tiền)"
#: rule id → its condition (``RuleLabel.title``), in rule order, for pages that list the rules.
RULE_TITLES: dict[str, str] = {rule: label.title for rule, label in RULE_LABELS.items()}


def rule_title(rule: str) -> str:
    """The condition of rule ``rule`` ("E2" → "Chưa nhận máy tính bảng …"); a rule id this table
    does not know (a newer rule set) is shown as itself."""
    label = RULE_LABELS.get(rule)
    return label.title if label else rule


def rule_failed_label(rule: str, cash_cutoff: str | None = None) -> str:
    """Why a household failed rule ``rule`` ("E2" → "Đã nhận máy tính bảng …"); an unknown rule id
    is shown as itself. ``cash_cutoff``: the E5 cut-off of the rule set in force, as printed
    ("12/12/2022"), for "Mua máy trước ngày 12/12/2022 …"; without it E5 says "ngày áp dụng"."""
    if rule == "E5" and cash_cutoff:
        return E5_FAILED_BEFORE.format(cutoff=cash_cutoff)
    label = RULE_LABELS.get(rule)
    return label.failed if label else rule


#: Outcome of an eligibility check (rules.Decision.outcome).
OUTCOME_LABELS: dict[str, str] = {
    "eligible": "Đủ điều kiện",
    "not_eligible": "Không đủ điều kiện",
    "undecided": "Chưa đủ thông tin để kết luận",
}
#: The same outcomes in a table's narrow column (the rule-set preview).
OUTCOME_SHORT_LABELS: dict[str, str] = {"eligible": "Đủ điều kiện", "not_eligible": "Không đủ", "undecided": "Chưa kết luận"}
#: The home page's list of checks whose E2 no longer holds (services.recheck), named by messages sending people there.
E2_RECHECK_TITLE = "Hồ sơ cần kiểm tra lại điều kiện E2"
#: Status of one rule in a check (rules.RuleResult.status).
RULE_STATUS_LABELS: dict[str, str] = {
    "passed": "Đạt",
    "failed": "Không đạt",
    "unknown": "Chưa xác định",
    "not_applicable": "Không áp dụng",
}

# --------------------------------------------------------------------------------------------
# Applications: states and workflow steps (domain.md §5)
# --------------------------------------------------------------------------------------------

#: Application state (workflow.State) → label.
STATE_LABELS: dict[str, str] = {
    "received": "Đã tiếp nhận",
    "eligible": "Đủ điều kiện",
    "not_eligible": "Không đủ điều kiện",
    "proposed": "Đã đưa vào danh sách đề nghị",
    "approved": "Đã được phê duyệt",
    "handed_over": "Đã bàn giao điện thoại",
    "paid": "Đã chi hỗ trợ bằng tiền",
    "closed": "Đã hoàn tất",
    "withdrawn": "Đã rút hồ sơ",
    "refused": "Bị từ chối",
}

#: A workflow step (workflow.Move.name) as its button and the workflow's messages name it.
#: Reopening reads differently by where it starts: see REOPEN_LABELS.
MOVE_LABELS: dict[str, str] = {
    "check": "Kiểm tra điều kiện",
    "recheck": "Kiểm tra lại",
    "propose": "Đưa vào danh sách đề nghị",
    "unpropose": "Rút khỏi danh sách đề nghị",
    "approve": "Phê duyệt",
    "hand_over": "Bàn giao điện thoại",
    "pay": "Chi hỗ trợ bằng tiền",
    "void_handover": "Hủy biên bản bàn giao",
    "void_payment": "Hủy giấy biên nhận",
    "close": "Hoàn tất hồ sơ",
    "withdraw": "Rút hồ sơ (theo đề nghị của hộ)",
    "refuse": "Từ chối hồ sơ",
    "correct": "Sửa thông tin hồ sơ (kiểm tra lại từ đầu)",
}
#: The "reopen" step by the state it starts from (the household applies again; a refusal is
#: reconsidered).
REOPEN_LABELS: dict[str, str] = {
    "withdrawn": "Mở lại hồ sơ (hộ nộp lại)",
    "refused": "Mở lại hồ sơ bị từ chối",
}

# --------------------------------------------------------------------------------------------
# Forms of support (domain.md §4)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupportFormLabel:
    """One form of support in the words of each place it is shown. ``choice``: the application
    form and page; ``printed``: the intake slip the household keeps; ``column``: a printed list's
    narrow "Hình thức" column."""

    choice: str
    printed: str
    column: str


SUPPORT_FORM_LABELS: dict[str, SupportFormLabel] = {
    "package": SupportFormLabel(choice="Gói hỗ trợ kết hợp (nhận điện thoại)",
                                printed="Gói hỗ trợ kết hợp (nhận điện thoại kèm gói cước)",
                                column="Gói hỗ trợ kết hợp"),
    "cash": SupportFormLabel(choice="Hỗ trợ bằng tiền (hộ đã tự mua máy)",
                             printed="Hỗ trợ bằng tiền (hộ đã tự mua điện thoại thông minh)",
                             column="Bằng tiền"),
}

#: The facts of an application a clerk may correct (with a reason), as the correction form and
#: its messages name them.
APPLICATION_FIELD_LABELS: dict[str, str] = {
    "received_on": "Ngày nhận hồ sơ",
    "support_form": "Hình thức hỗ trợ",
    "purchase_date": "Ngày hộ mua điện thoại",
    "evidence_note": "Giấy tờ đã xem",
}

#: The two receipts (domain.receipt.KIND_HANDOVER / KIND_CASH), as the pages and messages name them.
RECEIPT_KIND_LABELS: dict[str, str] = {"handover": "Biên bản bàn giao", "cash": "Giấy biên nhận"}

#: A receipt's standing, as the receipts list filters and prints it.
RECEIPT_STATUS_LABELS: dict[str, str] = {"valid": "Còn hiệu lực", "voided": "Đã hủy"}

# --------------------------------------------------------------------------------------------
# Lists people take away (export to Excel, print as PDF)
# --------------------------------------------------------------------------------------------

#: Each list page that exports, by its key: the title printed on its PDF and XLSX (and named in
#: the audit log's "Tải danh sách" entries).
EXPORT_LIST_LABELS: dict[str, str] = {
    "households": "Danh sách hộ nghèo, hộ cận nghèo",
    "applications": "Danh sách hồ sơ đề nghị hỗ trợ điện thoại thông minh",
    "waiting": "Danh sách chờ hỗ trợ (theo thứ tự ưu tiên)",
    "receipts": "Danh sách biên bản bàn giao và giấy biên nhận",
    "handover_sheet": "Danh sách bàn giao điện thoại thông minh",
    "audit": "Nhật ký thao tác", "complaints": "Sổ theo dõi đơn khiếu nại, kiến nghị, phản ánh, tố cáo",
}
#: Each page (or search) listing people, as its "list.view" audit entries name it.
LIST_PAGE_LABELS: dict[str, str] = {
    "households": "Danh sách hộ", "applications": "Danh sách hồ sơ", "waiting": "Danh sách chờ",
    "receipts": "Danh sách biên bản", "household_search": "Tìm hộ khi nhận hồ sơ", "complaints": "Sổ đơn khiếu nại",
}
#: The two formats of an export, as its link and its audit entry name them.
EXPORT_FORMAT_LABELS: dict[str, str] = {"xlsx": "Excel", "csv": "CSV", "pdf": "PDF"}
#: The names of a list's filters, as the line under a printed list's title states them.
FILTER_LABELS: dict[str, str] = {
    "q": "Tìm", "hamlet": "Ấp", "category": "Phân loại", "form": "Hình thức", "tier": "Mức ưu tiên",
    "state": "Trạng thái", "archived": "Gồm hộ đã lưu trữ", "prior": "Thiết bị đã nhận",
}
#: The household list's "Thiết bị đã nhận" (E2) filter: value → its words (services.prior_devices
#: says which stored answers each shows).
PRIOR_FILTER_LABELS: dict[str, str] = {
    "unknown": "Chưa ghi thiết bị đã nhận",
    "none": "Chưa nhận thiết bị nào",
    "received": "Đã nhận máy tính bảng/thiết bị học tập",
}

# --------------------------------------------------------------------------------------------
# The audit log (domain.md §9: who saw or changed personal data)
# --------------------------------------------------------------------------------------------
# Changes ("household.update"), views on the web ("household.view", "application.view") and reads
# through the API ("api.household.read") are logged; ``is_view`` tells the two apart, so a page can
# list views apart from changes, and ``action_label`` names every code so a page never shows one.

#: Actions that only read (who saw personal data); everything else changed something.
VIEW_ACTIONS = frozenset({
    "household.view", "household.list.view", "list.view", "application.view", "receipt.view",
    "api.household.read", "api.household.list", "api.application.read", "api.application.list",
    "list.export", "proposal_list.export",
})

ACTION_LABELS: dict[str, str] = {
    # households
    "household.create": "Tạo hồ sơ hộ",
    "household.update": "Sửa thông tin hộ",
    "household.archive": "Lưu trữ hộ",
    "household.restore": "Khôi phục hộ",
    "household.import": "Nhập danh sách hộ từ tệp",
    "household.status": "Ghi tình trạng hộ nghèo/cận nghèo của năm",
    "household.prior_device": "Ghi thiết bị hộ đã nhận",
    "household.view": "Xem hồ sơ hộ trên web",
    "household.list.view": "Xem danh sách hộ trên web (CCCD, số điện thoại)",
    "list.view": "Xem danh sách trên web (họ tên, CCCD, số điện thoại, diện hộ)",
    # applications (the other workflow steps are named by MOVE_LABELS, below)
    "application.create": "Tiếp nhận hồ sơ đề nghị",
    "application.recheck": "Kiểm tra lại điều kiện",
    "application.purchase_date": "Sửa ngày hộ mua điện thoại",
    "application.correction": "Sửa thông tin hồ sơ (có lý do)",
    "application.correct_list": "Đưa hồ sơ ra khỏi danh sách vì sửa thông tin",
    "application.household_facts": "Sửa thông tin hộ quyết định điều kiện, ưu tiên (có lý do)",
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
    "proposal_list.submit": "Trình phê duyệt danh sách (cấp số)",
    "proposal_list.empty": "Bỏ hết hồ sơ khỏi danh sách chưa phê duyệt",
    "proposal_list.cancel": "Hủy danh sách chưa phê duyệt",
    "proposal_list.remove_entry": "Bỏ hồ sơ khỏi danh sách đề nghị đang lập",
    "proposal_list.view": "Xem danh sách đề nghị trên web",
    "proposal_list.export": "Tải danh sách đề nghị (có số CCCD)",
    "list.export": "Tải danh sách về máy (Excel/PDF)",
    "handover.create": "Lập biên bản bàn giao",
    "handover.void": "Hủy biên bản bàn giao",
    "cash_payment.create": "Lập giấy biên nhận tiền hỗ trợ",
    "cash_payment.void": "Hủy giấy biên nhận tiền hỗ trợ",
    "receipt.print": "In biên bản/giấy biên nhận",  # entries written before the original and reprints were apart
    "receipt.print_original": "In bản chính biên bản/giấy biên nhận",
    "receipt.reprint": "In lại biên bản/giấy biên nhận",
    "receipt.view": "Xem biên bản/giấy biên nhận trên web",
    # background jobs (a bulk check …)
    "job.create": "Bắt đầu công việc chạy nền (kiểm tra hàng loạt…)",
    # rule sets
    "rule_set.load": "Nạp bộ quy tắc",
    "rule_set.activate": "Áp dụng bộ quy tắc",
    "rule_set.deactivate": "Ngừng áp dụng bộ quy tắc",
    # accounts
    "user.create": "Tạo tài khoản",
    "user.role": "Đổi vai trò tài khoản",
    "user.full_name": "Sửa họ tên người dùng",
    "user.active": "Khóa/mở tài khoản",
    "user.locked": "Tạm khóa do sai mật khẩu nhiều lần",
    "user.unlock": "Gỡ tạm khóa đăng nhập",
    "user.password_change": "Đổi mật khẩu",
    "user.password_reset": "Cấp lại mật khẩu",
    "api_token.create": "Tạo mã truy cập API",
    "api_token.revoke": "Thu hồi mã truy cập API",
    # the log itself
    "audit.prune_views": "Xóa nhật ký xem dữ liệu cá nhân đã quá thời hạn lưu",
    # backups
    "backup.create": "Sao lưu cơ sở dữ liệu",
    "backup.download": "Tải bản sao lưu (đã mã hóa) về máy",
    # communes, hamlets and the province's allocations
    "commune.create": "Thêm xã",
    "commune.update": "Sửa thông tin xã", "instance_setting.update": "Sửa cài đặt hệ thống",
    "commune.active": "Ngừng/mở lại hoạt động của xã",
    "hamlet.create": "Thêm ấp/thôn", "hamlet.update": "Sửa ấp/thôn", "commune.merge": "Gộp dữ liệu xã từ bản riêng",
    "province_allocation.create": "Ghi số máy tỉnh được phân bổ",
    "province_allocation.void": "Hủy số máy tỉnh được phân bổ",
}
# Every workflow step is audited as "application.<move name>" (services.workflow.move): the log
# names it as its button does, unless the table above words it for the log.
for _name, _label in MOVE_LABELS.items():
    ACTION_LABELS.setdefault(f"application.{_name}", _label)
ACTION_LABELS.update(COMPLAINT_ACTION_LABELS)  # the complaints register's (labels/complaints.py)

#: The kind of record an action code starts with, for a code added later without a label.
ENTITY_LABELS: dict[str, str] = {
    "household": "hộ gia đình", "application": "hồ sơ đề nghị", "allocation": "phân bổ",
    "proposal_list": "danh sách", "handover": "biên bản bàn giao", "cash_payment": "giấy biên nhận tiền",
    "receipt": "biên bản", "rule_set": "bộ quy tắc", "user": "tài khoản", "api_token": "mã truy cập API",
    "import": "lần nhập danh sách", "list": "danh sách", "audit": "nhật ký", "backup": "bản sao lưu", "job": "công việc chạy nền",
    "commune": "xã", "instance_setting": "cài đặt hệ thống", "hamlet": "ấp/thôn", "province_allocation": "phân bổ của tỉnh",
    "complaint": "đơn khiếu nại, kiến nghị, tố cáo"}

#: A commune's approval level (domain.md §5: who approves the lists is a setting).
APPROVAL_LEVEL_LABELS: dict[str, str] = {"commune": "Lãnh đạo xã phê duyệt", "province": "Tỉnh phê duyệt"}


def is_view(action: str) -> bool:
    """True for an audit action that only read personal data (a page view, a list taken away as a
    file, an API read or list)."""
    return action in VIEW_ACTIONS or action.endswith((".view", ".export")) or (
        action.startswith("api.") and action.endswith((".read", ".list")))


def action_label(action: str) -> str:
    """The Vietnamese label of an audit action code ("household.update" → "Sửa thông tin hộ"). An
    unknown code (added later without a label) gets a generic phrase naming its kind of record
    ("Thay đổi hộ gia đình", "Xem biên bản bàn giao qua API"), never the code itself."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    parts = action.split(".")
    entity = parts[1] if parts[0] == "api" and len(parts) > 1 else parts[0]
    what = ENTITY_LABELS.get(entity, "hồ sơ")
    if is_view(action):
        return f"Xem {what}" + (" qua API" if action.startswith("api.") else "")
    return f"Thay đổi {what}"


# --------------------------------------------------------------------------------------------
# The audit log read by a person: objects, fields and values in words
# --------------------------------------------------------------------------------------------

#: How the log names one record, by its kind; ``{…}`` are filled from the record (services.audit_log).
OBJECT_TITLES: dict[str, str] = {
    "household": "Hộ {name} (mã hộ {code})",
    "application": "Hồ sơ {code} của hộ {name}",
    "receipt": "{kind} số {number} của hộ {name}",
    "handover": "Biên bản bàn giao điện thoại của hộ {name}",
    "cash_payment": "Giấy biên nhận tiền hỗ trợ của hộ {name}",
    "proposal_list": "Danh sách đề nghị số {number}",
    "allocation": "Phân bổ {quantity} máy theo {source}", "province_allocation": "Tỉnh nhận {quantity} máy theo {source}",
    "user": "Tài khoản {username}",
    "api_token": "Mã truy cập API «{name}»",
    "rule_set": "Bộ quy tắc {code} phiên bản {version}", "commune": "{name}", "complaint": "{kind} số {number}"}
#: A record of that kind that is no longer on file (or an entry about no single record).
OBJECT_GONE = "{kind} (không còn trong hệ thống)"

#: A changed field (audit entry ``changes``) → its name in the log.
FIELD_LABELS: dict[str, str] = {
    # households
    "code": "Mã", "head_name": "Họ tên chủ hộ", "head_birth_year": "Năm sinh chủ hộ", "head_gender": "Giới tính",
    "citizen_id": "Số CCCD", "citizen_id_kind": "Loại giấy tờ", "citizen_id_warning": "Cảnh báo số CCCD",
    "hamlet": "Ấp", "address": "Địa chỉ", "members": "Số nhân khẩu", "phone": "Số điện thoại", "category": "Phân loại hộ",
    "list_year": "Năm của danh sách", "decision_number": "Số quyết định", "decision_date": "Ngày quyết định",
    "meritorious": "Gia đình người có công", "social_policy": "Gia đình chính sách xã hội",
    "prior_device": "Thiết bị đã nhận trước", "prior_device_detail": "Chi tiết thiết bị đã nhận",
    "prior_device_date": "Ngày nhận thiết bị", "archived": "Đã lưu trữ", "people": "Thành viên",
    # applications, lists, allocations
    "state": "Trạng thái", "status": "Tình trạng danh sách", "support_form": "Hình thức hỗ trợ",
    "received_on": "Ngày nhận hồ sơ", "purchase_date": "Ngày mua điện thoại", "evidence_note": "Chứng từ mua máy",
    "priority_tier": "Mức ưu tiên", "outcome": "Kết quả kiểm tra", "note": "Ghi chú", "reason": "Lý do",
    "application_id": "Hồ sơ", "household_id": "Hộ", "proposal_list_id": "Danh sách đề nghị",
    "applications": "Số hồ sơ", "number": "Số", "approving_body": "Cơ quan phê duyệt",
    "quantity": "Số máy", "allocated_on": "Ngày phân bổ", "source_document": "Văn bản phân bổ",
    # handovers, payments, receipts
    "imei": "Số IMEI", "imei2": "Số IMEI thứ hai", "telecom": "Doanh nghiệp viễn thông",
    "subscriber_number": "Số thuê bao", "recipient_name": "Người nhận", "recipient_citizen_id": "Số CCCD người nhận",
    "recipient_capacity": "Tư cách người nhận",
    "amount": "Số tiền (đồng)", "paid_on": "Ngày chi", "voided": "Đã hủy", "voided_at": "Lúc hủy",
    "void_reason": "Lý do hủy", "receipt": "Biên bản", "print_count": "Số lần in", "handed_on": "Ngày bàn giao",
    # accounts, rule sets, imports, exports
    "username": "Tên đăng nhập", "full_name": "Họ tên", "role": "Vai trò", "active": "Đang hoạt động",
    "locked_until": "Tạm khóa đến", "token_name": "Tên mã truy cập", "version": "Phiên bản", "file": "Tệp",
    "new": "Hộ mới", "update": "Hộ cập nhật", "unchanged": "Hộ không đổi", "error": "Dòng lỗi",
    "list": "Danh sách", "format": "Định dạng", "rows": "Số dòng", "page": "Trang", "pages": "Số trang",
    # the log's retention, backups
    "removed": "Số lượt xem đã xóa", "before": "Ghi trước lúc", "years": "Thời hạn lưu (năm)", "total": "Số mục cần làm",
    "size": "Dung lượng (byte)", "commune_id": "Xã", "hamlets": "Các ấp/thôn", "kind": "Loại công việc",
    **COMPLAINT_FIELD_LABELS}  # the complaints register's (labels/complaints.py)
#: The proposal list's status (ProposalList.status) in words.
LIST_STATUS_LABELS: dict[str, str] = {"draft": "Đang lập (dự thảo)", "submitted": "Đã trình, chờ phê duyệt",
                                      "approved": "Đã phê duyệt", "cancelled": "Đã hủy"}
GENDER_LABELS, YES_NO, EMPTY_VALUE = {"M": "Nam", "F": "Nữ"}, ("Có", "Không"), "(trống)"
#: The log's kinds of entries, for its filter: changes (the default) or views of personal data.
AUDIT_KIND_LABELS: dict[str, str] = {"changes": "Thay đổi", "views": "Lượt xem, tải danh sách", "all": "Tất cả"}
#: Fields whose stored code is named by a label table.
_CODED_FIELDS: dict[str, dict] = {
    "state": STATE_LABELS, "category": CATEGORY_LABELS, "prior_device": PRIOR_DEVICE_LABELS, "kind": JOB_LABELS,
    "role": ROLE_LABELS, "outcome": OUTCOME_LABELS, "status": LIST_STATUS_LABELS, "head_gender": GENDER_LABELS,
    "list": {**LIST_PAGE_LABELS, **EXPORT_LIST_LABELS}, "format": EXPORT_FORMAT_LABELS, "priority_tier": TIER_LABELS,
    "citizen_id_kind": CITIZEN_ID_KIND_LABELS}
#: Kinds of record whose fields share a name with another's but not its meaning: (names, value tables).
_BY_ENTITY = {"complaint": (COMPLAINT_AUDIT_FIELD_LABELS, COMPLAINT_CODED_FIELDS),
              "province_allocation": ({"received_on": "Ngày tỉnh nhận phân bổ"}, {}), **RECORD_FIELD_LABELS,
              # a handover's "phone" is the phone handed over (make and model), not a number
              "handover": ({"phone": "Máy điện thoại (hãng, kiểu máy)"}, {})}


def field_label(field: str, entity_type: str = "") -> str:
    """The name of a changed field of a record of kind ``entity_type`` in the log ("citizen_id" → "Số CCCD";
    a complaint's "outcome" → "Kết quả giải quyết"); an unknown field as itself, underscores as spaces."""
    own = _BY_ENTITY.get(entity_type, ({}, {}))[0]
    if field.startswith("status_") and field[7:].isdigit():  # a household's yearly status record
        return YEAR_STATUS_FIELD.format(year=field[7:])
    return own.get(field) or FIELD_LABELS.get(field) or field.replace("_", " ")


def value_words(field: str, value: object, entity_type: str = "") -> str:
    """A stored value of ``field`` of a record of kind ``entity_type`` in the log's words: codes by their label
    ("paid" → "Đã chi hỗ trợ bằng tiền"; a complaint's "decided" → "Đã giải quyết"), True/False as "Có"/"Không",
    ISO dates as dd/mm/yyyy, moments as dd/mm/yyyy HH:MM (UTC), None or "" as "(trống)", a list joined by commas."""
    if value is None or value == "":
        return EMPTY_VALUE
    if isinstance(value, bool):
        return YES_NO[0] if value else YES_NO[1]
    own = _BY_ENTITY.get(entity_type, ({}, {}))[1]
    table = own.get(field) if field in own else _CODED_FIELDS.get(field)
    if table is not None and value in table:
        return str(table[value])
    if field.startswith("status_") and field[7:].isdigit():
        return NOT_LISTED_WORDS if value == "not_listed" else CATEGORY_LABELS.get(str(value), str(value))
    if field == "support_form" and value in SUPPORT_FORM_LABELS:
        return SUPPORT_FORM_LABELS[str(value)].choice
    if isinstance(value, (list, tuple)):
        return ", ".join(value_words(field, v, entity_type) for v in value) or EMPTY_VALUE
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-" and value[:4].isdigit():
        day = f"{value[8:10]}/{value[5:7]}/{value[:4]}"
        return day + (f" {value[11:16]}" if len(value) >= 16 and value[10:11] in "T " else "")
    return str(value)
