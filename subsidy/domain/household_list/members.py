"""The members of a household in a list kept one row per person (the annual review's export).

The head's row carries the household's facts (code, hamlet, category, "Số nhân khẩu", …); the
rows under it carry only a member's name, relation to the head ("Quan hệ với chủ hộ": Vợ, Con,
Mẹ …), date or year of birth, sex and personal ID (children often have none).  This module reads
one member's cells (:func:`parse_member`), tells a head's relation from a member's
(:func:`is_head_relation`), words the reasons a member's row cannot be taken
(:func:`member_row_reason`), and completes each household once the file is read
(:func:`attach_members`): a member's error stops its household, a member count that disagrees
with "Số nhân khẩu" is a warning (the head row's count is kept when the clerk confirms).

Pure Python.  Sources: the review lists' shapes (Thông tư 07/2021/TT-BLĐTBXH forms); domain.md
§9 (names NFC, CCCD checked against birth year and sex).
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Sequence

from subsidy.domain import vn
from subsidy.domain.household_list.cells import cell_text, parse_birth, parse_gender, parse_name, parse_person_id
from subsidy.domain.household_list.header import normalize_label

#: Longest relation kept ("Con dâu", "Cháu nội", "Em ruột" …); ``household_members.relation``.
RELATION_MAX_LENGTH = 40

# Not "chu" / "co" / "nguoi": "Chủ tịch", "Cơ quan", "Người lập biểu" start signature lines (rows
# with those relations still read as members, through the slower checks).
_KIN_WORDS = frozenset({
    "vo", "chong", "con", "cha", "me", "bo", "ong", "ba", "chau", "anh", "chi", "em", "di", "bac",
    "cau", "mo", "thim", "mu", "cu", "chat", "chut",
})
# How the head's own row names its relation to the head.
_HEAD_RELATIONS = frozenset({"chu ho", "ch", "chu ho gia dinh", "ban than", "la chu ho", "chuho"})


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """One member of a household, normalised as it will be stored.

    ``name`` NFC, single spaces (:func:`vn.normalize_name`); ``relation`` as written, tidied
    ("vợ" → "Vợ"), or ``None``; ``birth_date`` when the file gives a full date, ``birth_year``
    whenever a year is known; ``gender`` ``"M"`` / ``"F"`` / ``None``; ``citizen_id`` 12 (CCCD) or
    9 (CMND) digits or ``None`` with its ``citizen_id_kind`` and the ``citizen_id_warning`` of a
    mismatch with the birth year or sex (confirmed by importing).
    """

    name: str
    relation: str | None
    birth_date: dt.date | None
    birth_year: int | None
    gender: str | None
    citizen_id: str | None
    citizen_id_kind: str | None
    citizen_id_warning: str | None


def is_head_relation(value: Any) -> bool:
    """True when a "Quan hệ với chủ hộ" cell says the row is the head's own ("Chủ hộ", "CH",
    "Bản thân"); an empty cell is not decided here."""
    if value.__class__ is str:
        return _is_head_text(value)
    return normalize_label(cell_text(value)) in _HEAD_RELATIONS


@lru_cache(maxsize=1024)
def is_kin_relation(text: str) -> bool:
    """True when a relation cell's text starts with a kinship word ("Vợ", "Con dâu", "Cháu nội",
    "Mẹ vợ", "Em ruột" …): the row is surely a member's, not a total or signature line."""
    words = normalize_label(text).split()
    return bool(words) and words[0] in _KIN_WORDS


@lru_cache(maxsize=1024)
def _is_head_text(text: str) -> bool:
    # A list repeats a dozen relation words over thousands of rows: each is folded once.
    return normalize_label(text) in _HEAD_RELATIONS


def tidy_relation(value: Any) -> str | None:
    """A relation cell as stored: NFC, single spaces, first letter capital ("con  DÂU" → "Con dâu"
    only when written all in one case; mixed case is kept).  ``None`` for an empty cell.

    Raises :class:`vn.VnValueError` when longer than :data:`RELATION_MAX_LENGTH` characters."""
    text = " ".join(unicodedata.normalize("NFC", cell_text(value)).split())
    if not text:
        return None
    if len(text) > RELATION_MAX_LENGTH:
        raise vn.VnValueError(
            f"Quan hệ với chủ hộ «{vn.echo(text)}» dài quá {RELATION_MAX_LENGTH} ký tự: ghi ngắn gọn, ví dụ "
            "Vợ, Chồng, Con, Mẹ, Cháu."
        )
    if text.isupper() or text.islower():
        text = text[0].upper() + text[1:].lower()
    return text


_tidy_relation_text = lru_cache(maxsize=1024)(tidy_relation)


def person_fields(cells: Mapping[str, Any]) -> dict[str, Any]:
    """The cells of a member's row that describe the person: name (the member-name column when
    the list has one, else the name column), relation, birth, sex, ID."""
    name = cells.get("member_name")
    if name is None:
        name = cells.get("head_name")
    return {"name": name, "relation": cells.get("relation"), "birth": cells.get("birth_year"),
            "gender": cells.get("gender"), "citizen_id": cells.get("citizen_id")}


def parse_member(fields: Mapping[str, Any], this_year: int) -> tuple[MemberRecord | None, list[str]]:
    """Read one member from :func:`person_fields`.  Returns ``(record, [])`` or ``(None, errors)``
    (Vietnamese messages, one per wrong cell).  The name is required; everything else may be
    empty.  The ID is checked like the head's (:func:`parse_person_id`)."""
    errors: list[str] = []
    name = ""
    try:
        name = parse_name(fields.get("name"))
    except vn.VnValueError as err:
        errors.append(f"Thành viên: {err}")
    relation = None
    raw_relation = fields.get("relation")
    try:
        relation = _tidy_relation_text(raw_relation) if raw_relation.__class__ is str else tidy_relation(raw_relation)
    except vn.VnValueError as err:
        errors.append(str(err))
    birth_date = birth_year = None
    try:
        birth_date, birth_year = parse_birth(fields.get("birth"), this_year)
    except vn.VnValueError as err:
        errors.append(str(err))
    raw_gender = fields.get("gender")
    gender = None
    try:
        gender = parse_gender(raw_gender)
    except vn.VnValueError as err:
        errors.append(str(err))
    citizen_id = kind = warning = None
    raw_id = fields.get("citizen_id")
    if raw_id is not None and cell_text(raw_id):
        try:
            citizen_id, kind, warning = parse_person_id(raw_id, birth_year, gender)
        except vn.VnValueError as err:
            errors.append(str(err))
    if errors:
        return None, errors
    return MemberRecord(name, relation, birth_date, birth_year, gender, citizen_id, kind, warning), []


def member_row_reason(kind: str, **kw: Any) -> str:
    """The Vietnamese reason a row of a per-person list cannot be taken as it is.

    ``kind``: ``"orphan"`` (a member's row before any head's row: ``name``, ``relation``),
    ``"no_facts"`` (a head's row without the household's facts: ``name``, ``relation``),
    ``"other_code"`` (a member's row naming another household code: ``code``, ``head_code``,
    ``head_row``), ``"member_error"`` (on the head's row: ``row``, ``name``, ``error``),
    ``"count"`` (a warning: ``listed``, ``declared``).
    """
    if kind == "orphan":
        rel = f" ({kw['relation']})" if kw.get("relation") else ""
        return (f"Dòng thành viên «{kw.get('name') or '?'}»{rel} đứng trước mọi dòng chủ hộ nên không biết thuộc hộ "
                "nào. Hãy đặt dòng này ngay dưới dòng chủ hộ của hộ mình (dòng có mã hộ, ấp, phân loại hộ).")
    if kind == "no_facts":
        said = f" (quan hệ «{kw['relation']}»)" if kw.get("relation") else " (không ghi quan hệ với chủ hộ)"
        return (f"Dòng «{kw.get('name') or '?'}»{said} được đọc là dòng chủ hộ nhưng không có thông tin của hộ: "
                "mã hộ, ấp, số nhân khẩu, phân loại hộ. Nếu là chủ hộ, hãy ghi các ô đó; nếu là thành viên, hãy "
                "ghi quan hệ với chủ hộ (Vợ, Con, …) và đặt dòng ngay dưới dòng chủ hộ.")
    if kind == "other_code":
        return (f"Dòng thành viên ghi mã hộ {kw['code']}, khác mã hộ {kw['head_code']} của chủ hộ ở dòng "
                f"{kw['head_row']} ngay trên. Hãy kiểm tra lại: dòng thành viên phải nằm dưới dòng chủ hộ của hộ mình.")
    if kind == "member_error":
        return f"Dòng {kw['row']} (thành viên «{kw.get('name') or '?'}»): {kw['error']}"
    if kind == "count":
        return (f"Số nhân khẩu ghi {kw['declared']} nhưng danh sách liệt kê {kw['listed']} người (chủ hộ và "
                f"{kw['listed'] - 1} thành viên). Khi xác nhận nhập, số nhân khẩu {kw['declared']} ở dòng chủ hộ "
                "được giữ; nếu sai, hãy sửa tệp rồi tải lên lại.")
    raise ValueError(kind)


def attach_members(results: Sequence[Any]) -> None:
    """Complete every household of a per-person list once all its rows are read (and the
    duplicates inside the file marked): a member's row with an error makes its household an
    error (named on the head's row, nothing half-imported); a head row's "Số nhân khẩu" that
    disagrees with the people listed is a warning (the head row's count is kept); an empty
    "Số nhân khẩu" becomes the count of people listed; ``record.people`` gets the members.

    ``results``: the :class:`~.rows.RowResult` objects of the file, in order.  Changes them in
    place; a file in the per-household layout (no member rows) is left as it is.
    """
    for r in results:
        rows = r.member_rows
        if r.skip_reason is not None or r.head is not None or r.member is not None:
            continue
        for m in rows:
            for error in m.errors:
                r.errors.append(member_row_reason("member_error", row=m.number, name=m.raw_name, error=error))
        if r.errors:
            r.record = None
            continue
        rec = r.record
        if rec is None:
            continue
        listed = 1 + len(rows)
        if rec.members is None:
            rec.members = listed
        elif rec.members != listed:
            r.warnings.append(member_row_reason("count", listed=listed, declared=rec.members))
        rec.people = tuple(m.member for m in rows)
        for m in rows:
            if m.member.citizen_id_warning:
                r.warnings.append(f"Thành viên {m.member.name} (dòng {m.number}): {m.member.citizen_id_warning}")
