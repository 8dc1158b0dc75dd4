"""The instance settings form (admin): shape only; services.instance_settings checks the values."""
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from forms.base import BaseForm


class InstanceSettingsForm(BaseForm):
    public_base_url = StringField("Địa chỉ công khai của trang tra cứu (in trong mã QR)", validators=[Length(max=255)])
    province_body = StringField("Cơ quan ban hành báo cáo của tỉnh", validators=[Length(max=255)])
    province_recipients = TextAreaField("Nơi nhận báo cáo của tỉnh (mỗi dòng một nơi)", validators=[Length(max=2000)])
    extra_holidays = TextAreaField("Ngày nghỉ bổ sung (mỗi dòng: ngày/tháng/năm rồi tên)", validators=[Length(max=4000)])
