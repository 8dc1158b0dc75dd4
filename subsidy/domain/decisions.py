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
own number "30/2020/NĐ-CP" does. The approving body may be the commune, the district (before
1/7/2025) or the province, so the symbol is not fixed here: any groups of capital letters (with
Đ) and digits, at least one of them with a letter.

What :func:`normalize_decision_number` puts right (typing noise only; it never changes a digit):
a leading "Số:", "số", "So" (or "Quyết định số", "QĐ số"), spaces around "/" and "-", lower case
("qđ" → "QĐ"), look-alike characters (full-width forms, the Icelandic "Ð" typed for "Đ", en
dashes, division slashes), and the group "QD" typed without a Vietnamese keyboard, which becomes
"QĐ" (Phụ lục III has no type abbreviated "QD", so it can only mean Quyết định). The one
lower-case group in use, "TTg" (Thủ tướng Chính phủ, e.g. 2269/QĐ-TTg of domain.md §1), is kept
as written. A number below 10 is *not* padded to "05": the number stays as the decision bears it.

Pure Python (standard library only); every error is a :class:`DecisionValueError` (a
``vn.VnValueError``) whose Vietnamese message says what is wrong and gives an example.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from subsidy.domain.vn import VnValueError

__all__ = [
    "DecisionValueError",
    "DecisionFieldsError",
    "NUMBER_MAX_LENGTH",
    "BODY_MAX_LENGTH",
    "EXAMPLE",
    "normalize_decision_number",
    "clean_approving_body",
    "check_decision_date",
    "Decision",
    "check_decision",
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
_SHAPE = re.compile(r"^(\d+)/(.*)$")
_GROUP = re.compile(r"^[0-9A-ZĐ]+$")
_SPECIAL_GROUPS = {"QD": "QĐ", "TTG": "TTg"}


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

    Accepted shape after that: an order number of 1 to 6 digits, not 0; "/"; groups of capital
    letters (A–Z, Đ; "TTg") and digits separated by "/" or "-", at least one group with a
    letter; no more than NUMBER_MAX_LENGTH (64) characters in all.

    Raises DecisionValueError (Vietnamese: what is wrong, an example) for an empty value,
    characters no document number has (markup such as "<script>", letters with tone marks,
    spaces inside the symbol), no leading number, no "/" and symbol, an empty group, a symbol
    without letters, a number 0 or too long. Source: Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.3.
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
    text = "/".join("-".join(_SPECIAL_GROUPS.get(g, g) for g in part.split("-"))
                    for part in text.upper().split("/"))
    if len(text) > NUMBER_MAX_LENGTH:
        raise DecisionValueError(
            f"Số quyết định dài {len(text)} ký tự, quá {NUMBER_MAX_LENGTH} ký tự: hãy ghi đúng số và ký hiệu in "
            f"trên quyết định, ví dụ {EXAMPLE}.")
    m = _SHAPE.match(text)
    if m is None:
        raise DecisionValueError(
            f"Số quyết định «{text}» thiếu dấu «/» và ký hiệu văn bản sau số thứ tự. {_HOW}")
    number, symbol = m.groups()
    if len(number) > _NUMBER_MAX_DIGITS:
        raise DecisionValueError(
            f"Số thứ tự của quyết định «{number}» dài quá {_NUMBER_MAX_DIGITS} chữ số: hãy ghi đúng số in trên "
            f"quyết định, ví dụ {EXAMPLE}.")
    if int(number) == 0:
        raise DecisionValueError(f"Số thứ tự của quyết định phải từ 1 trở lên, ví dụ {EXAMPLE}.")
    groups = re.split(r"[/-]", symbol)
    if any(g == "" for g in groups):
        raise DecisionValueError(
            f"Số quyết định «{text}» có nhóm ký hiệu trống (hai dấu «/» hoặc «-» liền nhau, hay dấu ở cuối). {_HOW}")
    if not all(_GROUP.match(g.upper()) for g in groups):  # "TTg" is the one mixed-case group
        raise DecisionValueError(f"Số quyết định «{text}» có ký hiệu không đúng dạng. {_HOW}")
    if not any(any(c.isalpha() for c in g) for g in groups):
        raise DecisionValueError(
            f"Số quyết định «{text}» thiếu ký hiệu: sau số phải có chữ viết tắt loại văn bản và cơ quan ban hành "
            f"(QĐ-UBND …), ví dụ {EXAMPLE}.")
    return text


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

    Raises DecisionValueError (Vietnamese, with the dates dd/mm/yyyy) otherwise, or when ``day``
    is None. Source: domain.md §5 (proposed → approved by the decision).
    """
    if day is None:
        raise DecisionValueError("Hãy nhập ngày quyết định (dd/mm/yyyy), ví dụ 10/07/2025.")
    if day > today:
        raise DecisionValueError(
            f"Ngày quyết định không được sau ngày hôm nay: {day:%d/%m/%Y} là ngày chưa tới (hôm nay "
            f"{today:%d/%m/%Y}). Hãy ghi ngày ký in trên quyết định.")
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
