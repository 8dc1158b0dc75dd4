"""The search key of a text: case and diacritics folded, đ → d (domain.md §9: search ignores case
and diacritics). Sorting never folds: see sorting.sort_key_text."""
from __future__ import annotations

import unicodedata

from .words import _INVISIBLE


def fold(text: str) -> str:
    """Return the search key of ``text``: lower case, no diacritics, ``đ`` → ``d``, single spaces.

    NFC → lower case → NFD with every combining mark (category Mn) dropped → ``đ``/``Đ`` → ``d``
    → whitespace collapsed and trimmed.  ``"Nguyễn Văn Hùng"`` → ``"nguyen van hung"``;
    ``"ĐẶNG"`` → ``"dang"``.  ``None`` or blank text gives ``""``.  Never raises.

    Use it for searching only: sorting must not fold (see :func:`sort_key_text`).

    Source: domain.md §9 (Names: search ignores case and diacritics, including đ → d).
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFC", str(text)).lower()
    s = "".join(ch for ch in unicodedata.normalize("NFD", s) if unicodedata.category(ch) != "Mn")
    s = s.replace("đ", "d").replace("Đ", "d")
    s = _INVISIBLE.sub("", s)
    return " ".join(s.split())
