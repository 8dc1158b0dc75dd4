"""Counts of things (households, rows, phones, cases, kilobytes) as a Vietnamese reader writes
them: dot thousands separators, "12.345" (domain.md §9). The one grouping of digits: amounts of
money (:mod:`.money`) are written with it too."""
from __future__ import annotations

from .digits import _integral
from .errors import VnValueError


def group_thousands(n: int) -> str:
    """``n`` (an int) with dot thousands separators, its sign kept: 1234567 → ``"1.234.567"``."""
    return f"{n:,}".replace(",", ".")


def format_count(n: int) -> str:
    """A count with dot thousands separators: 12345 → ``"12.345"``; 0 → ``"0"``.

    Shape: ``n`` an ``int`` (an integral ``float``/``Decimal`` is accepted, a ``bool`` is not).
    No unit is added — write ``f"{format_count(n)} hộ"``. For money use
    :func:`~subsidy.domain.vn.money.format_money`, which says «số tiền» when it refuses a value.

    Raises :class:`VnValueError` if ``n`` is not a whole number.
    Source: domain.md §9 (dot thousands separators).
    """
    count = _integral(n)
    if count is None:
        raise VnValueError(f"Số «{n}» không hợp lệ: phải là số nguyên, ví dụ 1250.")
    return group_thousands(count)
