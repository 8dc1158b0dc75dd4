"""Reading the commune's poor / near-poor household list as it arrives (Excel or CSV).

Pure Python (standard library and :mod:`subsidy.domain.vn` only): no Flask, no SQLAlchemy, no
file I/O.  The importer (``subsidy.services.importer``) opens the file and feeds the rows here as
tuples of cell values (``None``, ``str``, ``int``, ``float``, ``datetime``, …).  One module per job:

* :mod:`.header` finds the table header, even two rows deep with merged group cells ("Phân loại
  hộ" over "Nghèo" / "Cận nghèo"), by matching folded column names and their usual variants
  (:func:`find_header`), and reads the list year from a title such as "DANH SÁCH HỘ NGHÈO … NĂM
  2025" (:func:`find_list_year`);
* :mod:`.cells` reads one cell as the value stored (household code, ID digits never through a
  lossy float, phone, birth year, sex, members, x marks, places);
* :mod:`.rows` turns each row under the header into a normalised :class:`HouseholdRecord`, a list
  of Vietnamese error messages, or a skip reason for blank, total and signature rows
  (:class:`RowParser`), and flags duplicate household codes and CCCDs inside the file
  (:func:`mark_file_duplicates`);
* :mod:`.members` reads a per-person list's member rows (relation to the head, birth, sex, ID),
  attached to the head's row above them (:func:`attach_members`, through :func:`finish_rows`);
* :mod:`.search` holds the folded search key of a household and the words of a search query.

Sources: shared/data/README.md (what real lists look like); domain.md §9 (CCCD, phone, names,
dates dd/mm/yyyy); Nghị định 07/2021/NĐ-CP (poor / near-poor categories).
"""
from __future__ import annotations

from subsidy.domain.household_list.cells import (
    CODE_MAX_LENGTH, CODE_MIN_LENGTH, EARLIEST_BIRTH_YEAR, head_birth_year_message, id_digits,
    normalize_household_code, parse_birth, parse_birth_year,
    parse_name, parse_person_id, parse_phone,
)
from subsidy.domain.household_list.header import (
    COLUMN_LABELS, HEADER_SEARCH_ROWS, LEFT_NEAR_POOR, LEFT_POOR, LIST_SHEET, Header,
    FIRST_LIST_YEAR, ListFormatError, find_header, find_list_year, list_year_problem, list_year_range,
    looks_like_header, normalize_label, sheet_kind, title_year_mismatch,
)
from subsidy.domain.household_list.members import (
    RELATION_MAX_LENGTH, MemberRecord, attach_members, is_head_relation, parse_member, tidy_relation,
)
from subsidy.domain.household_list.rows import (
    BLANK_ROW, REPEATED_HEADER, HouseholdRecord, RowParser, RowResult, finish_rows, mark_file_duplicates,
)
from subsidy.domain.household_list.search import household_search_text, search_tokens

__all__ = [
    "ListFormatError",
    "Header",
    "HouseholdRecord",
    "RowResult",
    "RowParser",
    "BLANK_ROW",
    "COLUMN_LABELS",
    "HEADER_SEARCH_ROWS",
    "normalize_label",
    "find_header",
    "find_list_year",
    "FIRST_LIST_YEAR",
    "list_year_range",
    "list_year_problem",
    "title_year_mismatch",
    "mark_file_duplicates",
    "finish_rows",
    "REPEATED_HEADER",
    "looks_like_header",
    "sheet_kind",
    "LIST_SHEET",
    "LEFT_POOR",
    "LEFT_NEAR_POOR",
    "MemberRecord",
    "RELATION_MAX_LENGTH",
    "attach_members",
    "is_head_relation",
    "parse_member",
    "tidy_relation",
    "parse_birth",
    "parse_name",
    "parse_person_id",
    "normalize_household_code",
    "id_digits",
    "parse_phone",
    "parse_birth_year",
    "EARLIEST_BIRTH_YEAR",
    "head_birth_year_message",
    "CODE_MIN_LENGTH",
    "CODE_MAX_LENGTH",
    "household_search_text",
    "search_tokens",
]
