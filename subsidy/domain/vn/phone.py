"""Vietnamese mobile numbers: ten digits, 03/05/07/08/09, the +84 forms (domain.md §9)."""
from __future__ import annotations

import re
import unicodedata

from .digits import _coerce_text, normalize_digits
from .errors import VnValueError

_PHONE_STRIP = re.compile(r"[()\[\]]")

#: The second digit of a Vietnamese mobile number: 03, 05, 07, 08, 09 (domain.md §9).
MOBILE_SECOND_DIGITS = "35789"


def normalize_phone(raw: str) -> str:
    """Return a Vietnamese mobile number as 10 ASCII digits, ``0`` then 3, 5, 7, 8 or 9.

    Shape: ``raw`` as typed (text, or an ``int`` from an Excel cell).  NFKC-normalised; spaces,
    dots, dashes and parentheses removed.  The international forms ``+84…``, ``84…`` (11 digits)
    and ``0084…`` become ``0…``; ``+84 (0) 912…`` is understood too.

    Raises :class:`VnValueError` when the value is empty (callers decide whether a phone is
    optional and skip the call for an empty cell), contains other characters, is not 10 digits
    (the message says how many were found and hints at Excel dropping the leading 0 when there are
    9), or does not start with 03, 05, 07, 08 or 09.  Number portability means the prefix does not
    prove the carrier, so no carrier check is made.

    Source: domain.md §9 (Phone).
    """
    text = unicodedata.normalize("NFKC", _coerce_text(raw, "Số điện thoại")).strip()
    text = _PHONE_STRIP.sub("", text)
    plus = text.startswith("+")
    if plus:
        text = text[1:]
    digits = normalize_digits(text, "Số điện thoại")
    if not digits:
        raise VnValueError("Chưa nhập số điện thoại. Hãy nhập số di động 10 chữ số, ví dụ 0912 345 678.")

    if plus or digits.startswith("0084"):
        if digits.startswith("0084"):
            digits = digits[4:]
        elif digits.startswith("84"):
            digits = digits[2:]
        else:
            raise VnValueError(
                f"Số điện thoại «{raw}» có mã quốc gia khác Việt Nam (+84). "
                "Hãy nhập số di động Việt Nam 10 chữ số, ví dụ 0912 345 678."
            )
        if not digits.startswith("0"):
            digits = "0" + digits
    elif len(digits) == 11 and digits.startswith("84"):
        digits = "0" + digits[2:]

    if len(digits) != 10:
        msg = f"Số điện thoại «{raw}» có {len(digits)} chữ số, nhưng số di động phải có đúng 10 chữ số."
        if len(digits) == 9 and not digits.startswith("0"):
            msg += " Có thể Excel đã bỏ mất số 0 ở đầu: hãy thêm số 0 vào đầu."
        else:
            msg += " Hãy kiểm tra lại với người dân."
        raise VnValueError(msg)
    if digits[0] != "0" or digits[1] not in MOBILE_SECOND_DIGITS:
        raise VnValueError(
            f"Số điện thoại «{raw}» không đúng dạng: số di động phải bắt đầu bằng 03, 05, 07, 08 "
            "hoặc 09. Hãy kiểm tra lại với người dân."
        )
    return digits
