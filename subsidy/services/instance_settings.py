"""The instance's own settings (table instance_settings, key → text): the public base address of
QR codes and links, and what the province's own documents print about their issuer (its body, who
signs for it, its part of the ký hiệu, its «Nơi nhận»), as a commune's are data of the commune.

A setting not stored yet reads as its default (the configuration, subsidy/config.py, for the public
address; the province's name for its body; the body for its signer's role lines and abbreviation,
domain.documents.body_signer and body_abbreviation). Every function takes (session, …, actor), flushes and
never commits; a change is audited ("instance_setting.update", with the old and new values).
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Mapping
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from subsidy.domain.calendar import parse_extra_holidays

from subsidy.domain import vn
from subsidy.domain.documents import DEFAULT_ISSUER, Issuer, Signer, body_abbreviation, body_signer
from subsidy.domain.labels.places import province_place, province_unit
from subsidy.models import InstanceSetting, User
from subsidy.services import audit, versions
from subsidy.services.communes import ABBREVIATION_RE
from subsidy.services.errors import InvalidFields

PUBLIC_BASE_URL = "public_base_url"
PROVINCE_BODY = "province_body"
PROVINCE_RECIPIENTS = "province_recipients"
#: Who signs the province's documents (Nghị định 30/2020/NĐ-CP, Phụ lục I: quyền hạn, chức vụ, họ
#: tên): the three role lines are one unit — none stored, the body's usual signer (body_signer);
#: any stored, exactly those ("" leaves a line out: "GIÁM ĐỐC" alone when the director signs).
PROVINCE_SIGNER_AUTHORITY = "province_signer_authority"
PROVINCE_SIGNER_DEPUTY = "province_signer_deputy"
PROVINCE_SIGNER_TITLE = "province_signer_title"
#: The typed name under the signature ("": a dotted line to write it by hand).
PROVINCE_SIGNER_NAME = "province_signer_name"
PROVINCE_SIGNER_ROLE = (PROVINCE_SIGNER_AUTHORITY, PROVINCE_SIGNER_DEPUTY, PROVINCE_SIGNER_TITLE)
#: The body's part of the ký hiệu ("SKHCN": "…/BC-SKHCN"); default body_abbreviation of the body.
PROVINCE_ABBREVIATION = "province_abbreviation"
#: Days off added to the shipped holiday table (domain.calendar.parse_extra_holidays), one a line.
EXTRA_HOLIDAYS = "extra_holidays"
#: The audit log's name for the settings (one record: entity_id None).
AUDIT_ENTITY = "instance_setting"
#: The keys the admin's form edits, in its order.
KEYS = (PUBLIC_BASE_URL, PROVINCE_BODY, PROVINCE_ABBREVIATION, *PROVINCE_SIGNER_ROLE, PROVINCE_SIGNER_NAME,
        PROVINCE_RECIPIENTS, EXTRA_HOLIDAYS)
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


def _check_province_signer(clean: Mapping[str, str], session: Session) -> None:
    """Raises InvalidFields when the province's signer or abbreviation (as they will be stored,
    ``clean`` over what is stored) cannot be printed: role lines with no title (chức vụ), an
    abbreviation that is not a ký hiệu part (capitals, digits, no space, no «/», ≤ 20)."""
    errors: dict[str, str] = {}
    role = {k: clean[k] if k in clean else get(session, k) for k in PROVINCE_SIGNER_ROLE}
    if any(role.values()) and not role[PROVINCE_SIGNER_TITLE]:
        errors[PROVINCE_SIGNER_TITLE] = ("Hãy ghi chức vụ của người ký (ví dụ: PHÓ GIÁM ĐỐC), hoặc để trống cả "
                                         "ba dòng thẩm quyền, ký thay, chức vụ để in theo cơ quan ban hành.")
    abbreviation = clean.get(PROVINCE_ABBREVIATION, "")
    if abbreviation and not ABBREVIATION_RE.fullmatch(abbreviation):
        errors[PROVINCE_ABBREVIATION] = ("Chữ viết tắt của cơ quan (phần sau dấu gạch ngang của ký hiệu) gồm tối đa 20 "
                                         "chữ in, số, không dấu cách, không dấu «/» (ví dụ: SKHCN).")
    if errors:
        raise InvalidFields(errors)


def _clean_value(key: str, value: str) -> str:
    if key == PUBLIC_BASE_URL:
        return check_base_url(value)
    if key == EXTRA_HOLIDAYS:
        return check_extra_holidays(value)
    if key == PROVINCE_RECIPIENTS:
        return ";".join(e for e in (_clean(x) for x in (value or "").replace("\n", ";").split(";")) if e)
    if key == PROVINCE_SIGNER_NAME:  # printed under the signature: the one rule of people's names
        try:
            name = vn.normalize_optional_name(value)
        except vn.VnValueError as err:
            raise InvalidFields({key: f"Họ tên người ký: {err}"}) from None
        problem = vn.signer_name_problem(name, "Người ký báo cáo của tỉnh") if name else None
        if problem is not None:
            raise InvalidFields({key: f"Họ tên người ký: {problem}"})
        return name
    return _clean(value).upper()


def update(session: Session, values: Mapping[str, str], actor: User | None, *,
           seen_version: int | None = None) -> dict[str, list[str]]:
    """Store ``values`` (keys of :data:`KEYS`; "" clears a setting back to its default), checked
    first (nothing saved when one is wrong). Audits the changes ({key: [old, new]}) and returns
    them. Raises InvalidFields (public_base_url not an http(s) address; the province's signer with
    role lines and no title, its abbreviation not a ký hiệu part; an unknown key); StaleVersion
    when one of ``values``' settings was changed after ``seen_version`` (the settings' version,
    services.versions, that the page showed; None: not checked), the settings' rows locked first."""
    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        raise InvalidFields({k: "Không có thiết lập này." for k in unknown})
    clean = {k: _clean_value(k, v) for k, v in values.items()}
    _check_province_signer(clean, session)
    versions.lock_all(session, InstanceSetting)
    versions.check_unchanged(
        session, AUDIT_ENTITY, None, seen_version, fields=values.keys(),
        what="phần cài đặt", how="Hãy mở lại trang «Cài đặt» để xem các giá trị mới nhất, rồi sửa lại.")
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
        audit.record(session, actor, "instance_setting.update", AUDIT_ENTITY, None, changes)
    session.flush()
    return changes


def province_issuer(session: Session, province: str) -> Issuer:
    """The issuer of the province's own documents (its consolidated tally and annual report): the
    body from the setting province_body (default "ỦY BAN NHÂN DÂN " + ``province`` in capitals,
    e.g. "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP"), the place of the date line from ``province`` ("tỉnh
    Đồng Tháp" → "Đồng Tháp"), the «Nơi nhận» from province_recipients, the ký hiệu's abbreviation
    from province_abbreviation (default: the body's, "UBND" or "SKHCN" for the Sở Khoa học và Công
    nghệ, domain.documents.body_abbreviation) and the signer from the province_signer_* settings
    (role lines default to the body's usual signer, domain.documents.body_signer: "TM. ỦY BAN NHÂN DÂN /
    KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" or "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"; name "" when none is stored)."""
    province = province_unit(province)
    body = get(session, PROVINCE_BODY) or f"ỦY BAN NHÂN DÂN {province.upper()}"
    recipients = get(session, PROVINCE_RECIPIENTS, PROVINCE_RECIPIENTS_DEFAULT)
    authority, deputy, title = (get(session, k) for k in PROVINCE_SIGNER_ROLE)
    usual = body_signer(body)
    role = (authority, deputy, title) if authority or deputy or title else (usual.authority, usual.deputy, usual.title)
    signer = Signer(*role, name=get(session, PROVINCE_SIGNER_NAME))
    return Issuer(body_upper="", body=body, place=province_place(province) or DEFAULT_ISSUER.place,
                  abbreviation=get(session, PROVINCE_ABBREVIATION) or body_abbreviation(body),
                  signer=signer, recipients=tuple(r for r in recipients.split(";") if r.strip()), archive="VT")
