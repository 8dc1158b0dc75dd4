"""Keeping personal data out of access logs: query strings are dropped from every logged URL.

A search by CCCD or phone fragment travels in the query string (``/ho-gia-dinh/?q=079…``), and so
does the Referer of the page after it; personal data is never written to logs. Both servers use
this: Werkzeug's development server through :class:`RedactQueryStrings` on its logger, gunicorn
through :class:`subsidy.gunicorn_conf.QuerylessAccessLogger`.
"""
from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^ \"]*")


def redact(text: str) -> str:
    """``text`` with every query string (``?`` up to the next space or quote) replaced by ``?…``."""
    return _QUERY.sub("?…", text)


class RedactQueryStrings(logging.Filter):
    """A logging filter dropping query strings from the record's message and string arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True
