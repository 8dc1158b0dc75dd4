"""Table-driven tests for subsidy.domain.vn (Vietnamese data conventions, domain.md §9)."""

from __future__ import annotations

import ast
import random
import subprocess
import sys
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from subsidy.domain import vn
from subsidy.domain.vn import (
    PROVINCE_CODES,
    IdCheck,
    VnValueError,
    amount_in_words,
    check_citizen_id,
    check_imei,
    fold,
    format_count,
    format_date,
    format_money,
    mask_id,
    mask_name,
    mask_phone,
    normalize_digits,
    normalize_name,
    normalize_phone,
    parse_date,
    place_date_line,
    restore_leading_zeros,
    sort_key_text,
)

VN_DIR = Path(vn.__file__).parent
CALENDAR = VN_DIR.parent / "calendar.py"
NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731


# ------------------------------------------------------------------------------------------------
# Package hygiene
# ------------------------------------------------------------------------------------------------


def _absolute_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
    return names


#: The first letter's rule of wording (a phrase starting a sentence), itself importing nothing.
SENTENCE = VN_DIR.parent / "labels" / "sentence.py"


@pytest.mark.parametrize("path", sorted(VN_DIR.glob("*.py")) + [CALENDAR, SENTENCE], ids=lambda p: p.name)
def test_package_imports_only_the_standard_library_and_the_calendar(path):
    names = _absolute_imports(path)
    outside = {n for n in names if n.split(".")[0] not in set(sys.stdlib_module_names) | {"__future__"}}
    allowed = (set() if path == SENTENCE else {"subsidy.domain.labels.sentence"} if path == CALENDAR
               else {"subsidy.domain.calendar", "subsidy.domain.labels.sentence"})
    assert outside <= allowed, outside


def test_package_loads_without_flask_or_sqlalchemy():
    # subsidy/__init__.py builds the Flask app, so the package is mounted without running it.
    code = (
        "import sys, types\n"
        f"pkg = types.ModuleType('subsidy'); pkg.__path__ = [{str(VN_DIR.parent.parent)!r}]\n"
        "sys.modules['subsidy'] = pkg\n"
        "from subsidy.domain import vn\n"
        "assert vn.PROVINCE_CODES['082'] == 'Tiền Giang'\n"
        "assert vn.normalize_phone('+84 912 345 678') == '0912345678'\n"
        "assert 'flask' not in sys.modules and 'sqlalchemy' not in sys.modules, sorted(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("name", vn.__all__)
def test_every_public_name_has_a_docstring(name):
    obj = getattr(vn, name)
    if isinstance(obj, (dict, int)):
        return
    assert obj.__doc__ and len(obj.__doc__.strip()) > 40, name


def test_vn_value_error_is_a_value_error():
    assert issubclass(VnValueError, ValueError)
    with pytest.raises(ValueError):
        normalize_phone("")


# ------------------------------------------------------------------------------------------------
# PROVINCE_CODES
# ------------------------------------------------------------------------------------------------


def test_province_codes_loaded():
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["082"] == "Tiền Giang"
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["096"] == "Cà Mau"
    for code, province in PROVINCE_CODES.items():
        assert len(code) == 3 and code.isascii() and code.isdigit() and code.startswith("0")
        assert province == unicodedata.normalize("NFC", province) and province.strip() == province
    assert "003" not in PROVINCE_CODES and "code" not in PROVINCE_CODES


# ------------------------------------------------------------------------------------------------
# normalize_digits
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("082038597382", "082038597382"),
        (" 082 038 597 382 ", "082038597382"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("0912\u2013345\u2014678", "0912345678"),  # en/em dashes
        ("0912\u00a0345\u00a0678", "0912345678"),  # non-breaking spaces
        ("\ufeff0912\u200b345678", "0912345678"),  # BOM, zero-width space
        ("０９１２３４５６７８", "0912345678"),  # full-width
        ("０９１２－３４５－６７８", "0912345678"),  # full-width hyphen
        ("𝟎𝟗𝟏𝟐", "0912"),  # mathematical digits: NFKC makes them ASCII
        (82038597382, "82038597382"),  # Excel number cell
        (82038597382.0, "82038597382"),
        (Decimal("836173346"), "836173346"),
        ("82038597382.0", "82038597382"),  # a number cell read through a float
        ("", ""),
        ("   ", ""),
        (None, ""),
    ],
)
def test_normalize_digits_good(raw, expected):
    assert normalize_digits(raw) == expected


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("٠٩١٢٣٤٥٦٧٨", "ký tự không phải chữ số"),  # Arabic-Indic digits survive NFKC
        ("۰۹۱۲", "ký tự không phải chữ số"),  # Extended Arabic-Indic
        ("०९१२", "ký tự không phải chữ số"),  # Devanagari
        ("0912abc", "«a»"),
        ("0912/345", "«/»"),
        ("8.20385E+10", "số mũ"),
        ("8,2E+10", "số mũ"),
        (True, "không phải là một dãy chữ số"),
        (12.5, "không phải là một dãy chữ số"),
        (-5, "không phải là một dãy chữ số"),
        (float("nan"), "không phải là một dãy chữ số"),
        ([1, 2], "không đọc được"),
    ],
)
def test_normalize_digits_bad(raw, fragment):
    with pytest.raises(VnValueError) as exc:
        normalize_digits(raw)
    assert fragment in str(exc.value)


def test_str_isdigit_would_have_accepted_arabic_indic():
    assert "٠٩١٢".isdigit()  # the trap the function must avoid
    with pytest.raises(VnValueError):
        normalize_digits("٠٩١٢")


# ------------------------------------------------------------------------------------------------
# check_citizen_id
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, birth_year, gender, value",
    [
        ("082038597382", 1938, "M", "082038597382"),  # 0 = male 1900s
        ("082147383452", 1947, "F", "082147383452"),  # 1 = female 1900s
        ("082201380512", 2001, "M", "082201380512"),  # 2 = male 2000s
        ("082303807063", 2003, "F", "082303807063"),  # 3 = female 2000s
        ("082303807063", None, None, "082303807063"),
        ("082 303 807 063", 2003, "f", "082303807063"),
        ("082.303.807.063", 2003, " F ", "082303807063"),
        ("０８２３０３８０７０６３", 2003, "F", "082303807063"),
        ("001099000001", 1999, "M", "001099000001"),  # Hà Nội
        ("096100000001", 1900, "F", "096100000001"),  # Cà Mau
        ("079200123456", 2000, None, "079200123456"),
    ],
)
def test_check_citizen_id_cccd_ok(raw, birth_year, gender, value):
    result = check_citizen_id(raw, birth_year, gender)
    assert result == IdCheck(value=value, kind="cccd", warnings=())


@pytest.mark.parametrize(
    "raw, birth_year, gender, fragments",
    [
        ("082038597382", 1939, None, [["năm sinh 1938", "ghi năm sinh 1939"]]),
        ("082038597382", None, "F", [["giới tính nam", "ghi giới tính nữ"]]),
        ("082147383452", None, "M", [["giới tính nữ", "ghi giới tính nam"]]),
        ("082303807063", 1903, "M", [["năm sinh 2003", "1903"], ["giới tính nữ"]]),
        ("082201380512", 1901, None, [["năm sinh 2001", "1901"]]),  # century digit matters
    ],
)
def test_check_citizen_id_mismatch_is_a_warning_not_an_error(raw, birth_year, gender, fragments):
    result = check_citizen_id(raw, birth_year, gender)
    assert result.kind == "cccd" and result.value == raw
    assert len(result.warnings) == len(fragments)
    for warning, expected in zip(result.warnings, fragments):
        for fragment in expected:
            assert fragment in warning
        assert "kiểm tra" in warning or "đối chiếu" in warning  # tells the clerk what to do


@pytest.mark.parametrize("raw", ["123456789", "023 456 789", 123456789, "０２３４５６７８９"])
def test_check_citizen_id_legacy_cmnd(raw):
    result = check_citizen_id(raw, 1970, "M")
    assert result.kind == "cmnd"
    assert len(result.value) == 9 and result.value.isascii() and result.value.isdigit()
    assert len(result.warnings) == 1 and "CMND" in result.warnings[0] and "cũ" in result.warnings[0]


@pytest.mark.parametrize(
    "raw, kwargs, fragments",
    [
        ("", {}, ["Chưa nhập số CCCD", "12 chữ số"]),
        ("   ", {}, ["Chưa nhập số CCCD"]),
        (None, {}, ["Chưa nhập số CCCD"]),
        ("82038597382", {}, ["có 11 chữ số", "12 chữ số", "số 0 ở đầu"]),
        (82038597382, {}, ["có 11 chữ số", "số 0 ở đầu"]),
        ("0820385973821", {}, ["có 13 chữ số", "12 chữ số"]),
        ("12345", {}, ["có 5 chữ số", "12 chữ số"]),
        ("1234567890", {}, ["có 10 chữ số"]),
        ("082O38597382", {}, ["«O»"]),  # letter O typed for zero
        ("٠٨٢٠٣٨٥٩٧٣٨٢", {}, ["không phải chữ số"]),
        ("003038597382", {}, ["«003»", "mã tỉnh"]),
        ("999038597382", {}, ["«999»", "mã tỉnh"]),
        ("100038597382", {}, ["«100»", "mã tỉnh"]),
        ("082438597382", {}, ["thứ 4", "«4»", "2100"]),
        ("082538597382", {}, ["«5»"]),
        ("082938597382", {}, ["«9»"]),
        ("082299597382", {}, ["năm sinh 2099", "chưa tới"]),
        ("082038597382", {"gender": "X"}, ["Giới tính «X»", "M (nam) hoặc F (nữ)"]),
        ("082038597382", {"gender": "Nam"}, ["Giới tính «Nam»"]),
        ("082038597382", {"birth_year": "1938"}, ["Năm sinh «1938»"]),
        ("082038597382", {"birth_year": True}, ["Năm sinh"]),
    ],
)
def test_check_citizen_id_bad(raw, kwargs, fragments):
    with pytest.raises(VnValueError) as exc:
        check_citizen_id(raw, **kwargs)
    for fragment in fragments:
        assert fragment in str(exc.value)


def test_id_check_is_frozen():
    result = check_citizen_id("082038597382")
    with pytest.raises(Exception):
        result.value = "x"  # type: ignore[misc]


# ------------------------------------------------------------------------------------------------
# restore_leading_zeros
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "digits, length, expected",
    [
        (82038597382, 12, "082038597382"),  # Excel number: zero lost
        ("82038597382", 12, "082038597382"),
        (82038597382.0, 12, "082038597382"),
        ("082038597382", 12, "082038597382"),  # already right
        ("08203859738", 12, "08203859738"),  # starts with 0: another digit is missing, don't hide it
        ("8203859738", 12, "8203859738"),  # two short: left for the validator
        ("0820385973821", 12, "0820385973821"),  # too long: unchanged
        (836173346, 10, "0836173346"),  # phone
        ("836173346", 10, "0836173346"),
        ("0836173346", 10, "0836173346"),
        ("083617334", 10, "083617334"),
        ("84912345678", 10, "84912345678"),  # +84 form is longer, not touched
        ("", 10, ""),
        (None, 12, ""),
        ("123 456 789", 10, "0123456789"),
    ],
)
def test_restore_leading_zeros(digits, length, expected):
    assert restore_leading_zeros(digits, length) == expected


@pytest.mark.parametrize(
    "digits, length", [("82a", 4), ("123", 0), ("123", -1), ("123", True), ("123", "12")]
)
def test_restore_leading_zeros_bad(digits, length):
    with pytest.raises(VnValueError):
        restore_leading_zeros(digits, length)


def test_restored_values_pass_their_validators():
    assert check_citizen_id(restore_leading_zeros(82038597382, 12), 1938, "M").warnings == ()
    assert normalize_phone(restore_leading_zeros(836173346, 10)) == "0836173346"


# ------------------------------------------------------------------------------------------------
# normalize_phone
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0912345678", "0912345678"),
        ("0386300391", "0386300391"),
        ("0521234567", "0521234567"),
        ("0771214365", "0771214365"),
        ("0836173346", "0836173346"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("(091) 234-5678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 91 234 5678", "0912345678"),
        ("+84 (0) 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("84 912 345 678", "0912345678"),
        ("0084912345678", "0912345678"),
        ("０９１２３４５６７８", "0912345678"),
        ("＋８４９１２３４５６７８", "0912345678"),
        ("\u00a00912\u00a0345\u00a0678\u00a0", "0912345678"),
    ],
)
def test_normalize_phone_good(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw, fragments",
    [
        ("", ["Chưa nhập số điện thoại"]),
        ("  ", ["Chưa nhập số điện thoại"]),
        (None, ["Chưa nhập số điện thoại"]),
        ("912345678", ["có 9 chữ số", "10 chữ số", "số 0 vào đầu"]),
        (912345678, ["có 9 chữ số", "số 0 vào đầu"]),
        ("09123456789", ["có 11 chữ số", "10 chữ số"]),
        ("091234567", ["có 9 chữ số"]),
        ("0212345678", ["03, 05, 07, 08", "09"]),  # landline-style prefix
        ("0412345678", ["bắt đầu bằng"]),
        ("0612345678", ["bắt đầu bằng"]),
        ("1912345678", ["bắt đầu bằng"]),
        ("8491234567", ["bắt đầu bằng"]),  # 84 prefix but only 10 digits
        ("+1 555 123 4567", ["+84"]),
        ("0912abc678", ["«a»"]),
        ("٠٩١٢٣٤٥٦٧٨", ["không phải chữ số"]),
    ],
)
def test_normalize_phone_bad(raw, fragments):
    with pytest.raises(VnValueError) as exc:
        normalize_phone(raw)
    for fragment in fragments:
        assert fragment in str(exc.value)


# ------------------------------------------------------------------------------------------------
# normalize_name
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Nguyễn Văn Hùng", "Nguyễn Văn Hùng"),
        (NFD("Nguyễn Văn Hùng"), "Nguyễn Văn Hùng"),
        ("  Đỗ  Quốc Quý ", "Đỗ Quốc Quý"),
        ("Hồ\u00a0Bích\u00a0\u00a0Lan", "Hồ Bích Lan"),
        ("Hồ\tBích\nLan", "Hồ Bích Lan"),
        ("Hồ\u200b Bích Lan", "Hồ Bích Lan"),
        ("NGUYỄN VĂN ĐẶNG", "Nguyễn Văn Đặng"),
        (NFD("NGUYỄN VĂN ĐẶNG"), "Nguyễn Văn Đặng"),
        ("TRẦN CÔNG TUẤN", "Trần Công Tuấn"),
        ("HỒ THỊ BÉ", "Hồ Thị Bé"),
        ("  PHAN  QUỐC LỰC ", "Phan Quốc Lực"),
        ("ƯNG ĐÌNH ỔN", "Ưng Đình Ổn"),
        ("H'HEN NIÊ", "H'Hen Niê"),
        ("Lê Thị MỸ Hạnh", "Lê Thị MỸ Hạnh"),  # mixed case: kept as typed
        ("nguyễn văn an", "Nguyễn Văn An"),  # all lower case: title case, like all capitals
        ("h’hen niê", "H'Hen Niê"),  # typographic apostrophe stored as '
        ("McDonald Nguyễn", "McDonald Nguyễn"),
        ("Ly", "Ly"),  # one word, two letters: some ethnic-minority names are a single word
        # a zero-width space (pasted from a web page) separates two words as a space does
        ("Nguyễn\u200bVăn", "Nguyễn Văn"),
        ("Nguyễn\u200b\u200bVăn\u200b", "Nguyễn Văn"),
        ("Ng\u00adu\u200dyễn Văn", "Nguyễn Văn"),  # soft hyphen and joiner: dropped
        # full-width Latin (an East Asian keyboard's input mode) is plain Latin
        ("Ｎｇｕｙễｎ Văn", "Nguyễn Văn"),
        ("ＮＧＵＹỄＮ\u3000ＶĂＮ", "Nguyễn Văn"),  # all capitals, ideographic space
        ("Ｎｇｕｙｅ\u0302\u0303ｎ Văn", "Nguyễn Văn"),  # full-width e + combining marks composes to ễ
        ("H＇Hen Niê", "H'Hen Niê"),  # full-width apostrophe
    ],
)
def test_normalize_name_good(raw, expected):
    result = normalize_name(raw)
    assert result == expected
    assert result == unicodedata.normalize("NFC", result)


@pytest.mark.parametrize("raw", ["", "   ", "\u00a0\u200b", None, "123", "- . -",
                                 # numerals that are not decimal digits are no letters either
                                 "Nguyễn ½", "Lê ²", "An ①", "Ｌê ３"])
def test_normalize_name_bad(raw):
    with pytest.raises(VnValueError) as exc:
        normalize_name(raw)
    assert "họ tên" in str(exc.value).lower()


# ------------------------------------------------------------------------------------------------
# fold
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Nguyễn Văn Hùng", "nguyen van hung"),
        (NFD("Nguyễn Văn Hùng"), "nguyen van hung"),
        ("ĐẶNG", "dang"),
        ("đặng", "dang"),
        ("  Trần   Thị\u00a0Đào ", "tran thi dao"),
        ("Ưng Ơn Ấp Phú Hòa", "ung on ap phu hoa"),
        ("Ỷ Ỵ Ỹ", "y y y"),
        ("already plain", "already plain"),
        # what normalize_name stores, the search finds: same words, same key
        ("Nguyễn\u200bVăn", "nguyen van"),
        ("Ｎｇｕｙễｎ Văn", "nguyen van"),
        ("ＮＧＵＹỄＮ", "nguyen"),
        ("Ấp\u200bMới", "ap moi"),
        ("Ng\u00adu\ufeffyễn", "nguyen"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


def test_fold_matches_regardless_of_case_and_diacritics():
    variants = ["Đặng Thành Dũng", "DANG THANH DUNG", NFD("đặng thành dũng"), "ĐẶNG  THÀNH  DŨNG"]
    assert len({fold(v) for v in variants}) == 1


# ------------------------------------------------------------------------------------------------
# sort_key_text (the one name sort key: the database column and every list)
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "names, expected",
    [
        (["Ân", "Ánh", "An"], ["An", "Ánh", "Ân"]),
        (["Lê Thị Đào", "Trần Văn Dũng"], ["Trần Văn Dũng", "Lê Thị Đào"]),
        (["Trần Thị Bình", "Nguyễn Văn An"], ["Nguyễn Văn An", "Trần Thị Bình"]),
        # identical given names: middle names, then family name
        (["Trần Văn An", "Lê Văn An", "Lê Thị An"], ["Lê Thị An", "Lê Văn An", "Trần Văn An"]),
        (["Phan Thanh Bình", "Huỳnh Minh Bình", "Hồ Thanh Bình"],
         ["Huỳnh Minh Bình", "Hồ Thanh Bình", "Phan Thanh Bình"]),
        # a name without middle names comes before one with, for the same given name
        (["Lê Văn An", "Nguyễn An"], ["Nguyễn An", "Lê Văn An"]),
        # one-word name
        (["Bé", "An"], ["An", "Bé"]),
        # alphabet order: a ă â, o ô ơ, u ư, e ê, d đ
        (["Ấn", "Ăn", "An"], ["An", "Ăn", "Ấn"]),
        (["Ơn", "Ôn", "On"], ["On", "Ôn", "Ơn"]),
        (["Ưng", "Ung"], ["Ung", "Ưng"]),
        (["Ên", "En"], ["En", "Ên"]),
        (["Đan", "Dan"], ["Dan", "Đan"]),
        # tones only break ties, in the order ngang huyền hỏi ngã sắc nặng
        (["Mạ", "Má", "Mã", "Mả", "Mà", "Ma"], ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]),
        (["Hà", "Ha", "Hạnh", "Hạ"], ["Ha", "Hà", "Hạ", "Hạnh"]),
        # base letters of every word first, tones after: Thành/Thanh tie, family decides
        (["Trần Thành Bình", "Phan Thanh Bình"], ["Phan Thanh Bình", "Trần Thành Bình"]),
        (["Lê Thành Bình", "Lê Thanh Bình"], ["Lê Thanh Bình", "Lê Thành Bình"]),
        # case-insensitive
        (["an", "Ánh", "AN TƯ"], ["an", "Ánh", "AN TƯ"]),
        (["b", "A", "c"], ["A", "b", "c"]),
        # f j w z next to their Latin neighbours
        (["Gia", "Fa", "Ea", "Êa"], ["Ea", "Êa", "Fa", "Gia"]),
        (["Ka", "Ja", "Ia"], ["Ia", "Ja", "Ka"]),
        (["Xa", "Wa", "Va"], ["Va", "Wa", "Xa"]),
        (["Za", "Ya"], ["Ya", "Za"]),
    ],
)
def test_sort_key_orders(names, expected):
    assert sorted(names, key=sort_key_text) == expected
    shuffled = list(reversed(names))
    assert sorted(shuffled, key=sort_key_text) == expected


def test_dao_sorts_after_every_d_name():
    d_names = ["Dũng", "Dương", "Duy", "Dy", "Dậu", "Dzũng", "Diệu", "Dung"]
    names = ["Nguyễn Văn " + n for n in d_names] + ["Lê Thị Đào", "Lê Thị Đạt", "Lê Thị Ân"]
    random.Random(7).shuffle(names)
    ordered = sorted(names, key=sort_key_text)
    assert ordered[0] == "Lê Thị Ân"
    assert ordered[-2:] == ["Lê Thị Đào", "Lê Thị Đạt"]


def test_sort_key_ignores_normal_form_and_spacing():
    assert (sort_key_text(NFD("Nguyễn Văn Hùng")) == sort_key_text("  Nguyễn  Văn\u00a0Hùng ")
            == sort_key_text("Nguyễn Văn Hùng"))


def test_sort_key_is_total_and_deterministic():
    names = ["An", "an", "AN", "", None, "Ánh", "Nguyễn Văn 2", "H'Hen Niê", "Y-Ngông", "Ñá"]
    ordered = sorted(names, key=sort_key_text)
    assert ordered[:2] == ["", None] or ordered[:2] == [None, ""]
    assert sorted(reversed(names), key=sort_key_text)[2:] == ordered[2:]


def test_sort_key_is_ascii_digits_and_empty_is_smallest():
    # digits only: SQLite BINARY, PostgreSQL C and linguistic collations (vi-VN) order them alike
    for name in ["An", "Nguyễn Thị Ngọc Hường", "H'Hen Niê", "Y-Ngông", "Ñá", "Ꙁ", "x\u200by", NFD("Đặng")]:
        key = sort_key_text(name)
        assert key and key.isascii() and key.isdigit(), name
    assert sort_key_text("") == sort_key_text(None) == sort_key_text("   ") == ""
    assert min(sort_key_text(n) for n in ["An", "", "Bé"]) == ""


def test_sort_key_reads_invisible_and_full_width_characters_as_the_name_is_stored():
    plain = sort_key_text("Nguyễn Văn")
    assert sort_key_text("Nguyễn\u200bVăn") == plain
    assert sort_key_text("Ｎｇｕｙễｎ Văn") == plain
    # two words, not one: "Nguyễn Văn" is ordered by its given name Văn, "NguyễnVăn" by itself
    assert sort_key_text("NguyễnVăn") != plain
    assert sorted(["Nguyễn\u200bVăn", "Trần An"], key=sort_key_text) == ["Trần An", "Nguyễn\u200bVăn"]


def test_sort_key_fits_the_column():
    # households.sort_key is VARCHAR(600); a typical four-word name takes about 150 digits
    assert len(sort_key_text("Nguyễn Thị Ngọc Hường")) < 200
    assert len(sort_key_text("Tôn Nữ Thị Phương Thảo Nguyên")) < 600


# ------------------------------------------------------------------------------------------------
# amount_in_words, format_money
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n, expected",
    [
        (0, "Không đồng"),
        (1, "Một đồng"),
        (4, "Bốn đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (11, "Mười một đồng"),
        (14, "Mười bốn đồng"),
        (15, "Mười lăm đồng"),
        (20, "Hai mươi đồng"),
        (21, "Hai mươi mốt đồng"),
        (24, "Hai mươi tư đồng"),
        (25, "Hai mươi lăm đồng"),
        (99, "Chín mươi chín đồng"),
        (100, "Một trăm đồng"),
        (101, "Một trăm lẻ một đồng"),
        (104, "Một trăm lẻ bốn đồng"),
        (105, "Một trăm lẻ năm đồng"),
        (110, "Một trăm mười đồng"),
        (111, "Một trăm mười một đồng"),
        (115, "Một trăm mười lăm đồng"),
        (121, "Một trăm hai mươi mốt đồng"),
        (1_000, "Một nghìn đồng"),
        (1_005, "Một nghìn không trăm lẻ năm đồng"),
        (1_010, "Một nghìn không trăm mười đồng"),
        (1_050, "Một nghìn không trăm năm mươi đồng"),
        (1_100, "Một nghìn một trăm đồng"),
        (10_500, "Mười nghìn năm trăm đồng"),
        (15_000, "Mười lăm nghìn đồng"),
        (21_000, "Hai mươi mốt nghìn đồng"),
        (500_000, "Năm trăm nghìn đồng"),
        (1_000_000, "Một triệu đồng"),
        (1_000_001, "Một triệu không trăm lẻ một đồng"),
        (1_001_000, "Một triệu không trăm lẻ một nghìn đồng"),
        (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
        (2_500_000, "Hai triệu năm trăm nghìn đồng"),
        (21_000_000, "Hai mươi mốt triệu đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (1_000_000_005, "Một tỷ không trăm lẻ năm đồng"),
        (2_005_000_000, "Hai tỷ không trăm lẻ năm triệu đồng"),
        (1_500_000_000_000, "Một nghìn năm trăm tỷ đồng"),
        (
            999_999_999_999,
            "Chín trăm chín mươi chín tỷ chín trăm chín mươi chín triệu chín trăm chín mươi chín "
            "nghìn chín trăm chín mươi chín đồng",
        ),
        (Decimal("500000"), "Năm trăm nghìn đồng"),
        (500000.0, "Năm trăm nghìn đồng"),
    ],
)
def test_amount_in_words(n, expected):
    assert amount_in_words(n) == expected


@pytest.mark.parametrize("n", [-1, -500_000, 1.5, Decimal("0.5"), "500000", None, True, float("inf")])
def test_amount_in_words_bad(n):
    with pytest.raises(VnValueError) as exc:
        amount_in_words(n)
    assert "Số tiền" in str(exc.value)


@pytest.mark.parametrize(
    "n, expected",
    [
        (0, "0"),
        (5, "5"),
        (999, "999"),
        (1_000, "1.000"),
        (500_000, "500.000"),
        (1_250_000, "1.250.000"),
        (1_000_000_000, "1.000.000.000"),
        (-500_000, "-500.000"),
        (Decimal("2500000"), "2.500.000"),
    ],
)
def test_format_money(n, expected):
    assert format_money(n) == expected


@pytest.mark.parametrize("n", [1.5, "500000", None, False])
def test_format_money_bad(n):
    with pytest.raises(VnValueError):
        format_money(n)


@pytest.mark.parametrize("n, expected", [(0, "0"), (7, "7"), (999, "999"), (1000, "1.000"), (12345, "12.345"),
                                         (100_000, "100.000"), (1_234_567, "1.234.567"), (-1250, "-1.250"),
                                         (2000.0, "2.000")])
def test_format_count(n, expected):
    assert format_count(n) == expected


@pytest.mark.parametrize("n", [1.5, "1000", None, True])
def test_format_count_bad(n):
    with pytest.raises(VnValueError, match="số nguyên"):
        format_count(n)


# ------------------------------------------------------------------------------------------------
# Dates
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "d, expected",
    [
        (date(2026, 11, 5), "05/11/2026"),
        (date(2026, 1, 1), "01/01/2026"),
        (date(1999, 12, 31), "31/12/1999"),
        (datetime(2026, 3, 7, 14, 30), "07/03/2026"),
    ],
)
def test_format_date(d, expected):
    assert format_date(d) == expected


@pytest.mark.parametrize("d", ["05/11/2026", None, 20261105])
def test_format_date_bad(d):
    with pytest.raises(VnValueError):
        format_date(d)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (date(2026, 11, 5), date(2026, 11, 5)),
        (datetime(1964, 4, 22, 0, 0), date(1964, 4, 22)),
        ("05/11/2026", date(2026, 11, 5)),
        ("5/11/2026", date(2026, 11, 5)),
        ("5/1/2026", date(2026, 1, 5)),
        ("01/02/2026", date(2026, 2, 1)),  # 1 February, never 2 January
        ("12/01/2026", date(2026, 1, 12)),  # 12 January, never 1 December
        ("05-11-2026", date(2026, 11, 5)),
        ("05.11.2026", date(2026, 11, 5)),
        (" 05 / 11 / 2026 ", date(2026, 11, 5)),
        ("2026-11-05", date(2026, 11, 5)),
        ("2026-1-5", date(2026, 1, 5)),
        ("2026-11-05 00:00:00", date(2026, 11, 5)),
        ("2026-11-05T08:30", date(2026, 11, 5)),
        ("０５/１１/２０２６", date(2026, 11, 5)),
        ("29/02/2024", date(2024, 2, 29)),
        ("31/12/1900", date(1900, 12, 31)),
    ],
)
def test_parse_date_good(raw, expected):
    result = parse_date(raw)
    assert result == expected and type(result) is date


@pytest.mark.parametrize(
    "raw, fragments",
    [
        ("", ["Chưa nhập ngày", "05/11/2026"]),
        (None, ["Chưa nhập ngày"]),
        ("11/25/2026", ["tháng 25", "1 đến 12", "ngày/tháng/năm"]),  # month-first is never guessed
        ("05/13/2026", ["tháng 13"]),
        ("05/00/2026", ["tháng 0"]),
        ("31/04/2026", ["tháng 4 năm 2026 chỉ có 30 ngày", "ngày 31"]),
        ("29/02/2025", ["chỉ có 28 ngày"]),
        ("30/02/2024", ["chỉ có 29 ngày"]),
        ("00/05/2026", ["không có ngày 0"]),
        ("32/01/2026", ["chỉ có 31 ngày"]),
        ("2026-13-01", ["tháng 13"]),
        ("2026-02-30", ["chỉ có 28 ngày"]),
        ("05/11/26", ["4 chữ số"]),
        ("05/11/0026", ["năm 26"]),
        ("05/11/2226", ["năm 2226"]),
        ("05/11-2026", ["Không đọc được ngày"]),
        ("2026/11/05", ["Không đọc được ngày"]),
        ("5 tháng 11 năm 2026", ["Không đọc được ngày"]),
        ("hôm nay", ["Không đọc được ngày"]),
        (46000, ["Không đọc được ngày"]),  # Excel serial number
        ("٠٥/١١/٢٠٢٦", ["Không đọc được ngày"]),
    ],
)
def test_parse_date_bad(raw, fragments):
    with pytest.raises(VnValueError) as exc:
        parse_date(raw)
    for fragment in fragments:
        assert fragment in str(exc.value)


@pytest.mark.parametrize(
    "place, d, expected",
    [
        ("Phú Tân", date(2026, 11, 5), "Phú Tân, ngày 05 tháng 11 năm 2026"),
        ("Phú Tân", date(2026, 1, 9), "Phú Tân, ngày 09 tháng 01 năm 2026"),
        ("Phú Tân", date(2026, 2, 28), "Phú Tân, ngày 28 tháng 02 năm 2026"),
        ("Phú Tân", date(2026, 3, 1), "Phú Tân, ngày 01 tháng 3 năm 2026"),
        ("Phú Tân", date(2026, 9, 10), "Phú Tân, ngày 10 tháng 9 năm 2026"),
        ("Phú Tân", date(2026, 10, 31), "Phú Tân, ngày 31 tháng 10 năm 2026"),
        ("Phú Tân", date(2026, 12, 25), "Phú Tân, ngày 25 tháng 12 năm 2026"),
        ("  Phú\u00a0 Tân ", date(2026, 11, 5), "Phú Tân, ngày 05 tháng 11 năm 2026"),
        (NFD("Phú Tân"), datetime(2026, 11, 5, 9), "Phú Tân, ngày 05 tháng 11 năm 2026"),
    ],
)
def test_place_date_line(place, d, expected):
    assert place_date_line(place, d) == expected


@pytest.mark.parametrize(
    "place, d", [("", date(2026, 1, 1)), ("  ", date(2026, 1, 1)), ("Phú Tân", "05/11/2026")]
)
def test_place_date_line_bad(place, d):
    with pytest.raises(VnValueError):
        place_date_line(place, d)


# ------------------------------------------------------------------------------------------------
# check_imei
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("490154203237518", "490154203237518"),
        ("356938035643809", "356938035643809"),
        ("49-015420-323751-8", "490154203237518"),
        ("49 015420 323751 8", "490154203237518"),
        ("49/015420/323751/8", "490154203237518"),
        ("４９０１５４２０３２３７５１８", "490154203237518"),
        (490154203237518, "490154203237518"),
    ],
)
def test_check_imei_good(raw, expected):
    assert check_imei(raw) == expected


@pytest.mark.parametrize(
    "raw, fragments",
    [
        ("490154203237519", ["sai chữ số kiểm tra"]),  # last digit changed
        ("490154203237510", ["sai chữ số kiểm tra"]),
        ("４９０１５４２０３２３７５１９", ["sai chữ số kiểm tra"]),
        ("490154203237581", ["sai chữ số kiểm tra"]),  # two digits swapped
        ("49015420323751", ["có 14 chữ số", "15 chữ số"]),
        ("4901542032375180", ["có 16 chữ số", "15 chữ số"]),
        ("", ["Chưa nhập số IMEI"]),
        (None, ["Chưa nhập số IMEI"]),
        ("49015420323751X", ["«X»"]),
        ("٤٩٠١٥٤٢٠٣٢٣٧٥١٨", ["không phải chữ số"]),
    ],
)
def test_check_imei_bad(raw, fragments):
    with pytest.raises(VnValueError) as exc:
        check_imei(raw)
    for fragment in fragments:
        assert fragment in str(exc.value)


# ------------------------------------------------------------------------------------------------
# Masking
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Nguyễn Văn Hùng", "Nguyễn V. H***"),
        ("Nguyễn Thị Minh Khai", "Nguyễn T. M. K***"),
        ("Lê Ánh", "Lê Á***"),
        ("Hùng", "H***"),
        ("Đặng Thành Dũng", "Đặng T. D***"),
        ("  Trần   Văn  Ân ", "Trần V. Â***"),
        (NFD("Đỗ Ưng Ánh"), "Đỗ Ư. Á***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(name, expected):
    assert mask_name(name) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("082038597382", "********7382"),
        ("082 038 597 382", "********7382"),
        ("123456789", "*****6789"),
        ("12345", "*2345"),
        ("1234", "****"),
        ("12", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id(value, expected):
    assert mask_id(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0912345678", "*******678"),
        ("0912 345 678", "*******678"),
        ("1234", "*234"),
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, expected):
    assert mask_phone(value) == expected


@pytest.mark.parametrize("raw", ["000000000000000", "001234567890128"])
def test_check_imei_refuses_test_and_placeholder_imeis(raw):
    with pytest.raises(vn.VnValueError, match="bắt đầu bằng 00"):
        vn.check_imei(raw)


def test_echo_quotes_a_typed_value_on_one_line_and_cut_short():
    assert vn.echo(" 05/11/2026 ") == "05/11/2026"
    assert vn.echo("Ấp\tPhú\nHòa\u200b") == "Ấp Phú Hòa"
    assert vn.echo("1" * 500) == "1" * 40 + "…"
    assert vn.echo("1" * 40) == "1" * 40
    assert vn.echo("ab cd", limit=3) == "ab…"
    assert vn.echo(None) == ""


def test_a_date_message_never_repeats_more_than_forty_typed_characters():
    with pytest.raises(vn.VnValueError) as err:
        vn.parse_date("9" * 500)
    assert str(err.value) == ("Không đọc được ngày «" + "9" * 40 + "…». Hãy nhập ngày theo dạng ngày/tháng/năm, "
                              "ví dụ 05/11/2026.")
    with pytest.raises(vn.VnValueError) as err:
        vn.parse_date("01/01/" + "2" * 300)
    assert str(err.value) == ("Ngày «01/01/" + "2" * 34 + "…»: năm phải viết đủ 4 chữ số (ví dụ 05/11/2026, "
                              "không viết 05/11/26).")


@pytest.mark.parametrize("raw, char", [("<script>alert(1)</script>", "<"), ("Nguyễn Văn <b>An", "<"),
                                       ("Nguyễn Văn An>", ">"), ('Lê "Tí"', '"'), ("Trần & Lê", "&")])
def test_person_names_refuse_markup_and_symbols(raw, char):
    """The head of household's and every member's name (vn.normalize_name, the form's and the
    import's rule) refuse markup: the same refusal hamlets now give (places.normalize_hamlet)."""
    with pytest.raises(vn.VnValueError) as err:
        vn.normalize_name(raw)
    assert f"có ký tự «{char}», không dùng trong họ tên" in str(err.value)
    assert vn.describe_char(char) == f"ký tự «{char}»" and vn.describe_char("7") == "chữ số «7»"


@pytest.mark.parametrize("raw, stored", [
    ("Gõ nhầm năm mua máy", "Gõ nhầm năm mua máy"),
    ("dòng 1\r\ndòng 2\tcột", "dòng 1\ndòng 2\tcột"),
    ("a\x00b\x1bc\x7fd\x85e", "abcde"),
    ("trước\ud800sau", "trướcsau"),
    ("  \x00  ", "    "),
    ("\u00a0Ánh\u200b", "\u00a0Ánh\u200b"),
])
def test_storable_text_drops_only_control_characters_and_lone_surrogates(raw, stored):
    assert vn.storable_text(raw) == stored
    assert vn.storable_text(raw).encode("utf-8")  # any UTF-8 text column can hold it
