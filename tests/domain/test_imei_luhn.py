"""check_imei against an independent Luhn computation (IMEIs typed right and wrong).

For random 14-digit bodies, the body followed by its Luhn digit (computed here) is accepted —
also typed with full-width digits, spaces or dashes — and the body followed by any other digit
is refused with the check-digit message; 14 and 16 digits are refused with the length message.
"""
from __future__ import annotations

import random

import pytest

from subsidy.domain.vn import VnValueError, check_imei
from tests.handover_support import luhn_digit

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
RNG = random.Random(23003)  # 3GPP TS 23.003
# A body never starts with 00 (the test-IMEI range, refused on purpose: see test_vn).
BODIES = [RNG.choice("123456789") + "".join(RNG.choice("0123456789") for _ in range(13)) for _ in range(200)]


def test_luhn_helper_on_published_examples():
    # 3GPP / GSMA example IMEIs: 49-015420-323751-8 and 35-693803-564380-9.
    assert luhn_digit("49015420323751") == "8"
    assert luhn_digit("35693803564380") == "9"


@pytest.mark.parametrize("body", BODIES[:50])
def test_good_imei_in_every_typing(body):
    imei = body + luhn_digit(body)
    spaced = f"{imei[:2]} {imei[2:8]} {imei[8:14]} {imei[14]}"
    for typed in (imei, imei.translate(FULLWIDTH), spaced, spaced.replace(" ", "-"), f"  {imei}\t"):
        assert check_imei(typed) == imei


def test_every_wrong_check_digit_is_refused():
    for body in BODIES:
        good = luhn_digit(body)
        for d in "0123456789":
            if d == good:
                continue
            with pytest.raises(VnValueError, match="sai chữ số kiểm tra"):
                check_imei(body + d)
            with pytest.raises(VnValueError, match="sai chữ số kiểm tra"):
                check_imei((body + d).translate(FULLWIDTH))


@pytest.mark.parametrize("n", [1, 13, 14, 16, 17])
def test_wrong_length_is_refused(n):
    digits = "".join(RNG.choice("0123456789") for _ in range(n))
    with pytest.raises(VnValueError, match=f"có {n} chữ số"):
        check_imei(digits)
