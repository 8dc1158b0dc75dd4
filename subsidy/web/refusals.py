"""Showing a service's refusal on the page the user submitted: the one way views do it."""
from __future__ import annotations

from typing import Any

from flask import flash

from subsidy.request_scope import db_session
from subsidy.services.errors import InvalidFields


def put_field_errors(form: Any, field_errors: dict[str, str]) -> None:
    """Put each message of ``field_errors`` (field name → Vietnamese message, e.g. a service's
    InvalidFields) under its field of the WTForms ``form``, unless the form's own validators
    already put one there; a message for a field the form does not have is flashed as an error."""
    for name, message in field_errors.items():
        f = form._fields.get(name)
        if f is None:
            flash(message, "error")
        elif not f.errors:
            f.errors = list(f.errors or []) + [message]


def show_refusal(form: Any, err: Exception) -> None:
    """Roll back this request's session and show a service's refusal ``err`` on ``form``:
    InvalidFields' messages under their fields (put_field_errors), an error naming one ``field``
    of the form under that field, anything else flashed above the page."""
    db_session().rollback()
    if isinstance(err, InvalidFields):
        put_field_errors(form, err.field_errors)
        return
    field = getattr(err, "field", None)
    if field and field in form._fields:
        form._fields[field].errors = list(form._fields[field].errors or []) + [str(err)]
    else:
        flash(str(err), "error")
