"""Showing a refusal on the page: the one way views do it.

A form's use case is run by :func:`attempt`: the form validated, then the service called; a
refusal by either leaves the form holding its messages and the request marked refused, so the page
the view renders next answers 422 (web.security) with what was typed. A view is then: parse →
``attempt`` → commit once → redirect, or render the page again (no status of its own).

A service (or the workflow) refused what the user asked: :func:`show_refusal` rolls back the
request's Session (nothing of the attempt is saved) and shows the Vietnamese message, under the
form field it concerns when there is a form, else flashed above the page. :func:`put_field_errors`
adds a service's field checks to a form its own validators refused, and
:func:`flash_form_errors` flashes a form's validation messages when the view redirects instead of
showing the form again. :func:`page_messages` is the layout's list of flashed messages: a page
showing a refusal or an error shows only its own, and leaves messages queued by an earlier request
(another tab's success, a double-clicked submit's first answer) for the next page.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, TypeVar

from flask import Flask, abort, flash, g, get_flashed_messages, message_flashed, request, session

from subsidy.domain.workflow import WorkflowError
from subsidy.request_scope import db_session
from subsidy.services.errors import InvalidFields, ServiceError
from subsidy.services.versions import UnknownVersion

T = TypeVar("T")


def refused_here() -> None:
    """Mark this request's page as a refusal shown again (a form given back, a report that could not
    be made): web.security answers it 422 instead of 200, as a form with errors is."""
    g.subsidy_refused = True


def refusal_shown() -> bool:
    """Whether this request's page shows a refusal: :func:`refused_here` was called, or a form made
    in it (forms.base.BaseForm registers itself in ``g.subsidy_forms``) has errors. web.security
    answers such a page (on a POST or a query) 422; :func:`page_messages` keeps queued flashes."""
    return bool(g.get("subsidy_refused")) or any(f.errors for f in g.get("subsidy_forms", ()))


def _count_flash(sender: Flask, **extra: Any) -> None:
    g.subsidy_flashed_here = g.get("subsidy_flashed_here", 0) + 1


def init_app(app: Flask) -> None:
    """Count the messages each request flashes (Flask's ``message_flashed`` signal), for
    :func:`page_messages`."""
    message_flashed.connect(_count_flash, app)


def page_messages(error_page: bool = False) -> list[tuple[str, str]]:
    """The flashed messages (category, message) the layout shows above this page.

    A page that follows a redirect shows every queued message, as Flask does. A page showing a
    refusal (:func:`refusal_shown`) or an error (``error_page``: the error template says so) shows
    only the messages flashed while making it, and leaves the queued ones for the next page: they
    were queued by another request for the page its redirect leads to (when a submit is sent twice,
    the first's «Đã nhận hồ sơ…» must not appear above the second's refusal, nor be lost)."""
    if not (error_page or refusal_shown()):
        return get_flashed_messages(with_categories=True)
    own = g.get("subsidy_flashed_here", 0)
    if not own:
        return []
    queued = list(session.get("_flashes", ()))
    # flash() appends to the session's list, so this request's messages are its last ``own``.
    keep, mine = queued[:max(len(queued) - own, 0)], queued[max(len(queued) - own, 0):]
    if keep:
        session["_flashes"] = keep
    else:
        session.pop("_flashes", None)
    return [(category, message) for category, message in mine]


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
    WorkflowError; ``str(err)`` is its Vietnamese message). The request is marked refused
    (:func:`refused_here`): a page rendered after it answers 422; a redirect is not touched.

    With a WTForms ``form`` shown again: InvalidFields' messages go under their fields
    (put_field_errors), an error naming one ``field`` of the form (FieldError) under that field,
    an error naming none under ``field`` when the view gives one (the form's only input: every
    refusal is about it); anything else, and every refusal when there is no form (the view
    redirects, or its page shows no message under the form's fields), is flashed as an error
    above the page."""
    db_session().rollback()
    refused_here()
    if isinstance(err, UnknownVersion):  # worded for the API's «version»: a page says reload instead
        err = err.on_a_page()
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


class Refused:
    """What :func:`attempt` returns when the form or the service refused (the one value: REFUSED)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "REFUSED"


REFUSED = Refused()

#: Above a form its validators refused without a message for any field.
RESEND = "Không lưu được: hãy tải lại trang rồi gửi lại."


def attempt(form: Any, action: Callable[[], T], *, field: str | None = None,
            checks: Callable[[], Mapping[str, str]] | None = None, bad_token_400: bool = False,
            flashed: bool = False, query: bool = False) -> T | Refused:
    """Run a form's use case the one way every view does: validate ``form`` (a WTForms form of a
    POST, with its CSRF token), then call ``action()`` (the service, reading the form's values).

    Returns ``action()``'s result (nothing is committed: the view commits once), or REFUSED when
    - the form's validators refused it: with ``checks`` (the service's own field checks that save
      nothing, {field: Vietnamese message}), their messages go under the fields the form did not
      refuse (put_field_errors), so every mistake shows after one submit;
    - ``action()`` raised a ServiceError or WorkflowError: :func:`show_refusal` (rolled back, the
      message under its field, under ``field``, or flashed).
    Either way the request is marked refused: the page the view renders next answers 422
    (web.security), the form as typed with its messages (none: RESEND is flashed). A GET (the form
    not sent) returns REFUSED without marking anything: the view shows the empty form.

    ``bad_token_400``: a missing or stale CSRF token aborts with 400 (as a page's buttons answer
    it) instead of giving the form back. ``flashed``: the page shows no message under this form's
    fields (one small form for several buttons): every message, the form's own and the
    service's, is flashed above the page instead. ``query``: the form is read from the URL (a GET
    form without a CSRF token, e.g. the radio page's date): it counts as sent when the query holds
    one of its fields, and a page refused this way answers 422 too (web.security)."""
    sent = any(name in request.args for name in form._fields) if query else form.is_submitted()
    valid = sent and form.validate()
    if bad_token_400 and "csrf_token" in form.errors:
        abort(400)
    if not valid:
        if sent:
            if checks is not None:
                put_field_errors(form, checks())
            if flashed:
                flash_form_errors(form)
            refused_here()
            if not form.errors:  # refused with no message to show: say what to do
                flash(RESEND, "error")
        return REFUSED
    try:
        return action()
    except (ServiceError, WorkflowError) as err:
        show_refusal(err, None if flashed else form, field)
        return REFUSED
