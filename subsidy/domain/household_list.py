"""Reading the commune's poor / near-poor household list as it arrives (Excel or CSV).

Pure Python (standard library and :mod:`subsidy.domain.vn` only): no Flask, no SQLAlchemy, no
file I/O.  The importer (``subsidy.services.importer``) opens the file and feeds the rows here as
tuples of cell values (``None``, ``str``, ``int``, ``float``, ``datetime``, …); this module

* finds the table header, even two rows deep with merged group cells ("Phân loại hộ" over
  "Nghèo" / "Cận nghèo"), by matching folded column names and their usual variants
  (:func:`find_header`);
* reads the list year from a title such as "DANH SÁCH HỘ NGHÈO … NĂM 2025" (:func:`find_list_year`);
* turns each following row into a normalised :class:`HouseholdRecord`, a list of Vietnamese
  error messages, or a skip reason for blank, total and signature rows (:class:`RowParser`);
* flags duplicate household codes and CCCDs inside the file (:func:`mark_file_duplicates`).

Sources: issue 2 item 9; shared/data/README.md (what real lists look like); domain.md §9
(CCCD, phone, names, dates dd/mm/yyyy); Nghị định 07/2021/NĐ-CP (poor / near-poor categories).
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable, Sequence

from subsidy.domain import vn
from subsidy.domain.places import normalize_hamlet

__all__ = [
    "ListFormatError",
    "Header",
    "HouseholdRecord",
    "RowResult",
    "RowParser",
    "COLUMN_LABELS",
    "normalize_label",
    "find_header",
    "find_list_year",
    "mark_file_duplicates",
    "normalize_household_code",
    "CODE_MIN_LENGTH",
    "CODE_MAX_LENGTH",
    "household_search_text",
    "search_tokens",
]

#: How far down the sheet the header may sit (title blocks, blank lines…).
HEADER_SEARCH_ROWS = 30


class ListFormatError(ValueError):
    """The file as a whole cannot be read as a household list; the message is Vietnamese."""


# --------------------------------------------------------------------------------------------
# Column names
# --------------------------------------------------------------------------------------------

#: Field -> the folded column names that mean it (accents, case and punctuation ignored).
_ALIASES: dict[str, tuple[str, ...]] = {
    "stt": ("stt", "tt", "so tt", "so thu tu", "thu tu"),
    "code": ("ma ho", "ma so ho", "ma ho gia dinh", "ma hgd", "ma ho ngheo", "ma so ho gia dinh"),
    "head_name": (
        "ho va ten chu ho", "ho ten chu ho", "ten chu ho", "chu ho", "ho va ten", "ho ten",
        "ho va ten chu ho gia dinh", "ho ten chu ho gia dinh",
    ),
    "birth_year": (
        "nam sinh", "ngay sinh", "ngay thang nam sinh", "nam sinh chu ho", "ngay sinh chu ho",
        "ngay thang nam sinh chu ho",
    ),
    "gender": ("gioi tinh", "gioi", "nam nu", "gioi tinh nam nu"),
    "citizen_id": (
        "so cccd", "cccd", "so dinh danh", "so dinh danh ca nhan", "so cccd cmnd", "cccd cmnd",
        "so cmnd cccd", "cmnd cccd", "so can cuoc", "so can cuoc cong dan", "so the can cuoc",
        "so cccd chu ho", "so dinh danh ca nhan chu ho",
    ),
    "hamlet": (
        "ap", "thon", "ap khu pho", "khu pho", "ap thon", "thon ap", "to dan pho", "thon xom",
        "xom", "ap to", "ten ap", "ten thon", "thon to dan pho",
    ),
    "address": ("dia chi", "noi o", "noi o hien nay", "dia chi thuong tru"),
    "members": ("so nhan khau", "nhan khau", "so khau", "so thanh vien", "so nguoi", "so nguoi trong ho"),
    "category": ("phan loai ho", "phan loai", "loai ho", "phan loai ho ngheo can ngheo"),
    "poor": ("ngheo", "ho ngheo"),
    "near_poor": ("can ngheo", "ho can ngheo"),
    "meritorious": (
        "nguoi co cong", "co cong", "gia dinh nguoi co cong", "ho co nguoi co cong",
        "nguoi co cong voi cach mang", "gia dinh co cong", "gd nguoi co cong", "ncc",
    ),
    "social_policy": (
        "chinh sach xh", "chinh sach xa hoi", "gia dinh chinh sach", "gia dinh chinh sach xa hoi",
        "chinh sach", "gd chinh sach", "ho chinh sach", "gd chinh sach xh", "csxh",
    ),
    "phone": ("so dien thoai", "dien thoai", "sdt", "so dt", "dt", "dien thoai lien he", "so dien thoai lien he"),
}
_LABEL_TO_FIELD: dict[str, str] = {alias: f for f, aliases in _ALIASES.items() for alias in aliases}

#: Field -> the name the clerk knows, for messages and the preview.
COLUMN_LABELS: dict[str, str] = {
    "stt": "STT",
    "code": "Mã hộ",
    "head_name": "Họ và tên chủ hộ",
    "birth_year": "Năm sinh",
    "gender": "Giới tính",
    "citizen_id": "Số CCCD",
    "hamlet": "Ấp",
    "address": "Địa chỉ",
    "members": "Số nhân khẩu",
    "category": "Phân loại hộ",
    "poor": "Nghèo",
    "near_poor": "Cận nghèo",
    "meritorious": "Người có công",
    "social_policy": "Chính sách XH",
    "phone": "Số điện thoại",
}

_PARENS = re.compile(r"\([^)]*\)")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_label(value: Any) -> str:
    """A header cell as a comparable key: folded (no case, no accents, đ → d), text in
    parentheses dropped, punctuation as spaces.  ``"Ấp, khu phố"`` → ``"ap khu pho"``;
    ``"Số CCCD (12 số)"`` → ``"so cccd"``.  Non-text cells give ``""``."""
    if not isinstance(value, str):
        return ""
    text = vn.fold(value)
    text = _PARENS.sub(" ", text)
    return " ".join(_NON_ALNUM.sub(" ", text).split())


@dataclass(frozen=True)
class Header:
    """Where the table starts and which column holds which field.

    ``first_row`` / ``last_row``: 1-based row numbers of the header (equal for a one-row header);
    ``columns``: field name -> 0-based column index; ``category_mode``: ``"marks"`` (two mark
    columns Nghèo / Cận nghèo) or ``"text"`` (one column "Phân loại hộ").
    """

    first_row: int
    last_row: int
    columns: dict[str, int]
    category_mode: str


def _label_fields(row: Sequence[Any]) -> tuple[dict[int, str], int]:
    """{column index: field} for the cells of ``row`` that are known column names, and the count
    of non-empty cells that are not."""
    found: dict[int, str] = {}
    unknown = 0
    for i, cell in enumerate(row):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        f = _LABEL_TO_FIELD.get(normalize_label(cell))
        if f is None:
            unknown += 1
        else:
            found[i] = f
    return found, unknown


def find_header(rows: Sequence[Sequence[Any]], first_row_number: int = 1) -> Header:
    """Find the table header among ``rows`` (the first rows of the sheet, top to bottom).

    A header row names the head of household and at least three other known columns.  The row
    under it is a second header row when every non-empty cell in it is a known column name
    (e.g. "Nghèo", "Cận nghèo", "Người có công", "Chính sách XH" under merged group cells); its
    names win over the group name above them.  ``first_row_number`` is the sheet row number of
    ``rows[0]``.

    Raises :class:`ListFormatError` (Vietnamese) when no header is found, or when a required
    column is missing: head's name, hamlet, the category (one text column or the two mark
    columns), and the household code or the CCCD (at least one, to match existing households).
    """
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found, _unknown = _label_fields(row)
        fields = set(found.values())
        if "head_name" not in fields or len(fields) < 4:
            continue
        columns: dict[str, int] = {}
        for col, f in sorted(found.items()):
            columns.setdefault(f, col)
        last = i
        if i + 1 < len(rows):
            sub, sub_unknown = _label_fields(rows[i + 1])
            if sub and not sub_unknown:
                last = i + 1
                for col, f in sorted(sub.items()):
                    # The sub-header's name wins over a group name above it.
                    for k in [k for k, c in columns.items() if c == col]:
                        del columns[k]
                    if f not in columns:
                        columns[f] = col
        if "poor" in columns or "near_poor" in columns:
            mode = "marks"
            columns.pop("category", None)
        else:
            mode = "text"
        missing = []
        if "head_name" not in columns:
            missing.append(COLUMN_LABELS["head_name"])
        if "hamlet" not in columns:
            missing.append(COLUMN_LABELS["hamlet"] + " (hoặc Thôn)")
        if mode == "marks" and not ("poor" in columns and "near_poor" in columns):
            missing.append("cả hai cột Nghèo và Cận nghèo")
        if mode == "text" and "category" not in columns:
            missing.append("Phân loại hộ (hoặc hai cột Nghèo / Cận nghèo)")
        if "code" not in columns and "citizen_id" not in columns:
            missing.append("Mã hộ hoặc Số CCCD")
        if missing:
            raise ListFormatError(
                f"Dòng tiêu đề (dòng {first_row_number + i}) thiếu cột: {', '.join(missing)}. "
                "Hãy thêm các cột này vào bảng (tên cột như trong mẫu danh sách) rồi nhập lại."
            )
        return Header(first_row_number + i, first_row_number + last, columns, mode)
    raise ListFormatError(
        f"Không tìm thấy dòng tiêu đề của bảng trong {HEADER_SEARCH_ROWS} dòng đầu của tệp. "
        "Bảng cần có các cột: Mã hộ, Họ và tên chủ hộ, Năm sinh, Giới tính, Số CCCD, Ấp, "
        "Số nhân khẩu, Phân loại hộ (hoặc hai cột Nghèo / Cận nghèo), Số điện thoại."
    )


_YEAR_IN_TEXT = re.compile(r"\bnam (\d{4})\b")


def find_list_year(rows: Iterable[Sequence[Any]]) -> int | None:
    """The list year written in the title above the table ("… NĂM 2025"), or ``None``.

    A cell that also says "danh sách" wins; otherwise the first "năm YYYY" that is not part of a
    date line ("ngày … tháng … năm …").  Years outside 2000–2100 are ignored.
    """
    fallback: int | None = None
    for row in rows:
        for cell in row:
            if not isinstance(cell, str):
                continue
            folded = vn.fold(cell)
            m = _YEAR_IN_TEXT.search(folded)
            if not m or not 2000 <= int(m.group(1)) <= 2100:
                continue
            if "danh sach" in folded:
                return int(m.group(1))
            if fallback is None and "ngay" not in folded and "thang" not in folded:
                fallback = int(m.group(1))
    return fallback


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class HouseholdRecord:
    """One household as read from a row, normalised as it will be stored.

    ``meritorious`` / ``social_policy`` are ``None`` when the file has no such column (the
    stored value is then left alone); ``members`` is ``None`` when the file has no such column.
    """

    code: str | None
    head_name: str
    head_birth_year: int | None
    head_gender: str | None
    citizen_id: str | None
    citizen_id_kind: str | None
    citizen_id_warning: str | None
    hamlet: str
    members: int | None
    category: str
    meritorious: bool | None
    social_policy: bool | None
    phone: str | None
    address: str | None


@dataclass(slots=True)
class RowResult:
    """What one row of the file is: a household (``record``), an error, or a skipped row."""

    number: int
    record: HouseholdRecord | None = None
    errors: list[str] = field(default_factory=list)
    skip_reason: str | None = None
    # Raw text of the head's name and code (for the preview of an error row).
    raw_name: str | None = None
    raw_code: str | None = None
    # The household code and CCCD as read, even when another cell of the row is wrong (so that
    # duplicates are found among every row, not only the valid ones).
    code: str | None = None
    citizen_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.record is not None and not self.errors


# "Tổng cộng: 180 hộ", "Tổng số", "Tổng:", "Cộng:", "Cộng ấp Phú Hòa" (not the surname Tống).
_TOTAL = re.compile(r"^(tong cong|tong so|tong\s*[:.]|cong\s*[:.]|cong\s+(ap|thon|khu|to|xom)\b)")
_SIGNATURE_MARKERS = (
    "nguoi lap", "chu tich", "ky ten", "ghi ro ho ten", "xac nhan", "truong ap", "truong thon",
    "can bo", "thu truong", "nguoi duyet", "ke toan", "cong chuc", "uy ban nhan dan", "ubnd",
    "giam doc", "dong dau",
)
_DATE_LINE = re.compile(r"ngay\s*\S*\s*thang\s*\S*\s*nam")
_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2})\)?$")

_GENDER = {
    "nam": "M", "m": "M", "male": "M", "trai": "M",
    "nu": "F", "f": "F", "female": "F", "gai": "F",
}
_CATEGORY_TEXT = {
    "ho ngheo": "poor", "ngheo": "poor", "hn": "poor", "poor": "poor",
    "ho can ngheo": "near_poor", "can ngheo": "near_poor", "hcn": "near_poor",
    "near poor": "near_poor", "near_poor": "near_poor",
}
_MARKS = {"x", "X", "\u00d7"}  # x, X and the × that autocorrect makes of an x

_SCI_TEXT = re.compile(r"^[+-]?[0-9]+(?:[.,][0-9]+)?[eE][+-]?[0-9]+$")
_DECIMAL_TEXT = re.compile(r"^([0-9]+)[.,]([0-9]{1,2}|[0-9]{4,})$")
_CODE_OK = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./_-]*$")
_SPACES = re.compile(r"\s+")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    """A cell as display text (for messages and folded tests)."""
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
    write a code.  Source: issue 2 item 9 (the household code is the key an import matches on);
    shared/data/README.md (codes in the sample lists).
    """
    text = unicodedata.normalize("NFKC", raw or "") if isinstance(raw, str) else _text(raw)
    code = "".join(text.split())
    if _CODE_FAST.fullmatch(code) and _NONZERO_DIGIT.search(code):
        return code
    if not code:
        raise vn.VnValueError(
            "Chưa nhập mã hộ. Hãy chép mã hộ từ danh sách rà soát hộ nghèo, hộ cận nghèo, ví dụ 8250419218."
        )
    shown = code if len(code) <= 40 else code[:40] + "…"
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

    Raises :class:`vn.VnValueError` with a Vietnamese reason.  Source: issue 2 item 9.
    """
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
            f"{what} «{_text(value)}» đang ở dạng ngày tháng. Hãy định dạng cột {what} là Văn bản "
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


# Hamlet cells repeat a handful of names over thousands of rows: normalise each text once.
_hamlet = lru_cache(maxsize=4096)(normalize_hamlet)


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
    Source: issue 2 items 7 and 9; domain.md §9 (Phone).
    """
    text = id_digits(value, "Số điện thoại", "đủ 10 chữ số")
    try:
        digits = vn.normalize_digits(text, "Số điện thoại")
    except vn.VnValueError:
        digits = None  # "+84 …", "(091) …": normalize_phone reads those
    if digits is not None and len(digits) == 9:
        text = vn.restore_leading_zeros(digits, 10)
    return vn.normalize_phone(text)


def _clean_place(value: Any) -> str:
    """A hamlet or address: NFC, single spaces; text in capitals becomes title case."""
    words = unicodedata.normalize("NFC", _text(value)).split()
    text = " ".join(words)
    if text.isupper():
        text = unicodedata.normalize("NFC", " ".join(w.title() for w in words))
    return text


def parse_birth_year(value: Any, this_year: int) -> int | None:
    """Birth year from a year (1950, "1950", 1950.0) or a date (a date cell, "22/04/1964",
    "1964-04-22"; day first, never month first).  Empty gives ``None``.

    Raises :class:`vn.VnValueError` for anything else or a year outside 1880–``this_year``.
    Source: domain.md §9 (dates dd/mm/yyyy).
    """
    if _blank(value):
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
        else:
            try:
                year = vn.parse_date(text).year
            except vn.VnValueError as err:
                raise vn.VnValueError(
                    f"Năm sinh: {err} Cũng có thể ghi năm 4 chữ số, ví dụ 1975.") from err
    if year is None or not 1880 <= year <= this_year:
        raise vn.VnValueError(
            f"Năm sinh «{_text(value)}» không hợp lệ: ghi năm 4 chữ số (ví dụ 1975) hoặc ngày "
            f"sinh dạng ngày/tháng/năm (ví dụ 22/04/1964), năm từ 1880 đến {this_year}."
        )
    return year


def _parse_gender(value: Any) -> str | None:
    if _blank(value):
        return None
    key = normalize_label(_text(value))
    if key in _GENDER:
        return _GENDER[key]
    raise vn.VnValueError(f"Giới tính «{_text(value)}» không rõ: ghi Nam hoặc Nữ.")


def _parse_members(value: Any) -> int:
    if _blank(value):
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
            f"Số nhân khẩu «{_text(value)}» không hợp lệ: phải là số nguyên từ 1 đến 99."
        )
    return n


def _mark(value: Any, column: str) -> bool:
    if value is None:
        return False
    if value in _MARKS:
        return True
    if _blank(value):
        return False
    if isinstance(value, str) and value.strip() in _MARKS:
        return True
    raise vn.VnValueError(
        f"Dấu «{_text(value)}» ở cột {column} không hợp lệ: đánh dấu bằng chữ x, hoặc để trống."
    )


_ALL_FIELDS = ("stt", "code", "head_name", "birth_year", "gender", "citizen_id", "hamlet", "address",
               "members", "category", "poor", "near_poor", "meritorious", "social_policy", "phone")
_GENDER_FAST = {"Nam": "M", "nam": "M", "NAM": "M", "Nữ": "F", "nữ": "F", "NỮ": "F", "M": "M", "F": "F"}
_BLANK_ROW = "Dòng trống."


class RowParser:
    """Turns the rows under a :class:`Header` into :class:`RowResult` objects, one per row.

    Keeps one piece of state: once a signature block starts ("Người lập biểu", "KT. CHỦ TỊCH",
    a "ngày … tháng … năm …" line) every later row is part of it and skipped.  ``this_year`` is
    the latest acceptable birth year.  Written for speed (a 20,000-row list is read in well under
    a second): one pass over the mapped cells, fast paths for the usual cell types.
    """

    def __init__(self, header: Header, this_year: int) -> None:
        self.header = header
        self.this_year = this_year
        self.in_footer = False
        self._seen_data = False
        self._col = header.columns
        self._fields = [(f, header.columns[f]) for f in _ALL_FIELDS if f in header.columns]
        self._marks = header.category_mode == "marks"
        self._has = {f: f in header.columns for f in _ALL_FIELDS}

    def _cells(self, row: Sequence[Any]) -> dict[str, Any]:
        n = len(row)
        cells: dict[str, Any] = {}
        for f, i in self._fields:
            v = row[i] if i < n else None
            if v.__class__ is str:
                v = v.strip() or None
            cells[f] = v
        return cells

    def _non_record_reason(self, row: Sequence[Any], cells: dict[str, Any]) -> str | None:
        """Why ``row`` is not a household (blank, total, signature, column numbers), or None."""
        code = cells.get("code")
        keyed = cells.get("citizen_id") is not None or (
            code is not None and (code.__class__ is not str or bool(_CODE_OK.match(code.replace(" ", ""))))
        )
        if keyed and not self.in_footer and self._seen_data:
            return None
        texts = [c for c in row if not _blank(c)]
        if not texts:
            return _BLANK_ROW
        if self.in_footer:
            return "Phần ký tên dưới bảng."
        if not self._seen_data and len(texts) >= 3:
            nums = [_COLUMN_NUMBER.match(_text(c)) for c in texts]
            if all(nums) and [int(m.group(1)) for m in nums] == sorted(int(m.group(1)) for m in nums):
                return "Dòng đánh số thứ tự cột."
        if keyed:
            return None
        folded = [vn.fold(c) for c in texts if isinstance(c, str)]
        if any(_TOTAL.match(f) for f in folded):
            return "Dòng tổng cộng."
        if any(_DATE_LINE.search(f) or any(m in f for m in _SIGNATURE_MARKERS) for f in folded):
            self.in_footer = True
            return "Phần ký tên dưới bảng."
        if cells.get("head_name") is None:
            return "Dòng không có mã hộ, họ tên hay số CCCD: không phải một hộ."
        return None

    def parse(self, number: int, row: Sequence[Any]) -> RowResult:
        """Read one row (``number`` is its row number in the file, shown to the clerk)."""
        cells = self._cells(row)
        reason = self._non_record_reason(row, cells)
        if reason is not None:
            return RowResult(number, skip_reason=reason)
        self._seen_data = True
        has = self._has
        errors: list[str] = []
        raw_name = cells.get("head_name")
        raw_code = cells.get("code")

        code: str | None = None
        if raw_code is not None:
            try:
                text = id_digits(raw_code, "Mã hộ", "đầy đủ mã hộ")
                code = normalize_household_code(text) if text.strip() else None
            except vn.VnValueError as err:
                errors.append(str(err))

        name = ""
        try:
            name = vn.normalize_name(raw_name)  # the rule of the household form (one place)
        except vn.VnValueError as err:
            errors.append(str(err))

        birth_year = None
        raw_birth = cells.get("birth_year")
        if raw_birth.__class__ is int and 1880 <= raw_birth <= self.this_year:
            birth_year = raw_birth
        elif raw_birth is not None:
            try:
                birth_year = parse_birth_year(raw_birth, self.this_year)
            except vn.VnValueError as err:
                errors.append(str(err))

        gender = None
        raw_gender = cells.get("gender")
        if raw_gender is not None:
            gender = _GENDER_FAST.get(raw_gender) if raw_gender.__class__ is str else None
            if gender is None:
                try:
                    gender = _parse_gender(raw_gender)
                except vn.VnValueError as err:
                    errors.append(str(err))

        citizen_id = kind = warning = None
        raw_id = cells.get("citizen_id")
        if raw_id is not None:
            try:
                digits = id_digits(raw_id, "Số CCCD", "đủ 12 chữ số")
                if len(digits) != 12:
                    digits = vn.restore_leading_zeros(digits, 12)
                check = vn.check_citizen_id(digits, birth_year, gender)
                citizen_id, kind = check.value, check.kind
                warning = " ".join(check.warnings) or None
            except vn.VnValueError as err:
                errors.append(str(err))

        hamlet = ""
        try:
            hamlet = _hamlet(cells.get("hamlet"))
        except vn.VnValueError as err:
            errors.append(str(err))

        members = None
        if has["members"]:
            raw_members = cells["members"]
            if raw_members.__class__ is int and 1 <= raw_members <= 99:
                members = raw_members
            else:
                try:
                    members = _parse_members(raw_members)
                except vn.VnValueError as err:
                    errors.append(str(err))

        category = ""
        try:
            if self._marks:
                poor = _mark(cells["poor"], "Nghèo")
                near = _mark(cells["near_poor"], "Cận nghèo")
                if poor and near:
                    errors.append("Hộ được đánh dấu cả Nghèo và Cận nghèo: chỉ đánh dấu x ở một cột.")
                elif not poor and not near:
                    errors.append("Chưa đánh dấu phân loại hộ: đánh dấu x ở cột Nghèo hoặc Cận nghèo.")
                else:
                    category = "poor" if poor else "near_poor"
            else:
                raw_cat = cells["category"]
                key = normalize_label(_text(raw_cat))
                if not key:
                    errors.append("Chưa ghi phân loại hộ: ghi «Hộ nghèo» hoặc «Hộ cận nghèo».")
                elif key in _CATEGORY_TEXT:
                    category = _CATEGORY_TEXT[key]
                else:
                    errors.append(
                        f"Phân loại hộ «{_text(raw_cat)}» không rõ: ghi «Hộ nghèo» (HN) hoặc "
                        "«Hộ cận nghèo» (HCN)."
                    )
        except vn.VnValueError as err:
            errors.append(str(err))

        meritorious = social_policy = None
        if has["meritorious"]:
            try:
                meritorious = _mark(cells["meritorious"], COLUMN_LABELS["meritorious"])
            except vn.VnValueError as err:
                errors.append(str(err))
        if has["social_policy"]:
            try:
                social_policy = _mark(cells["social_policy"], COLUMN_LABELS["social_policy"])
            except vn.VnValueError as err:
                errors.append(str(err))

        phone = None
        raw_phone = cells.get("phone")
        if raw_phone is not None:
            try:
                phone = parse_phone(raw_phone)
            except vn.VnValueError as err:
                errors.append(str(err))

        address = None
        if has["address"]:
            address = _clean_place(cells["address"]) or None
            if address and len(address) > 255:
                errors.append("Địa chỉ dài quá 255 ký tự.")
                address = None

        if code is None and citizen_id is None and not errors:
            errors.append("Dòng không có mã hộ và số CCCD: không biết đây là hộ nào. Hãy ghi mã hộ.")

        result = RowResult(number, None, errors, None, _text(raw_name) or None, _text(raw_code) or None,
                           code, citizen_id)
        if not errors:
            result.record = HouseholdRecord(
                code, name, birth_year, gender, citizen_id, kind, warning, hamlet, members, category,
                meritorious, social_policy, phone, address,
            )
        return result


def mark_file_duplicates(results: Sequence[RowResult]) -> None:
    """Add an error to every row whose household code or CCCD appears on another row of the
    same file (valid or not): duplicates are reported, never merged (issue 2 item 9)."""
    by_key: dict[tuple[str, str], list[RowResult]] = {}
    for r in results:
        if r.skip_reason is not None:
            continue
        if r.code:
            by_key.setdefault(("code", r.code), []).append(r)
        if r.citizen_id:
            by_key.setdefault(("cccd", r.citizen_id), []).append(r)
    for (kind, value), rows in by_key.items():
        if len(rows) < 2:
            continue
        for r in rows:
            others = ", ".join(str(o.number) for o in rows if o is not r)
            what = f"Mã hộ {value}" if kind == "code" else f"Số CCCD {value}"
            r.errors.append(
                f"{what} trùng với dòng {others} trong cùng tệp. Không gộp các dòng trùng: hãy "
                "kiểm tra lại và chỉ giữ một dòng cho mỗi hộ."
            )
    for r in results:
        if r.errors and r.record is not None:
            r.record = None


# --------------------------------------------------------------------------------------------
# Search keys
# --------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9]+")


def household_search_text(head_name: str, code: str | None, citizen_id: str | None,
                          phone: str | None) -> str:
    """The folded search column of a household: ``" nguyen van hung 8250419218 082… 09… "``.

    Name words folded with :func:`vn.fold` (no case, no accents, đ → d; punctuation → spaces),
    then the household code, CCCD and phone; a space before every word so that a search can ask
    for a word that *starts* with a query word (``LIKE '% hung%'``) and a fragment of a number
    anywhere (``LIKE '%2038%'``).  Pure ASCII, so plain LIKE behaves the same on SQLite and
    PostgreSQL.  Source: issue 2 items 7–8; domain.md §9 (search folds).
    """
    words = [t for w in (head_name or "").split() for t in _folded_tokens(w)]
    if code:
        words.append(code.lower() if code.isascii() else vn.fold(code))
    words += [x for x in (citizen_id, phone) if x]
    return " " + " ".join(words) + " "


@lru_cache(maxsize=8192)
def _folded_tokens(word: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(vn.fold(word)))


def search_tokens(query: str) -> list[str]:
    """The words of a search query, folded: ``"ĐẶNG  Văn"`` → ``["dang", "van"]``; at most 8."""
    return _TOKEN.findall(vn.fold(query or ""))[:8]
