"""A handset's IMEI: 15 digits whose last is the Luhn check digit (3GPP TS 23.003 §6.2)."""
from __future__ import annotations

import unicodedata

from .digits import _coerce_text, normalize_digits
from .errors import VnValueError


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        v = int(ch)
        if i % 2 == 1:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return total % 10 == 0


def check_imei(raw: str) -> str:
    """Return a phone's IMEI as 15 ASCII digits after checking its Luhn check digit.

    Shape: ``raw`` as typed or read off the box / ``*#06#`` screen (spaces, dots, dashes,
    slashes and full-width digits accepted, NFKC).  Returns the 15 digits.

    Raises :class:`VnValueError` when the value is empty, has non-digit characters, is not 15
    digits (the message says how many were found; a 16-digit IMEISV is not an IMEI), when it begins
    with 00 (the test-IMEI range of GSMA TS.06, e.g. the placeholder 000000000000000), or when the
    last digit is not the Luhn check digit of the first 14 (a typing mistake).

    Source: 3GPP TS 23.003 §6.2 (IMEI = 14 digits + Luhn check digit); the handset record of the
    subsidy programme.
    """
    text = unicodedata.normalize("NFKC", _coerce_text(raw, "Số IMEI")).replace("/", "")
    digits = normalize_digits(text, "Số IMEI")
    if not digits:
        raise VnValueError(
            "Chưa nhập số IMEI. Bấm *#06# trên máy hoặc xem trên hộp máy, rồi nhập đủ 15 chữ số."
        )
    if len(digits) != 15:
        raise VnValueError(
            f"Số IMEI «{raw}» có {len(digits)} chữ số, nhưng IMEI phải có đúng 15 chữ số. "
            "Bấm *#06# trên máy hoặc xem trên hộp máy rồi nhập lại."
        )
    if digits.startswith("00"):
        # Reporting Body Identifier 00 is reserved for test IMEIs (GSMA TS.06): no handset sold to
        # a household carries one; 000000000000000 is the usual placeholder typed to get past a form.
        raise VnValueError(
            f"Số IMEI {digits} bắt đầu bằng 00: đây là số thử nghiệm hoặc số điền tạm, không phải IMEI của "
            "một máy bán ra. Bấm *#06# trên máy hoặc xem trên hộp máy rồi nhập số thật."
        )
    if not _luhn_ok(digits):
        raise VnValueError(
            f"Số IMEI {digits} sai chữ số kiểm tra (chữ số cuối không khớp với 14 chữ số đầu), "
            "có thể đã gõ nhầm một chữ số. Bấm *#06# trên máy và nhập lại cẩn thận."
        )
    return digits
