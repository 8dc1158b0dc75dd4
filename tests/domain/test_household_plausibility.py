"""What can be a head-of-household name (vn.normalize_name) and a household code
(household_list.normalize_household_code): the one rule shared by manual entry and the list import.
Real values from the sample lists and the tester's junk inputs."""
from __future__ import annotations

import csv
import unicodedata

import pytest

from subsidy.domain import vn
from subsidy.domain.household_list import (
    CODE_MAX_LENGTH,
    CODE_MIN_LENGTH,
    id_digits,
    normalize_household_code,
)
from tests.conftest import DATA

# ------------------------------------------------------------------------------------------------
# Names
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, stored", [
    ("Mai Minh Nghĩa", "Mai Minh Nghĩa"),
    ("Đinh Hồng Tư", "Đinh Hồng Tư"),
    ("Ksor H'Blơi", "Ksor H'Blơi"),            # Jrai name, apostrophe inside a word
    ("H\u2019HEN NIÊ", "H'Hen Niê"),            # typographic apostrophe, capitals
    ("Y Moan Ênuôl", "Y Moan Ênuôl"),           # a one-letter word is fine in a longer name
    ("Sa-ra Lò", "Sa-ra Lò"),
    ("Nguyễn T. Hoa", "Nguyễn T. Hoa"),         # abbreviation
    ("Nguyễn T.Hoa", "Nguyễn T.Hoa"),
    ("Ly", "Ly"),                               # a single-word name of two letters
    ("Ươm", "Ươm"),
    ("nguyễn văn hùng", "Nguyễn Văn Hùng"),     # all lower case: title case
    ("NGUYỄN VĂN HÙNG", "Nguyễn Văn Hùng"),     # all capitals: title case
    ("Lê Thị MỸ Hạnh", "Lê Thị MỸ Hạnh"),       # mixed: kept
])
def test_names_people_have_are_accepted(raw, stored):
    assert vn.normalize_name(raw) == stored


@pytest.mark.parametrize("raw, fragment", [
    ("a", "chỉ có 1 chữ cái"),                          # the tester's manual entry
    ("'; DROP TABLE--", "có ký tự «;»"),                # the tester's second one
    ("<b>", "có ký tự «<»"),
    ("X", "chỉ có 1 chữ cái"),
    ("Y", "chỉ có 1 chữ cái"),
    ("123", "không có chữ cái nào"),
    ("Nguyễn Văn 2", "có chữ số «2»"),
    ("Lê Văn A (chết)", "có ký tự «(»"),
    ("Trần Thị Thu, Lê Văn Tám", "có ký tự «,»"),
    ("nguyen_van_an", "có ký tự «_»"),
    ("Trần@Thu", "có ký tự «@»"),
    ("'Hen Niê", "đặt dấu sai chỗ"),
    ("Nguyễn--Hoa", "đặt dấu sai chỗ"),
    ("Nguyễn Văn -", "đặt dấu sai chỗ"),
    ("Lê Văn..", "đặt dấu sai chỗ"),
    ("Nguyễn Văn Hùng " * 8, "quá 120 ký tự"),
])
def test_what_cannot_be_a_name_is_refused_with_the_reason(raw, fragment):
    with pytest.raises(vn.VnValueError) as err:
        vn.normalize_name(raw)
    message = str(err.value)
    assert fragment in message, message
    assert message.startswith("Họ tên")
    assert "Hãy" in message  # says how to fix it


GRAVE, ACUTE, CIRCUMFLEX, DOT_BELOW, HORN, BREVE = "\u0300", "\u0301", "\u0302", "\u0323", "\u031b", "\u0306"


@pytest.mark.parametrize("raw, fragment", [
    # the tester's «Thêm hộ»: five graves after "Văn"; NFC composes the first with n (ǹ, U+01F9)
    ("Nguyễn Văn" + GRAVE * 5,
     "chữ thứ 2 («Văǹ») có 4 dấu thừa (U+0300, U+0300, U+0300, U+0300) chồng lên chữ cái thứ 3 «ǹ»"),
    ("Lê Thị Ha" + ACUTE + ACUTE, "chữ thứ 3 («Há») có 1 dấu thừa (U+0301) chồng lên chữ cái thứ 2 «á»"),
    # three marks on one e: ệ takes circumflex and dot below, a third (grave) is left over
    ("Nguye" + CIRCUMFLEX + DOT_BELOW + GRAVE + "n", "chữ thứ 1 («Nguyện») có 1 dấu thừa (U+0300)"),
    # ơ̆ (the Central Highlands' short ơ) takes one breve; a second is left over
    ("Hồ Thị Ơ" + BREVE * 2, "chữ thứ 3 («Ơ») có 2 dấu thừa (U+0306, U+0306) chồng lên chữ cái thứ 1 «Ơ»"),
    ("Hồ Thị E" + BREVE + BREVE, "chữ thứ 3 («Ĕ») có 1 dấu thừa (U+0306) chồng lên chữ cái thứ 1 «Ĕ»"),
    (ACUTE + "An Lê", "chữ thứ 1 («An») có 1 dấu thừa (U+0301) đứng đầu chữ"),
    # one grave on a consonant composes into a letter that is no Vietnamese letter
    ("Nguyễn Văn" + GRAVE, "chữ thứ 2 («Văǹ») có chữ cái thứ 3 «ǹ» là phụ âm «n» mang dấu huyền"),
    ("Trần Thị M" + ACUTE + "ai", "chữ thứ 3 («Ḿai») có chữ cái thứ 1 «Ḿ» là phụ âm «M» mang dấu sắc"),
])
def test_diacritics_that_make_no_vietnamese_letter_are_refused(raw, fragment):
    with pytest.raises(vn.VnValueError) as err:
        vn.normalize_name(raw)
    message = str(err.value)
    assert fragment in message, message
    assert message.startswith("Họ tên «") and "Hãy xóa chữ" in message and "gõ lại" in message


@pytest.mark.parametrize("raw, stored", [
    # every Vietnamese letter, however its marks were typed (NFD, marks in either order)
    ("Nguye" + DOT_BELOW + CIRCUMFLEX + "n Văn", "Nguyện Văn"),
    ("Nguye" + CIRCUMFLEX + DOT_BELOW + "n Văn", "Nguyện Văn"),
    ("Pho" + HORN + GRAVE + "ng Ánh", "Phờng Ánh"),
    ("Đặng Thị Ỷ", "Đặng Thị Ỷ"),
    ("Y Bih Niê", "Y Bih Niê"),
    # the Bahnar, Jrai and Ê Đê alphabets: ŏ ŭ ĕ ĭ are letters of their own, ơ̆ and ư̆ a letter and a breve
    ("Ksor O" + BREVE + "n", "Ksor Ŏn"),
    ("Rơ Châm U" + BREVE + "t", "Rơ Châm Ŭt"),
    ("Rơ Mah Ơ" + BREVE + "n", "Rơ Mah Ơ" + BREVE + "n"),
    ("Siu Thị Bư" + BREVE + "k", "Siu Thị Bư" + BREVE + "k"),
])
def test_vietnamese_letters_typed_with_combining_marks_are_accepted(raw, stored):
    assert vn.normalize_name(raw) == stored


def test_every_name_of_the_sample_lists_is_accepted_as_expected():
    for name in ("ho-ngheo-2025-phu-tan.expected.csv", "ho-ngheo-2025-bo-sung.expected.csv"):
        with (DATA / name).open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) in (180, 40)
        for row in rows:
            assert vn.normalize_name(row["head_name"]) == row["head_name"]
            assert vn.normalize_name(row["head_name"].upper()) == row["head_name"]
            assert vn.normalize_name(unicodedata.normalize("NFD", row["head_name"].lower())) == row["head_name"]
            assert normalize_household_code(row["household_code"]) == row["household_code"]


# ------------------------------------------------------------------------------------------------
# Household codes
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, stored", [
    ("8250419218", "8250419218"),            # the sample lists: 10 digits
    (" 82 504 19218 ", "8250419218"),
    ("８２５０４１９２１８", "8250419218"),     # full-width digits
    ("PH-012", "PH-012"),
    ("01/2025/PT", "01/2025/PT"),
    ("HN.0042", "HN.0042"),
    ("A_01", "A_01"),
    ("0123", "0123"),
    ("8" * 32, "8" * 32),
])
def test_plausible_codes_of_any_commune_are_accepted(raw, stored):
    assert normalize_household_code(raw) == stored


@pytest.mark.parametrize("raw, fragment", [
    ("X1", "chỉ có 2 ký tự"),         # the tester's manual entry
    ("<b>", "có ký tự «<»"),           # the tester's second one
    ("123", "chỉ có 3 ký tự"),         # the tester's import row
    ("", "Chưa nhập mã hộ"),
    ("   ", "Chưa nhập mã hộ"),
    ("B-7%", "có ký tự «%»"),
    ("Đ-0012", "chữ «Đ»"),
    ("8250419218;", "có ký tự «;»"),
    ("-8250", "bắt đầu hoặc kết thúc"),
    ("8250.", "bắt đầu hoặc kết thúc"),
    ("Nguyen", "không có chữ số nào"),
    ("0000", "toàn chữ số 0"),
    ("8" * (CODE_MAX_LENGTH + 1), f"quá {CODE_MAX_LENGTH} ký tự"),
])
def test_implausible_codes_are_refused_with_the_reason(raw, fragment):
    with pytest.raises(vn.VnValueError) as err:
        normalize_household_code(raw)
    message = str(err.value)
    assert fragment in message, message
    assert "mã hộ" in message.lower() and "Hãy" in message
    assert CODE_MIN_LENGTH == 4


def test_an_excel_number_cell_goes_through_the_same_rule():
    assert normalize_household_code(id_digits(8250419218, "Mã hộ", "đầy đủ mã hộ")) == "8250419218"
    with pytest.raises(vn.VnValueError, match="chỉ có 3 ký tự"):
        normalize_household_code(id_digits(123, "Mã hộ", "đầy đủ mã hộ"))


@pytest.mark.parametrize("typed, fragment", [
    ("Hhhhhhh", "có chữ «h» viết liền ba lần"),
    ("aaaaaaaaaaa", "có chữ «a» viết liền ba lần"),
    ("Nguyễn Vănnn Hùng", "có chữ «n» viết liền ba lần"),
    ("Ksdf Trn", "có «Ksdf» không có nguyên âm nào"),
    ("Trần Thị Bcd", "có «Bcd» không có nguyên âm nào"),
])
def test_typing_noise_is_refused(typed, fragment):
    """A second tester's junk names: a letter three times in a row, a word without a vowel."""
    with pytest.raises(vn.VnValueError) as err:
        vn.normalize_name(typed)
    assert fragment in str(err.value) and "Hãy nhập lại họ tên đúng như trên thẻ căn cước." in str(err.value)


@pytest.mark.parametrize("name", [
    "Ksor H'Blơi", "Y Bih Niê", "H'Hen Niê", "Rmah Thị Kpă", "Mlô Y Ngọc", "Lò Văn Pọm", "Nguyễn Văn A",
    "Nguyễn T. Hoa", "Kiều Thị Đông-Hà", "Nguyễn Thị Ngoòng",
])
def test_real_names_pass_the_noise_checks(name):
    assert vn.normalize_name(name) == name
