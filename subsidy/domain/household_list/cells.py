"""One cell of a list row → the value stored: household code, ID digits, phone, birth year,
sex, members, x marks, hamlet and address.

Cells arrive as openpyxl / csv give them (``None``, ``str``, ``int``, ``float``, ``Decimal``,
``datetime``).  Every reader raises :class:`vn.VnValueError` with a Vietnamese message that says
what is wrong and how to fix it in the file.  Source: domain.md §9 (CCCD, phone, names, dates
dd/mm/yyyy); shared/data/README.md (number cells, scientific notation in real lists).
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from typing import Any

from subsidy.domain import vn
from subsidy.domain.household_list.header import normalize_label
from subsidy.domain.places import normalize_hamlet

_GENDER = {
    "nam": "M", "m": "M", "male": "M", "trai": "M",
    "nu": "F", "f": "F", "female": "F", "gai": "F",
}
_MARKS = {"x", "X", "\u00d7"}  # x, X and the × that autocorrect makes of an x

_SCI_TEXT = re.compile(r"^[+-]?[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+$")
_DECIMAL_TEXT = re.compile(r"^([0-9]+)[.,]([0-9]{1,2}|[0-9]{4,})$")


def blank(value: Any) -> bool:
    """True for an empty cell: ``None`` or text of only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as display text (for messages and folded tests): ``None`` → ``""``, a whole float
    without its ``.0`` (``1950.0`` → ``"1950"``), anything else ``str()`` and stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _sci_message(what: str, shown: str, length_hint: str, sure: bool = True) -> str:
    how = "đã bị Excel đổi sang dạng số mũ" if sure else "có vẻ đã qua dạng số mũ của Excel"
    lost = "đã mất" if sure else "có thể đã mất"
    return (
        f"{what} «{shown}» {how} (số thực) nên {lost} các chữ số cuối; không nhận số này. Hãy "
        f"định dạng cột {what} là Văn bản (Text) và nhập lại {length_hint} theo giấy tờ gốc."
    )


#: Shortest and longest household code accepted (``households.code`` is VARCHAR(32)).
CODE_MIN_LENGTH = 4
CODE_MAX_LENGTH = 32
_CODE_CHAR = re.compile(r"[0-9A-Za-z./_-]")
# Fast path (every code of a real list): the whole rule below in one match, plus a non-zero digit.
_CODE_FAST = re.compile(r"[0-9A-Za-z][0-9A-Za-z./_-]{%d,%d}[0-9A-Za-z]" % (CODE_MIN_LENGTH - 2, CODE_MAX_LENGTH - 2))
_NONZERO_DIGIT = re.compile(r"[1-9]")
_CODE_HOW = (
    "Mã hộ chỉ gồm chữ số, chữ cái không dấu (A–Z) và dấu chấm (.), gạch ngang (-), gạch chéo (/), "
    "gạch dưới (_), từ {lo} đến {hi} ký tự, ví dụ 8250419218 hoặc PH-012. Hãy chép lại mã hộ đúng "
    "như trong danh sách rà soát hộ nghèo, hộ cận nghèo."
).format(lo=CODE_MIN_LENGTH, hi=CODE_MAX_LENGTH)


def normalize_household_code(raw: str | None) -> str:
    """Return a household code (mã hộ) as stored, after checking that it can be one.

    The one rule for every path that stores a code: the household form (manual entry) calls it
    with the text typed; the list import calls it with the cell's text after :func:`id_digits`
    (which deals with Excel number cells and scientific notation first).

    Shape: text; NFKC (full-width ``８２５`` → ``825``), every space removed (``"82 504 19218"`` →
    ``"8250419218"``); letters keep their case.  Accepted (decided here, lenient about how other
    communes number their households — the sample lists use 10 digits, but no format is
    required): ASCII letters, digits, ``.`` ``-`` ``/`` ``_``; beginning and ending with a letter or
    digit; at least one digit; :data:`CODE_MIN_LENGTH` (4) to :data:`CODE_MAX_LENGTH` (32)
    characters; not only zeros.  So ``8250419218``, ``PH-012``, ``01/2025/PT``, ``HN.0042`` pass;
    ``X1`` and ``123`` (too short to tell a household from a row number or a stray cell), ``<b>``
    (a character no code has), ``Nam`` (no digit: most likely a cell from another column),
    ``0000`` (a placeholder) and a code longer than 32 characters do not.  Letters with
    Vietnamese marks are refused so that a code typed by hand can also be matched by next
    year's import.

    Raises :class:`vn.VnValueError` with a Vietnamese message saying what is wrong and how to
    write a code.  Source: the household code is the key an import matches on;
    shared/data/README.md (codes in the sample lists).
    """
    text = unicodedata.normalize("NFKC", raw or "") if isinstance(raw, str) else cell_text(raw)
    code = "".join(text.split())
    if _CODE_FAST.fullmatch(code) and _NONZERO_DIGIT.search(code):
        return code
    if not code:
        raise vn.VnValueError(
            "Chưa nhập mã hộ. Hãy chép mã hộ từ danh sách rà soát hộ nghèo, hộ cận nghèo, ví dụ 8250419218."
        )
    shown = vn.echo(code)
    bad = next((ch for ch in code if not _CODE_CHAR.fullmatch(ch)), None)
    if bad is not None:
        if not bad.isprintable():
            what = f"ký tự ẩn U+{ord(bad):04X}"
        elif bad.isalpha():
            what = f"chữ «{bad}» (chữ có dấu hoặc không phải chữ cái A–Z)"
        else:
            what = f"ký tự «{bad}»"
        raise vn.VnValueError(f"Mã hộ «{shown}» có {what}, không dùng trong mã hộ. {_CODE_HOW}")
    if len(code) > CODE_MAX_LENGTH:
        raise vn.VnValueError(
            f"Mã hộ «{shown}» dài {len(code)} ký tự, quá {CODE_MAX_LENGTH} ký tự. Có thể đã dán nhầm "
            f"nhiều ô vào một. {_CODE_HOW}"
        )
    if not (code[0].isalnum() and code[-1].isalnum()):
        raise vn.VnValueError(
            f"Mã hộ «{code}» bắt đầu hoặc kết thúc bằng dấu (. - / _): mã hộ phải bắt đầu và kết thúc "
            f"bằng chữ số hoặc chữ cái. {_CODE_HOW}"
        )
    if len(code) < CODE_MIN_LENGTH:
        raise vn.VnValueError(
            f"Mã hộ «{code}» chỉ có {len(code)} ký tự, quá ngắn để là mã của một hộ (có thể là số thứ "
            f"tự STT chứ không phải mã hộ). {_CODE_HOW}"
        )
    if not any("0" <= ch <= "9" for ch in code):
        raise vn.VnValueError(
            f"Mã hộ «{code}» không có chữ số nào, nên không giống một mã hộ (có thể đã ghi nhầm họ tên, "
            f"tên ấp hay ghi chú vào ô Mã hộ). {_CODE_HOW}"
        )
    if set(code) <= set("0./_-"):
        raise vn.VnValueError(
            f"Mã hộ «{code}» toàn chữ số 0, là mã điền tạm chứ không phải mã của một hộ. {_CODE_HOW}"
        )
    return code


def id_digits(value: Any, what: str, length_hint: str) -> str:
    """The text of an ID cell (CCCD, phone, household code) — never through a lossy float.

    * ``int`` (an Excel number cell): its digits, unless it ends in five or more zeros, the mark
      of a number that went through scientific notation (8.2E+11 → 820000000000).
    * ``float`` / ``Decimal``: accepted only when whole (``82038597382.0``), with the same
      trailing-zero test; a fraction is refused.
    * text: ``"8.2E+11"`` / ``"8,2E+11"`` refused; ``"82038597382.0"`` read as its whole part;
      ``"82038597382.5"`` refused; anything else is returned stripped for the caller's checks.

    Raises :class:`vn.VnValueError` with a Vietnamese reason.  Source: domain.md §9 (CCCD: 12 digits, kept as text).
    """
    if value.__class__ is str and value.isascii() and value.isdigit():
        return value  # the usual text cell, already only digits: every check below would pass it
    if value is None:
        return ""
    if isinstance(value, bool):
        raise vn.VnValueError(f"{what} «{value}» không phải là một dãy chữ số.")
    if isinstance(value, (float, Decimal)):
        if isinstance(value, float) and not math.isfinite(value):
            raise vn.VnValueError(f"{what} «{value}» không phải là một dãy chữ số.")
        if value != int(value):
            raise vn.VnValueError(
                f"{what} «{value}» là số thực có phần thập phân, không phải một dãy chữ số; "
                f"không nhận số này. Hãy định dạng cột {what} là Văn bản (Text) và nhập lại "
                f"{length_hint}."
            )
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            raise vn.VnValueError(f"{what} «{value}» không phải là một dãy chữ số.")
        digits = str(value)
        if len(digits) >= 7 and digits.endswith("00000"):
            shown = f"{value:.6G}".replace("E+0", "E+")
            raise vn.VnValueError(_sci_message(what, shown, length_hint, sure=False))
        return digits
    if isinstance(value, (dt.date, dt.datetime)):
        raise vn.VnValueError(
            f"{what} «{cell_text(value)}» đang ở dạng ngày tháng. Hãy định dạng cột {what} là Văn bản "
            f"(Text) và nhập lại {length_hint}."
        )
    text = unicodedata.normalize("NFKC", str(value)).strip()
    compact = text.replace(" ", "")
    if _SCI_TEXT.match(compact):
        raise vn.VnValueError(_sci_message(what, text, length_hint))
    m = _DECIMAL_TEXT.match(compact)
    if m:
        if set(m.group(2)) != {"0"}:
            raise vn.VnValueError(
                f"{what} «{text}» là số thực có phần thập phân, không phải một dãy chữ số; không "
                f"nhận số này. Hãy định dạng cột {what} là Văn bản (Text) và nhập lại {length_hint}."
            )
        return m.group(1)
    return text


# A name cell as stored (vn.normalize_name, the rule of the household form; raises
# vn.VnValueError).  A list repeats its names (a family name, a middle name and a given name out
# of a few hundred each; members and heads alike): each text is checked once while it stays
# among the last 16,384 asked (a few MB at most).
_name_of_text = lru_cache(maxsize=16384)(vn.normalize_name)


def parse_name(value: Any) -> str:
    """A person's name cell as stored: :func:`vn.normalize_name` of it (NFC, single spaces, case
    of a name typed all in capitals or all in lower case), a text cell answered from a bounded
    cache of the texts already read.  Raises :class:`vn.VnValueError` (normalize_name's
    messages).  Source: domain.md §9 (Names)."""
    if value.__class__ is str:
        return _name_of_text(value)
    return vn.normalize_name(value)


# A hamlet cell as stored (places.normalize_hamlet; raises vn.VnValueError).  Hamlet cells repeat
# a handful of names over thousands of rows: normalise each text once.
parse_hamlet = lru_cache(maxsize=4096)(normalize_hamlet)


#: vn.MOBILE_SECOND_DIGITS, bound here for parse_phone's per-cell shortcut.
_MOBILE_SECOND = vn.MOBILE_SECOND_DIGITS


def parse_phone(value: Any) -> str:
    """A phone cell as stored: 10 digits starting 03/05/07/08/09 (:func:`vn.normalize_phone`, the
    rule of the household form), after the ID checks of :func:`id_digits` (no float, no
    scientific notation).

    Shapes accepted: an Excel number cell (``912345678`` → its lost leading 0 is put back:
    ``"0912345678"``; ``84912345678`` → ``"0912345678"``), and text as a person writes it:
    ``"0912 345 678"``, ``"0912.345.678"``, ``"+84 912 345 678"``, ``"84912345678"``,
    ``"0084912345678"``, ``"(+84) 912-345-678"``.  A value of only digits and separators that is
    one digit short and does not start with 0 gets its 0 back (:func:`vn.restore_leading_zeros`).

    Raises :class:`vn.VnValueError` with the reason (normalize_phone's messages).
    Source: domain.md §9 (Phone).
    """
    # The two shapes nearly every cell has, answered at once (the checks below would return them
    # unchanged): ten ASCII digits 0[35789]…, and a number cell that lost its leading 0.
    cls = value.__class__
    if cls is str:
        if len(value) == 10 and value[0] == "0" and value[1] in _MOBILE_SECOND and value.isascii() and value.isdigit():
            return value
    elif cls is int and 300_000_000 <= value < 1_000_000_000 and value % 100_000:
        text = str(value)
        if text[0] in _MOBILE_SECOND:
            return "0" + text
    text = id_digits(value, "Số điện thoại", "đủ 10 chữ số")
    try:
        digits = vn.normalize_digits(text, "Số điện thoại")
    except vn.VnValueError:
        digits = None  # "+84 …", "(091) …": normalize_phone reads those
    if digits is not None and len(digits) == 9:
        text = vn.restore_leading_zeros(digits, 10)
    return vn.normalize_phone(text)


def clean_place(value: Any) -> str:
    """A hamlet or address: NFC, single spaces; text in capitals becomes title case."""
    words = unicodedata.normalize("NFC", cell_text(value)).split()
    text = " ".join(words)
    if text.isupper():
        text = unicodedata.normalize("NFC", " ".join(w.title() for w in words))
    return text


#: The earliest birth year taken (a year before it is a typing mistake: "1800", "0975").
EARLIEST_BIRTH_YEAR = 1880
_BIRTH_HOW = "ghi năm sinh 4 chữ số (ví dụ 1975) hoặc ngày sinh dạng ngày/tháng/năm (ví dụ 22/04/1964)"
# Text shaped like a date (day, month, year parted by / - . , or ISO): its mistakes are a date's
# (month 22, 31/02, a 2-digit year), worded by vn.parse_date; anything else is no year at all.
_DATE_SHAPED = re.compile(r"[0-9]{1,4}\s*[/.\-]\s*[0-9]{1,2}\s*[/.\-]\s*[0-9]+(?:[ T].*)?")


def birth_year_range_message(shown: str, year: int, this_year: int) -> str | None:
    """Why ``year`` (read from ``shown``, as typed) is no person's birth year, or None: before
    :data:`EARLIEST_BIRTH_YEAR` or after ``this_year``. The one wording of the range (the import's
    cells and the household form)."""
    if year > this_year:
        return (f"Năm sinh «{shown}» là năm {year}, sau năm nay ({this_year}). Hãy kiểm tra lại: "
                f"{_BIRTH_HOW}, năm từ {EARLIEST_BIRTH_YEAR} đến {this_year}.")
    if year < EARLIEST_BIRTH_YEAR:
        return (f"Năm sinh «{shown}» là năm {year}, trước năm {EARLIEST_BIRTH_YEAR}: chắc là gõ nhầm. Hãy "
                f"{_BIRTH_HOW}, năm từ {EARLIEST_BIRTH_YEAR} đến {this_year}.")
    return None


def head_birth_year_message(year: int, this_year: int) -> str | None:
    """Why ``year`` cannot be the birth year of a household's head, or None.

    A person's birth year (:func:`birth_year_range_message`: 1880 to ``this_year``), and for the
    head **before** ``this_year``: a child born this year heads no household.  domain.md says
    nothing of the head's age, and Luật Cư trú 2020 (Điều 10) lets the members choose a head
    without full civil capacity when none of them has it, so no adult age is required; a head
    born in the current year is the one birth year no household can have. Members keep the
    person's range (a baby born this year is a member). Shared by the household form, the list
    import and every other way a head is recorded."""
    problem = birth_year_range_message(str(year), year, this_year)
    if problem is not None:
        return problem
    if year >= this_year:
        return (f"Năm sinh của chủ hộ là {year}, tức là năm nay: trẻ mới sinh không thể là chủ hộ. Hãy kiểm "
                f"tra lại năm sinh (chủ hộ phải sinh trước năm {this_year}), hoặc nếu đây là năm sinh của một "
                "thành viên khác, hãy ghi đúng người là chủ hộ.")
    return None


def parse_birth_year(value: Any, this_year: int) -> int | None:
    """Birth year from a year (1950, "1950", 1950.0) or a date (a date cell, "22/04/1964",
    "1964-04-22"; day first, never month first).  Empty gives ``None``.

    Raises :class:`vn.VnValueError` for anything else or a year outside 1880–``this_year``; the
    message says what was expected (a year like 1975, or a date dd/mm/yyyy), and for text shaped
    like a date what is wrong with it as a date (month 22, 31/02, a year of 2 digits).
    Source: domain.md §9 (dates dd/mm/yyyy).
    """
    if blank(value):
        return None
    year: int | None = None
    if isinstance(value, (dt.date, dt.datetime)):
        year = value.year
    elif isinstance(value, bool):
        year = None
    elif isinstance(value, int):
        year = value
    elif isinstance(value, (float, Decimal)):
        if value == int(value):
            year = int(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if re.fullmatch(r"[0-9]{4}", text):
            year = int(text)
        elif re.fullmatch(r"[0-9]{4}\.0", text):
            year = int(text[:4])
        elif _DATE_SHAPED.fullmatch(text):
            try:
                year = vn.parse_date(text).year
            except vn.VnValueError as err:
                raise vn.VnValueError(f"Năm sinh đọc như ngày sinh: {err} Cũng có thể chỉ ghi năm sinh 4 chữ số, "
                                      "ví dụ 1975.") from err
    shown = vn.echo(cell_text(value))
    if year is None:
        raise vn.VnValueError(f"Năm sinh «{shown}» không đọc được: hãy {_BIRTH_HOW}.")
    problem = birth_year_range_message(shown, year, this_year)
    if problem is not None:
        raise vn.VnValueError(problem)
    return year


def parse_birth(value: Any, this_year: int) -> tuple[dt.date | None, int | None]:
    """A person's birth as ``(date, year)``: a date cell or a written date ("22/04/2015") gives
    both, a year (2015, "2015", 2015.0) only the year, an empty cell ``(None, None)``.

    Raises :class:`vn.VnValueError` as :func:`parse_birth_year` does.  Source: domain.md §9
    (dates dd/mm/yyyy)."""
    year = parse_birth_year(value, this_year)
    if year is None:
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), year
    if isinstance(value, dt.date):
        return value, year
    if isinstance(value, str) and not re.fullmatch(r"\s*[0-9]{4}(\.0)?\s*", unicodedata.normalize("NFKC", value)):
        return vn.parse_date(unicodedata.normalize("NFKC", value).strip()), year
    return None, year


def parse_person_id(value: Any, birth_year: int | None, gender: str | None) -> tuple[str, str, str | None]:
    """A personal ID cell (CCCD, or a legacy 9-digit CMND) as ``(digits, kind, warning)``: read
    through :func:`id_digits` (no lossy float), a leading zero Excel dropped put back, then
    checked by :func:`vn.check_citizen_id` against the person's birth year and sex (a mismatch is
    the ``warning`` the clerk confirms, ``None`` when there is none).  The same rule for the head
    and every member.  Raises :class:`vn.VnValueError`.  Source: domain.md §9 (CCCD)."""
    digits = id_digits(value, "Số CCCD", "đủ 12 chữ số")
    if len(digits) != 12:
        digits = vn.restore_leading_zeros(digits, 12)
    if len(digits) == 12 and digits.isascii() and digits.isdigit() and _cccd_head_clean(digits[:6], birth_year, gender):
        return digits, "cccd", None
    check = vn.check_citizen_id(digits, birth_year, gender)
    return check.value, check.kind, " ".join(check.warnings) or None


@lru_cache(maxsize=4096, typed=True)
def _cccd_head_clean(head: str, birth_year: int | None, gender: str | None) -> bool:
    """Whether :func:`vn.check_citizen_id` accepts a CCCD of 12 ASCII digits starting ``head``
    (province, sex and century digit, year of birth) for this birth year and sex, without a
    warning.  The check reads nothing of such a number past its sixth digit (the serial is not
    checked, and 12 ASCII digits are stored as they are), so its verdict is the same for every
    number with this head: a list checks tens of thousands of IDs over a few hundred heads, each
    asked of the check once.  Only a clean verdict is used (any other number goes through the
    whole check for its own message or warning); a clean verdict never goes stale, since only a
    birth year in the future is refused and the years only move on.  Never raises."""
    probe = head + "000000"
    try:
        check = vn.check_citizen_id(probe, birth_year, gender)
    except vn.VnValueError:
        return False
    return check.value == probe and check.kind == "cccd" and not check.warnings


#: The spellings nearly every row uses, answered without folding (a list of 67,000 person rows
#: reads the sex cell 67,000 times).
_GENDER_FAST = {"Nam": "M", "nam": "M", "NAM": "M", "Nữ": "F", "nữ": "F", "NỮ": "F", "M": "M", "F": "F"}


def parse_gender(value: Any) -> str | None:
    """``"M"``, ``"F"`` or ``None`` (empty cell) from "Nam" / "Nữ" and their usual spellings
    (folded: "NỮ", "nu", "Male", "gái" …).  Raises :class:`vn.VnValueError` for anything else."""
    if value.__class__ is str and value in _GENDER_FAST:
        return _GENDER_FAST[value]
    if blank(value):
        return None
    key = normalize_label(cell_text(value))
    if key in _GENDER:
        return _GENDER[key]
    raise vn.VnValueError(f"Giới tính «{cell_text(value)}» không rõ: ghi Nam hoặc Nữ.")


def parse_members(value: Any) -> int:
    """The number of people in the household, a whole number 1–99 (a number cell, ``3.0`` or
    ``"3"``).  Raises :class:`vn.VnValueError` when empty or anything else."""
    if blank(value):
        raise vn.VnValueError("Chưa ghi số nhân khẩu. Hãy ghi số người trong hộ (ít nhất 1).")
    n: int | None = None
    if isinstance(value, bool):
        n = None
    elif isinstance(value, int):
        n = value
    elif isinstance(value, (float, Decimal)):
        n = int(value) if value == int(value) else None
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if re.fullmatch(r"[0-9]{1,3}(\.0)?", text):
            n = int(float(text))
    if n is None or not 1 <= n <= 99:
        raise vn.VnValueError(
            f"Số nhân khẩu «{cell_text(value)}» không hợp lệ: phải là số nguyên từ 1 đến 99."
        )
    return n


def parse_mark(value: Any, column: str) -> bool:
    """A mark column (Nghèo, Cận nghèo, Người có công …): True for ``x``, ``X`` or ``×``, False
    for an empty cell.  ``column`` names the column in the message.  Raises
    :class:`vn.VnValueError` for any other content."""
    if value is None:
        return False
    if value in _MARKS:
        return True
    if blank(value):
        return False
    if isinstance(value, str) and value.strip() in _MARKS:
        return True
    raise vn.VnValueError(
        f"Dấu «{cell_text(value)}» ở cột {column} không hợp lệ: đánh dấu bằng chữ x, hoặc để trống."
    )

