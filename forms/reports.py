"""The report chooser of the tally page (shape only: no database access).

A GET form (the choice is in the URL, so a report can be bookmarked and its downloads linked):
no CSRF token, as nothing is changed.
"""
import unicodedata

from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, Regexp

from forms.base import BaseForm
from subsidy.domain.calendar import month_year_problem, read_month

MONTH_HINT = "Hãy nhập tháng theo dạng tháng/năm, ví dụ 03/2026."


class MonthField(StringField):
    """A month typed month first, "MM/YYYY" (03/2026), in a text input: every browser shows the
    same thing, whatever its language (an <input type=month> follows the browser's locale).
    "YYYY-MM" is read too, so the existing links and bookmarks (?thang=2026-03) keep working.

    ``data``: "YYYY-MM" (what calendar.parse_month and the download links use), "" when
    empty; the input shows "MM/YYYY". Unreadable text: a Vietnamese error, the text kept.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": "tháng/năm, ví dụ 03/2026", "inputmode": "numeric",
                                        "autocomplete": "off", "maxlength": 10})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        raw = unicodedata.normalize("NFKC", valuelist[0]).strip() if valuelist else ""
        if not raw:
            self.data = ""
            return
        ym = read_month(raw)
        if ym is None:
            self.data = raw
            raise ValueError(f"Không đọc được tháng «{raw}». {MONTH_HINT}")
        year, month = ym
        if not 1 <= month <= 12:
            self.data = raw
            raise ValueError(f"Tháng «{raw}» không có: tháng phải từ 1 đến 12. {MONTH_HINT}")
        if problem := month_year_problem(raw, year):  # said with what was typed, not "1900-12"
            self.data = raw
            raise ValueError(problem)
        self.data = f"{year:04d}-{month:02d}"

    def _value(self) -> str:
        if self.process_errors:
            return self.raw_data[0] if self.raw_data else ""
        ym = read_month(self.data)
        return f"{ym[1]:02d}/{ym[0]}" if ym else (self.data or "")


class TallyForm(BaseForm):
    """``ky``: "thang" (a month's tally) or "nam" (the annual report); ``thang``: the month
    (typed MM/YYYY; ``data`` is YYYY-MM, see MonthField); ``luy_ke``: cumulative from the
    programme's start; ``nam``: the year (4 digits)."""

    class Meta:
        csrf = False

    ky = RadioField("Loại báo cáo", default="thang",
                    choices=[SelectChoice("thang", "Báo cáo tháng"), SelectChoice("nam", "Báo cáo năm")])
    thang = MonthField("Tháng (tháng/năm)", validators=[Optional()])
    luy_ke = BooleanField("Lũy kế từ đầu chương trình đến hết tháng này")
    nam = StringField("Năm", render_kw={"inputmode": "numeric", "maxlength": 4},
                      validators=[Optional(), Regexp(r"^\s*\d{4}\s*$", message="Năm gồm 4 chữ số, ví dụ 2026.")])
