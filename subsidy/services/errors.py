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
