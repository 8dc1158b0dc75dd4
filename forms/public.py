"""The public status-check form (shape only: no database access)."""
from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError

from forms.base import BaseForm
from subsidy.domain import tracking
from subsidy.domain.public_status import TRACKING_CODE_RE, normalize_tracking_code, parse_second_fact


class TrackingCodeField(StringField):
    """A tracking code: read as typed, grouped or not ("k7qx-9m4t-ab", "K7QX9M4TAB"), shown grouped
    as printed ("K7QX-9M4T-AB") when it is a valid code."""

    def _value(self) -> str:
        value = super()._value()
        return tracking.display(value) if tracking.is_valid(value) else value


class StatusForm(BaseForm):
    """``ma``: the tracking code (prefilled from the receipt's QR link ?ma=…); ``so``: the last 4
    digits of the head's CCCD or the phone number on file. Neither is ever put in a URL.

    No CSRF field: the status check is exempt from CSRF (see subsidy/web/public.py for why).
    """

    class Meta:
        csrf = False

    ma = TrackingCodeField("Mã tra cứu (in trên phiếu tiếp nhận hồ sơ)",
                     validators=[DataRequired("Hãy nhập mã tra cứu."), Length(max=40)],
                     filters=[normalize_tracking_code])
    so = StringField("4 số cuối CCCD của chủ hộ, hoặc số điện thoại đã đăng ký",
                     validators=[DataRequired("Hãy nhập 4 số cuối CCCD hoặc số điện thoại."), Length(max=30)])

    def validate_ma(self, field: StringField) -> None:
        if not TRACKING_CODE_RE.match(field.data or ""):
            raise ValidationError("Mã tra cứu gồm chữ in hoa và chữ số, như in trên phiếu tiếp nhận hồ sơ.")

    def validate_so(self, field: StringField) -> None:
        try:
            self.second_fact = parse_second_fact(field.data)
        except ValueError as err:
            raise ValidationError(str(err)) from None
