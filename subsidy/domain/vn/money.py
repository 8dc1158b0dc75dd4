"""Amounts of money in đồng: dot thousands separators and the amount in words printed on a receipt
(domain.md §9)."""
from __future__ import annotations

from .counts import group_thousands
from .digits import _integral
from .errors import VnValueError
from subsidy.domain.labels.sentence import sentence_start

_DIGIT_WORDS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _as_amount(n: object) -> int:
    amount = _integral(n)
    if amount is not None:
        return amount
    raise VnValueError(
        f"Số tiền «{n}» không hợp lệ: phải là số nguyên đồng (không có phần lẻ), ví dụ 500000."
    )


def _read_triple(n: int, full: bool) -> list[str]:
    """Words for 0 < n < 1000.  ``full``: read the hundreds even when 0 ("không trăm …")."""
    h, rest = divmod(n, 100)
    t, u = divmod(rest, 10)
    words: list[str] = []
    if h or full:
        words += [_DIGIT_WORDS[h], "trăm"]
    if t == 0:
        if u:
            if h or full:
                words.append("lẻ")
            words.append(_DIGIT_WORDS[u])
        return words
    if t == 1:
        words.append("mười")
    else:
        words += [_DIGIT_WORDS[t], "mươi"]
    if u == 1:
        words.append("mốt" if t >= 2 else "một")
    elif u == 4:
        words.append("tư" if t >= 2 else "bốn")
    elif u == 5:
        words.append("lăm")
    elif u:
        words.append(_DIGIT_WORDS[u])
    return words


def _read_below_billion(n: int, full: bool) -> list[str]:
    """Words for 0 < n < 10**9; groups after the first non-zero one are read in full."""
    words: list[str] = []
    for size, unit in ((1_000_000, "triệu"), (1_000, "nghìn"), (1, "")):
        group, n = divmod(n, size)
        if group:
            words += _read_triple(group, full)
            if unit:
                words.append(unit)
            full = True
    return words


def _read(n: int, full: bool = False) -> list[str]:
    if n >= 1_000_000_000:
        billions, rest = divmod(n, 1_000_000_000)
        words = _read(billions, full) + ["tỷ"]
        if rest:
            words += _read_below_billion(rest, True)
        return words
    return _read_below_billion(n, full)


def amount_in_words(n: int) -> str:
    """Read an amount of money in Vietnamese words, as written on a receipt.

    Shape: ``n`` a whole number of đồng, ``0 <= n`` (an integral ``float``/``Decimal`` is accepted).
    Returns a sentence with the first letter capitalised, ending in ``" đồng"``:
    0 → "Không đồng"; 21 → "Hai mươi mốt đồng"; 24 → "Hai mươi tư đồng"; 105 → "Một trăm lẻ năm
    đồng"; 1.005 → "Một nghìn không trăm lẻ năm đồng"; 1.250.000 → "Một triệu hai trăm năm mươi
    nghìn đồng"; 1.000.000.000 → "Một tỷ đồng".

    Conventions (fixed here): "nghìn" (not "ngàn"); "lẻ" (Southern usage, not "linh") for a zero
    tens digit; "mốt" for 1 and "tư" for 4 after "mươi", "lăm" for 5 after "mười"/"mươi"; a group
    of three digits that follows a higher non-zero group is read in full ("không trăm …"); groups
    that are all zero are skipped.  Above 999 tỷ the amount of tỷ is read recursively
    ("Một nghìn tỷ đồng").

    Raises :class:`VnValueError` for a negative amount or a value that is not a whole number.

    Source: domain.md §9 (amounts in words on receipts, "Năm trăm nghìn đồng").
    """
    amount = _as_amount(n)
    if amount < 0:
        raise VnValueError(
            f"Số tiền {format_money(amount)} là số âm, không đọc thành chữ được. Hãy kiểm tra lại số tiền."
        )
    words = _read(amount) if amount else ["không"]
    text = " ".join(words + ["đồng"])
    return sentence_start(text)


def format_money(n: int) -> str:
    """Format a whole number of đồng with dot thousands separators: 500000 → ``"500.000"``.

    Shape: ``n`` an ``int`` (an integral ``float``/``Decimal`` is accepted); negative amounts keep
    their sign (``"-500.000"``).  No currency word is added — write ``f"{format_money(n)} đồng"``.

    Raises :class:`VnValueError` if ``n`` is not a whole number.

    Source: domain.md §9 (money with dot thousands separators, "500.000 đồng").
    """
    return group_thousands(_as_amount(n))
