"""The report chooser of the tally page (shape only: no database access).

A GET form (the choice is in the URL, so a report can be bookmarked and its downloads linked):
no CSRF token, as nothing is changed.
"""
from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, Regexp

from forms.base import BaseForm


class TallyForm(BaseForm):
    """``ky``: "thang" (a month's tally) or "nam" (the annual report); ``thang``: the month
    (YYYY-MM, as a browser's month input sends it); ``luy_ke``: cumulative from the programme's
    start; ``nam``: the year (4 digits)."""

    class Meta:
        csrf = False

    ky = RadioField("Loại báo cáo", default="thang",
                    choices=[SelectChoice("thang", "Báo cáo tháng"), SelectChoice("nam", "Báo cáo năm")])
    thang = StringField("Tháng", render_kw={"type": "month", "placeholder": "2026-03"},
                        validators=[Optional(), Regexp(r"^\s*\d{4}-\d{1,2}\s*$",
                                                       message="Hãy chọn tháng theo dạng năm-tháng, ví dụ 2026-03.")])
    luy_ke = BooleanField("Lũy kế từ đầu chương trình đến hết tháng này")
    nam = StringField("Năm", render_kw={"inputmode": "numeric", "maxlength": 4},
                      validators=[Optional(), Regexp(r"^\s*\d{4}\s*$", message="Năm gồm 4 chữ số, ví dụ 2026.")])
