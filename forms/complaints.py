"""Forms of the complaints register (shape only: the service checks the household, the dates,
the kinds and who may act)."""
from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from forms.applications import VnDateField
from forms.base import BaseForm
from subsidy.domain.labels import (
    COMPLAINT_CATEGORY_LABELS, COMPLAINT_CHANNEL_LABELS, COMPLAINT_FILER_LABELS, COMPLAINT_KIND_LABELS,
    COMPLAINT_OUTCOME_LABELS, PETITION_OUTCOME_LABELS, REFUSAL_REASON_LABELS,
)


def _choices(labels: dict[str, str], blank: str | None = None) -> list[SelectChoice]:
    return ([SelectChoice("", blank)] if blank else []) + [SelectChoice(k, v) for k, v in labels.items()]


class CaseForm(BaseForm):
    """A new complaint, petition or denunciation at the commune's reception desk."""

    kind = SelectField("Loại đơn", choices=_choices(COMPLAINT_KIND_LABELS), default="complaint")
    household_code = StringField("Mã hộ hoặc số CCCD của chủ hộ", validators=[Optional(), Length(max=32)],
                                 render_kw={"autocomplete": "off"})
    filer = SelectField("Người gửi đơn", choices=_choices(COMPLAINT_FILER_LABELS), default="head")
    filer_name = StringField("Họ tên người gửi (thành viên hộ, người đại diện)", validators=[Optional(), Length(max=120)])
    channel = SelectField("Cách tiếp nhận", choices=_choices(COMPLAINT_CHANNEL_LABELS), default="in_person")
    category = SelectField("Nội dung", choices=_choices(COMPLAINT_CATEGORY_LABELS), default="eligibility")
    text = TextAreaField("Nội dung đơn (tóm tắt)", validators=[
        DataRequired("Ghi nội dung đơn (tóm tắt điều người dân khiếu nại, kiến nghị hoặc tố cáo)."), Length(max=5000)])
    attachments_note = TextAreaField("Giấy tờ kèm theo (ghi danh mục, không lưu tệp)",
                                     validators=[Optional(), Length(max=1000)])
    contested_on = VnDateField("Ngày nhận được / biết quyết định, hành vi bị khiếu nại", validators=[Optional()])
    received_on = VnDateField("Ngày nhận đơn", validators=[Optional()])
    complex_case = BooleanField("Vụ việc phức tạp (thời hạn giải quyết dài hơn)")
    remote = BooleanField("Vùng sâu, vùng xa, đi lại khó khăn")
    named_user = SelectField("Cán bộ bị tố cáo (chỉ với đơn tố cáo)", choices=[], validate_choice=False)


class CaseMoveForm(BaseForm):
    """One step of a case: the date it was done, and as the step needs: the reason (grounds of a
    decision, the authority a denunciation goes to), the outcome, the legal reason not to accept."""

    on = VnDateField("Ngày thực hiện", validators=[Optional()])
    reason = TextAreaField("Lý do, căn cứ", validators=[Optional(), Length(max=2000)])
    outcome = SelectField("Kết quả", choices=_choices({**COMPLAINT_OUTCOME_LABELS, **PETITION_OUTCOME_LABELS}, "— Chọn —"),
                          validators=[Optional()])
    refusal_reason = SelectField("Lý do không thụ lý", choices=_choices(REFUSAL_REASON_LABELS, "— Chọn —"),
                                 validators=[Optional()])


class AppealForm(BaseForm):
    """The second complaint about a case."""

    text = TextAreaField("Nội dung khiếu nại lần hai", validators=[
        DataRequired("Ghi nội dung khiếu nại lần hai."), Length(max=5000)])
    channel = SelectField("Cách tiếp nhận", choices=_choices(COMPLAINT_CHANNEL_LABELS), default="in_person")
    received_on = VnDateField("Ngày nhận đơn", validators=[Optional()])
