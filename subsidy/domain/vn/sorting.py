"""The Vietnamese order of people's names, as one digit string per name that the database column
``households.sort_key`` stores and every list sorts on (domain.md §9: sorting does not fold)."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from .words import _clean_words

# Vietnamese alphabet order; f, j, w, z (not Vietnamese letters) follow their Latin neighbours.
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]
_LETTER_RANK = {letter: 100 + i for i, letter in enumerate(_ALPHABET)}
# Combining marks that make a different letter (ă â ê ô ơ ư).
_SHAPE_MARKS = {"\u0306", "\u0302", "\u031b"}
# Tone marks, in the conventional order ngang (none), huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


@lru_cache(maxsize=8192)
def _word_keys(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(base-letter ranks, tone ranks) of one lower-cased NFC word (cached: names reuse words)."""
    primary: list[int] = []
    tones: list[int] = []
    for ch in word:
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        tone = 0
        shape = ""
        other = 0
        for mark in marks:
            if mark in _TONE_RANK:
                tone = _TONE_RANK[mark]
            elif mark in _SHAPE_MARKS:
                shape += mark
            else:
                other = other * 1000 + ord(mark)
        letter = unicodedata.normalize("NFC", base + shape)
        if letter in _LETTER_RANK:
            rank = _LETTER_RANK[letter]
        elif base in _LETTER_RANK:  # a Latin letter with a foreign mark: next to its base
            rank = _LETTER_RANK[base]
        elif "0" <= base <= "9":
            rank = 50 + int(base)  # digits before letters
        elif not base.isalnum():
            rank = 0  # hyphen, apostrophe and other punctuation sort first
        else:
            rank = 1000 + ord(base)  # letters of other scripts after the Vietnamese alphabet
        primary.append(rank)
        tones.append(tone * 10_000_000 + other if other else tone)
    return tuple(primary), tuple(tones)


# The key's letter codes: the ranks of _word_keys mapped to dense 2-digit codes (order kept).  "00" is
# the separator (lowest); a letter of another script (rank 1000 + code point) is "99" followed
# by its code point on 7 digits.
_SEP = "00"
_PRIMARY_CODE = {
    0: "01",
    **{50 + i: f"{2 + i:02d}" for i in range(10)},
    **{rank: f"{12 + i:02d}" for i, rank in enumerate(sorted(_LETTER_RANK.values()))},
}


def _primary_code(rank: int) -> str:
    code = _PRIMARY_CODE.get(rank)
    if code is not None:
        return code
    if 1000 <= rank < 1000 + 10**7:
        return f"99{rank - 1000:07d}"
    raise AssertionError(f"sort rank {rank} has no text code")  # only if _word_keys changes


def _int_code(n: int) -> str:
    """A non-negative int as digits whose plain order is the numeric order (length-prefixed)."""
    digits = str(n)
    return f"{len(digits):02d}{digits}"


def _tone_code(t: int) -> str:
    # Plain tones 0..5 take one digit; a value carrying other marks (>= 768) sorts after them.
    return str(t) if 0 <= t <= 8 else "9" + _int_code(t)


def sort_key_text(name: str) -> str:
    """The key that puts people's names in Vietnamese list order, as a string of ASCII digits:
    ``sorted(names, key=sort_key_text)`` in Python, ``ORDER BY sort_key, id`` on the stored column.

    Order: ``name`` is any text (NFC, spacing and case do not matter).  Its words are taken as
    family name (first word), middle names, given name (last word); a one-word name is a given
    name only.  Names are ordered by the given name, then the middle names (in their written
    order), then the family name.  Letters follow the Vietnamese alphabet a ă â b c d đ e ê g h
    i k l m n o ô ơ p q r s t u ư v x y (f, j, w, z after e/ê, i, v, y respectively; digits
    before letters, punctuation first, other scripts after y).  Tone marks only break ties:
    every word's base letters (tone removed, ă â ê ô ơ ư đ kept as letters) are compared first,
    then the tones in the order ngang, huyền, hỏi, ngã, sắc, nặng.  So ``An < Ánh < Ân``,
    ``Dũng < Đào``, and Đào comes after every name whose given name starts with D.  Names that
    still tie (differing only in case or spacing) are ordered by their NFC text, so the order is
    total and the same on every run.

    Only the digits 0–9 are used, so SQLite's BINARY collation, PostgreSQL's C collation and
    PostgreSQL's default linguistic collations (glibc or ICU, e.g. ``vi-VN``) all order the
    strings the same way: the household pages list the same order on both databases.

    Layout (each part self-delimiting, so two keys differ first where the order above decides):
    the base letters of the given name, each middle name and the family name,
    each letter a 2-digit rank (punctuation ``01``, digits ``02``–``11``, a ``12`` … đ … y ``44``,
    another script ``99`` + 7-digit code point), each word followed by the separator ``00``
    (lower than every letter, so "An" < "Anh"), ``00`` after the middle names and at the end of
    the part; then one tone digit per letter (ngang 0, huyền 1, hỏi 2, ngã 3, sắc 4, nặng 5;
    other marks ``9`` + a length-prefixed number); then the NFC text, each character as its
    code point prefixed by its number of digits.  An empty name gives ``""`` (smallest).

    Typical length: about 7 digits per letter (about 150 for "Nguyễn Thị Ngọc Hường").  Callers
    storing it in a bounded column may cut it: a cut key still never reverses an order, it can
    only make two very long names tie (then order by id).  Never raises.

    Source: domain.md §9 (Names: Vietnamese sort order; identical on SQLite and PostgreSQL).
    """
    # Built word by word (cached: names reuse a few hundred words).
    cleaned = _clean_words(name)
    if not cleaned:
        return ""
    words = [w.lower() for w in cleaned]
    given, middles = words[-1], words[1:-1]
    family = [words[0]] if len(words) > 1 else []
    out = [_word_text(w)[0] for w in (given, *middles)]
    out.append(_SEP)
    out.extend(_word_text(w)[0] for w in family)
    out.append(_SEP)
    out.extend(_word_text(w)[1] for w in (given, *middles, *family))
    out.append(_char_code(" ").join(_text_code(w) for w in cleaned))
    return "".join(out)


@lru_cache(maxsize=8192)
def _word_text(word: str) -> tuple[str, str]:
    """(letter codes + separator, tone codes) of one lower-cased word."""
    primary, tones = _word_keys(word)
    return "".join(_primary_code(r) for r in primary) + _SEP, "".join(_tone_code(t) for t in tones)


@lru_cache(maxsize=8192)
def _text_code(word: str) -> str:
    return "".join(_char_code(ch) for ch in word)


@lru_cache(maxsize=4096)
def _char_code(ch: str) -> str:
    digits = str(ord(ch))
    return f"{len(digits)}{digits}"
