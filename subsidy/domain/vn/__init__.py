"""Vietnamese data conventions: citizen IDs, phones, names, search and sort keys, money, dates,
IMEI, masking, counts — one module per topic:

========== ====================================================================================
ids        CCCD / CMND numbers and the province codes (Thông tư 07/2016/TT-BCA)
phone      mobile numbers
names      people's names (what a name may contain, casing)
search     the search key (case and diacritics folded)
sorting    the Vietnamese order of names (the one sort key, stored in ``households.sort_key``)
counts     counts of things with dot thousands separators (the one grouping of digits)
money      amounts in đồng and in words
dates      dd/mm/yyyy and the "place, date" line (which day it is: subsidy.domain.calendar)
imei       a handset's IMEI
masking    what the public may see of a name, an ID, a phone
digits     digit strings as typed (separators, full-width digits, Excel number cells)
words      text as names and places read it (NFC, compatibility forms folded, invisible
           characters dropped or read as a space) and cut into words, shared by the above;
           free text without the characters no stored text may hold
echo       a typed value as an error message quotes it back (one line, cut short)
errors     VnValueError, the one error of them all
========== ====================================================================================

Callers use the package: ``from subsidy.domain import vn; vn.normalize_phone(raw)``.

Pure Python (standard library, subsidy.domain.calendar and labels.sentence only): imports neither Flask nor
SQLAlchemy, so the importer, the web layer and the document generators can all share it.

Source for every rule here is ``docs/domain.md`` §9 (Vietnamese data conventions) unless a
function's docstring names another one (Thông tư 07/2016/TT-BCA for CCCD province codes,
Nghị định 30/2020/NĐ-CP for the "place, date" line of an official document).

Error messages are in Vietnamese because they are shown to a commune clerk: each one says what was
wrong and how to fix it.  Every error raised by this package is a :class:`VnValueError`.
"""
from __future__ import annotations

from .dates import format_date, missing_day, parse_date, place_date_line
from .echo import ECHO_MAX_LENGTH, echo
from .digits import normalize_digits, restore_leading_zeros
from .errors import VnValueError
from .ids import PROVINCE_CODES, IdCheck, check_citizen_id
from .imei import check_imei
from .masking import ID_SHOWN, PHONE_SHOWN, mask_id, mask_ids_in_text, mask_name, mask_phone
from .counts import format_count
from .money import amount_in_words, format_money
from .names import (
    NAME_MAX_LENGTH, NAME_MIN_LETTERS, describe_char, normalize_name, normalize_optional_name, signer_name_problem,
)
from .phone import MOBILE_SECOND_DIGITS, normalize_phone
from .search import fold
from .sorting import sort_key_text
from .words import clean_text, storable_text

__all__ = [
    "ECHO_MAX_LENGTH",
    "echo",
    "missing_day",
    "VnValueError",
    "PROVINCE_CODES",
    "normalize_digits",
    "IdCheck",
    "check_citizen_id",
    "restore_leading_zeros",
    "normalize_phone",
    "MOBILE_SECOND_DIGITS",
    "NAME_MAX_LENGTH",
    "NAME_MIN_LETTERS",
    "normalize_name",
    "normalize_optional_name",
    "signer_name_problem",
    "describe_char",
    "fold",
    "clean_text",
    "storable_text",
    "sort_key_text",
    "amount_in_words",
    "format_money",
    "format_count",
    "format_date",
    "parse_date",
    "place_date_line",
    "check_imei",
    "mask_name",
    "mask_id", "mask_ids_in_text",
    "mask_phone",
    "ID_SHOWN",
    "PHONE_SHOWN",
]
