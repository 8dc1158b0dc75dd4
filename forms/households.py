"""Household and list-import forms (shape only; the services check the Vietnamese rules)."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from forms.applications import VnDateField
from forms.base import BaseForm, VersionField
from subsidy.domain import vn
from subsidy.domain.calendar import today_vn
from subsidy.domain.household_list import list_year_problem
from subsidy.domain.labels import CATEGORY_LABELS, PRIOR_DEVICE_LABELS
from subsidy.domain.places import normalize_hamlet

GENDER_CHOICES = [SelectChoice("", "— Chưa rõ —"), SelectChoice("M", "Nam"), SelectChoice("F", "Nữ")]
CATEGORY_CHOICES = [SelectChoice("", "— Chưa có —"), *(SelectChoice(c, label) for c, label in CATEGORY_LABELS.items())]
PRIOR_DEVICE_CHOICES = [SelectChoice(code, label) for code, label in PRIOR_DEVICE_LABELS.items()]


#: A posted hamlet that is not one of the choices the view offered (a tampered form).
HAMLET_NOT_OFFERED = ("Hãy chọn một ấp trong danh sách. Ấp chưa có trong danh sách: nhờ quản trị viên thêm vào "
                      "danh sách ấp của xã ở trang «Xã» (phần «Ấp / thôn»), hoặc nhập hộ qua danh sách Excel.")


def hamlet_name(form, field) -> None:  # noqa: ANN001 - wtforms validator signature
    """Refuse a hamlet that cannot be a place name (empty, = + - @ first, control characters…)."""
    if field.errors:  # not one of the offered choices: that message says enough
        return
    if not (field.data or "").strip():
        raise ValidationError("Chưa chọn ấp. Hãy chọn ấp nơi hộ sinh sống.")
    try:
        normalize_hamlet(field.data)
    except vn.VnValueError as err:
        raise ValidationError(str(err)) from err


# The hamlet must be chosen: the form marks it required (*) like the other required fields.
hamlet_name.field_flags = {"required": True}  # type: ignore[attr-defined]


class HouseholdForm(BaseForm):
    """The household record. ``hamlet`` choices are set by the view (configured + on file, and the
    household's own); any other posted value is refused, and the chosen one must be a plausible
    place name (the service checks it again)."""

    code = StringField("Mã hộ", validators=[DataRequired("Hãy nhập mã hộ."), Length(max=32)],
                       render_kw={"autocomplete": "off"})
    head_name = StringField("Họ và tên chủ hộ", validators=[DataRequired("Hãy nhập họ tên chủ hộ."), Length(max=120)],
                            render_kw={"autocomplete": "off"})
    head_birth_year = IntegerField("Năm sinh", validators=[Optional()],
                                   render_kw={"inputmode": "numeric", "placeholder": "ví dụ 1975"})
    head_gender = SelectField("Giới tính", choices=GENDER_CHOICES, default="")
    citizen_id = StringField("Số CCCD (12 chữ số)", validators=[Optional(), Length(max=40)],
                             render_kw={"inputmode": "numeric", "autocomplete": "off"})
    confirm_citizen_id_warning = BooleanField(
        "Tôi đã đối chiếu với thẻ căn cước: số CCCD, năm sinh và giới tính ghi ở trên là đúng.")
    hamlet = SelectField("Ấp", choices=[], validate_choice=True, invalid_choice_message=HAMLET_NOT_OFFERED,
                         validators=[hamlet_name])
    address = StringField("Địa chỉ", validators=[Optional(), Length(max=255)])
    members = IntegerField("Số nhân khẩu", default=1, validators=[
        InputRequired("Hãy nhập số nhân khẩu."), NumberRange(1, 99, "Số nhân khẩu phải từ 1 đến 99.")],
        render_kw={"inputmode": "numeric"})
    phone = StringField("Số điện thoại", validators=[Optional(), Length(max=20)],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})
    category = SelectField("Phân loại", choices=CATEGORY_CHOICES, default="")
    list_year = IntegerField("Năm danh sách", validators=[Optional()], render_kw={"inputmode": "numeric"})
    decision_number = StringField("Số quyết định công nhận", validators=[Optional(), Length(max=64)])
    decision_date = VnDateField("Ngày quyết định", validators=[Optional()])
    meritorious = BooleanField("Gia đình người có công với cách mạng")
    social_policy = BooleanField("Gia đình chính sách xã hội")
    prior_device = SelectField("Đã nhận thiết bị nào chưa", choices=PRIOR_DEVICE_CHOICES, default="unknown")
    prior_device_detail = StringField("Thiết bị nào", validators=[Optional(), Length(max=120)])
    prior_device_date = VnDateField("Ngày nhận thiết bị", validators=[Optional()])
    #: Required by the service when a deciding fact changes on a household whose application was
    #: checked (services.households.facts_changed); shown only then.
    reason = TextAreaField("Lý do sửa", validators=[Optional(), Length(max=1000)])
    #: The household's version the edit page showed (unused when adding one).
    seen = VersionField()


class ArchiveForm(BaseForm):
    reason = TextAreaField("Lý do lưu trữ", validators=[Optional(), Length(max=500)])
    withdraw_live = BooleanField("Tôi hiểu: hồ sơ đang xử lý của hộ sẽ bị rút cùng lúc")


class RestoreForm(BaseForm):
    """Empty: the CSRF token of the restore button."""


class ListYearField(IntegerField):
    """The list year: digits only, said in Vietnamese with a year as the example."""

    def process_formdata(self, valuelist):  # noqa: ANN001 - wtforms signature
        if not valuelist or not (valuelist[0] or "").strip():
            self.data = None
            return
        text = valuelist[0].strip()
        if not (text.isascii() and text.isdigit()):
            self.data = None
            raise ValueError(f"Năm danh sách «{text[:20]}» không hợp lệ: hãy nhập năm bằng 4 chữ số, "
                             f"ví dụ {today_vn().year} (hoặc để trống để lấy năm ghi trong tiêu đề danh sách).")
        self.data = int(text)


def list_year_in_range(form, field) -> None:  # noqa: ANN001 - wtforms validator signature
    """Refuse a list year the import would refuse (household_list.list_year_problem)."""
    if field.data is not None and not field.errors:
        problem = list_year_problem(field.data, today_vn().year)
        if problem:
            raise ValidationError(problem)


class ImportForm(BaseForm):
    file = FileField("Tệp danh sách (.xlsx hoặc .csv)", validators=[FileRequired("Hãy chọn tệp danh sách.")],
                     render_kw={"accept": ".xlsx,.csv"})
    year = ListYearField("Năm danh sách", validators=[Optional(), list_year_in_range],
                         render_kw={"inputmode": "numeric", "placeholder": "tự nhận từ tiêu đề"})
    skip_invalid = BooleanField("Bỏ qua các dòng lỗi, chỉ nhập các dòng đúng")


class ConfirmImportForm(BaseForm):
    skip_invalid = BooleanField("Bỏ qua các dòng lỗi, chỉ nhập các dòng đúng")
    # "yes": the year's complete list (households of the previous list missing from it are
    # recorded as not on this year's list); "no": a supplement; missing: the file's default.
    complete = RadioField("Loại danh sách", choices=[SelectChoice("yes", "Danh sách đầy đủ của năm"),
                                                           SelectChoice("no", "Danh sách bổ sung")],
                          validate_choice=False)

    def complete_choice(self) -> bool | None:
        """True / False as chosen, None when the form did not say (the file's default)."""
        return {"yes": True, "no": False}.get(self.complete.data or "")


class CancelImportForm(BaseForm):
    """Empty: the CSRF token of the cancel button."""


class NoPriorDeviceForm(BaseForm):
    """«Chưa nhận thiết bị nào» for the households a list's filter shows (E2): the clerk's grounds.
    An empty one is refused by the service (services.prior_devices), whose message says what to write."""

    reason = TextAreaField("Căn cứ", validators=[Length(max=1000, message="Căn cứ dài quá 1000 ký tự: hãy ghi ngắn lại.")])
