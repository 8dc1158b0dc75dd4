"""Commune and hamlet forms (admin): shape only; the communes service checks the rest."""
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from forms.applications import VnDateField
from forms.base import BaseForm, VersionField
from subsidy.domain.quantities import MAX_PHONES, PHONES_RANGE_MESSAGE
from subsidy.domain.labels import APPROVAL_LEVEL_LABELS

APPROVAL_CHOICES = [SelectChoice(code, label) for code, label in APPROVAL_LEVEL_LABELS.items()]


class CommuneForm(BaseForm):
    code = StringField("Mã xã", validators=[DataRequired("Hãy nhập mã xã (ví dụ PHUTAN)."), Length(max=20)])
    name = StringField("Tên xã", validators=[DataRequired("Hãy nhập tên xã (ví dụ: xã Phú Tân)."), Length(max=120)])
    issuing_body = StringField("Cơ quan ban hành (in trên văn bản)", validators=[Length(max=255)])
    issuing_body_parent = StringField("Cơ quan cấp trên (dòng trên, nếu có)", validators=[Length(max=255)])
    place_name = StringField("Địa danh ở dòng ngày tháng", validators=[Length(max=120)])
    province = StringField("Tỉnh", validators=[Length(max=120)])
    signer_authority = StringField("Thẩm quyền ký (ví dụ: TM. ỦY BAN NHÂN DÂN)", validators=[Length(max=120)])
    signer_deputy = StringField("Ký thay (ví dụ: KT. CHỦ TỊCH; để trống khi Chủ tịch ký)", validators=[Length(max=120)])
    signer_title = StringField("Chức vụ người ký", validators=[Length(max=120)])
    signer_name = StringField("Họ tên người ký (để trống: ký tay)", validators=[Length(max=120)])
    abbreviation = StringField("Chữ viết tắt cơ quan trong ký hiệu (ví dụ: UBND)", validators=[Length(max=20)])
    kind_codes = StringField("Mã loại văn bản khác mặc định (ví dụ: list=DSHT)", validators=[Length(max=255)])
    recipients = TextAreaField("Nơi nhận của danh sách, báo cáo (mỗi dòng một nơi)", validators=[Length(max=2000)])
    archive = StringField("Lưu (ví dụ: VT, VP-TK)", validators=[Length(max=120)])
    approval_level = SelectField("Cấp phê duyệt danh sách", choices=APPROVAL_CHOICES)
    #: The commune's version the edit page showed (unused when adding one).
    seen = VersionField()


class HamletForm(BaseForm):
    name = StringField("Tên ấp / thôn", validators=[DataRequired("Hãy nhập tên ấp / thôn."), Length(max=80)])
    #: The commune's version the page showed (its hamlets as listed there).
    seen = VersionField()


class HamletEditForm(BaseForm):
    name = StringField("Tên ấp / thôn", validators=[DataRequired("Hãy nhập tên ấp / thôn."), Length(max=80)])
    active = BooleanField("Đang dùng")
    #: The commune's version the page showed (its hamlets as listed there).
    seen = VersionField()


class ShareForm(BaseForm):
    """Give phones of one province allocation to a commune (choices set by the view)."""

    province_allocation = SelectField("Văn bản phân bổ của tỉnh", choices=[], validate_choice=False)
    commune = SelectField("Xã", choices=[], validate_choice=False)
    quantity = IntegerField("Số máy chia cho xã", validators=[
        InputRequired("Hãy nhập số máy."), NumberRange(min=1, max=MAX_PHONES, message=PHONES_RANGE_MESSAGE)])
    allocated_on = VnDateField("Ngày chia", validators=[InputRequired("Hãy nhập ngày chia.")])
