"""Dates as a Vietnamese clerk writes and reads them: dd/mm/yyyy, day first, and the "place, date"
line of an official document (domain.md §9; Nghị định 30/2020/NĐ-CP). Which day it is in Việt
Nam, and months, are subsidy.domain.calendar's."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from subsidy.domain.calendar import month_bounds

from .echo import echo
from .errors import VnValueError
from .words import _clean_words

_DMY = re.compile(r"^([0-9]{1,2})\s*([/.\-])\s*([0-9]{1,2})\s*\2\s*([0-9]+)$")
_ISO = re.compile(
    r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$"  # an ignored time part
)
_MIN_YEAR, _MAX_YEAR = 1900, 2100
_NOT_A_DATE = "«{}» không phải là một ngày. Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/11/2026."


def format_date(d: date) -> str:
    """Format a date as ``dd/mm/yyyy``: ``date(2026, 11, 5)`` → ``"05/11/2026"``.

    Shape: a ``date`` (or ``datetime``; the time is ignored).  Raises :class:`VnValueError` for
    anything else.

    Source: domain.md §9 (Dates dd/mm/yyyy).
    """
    if not isinstance(d, date):
        raise VnValueError(_NOT_A_DATE.format(echo(d)))
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def parse_date(raw: object) -> date:
    """Read a date the way a Vietnamese clerk writes it — day first, never month first.

    Shapes accepted: a ``date`` or ``datetime`` object (returned as a ``date``); text
    ``"dd/mm/yyyy"``, ``"d/m/yyyy"``, ``"dd-mm-yyyy"``, ``"dd.mm.yyyy"`` (day first, 4-digit year);
    ISO ``"yyyy-mm-dd"`` (optionally followed by a time, which is ignored).  Text is
    NFKC-normalised, so full-width digits work.  ``"11/25/2026"`` is *not* read as 25 November:
    month 25 is an error.

    Raises :class:`VnValueError` for empty input, any other shape (including 2-digit years and
    Excel serial numbers), a month outside 1–12, a day that does not exist in that month
    (e.g. 29/02/2025), or a year outside 1900–2100 (almost surely a typing mistake here).

    Source: domain.md §9 (Dates dd/mm/yyyy).
    """
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise VnValueError("Chưa nhập ngày. Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/11/2026.")
    if not isinstance(raw, str):
        raise VnValueError(
            f"Không đọc được ngày «{echo(raw)}». Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/11/2026 "
            "(nếu lấy từ Excel, hãy định dạng ô là Ngày hoặc Văn bản)."
        )
    text = unicodedata.normalize("NFKC", raw).strip()
    m = _DMY.match(text)
    if m:
        day, month, year_text = int(m.group(1)), int(m.group(3)), m.group(4)
        if len(year_text) != 4:
            raise VnValueError(
                f"Ngày «{echo(raw)}»: năm phải viết đủ 4 chữ số (ví dụ 05/11/2026, không viết 05/11/26)."
            )
        year = int(year_text)
    else:
        m = _ISO.match(text)
        if not m:
            raise VnValueError(
                f"Không đọc được ngày «{echo(raw)}». Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/11/2026."
            )
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise VnValueError(
            f"Ngày «{echo(raw)}»: năm {year} không hợp lệ (phải từ {_MIN_YEAR} đến {_MAX_YEAR}). "
            "Hãy kiểm tra lại năm."
        )
    if not 1 <= month <= 12:
        raise VnValueError(
            f"Ngày «{echo(raw)}»: tháng {month} không hợp lệ (tháng phải từ 1 đến 12). Ngày phải viết theo "
            "thứ tự ngày/tháng/năm, ví dụ 05/11/2026 là ngày 5 tháng 11."
        )
    missing = missing_day(year, month, day)
    if missing:
        raise VnValueError(
            f"Ngày «{echo(raw)}»: {missing}. Hãy kiểm tra lại ngày (viết theo thứ tự ngày/tháng/năm)."
        )
    return date(year, month, day)


def missing_day(year: int, month: int, day: int) -> str | None:
    """Why day ``day`` of month ``month`` of ``year`` does not exist, as a clause to put in a
    sentence — ``"tháng 2 năm 2025 chỉ có 28 ngày, không có ngày 31"``, ``"không có tháng 13
    (tháng phải từ 1 đến 12)"`` — or None if it exists. The one wording of a day that does not
    exist (forms, imports and the JSON API)."""
    if not 1 <= month <= 12:
        return f"không có tháng {month} (tháng phải từ 1 đến 12)"
    last = month_bounds(year, month)[1].day
    if not 1 <= day <= last:
        return f"tháng {month} năm {year} chỉ có {last} ngày, không có ngày {day}"
    return None


def place_date_line(place: str, d: date) -> str:
    """The "place, date" line of an official document: ``"Phú Tân, ngày 05 tháng 11 năm 2026"``.

    Shapes: ``place`` the commune name (NFC, spacing normalised); ``d`` a ``date`` or ``datetime``.
    Rule (Nghị định 30/2020/NĐ-CP, Phụ lục I, phần về địa danh và thời gian ban hành văn bản): a day
    below 10 and the months 1 and 2 take a leading zero (``ngày 05``, ``tháng 01``, ``tháng 02``);
    months from 3 to 12 are written without one (``tháng 3``, ``tháng 11``).

    Raises :class:`VnValueError` if ``place`` is empty or ``d`` is not a date.

    Source: Nghị định 30/2020/NĐ-CP (công tác văn thư), Phụ lục I.
    """
    words = _clean_words(place)
    if not words:
        raise VnValueError("Chưa có địa danh (tên xã) để ghi trên văn bản. Hãy nhập tên xã, ví dụ «Phú Tân».")
    if not isinstance(d, date):
        raise VnValueError(_NOT_A_DATE.format(echo(d)))
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"{' '.join(words)}, ngày {d.day:02d} tháng {month} năm {d.year}"
