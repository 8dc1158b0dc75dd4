"""Where a view may send the browser next, and the layout's fixed addresses."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, url_for

#: app.extensions key of the app's built fixed addresses.
FIXED_URLS = "subsidy.fixed_urls"
#: Past this many distinct (mount point, endpoint, values) the kept addresses are dropped and built
#: again: templates name fixed addresses literally, so a real app never comes near it.
FIXED_URLS_KEPT = 256


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path inside this app, else ``default`` (no open redirects)."""
    if not target:
        return default
    target = target.strip()
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target



def fixed_url(endpoint: str, **values: str) -> str:
    """``url_for(endpoint, **values)`` for an address that depends on nothing but the app's routes
    and where the app is mounted (``request.script_root``): the layout's style sheet, scripts and
    icon, a fixed page such as the status check. Built once per mount point and kept in the app
    (url_for costs about 6 µs, and every page's layout builds four of them). Never external (no
    scheme or host); the values are path values (strings). Raises url_for's BuildError for an
    unknown endpoint."""
    kept: dict[Any, str] = current_app.extensions.setdefault(FIXED_URLS, {})
    key = (request.script_root if has_request_context() else None, endpoint, tuple(sorted(values.items())))
    url = kept.get(key)
    if url is None:
        if len(kept) >= FIXED_URLS_KEPT:
            kept.clear()
        url = kept[key] = url_for(endpoint, **values)
    return url


def init_app(app: Flask) -> None:
    """Offer :func:`fixed_url` to the templates (a Jinja global: no context processor per page)."""
    app.add_template_global(fixed_url)
