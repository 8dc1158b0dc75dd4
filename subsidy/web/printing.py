"""The configuration documents printed during a web request are rendered with."""
from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request


def document_config() -> dict[str, Any]:
    """The app config for documents printed in this request: PUBLIC_BASE_URL, when not configured,
    is the address this request came to (what the clerk's browser used, e.g. the commune LAN's
    http://192.168.1.10:5000/), so the QR codes on slips and receipts open the status page from
    the commune's network instead of pointing at 127.0.0.1."""
    config = dict(current_app.config)
    if not config.get("PUBLIC_BASE_URL") and has_request_context():
        config["PUBLIC_BASE_URL"] = request.url_root.rstrip("/")
    return config
