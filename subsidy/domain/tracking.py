"""Tracking codes (mã theo dõi hồ sơ) given to an applicant to follow their application.

A code is 10 characters drawn with ``secrets`` (a CSPRNG) from an alphabet of 31 characters that
leaves out the look-alikes 0/O and 1/I/L: 31**10 ≈ 8.2 × 10**14 codes (≈ 49.5 bits), so a code
cannot be guessed or enumerated from another one. It is random, so it carries no personal data
(no name, CCCD, phone, birth year, household code); :func:`contains_personal_data` checks that
anyway and the service draws again in the (astronomically unlikely) case of a coincidence.

Stored without separators ("K7QX9M4TAB"); shown as "K7QX-9M4T-AB" (:func:`display`; :func:`shown`
for a stored value that may not be a code of this shape). Input typed
by a person is read back with :func:`normalize` (case, spaces and dashes ignored).

Uniqueness is enforced by the database (unique ``applications.tracking_code``); the service
draws again on a clash. The code is what the household keeps (on the intake slip) to look up its
application on the public status page without showing who it is. Source: domain.md §9 (personal
data protection).

Pure Python: imports neither Flask nor SQLAlchemy.
"""
from __future__ import annotations

import re
import secrets
import unicodedata
from typing import Iterable

#: Digits 2–9 and the capital letters without I, L, O (look-alikes of 1 and 0): 31 characters.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10
_GROUPS = (4, 4, 2)
_VALID = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    """A fresh random code of ``LENGTH`` characters from ``ALPHABET`` (no separators)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def is_valid(code: str) -> bool:
    """True if ``code`` (stored form, no separators) has the right length and alphabet."""
    return bool(_VALID.match(code or ""))


def display(code: str) -> str:
    """The code in groups for reading aloud and printing: ``"K7QX9M4TAB"`` → ``"K7QX-9M4T-AB"``."""
    parts, i = [], 0
    for n in _GROUPS:
        parts.append(code[i:i + n])
        i += n
    return "-".join(p for p in parts if p)


def shown(code: str | None) -> str:
    """A stored code as every page, document and export shows it: grouped (:func:`display`) when
    it is a valid code, anything else (an older or imported code) as stored, None as ""."""
    if not code:
        return ""
    return display(code) if is_valid(code) else code


_LEFT_OUT = sorted(c for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in ALPHABET)
#: The letters and the digits a code never holds (look-alikes), as a person reads them.
LEFT_OUT_WORDS = (f"chữ {', '.join(c for c in _LEFT_OUT if c.isalpha())} và "
                  f"số {', '.join(c for c in _LEFT_OUT if c.isdigit())}")

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.]+")


def compact(raw: str | None) -> str:
    """A code as typed by a person, in the stored form whatever its shape: NFKC (full-width
    keyboards), upper case, spaces, dashes and dots removed. ``" k7qx-9m4t–ab "`` →
    ``"K7QX9M4TAB"``; None or "" → "". Shape only: :func:`is_valid` says whether it is a code."""
    if not raw:
        return ""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(raw)).upper())


def normalize(raw: str | None) -> str | None:
    """Read a code as typed by a person (:func:`compact`).

    Returns the stored form, or None when the result is not a valid code (wrong length, or a
    character outside the alphabet such as O, 0, I, 1 or L, which a code never contains).
    """
    text = compact(raw)
    return text if is_valid(text) else None


def shape_problem(code: str) -> str | None:
    """What keeps ``code`` (:func:`compact` form) from being a tracking code, in Vietnamese words
    that follow "Mã vừa nhập …": a character that is neither a letter nor a digit, its length
    when it is not LENGTH, or a character a code never holds (LEFT_OUT_WORDS); None for a code of the
    right shape. Shape only: whether such a code was issued is not looked at."""
    odd = sorted({c for c in code if not (c.isascii() and c.isalnum())})
    if odd:
        return f"có ký tự không phải chữ hoặc số: {' '.join(f'«{c}»' for c in odd)}"
    if len(code) != LENGTH:
        return f"có {len(code)} ký tự"
    unused = sorted({c for c in code if c not in ALPHABET})
    if unused:
        return (f"có ký tự không bao giờ có trong mã tra cứu: {' '.join(f'«{c}»' for c in unused)} (mã không dùng "
                f"{LEFT_OUT_WORDS} vì dễ nhầm với nhau: hãy xem lại từng ký tự trên phiếu)")
    return None


#: The shortest part of a code the search looks for (three characters find a handful of codes
#: among thousands; fewer would find too many to read).
FRAGMENT_MIN = 3


def fragment(raw: str | None) -> str | None:
    """Part of a tracking code as typed in a search box, in the stored form, or None when the
    text does not read as one.

    ``"fj6y"`` → ``"FJ6Y"``, ``"FJ6Y-4B"`` → ``"FJ6Y4B"``. It reads as a code when, separators
    (spaces, dashes, dots) removed, it has :data:`FRAGMENT_MIN` to :data:`LENGTH` characters of
    :data:`ALPHABET` and holds a digit or a dash or was typed in capitals: so a name typed in a
    search ("hung", "Nguyen") is searched as a name only, never as a code that happens to hold
    its letters.
    """
    if not raw:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    joined = _SEPARATORS.sub("", text).upper()
    if not FRAGMENT_MIN <= len(joined) <= LENGTH or any(c not in ALPHABET for c in joined):
        return None
    looks_like_code = any(c.isdigit() for c in joined) or "-" in text or text == text.upper()
    return joined if looks_like_code else None


def _digit_runs(value: str, min_len: int) -> set[str]:
    digits = re.sub(r"\D", "", value)
    return {digits[i:i + min_len] for i in range(0, max(0, len(digits) - min_len + 1))}


def contains_personal_data(code: str, personal_values: Iterable[object]) -> bool:
    """True if ``code`` shows any piece of ``personal_values`` (names, CCCD, phone, birth year …).

    Checks, on the upper-cased, diacritic-free forms: a 4-digit run of any value (a birth year, a
    CCCD or phone fragment) inside the code, and any 4-letter run of a value's letters (a name
    fragment). A code from :func:`new_code` is random, so this is a safety net, not the source of
    the guarantee.
    """
    upper = code.upper()
    for value in personal_values:
        if value is None:
            continue
        text = unicodedata.normalize("NFD", str(value))
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").replace("đ", "d").replace("Đ", "D")
        text = text.upper()
        for run in _digit_runs(text, 4):
            if run in upper:
                return True
        letters = re.sub(r"[^A-Z]", "", text)
        for i in range(0, max(0, len(letters) - 3)):
            if letters[i:i + 4] in upper:
                return True
    return False


def generate(personal_values: Iterable[object] = (), is_taken=None, attempts: int = 20) -> str:
    """A new code that shows none of ``personal_values`` and for which ``is_taken(code)`` is false.

    ``is_taken``: optional callable ``(code) -> bool`` (the service passes a database lookup).
    Raises RuntimeError after ``attempts`` draws (never happens in practice: 8.2 × 10**14 codes).
    """
    values = list(personal_values)
    for _ in range(attempts):
        code = new_code()
        if contains_personal_data(code, values):
            continue
        if is_taken is not None and is_taken(code):
            continue
        return code
    raise RuntimeError("could not draw a free tracking code")
