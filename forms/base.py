"""The base class of every form: WTForms' and Flask-WTF's built-in messages in Vietnamese.

WTForms ships no Vietnamese catalogue, so without this a clerk who types "abc" in a number field
reads "Not a valid integer value.". WTForms asks ``Meta.get_translations(form)`` for an object with
``gettext(string)`` and ``ngettext(singular, plural, n)`` and sends each of its default messages
through it (the message ids are those of wtforms/locale/wtforms.pot, WTForms 3.x, plus the three
of flask_wtf.file). Messages a form sets itself (``DataRequired("Hãy nhập …")``) are already
Vietnamese and are not touched. UI language: domain.md §9 and the briefing ("UI in Vietnamese").
"""
from __future__ import annotations

import re

from flask import g, has_request_context
from flask_wtf import FlaskForm
from wtforms import HiddenField

#: WTForms message id → Vietnamese (same %-placeholders). Plural ids are keyed by the singular:
#: Vietnamese nouns do not change with the number.
MESSAGES: dict[str, str] = {
    # wtforms.validators / wtforms.form
    "Invalid field name '%s'.": "Tên ô «%s» không hợp lệ.",
    "Field must be equal to %(other_name)s.": "Phải nhập giống hệt ô «%(other_name)s».",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Dài quá %(max)d ký tự: hãy viết ngắn lại.",
    "Field must be exactly %(max)d character long.": "Phải có đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": "Phải dài từ %(min)d đến %(max)d ký tự.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số không được lớn hơn %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "Date must be at least %(min)s.": "Ngày không được trước %(min)s.",
    "Date must be at most %(max)s.": "Ngày không được sau %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Ngày phải từ %(min)s đến %(max)s.",
    "This field is required.": "Chưa nhập: ô này bắt buộc, hãy nhập hoặc chọn giá trị.",
    "Invalid input.": "Giá trị không hợp lệ: hãy kiểm tra lại.",
    "Invalid email address.": "Địa chỉ email không hợp lệ: hãy nhập dạng ten@ten-mien.vn.",
    "Invalid IP address.": "Địa chỉ IP không hợp lệ: hãy nhập dạng 192.168.1.10.",
    "Invalid Mac address.": "Địa chỉ MAC không hợp lệ: hãy nhập dạng 00:1A:2B:3C:4D:5E.",
    "Invalid URL.": "Đường dẫn không hợp lệ: hãy nhập đầy đủ, bắt đầu bằng https://.",
    "Invalid UUID.": "Mã UUID không hợp lệ.",
    "Invalid value, must be one of: %(values)s.": "Giá trị không hợp lệ: phải là một trong các giá trị %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Giá trị không hợp lệ: không được là %(values)s.",
    "This field cannot be edited.": "Ô này không được sửa.",
    "This field is disabled and cannot have a value.": "Ô này đang bị khóa, không nhận giá trị.",
    # wtforms.csrf
    "Invalid CSRF Token.": "Biểu mẫu không hợp lệ (CSRF): hãy tải lại trang rồi gửi lại.",
    "CSRF token missing.": "Biểu mẫu thiếu mã bảo vệ (CSRF): hãy tải lại trang rồi gửi lại.",
    "CSRF failed.": "Không kiểm tra được biểu mẫu (CSRF): hãy tải lại trang rồi gửi lại.",
    "CSRF token expired.": "Biểu mẫu đã hết hạn (CSRF): hãy tải lại trang rồi gửi lại.",
    # wtforms.fields
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ: hãy chọn một mục trong danh sách.",
    "Choices cannot be None.": "Ô này chưa có danh sách để chọn: hãy báo cho quản trị.",
    "Not a valid choice.": "Lựa chọn không hợp lệ: hãy chọn một mục trong danh sách.",
    "Invalid choice(s): one or more data inputs could not be coerced.":
        "Có lựa chọn không hợp lệ: hãy chọn lại trong danh sách.",
    "'%(value)s' is not a valid choice for this field.":
        "«%(value)s» không có trong danh sách: hãy chọn lại trong danh sách.",
    "Not a valid datetime value.": "Ngày giờ không hợp lệ: hãy nhập dạng ngày/tháng/năm giờ:phút, ví dụ 05/11/2026 14:30.",
    "Not a valid date value.": "Ngày không hợp lệ: hãy nhập dạng ngày/tháng/năm, ví dụ 05/11/2026.",
    "Not a valid time value.": "Giờ không hợp lệ: hãy nhập dạng giờ:phút, ví dụ 14:30.",
    "Not a valid week value.": "Tuần không hợp lệ: hãy chọn lại tuần.",
    "Not a valid integer value.": "Phải là số nguyên, chỉ gồm chữ số (ví dụ 12).",
    "Not a valid decimal value.": "Phải là một số (chỉ gồm chữ số, ví dụ 12).",
    "Not a valid float value.": "Phải là một số (chỉ gồm chữ số, ví dụ 12).",
    # flask_wtf.file (FileAllowed, FileSize)
    "File does not have an approved extension: {extensions}": "Loại tệp này không được nhận; chỉ nhận tệp {extensions}.",
    "File does not have an approved extension.": "Loại tệp này không được nhận.",
}

# flask_wtf.file.FileSize formats its numbers before asking for the translation.
_FILE_SIZE = re.compile(r"^File must be between (\d+) and (\d+) bytes\.$")


class VietnameseTranslations:
    """The ``translations`` object WTForms expects: ``gettext`` / ``ngettext`` over MESSAGES.
    An id not in the table (a message a form wrote itself) is returned unchanged."""

    def gettext(self, string: str) -> str:
        if string in MESSAGES:
            return MESSAGES[string]
        m = _FILE_SIZE.match(string)
        if m:
            return f"Tệp phải nặng từ {m.group(1)} đến {m.group(2)} byte."
        return string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if singular in MESSAGES:
            return MESSAGES[singular]
        return singular if n == 1 else plural


TRANSLATIONS = VietnameseTranslations()


class BaseForm(FlaskForm):
    """Every form of the app derives from this (tests/web/test_forms_i18n.py checks it): CSRF from
    Flask-WTF, built-in messages in Vietnamese. A subclass may still declare its own ``class Meta``
    (e.g. ``csrf = False``); WTForms merges the Meta classes along the inheritance chain."""

    class Meta:
        def get_translations(self, form):  # noqa: ANN001, ANN201 - WTForms hook
            return TRANSLATIONS

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - WTForms' signature
        super().__init__(*args, **kwargs)
        # The request's forms, so that a page re-rendered with errors answers 422 (web.security).
        if has_request_context():
            g.setdefault("subsidy_forms", []).append(self)

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001 - WTForms' signature
        """WTForms' validation, then a field whose typed value could not be read at all (``1e3`` or
        ``abc`` for a number, a date not in dd/mm/yyyy) keeps only that message: the range or
        required checks that ran on its empty value would only contradict it."""
        ok = super().validate(extra_validators)
        for field in self:
            if field.process_errors and len(field.errors) > 1:
                field.errors = list(field.process_errors[:1])
        return ok


class VersionField(HiddenField):
    """The version of the record the page showed (services.versions), carried back by its form so
    that the save can be refused when the record changed meanwhile. The view sets ``data`` when
    it shows the form; :attr:`seen` is what came back: the number, or 0 when it is missing or not
    a number (a page from before the field, a tampered form), which the service takes as «older
    than every change»: such a save is refused rather than let overwrite anything."""

    @property
    def seen(self) -> int:
        text = str(self.data or "").strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0
