"""The rows under the header → one :class:`RowResult` each: a normalised
:class:`HouseholdRecord`, Vietnamese error messages, or a skip reason for blank, total and
signature rows; and the duplicates inside one file (:func:`mark_file_duplicates`).

Source: shared/data/README.md (what real lists look like); domain.md §9; Nghị định
07/2021/NĐ-CP (poor / near-poor categories).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any, Sequence

from subsidy.domain import vn
from subsidy.domain.household_list.cells import (
    EARLIEST_BIRTH_YEAR, blank, cell_text, clean_place, head_birth_year_message, id_digits, normalize_household_code,
    parse_birth_year,
    parse_gender, parse_hamlet, parse_mark, parse_members, parse_name, parse_person_id, parse_phone,
)
from subsidy.domain.household_list.header import (
    COLUMN_LABELS, HOUSEHOLD_FACTS, Header, looks_like_header, normalize_label,
)
from subsidy.domain.household_list.prior_device import parse_prior_device, parse_prior_device_date
from subsidy.domain.household_list.members import (
    MemberRecord, attach_members, is_head_relation, is_kin_relation, member_row_reason, parse_member, person_fields,
)


@dataclass(slots=True)
class HouseholdRecord:
    """One household as read from a row, normalised as it will be stored.

    ``meritorious`` / ``social_policy`` are ``None`` when the file has no such column (the
    stored value is then left alone); ``members`` is ``None`` when the file has no such column.
    ``people``: in a per-person list, the household's members as read from the rows under the
    head's (the head not included); ``None`` in a per-household list (members not listed).
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
    people: tuple[MemberRecord, ...] | None = None
    # Optional columns (E2): None when the file has no such column or the cell is empty.
    prior_device: str | None = None
    prior_device_date: dt.date | None = None


@dataclass(slots=True)
class RowResult:
    """What one row of the file is: a household (``record``), an error, or a skipped row; in a
    per-person list also a member's row (``member``, with ``head`` the row number of its head's
    row, ``None`` when no head row came before it), and on a head's row its members' rows
    (``member_rows``).  ``warnings``: what the clerk confirms by importing (e.g. a member count
    that disagrees with "Số nhân khẩu")."""

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
    warnings: list[str] = field(default_factory=list)
    member: MemberRecord | None = None
    head: int | None = None
    member_rows: list["RowResult"] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.record is not None and not self.errors

    @property
    def is_member(self) -> bool:
        """A member's row of a per-person list (its household is its head's row)."""
        return self.member is not None or self.head is not None


# "Tổng cộng: 180 hộ", "Tổng số", "Tổng:", "Cộng:", "Cộng ấp Phú Hòa" (not the surname Tống).
_TOTAL = re.compile(r"^(tong cong\b|tong so\b|tong\s*[:.]|cong\s*[:.]|cong\s+(ap|thon|khu|to|xom)\b)")
_SIGNATURE_MARKERS = (
    "nguoi lap", "chu tich", "ky ten", "ghi ro ho ten", "xac nhan", "truong ap", "truong thon",
    "can bo", "thu truong", "nguoi duyet", "ke toan", "cong chuc", "uy ban nhan dan", "ubnd",
    "giam doc", "dong dau",
)
_DATE_LINE = re.compile(r"ngay\s*\S*\s*thang\s*\S*\s*nam")
_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2})\)?$")
_CATEGORY_TEXT = {
    "ho ngheo": "poor", "ngheo": "poor", "hn": "poor", "poor": "poor",
    "ho can ngheo": "near_poor", "can ngheo": "near_poor", "hcn": "near_poor",
    "near poor": "near_poor", "near_poor": "near_poor",
}
# A category cell's text as a key of _CATEGORY_TEXT (folded: normalize_label); a list writes its
# categories a few ways over thousands of rows, each folded once.
_category_key = lru_cache(maxsize=256)(normalize_label)
_CODE_OK = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./_-]*$")

_ALL_FIELDS = ("stt", "code", "head_name", "birth_year", "gender", "citizen_id", "hamlet", "address",
               "members", "category", "poor", "near_poor", "meritorious", "social_policy", "phone",
               "relation", "member_name", "prior_device", "prior_device_date")
#: The skip reason of a header row repeated inside the table (a page break, two lists pasted).
REPEATED_HEADER = "Dòng tiêu đề lặp lại."
#: The skip reason of an empty row (the reader counts runs of them to find the end of the table).
BLANK_ROW = "Dòng trống."


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
        self._after_header = True  # column numbers may follow a header (the first or a repeat)
        self._col = header.columns
        self._fields = [(f, header.columns[f]) for f in _ALL_FIELDS if f in header.columns]
        # The mapped cells of a row in one C call (a row shorter than the header is padded first).
        self._names = tuple(f for f, _i in self._fields)
        self._width = max((i for _f, i in self._fields), default=-1) + 1
        self._pick = itemgetter(*(i for _f, i in self._fields)) if len(self._fields) > 1 else (
            lambda r, _is=tuple(i for _f, i in self._fields): tuple(r[i] for i in _is))
        self._marks = header.category_mode == "marks"
        self._has = {f: f in header.columns for f in _ALL_FIELDS}
        self._labels = header.labels
        self._person = header.layout == "person"
        # A sheet of households that left the list: identity only (no category; hamlet optional).
        self._left = header.category_mode == "none"
        self._head: RowResult | None = None  # per-person list: the last head row read
        # One string per hamlet name, shared by every row of that hamlet (a list of 100,000
        # households has a few dozen hamlets: one copy each instead of one per row).
        self._hamlets: dict[str, str] = {}

    def _cells(self, row: Sequence[Any]) -> dict[str, Any]:
        """The mapped cells of ``row`` by field name; text stripped, blank text as None."""
        if len(row) < self._width:
            row = (*row, *(None,) * (self._width - len(row)))
        return {f: (v.strip() or None) if v.__class__ is str else v for f, v in zip(self._names, self._pick(row))}

    def _non_record_reason(self, row: Sequence[Any], cells: dict[str, Any]) -> str | None:
        """Why ``row`` is not a household (blank, total, signature, column numbers), or None."""
        code = cells.get("code")
        keyed = cells.get("citizen_id") is not None or (
            code is not None and (code.__class__ is not str or bool(_CODE_OK.match(code.replace(" ", ""))))
        )
        name = cells.get("head_name")
        if name.__class__ is str and name in self._labels:
            self._after_header = True
            return REPEATED_HEADER
        if not keyed and self._person:
            # A child's row has no ID and no code: its kinship word says it is a member's row.
            relation = cells.get("relation")
            keyed = relation.__class__ is str and is_kin_relation(relation)
        if keyed and not self.in_footer and not self._after_header:
            return None
        texts = [c for c in row if not blank(c)]
        if not texts:
            return BLANK_ROW
        if self.in_footer:
            return "Phần ký tên dưới bảng."
        if self._after_header and len(texts) >= 3:
            nums = [_COLUMN_NUMBER.match(cell_text(c)) for c in texts]
            if all(nums) and [int(m.group(1)) for m in nums] == sorted(int(m.group(1)) for m in nums):
                return "Dòng đánh số thứ tự cột."
        if keyed:
            return None
        if looks_like_header(texts):
            self._after_header = True
            return REPEATED_HEADER
        folded = [vn.fold(c) for c in texts if isinstance(c, str)]
        if any(_TOTAL.match(f) for f in folded):
            return "Dòng tổng cộng."
        if any(_DATE_LINE.search(f) or any(m in f for m in _SIGNATURE_MARKERS) for f in folded):
            self.in_footer = True
            return "Phần ký tên dưới bảng."
        if name is None and cells.get("member_name") is None:
            return "Dòng không có mã hộ, họ tên hay số CCCD: không phải một hộ."
        return None

    def parse(self, number: int, row: Sequence[Any]) -> RowResult:
        """Read one row (``number`` is its row number in the file, shown to the clerk).

        In a per-person list (:attr:`Header.layout` ``"person"``) a member's row (its relation is
        not "Chủ hộ", or only the member-name column is filled) is read as a
        :class:`MemberRecord` and attached to the head's row above it; :func:`finish_rows` then
        completes each household."""
        cells = self._cells(row)
        reason = self._non_record_reason(row, cells)
        if reason is not None:
            return RowResult(number, skip_reason=reason)
        self._seen_data = True
        self._after_header = False
        if self._person:
            relation = cells.get("relation")
            if not (relation is None or is_head_relation(relation)) or (
                    cells.get("head_name") is None and cells.get("member_name") is not None):
                return self._member_row(number, cells)
            result = self._household(number, cells)
            self._head = result
            if not any(cells.get(f) is not None for f in HOUSEHOLD_FACTS):
                shown = cell_text(cells.get("head_name")) or cell_text(cells.get("member_name"))
                result.record = None
                result.errors = [member_row_reason("no_facts", name=shown, relation=cell_text(relation))]
            return result
        return self._household(number, cells)

    def _member_row(self, number: int, cells: dict[str, Any]) -> RowResult:
        """A member's row: the person read, attached to the head row above (or an error)."""
        head = self._head
        member, errors = parse_member(person_fields(cells), self.this_year)
        raw_name = cells.get("member_name") or cells.get("head_name")
        result = RowResult(number, None, errors, None, cell_text(raw_name) or None, None, None,
                           member.citizen_id if member is not None else None)
        result.member = member
        if head is None:
            result.errors.insert(0, member_row_reason("orphan", name=cell_text(raw_name),
                                                     relation=cell_text(cells.get("relation"))))
            result.member = None
            return result
        raw_code = cells.get("code")
        if raw_code is not None and head.code is not None:
            try:
                code = normalize_household_code(id_digits(raw_code, "Mã hộ", "đầy đủ mã hộ"))
            except vn.VnValueError:
                code = cell_text(raw_code)
            if code != head.code:
                result.errors.append(member_row_reason("other_code", code=code, head_code=head.code,
                                                       head_row=head.number))
        result.head = head.number
        head.member_rows.append(result)
        return result

    def _household(self, number: int, cells: dict[str, Any]) -> RowResult:
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
            name = parse_name(raw_name)  # vn.normalize_name, the rule of the household form (one place)
        except vn.VnValueError as err:
            errors.append(str(err))

        birth_year = None
        raw_birth = cells.get("birth_year")
        if raw_birth.__class__ is int and EARLIEST_BIRTH_YEAR <= raw_birth < self.this_year:
            birth_year = raw_birth
        elif raw_birth is not None:
            try:
                birth_year = parse_birth_year(raw_birth, self.this_year)
            except vn.VnValueError as err:
                errors.append(str(err))
            # the head's own rule (born before this year), the household form's too
            head_problem = None if birth_year is None else head_birth_year_message(birth_year, self.this_year)
            if head_problem is not None:
                errors.append(head_problem)
                birth_year = None

        gender = None
        raw_gender = cells.get("gender")
        if raw_gender is not None:
            try:
                gender = parse_gender(raw_gender)
            except vn.VnValueError as err:
                errors.append(str(err))

        citizen_id = kind = warning = None
        raw_id = cells.get("citizen_id")
        if raw_id is not None:
            try:
                citizen_id, kind, warning = parse_person_id(raw_id, birth_year, gender)
            except vn.VnValueError as err:
                errors.append(str(err))

        hamlet = ""
        if not (self._left and cells.get("hamlet") is None):
            try:
                hamlet = parse_hamlet(cells.get("hamlet"))
                hamlet = self._hamlets.setdefault(hamlet, hamlet)
            except vn.VnValueError as err:
                errors.append(str(err))

        members = None
        # A per-person list may leave "Số nhân khẩu" empty: the people listed are counted.
        if has["members"] and not (self._person and cells["members"] is None):
            raw_members = cells["members"]
            if raw_members.__class__ is int and 1 <= raw_members <= 99:
                members = raw_members
            else:
                try:
                    members = parse_members(raw_members)
                except vn.VnValueError as err:
                    errors.append(str(err))

        category = ""
        try:
            if self._left:
                pass  # the sheet says which list the household left
            elif self._marks:
                poor = parse_mark(cells["poor"], "Nghèo")
                near = parse_mark(cells["near_poor"], "Cận nghèo")
                if poor and near:
                    errors.append("Hộ được đánh dấu cả Nghèo và Cận nghèo: chỉ đánh dấu x ở một cột.")
                elif not poor and not near:
                    errors.append("Chưa đánh dấu phân loại hộ: đánh dấu x ở cột Nghèo hoặc Cận nghèo.")
                else:
                    category = "poor" if poor else "near_poor"
            else:
                raw_cat = cells["category"]
                key = _category_key(raw_cat) if raw_cat.__class__ is str else normalize_label(cell_text(raw_cat))
                if not key:
                    errors.append("Chưa ghi phân loại hộ: ghi «Hộ nghèo» hoặc «Hộ cận nghèo».")
                elif key in _CATEGORY_TEXT:
                    category = _CATEGORY_TEXT[key]
                else:
                    errors.append(
                        f"Phân loại hộ «{cell_text(raw_cat)}» không rõ: ghi «Hộ nghèo» (HN) hoặc "
                        "«Hộ cận nghèo» (HCN)."
                    )
        except vn.VnValueError as err:
            errors.append(str(err))

        meritorious = social_policy = None
        if has["meritorious"]:
            try:
                meritorious = parse_mark(cells["meritorious"], COLUMN_LABELS["meritorious"])
            except vn.VnValueError as err:
                errors.append(str(err))
        if has["social_policy"]:
            try:
                social_policy = parse_mark(cells["social_policy"], COLUMN_LABELS["social_policy"])
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
            address = clean_place(cells["address"]) or None
            if address and len(address) > 255:
                errors.append("Địa chỉ dài quá 255 ký tự.")
                address = None

        prior_device = prior_device_date = None
        if has["prior_device"] or has["prior_device_date"]:
            try:
                prior_device = parse_prior_device(cells.get("prior_device"))
            except vn.VnValueError as err:
                errors.append(str(err))
            try:
                prior_device_date = parse_prior_device_date(cells.get("prior_device_date"), dt.date(self.this_year, 12, 31))
            except vn.VnValueError as err:
                errors.append(str(err))

        if code is None and citizen_id is None and not errors:
            errors.append("Dòng không có mã hộ và số CCCD: không biết đây là hộ nào. Hãy ghi mã hộ.")

        result = RowResult(number, None, errors, None, cell_text(raw_name) or None, cell_text(raw_code) or None,
                           code, citizen_id)
        if not errors:
            result.record = HouseholdRecord(
                code, name, birth_year, gender, citizen_id, kind, warning, hamlet, members, category,
                meritorious, social_policy, phone, address, None, prior_device, prior_device_date,
            )
        return result


def mark_file_duplicates(results: Sequence[RowResult]) -> None:
    """Add an error to every row whose household code or CCCD appears on another row of the
    same file (valid or not): duplicates are reported, never merged."""
    # The first row of each code and CCCD; a list only for a value on two rows or more.
    codes: dict[str, RowResult] = {}
    cids: dict[str, RowResult] = {}
    dups: dict[tuple[str, str], list[RowResult]] = {}
    for r in results:
        if r.skip_reason is not None:
            continue
        code, cid = r.code, r.citizen_id
        if code:
            first = codes.setdefault(code, r)
            if first is not r:
                dups.setdefault(("code", code), [first]).append(r)
        if cid:
            first = cids.setdefault(cid, r)
            if first is not r:
                dups.setdefault(("cccd", cid), [first]).append(r)
    # In the order of each value's first row (a code before a CCCD on the same row): a row on two
    # clashes gets its messages in that order.
    for (kind, value), rows in sorted(dups.items(), key=lambda kv: (kv[1][0].number, kv[0][0] != "code")):
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




def finish_rows(results: Sequence[RowResult], header: Header) -> None:
    """Everything that needs the whole file, once its rows are read: duplicates inside the file
    (:func:`mark_file_duplicates`, members' IDs included), then, in a per-person list, each
    household completed from its members' rows (:func:`~.members.attach_members`)."""
    mark_file_duplicates(results)
    if header.layout == "person":
        attach_members(results)
