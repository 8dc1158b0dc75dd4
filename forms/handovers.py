"""Forms of the handover, the cash payment, voiding and printing (shape only: no database
queries; the service checks the IMEI, the dates, the telecom list and the recipient)."""
from __future__ import annotations

from typing import Any

from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from subsidy.domain.workflow import reason_problem

# The day-first text date field shared with the application forms (dd/mm/yyyy, vn.parse_date).
from forms.applications import VnDateField
from forms.base import BaseForm

_DATE_MSG = "Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/11/2026."


class _RecipientMixin:
    recipient_name = StringField("Họ tên người nhận (chủ hộ hoặc thành viên trong hộ)", validators=[
        DataRequired("Hãy nhập họ tên người nhận."), Length(max=120)])
    recipient_citizen_id = StringField("Số CCCD của người nhận", validators=[
        DataRequired("Hãy nhập số CCCD của người nhận."), Length(max=30)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    # Asked only of a recipient who is neither the head nor a listed member (the service says so).
    recipient_relation = StringField("Quan hệ với chủ hộ và giấy tờ đã đối chiếu", validators=[Optional(), Length(max=200)],
                                     render_kw={"placeholder": "ví dụ: con trai chủ hộ, có tên trong thông tin cư trú"})
    confirm_recipient = BooleanField("Tôi đã đối chiếu giấy tờ: người nhận là thành viên trong hộ, chưa có trong "
                                     "danh sách thành viên")


class HandoverForm(_RecipientMixin, BaseForm):
    """Biên bản bàn giao. ``telecom.choices`` is set by the view from the TELECOMS setting."""

    phone_make = StringField("Hãng điện thoại", validators=[DataRequired("Hãy nhập hãng điện thoại."), Length(max=80)],
                             render_kw={"placeholder": "ví dụ: Samsung"})
    phone_model = StringField("Tên máy (model)", validators=[DataRequired("Hãy nhập tên máy."), Length(max=80)],
                              render_kw={"placeholder": "ví dụ: Galaxy A05"})
    imei = StringField("Số IMEI", validators=[DataRequired("Hãy nhập số IMEI."), Length(max=40)],
                       render_kw={"inputmode": "numeric", "autocomplete": "off", "placeholder": "15 chữ số (bấm *#06#)"})
    imei2 = StringField("Số IMEI thứ hai (máy hai SIM)", validators=[Optional(), Length(max=40)],
                        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    telecom = SelectField("Doanh nghiệp viễn thông", choices=[], validate_choice=False,
                          validators=[DataRequired("Hãy chọn doanh nghiệp viễn thông.")])
    subscriber_number = StringField("Số thuê bao đã kích hoạt", validators=[
        DataRequired("Hãy nhập số thuê bao."), Length(max=20)], render_kw={"inputmode": "tel"})
    handed_on = VnDateField("Ngày bàn giao", validators=[InputRequired(_DATE_MSG)])
    confirm_subscriber = BooleanField("Tôi đã kiểm tra: số thuê bao này đúng (dùng chung với hộ khác)")


class CashPaymentForm(_RecipientMixin, BaseForm):
    """Giấy biên nhận tiền hỗ trợ. The amount is not a field: it comes from the rule set."""

    paid_on = VnDateField("Ngày chi tiền", validators=[InputRequired(_DATE_MSG)])
    purchase_date = VnDateField("Ngày hộ mua điện thoại", validators=[Optional()])


def a_real_reason(form: Any, field: Any) -> None:
    """WTForms validator: a reason for voiding says something (domain.workflow.reason_problem,
    the rule the voiding service applies), with the rule's message."""
    problem = reason_problem(field.data)
    if problem is not None and (field.data or "").strip():
        raise ValidationError(problem)


class VoidForm(BaseForm):
    """Voiding a handover or payment: the reason is required and kept in the audit log."""

    reason = TextAreaField("Lý do hủy", validators=[DataRequired("Hãy ghi rõ lý do hủy."), a_real_reason,
                                                  Length(max=1000)])



class PrintForm(BaseForm):
    """A confirmed POST that prints (and counts) a receipt."""
