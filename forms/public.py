"""The public status-check form (shape only: no database access), and the same checks without
building the form for the common answer (:func:`accepted_submission`).

Each box's rules are written once, as data (:class:`Box`: required message, longest input, the
filter, the reading that says what is wrong): :class:`StatusForm` builds its fields from them and
:func:`accepted_submission` applies them to the POST directly, so the two cannot disagree."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import request
from wtforms import Field, StringField
from wtforms.validators import DataRequired, StopValidation, ValidationError

from forms.base import BaseForm
from subsidy.domain import tracking
from subsidy.domain.public_status import parse_second_fact


class TrackingCodeField(StringField):
    """A tracking code: read as typed, grouped or not ("k7qx-9m4t-ab", "K7QX9M4TAB"), shown grouped
    as printed ("K7QX-9M4T-AB") when it is a valid code."""

    def _value(self) -> str:
        value = super()._value()
        return tracking.display(value) if tracking.is_valid(value) else value


#: What a tracking code looks like, said after every message about a code's shape.
CODE_SHAPE = (f"Mã tra cứu gồm {tracking.LENGTH} ký tự, là chữ in hoa và chữ số, như in trên phiếu tiếp nhận hồ sơ "
              f"(ví dụ {tracking.display('K7QX9M4TAB')}; không cần gõ dấu gạch ngang).")


def _read_code(code: str) -> str:
    """``code`` (tracking.compact's form) when it has the shape of the codes the app issues
    (tracking.is_valid: LENGTH characters of its alphabet), else ValueError (Vietnamese) saying
    what is wrong with the text typed (tracking.shape_problem) and what a code looks like
    (CODE_SHAPE). Shape only: nothing is looked up, so a wrong code of the right shape answers as
    a wrong second fact does, and a shape refused says nothing about which codes exist."""
    problem = tracking.shape_problem(code)
    if problem is None:
        return code
    raise ValueError(f"Mã vừa nhập {problem}. {CODE_SHAPE}")


@dataclass(frozen=True)
class Box:
    """One box of the status check, its rules as data.

    ``label``: the words above it; ``required``: the message when it is empty (or only spaces);
    ``max_length``: the longest input, in characters after ``filter``; ``filter``: what is done
    to the text as typed before any check (None: nothing); ``read``: the box's value as the
    lookup takes it from the filtered text, raising ValueError with a Vietnamese message when the
    text is wrong; ``too_long``: the message for a text over ``max_length``. The checks run in that
    order: required, length, read."""

    label: str
    required: str
    max_length: int
    read: Callable[[str], Any]
    filter: Callable[[str | None], str] | None = None
    too_long: str | None = None

    def accepts(self, raw: str | None) -> tuple[bool, Any]:
        """``(True, value)`` when the form's field would accept ``raw`` (the text as posted;
        None when the box was not posted), with the value :attr:`read` gives; ``(False, None)``
        otherwise. Never raises."""
        if raw is None:
            return False, None
        data = self.filter(raw) if self.filter is not None else raw
        if not data.strip() or len(data) > self.max_length:
            return False, None
        try:
            return True, self.read(data)
        except ValueError:
            return False, None

    def validators(self) -> list[Any]:
        """The field's validators: DataRequired, the length (``too_long``, stopping there), then :attr:`read`, whose value is kept
        as the field's ``read_value`` (a ValueError is the field's message)."""
        def read(form: BaseForm, field: Field) -> None:
            try:
                field.read_value = self.read(field.data)
            except ValueError as err:
                raise ValidationError(str(err)) from None
        def short_enough(form: BaseForm, field: Field) -> None:
            if len(field.data or "") > self.max_length:  # said alone: reading a text too long says no more
                raise StopValidation(self.too_long or f"Dài quá {self.max_length} ký tự.")
        return [DataRequired(self.required), short_enough, read]


#: The tracking code (prefilled from the receipt's QR link ?ma=…).
CODE = Box("Mã tra cứu (in trên phiếu tiếp nhận hồ sơ)", "Hãy nhập mã tra cứu.", 40, _read_code,
           tracking.compact, f"Mã vừa nhập dài quá 40 ký tự. {CODE_SHAPE}")
#: The last 4 digits of the head's CCCD or the phone number on file, read as parse_second_fact's
#: ``(kind, value)``; its longest input as typed: a phone number with spaces and +84 fits.
FACT = Box("4 số cuối CCCD của chủ hộ, hoặc số điện thoại đã đăng ký",
           "Hãy nhập 4 số cuối CCCD hoặc số điện thoại.", 30, parse_second_fact,
           too_long="Ô này dài quá 30 ký tự. Hãy nhập 4 số cuối CCCD của chủ hộ, hoặc số điện thoại di động 10 số "
                    "đã đăng ký.")
#: The second box's longest input as typed.
FACT_MAX_LENGTH = FACT.max_length


class StatusForm(BaseForm):
    """``ma``: the tracking code (:data:`CODE`); ``so``: the last 4 digits of the head's CCCD or
    the phone number on file (:data:`FACT`). Neither is ever put in a URL.

    No CSRF field: the status check is exempt from CSRF (see subsidy/web/public.py for why).
    """

    class Meta:
        csrf = False

    ma = TrackingCodeField(CODE.label, validators=CODE.validators(), filters=[CODE.filter])
    so = StringField(FACT.label, validators=FACT.validators())

    def submission(self) -> tuple[str, str, str]:
        """``(code, kind, value)`` once :meth:`validate` passed: the normalised tracking code and
        parse_second_fact's pair, what :func:`accepted_submission` gives."""
        return (self.ma.read_value, *self.so.read_value)


def accepted_submission() -> tuple[str, str, str] | None:
    """What a StatusForm built for this POST would accept, without building it: ``(code, kind,
    value)`` — :meth:`StatusForm.submission` — when its validation would pass, else None (then
    build the form: it says what is wrong).

    The same rules as the form's, from the same data (:data:`CODE`, :data:`FACT`:
    :meth:`Box.accepts`). Only an urlencoded or multipart body without files, the body
    Flask-WTF reads as ``request.form``; anything else (a JSON body, a file) gives None.
    Building and validating the WTForms form costs about as much as the database query on the
    public status check's common answer, which never shows the form.
    """
    if request.files or not request.form:
        return None
    code_ok, code = CODE.accepts(request.form.get("ma"))
    if not code_ok:
        return None
    fact_ok, fact = FACT.accepts(request.form.get("so"))
    if not fact_ok:
        return None
    return (code, *fact)
