"""Row ids in addresses: the ``<int:…>`` URL converter of the whole app (web and API), and ids
that come in a query string or form: :func:`row_id` (services.lookup's, the one reading, which the
services' own query-string filters use too) and :func:`chosen_id` for a form's field.

A row id is a positive 32-bit integer (the primary keys are INTEGER, which PostgreSQL stores in 32
bits and SQLite checks against 64). A larger number in an address names no row: it answers 404
before any query is made, instead of failing in the database driver (SQLite raises OverflowError
at 2**63, PostgreSQL rejects the parameter as out of range for integer)."""
from __future__ import annotations

import builtins
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from forms.base import MESSAGES
from subsidy.services.errors import FieldError
from subsidy.services.lookup import MAX_ID as MAX_ROW_ID  # the largest id any table can hold (2**31 - 1)
from subsidy.services.lookup import row_id  # re-exported: the views read ids from requests here

__all__ = ["MAX_ROW_ID", "NOT_IN_LIST", "RowIdConverter", "chosen_id", "init_app", "row_id"]

#: Under a select whose value names no row (a page kept open while its list changed, an edited
#: request): the forms' own «not a valid choice» message.
NOT_IN_LIST = MESSAGES["Not a valid choice."]


class RowIdConverter(IntegerConverter):
    """``<int:name>``: digits from 0 to MAX_ROW_ID; anything larger does not match the rule, so
    the request answers 404 like any id with no row."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 - werkzeug's names
                 max: int | None = None, signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         # builtins.min: ``min`` here is werkzeug's argument
                         max=MAX_ROW_ID if max is None else builtins.min(max, MAX_ROW_ID), signed=signed)


def chosen_id(field: Any, message: str = NOT_IN_LIST) -> int | None:
    """The row id sent in the WTForms ``field`` (a select of rows or a hidden id), read by
    :func:`row_id`: None when nothing is chosen (None or ""). A value that names no row raises
    FieldError with ``message`` (Vietnamese) for the field, before the id reaches the database:
    read inside the action of web.refusals.attempt, the form is given back with the message under
    the field (422)."""
    raw = field.data
    if raw is None or str(raw).strip() == "":
        return None
    n = row_id(raw)
    if n is None:
        raise FieldError(message, field.name)
    return n


def init_app(app: Flask) -> None:
    """Make ``int`` in every route of ``app`` mean RowIdConverter; must run before any blueprint
    is registered (a rule binds its converter when it is added)."""
    app.url_map.converters["int"] = RowIdConverter
