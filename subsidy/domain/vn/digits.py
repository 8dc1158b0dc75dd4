"""Digit strings as people type them: separators, full-width digits, Excel number cells, the
leading 0 Excel drops (domain.md §9: IDs and phones are digit strings; leading zeros matter)."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from .errors import VnValueError

# Separators people type inside numbers: whitespace (NBSP becomes a space under NFKC), dots and
# every kind of dash.  Zero-width characters and the BOM are dropped as well.
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212\u200b-\u200d\u2060\ufeff]+")
_ASCII_DIGITS = re.compile(r"[0-9]*")
# "82012345678.0": how a number cell reads after passing through a float (pandas, str(float)).
_FLOAT_TEXT = re.compile(r"^([0-9]+)\.0$")


def _integral(value: object) -> int | None:
    """``int(value)`` for an int or an integral finite float/Decimal; ``None`` otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        try:
            as_int = int(value)
        except (ValueError, OverflowError, ArithmeticError):
            return None
        return as_int if as_int == value else None
    return None


def _coerce_text(raw: object, what: str) -> str:
    """Turn a cell value into text: str as is, int as its decimal digits, integral float too."""
    if raw is None:
        return ""
    if isinstance(raw, (bool, int, float, Decimal)):
        as_int = _integral(raw)
        if as_int is None or as_int < 0:
            raise VnValueError(
                f"{what}: giá trị «{raw}» không phải là một dãy chữ số. Hãy nhập lại bằng chữ số 0–9."
            )
        return str(as_int)
    if isinstance(raw, str):
        return raw
    raise VnValueError(f"{what}: không đọc được giá trị «{raw}». Hãy nhập lại bằng chữ số 0–9.")


def normalize_digits(raw: str, what: str = "Số") -> str:
    """Return the ASCII digits of ``raw``, with typing separators removed.

    Shape: ``raw`` is text as typed or read from a spreadsheet; an ``int`` (an Excel number cell)
    or an integral ``float`` is also accepted and read as its decimal digits.  The text is
    NFKC-normalised (so full-width ``０９１`` becomes ``091``), then spaces (including
    non-breaking), dots, dashes and zero-width characters are removed.  Text that reads like a
    float (``"82012345678.0"``) loses its ``.0`` fraction first, as it is a number cell that went
    through a float.  The result contains only ASCII ``0``–``9``; it may be empty (``""`` or
    ``None`` in, ``""`` out) — callers decide whether a value is required.

    ``what`` names the field in error messages (e.g. ``"Số CCCD"``).

    Raises :class:`VnValueError` if anything other than ASCII digits remains — including other
    Unicode digits such as Arabic-Indic ``٠١٢`` (``str.isdigit`` would accept those), letters,
    or Excel scientific notation (``8,2E+10``).

    Source: domain.md §9 (IDs and phones are digit strings; leading zeros matter).
    """
    if raw.__class__ is str and raw.isascii() and raw.isdigit():
        return raw  # the usual cell, only ASCII digits: every step below would return it as it is
    text = _coerce_text(raw, what)
    text = unicodedata.normalize("NFKC", text).strip()
    m = _FLOAT_TEXT.match(text)
    if m:
        text = m.group(1)
    digits = _SEPARATORS.sub("", text)
    if _ASCII_DIGITS.fullmatch(digits):
        return digits
    if re.fullmatch(r"[0-9]+([.,][0-9]+)?[eE][+-]?[0-9]+", digits.replace(" ", "")):
        raise VnValueError(
            f"{what} «{raw}» đang ở dạng số mũ của Excel nên đã mất các chữ số cuối. "
            "Hãy định dạng cột là Văn bản (Text) và nhập lại đầy đủ các chữ số."
        )
    bad = next(ch for ch in digits if not ("0" <= ch <= "9"))
    raise VnValueError(
        f"{what} «{raw}» có ký tự không phải chữ số: «{bad}». Chỉ nhập các chữ số 0–9 "
        "(có thể có dấu cách, dấu chấm hoặc gạch ngang giữa các nhóm số)."
    )


def restore_leading_zeros(digits: str, length: int) -> str:
    """Put back the single leading ``0`` that Excel drops when a number is stored as a number.

    Shape: ``digits`` is text or an ``int`` (an Excel number cell), cleaned by
    :func:`normalize_digits`; ``length`` is the expected length (12 for a CCCD, 10 for a phone).

    Rule (decided here, documented): pad with exactly one ``0`` only when the value is exactly
    ``length - 1`` digits long **and** does not already begin with ``0``.  Every CCCD begins with
    ``0`` (all province codes are ``0xx``) and every mobile number begins with ``0``, so Excel can
    only ever have dropped that one zero; a number cell can never begin with ``0``, so a value that
    does and is still one digit short lost some other digit, and padding would hide the mistake.
    Any other value is returned unchanged (digits only) for the caller's validator to report
    (e.g. :func:`check_citizen_id`, :func:`normalize_phone`).

    Examples: ``82038597382`` → ``"082038597382"``; ``836173346`` (phone, 10) → ``"0836173346"``.

    Raises :class:`VnValueError` only through :func:`normalize_digits` (non-digit characters), or
    if ``length`` is not a positive integer.

    Source: shared/data/README.md (CCCD and phone cells typed as numbers lose their leading 0).
    """
    if isinstance(length, bool) or not isinstance(length, int) or length < 1:
        raise VnValueError(f"Độ dài mong đợi «{length}» không hợp lệ: phải là số nguyên dương.")
    value = normalize_digits(digits)
    if len(value) == length - 1 and not value.startswith("0"):
        return "0" + value
    return value
