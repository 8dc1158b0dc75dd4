"""The date chooser of the radio page (shape only: no database access).

A GET form (the date is in the URL, so the page and its downloads can be linked): no CSRF token,
as nothing is changed.
"""
from wtforms.validators import Optional

from forms.applications import VnDateField
from forms.base import BaseForm


class RadioDateForm(BaseForm):
    """``ngay``: the counts are "as of the end of" this day, typed dd/mm/yyyy in a text input (the
    day-first field of the other forms; an <input type=date> would follow the browser's
    language, 11/30/2026). ISO yyyy-mm-dd is read too (links: ?ngay=2026-03-31). Empty: today."""

    class Meta:
        csrf = False

    ngay = VnDateField("Tính đến ngày", validators=[Optional()])
