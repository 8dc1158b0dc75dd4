"""Text cut into words the way every name and place is read: NFC, compatibility forms folded,
invisible characters dropped (a zero-width space read as a space), split on any Unicode space.
Shared by names, search folding, sorting, dates, masking and the hamlet rule (domain.places); and
free text as it can be stored (:func:`storable_text`)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A zero-width space marks where a line may break between two words (web pages and some word
# processors put one between words instead of, or next to, a space): pasted into a field it is
# invisible, and "Nguyễn\u200bVăn" read as one word "NguyễnVăn" is a name nobody finds by "nguyen
# van". So it separates words, as a space does.
_WORD_BREAK = "\u200b"
# Joiners, the word joiner, the byte-order mark and the soft hyphen say "do not break here" or
# nothing at all: dropped.
_INVISIBLE = re.compile(r"[\u200c\u200d\u2060\ufeff\u00ad]")
_HIDDEN = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")


@lru_cache(maxsize=1024)
def _compat_fold(ch: str) -> str:
    """``ch`` as its compatibility form (NFKC) when that form is letters, digits, combining marks
    or ASCII: full-width Latin ``Ｎ`` → ``N``, ``３`` → ``3``, ``＇`` → ``'``, the ligature ``ﬁ``
    → ``fi``, a no-break or ideographic space → a space. A compatibility character that would
    become some other symbol (``½`` → ``1⁄2``) is kept, for the caller's own rule to judge."""
    folded = unicodedata.normalize("NFKC", ch)
    if folded != ch and all(c.isalnum() or c.isascii() or unicodedata.category(c) == "Mn" for c in folded):
        return folded
    return ch


def clean_text(raw: object) -> str:
    """``raw`` as every name, place and search reads it: ``str(raw)`` in NFC, a zero-width space
    (U+200B) made a space, the other invisible characters (U+200C, U+200D, U+2060, U+FEFF, soft
    hyphen U+00AD) dropped, and compatibility forms of letters, digits and ASCII punctuation
    folded (NFKC character by character, see :func:`_compat_fold`; then NFC again, so a
    full-width letter followed by a combining tone mark composes: ``"Ｎｇｕｙễｎ"`` →
    ``"Nguyễn"``). Spaces are not collapsed (callers split). ``None`` → ``""``. Never raises.

    Source: domain.md §9 (names: store NFC, single spaces; search ignores case and diacritics).
    """
    if raw is None:
        return ""
    text = str(raw)
    if text.isascii():
        return text  # NFC, NFKC and nothing invisible already: most codes, numbers and queries
    text = unicodedata.normalize("NFC", text)
    if _HIDDEN.search(text):
        text = _INVISIBLE.sub("", text.replace(_WORD_BREAK, " "))
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFC", "".join(map(_compat_fold, text)))
    return text


def storable_text(raw: str) -> str:
    """``raw`` without the characters no stored text may hold: control characters (Unicode
    category Cc: NUL, ESC, DEL, the C1 range; PostgreSQL refuses NUL in text) other than the line
    feed and the tab (a carriage return goes, so ``\\r\\n`` becomes ``\\n``), and lone surrogates
    (category Cs: no UTF-8 text can carry them). Nothing else changes (no trimming, no
    normalisation): a free text (a reason, a note, a complaint) keeps its lines. Never raises."""
    if raw.isascii() and raw.isprintable():
        return raw
    return "".join(c for c in raw if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs"))


def _clean_words(raw: object) -> list[str]:
    """The words of :func:`clean_text` of ``raw``: split on every Unicode space (NBSP, U+3000,
    tabs and line breaks included). ``None`` or blank → ``[]``."""
    return clean_text(raw).split()
