"""The names of the settings' and a commune's fields, as the log and a stale save's refusal
(domain.stale) name them: the instance's settings (services.instance_settings.KEYS) and a
commune's document fields (services.communes.FIELDS)."""
from __future__ import annotations

#: The instance's settings (services.instance_settings.KEYS) as the log and a refusal name them.
INSTANCE_SETTING_LABELS: dict[str, str] = {
    "public_base_url": "Địa chỉ công khai của trang tra cứu", "province_body": "Cơ quan ban hành báo cáo của tỉnh",
    "province_abbreviation": "Chữ viết tắt trong ký hiệu báo cáo", "province_signer_authority": "Thẩm quyền ký",
    "province_signer_deputy": "Ký thay", "province_signer_title": "Chức vụ người ký",
    "province_signer_name": "Họ và tên người ký", "province_recipients": "Nơi nhận báo cáo của tỉnh",
    "extra_holidays": "Ngày nghỉ bổ sung"}
#: A commune's fields (services.communes.FIELDS) as the log and a refusal name them («Tên»: its
#: hamlets' renames are logged on the commune under the same name).
COMMUNE_FIELD_LABELS: dict[str, str] = {
    "code": "Mã xã", "name": "Tên", "issuing_body": "Cơ quan ban hành", "issuing_body_parent": "Cơ quan cấp trên",
    "place_name": "Địa danh ở dòng ngày tháng", "province": "Tỉnh", "signer_authority": "Thẩm quyền ký",
    "signer_deputy": "Ký thay", "signer_title": "Chức vụ người ký", "signer_name": "Họ tên người ký",
    "abbreviation": "Chữ viết tắt cơ quan", "kind_codes": "Mã loại văn bản", "recipients": "Nơi nhận",
    "archive": "Lưu", "approval_level": "Cấp phê duyệt danh sách"}
#: Kinds of record → (their fields' names, value tables), for domain.labels.field_label.
RECORD_FIELD_LABELS: dict[str, tuple[dict[str, str], dict]] = {
    "commune": (COMMUNE_FIELD_LABELS, {}), "instance_setting": (INSTANCE_SETTING_LABELS, {})}
