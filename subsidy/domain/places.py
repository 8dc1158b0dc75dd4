"""Place names typed or imported by the commune: the hamlet (ấp, thôn) of a household.

Pure Python (standard library and :mod:`subsidy.domain.vn`): no Flask, no SQLAlchemy.

The list of hamlets is configuration (config ``HAMLETS``; domain.md §1): the names in the sample
files are illustrative and every commune has its own, so a hamlet is never refused for being
*unknown*.  It is refused when it cannot be a place name at all (:func:`normalize_hamlet`), and a
name that is neither configured nor already on file is pointed out to the clerk
(:func:`close_hamlet`) so that a typo ("Ấp Phú Hoà" for "Ấp Phú Hòa") is noticed before it
splits a hamlet in two in every report.

Every household has a hamlet, typed on the form or read from an imported list, and the reports
break down by it. Sources: domain.md §1 (hamlets are configuration), §9 (names: NFC, single
spaces); OWASP "CSV Injection" (a leading = + - @).
"""
from __future__ import annotations

import difflib
import unicodedata
from typing import Iterable

from subsidy.domain import vn
from subsidy.domain.labels.sentence import in_sentence

__all__ = ["HAMLET_MAX_LENGTH", "normalize_hamlet", "close_hamlet", "same_hamlet"]

#: Column length of ``households.hamlet``.
HAMLET_MAX_LENGTH = 80

# Line breaks and tabs (Alt+Enter in an Excel cell) are spacing: they become one space.
_SPACING = {"\t", "\n", "\r"}
_FORMULA_START = ("=", "+", "-", "@")
#: Besides letters (with their marks), digits and spaces, what a hamlet's name may hold: "Ấp 3A",
#: "Tổ 5 - Khu 2", "Khóm 1/2", "Ấp Tân Hòa (cũ)", "Thôn H'Mông". Markup (< > &), quotes, ; = and
#: other symbols are no part of a place name: refused, as in people's names (vn.normalize_name).
HAMLET_PUNCTUATION = frozenset("'’-–.,/()")


def normalize_hamlet(raw: object, what: str = "Tên ấp") -> str:
    """The hamlet as stored: NFC, a zero-width space read as a space and the other invisible
    characters dropped, full-width letters and digits folded (:func:`vn.clean_text`), single
    spaces, trimmed; a name
    typed entirely in capitals or entirely in small letters becomes title case word by word, as
    for people's names (vn.normalize_name: ``"ẤP  PHÚ HÒA"`` and ``"ấp phú hòa"`` → ``"Ấp Phú
    Hòa"``; ``"Ấp phú hòa"`` is kept as typed).  The one normaliser of every entry point: the
    household form, the import, the admin's hamlet list (services.communes).

    Shape: ``raw`` is the form field or the spreadsheet cell (text; a number cell such as ``3``
    is read as ``"3"`` and kept: some communes' files number their thôn/khóm in a column headed
    "Thôn", and those files must import).  ``what`` names the field in the
    messages.

    Raises :class:`vn.VnValueError` (Vietnamese, says how to fix it) when the value is empty;
    starts with ``=``, ``+``, ``-`` or ``@`` (a spreadsheet would run it as a formula; full-width
    forms such as ``＝`` too); holds a character that is neither a letter, a digit, a space nor one
    of :data:`HAMLET_PUNCTUATION` (``<``, ``>``, ``"``, ``;``…: markup is refused, not stored
    escaped); holds a control or format character (``\\x00``, ``\\x1b``, a
    right-to-left override…) other than a tab or line break; has neither a letter nor a digit (``"..."``, ``"-"``);
    or is longer than :data:`HAMLET_MAX_LENGTH` characters once spaces are normalised.
    """
    if raw is None:
        text = ""
    elif isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    else:
        text = str(raw)
    # Read as people's names are (vn.clean_text): a zero-width space between two words is a
    # space ("Ấp\u200bMới" is "Ấp Mới"), the other invisible characters are dropped, full-width
    # letters and digits are plain ones ("Ấp ３" is "Ấp 3").
    text = vn.clean_text(text)
    kept = []
    for ch in text:
        if ch in _SPACING:
            kept.append(" ")
            continue
        if unicodedata.category(ch)[0] == "C":  # Cc, Cf, Cs, Co, Cn
            raise vn.VnValueError(
                f"{what} có ký tự điều khiển hoặc ký tự ẩn (mã U+{ord(ch):04X}), không phải một tên "
                "địa danh. Hãy gõ lại tên ấp bằng bàn phím, ví dụ «Ấp Phú Hòa»."
            )
        kept.append(ch)
    words = "".join(kept).split()
    name = " ".join(words)
    if not name:
        raise vn.VnValueError(f"Chưa ghi {in_sentence(what)}. Hãy ghi ấp (thôn) nơi hộ sinh sống, ví dụ «Ấp Phú Hòa».")
    if unicodedata.normalize("NFKC", name[0]).startswith(_FORMULA_START):
        raise vn.VnValueError(
            f"{what} «{vn.echo(name)}» bắt đầu bằng ký tự «{name[0]}»: tên ấp không bắt đầu bằng = + - @ "
            "(bảng tính sẽ hiểu là công thức). Hãy ghi đúng tên ấp, ví dụ «Ấp Phú Hòa»."
        )
    for ch in name:
        if not (ch.isalnum() or ch == " " or ch in HAMLET_PUNCTUATION or unicodedata.category(ch) == "Mn"):
            raise vn.VnValueError(
                f"{what} «{vn.echo(name)}» có {vn.describe_char(ch)}, không dùng trong tên ấp. Tên ấp chỉ gồm chữ "
                f"cái, chữ số, dấu cách và các dấu {' '.join(sorted(HAMLET_PUNCTUATION))}; hãy ghi đúng tên ấp "
                "(thôn), ví dụ «Ấp Phú Hòa» hoặc «Ấp 3A»."
            )
    if not any(ch.isalnum() for ch in name):
        raise vn.VnValueError(
            f"{what} «{vn.echo(name)}» không có chữ cái hay chữ số nào, không phải tên một ấp. Hãy ghi đầy đủ, "
            "ví dụ «Ấp Phú Hòa» hoặc «Ấp 3»."
        )
    if len(name) > HAMLET_MAX_LENGTH:
        raise vn.VnValueError(
            f"{what} dài {len(name)} ký tự, quá {HAMLET_MAX_LENGTH} ký tự. Hãy kiểm tra lại: chỉ ghi "
            "tên ấp (thôn), địa chỉ chi tiết ghi ở cột Địa chỉ."
        )
    if name.isupper() or name.islower():
        name = unicodedata.normalize("NFC", " ".join(w.title() for w in words))
    return name


def close_hamlet(name: str, known: Iterable[str]) -> str | None:
    """The known hamlet that ``name`` most likely misspells, or ``None``.

    ``known``: the configured hamlets and those on file.  A known name with the same letters
    once case and accents are folded (``"Ấp Phú Hoà"`` vs ``"Ấp Phú Hòa"``, ``"ap phu hoa"``) wins;
    otherwise the closest folded name at a similarity of at least 0.85 (difflib ratio; one wrong
    letter in a name of 12 letters is about 0.92).  ``name`` itself, if known, is never returned.
    """
    known = [k for k in dict.fromkeys(known) if k and k != name]
    folded = vn.fold(name)
    by_fold: dict[str, str] = {}
    for k in known:
        by_fold.setdefault(vn.fold(k), k)
    if folded in by_fold:
        return by_fold[folded]
    best = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.85)
    return by_fold[best[0]] if best else None


def same_hamlet(name: str, known: Iterable[str]) -> str | None:
    """The name in ``known`` that is ``name`` once case and accents are folded (vn.fold:
    ``"ấp cồn cống"``, ``"Ap Con Cong"`` and ``"Ấp Cồn Cống"`` are one hamlet), else ``None``.
    What refuses a second spelling of a hamlet the commune has (domain.md §1)."""
    folded = vn.fold(name)
    return next((k for k in known if vn.fold(k) == folded), None)
