"""household_list.cells: the shortcuts of the per-cell readers give what the full rules give.

parse_person_id answers a clean CCCD from the verdict of its first six digits (cached), and
parse_name a name text from a cache of vn.normalize_name: for every input, generated and edge,
the result (or the error message) must be the one the uncached rule gives.
"""
from __future__ import annotations

import random
import unicodedata

import pytest

from subsidy.domain import household_list as hl
from subsidy.domain import vn
from subsidy.domain.household_list import cells


def full_person_id(value, birth_year, gender):
    """The reading without any shortcut: id_digits, the dropped leading zeros, check_citizen_id."""
    digits = hl.id_digits(value, "Số CCCD", "đủ 12 chữ số")
    if len(digits) != 12:
        digits = vn.restore_leading_zeros(digits, 12)
    check = vn.check_citizen_id(digits, birth_year, gender)
    return check.value, check.kind, " ".join(check.warnings) or None


def outcome(fn, *args):
    try:
        return ("ok", fn(*args))
    except vn.VnValueError as err:
        return ("error", str(err))


def person_id_inputs():
    rnd = random.Random(1402)
    provinces = ["082", "001", "079", "096", "000", "999", "003", "020", "100"]
    for _ in range(6000):
        sex = rnd.choice("0123456789" if rnd.random() < 0.2 else "0123")
        yy = rnd.randint(0, 99)
        digits = f"{rnd.choice(provinces)}{sex}{yy:02d}{rnd.randint(0, 999_999):06d}"
        id_year = (1900 if sex in "01" else 2000) + yy
        birth = rnd.choice([None, id_year, id_year, id_year + 1, id_year - 100, 1975])
        gender = rnd.choice([None, "M", "F", "M", "F", "m", "f", " F ", "X"])
        shape = rnd.random()
        if shape < 0.5:
            value = digits
        elif shape < 0.7:
            value = int(digits)  # a number cell (a leading 0 lost when the province starts with 0)
        elif shape < 0.8:
            value = f"{digits[:4]} {digits[4:8]} {digits[8:]}"
        elif shape < 0.85:
            value = unicodedata.normalize("NFKC", digits).translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
        elif shape < 0.9:
            value = digits[:11] if rnd.random() < 0.5 else digits + "7"
        elif shape < 0.95:
            value = digits[:9]  # a CMND
        else:
            value = rnd.choice(["08203859738٢", "0820385973a2", "8.2E+11", "", "   ", "082038597382.0",
                                82038597382.0, "082-038-597-382", "²82038597382"])
        yield value, birth, gender


def test_person_id_shortcut_gives_the_full_check_result_for_every_input():
    cases = list(person_id_inputs())
    for round_ in range(2):  # the second round answers from the cache filled by the first
        if round_ == 0:
            cells._cccd_head_clean.cache_clear()
        for value, birth, gender in cases:
            assert outcome(hl.parse_person_id, value, birth, gender) == outcome(full_person_id, value, birth, gender), \
                (value, birth, gender)
    # The shortcut is really taken: numbers sharing a head are checked once.
    cells._cccd_head_clean.cache_clear()
    for serial in range(200):
        assert hl.parse_person_id(f"082075{serial:06d}", 1975, "M") == (f"082075{serial:06d}", "cccd", None)
    assert cells._cccd_head_clean.cache_info().hits == 199


@pytest.mark.parametrize("value, birth, gender, expected", [
    ("082038597382", 1938, "M", ("082038597382", "cccd", None)),
    (82038597382, 1938, "M", ("082038597382", "cccd", None)),
    ("082138597382", None, None, ("082138597382", "cccd", None)),
    ("082238597382", 2038, "M", None),  # born in 2038: refused
    ("082438597382", None, None, None),  # born after 2100: refused
    ("100038597382", None, None, None),  # no such province
])
def test_person_id_shortcut_known_values(value, birth, gender, expected):
    for _ in range(2):
        if expected is None:
            with pytest.raises(vn.VnValueError):
                hl.parse_person_id(value, birth, gender)
        else:
            assert hl.parse_person_id(value, birth, gender) == expected


def test_person_id_warning_is_worded_for_its_own_number_after_a_clean_one_with_the_same_head():
    assert hl.parse_person_id("082038597382", 1938, "M") == ("082038597382", "cccd", None)
    value, kind, warning = hl.parse_person_id("082038111111", 1939, "F")
    assert (value, kind) == ("082038111111", "cccd")
    assert "082038111111" in warning and "1939" in warning and "nữ" in warning


def test_name_cache_gives_normalize_name_result_or_message():
    rnd = random.Random(7)
    words = ["Nguyễn", "Văn", "Hùng", "ĐẶNG", "thị", "hoa", "H'Hen", "Niê", "T.", "Lê", "Mỹ", "x", "3", "Trn",
             "Hhhh", "(ghi chú)", "O'", "-An", "ngọc"]
    names = [" ".join(rnd.choice(words) for _ in range(rnd.randint(0, 4))) for _ in range(3000)]
    names += [unicodedata.normalize("NFD", n) for n in names[:300]] + ["  Lê  Văn   Tám ", "\u200bAn Bình", "A" * 130]
    for _ in range(2):
        for name in names:
            assert outcome(hl.parse_name, name) == outcome(vn.normalize_name, name), name
    for value in (None, 1950, 3.5):
        assert outcome(hl.parse_name, value) == outcome(vn.normalize_name, value)
