"""Days in the JSON API: read as ``YYYY-MM-DD`` (query parameters and bodies alike), and the
services' date messages (written for the forms' dd/mm/yyyy) said in those terms to API clients."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from subsidy.domain import vn

_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", re.ASCII)
#: The years a day of the API may be in (iso_day).
ISO_YEARS = (2000, 2099)
#: The 422 reason of a value that is not a day written YYYY-MM-DD (query parameters and JSON bodies alike).
ISO_DAY_REASON = "phải là ngày dạng YYYY-MM-DD, năm 2000–2099"


def iso_day(raw: object) -> dt.date:
    """A ``YYYY-MM-DD`` day, year 2000–2099 (ISO_YEARS). ValueError when ``raw`` is not written so
    (ISO_DAY_REASON); vn.VnValueError saying why for a day so written that does not exist
    ("2025-02-31") or whose year is out of range ("1900-01-01")."""
    if not isinstance(raw, str) or not _ISO_DAY.match(raw):
        raise ValueError(raw)
    year, month, day = (int(part) for part in raw.split("-"))
    lo, hi = ISO_YEARS
    if not lo <= year <= hi:
        raise vn.VnValueError(f"ngày «{raw}» đúng dạng YYYY-MM-DD nhưng ngoài khoảng cho phép: năm phải từ {lo} "
                              f"đến {hi}")
    if missing := vn.missing_day(year, month, day):
        raise vn.VnValueError(f"ngày «{raw}» không có: {missing}; hãy kiểm tra lại ngày, viết dạng YYYY-MM-DD")
    return dt.date.fromisoformat(raw)


def iso_day_reason(err: ValueError) -> str:
    """The 422 reason of ``err`` from iso_day: why the day does not exist or is out of range, else
    ISO_DAY_REASON."""
    return str(err) if isinstance(err, vn.VnValueError) else ISO_DAY_REASON


_VN_DAY = re.compile(r"\b([0-9]{2})/([0-9]{2})/([0-9]{4})\b")


def iso_message(message: str) -> str:
    """A service's message about dates (written for the forms: days as dd/mm/yyyy, "(ngày/tháng/năm)")
    in the API's terms, where days are sent and read as YYYY-MM-DD: "Ngày nhận hồ sơ (21/03/2027)
    không được sau ngày hôm nay (20/03/2027). Hãy kiểm tra lại ngày (ngày/tháng/năm)." → "Ngày nhận
    hồ sơ (2027-03-21) không được sau ngày hôm nay (2027-03-20). Hãy kiểm tra lại ngày (viết dạng
    YYYY-MM-DD)." Every refusal of the API's writes goes through it."""
    text = _VN_DAY.sub(r"\3-\2-\1", message)
    return text.replace("(ngày/tháng/năm)", "(viết dạng YYYY-MM-DD)").replace("dạng ngày/tháng/năm", "dạng YYYY-MM-DD")


def field_reasons(field_errors: dict[str, str]) -> list[dict[str, str]]:
    """A service's InvalidFields messages as the API's ``errors`` ({"name", "reason"}, in iso_message's terms)."""
    return [{"name": k, "reason": iso_message(v)} for k, v in field_errors.items()]


def body_day(body: dict[str, Any], name: str, errors: list[dict[str, str]], default: dt.date | None = None,
             *, nullable: bool = False) -> dt.date | None:
    """The ISO day ``body[name]`` of a JSON body (``default`` when left out; None for a null when ``nullable``);
    anything else iso_day refuses appends ``{"name", "reason"}`` to ``errors`` and returns ``default``."""
    if name not in body:
        return default
    if body[name] is None and nullable:
        return None
    try:
        return iso_day(body[name])
    except ValueError as err:
        errors.append({"name": name, "reason": iso_day_reason(err)})
        return default
