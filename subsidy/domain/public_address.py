"""Whether the public address printed in QR codes and links can be opened by a citizen's phone.

Intake slips and receipts print ``{PUBLIC_BASE_URL}/tra-cuu?ma=<code>`` (domain.md §7). A phone on
the mobile network opens only an address on the internet: not the computer itself (127.0.0.1,
localhost), nor the commune's LAN (192.168.x.x, 10.x.x.x, 172.16–31.x.x), nor a link-local or
``.local`` name. Pure Python.
"""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def public_address_problem(url: str | None) -> str | None:
    """None when ``url`` (e.g. "https://vtci.example.gov.vn") can be opened from the internet;
    otherwise a Vietnamese sentence for staff saying what is wrong with it: unset, not http(s),
    the machine itself, or a private (LAN) address."""
    url = (url or "").strip()
    if not url:
        return ("Chưa đặt địa chỉ công khai của trang tra cứu: mã QR và đường dẫn trên phiếu, biên bản sẽ "
                "trỏ tới địa chỉ máy đang dùng, điện thoại của người dân không mở được.")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return f"Địa chỉ công khai «{url}» không phải một địa chỉ web (http:// hoặc https://)."
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if host == "localhost" or host.endswith((".localhost", ".local", ".lan", ".internal")) or (
            ip is not None and ip.is_loopback):
        return (f"Địa chỉ công khai là «{url}», tức chính máy chủ: mã QR trên phiếu, biên bản in ra sẽ trỏ "
                "vào máy này, điện thoại của người dân không mở được.")
    if ip is not None and (ip.is_private or ip.is_link_local or ip.is_unspecified):
        return (f"Địa chỉ công khai là «{url}», một địa chỉ trong mạng nội bộ: chỉ máy trong trụ sở mở "
                "được, điện thoại của người dân (mạng di động) không mở được mã QR.")
    return None
