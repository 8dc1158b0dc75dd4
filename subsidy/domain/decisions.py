"""The approval decision of a proposal list: its number (số, ký hiệu), date and approving body.

domain.md §5: a list is "approved by the competent authority (decision number and date)"; the
number is then printed on the approved list ("Kèm theo Quyết định số …") and on every receipt
("Căn cứ Quyết định số … ngày … của …"), so it must be a document number, not free text.

The shape of a number follows Nghị định 30/2020/NĐ-CP on clerical work (công tác văn thư),
Phụ lục I, phần I, mục II.3 "Số, ký hiệu của văn bản":

- the number (số) is the order number of the document in the year at the issuing body, written in
  Arabic digits (those below 10 with a leading 0: "05");
- the symbol (ký hiệu) is the abbreviation of the type of document ("QĐ" = Quyết định, Phụ lục III)
  and of the issuing body or the title of the authority ("UBND"), sometimes with the unit that
  drafted it ("12/QĐ-UBND-VX"); it is printed in capitals;
- "Số" is followed by a colon; a slash "/" separates the number from the symbol, hyphens "-"
  separate the groups of the symbol, without spaces ("Số: 123/QĐ-UBND").

Legal normative documents add the year after the number ("45/2026/QĐ-UBND"), as the decree's
own number "30/2020/NĐ-CP" does. So the shape accepted is::

    <số: 1–6 digits, not 0> [ / <năm: 4 digits, 2000–2099> ] / <loại>-<cơ quan>[-<đơn vị>]

The symbol has 2 or 3 groups, each 1–10 capital letters (with Đ) and digits. The first group is
the type of document and must be "QĐ": a list is approved by a *quyết định* (domain.md §5), and
the number is printed as "Quyết định số …" on the approved list and on every receipt, so a
"12/TB-UBND" (thông báo) or "12/KH-UBND" (kế hoạch) would print a false citation; the message
names the type such a number belongs to (OTHER_TYPE_ABBREVIATIONS, from Phụ lục III). The body
(and unit) groups are not fixed (commune, district before 1/7/2025, province, "TTg" …) but are
abbreviations, so a group of digits only ("12/QĐ-2026") is refused with where the year goes.
Nothing may follow the symbol ("12/QĐ-UBND/extra" is refused, not stored "12/QĐ-UBND/EXTRA").

What :func:`normalize_decision_number` puts right (typing noise only; it never changes a digit):
a leading "Số:", "số", "So" (or "Quyết định số", "QĐ số"), spaces around "/" and "-", lower case
("qđ" → "QĐ"), look-alike characters (full-width forms, the Icelandic "Ð" typed for "Đ", en
dashes, division slashes), and the group "QD" typed without a Vietnamese keyboard, which becomes
"QĐ" (Phụ lục III has no type abbreviated "QD", so it can only mean Quyết định). The one
lower-case group in use, "TTg" (Thủ tướng Chính phủ, e.g. 2269/QĐ-TTg of domain.md §1), is kept
as written. A number below 10 is *not* padded to "05": the number stays as the decision bears it;
"012" and "12" are still one number when numbers are compared (:func:`same_number_key`).

Pure Python (standard library only); every error is a :class:`DecisionValueError` (a
``vn.VnValueError``) whose Vietnamese message says what is wrong and gives an example.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from subsidy.domain.calendar import after_today_message
from subsidy.domain.vn import VnValueError

__all__ = [
    "DecisionValueError",
    "DecisionFieldsError",
    "NUMBER_MAX_LENGTH",
    "BODY_MAX_LENGTH",
    "EXAMPLE",
    "normalize_decision_number",
    "same_number_key",
    "clean_approving_body",
    "check_decision_date",
    "Decision",
    "check_decision",
    "citation",
]

#: The column proposal_lists.decision_number (String(64)).
NUMBER_MAX_LENGTH = 64
#: The column proposal_lists.approving_body (String(255)).
BODY_MAX_LENGTH = 255
#: Digits of the order number at most: a body issues far fewer than a million decisions a year.
_NUMBER_MAX_DIGITS = 6

EXAMPLE = "123/QĐ-UBND (hoặc 45/2026/QĐ-UBND)"
_HOW = ("Số quyết định gồm số thứ tự, dấu «/» rồi ký hiệu (chữ in hoa không dấu, chữ Đ, chữ số; "
        f"các nhóm nối bằng «-»), ví dụ {EXAMPLE}.")


class DecisionValueError(VnValueError):
    """A decision number, date or approving body that cannot be right; the message (Vietnamese)
    says what is wrong and how to write it."""


class DecisionFieldsError(DecisionValueError):
    """Several values of one decision are wrong: ``errors`` maps the field ("decision_number",
    "decision_date", "approving_body") to its message, in that order; ``str(err)`` joins them."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))


# --------------------------------------------------------------------------------------------
# The number
# --------------------------------------------------------------------------------------------

# Look-alikes NFKC leaves alone: the Icelandic eth and the African D look exactly like Đ/đ;
# dashes and slashes of every kind.
_LOOKALIKES = str.maketrans({
    "\u00d0": "Đ", "\u00f0": "đ", "\u0189": "Đ", "\u0256": "đ",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2215": "/", "\u2044": "/", "\u29f8": "/",
})
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
# "Số:", "số", "So.", "Quyết định số", "QĐ số" before the number (case-insensitive, NFC text).
_PREFIX = re.compile(r"^(?:(?:quyết\s*định|quyet\s*dinh|qđ|qd)\s*)?(?:số|so)\s*[:.]?\s*(?=\d)", re.IGNORECASE)
_AROUND_SEPARATORS = re.compile(r"\s*([/-])\s*")
_ALLOWED = re.compile(r"[0-9A-Za-zĐđ/\-\s]")
_YEAR = re.compile(r"\d{4}")
_GROUP = re.compile(r"^[0-9A-ZĐ]+$")
_SPECIAL_GROUPS = {"QD": "QĐ", "TTG": "TTg"}
#: The year part of a number ("45/2026/QĐ-UBND"): documents of this century only.
_YEAR_MIN, _YEAR_MAX = 2000, 2099
#: Groups of the symbol: type - issuing body [- drafting unit] ("QĐ-UBND", "QĐ-UBND-VX").
_SYMBOL_MAX_GROUPS = 3
#: Characters of one group of the symbol: an abbreviation ("UBND", "STTTT", "BCĐ389").
_GROUP_MAX_LENGTH = 10
_SYMBOL_HOW = ("Ký hiệu có 2 hoặc 3 nhóm chữ in hoa (có thể kèm chữ số) nối bằng «-», mỗi nhóm 1–10 ký tự, ví dụ "
               "QĐ-UBND, QĐ-UBND-VX, QĐ-TTg.")

#: Type abbreviations of Nghị định 30/2020/NĐ-CP, Phụ lục III (and of the legal documents' own
#: numbers: NĐ, TT, TTLT) other than QĐ, with the type they stand for: a number starting with
#: one of them is a real document, but not the decision approving a list (so the message names it).
OTHER_TYPE_ABBREVIATIONS = {
    "NQ": "nghị quyết", "CT": "chỉ thị", "QC": "quy chế", "QYĐ": "quy định", "TC": "thông cáo",
    "TB": "thông báo", "HD": "hướng dẫn", "CTR": "chương trình", "KH": "kế hoạch", "PA": "phương án",
    "ĐA": "đề án", "DA": "dự án", "BC": "báo cáo", "BB": "biên bản", "TTR": "tờ trình", "HĐ": "hợp đồng",
    "CĐ": "công điện", "BGN": "bản ghi nhớ", "BTT": "bản thỏa thuận", "GUQ": "giấy ủy quyền", "GM": "giấy mời",
    "GGT": "giấy giới thiệu", "GNP": "giấy nghỉ phép", "PG": "phiếu gửi", "PC": "phiếu chuyển", "PB": "phiếu báo",
    "NĐ": "nghị định", "TT": "thông tư", "TTLT": "thông tư liên tịch", "CV": "công văn",
}


def _quote_chars(chars: list[str]) -> str:
    shown = []
    for c in chars:
        q = f"«{c}»" if c.isprintable() and not c.isspace() else f"U+{ord(c):04X}"
        if q not in shown:
            shown.append(q)
    return ", ".join(shown[:5]) + (" …" if len(shown) > 5 else "")


def normalize_decision_number(raw: str | None) -> str:
    """The decision number ``raw`` as it is printed: "Số: 123/qđ-ubnd" → "123/QĐ-UBND",
    "số 12 / qđ-ubnd" → "12/QĐ-UBND", "45/2026/QĐ-UBND" unchanged, "12/QD-UBND-VX" →
    "12/QĐ-UBND-VX" (see the module docstring for what is put right and why).

    Accepted shape after that: an order number of 1 to 6 digits, not 0; "/"; optionally a year
    of 4 digits (2000–2099) and "/"; the symbol "QĐ-<body>[-<unit>]": 2 or 3 groups of 1–10
    capital letters (A–Z, Đ; "TTg") and digits joined by "-", the body and unit groups with a
    letter; no more than NUMBER_MAX_LENGTH (64) characters in all.

    Raises DecisionValueError (Vietnamese: what is wrong, an example) for an empty value,
    characters no document number has (markup such as "<script>", letters with tone marks,
    spaces inside the symbol), no leading number, an order number with letters ("1e3"), 0 or
    over 6 digits, no "/" and symbol, an empty group, anything after the symbol
    ("12/QĐ-UBND/extra"), more than one year or a year not 4 digits in 2000–2099
    ("12/2026/2026/QĐ-UBND"), a symbol without letters, of one group ("12/A") or over 3
    ("12/X-Y-Z-W-V-U-T"), a group over 10 characters, a type other than QĐ, a body group of
    digits only. Source: Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.3; Phụ lục III.
    """
    text = unicodedata.normalize("NFKC", raw or "").translate(_LOOKALIKES)
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    text = " ".join(text.split())
    if not text:
        raise DecisionValueError(f"Hãy nhập số quyết định phê duyệt, ví dụ {EXAMPLE}.")
    text = _PREFIX.sub("", text, count=1)
    text = _AROUND_SEPARATORS.sub(r"\1", text)
    bad = [c for c in text if not _ALLOWED.fullmatch(c)]
    if bad:
        raise DecisionValueError(
            f"Số quyết định có ký tự không dùng trong số văn bản: {_quote_chars(bad)}. {_HOW}")
    if not text[0].isdigit():
        raise DecisionValueError(
            f"Số quyết định «{text}» phải bắt đầu bằng số thứ tự của văn bản (chữ số). {_HOW}")
    if " " in text:
        raise DecisionValueError(
            f"Số quyết định «{text}» có khoảng trắng giữa các chữ: ký hiệu viết liền, không cách chữ. {_HOW}")
    number = text.split("/")[0]  # as typed: a refusal below quotes "1e3", not "1E3"
    text = "/".join("-".join(_SPECIAL_GROUPS.get(g, g) for g in part.split("-"))
                    for part in text.upper().split("/"))
    if len(text) > NUMBER_MAX_LENGTH:
        raise DecisionValueError(
            f"Số quyết định dài {len(text)} ký tự, quá {NUMBER_MAX_LENGTH} ký tự: hãy ghi đúng số và ký hiệu in "
            f"trên quyết định, ví dụ {EXAMPLE}.")
    parts = text.split("/")
    if len(parts) == 1:
        raise DecisionValueError(
            f"Số quyết định «{text}» thiếu dấu «/» và ký hiệu văn bản sau số thứ tự. {_HOW}")
    groups = parts[-1].split("-")
    if any(p == "" for p in parts) or any(g == "" for g in groups):
        raise DecisionValueError(
            f"Số quyết định «{text}» có nhóm ký hiệu trống (hai dấu «/» hoặc «-» liền nhau, hay dấu ở cuối). {_HOW}")
    if not number.isdigit():
        letters = _quote_chars([c for c in number if not c.isdigit()])
        raise DecisionValueError(
            f"Số thứ tự của quyết định «{number}» có {letters} không phải chữ số: số thứ tự chỉ gồm chữ số, đứng "
            f"trước dấu «/» (không viết kiểu 1e3 hay 1.000), ví dụ {EXAMPLE}.")
    if len(number) > _NUMBER_MAX_DIGITS:
        raise DecisionValueError(
            f"Số thứ tự của quyết định «{number}» dài quá {_NUMBER_MAX_DIGITS} chữ số: hãy ghi đúng số in trên "
            f"quyết định, ví dụ {EXAMPLE}.")
    if int(number) == 0:
        raise DecisionValueError(f"Số thứ tự của quyết định phải từ 1 trở lên, ví dụ {EXAMPLE}.")
    # The symbol is the first part after the number with a letter; nothing may follow it.
    symbol_at = next((i for i in range(1, len(parts)) if any(c.isalpha() for c in parts[i])), None)
    if symbol_at is not None and symbol_at < len(parts) - 1:
        raise DecisionValueError(
            f"Số quyết định «{text}» có phần thừa «/{'/'.join(parts[symbol_at + 1:])}» sau ký hiệu "
            f"«{parts[symbol_at]}»: số văn bản kết thúc ở ký hiệu, không ghi gì thêm sau đó, ví dụ {EXAMPLE}.")
    middle = parts[1:-1]
    if len(middle) > 1:
        if all(_YEAR.fullmatch(p) for p in middle):
            raise DecisionValueError(
                f"Số quyết định «{text}» ghi năm {len(middle)} lần ({', '.join(f'«{p}»' for p in middle)}): năm "
                f"ban hành chỉ ghi một lần, ngay sau số thứ tự, ví dụ 45/2026/QĐ-UBND.")
        raise DecisionValueError(
            f"Số quyết định «{text}» có {len(parts) - 1} dấu «/»: số văn bản chỉ có dạng số/ký hiệu hoặc "
            f"số/năm/ký hiệu, ví dụ {EXAMPLE}.")
    if middle:
        year = middle[0]
        if not year.isdigit() or len(year) != 4:
            raise DecisionValueError(
                f"Năm ban hành «{year}» trong số quyết định «{text}» phải đủ 4 chữ số, ví dụ 45/2026/QĐ-UBND; "
                f"quyết định không ghi năm thì bỏ phần này: 45/QĐ-UBND.")
        if not _YEAR_MIN <= int(year) <= _YEAR_MAX:
            raise DecisionValueError(
                f"Năm ban hành «{year}» trong số quyết định «{text}» phải từ {_YEAR_MIN} đến {_YEAR_MAX}: hãy ghi "
                f"đúng năm in trên quyết định, ví dụ 45/2026/QĐ-UBND.")
    symbol = parts[-1]
    if not any(c.isalpha() for c in symbol):
        raise DecisionValueError(
            f"Số quyết định «{text}» thiếu ký hiệu: sau số phải có chữ viết tắt loại văn bản và cơ quan ban hành "
            f"(QĐ-UBND …), ví dụ {EXAMPLE}.")
    if not all(_GROUP.match(g.upper()) for g in groups):  # "TTg" is the one mixed-case group
        raise DecisionValueError(f"Số quyết định «{text}» có ký hiệu không đúng dạng. {_HOW}")
    if len(groups) == 1:
        raise DecisionValueError(
            f"Ký hiệu «{symbol}» của số quyết định «{text}» chỉ có một nhóm: ký hiệu gồm chữ viết tắt loại văn "
            f"bản (QĐ), dấu «-» rồi chữ viết tắt cơ quan ban hành (UBND, TTg …), ví dụ 123/QĐ-UBND. {_SYMBOL_HOW}")
    if len(groups) > _SYMBOL_MAX_GROUPS:
        raise DecisionValueError(
            f"Ký hiệu «{symbol}» của số quyết định «{text}» có {len(groups)} nhóm, nhiều nhất là "
            f"{_SYMBOL_MAX_GROUPS}: loại văn bản (QĐ), cơ quan ban hành (UBND) và, nếu có, đơn vị soạn thảo "
            f"(VX). {_SYMBOL_HOW}")
    long = [g for g in groups if len(g) > _GROUP_MAX_LENGTH]
    if long:
        raise DecisionValueError(
            f"Nhóm «{long[0]}» trong ký hiệu «{symbol}» dài {len(long[0])} ký tự, quá {_GROUP_MAX_LENGTH}: mỗi "
            f"nhóm của ký hiệu là một chữ viết tắt. {_SYMBOL_HOW}")
    kind = groups[0]
    if kind != "QĐ":
        named = OTHER_TYPE_ABBREVIATIONS.get(kind)
        what = (f"«{kind}» là chữ viết tắt của {named}, không phải quyết định" if named
                else f"ký hiệu «{symbol}» không bắt đầu bằng «QĐ»")
        raise DecisionValueError(
            f"Số quyết định «{text}»: {what}. Danh sách được phê duyệt bằng quyết định, nên ký hiệu bắt đầu bằng "
            f"«QĐ» (Quyết định), ví dụ {EXAMPLE}.")
    digits_only = [g for g in groups[1:] if g.isdigit()]
    if digits_only:
        raise DecisionValueError(
            f"Nhóm «{digits_only[0]}» trong ký hiệu «{symbol}» chỉ có chữ số: sau «QĐ-» là chữ viết tắt cơ quan "
            f"ban hành (UBND, TTg …); năm ban hành (nếu có) ghi ngay sau số thứ tự, ví dụ 45/2026/QĐ-UBND.")
    return text


def same_number_key(number: str) -> str:
    """What makes two decision numbers (each as :func:`normalize_decision_number` returns it) the
    same number to a person: the order number without its leading zeros ("012/QĐ-UBND",
    "12/QĐ-UBND" → "12/QĐ-UBND"; "05/QĐ-UBND" → "5/QĐ-UBND"), the rest as it is. For comparing
    only (rule R5-QĐ: one number per body and year): the number itself is stored and printed as
    the decision bears it, since Nghị định 30/2020/NĐ-CP writes those below 10 with a leading 0
    ("05") and a clerk copying "05" must see "05" on the list and the receipts."""
    order, sep, rest = number.partition("/")
    return (order.lstrip("0") or "0") + sep + rest


def register_key(number: str, day: dt.date) -> str:
    """The key under which a commune's register holds a decision (rule R5-QĐ, Nghị định
    30/2020/NĐ-CP, Điều 15: a number runs per issuing body and year): the year of ``day`` and
    :func:`same_number_key` of ``number`` (as :func:`normalize_decision_number` returns it), e.g.
    ("012/QĐ-UBND", 10/07/2025) → "2025:12/QĐ-UBND". Stored with an approved list
    (proposal_lists.decision_key), where the database keeps it unique per commune."""
    return f"{day.year}:{same_number_key(number)}"


# --------------------------------------------------------------------------------------------
# The approving body
# --------------------------------------------------------------------------------------------

#: Punctuation an agency's name may carry: "Ủy ban nhân dân huyện Châu Thành (cũ)", "Sở KH&CN",
#: "UBND tỉnh Đồng Tháp, …".
BODY_PUNCTUATION = frozenset(".,;:-–()/'\"&")


def clean_approving_body(raw: str | None) -> str:
    """The approving body as printed ("của Ủy ban nhân dân xã Phú Tân"): NFC, single spaces.

    Allowed: letters (with Vietnamese diacritics), digits, spaces and the punctuation of
    BODY_PUNCTUATION; at least two letters; at most BODY_MAX_LENGTH (255) characters. Raises
    DecisionValueError for an empty value, markup or other symbols ("<", ">", "=", "{" …),
    control characters, no letters, or too long. Source: domain.md §5, §7 (the name is printed
    on the approved list and on receipts).
    """
    text = " ".join(unicodedata.normalize("NFC", _INVISIBLE.sub("", raw or "")).split())
    example = "ví dụ «Ủy ban nhân dân xã Phú Tân»"
    if not text:
        raise DecisionValueError(f"Hãy nhập cơ quan phê duyệt, {example}.")
    bad = [c for c in text if not (c == " " or c in BODY_PUNCTUATION
                                   or unicodedata.category(c)[0] in "LMN")]
    if bad:
        raise DecisionValueError(
            f"Cơ quan phê duyệt có ký tự không dùng trong tên cơ quan: {_quote_chars(bad)}. Chỉ ghi chữ, số, "
            f"khoảng trắng và dấu câu thường (. , ; : - ( ) / ' \" &), {example}.")
    if sum(c.isalpha() for c in text) < 2:
        raise DecisionValueError(f"Cơ quan phê duyệt phải là tên cơ quan, {example}.")
    if len(text) > BODY_MAX_LENGTH:
        raise DecisionValueError(
            f"Tên cơ quan phê duyệt dài {len(text)} ký tự, quá {BODY_MAX_LENGTH} ký tự: hãy viết ngắn lại, {example}.")
    return text


# --------------------------------------------------------------------------------------------
# The date, and the three together
# --------------------------------------------------------------------------------------------


def check_decision_date(day: dt.date | None, *, list_created_on: dt.date, today: dt.date,
                        recorded_on: dt.date | None = None) -> dt.date:
    """``day``, the date of the decision approving a list made on ``list_created_on``, when it is
    plausible: not after ``today`` (Asia/Ho_Chi_Minh), not before the list was made, and, for a
    correction of an approval already recorded on ``recorded_on``, not after that day either (a
    decision is signed before its approval is entered; handovers may already date from then).

    Raises DecisionValueError (Vietnamese, with the dates dd/mm/yyyy; a day after today with the one
    message of domain.calendar.after_today_message) otherwise, or when ``day`` is None. Source:
    domain.md §5 (proposed → approved by the decision).
    """
    if day is None:
        raise DecisionValueError("Hãy nhập ngày quyết định (dd/mm/yyyy), ví dụ 10/07/2025.")
    # the dates allowed are said only when they are list day → today (a correction is capped lower)
    future = after_today_message(day, "Ngày quyết định", today, fix="Hãy ghi ngày ký in trên quyết định.",
                                 earliest=list_created_on if recorded_on is None else None)
    if future:
        raise DecisionValueError(future)
    if day < list_created_on:
        raise DecisionValueError(
            f"Ngày quyết định không được trước ngày lập danh sách ({list_created_on:%d/%m/%Y}): quyết định "
            f"phê duyệt ký sau khi có danh sách. Hãy ghi ngày ký in trên quyết định.")
    if recorded_on is not None and day > recorded_on:
        raise DecisionValueError(
            f"Ngày quyết định không được sau ngày đã ghi nhận phê duyệt trên hệ thống ({recorded_on:%d/%m/%Y}): "
            f"quyết định đã có khi ghi nhận. Hãy ghi ngày ký in trên quyết định.")
    return day


@dataclass(frozen=True)
class Decision:
    """A checked approval decision, as stored and printed."""

    number: str
    date: dt.date
    body: str

    @property
    def citation(self) -> str:
        """The decision as cited: see :func:`citation`."""
        return citation(self.number, self.date, self.body)


def citation(number: str | None, day: dt.date | None = None, body: str | None = None) -> str:
    """How a document cites a decision: "Quyết định số 312/QĐ-UBND ngày 10/07/2025 của Ủy ban nhân
    dân xã Phú Tân". ``number`` as stored; ``day`` printed dd/mm/yyyy; each of the "số …", "ngày …"
    and "của …" parts is left out when its value is None or empty ("Quyết định ngày 05/01/2026" for
    a household list's decision known by its date only). The approved list ("Kèm theo …"), every
    receipt, the audit reason of an approval, the list pages and an E1 result all cite so. Never
    raises. Source: domain.md §5, §7; Nghị định 30/2020/NĐ-CP (a document is cited by its type,
    number, date and issuing body)."""
    parts = ["Quyết định"]
    if number:
        parts.append(f"số {number}")
    if day:
        parts.append(f"ngày {day:%d/%m/%Y}")
    if body:
        parts.append(f"của {body}")
    return " ".join(parts)


def check_decision(number: str | None, day: dt.date | None, body: str | None, *, list_created_on: dt.date,
                   today: dt.date, recorded_on: dt.date | None = None) -> Decision:
    """The three facts of an approval decision, each checked (normalize_decision_number,
    check_decision_date, clean_approving_body). Raises DecisionFieldsError with every field that
    is wrong (keys "decision_number", "decision_date", "approving_body"), so one submit shows all
    the mistakes."""
    errors: dict[str, str] = {}
    out: dict[str, object] = {}
    for field, check in (("decision_number", lambda: normalize_decision_number(number)),
                         ("decision_date", lambda: check_decision_date(day, list_created_on=list_created_on,
                                                                       today=today, recorded_on=recorded_on)),
                         ("approving_body", lambda: clean_approving_body(body))):
        try:
            out[field] = check()
        except DecisionValueError as err:
            errors[field] = str(err)
    if errors:
        raise DecisionFieldsError(errors)
    return Decision(out["decision_number"], out["decision_date"], out["approving_body"])  # type: ignore[arg-type]
