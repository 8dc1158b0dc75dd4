"""Vietnamese labels of complaints, petitions and denunciations (Luật Khiếu nại 2011, Luật Tiếp
công dân 2013, Luật Tố cáo 2018): kinds, states, moves, outcomes, categories, channels, who
brought the case, legal reasons to refuse acceptance, timeliness. Re-exported by
``subsidy.domain.labels``; imports nothing."""
from __future__ import annotations

#: What the case is.
COMPLAINT_KIND_LABELS: dict[str, str] = {
    "complaint": "Khiếu nại",
    "petition": "Kiến nghị, phản ánh",
    "denunciation": "Tố cáo",
}
#: The states of a case, in the order of its life.
COMPLAINT_STATE_LABELS: dict[str, str] = {
    "received": "Đã tiếp nhận",
    "accepted": "Đã thụ lý",
    "refused": "Không thụ lý",
    "in_review": "Đang xác minh, giải quyết",
    "decided": "Đã giải quyết",
    "appealed": "Đã khiếu nại lần hai",
    "forwarded": "Đã chuyển cơ quan có thẩm quyền",
    "filed": "Lưu đơn, không xử lý (đơn nặc danh)",
    "closed": "Đã kết thúc",
}
#: The moves of the state table (the audit action is "complaint.<move>").
COMPLAINT_MOVE_LABELS: dict[str, str] = {
    "accept": "Thụ lý",
    "refuse": "Không thụ lý (nêu lý do theo luật)",
    "review": "Bắt đầu xác minh",
    "decide": "Ra quyết định giải quyết",
    "answer": "Trả lời kiến nghị, phản ánh",
    "forward": "Chuyển đơn tố cáo",
    "appeal": "Ghi khiếu nại lần hai",
    "close": "Kết thúc hồ sơ",
}
#: The outcome of a complaint decision (Luật Khiếu nại 2011, Điều 31, 40; Điều 10: withdrawal).
COMPLAINT_OUTCOME_LABELS: dict[str, str] = {
    "upheld": "Khiếu nại đúng",
    "partly_upheld": "Khiếu nại đúng một phần",
    "rejected": "Khiếu nại sai",
    "withdrawn": "Đình chỉ (người khiếu nại rút đơn)",
    "transferred": "Chuyển cơ quan có thẩm quyền",
}
#: The answer to a petition (Luật Tiếp công dân 2013, Điều 28).
PETITION_OUTCOME_LABELS: dict[str, str] = {
    "answered": "Thụ lý, đã trả lời",
    "transferred": "Chuyển cơ quan có thẩm quyền",
    "not_accepted": "Không thụ lý",
}
#: What the case is about.
COMPLAINT_CATEGORY_LABELS: dict[str, str] = {
    "eligibility": "Kết quả xét điều kiện",
    "priority": "Thứ tự ưu tiên",
    "quota": "Chỉ tiêu, danh sách chờ",
    "handover": "Bàn giao, thiết bị",
    "cash": "Hỗ trợ bằng tiền",
    "staff_conduct": "Hành vi của cán bộ (tố cáo)",
    "other": "Khác",
}
#: How it reached the commune.
COMPLAINT_CHANNEL_LABELS: dict[str, str] = {
    "in_person": "Trực tiếp",
    "letter": "Đơn, thư",
    "phone": "Điện thoại",
    "radio_hotline": "Đường dây nóng của Đài truyền thanh",
}
#: Who brought it.
COMPLAINT_FILER_LABELS: dict[str, str] = {
    "head": "Chủ hộ",
    "member": "Thành viên hộ",
    "representative": "Người đại diện, được ủy quyền",
    "anonymous": "Nặc danh (không rõ họ tên, địa chỉ)",
}
#: Legal reasons not to accept a complaint (Luật Khiếu nại 2011, Điều 11).
REFUSAL_REASON_LABELS: dict[str, str] = {
    "not_administrative": "Không phải quyết định hành chính, hành vi hành chính bị khiếu nại (Điều 11 khoản 1)",
    "no_interest": "Không liên quan trực tiếp đến quyền, lợi ích hợp pháp của người khiếu nại (Điều 11 khoản 2)",
    "no_capacity": "Người khiếu nại không có năng lực hành vi dân sự đầy đủ mà không có người đại diện (Điều 11 khoản 3)",
    "no_authority": "Người đại diện không hợp pháp (Điều 11 khoản 4)",
    "out_of_time": "Hết thời hiệu khiếu nại mà không có lý do chính đáng (Điều 11 khoản 5)",
    "already_decided": "Đã có quyết định giải quyết lần hai (Điều 11 khoản 6)",
    "in_court": "Đã được Tòa án thụ lý hoặc giải quyết (Điều 11 khoản 8)",
    "withdrawn_before": "Đã rút khiếu nại (Điều 11 khoản 9)",
    "other_reason": "Lý do khác theo Điều 11 (ghi rõ)",
}
#: Which level hears a complaint: the level that issued the contested decision (first), the
#: level above it (second).
DECIDER_LEVEL_LABELS: dict[str, str] = {
    "commune": "Chủ tịch UBND xã (lãnh đạo xã)",
    "province": "Lãnh đạo tỉnh (Sở KH&CN)",
    "ministry": "Bộ quản lý chương trình (ngoài hệ thống, tỉnh ghi kết quả)",
}
#: Timeliness of a deadline.
TIMELINESS_LABELS: dict[str, str] = {
    "on_time": "Còn hạn",
    "due_soon": "Sắp đến hạn",
    "overdue": "Quá hạn",
    "met": "Đúng hạn",
    "late": "Trễ hạn",
    "expired": "Đã hết thời hạn",
}
#: Beside a case's standing: a first complaint received after its 90-day filing window (Luật
#: Khiếu nại 2011, Điều 9).
FILED_LATE_LABEL = "Quá thời hiệu"
#: Where a case's filer or head of household is named (the register's file, the documents): a
#: case brought anonymously, which names no one.
ANONYMOUS_FILER_CELL = "(nặc danh)"
#: The deadlines of a case, named.
DEADLINE_LABELS: dict[str, str] = {
    "filing": "Thời hiệu khiếu nại",
    "acceptance": "Hạn thụ lý",
    "first_decision": "Hạn giải quyết lần đầu",
    "second_filing": "Hạn khiếu nại lần hai",
    "second_acceptance": "Hạn thụ lý lần hai",
    "second_decision": "Hạn giải quyết lần hai",
    "petition_answer": "Hạn trả lời kiến nghị, phản ánh",
    "denunciation_forward": "Hạn chuyển đơn tố cáo",
}
#: The audit log's words for the register's actions: each step "complaint.<move>"
#: (services.complaints.move_case) as its button, and the others.
COMPLAINT_ACTION_LABELS: dict[str, str] = {
    **{f"complaint.{name}": label for name, label in COMPLAINT_MOVE_LABELS.items()},
    "complaint.record": "Ghi đơn khiếu nại, kiến nghị, tố cáo",
    "complaint.view": "Xem đơn khiếu nại, kiến nghị, tố cáo trên web",
    "complaint.link_correction": "Gắn đơn với lần xét lại hồ sơ do quyết định giải quyết",
    "api.complaint.read": "Xem đơn khiếu nại qua API",
    "api.complaint.list": "Xem sổ đơn khiếu nại qua API",
}
#: The register's fields as the audit log names them.
COMPLAINT_FIELD_LABELS: dict[str, str] = {
    "case_number": "Số đơn", "case_kind": "Loại đơn", "filer": "Người gửi đơn", "channel": "Cách tiếp nhận",
    "contested_on": "Ngày quyết định, hành vi bị khiếu nại", "level": "Cấp giải quyết",
    "accepted_on": "Ngày thụ lý", "decided_on": "Ngày giải quyết", "closed_on": "Ngày kết thúc",
    "refusal_reason": "Lý do không thụ lý", "reasons": "Căn cứ, lý do", "named_user_id": "Cán bộ bị tố cáo",
    "appeal_of_id": "Đơn lần đầu", "second_case": "Đơn khiếu nại lần hai", "receipt_id": "Biên bản",
    "correction_decision_id": "Lần xét lại hồ sơ",
}
#: The audit log's names of a complaint's fields where the application's field of the same name
#: means something else ("outcome" is a check's result there, "kind" a job's kind).
COMPLAINT_AUDIT_FIELD_LABELS: dict[str, str] = {
    "kind": "Loại đơn", "case_kind": "Loại đơn", "category": "Nội dung đơn", "outcome": "Kết quả giải quyết",
    "received_on": "Ngày nhận đơn", "state": "Trạng thái đơn",
}
#: A complaint's coded fields → the table naming their values in the audit log.
COMPLAINT_CODED_FIELDS: dict[str, dict[str, str]] = {
    "state": COMPLAINT_STATE_LABELS, "kind": COMPLAINT_KIND_LABELS, "case_kind": COMPLAINT_KIND_LABELS,
    "outcome": {**PETITION_OUTCOME_LABELS, **COMPLAINT_OUTCOME_LABELS}, "category": COMPLAINT_CATEGORY_LABELS,
    "channel": COMPLAINT_CHANNEL_LABELS, "filer": COMPLAINT_FILER_LABELS, "level": DECIDER_LEVEL_LABELS,
    "refusal_reason": REFUSAL_REASON_LABELS,
}

#: The clerk's title written out, as the complaint documents name who carries a decision out and
#: who gets a copy (ROLE_LABELS abbreviates it «VP-TK»; domain.md §1: công chức Văn phòng - thống kê).
CLERK_TITLE = "Công chức Văn phòng - thống kê"
