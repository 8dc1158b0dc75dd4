"""The search key of a text: case and diacritics folded, đ → d (domain.md §9: search ignores case
and diacritics). Sorting never folds: see sorting.sort_key_text."""
from __future__ import annotations

import unicodedata

from .words import clean_text


def fold(text: str) -> str:
    """Return the search key of ``text``: lower case, no diacritics, ``đ`` → ``d``, single spaces.

    :func:`clean_text` (NFC, compatibility forms folded, a zero-width space read as a space,
    other invisible characters dropped) → lower case → NFD with every combining mark (category
    Mn) dropped → ``đ``/``Đ`` → ``d`` → whitespace collapsed and trimmed.  ``"Nguyễn Văn Hùng"``
    → ``"nguyen van hung"``; ``"ĐẶNG"`` → ``"dang"``; ``"Ｎｇｕｙễｎ\u200bVăn"`` → ``"nguyen van"``
    (the same words :func:`normalize_name` stores).  ``None`` or blank text gives ``""``.
    Never raises.

    Use it for searching only: sorting must not fold (see :func:`sort_key_text`).

    Source: domain.md §9 (Names: search ignores case and diacritics, including đ → d).
    """
    if text is None:
        return ""
    s = clean_text(text).lower()
    s = "".join(ch for ch in unicodedata.normalize("NFD", s) if unicodedata.category(ch) != "Mn")
    s = s.replace("đ", "d").replace("Đ", "d")
    return " ".join(s.split())
