"""Errors a use case raises for the clerk: the message is Vietnamese and says how to fix it."""
from __future__ import annotations


class ServiceError(Exception):
    """A domain rule refused the request; nothing was saved. ``str(err)`` is shown to the user."""


class NotFound(ServiceError):
    """The record asked for does not exist (or is not visible to this user)."""


class Conflict(ServiceError):
    """The request clashes with existing data (a duplicate CCCD, IMEI, application …)."""


class FieldError(ServiceError):
    """A value of the form is wrong; ``field`` names the form field the message belongs to (the
    view shows the message under that field)."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class InvalidFields(ServiceError):
    """Several values of the form are wrong at once; ``field_errors`` maps each form field name to
    its Vietnamese message (in form order), so the clerk sees every mistake after one submit (the
    view shows each message under its field and lists them all at the top). ``str(err)`` joins the
    messages. Nothing was saved. Raised by the household service (as ``InvalidHousehold``) and by
    the handover / cash payment services."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        self.field_errors = dict(field_errors)
        super().__init__(" ".join(self.field_errors.values()))
