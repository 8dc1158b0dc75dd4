"""The instance settings form (admin): shape only; services.instance_settings checks the values."""
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from forms.base import BaseForm, VersionField


class InstanceSettingsForm(BaseForm):
    public_base_url = StringField("Địa chỉ công khai của trang tra cứu (in trong mã QR)", validators=[Length(max=255)])
    province_body = StringField("Cơ quan ban hành báo cáo của tỉnh", validators=[Length(max=255)])
    province_abbreviation = StringField("Chữ viết tắt của cơ quan trong ký hiệu báo cáo (BC-…)", validators=[Length(max=20)])
    province_signer_authority = StringField("Thẩm quyền ký (TM.)", validators=[Length(max=120)])
    province_signer_deputy = StringField("Ký thay (KT.)", validators=[Length(max=120)])
    province_signer_title = StringField("Chức vụ người ký", validators=[Length(max=120)])
    province_signer_name = StringField("Họ và tên người ký", validators=[Length(max=120)])
    province_recipients = TextAreaField("Nơi nhận báo cáo của tỉnh (mỗi dòng một nơi)", validators=[Length(max=2000)])
    extra_holidays = TextAreaField("Ngày nghỉ bổ sung (mỗi dòng: ngày/tháng/năm rồi tên)", validators=[Length(max=4000)])
    #: The settings' version the page showed (services.versions).
    seen = VersionField()
