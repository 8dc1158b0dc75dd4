"""Forms of applications, lists, allocations and rule sets (shape only: no database queries)."""
from __future__ import annotations

import datetime as dt

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from forms.base import BaseForm, VersionField
from subsidy.domain.quantities import MAX_PHONES, PHONES_RANGE_MESSAGE
from subsidy.domain import vn
from subsidy.domain.labels import PRIOR_DEVICE_CHOICES, SUPPORT_FORM_LABELS

FORM_CHOICES = [SelectChoice(code, label.choice) for code, label in SUPPORT_FORM_LABELS.items()]
PRIOR_CHOICES = [
    SelectChoice("", "— Giữ như trong sổ —"),
    *(SelectChoice(code, label) for code, label in PRIOR_DEVICE_CHOICES.items()),
]


class VnDateField(StringField):
    """A date typed day first (dd/mm/yyyy, as domain.md §9 asks), read with vn.parse_date; a text
    input, so every browser shows the same format whatever its locale."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy", "autocomplete": "off", "maxlength": 10})
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if isinstance(self.data, dt.date):
            return f"{self.data:%d/%m/%Y}"
        return self.raw_data[0] if self.raw_data else ""

    def process_formdata(self, valuelist):
        raw = valuelist[0] if valuelist else ""
        if not raw or not raw.strip():
            self.data = None
            return
        try:
            self.data = vn.parse_date(raw)
        except vn.VnValueError as err:
            self.data = None
            raise ValueError(str(err)) from err


DateField = VnDateField


class ApplicationForm(BaseForm):
    household_id = IntegerField("Mã số hộ (chọn từ ô tìm kiếm)", validators=[
        InputRequired("Hãy chọn hộ gia đình."), NumberRange(min=1, message="Hãy chọn hộ gia đình.")])
    received_on = DateField("Ngày nhận hồ sơ", validators=[InputRequired("Hãy nhập ngày nhận hồ sơ.")],
                            default=None)
    support_form = RadioField("Hình thức hỗ trợ", choices=FORM_CHOICES, default="package",
                              validators=[InputRequired("Hãy chọn hình thức hỗ trợ.")])
    purchase_date = DateField("Ngày hộ mua điện thoại (hỗ trợ bằng tiền)", validators=[Optional()])
    evidence_note = TextAreaField("Giấy tờ đã xem (hóa đơn, phiếu bảo hành…)", validators=[Optional(), Length(max=1000)])
    prior_device = SelectField("Hộ đã nhận máy tính bảng/thiết bị học tập trước đây chưa?", choices=PRIOR_CHOICES,
                               default="")
    prior_device_detail = StringField("Chi tiết thiết bị đã nhận", validators=[Optional(), Length(max=120)])
    prior_device_date = DateField("Ngày nhận thiết bị", validators=[Optional()])
    note = TextAreaField("Ghi chú", validators=[Optional(), Length(max=1000)])

    def validate_purchase_date(self, field):  # noqa: D401 - WTForms hook
        if field.data and field.data < dt.date(2000, 1, 1):
            raise ValidationError("Ngày mua không hợp lệ.")


class CorrectionForm(BaseForm):
    """A correction of an application's facts (date received, form, purchase date, evidence),
    with its reason; the service checks the dates and shows every mistake at once."""

    received_on = DateField("Ngày nhận hồ sơ", validators=[InputRequired("Hãy nhập ngày nhận hồ sơ.")])
    support_form = RadioField("Hình thức hỗ trợ", choices=FORM_CHOICES,
                              validators=[InputRequired("Hãy chọn hình thức hỗ trợ.")])
    purchase_date = DateField("Ngày hộ mua điện thoại (hỗ trợ bằng tiền)", validators=[Optional()])
    evidence_note = TextAreaField("Giấy tờ đã xem (hóa đơn, phiếu bảo hành…)", validators=[Optional(), Length(max=1000)])
    reason = TextAreaField("Lý do sửa", validators=[DataRequired("Hãy ghi rõ lý do sửa."), Length(max=1000)])
    recheck = BooleanField("Kiểm tra lại điều kiện ngay sau khi sửa", default=True)
    #: The application's version the page showed (services.versions).
    seen = VersionField()

    def validate_purchase_date(self, field):  # noqa: D401 - WTForms hook
        if field.data and field.data < dt.date(2000, 1, 1):
            raise ValidationError("Ngày mua không hợp lệ.")


class PriorDeviceForm(BaseForm):
    """The household's prior-device declaration from an application's page (E2), then a re-check;
    the service refuses a future date under its field."""

    # Ids of their own: the application's page also holds the correction form's fields.
    prior_device = SelectField("Hộ đã nhận máy tính bảng/thiết bị học tập trước đây chưa?", id="pd",
                               choices=[SelectChoice(code, label) for code, label in PRIOR_DEVICE_CHOICES.items()],
                               validators=[InputRequired("Hãy chọn hộ đã nhận thiết bị nào chưa.")])
    prior_device_detail = StringField("Chi tiết thiết bị", id="pdd", validators=[Optional(), Length(max=120)])
    prior_device_date = DateField("Ngày nhận", id="pddate", validators=[Optional()])
    #: The household's version the page showed (services.versions).
    seen = VersionField()


class PurchaseDateForm(BaseForm):
    """The day a cash applicant bought its phone (E5) and the evidence seen, then a re-check; the
    service refuses a future date under its field."""

    # Ids of their own: the application's page also holds the correction form's fields.
    purchase_date = DateField("Ngày mua", id="pdate",
                              validators=[InputRequired("Hãy nhập ngày mua điện thoại (ngày/tháng/năm).")])
    evidence_note = StringField("Giấy tờ đã xem", id="ev", validators=[Optional(), Length(max=1000)])

    def validate_purchase_date(self, field):  # noqa: D401 - WTForms hook
        if field.data and field.data < dt.date(2000, 1, 1):
            raise ValidationError("Ngày mua không hợp lệ.")
    #: The application's version the page showed (services.versions).
    seen = VersionField()


class ReasonForm(BaseForm):
    """A move that needs a written reason (withdraw, refuse, take off a list)."""

    reason = TextAreaField("Lý do", validators=[DataRequired("Hãy ghi rõ lý do."), Length(max=1000)])


class MoveForm(BaseForm):
    """A confirmed POST without fields (check eligibility)."""


class AllocationForm(BaseForm):
    quantity = IntegerField("Số máy được phân bổ", validators=[
        InputRequired("Hãy nhập số máy."), NumberRange(min=1, max=MAX_PHONES, message=PHONES_RANGE_MESSAGE)])
    allocated_on = DateField("Ngày phân bổ", validators=[InputRequired("Hãy nhập ngày phân bổ.")])
    source_document = StringField("Văn bản phân bổ (số, ngày, cơ quan)", validators=[
        DataRequired("Hãy ghi văn bản phân bổ."), Length(max=255)])
    note = TextAreaField("Ghi chú", validators=[Optional(), Length(max=1000)])


class BuildListForm(BaseForm):
    count = IntegerField("Số hộ đưa vào danh sách (để trống: hết chỉ tiêu còn lại)",
                         validators=[Optional(), NumberRange(min=1, message="Số hộ phải từ 1 trở lên.")])


class ApproveListForm(BaseForm):
    """The approval decision of a list. The number is checked and normalised by the service
    (subsidy.domain.decisions): typed "Số: 12 / qđ-ubnd" it is stored "12/QĐ-UBND", so the form
    lets a little more than the 64 stored characters through."""

    decision_number = StringField("Số quyết định phê duyệt", validators=[
        DataRequired("Hãy nhập số quyết định, ví dụ 123/QĐ-UBND."), Length(max=100)],
        render_kw={"placeholder": "123/QĐ-UBND", "autocomplete": "off", "maxlength": 100})
    decision_date = DateField("Ngày quyết định", validators=[InputRequired("Hãy nhập ngày quyết định.")])
    approving_body = StringField("Cơ quan phê duyệt", validators=[
        DataRequired("Hãy nhập cơ quan phê duyệt."), Length(max=255)])
    #: The applications the page listed ("12,15": domain.stale.shown_ids_text), for the service to
    #: refuse an approval of a list that changed since.
    seen = HiddenField()


class CorrectDecisionForm(ApproveListForm):
    """A correction of an approved list's decision (number, date, body), with its reason."""

    reason = TextAreaField("Lý do sửa", validators=[DataRequired("Hãy ghi rõ lý do sửa."), Length(max=1000)])
    #: The list's version the page showed (services.versions), not the applications it lists.
    seen = VersionField()


class RuleSetUploadForm(BaseForm):
    file = FileField("Tệp JSON của phiên bản bộ quy tắc mới", validators=[FileRequired("Hãy chọn tệp JSON.")])
