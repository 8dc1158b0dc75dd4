"""The configuration documents printed during a web request are rendered with, and the warning
staff see while the address in QR codes cannot be opened by a citizen's phone."""
from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request

from subsidy.domain.public_address import public_address_problem
from subsidy.request_scope import db_session
from subsidy.services import instance_settings


def configured_base_url() -> str:
    """The public base address an admin set (instance setting public_base_url, under «Cài đặt»),
    else the PUBLIC_BASE_URL of the configuration (its default), else ""."""
    return instance_settings.public_base_url(db_session(), current_app.config)


def document_config() -> dict[str, Any]:
    """The app config for documents printed in this request, PUBLIC_BASE_URL being
    configured_base_url(); when that is empty, the address this request came to (what the clerk's
    browser used, e.g. the commune LAN's http://192.168.1.10:5000/), so the QR codes on slips and
    receipts open the status page from the commune's network instead of pointing at 127.0.0.1."""
    config = dict(current_app.config)
    config["PUBLIC_BASE_URL"] = configured_base_url()
    if not config["PUBLIC_BASE_URL"] and has_request_context():
        config["PUBLIC_BASE_URL"] = request.url_root.rstrip("/")
    return config


def public_address_warning() -> str | None:
    """The warning staff see on the home page and before printing while the address printed in
    QR codes and links (configured_base_url(), or this request's address when it is unset) cannot
    be opened by a citizen's phone: unset, the machine itself or a LAN address
    (domain.public_address). None when it can."""
    configured = configured_base_url()
    problem = public_address_problem(configured) if configured else None
    if configured and problem is None:
        return None
    if not configured:
        effective = document_config().get("PUBLIC_BASE_URL") or ""
        problem = (f"Chưa đặt địa chỉ công khai của trang tra cứu: mã QR và đường dẫn trên phiếu, biên bản "
                   f"đang in theo địa chỉ «{effective}»"
                   + (", điện thoại của người dân có thể không mở được." if public_address_problem(effective) is None
                      else ", điện thoại của người dân không mở được."))
    return (f"{problem} Quản trị cần đặt địa chỉ trang web trên Internet (ví dụ https://vtci.example.gov.vn) "
            "ở mục «Cài đặt».")
