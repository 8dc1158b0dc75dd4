"""Personal data masked where the public can see it (domain.md §9; Nghị định 13/2023/NĐ-CP)."""
from __future__ import annotations

import re
import unicodedata

from .digits import _SEPARATORS
from .words import _clean_words

#: How many trailing characters of a citizen ID (mask_id) and of a phone (mask_phone) stay shown.
ID_SHOWN = 4
PHONE_SHOWN = 3


def mask_name(name: str) -> str:
    """Mask a name for public display: ``"Nguyễn Văn Hùng"`` → ``"Nguyễn V. H***"``.

    The family name (first word) is kept; each middle name becomes its initial and a dot; the
    given name (last word) becomes its first letter and ``***``.  A one-word name becomes its
    first letter and ``***``.  Input is NFC-normalised and spacing collapsed; an empty or
    ``None`` name gives ``""``.  Never raises.

    Source: domain.md §9 (mask personal data where the public can see it; Nghị định 13/2023/NĐ-CP).
    """
    words = _clean_words(name)
    if not words:
        return ""
    given = words[-1][0] + "***"
    if len(words) == 1:
        return given
    return " ".join([words[0]] + [w[0] + "." for w in words[1:-1]] + [given])


def _mask_tail(value: object, keep: int) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _SEPARATORS.sub("", text)
    if len(text) <= keep:
        return "*" * len(text)
    return "*" * (len(text) - keep) + text[-keep:]


def mask_id(value: str) -> str:
    """Mask a citizen ID for display: every character but the last 4 becomes ``*``.

    ``"082012345678"`` → ``"********5678"``.  Separators are removed first (NFKC).  A value of
    4 characters or fewer is masked entirely, so a short value is never shown whole; empty or
    ``None`` gives ``""``.  Never raises.

    Source: domain.md §9 (mask personal data where the public can see it; Nghị định 13/2023/NĐ-CP).
    """
    return _mask_tail(value, ID_SHOWN)


def mask_phone(value: str) -> str:
    """Mask a phone number for display: every character but the last 3 becomes ``*``.

    ``"0912345678"`` → ``"*******678"``.  Separators are removed first (NFKC).  A value of
    3 characters or fewer is masked entirely; empty or ``None`` gives ``""``.  Never raises.

    Source: domain.md §9 (mask personal data where the public can see it; Nghị định 13/2023/NĐ-CP).
    """
    return _mask_tail(value, PHONE_SHOWN)


#: A CCCD (12 digits) or an old CMND (9 digits) standing alone in a sentence.
_ID_IN_TEXT = re.compile(r"(?<![0-9])(?:[0-9]{12}|[0-9]{9})(?![0-9])")


def mask_ids_in_text(text: str) -> str:
    """``text`` with every CCCD (12 digits) or CMND (9 digits) in it masked as :func:`mask_id` does:
    "Số CCCD 082070123456 cho biết năm sinh 1970, …" → "Số CCCD ********3456 cho biết …". Other
    numbers (years, counts) stay; empty or ``None`` gives ``""``. Never raises.

    For a sentence that quotes an ID (the CCCD warning a household keeps). Source: domain.md §9."""
    if not text:
        return ""
    return _ID_IN_TEXT.sub(lambda m: mask_id(m.group(0)), str(text))
