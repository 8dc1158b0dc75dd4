"""The public status-check form (shape only: no database access), and the same checks without
building the form for the common answer (:func:`accepted_submission`)."""
from __future__ import annotations

from flask import request
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


#: The second box's longest input as typed (a phone number with spaces and +84 fits).
FACT_MAX_LENGTH = 30


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
                     validators=[DataRequired("Hãy nhập 4 số cuối CCCD hoặc số điện thoại."), Length(max=FACT_MAX_LENGTH)])

    def validate_ma(self, field: StringField) -> None:
        if not TRACKING_CODE_RE.match(field.data or ""):
            raise ValidationError("Mã tra cứu gồm chữ in hoa và chữ số, như in trên phiếu tiếp nhận hồ sơ.")

    def validate_so(self, field: StringField) -> None:
        try:
            self.second_fact = parse_second_fact(field.data)
        except ValueError as err:
            raise ValidationError(str(err)) from None


def accepted_submission() -> tuple[str, str, str] | None:
    """What a StatusForm built for this POST would accept, without building it: ``(code, kind,
    value)`` — the normalised tracking code and ``parse_second_fact``'s pair — when its
    validation would pass, else None (then build the form: it says what is wrong).

    The same checks as the form's, from the same rules: the code normalised as the field's filter
    does, then ``TRACKING_CODE_RE`` (which also bounds it within the field's Length); the second
    fact as typed within FACT_MAX_LENGTH, then ``parse_second_fact`` (which needs digits, so the
    field's DataRequired holds). Only an urlencoded or multipart body without files, the body
    Flask-WTF reads as ``request.form``; anything else (a JSON body, a file) gives None.
    Building and validating the WTForms form costs about as much as the database query on the
    public status check's common answer, which never shows the form.
    """
    if request.files or not request.form:
        return None
    code = normalize_tracking_code(request.form.get("ma"))
    fact = request.form.get("so")
    if not TRACKING_CODE_RE.match(code) or fact is None or len(fact) > FACT_MAX_LENGTH:
        return None
    try:
        kind, value = parse_second_fact(fact)
    except ValueError:
        return None
    return code, kind, value
