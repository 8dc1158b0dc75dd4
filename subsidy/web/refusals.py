"""Showing a refusal on the page: the one way views do it.

A service (or the workflow) refused what the user asked: :func:`show_refusal` rolls back the
request's Session (nothing of the attempt is saved) and shows the Vietnamese message, under the
form field it concerns when there is a form, else flashed above the page. :func:`put_field_errors`
adds a service's field checks to a form its own validators refused, and
:func:`flash_form_errors` flashes a form's validation messages when the view redirects instead of
showing the form again.
"""
from __future__ import annotations

from typing import Any

from flask import flash, g

from subsidy.request_scope import db_session
from subsidy.services.errors import InvalidFields


def refused_here() -> None:
    """Mark this request's page as a refusal shown again (a form given back, a report that could not
    be made): web.security answers it 422 instead of 200, as a form with errors is."""
    g.subsidy_refused = True


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


def show_refusal(err: Exception, form: Any = None, field: str | None = None) -> None:
    """Roll back this request's Session and show the refusal ``err`` (a ServiceError or a
    WorkflowError; ``str(err)`` is its Vietnamese message).

    With a WTForms ``form`` shown again (the page answers 422): InvalidFields' messages go under
    their fields (put_field_errors), an error naming one ``field`` of the form (FieldError) under
    that field, an error naming none under ``field`` when the view gives one (the form's only
    input: every refusal is about it); anything else, and every refusal when there is no form (the
    view redirects), is flashed as an error above the page."""
    db_session().rollback()
    if form is not None:
        refused_here()
    if form is not None and isinstance(err, InvalidFields):
        put_field_errors(form, err.field_errors)
        return
    field = getattr(err, "field", None) or field
    if form is not None and field and field in form._fields:
        form._fields[field].errors = list(form._fields[field].errors or []) + [str(err)]
    else:
        flash(str(err), "error")


def flash_form_errors(form: Any) -> None:
    """Flash every validation message of ``form`` as an error (for a POST that redirects back to
    the page holding the form instead of rendering it again)."""
    for messages in form.errors.values():
        for message in messages:
            flash(message, "error")
