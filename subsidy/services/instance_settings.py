"""The instance's own settings (table instance_settings, key → text): the public base address of
QR codes and links, and what the province's own documents print about their issuer.

A setting not stored yet reads as its default (the configuration, subsidy/config.py, for the public
address; the province's name for its body). Every function takes (session, …, actor), flushes and
never commits; a change is audited ("instance_setting.update", with the old and new values).
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Mapping
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from subsidy.domain.calendar import parse_extra_holidays

from subsidy.domain.documents import DEFAULT_ISSUER, Issuer, Signer
from subsidy.models import InstanceSetting, User
from subsidy.services import audit
from subsidy.services.errors import InvalidFields

PUBLIC_BASE_URL = "public_base_url"
PROVINCE_BODY = "province_body"
PROVINCE_RECIPIENTS = "province_recipients"
#: Days off added to the shipped holiday table (domain.calendar.parse_extra_holidays), one a line.
EXTRA_HOLIDAYS = "extra_holidays"
#: The keys the admin's form edits, in its order.
KEYS = (PUBLIC_BASE_URL, PROVINCE_BODY, PROVINCE_RECIPIENTS, EXTRA_HOLIDAYS)
#: The «Nơi nhận» of the province's reports until the admin sets them.
PROVINCE_RECIPIENTS_DEFAULT = "Bộ Khoa học và Công nghệ;Chủ tịch, các Phó Chủ tịch UBND tỉnh"


def _clean(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def get(session: Session, key: str, default: str = "") -> str:
    """The stored value of ``key``, or ``default`` when none is stored (or it is empty)."""
    row = session.get(InstanceSetting, key)
    return row.value if row is not None and row.value else default


def stored(session: Session) -> dict[str, str]:
    """Every stored setting of :data:`KEYS` (key → value; a key not stored is left out)."""
    return {k: v for k in KEYS if (v := get(session, k))}


def public_base_url(session: Session, config: Mapping[str, object]) -> str:
    """The base of the status links printed in QR codes ("https://vtci.example.gov.vn", no
    trailing slash): the stored setting, else the configured PUBLIC_BASE_URL (its default), else ""."""
    return (get(session, PUBLIC_BASE_URL) or str(config.get("PUBLIC_BASE_URL") or "")).strip().rstrip("/")


def check_base_url(value: str) -> str:
    """``value`` as stored ("https://host[:port][/path]", no trailing slash) or "" (back to the
    default). Raises InvalidFields (field public_base_url) for anything but an http(s) address
    with a host, in Vietnamese. Whether a phone can open it is domain.public_address's warning."""
    url = _clean(value).rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url or parts.query or parts.fragment:
        raise InvalidFields({PUBLIC_BASE_URL: (
            f"«{value.strip()}» không phải địa chỉ web: hãy ghi đầy đủ, bắt đầu bằng https:// (hoặc http://), "
            "không có dấu cách, «?» hay «#» (ví dụ: https://vtci.example.gov.vn).")})
    try:
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        raise InvalidFields({PUBLIC_BASE_URL: f"Cổng trong «{value.strip()}» không hợp lệ (1–65535)."}) from None
    return url


def check_extra_holidays(value: str) -> str:
    """The admin's added days off as stored: one "dd/mm/yyyy name" a line, sorted by day. Raises
    InvalidFields (field extra_holidays) naming the line that has no valid date (the date itself
    when it does not exist, 31/02) or no name."""
    try:
        days = parse_extra_holidays(value or "", require_name=True)
    except ValueError as err:
        raise InvalidFields({EXTRA_HOLIDAYS: str(err)}) from None
    return "\n".join(f"{h.day:%d/%m/%Y} {h.name}" for h in days)


def extra_holidays(session: Session) -> tuple[dt.date, ...]:
    """The days off the admin added (the working-day counts of the complaint deadlines skip them
    besides the shipped table); () when none."""
    return tuple(h.day for h in parse_extra_holidays(get(session, EXTRA_HOLIDAYS)))


def update(session: Session, values: Mapping[str, str], actor: User | None) -> dict[str, list[str]]:
    """Store ``values`` (keys of :data:`KEYS`; "" clears a setting back to its default), checked
    first (nothing saved when one is wrong). Audits the changes ({key: [old, new]}) and returns
    them. Raises InvalidFields (public_base_url not an http(s) address; an unknown key)."""
    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        raise InvalidFields({k: "Không có thiết lập này." for k in unknown})
    clean = {k: (check_base_url(v) if k == PUBLIC_BASE_URL else check_extra_holidays(v) if k == EXTRA_HOLIDAYS else
                 ";".join(e for e in (_clean(x) for x in (v or "").replace("\n", ";").split(";")) if e)
                 if k == PROVINCE_RECIPIENTS else _clean(v).upper())
             for k, v in values.items()}
    changes: dict[str, list[str]] = {}
    for key, value in clean.items():
        row = session.get(InstanceSetting, key)
        old = row.value if row is not None else ""
        if old == value:
            continue
        if row is None:
            session.add(InstanceSetting(key=key, value=value))
        else:
            row.value = value
        changes[key] = [old, value]
    if changes:
        audit.record(session, actor, "instance_setting.update", "instance_setting", None, changes)
    session.flush()
    return changes


def province_issuer(session: Session, province: str) -> Issuer:
    """The issuer of the province's own documents (its consolidated tally and annual report): the
    body from the setting province_body (default "ỦY BAN NHÂN DÂN " + ``province`` in capitals,
    e.g. "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP"), the place of the date line from ``province`` ("tỉnh
    Đồng Tháp" → "Đồng Tháp"), the «Nơi nhận» from province_recipients, the signer the usual
    "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" with a line to sign over."""
    body = get(session, PROVINCE_BODY) or f"ỦY BAN NHÂN DÂN {province.upper()}"
    recipients = get(session, PROVINCE_RECIPIENTS, PROVINCE_RECIPIENTS_DEFAULT)
    return Issuer(body_upper="", body=body, place=province.removeprefix("tỉnh ").strip() or DEFAULT_ISSUER.place,
                  signer=Signer(), recipients=tuple(r for r in recipients.split(";") if r.strip()),
                  archive="VT")
