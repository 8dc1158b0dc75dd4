"""The kinds of background job (models.Job.kind) in words: what the job's page, the JSON API and the
audit log call each. Pure Python, imports nothing."""
from __future__ import annotations

JOB_LABELS: dict[str, str] = {
    "bulk_check": "Kiểm tra điều kiện hàng loạt",
    "backup": "Sao lưu cơ sở dữ liệu",
    "import_preview": "Đọc và xem trước danh sách hộ",
    "import_commit": "Nhập danh sách hộ",
}
