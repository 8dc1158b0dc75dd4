"""Vietnamese data conventions: citizen IDs, phones, names, money, dates, IMEI, masking.

Pure Python (standard library only): this module must not import Flask or SQLAlchemy, so the
importer, the web layer and the document generators can all share it.

Source for every rule here is ``docs/domain.md`` §9 (Vietnamese data conventions) unless a
function's docstring names another one (Thông tư 07/2016/TT-BCA for CCCD province codes,
Nghị định 30/2020/NĐ-CP for the "place, date" line of an official document).

Error messages are in Vietnamese because they are shown to a commune clerk: each one says what was
wrong and how to fix it.  Every error raised by this module is a :class:`VnValueError`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

__all__ = [
    "VnValueError",
    "PROVINCE_CODES",
    "normalize_digits",
    "IdCheck",
    "check_citizen_id",
    "restore_leading_zeros",
    "normalize_phone",
    "normalize_name",
    "fold",
    "sort_key",
    "sort_key_text",
    "amount_in_words",
    "format_money",
    "format_date",
    "parse_date",
    "place_date_line",
    "check_imei",
    "mask_name",
    "mask_id",
    "mask_phone",
]


class VnValueError(ValueError):
    """A value that breaks a Vietnamese data convention; the message is Vietnamese, for a clerk."""


# --------------------------------------------------------------------------------------------
# Province codes (Thông tư 07/2016/TT-BCA)
# --------------------------------------------------------------------------------------------

_PROVINCE_CSV = Path(__file__).resolve().parent / "data" / "cccd-province-codes.csv"


def _load_province_codes() -> dict[str, str]:
    with _PROVINCE_CSV.open(encoding="utf-8-sig", newline="") as fh:
        return {
            row["code"].strip(): unicodedata.normalize("NFC", row["province"].strip())
            for row in csv.DictReader(fh)
        }


#: 3-digit CCCD province code (e.g. ``"082"``) -> province name (e.g. ``"Tiền Giang"``).
#: The 63 codes of Thông tư 07/2016/TT-BCA; they stay as issued after the 2025 province merger.
PROVINCE_CODES: dict[str, str] = _load_province_codes()


# --------------------------------------------------------------------------------------------
# Digits
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# Citizen ID (CCCD / CMND)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdCheck:
    """Result of :func:`check_citizen_id`.

    ``value``: the digits to store (12 for a CCCD, 9 for a CMND); ``kind``: ``"cccd"`` or
    ``"cmnd"``; ``warnings``: Vietnamese sentences the clerk must read and confirm (empty tuple
    when nothing needs confirming).
    """

    value: str
    kind: str  # 'cccd' or 'cmnd'
    warnings: tuple[str, ...] = ()


_GENDER_WORD = {"M": "nam", "F": "nữ"}


def check_citizen_id(raw: str, birth_year: int | None = None, gender: str | None = None) -> IdCheck:
    """Check a citizen ID number (CCCD, or a legacy CMND) and compare it with the file.

    Shapes: ``raw`` as typed (text, or an ``int`` from an Excel cell; spaces, dots, dashes and
    full-width digits are accepted — see :func:`normalize_digits`).  ``birth_year`` a 4-digit
    year or ``None``; ``gender`` ``"M"`` / ``"F"`` (case-insensitive) or ``None``.

    * 12 ASCII digits = CCCD (số định danh cá nhân): digits 1–3 are the province where the birth
      was registered and must be one of :data:`PROVINCE_CODES` (Thông tư 07/2016/TT-BCA);
      digit 4 is sex and century (0/1 = male/female born 1900–1999, 2/3 = male/female born
      2000–2099; 4–9 would mean born in 2100 or later and are rejected as impossible); digits
      5–6 are the last two digits of the birth year, and a birth year after the current year is
      rejected.  If ``birth_year`` or ``gender`` is given and disagrees with the number, that is
      **not** an error: a Vietnamese warning is added to ``warnings`` for the clerk to confirm.
    * 9 ASCII digits = legacy CMND: accepted with ``kind="cmnd"`` and a warning that it is an old
      number (it encodes neither birth year nor sex, so nothing else is checked).
    * Anything else raises :class:`VnValueError`, saying how many digits were found and that a
      CCCD has 12 (with a hint about Excel when 11 digits were found — the importer should call
      :func:`restore_leading_zeros` first).

    Also raises :class:`VnValueError` for an empty value, non-digit characters, an unknown
    province code, an impossible sex/century digit, or a ``gender`` other than M/F.

    Source: domain.md §9; Thông tư 07/2016/TT-BCA (province codes, sex/century digit).
    """
    value = normalize_digits(raw, "Số CCCD")
    if gender is not None:
        if not isinstance(gender, str) or gender.strip().upper() not in _GENDER_WORD:
            raise VnValueError(f"Giới tính «{gender}» không hợp lệ: dùng M (nam) hoặc F (nữ).")
        gender = gender.strip().upper()
    if birth_year is not None and (isinstance(birth_year, bool) or not isinstance(birth_year, int)):
        raise VnValueError(f"Năm sinh «{birth_year}» không hợp lệ: phải là năm gồm 4 chữ số, ví dụ 1975.")

    if not value:
        raise VnValueError("Chưa nhập số CCCD. Hãy nhập đủ 12 chữ số in trên thẻ căn cước.")

    if len(value) == 9:
        return IdCheck(
            value=value,
            kind="cmnd",
            warnings=(
                f"Số {value} là số chứng minh nhân dân (CMND) cũ 9 chữ số. Hãy xin người dân số "
                "căn cước (CCCD) 12 chữ số và cập nhật nếu có.",
            ),
        )

    if len(value) != 12:
        msg = (
            f"Số CCCD «{raw}» có {len(value)} chữ số, nhưng số CCCD phải có đúng 12 chữ số "
            "(hoặc 9 chữ số nếu là số CMND cũ)."
        )
        if len(value) == 11:
            msg += (
                " Có thể Excel đã bỏ mất số 0 ở đầu khi ô được định dạng là số: "
                "hãy kiểm tra lại trên thẻ và nhập đủ 12 chữ số."
            )
        else:
            msg += " Hãy kiểm tra lại trên thẻ căn cước và nhập đủ 12 chữ số."
        raise VnValueError(msg)

    province = value[:3]
    if province not in PROVINCE_CODES:
        raise VnValueError(
            f"Số CCCD {value}: 3 chữ số đầu «{province}» không phải mã tỉnh nào (mã tỉnh theo "
            "Thông tư 07/2016/TT-BCA, ví dụ Tiền Giang là 082). Hãy kiểm tra lại số trên thẻ."
        )

    sex_digit = int(value[3])
    if sex_digit > 3:
        raise VnValueError(
            f"Số CCCD {value}: chữ số thứ 4 là «{sex_digit}», nghĩa là người sinh từ năm 2100 "
            "trở đi, điều này không thể đúng (chữ số này chỉ có thể là 0, 1, 2 hoặc 3). "
            "Hãy kiểm tra lại số trên thẻ."
        )
    id_gender = "M" if sex_digit % 2 == 0 else "F"
    id_year = (1900 if sex_digit < 2 else 2000) + int(value[4:6])
    if id_year > date.today().year:
        raise VnValueError(
            f"Số CCCD {value}: chữ số thứ 4 đến thứ 6 («{value[3:6]}») cho năm sinh {id_year}, "
            "là năm chưa tới. Hãy kiểm tra lại số trên thẻ."
        )

    warnings: list[str] = []
    if birth_year is not None and birth_year != id_year:
        warnings.append(
            f"Số CCCD {value} cho biết năm sinh {id_year}, nhưng hồ sơ ghi năm sinh {birth_year}. "
            "Hãy đối chiếu với thẻ căn cước rồi sửa số CCCD hoặc năm sinh cho đúng."
        )
    if gender is not None and gender != id_gender:
        warnings.append(
            f"Số CCCD {value} cho biết giới tính {_GENDER_WORD[id_gender]}, nhưng hồ sơ ghi "
            f"giới tính {_GENDER_WORD[gender]}. Hãy đối chiếu với thẻ căn cước rồi sửa số CCCD "
            "hoặc giới tính cho đúng."
        )
    return IdCheck(value=value, kind="cccd", warnings=tuple(warnings))


# --------------------------------------------------------------------------------------------
# Phone
# --------------------------------------------------------------------------------------------

_PHONE_STRIP = re.compile(r"[()\[\]]")


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
    if digits[0] != "0" or digits[1] not in "35789":
        raise VnValueError(
            f"Số điện thoại «{raw}» không đúng dạng: số di động phải bắt đầu bằng 03, 05, 07, 08 "
            "hoặc 09. Hãy kiểm tra lại với người dân."
        )
    return digits


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")


def _clean_words(raw: object) -> list[str]:
    if raw is None:
        return []
    text = unicodedata.normalize("NFC", str(raw))
    text = _INVISIBLE.sub("", text)
    return text.split()  # str.split() splits on every Unicode space, incl. NBSP and U+3000


#: Longest stored name (``households.head_name`` is VARCHAR(120)).
NAME_MAX_LENGTH = 120
#: Fewest letters a person's name can have ("Ly", "Y Ka"); "a" or "X" is not a name.
NAME_MIN_LETTERS = 2
# Apostrophes and hyphens as word processors and phones type them, stored as ASCII ' and -.
_NAME_PUNCT_VARIANTS = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u2010": "-", "\u2011": "-",
})
# A letter is [^\W\d_] (a Unicode letter: Vietnamese, other Latin, other scripts).  A word is
# letters, optionally joined by ' - . ("H'Hen", "Sa-ra", "T.Hoa") and optionally ended by "."
# (an abbreviation, "Nguyễn T. Hoa").  The fast path of normalize_name; anything else is
# diagnosed character by character for the message.
_NAME_OK = re.compile(
    r"[^\W\d_]+(?:['.\-][^\W\d_]+)*\.?(?: [^\W\d_]+(?:['.\-][^\W\d_]+)*\.?)*"
)


def _describe_char(ch: str) -> str:
    """``«;»`` for a visible character, ``U+0009`` style for an invisible one; digits say so."""
    if "0" <= ch <= "9" or unicodedata.category(ch) == "Nd":
        return f"chữ số «{ch}»"
    if not ch.isprintable() or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return f"ký tự ẩn U+{ord(ch):04X}"
    return f"ký tự «{ch}»"


_LATIN_WORD = re.compile(r"[a-z]{2,}")
_VOWELS = frozenset("aeiouy")


def _keyboard_mash(name: str) -> str | None:
    """What makes ``name`` typing noise rather than a name, or None. Two signs that no Vietnamese
    name (nor an ethnic-minority name written in Latin letters, e.g. "Ksor H'Blơi", "Y Bih Niê")
    ever shows: one letter three times in a row ("Hhhhhhh"), and a word of two or more Latin
    letters without a vowel ("Trn", "Ksdf": every Vietnamese syllable has one). Neither catches
    every made-up name ("asdf" passes): the clerk still reads what is typed."""
    folded = fold(name)
    run = re.search(r"([a-z])\1\1", folded)
    if run:
        return (f"Họ tên «{name}» có chữ «{run.group(1)}» viết liền ba lần, không có trong họ tên thật. "
                "Hãy nhập lại họ tên đúng như trên thẻ căn cước.")
    for word in re.split(r"[ '.\-]+", name):
        plain = fold(word)
        if _LATIN_WORD.fullmatch(plain) and not (_VOWELS & set(plain)):
            return (f"Họ tên «{name}» có «{word}» không có nguyên âm nào (a, e, i, o, u, y…), không thể là "
                    "một tiếng trong họ tên. Hãy nhập lại họ tên đúng như trên thẻ căn cước.")
    return None


def _name_problem(name: str) -> str | None:
    """Why ``name`` (NFC, single spaces, punctuation variants mapped) is not a person's name,
    or ``None``.  Checked in this order so the first message is the most useful one."""
    letters = sum(1 for ch in name if ch.isalpha())
    if letters == 0:
        return (f"Họ tên «{name}» không có chữ cái nào. Hãy nhập đầy đủ họ, tên đệm và tên, "
                "ví dụ «Nguyễn Văn Hùng».")
    for ch in name:
        if ch.isalpha() or ch in " '-.":
            continue
        if unicodedata.category(ch) == "Mn":
            continue  # a combining mark; where it may stand is checked with the words below
        return (f"Họ tên «{name}» có {_describe_char(ch)}, không dùng trong họ tên. Họ tên chỉ gồm "
                "chữ cái (kể cả chữ có dấu tiếng Việt) và dấu cách; dấu nháy ' và gạch nối - chỉ "
                "dùng giữa hai chữ cái (như «H'Hen Niê»), dấu chấm chỉ sau chữ viết tắt. Hãy nhập "
                "lại họ tên đúng như trên thẻ căn cước (ghi chú, nếu có, để ở cột khác).")
    if letters < NAME_MIN_LETTERS:
        return (f"Họ tên «{name}» chỉ có {letters} chữ cái, không thể là họ tên của một người. Hãy "
                "nhập đầy đủ họ, tên đệm và tên như trên thẻ căn cước, ví dụ «Nguyễn Văn Hùng».")
    for word in name.split(" "):
        body = word[:-1] if word.endswith(".") else word
        parts = re.split(r"['.\-]", body)
        if not all(p and p[0].isalpha() and all(c.isalpha() or unicodedata.category(c) == "Mn"
                                                for c in p) for p in parts):
            return (f"Họ tên «{name}»: chữ «{word}» đặt dấu sai chỗ. Dấu nháy ' và gạch nối - phải "
                    "nằm giữa hai chữ cái (như «H'Hen», «Sa-ra»), dấu chấm chỉ đứng sau chữ viết "
                    "tắt (như «T.»), không đứng đầu chữ, không đứng liền nhau. Hãy sửa lại họ tên.")
    if len(name) > NAME_MAX_LENGTH:
        return (f"Họ tên dài {len(name)} ký tự, quá {NAME_MAX_LENGTH} ký tự. Hãy kiểm tra lại ô "
                "họ tên (có thể đã dán nhầm cả ghi chú hoặc nhiều người vào một ô).")
    return None


def normalize_name(raw: str) -> str:
    """Return a person's name as stored, after checking that it can be a person's name.

    Shape: ``raw`` text as typed or pasted (NFD from some editors, non-breaking or repeated
    spaces, zero-width characters are all handled).  Returns NFC text, trimmed, single spaces;
    typographic apostrophes (’ ‘ ʼ ´ `) become ``'`` and Unicode hyphens (‐ ‑) become ``-``.

    What a name may contain (decided here, for the head of household and every other person
    typed in the app — manual entry, the list import and the handover form all call this):

    * Unicode letters (Vietnamese with every tone mark, other Latin letters such as f j w z,
      other scripts) and spaces;
    * ``'`` and ``-`` only between two letters of a word, as in ethnic-minority names written
      with an apostrophe or hyphen (``"H'Hen Niê"``, ``"Ksor H'Blơi"``, ``"Sa-ra"``);
    * ``.`` after a letter, for an abbreviation some lists use (``"Nguyễn T. Hoa"``, ``"T.Hoa"``);
    * at least :data:`NAME_MIN_LETTERS` (2) letters in all; a **one-word name is accepted** (some
      ethnic-minority people have a single name on their ID), but a single letter is not;
    * at most :data:`NAME_MAX_LENGTH` (120) characters.

    Digits, ``; < > " ( ) , / @ _`` and any other symbol are refused (a name on a CCCD has none;
    a note in brackets belongs in another column), as is punctuation at the start of a word or
    doubled (``"'; DROP TABLE--"``, ``"--"``).

    Casing (one rule for every path): a name typed entirely in capitals **or entirely in lower
    case** becomes title case word by word, Vietnamese-aware (``"NGUYỄN VĂN ĐẶNG"`` and
    ``"nguyễn văn đặng"`` → ``"Nguyễn Văn Đặng"``; letters after ``'`` ``-`` ``.`` are
    capitalised too: ``"h'hen niê"`` → ``"H'Hen Niê"``).  A name in mixed case was cased on
    purpose and is kept as typed (``"Lê Thị MỸ Hạnh"``, ``"McDonald"``).

    Raises :class:`VnValueError` (Vietnamese, saying what is wrong and how to fix it) for an
    empty name, no letter, a character a name cannot contain, fewer than 2 letters, misplaced
    punctuation, more than 120 characters, or typing noise (:func:`_keyboard_mash`: a letter three
    times in a row, a word without a vowel).

    Source: domain.md §9 (Names: store NFC, single spaces); Vietnamese names on the CCCD.
    """
    words = _clean_words(raw)
    if not words:
        raise VnValueError("Chưa nhập họ tên. Hãy nhập đầy đủ họ, tên đệm và tên, ví dụ «Nguyễn Văn Hùng».")
    name = " ".join(words).translate(_NAME_PUNCT_VARIANTS)
    if not (_NAME_OK.fullmatch(name) and len(name) <= NAME_MAX_LENGTH
            and (len(name) > NAME_MIN_LETTERS + 1 or sum(ch.isalpha() for ch in name) >= NAME_MIN_LETTERS)):
        problem = _name_problem(name)
        if problem is not None:
            raise VnValueError(problem)
    mash = _keyboard_mash(name)
    if mash is not None:
        raise VnValueError(mash)
    if name.isupper() or name.islower():
        name = unicodedata.normalize("NFC", name.title())
    return name


def fold(text: str) -> str:
    """Return the search key of ``text``: lower case, no diacritics, ``đ`` → ``d``, single spaces.

    NFC → lower case → NFD with every combining mark (category Mn) dropped → ``đ``/``Đ`` → ``d``
    → whitespace collapsed and trimmed.  ``"Nguyễn Văn Hùng"`` → ``"nguyen van hung"``;
    ``"ĐẶNG"`` → ``"dang"``.  ``None`` or blank text gives ``""``.  Never raises.

    Use it for searching only: sorting must not fold (see :func:`sort_key`).

    Source: domain.md §9 (Names: search ignores case and diacritics, including đ → d).
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFC", str(text)).lower()
    s = "".join(ch for ch in unicodedata.normalize("NFD", s) if unicodedata.category(ch) != "Mn")
    s = s.replace("đ", "d").replace("Đ", "d")
    s = _INVISIBLE.sub("", s)
    return " ".join(s.split())


# Vietnamese alphabet order; f, j, w, z (not Vietnamese letters) follow their Latin neighbours.
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]
_LETTER_RANK = {letter: 100 + i for i, letter in enumerate(_ALPHABET)}
# Combining marks that make a different letter (ă â ê ô ơ ư).
_SHAPE_MARKS = {"\u0306", "\u0302", "\u031b"}
# Tone marks, in the conventional order ngang (none), huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


@lru_cache(maxsize=8192)
def _word_keys(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(base-letter ranks, tone ranks) of one lower-cased NFC word (cached: names reuse words)."""
    primary: list[int] = []
    tones: list[int] = []
    for ch in word:
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        tone = 0
        shape = ""
        other = 0
        for mark in marks:
            if mark in _TONE_RANK:
                tone = _TONE_RANK[mark]
            elif mark in _SHAPE_MARKS:
                shape += mark
            else:
                other = other * 1000 + ord(mark)
        letter = unicodedata.normalize("NFC", base + shape)
        if letter in _LETTER_RANK:
            rank = _LETTER_RANK[letter]
        elif base in _LETTER_RANK:  # a Latin letter with a foreign mark: next to its base
            rank = _LETTER_RANK[base]
        elif "0" <= base <= "9":
            rank = 50 + int(base)  # digits before letters
        elif not base.isalnum():
            rank = 0  # hyphen, apostrophe and other punctuation sort first
        else:
            rank = 1000 + ord(base)  # letters of other scripts after the Vietnamese alphabet
        primary.append(rank)
        tones.append(tone * 10_000_000 + other if other else tone)
    return tuple(primary), tuple(tones)


def sort_key(name: str) -> tuple:
    """Key for sorting people's names in Vietnamese list order: ``sorted(names, key=sort_key)``.

    Shape: ``name`` is any text (normalised here: NFC, single spaces, case-insensitive).  The
    words are taken as family name (first word), middle names, given name (last word); a
    one-word name is a given name only.  Names are ordered by the given name, then the middle
    names (in their written order), then the family name.  Letters follow the Vietnamese
    alphabet a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (f, j, w, z after e/ê, i,
    v, y respectively; digits before letters, punctuation first).  Tone marks only break ties:
    every word's base letters (tone removed, ă â ê ô ơ ư đ kept as letters) are compared first,
    then the tones in the order ngang, huyền, hỏi, ngã, sắc, nặng.  So ``An < Ánh < Ân``,
    ``Dũng < Đào``, and Đào comes after every name whose given name starts with D.  Names that
    still tie (differing only in case or spacing) are ordered by their NFC text so the order is
    deterministic.

    Returns a tuple ``(primary, tones, text)``; compare keys only with each other.  Never
    raises: an empty name gets the smallest key.

    Source: domain.md §9 (Names: sorting does not fold).
    """
    words = [w.lower() for w in _clean_words(name)]
    text = " ".join(words)
    if not words:
        return ((), (), ()), ((), (), ()), ""
    given, family, middles = words[-1], (words[0] if len(words) > 1 else None), words[1:-1]
    ordered = [given] + middles + ([family] if family is not None else [])
    keys = [_word_keys(w) for w in ordered]
    n_mid = len(middles)

    def shape(part: int) -> tuple:
        k = [key[part] for key in keys]
        given_k = k[0]
        middle_k = tuple(k[1 : 1 + n_mid])
        family_k = (k[-1],) if family is not None else ()
        return (given_k, middle_k, family_k)

    return shape(0), shape(1), " ".join(_clean_words(name))


# sort_key_text: letter ranks of _word_keys mapped to dense 2-digit codes (order kept).  "00" is
# the separator (lowest); a letter of another script (rank 1000 + code point) is "99" followed
# by its code point on 7 digits.
_SEP = "00"
_PRIMARY_CODE = {
    0: "01",
    **{50 + i: f"{2 + i:02d}" for i in range(10)},
    **{rank: f"{12 + i:02d}" for i, rank in enumerate(sorted(_LETTER_RANK.values()))},
}


def _primary_code(rank: int) -> str:
    code = _PRIMARY_CODE.get(rank)
    if code is not None:
        return code
    if 1000 <= rank < 1000 + 10**7:
        return f"99{rank - 1000:07d}"
    raise AssertionError(f"sort rank {rank} has no text code")  # only if _word_keys changes


def _int_code(n: int) -> str:
    """A non-negative int as digits whose plain order is the numeric order (length-prefixed)."""
    digits = str(n)
    return f"{len(digits):02d}{digits}"


def _tone_code(t: int) -> str:
    # Plain tones 0..5 take one digit; a value carrying other marks (>= 768) sorts after them.
    return str(t) if 0 <= t <= 8 else "9" + _int_code(t)


def sort_key_text(name: str) -> str:
    """:func:`sort_key` written as a string of ASCII digits, for an indexed database column.

    ``sort_key_text(a) < sort_key_text(b)`` (plain character order) exactly when
    ``sort_key(a) < sort_key(b)``, and equal strings mean equal keys.  Only the digits 0–9 are
    used, so SQLite's BINARY collation, PostgreSQL's C collation and PostgreSQL's default
    linguistic collations (glibc or ICU, e.g. ``vi-VN``) all order the strings the same way;
    ``ORDER BY sort_key, id`` lists households the Vietnamese way on both databases.

    Layout (each part self-delimiting, so a difference is always met at the same place as in the
    tuple comparison): the base letters of the given name, each middle name and the family name,
    each letter a 2-digit rank (punctuation ``01``, digits ``02``–``11``, a ``12`` … đ … y ``44``,
    another script ``99`` + 7-digit code point), each word followed by the separator ``00``
    (lower than every letter, so "An" < "Anh"), ``00`` after the middle names and at the end of
    the part; then one tone digit per letter (ngang 0, huyền 1, hỏi 2, ngã 3, sắc 4, nặng 5;
    other marks ``9`` + a length-prefixed number); then the NFC text, each character as its
    code point prefixed by its number of digits.  An empty name gives ``""`` (smallest).

    Typical length: about 7 digits per letter (about 150 for "Nguyễn Thị Ngọc Hường").  Callers
    storing it in a bounded column may cut it: a cut key still never reverses an order, it can
    only make two very long names tie (then order by id).  Never raises.

    Source: domain.md §9 (Names: Vietnamese sort order; identical on SQLite and PostgreSQL).
    """
    # Built word by word (cached: names reuse a few hundred words) in exactly the shape of
    # sort_key(name) = ((given, middles, family), (tones…), text); tests compare the two orders.
    cleaned = _clean_words(name)
    if not cleaned:
        return ""
    words = [w.lower() for w in cleaned]
    given, middles = words[-1], words[1:-1]
    family = [words[0]] if len(words) > 1 else []
    out = [_word_text(w)[0] for w in (given, *middles)]
    out.append(_SEP)
    out.extend(_word_text(w)[0] for w in family)
    out.append(_SEP)
    out.extend(_word_text(w)[1] for w in (given, *middles, *family))
    out.append(_char_code(" ").join(_text_code(w) for w in cleaned))
    return "".join(out)


@lru_cache(maxsize=8192)
def _word_text(word: str) -> tuple[str, str]:
    """(letter codes + separator, tone codes) of one lower-cased word."""
    primary, tones = _word_keys(word)
    return "".join(_primary_code(r) for r in primary) + _SEP, "".join(_tone_code(t) for t in tones)


@lru_cache(maxsize=8192)
def _text_code(word: str) -> str:
    return "".join(_char_code(ch) for ch in word)


@lru_cache(maxsize=4096)
def _char_code(ch: str) -> str:
    digits = str(ord(ch))
    return f"{len(digits)}{digits}"


# --------------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------------

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
    return text[0].upper() + text[1:]


def format_money(n: int) -> str:
    """Format a whole number of đồng with dot thousands separators: 500000 → ``"500.000"``.

    Shape: ``n`` an ``int`` (an integral ``float``/``Decimal`` is accepted); negative amounts keep
    their sign (``"-500.000"``).  No currency word is added — write ``f"{format_money(n)} đồng"``.

    Raises :class:`VnValueError` if ``n`` is not a whole number.

    Source: domain.md §9 (money with dot thousands separators, "500.000 đồng").
    """
    return f"{_as_amount(n):,}".replace(",", ".")


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_DMY = re.compile(r"^([0-9]{1,2})\s*([/.\-])\s*([0-9]{1,2})\s*\2\s*([0-9]+)$")
_ISO = re.compile(
    r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$"  # an ignored time part
)
_MIN_YEAR, _MAX_YEAR = 1900, 2100
_NOT_A_DATE = "«{}» không phải là một ngày. Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/11/2026."


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def format_date(d: date) -> str:
    """Format a date as ``dd/mm/yyyy``: ``date(2026, 11, 5)`` → ``"05/11/2026"``.

    Shape: a ``date`` (or ``datetime``; the time is ignored).  Raises :class:`VnValueError` for
    anything else.

    Source: domain.md §9 (Dates dd/mm/yyyy).
    """
    if not isinstance(d, date):
        raise VnValueError(_NOT_A_DATE.format(d))
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def parse_date(raw: object) -> date:
    """Read a date the way a Vietnamese clerk writes it — day first, never month first.

    Shapes accepted: a ``date`` or ``datetime`` object (returned as a ``date``); text
    ``"dd/mm/yyyy"``, ``"d/m/yyyy"``, ``"dd-mm-yyyy"``, ``"dd.mm.yyyy"`` (day first, 4-digit year);
    ISO ``"yyyy-mm-dd"`` (optionally followed by a time, which is ignored).  Text is
    NFKC-normalised, so full-width digits work.  ``"11/25/2026"`` is *not* read as 25 November:
    month 25 is an error.

    Raises :class:`VnValueError` for empty input, any other shape (including 2-digit years and
    Excel serial numbers), a month outside 1–12, a day that does not exist in that month
    (e.g. 29/02/2025), or a year outside 1900–2100 (almost surely a typing mistake here).

    Source: domain.md §9 (Dates dd/mm/yyyy).
    """
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise VnValueError("Chưa nhập ngày. Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/11/2026.")
    if not isinstance(raw, str):
        raise VnValueError(
            f"Không đọc được ngày «{raw}». Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/11/2026 "
            "(nếu lấy từ Excel, hãy định dạng ô là Ngày hoặc Văn bản)."
        )
    text = unicodedata.normalize("NFKC", raw).strip()
    m = _DMY.match(text)
    if m:
        day, month, year_text = int(m.group(1)), int(m.group(3)), m.group(4)
        if len(year_text) != 4:
            raise VnValueError(
                f"Ngày «{raw}»: năm phải viết đủ 4 chữ số (ví dụ 05/11/2026, không viết 05/11/26)."
            )
        year = int(year_text)
    else:
        m = _ISO.match(text)
        if not m:
            raise VnValueError(
                f"Không đọc được ngày «{raw}». Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/11/2026."
            )
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise VnValueError(
            f"Ngày «{raw}»: năm {year} không hợp lệ (phải từ {_MIN_YEAR} đến {_MAX_YEAR}). "
            "Hãy kiểm tra lại năm."
        )
    if not 1 <= month <= 12:
        raise VnValueError(
            f"Ngày «{raw}»: tháng {month} không hợp lệ (tháng phải từ 1 đến 12). Ngày phải viết theo "
            "thứ tự ngày/tháng/năm, ví dụ 05/11/2026 là ngày 5 tháng 11."
        )
    last = _days_in_month(year, month)
    if not 1 <= day <= last:
        raise VnValueError(
            f"Ngày «{raw}»: tháng {month} năm {year} chỉ có {last} ngày, không có ngày {day}. "
            "Hãy kiểm tra lại ngày (viết theo thứ tự ngày/tháng/năm)."
        )
    return date(year, month, day)


def place_date_line(place: str, d: date) -> str:
    """The "place, date" line of an official document: ``"Phú Tân, ngày 05 tháng 11 năm 2026"``.

    Shapes: ``place`` the commune name (NFC, spacing normalised); ``d`` a ``date`` or ``datetime``.
    Rule (Nghị định 30/2020/NĐ-CP, Phụ lục I, phần về địa danh và thời gian ban hành văn bản): a day
    below 10 and the months 1 and 2 take a leading zero (``ngày 05``, ``tháng 01``, ``tháng 02``);
    months from 3 to 12 are written without one (``tháng 3``, ``tháng 11``).

    Raises :class:`VnValueError` if ``place`` is empty or ``d`` is not a date.

    Source: Nghị định 30/2020/NĐ-CP (công tác văn thư), Phụ lục I.
    """
    words = _clean_words(place)
    if not words:
        raise VnValueError("Chưa có địa danh (tên xã) để ghi trên văn bản. Hãy nhập tên xã, ví dụ «Phú Tân».")
    if not isinstance(d, date):
        raise VnValueError(_NOT_A_DATE.format(d))
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"{' '.join(words)}, ngày {d.day:02d} tháng {month} năm {d.year}"


# --------------------------------------------------------------------------------------------
# IMEI
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Masking (personal data shown where the public can see it: Nghị định 13/2023/NĐ-CP)
# --------------------------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """Mask a name for public display: ``"Nguyễn Văn Hùng"`` → ``"Nguyễn V. H***"``.

    The family name (first word) is kept; each middle name becomes its initial and a dot; the
    given name (last word) becomes its first letter and ``***``.  A one-word name becomes its
    first letter and ``***``.  Input is NFC-normalised and spacing collapsed; an empty or
    ``None`` name gives ``""``.  Never raises.

    Source: domain.md §9 (mask personal data where the public can see it; Nghị định 13/2023/NĐ-CP).
    """
    words = _clean_words(name)
    if not words:
        return ""
    given = words[-1][0] + "***"
    if len(words) == 1:
        return given
    return " ".join([words[0]] + [w[0] + "." for w in words[1:-1]] + [given])


def _mask_tail(value: object, keep: int) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _SEPARATORS.sub("", text)
    if len(text) <= keep:
        return "*" * len(text)
    return "*" * (len(text) - keep) + text[-keep:]


def mask_id(value: str) -> str:
    """Mask a citizen ID for display: every character but the last 4 becomes ``*``.

    ``"082012345678"`` → ``"********5678"``.  Separators are removed first (NFKC).  A value of
    4 characters or fewer is masked entirely, so a short value is never shown whole; empty or
    ``None`` gives ``""``.  Never raises.

    Source: domain.md §9 (mask personal data where the public can see it; Nghị định 13/2023/NĐ-CP).
    """
    return _mask_tail(value, 4)


def mask_phone(value: str) -> str:
    """Mask a phone number for display: every character but the last 3 becomes ``*``.

    ``"0912345678"`` → ``"*******678"``.  Separators are removed first (NFKC).  A value of
    3 characters or fewer is masked entirely; empty or ``None`` gives ``""``.  Never raises.

    Source: domain.md §9 (mask personal data where the public can see it; Nghị định 13/2023/NĐ-CP).
    """
    return _mask_tail(value, 3)
