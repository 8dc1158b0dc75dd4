"""The header of a household list: which row names the columns, which column holds which field,
and the list year written in the title above the table.

Column names are matched folded (no case, no accents, đ → d, text in parentheses dropped) against
the usual names and their variants (shared/data/README.md: what real lists look like), even two
rows deep with merged group cells ("Phân loại hộ" over "Nghèo" / "Cận nghèo").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from subsidy.domain import vn

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
    # One row per person (the review's export): each person's relation to the head, and a
    # member-name column beside the head's.
    "relation": (
        "quan he voi chu ho", "quan he", "quan he voi chu ho gia dinh", "moi quan he voi chu ho", "qh voi chu ho",
        "quan he chu ho", "qh voi ch", "quan he voi ch",
    ),
    # Optional: prior device support (E2), when the commune's file records it.
    "prior_device": (
        "thiet bi da nhan", "da nhan thiet bi", "da nhan may tinh bang", "da nhan thiet bi hoc tap",
        "may tinh bang thiet bi hoc tap da nhan", "da nhan may tinh bang thiet bi hoc tap", "thiet bi hoc tap da nhan",
    ),
    "prior_device_date": ("ngay nhan thiet bi", "ngay nhan may tinh bang", "ngay nhan thiet bi hoc tap"),
    "member_name": (
        "ho va ten thanh vien", "ho ten thanh vien", "ten thanh vien", "thanh vien", "thanh vien trong ho",
        "ho va ten thanh vien trong ho", "ho ten thanh vien trong ho", "ho va ten thanh vien ho",
        "ho va ten nhan khau", "ho ten nhan khau", "ho va ten nguoi trong ho",
    ),
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
    "relation": "Quan hệ với chủ hộ",
    "member_name": "Họ và tên thành viên",
    "prior_device": "Thiết bị đã nhận",
    "prior_device_date": "Ngày nhận thiết bị",
}

#: Fields that belong to the household, written on the head's row only in a per-person list.
HOUSEHOLD_FACTS = ("code", "hamlet", "members", "category", "poor", "near_poor")

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
    columns Nghèo / Cận nghèo) or ``"text"`` (one column "Phân loại hộ"); ``labels``: the header
    cells' texts as written (a copy of the header further down is recognised by them).
    """

    first_row: int
    last_row: int
    columns: dict[str, int]
    category_mode: str
    labels: frozenset[str] = frozenset()

    @property
    def layout(self) -> str:
        """``"person"`` (one row per person: a head row with the household's facts, then its
        members' rows) when the header has a relation column ("Quan hệ với chủ hộ") or a
        member-name column beside the head's; else ``"household"`` (one row per household)."""
        return "person" if ("relation" in self.columns or "member_name" in self.columns) else "household"


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


def looks_like_header(row: Sequence[Any]) -> bool:
    """True when ``row`` is a (repeated) header row: at least two known column names and nothing
    else ("Nghèo" / "Cận nghèo" of a second header row), or at least four known column names
    (a copy of the header, printed again on every page or pasted between two lists)."""
    found, unknown = _label_fields(row)
    return (len(found) >= 2 and not unknown) or len(set(found.values())) >= 4


#: What a sheet of a review workbook holds: the year's list, or the households that left it.
LIST_SHEET, LEFT_POOR, LEFT_NEAR_POOR = "list", "left_poor", "left_near_poor"
_LEFT_NEAR = re.compile(r"\bthoat (khoi )?(ho )?can ngheo\b")
_LEFT_POOR = re.compile(r"\bthoat (khoi )?(ho )?ngheo\b")


def sheet_kind(name: str | None, heading_rows: Iterable[Sequence[Any]] = ()) -> str:
    """What a sheet holds, from its name ("Hộ thoát nghèo", "Thoat can ngheo") or else the title
    above its table ("DANH SÁCH HỘ THOÁT NGHÈO NĂM 2025"): :data:`LEFT_POOR`,
    :data:`LEFT_NEAR_POOR`, or :data:`LIST_SHEET` (the year's list)."""
    texts = [name] + [c for r in heading_rows for c in r]
    for text in texts:
        if not isinstance(text, str):
            continue
        folded = " ".join(_NON_ALNUM.sub(" ", vn.fold(text)).split())
        if _LEFT_NEAR.search(folded):
            return LEFT_NEAR_POOR
        if _LEFT_POOR.search(folded):
            return LEFT_POOR
    return LIST_SHEET


def find_header(rows: Sequence[Sequence[Any]], first_row_number: int = 1, *, left: bool = False) -> Header:
    """Find the table header among ``rows`` (the first rows of the sheet, top to bottom).

    A header row names the head of household and at least three other known columns.  The row
    under it is a second header row when every non-empty cell in it is a known column name
    (e.g. "Nghèo", "Cận nghèo", "Người có công", "Chính sách XH" under merged group cells); its
    names win over the group name above them.  ``first_row_number`` is the sheet row number of
    ``rows[0]``.

    Raises :class:`ListFormatError` (Vietnamese) when no header is found, or when a required
    column is missing: head's name, hamlet, the category (one text column or the two mark
    columns), and the household code or the CCCD (at least one, to match existing households).

    ``left``: the header of a sheet of households that left the list ("hộ thoát nghèo"): only
    the head's name and the household code or CCCD are required (the households are matched,
    not imported), and its category columns are ignored (``category_mode`` ``"none"``).
    """
    # The row naming the head and the most other known columns, when no row names enough of them:
    # its missing columns are what the clerk needs to hear, not "no header found".
    best: tuple[int, int, dict[int, str]] | None = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found, _unknown = _label_fields(row)
        fields = set(found.values())
        if "head_name" in fields and len(fields) >= 2 and (best is None or len(fields) > best[0]):
            best = (len(fields), i, found)
        if "head_name" not in fields or len(fields) < 4:
            continue
        columns: dict[str, int] = {}
        for col, f in sorted(found.items()):
            if f == "head_name" and f in columns and "member_name" not in columns:
                # Two name columns: the one that says "chủ hộ" is the head's, the other the member's.
                if "chu ho" in normalize_label(row[col]):
                    columns["member_name"], columns[f] = columns[f], col
                else:
                    columns["member_name"] = col
                continue
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
        if left:
            mode = "none"
            for k in ("category", "poor", "near_poor"):
                columns.pop(k, None)
        elif "poor" in columns or "near_poor" in columns:
            mode = "marks"
            columns.pop("category", None)
        else:
            mode = "text"
        missing = _missing_columns(columns, mode, left)
        if missing:
            raise _missing_error(first_row_number + i, missing)
        labels = frozenset(c.strip() for r in rows[i:last + 1] for c in r if isinstance(c, str) and c.strip())
        return Header(first_row_number + i, first_row_number + last, columns, mode, labels)
    if best is not None:
        _count, i, found = best
        columns = {f: col for col, f in sorted(found.items(), reverse=True)}  # the first column of a name
        mode = "none" if left else ("marks" if "poor" in columns or "near_poor" in columns else "text")
        raise _missing_error(first_row_number + i, _missing_columns(columns, mode, left))
    raise ListFormatError(
        f"Không tìm thấy dòng tiêu đề của bảng trong {HEADER_SEARCH_ROWS} dòng đầu của tệp. "
        "Bảng cần có các cột: Mã hộ, Họ và tên chủ hộ, Năm sinh, Giới tính, Số CCCD, Ấp, "
        "Số nhân khẩu, Phân loại hộ (hoặc hai cột Nghèo / Cận nghèo), Số điện thoại."
    )


def _missing_columns(columns: dict[str, int], mode: str, left: bool) -> list[str]:
    """The required columns a header lacks, as the clerk knows them (Vietnamese column names):
    the head's name, the hamlet (not on a «left» sheet), the category (one text column or both
    mark columns), and the household code or the CCCD."""
    missing = []
    if "head_name" not in columns:
        missing.append(COLUMN_LABELS["head_name"])
    if "hamlet" not in columns and not left:
        missing.append(COLUMN_LABELS["hamlet"] + " (hoặc Thôn)")
    if mode == "marks" and not ("poor" in columns and "near_poor" in columns):
        missing.append("cả hai cột Nghèo và Cận nghèo")
    if mode == "text" and "category" not in columns:
        missing.append("Phân loại hộ (hoặc hai cột Nghèo / Cận nghèo)")
    if "code" not in columns and "citizen_id" not in columns:
        missing.append("Mã hộ hoặc Số CCCD")
    return missing


def _missing_error(row_number: int, missing: list[str]) -> ListFormatError:
    return ListFormatError(
        f"Dòng tiêu đề (dòng {row_number}) thiếu cột: {', '.join(missing)}. "
        "Hãy thêm các cột này vào bảng (tên cột như trong mẫu danh sách) rồi nhập lại."
    )


_YEAR_IN_TEXT = re.compile(r"\bnam (\d{4})\b")

#: The earliest list year an import takes; the latest is next year (a list drawn up in December).
FIRST_LIST_YEAR = 2000


def list_year_range(today_year: int) -> tuple[int, int]:
    """The list years an import takes, ``(first, last)`` inclusive: 2000 to the year after
    ``today_year`` (the current year in Asia/Ho_Chi_Minh, given by the caller)."""
    return FIRST_LIST_YEAR, today_year + 1


def list_year_problem(year: int, today_year: int) -> str | None:
    """Why ``year`` cannot be the list year (Vietnamese, naming the accepted range and an
    example), or ``None`` when it is in :func:`list_year_range`."""
    first, last = list_year_range(today_year)
    if first <= year <= last:
        return None
    return (f"Năm danh sách {year} không hợp lệ: phải từ {first} đến {last}, ví dụ {today_year} "
            "(để trống để lấy năm ghi trong tiêu đề danh sách).")


def title_year_mismatch(asked: int, title_year: int | None) -> str | None:
    """A warning (Vietnamese) when the year the clerk typed differs from the one the list's title
    names ("… NĂM 2026"), else ``None``: the import still takes the typed year (the clerk may mean
    it, e.g. last year's list carried over), but the clerk should check before confirming."""
    if title_year is None or asked == title_year:
        return None
    return (f"Năm bạn nhập ({asked}) khác với năm ghi trong tiêu đề danh sách (NĂM {title_year}). "
            f"Danh sách sẽ được ghi là năm {asked}. Nếu nhập nhầm, hãy hủy bản xem trước này và tải tệp lên "
            f"lại với năm {title_year} (hoặc để trống ô «Năm danh sách»).")


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

