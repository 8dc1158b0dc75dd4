"""The stored search key of a household and the words of a search query, both folded the same
way (vn.fold: no case, no accents, đ → d), so that plain ``LIKE`` finds the same households on
SQLite and PostgreSQL.  Source: domain.md §9 (search folds).
"""
from __future__ import annotations

import re
from functools import lru_cache

from subsidy.domain import vn

_TOKEN = re.compile(r"[a-z0-9]+")


def household_search_text(head_name: str, code: str | None, citizen_id: str | None,
                          phone: str | None) -> str:
    """The folded search column of a household: ``" nguyen van hung 8250419218 082… 09… "``.

    Name words folded with :func:`vn.fold` (no case, no accents, đ → d; punctuation → spaces),
    then the household code, CCCD and phone; a space before every word so that a search can ask
    for a word that *starts* with a query word (``LIKE '% hung%'``) and a fragment of a number
    anywhere (``LIKE '%2038%'``).  Pure ASCII, so plain LIKE behaves the same on SQLite and
    PostgreSQL.  Source: domain.md §9 (search folds).
    """
    words = list(_name_tokens(head_name or ""))
    if code:
        words.append(code.lower() if code.isascii() else vn.fold(code))
    words += [x for x in (citizen_id, phone) if x]
    return " " + " ".join(words) + " "


@lru_cache(maxsize=8192)
def _name_tokens(name: str) -> tuple[str, ...]:
    # A list repeats its names: each name's words are folded once while it is among the last
    # 8,192 asked (the words themselves once while among the last 8,192 words).
    return tuple(t for w in name.split() for t in _folded_tokens(w))


@lru_cache(maxsize=8192)
def _folded_tokens(word: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(vn.fold(word)))


def search_tokens(query: str) -> list[str]:
    """The words of a search query, folded: ``"ĐẶNG  Văn"`` → ``["dang", "van"]``; at most 8."""
    return _TOKEN.findall(vn.fold(query or ""))[:8]
