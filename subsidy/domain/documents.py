"""The data of the printed documents that services build and subsidy.documents renders: the
issuing body printed on every document, the intake slip, the proposal and approved lists. Pure
data (no reportlab, no database); the receipt's data is subsidy.domain.receipt, the reports'
subsidy.domain.reports.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from subsidy.domain import vn
from subsidy.domain.decisions import citation
from subsidy.domain.labels import CATEGORY_LABELS


#: The abbreviation of each document kind in a ký hiệu (Nghị định 30/2020/NĐ-CP, Phụ lục III: BB biên
#: bản, BC báo cáo, QĐ quyết định, TB thông báo; "BN" giấy biên nhận and "DS" danh sách are the commune's own, as
#: ND30 lets a body name kinds it does not list). Configurable per kind (DOC_KIND_CODES).
DEFAULT_KIND_CODES: tuple[tuple[str, str], ...] = (
    ("handover", "BB"), ("cash", "BN"), ("list", "DS"), ("report", "BC"), ("decision", "QĐ"), ("notice", "TB"),
)


#: What an issuing body's signature block prints in place of the typed name when the body records no
#: signer's name: a dotted line to write it by hand. The block carries the authority, the title and
#: the name (Nghị định 30/2020/NĐ-CP, Phụ lục I, ô 7; domain.md §7); printing nothing there would read
#: as a block that needs no name.
NAME_BY_HAND = "." * 30


def signer_name_printed(name: str | None) -> str:
    """The typed name every document prints under its issuing body's signature (receipts, lists,
    reports, complaint documents): ``name`` (the signer recorded: the commune's,
    services.communes.issuer_of, or the province's, services.instance_settings.province_issuer),
    or :data:`NAME_BY_HAND` when it is blank. ``signer_name_printed("Trần Văn Bình")`` → ``"Trần
    Văn Bình"``; ``signer_name_printed("")`` → ``NAME_BY_HAND`` (30 dots). A receipt decides it when
    issued and keeps it in its snapshot (a reprint prints the same; receipts issued before keep their
    "" and print no name); documents without a snapshot decide it when they are printed."""
    return (name or "").strip() or NAME_BY_HAND


@dataclass(frozen=True)
class Signer:
    """Who signs for the issuing body (Nghị định 30/2020/NĐ-CP, Phụ lục I, "quyền hạn, chức vụ, họ tên
    của người ký"): printed bold capitals, then the typed name (bold) under the space to sign.

    ``authority``: "TM. ỦY BAN NHÂN DÂN" (thay mặt the collective body) or "" when the holder signs in
    their own right; ``deputy``: "KT. CHỦ TỊCH" when a vice-chairman signs for the chairman (ký thay),
    "" otherwise; ``title``: "PHÓ CHỦ TỊCH"; ``name``: the full name, "" when none is recorded (the
    documents print :data:`NAME_BY_HAND` in its place, :attr:`printed_name`).
    """

    authority: str = "TM. ỦY BAN NHÂN DÂN"
    deputy: str = "KT. CHỦ TỊCH"
    title: str = "PHÓ CHỦ TỊCH"
    name: str = ""

    @property
    def role_lines(self) -> tuple[str, ...]:
        """The capitals above the signature, one a line: ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH"); empty parts left out."""
        return tuple(x.strip() for x in (self.authority, self.deputy, self.title) if x and x.strip())

    @property
    def printed_name(self) -> str:
        """The typed name as printed under the signature: :func:`signer_name_printed` of ``name``."""
        return signer_name_printed(self.name)

    @property
    def role(self) -> str:
        """:attr:`role_lines` joined with "\\n"."""
        return "\n".join(self.role_lines)


@dataclass(frozen=True)
class Issuer:
    """The issuing body printed top left of a document, and who signs for it (configuration today;
    the commune's record once communes are data; domain.md §1, §10).

    ``body_upper``: the superior body, upper case, e.g. ``"UBND TỈNH ĐỒNG THÁP"``,
    or ``""`` when there is none (two-tier local government since 1/7/2025).
    ``body``: the issuing body, upper case, e.g. ``"ỦY BAN NHÂN DÂN XÃ PHÚ TÂN"``.
    ``place``: the place name used in the place-and-date line, e.g. ``"Phú Tân"``.
    ``abbreviation``: the body's part of a ký hiệu ("UBND": "07/BB-UBND").
    ``signer``: who signs for the body (:class:`Signer`).
    ``recipients``: the "Nơi nhận" entries of lists and reports, before the archive line
    (e.g. ``("Sở Khoa học và Công nghệ", "Chủ tịch, các PCT UBND xã")``);
    ``archive``: the units keeping a copy, printed last as "- Lưu: VT, VP-TK.".
    ``kind_codes``: (document kind, abbreviation) pairs, see :data:`DEFAULT_KIND_CODES`.
    """

    body_upper: str
    body: str
    place: str
    abbreviation: str = "UBND"
    signer: Signer = field(default_factory=Signer)
    recipients: tuple[str, ...] = ("Sở Khoa học và Công nghệ", "Chủ tịch, các Phó Chủ tịch UBND xã")
    archive: str = "VT, VP-TK"
    kind_codes: tuple[tuple[str, str], ...] = DEFAULT_KIND_CODES

    def symbol(self, kind: str) -> str:
        """The ký hiệu of a document of ``kind`` issued by this body: ``symbol("handover")`` →
        ``"BB-UBND"`` (Nghị định 30/2020/NĐ-CP, Phụ lục I: kind abbreviation, hyphen, body
        abbreviation). Raises KeyError for a kind with no abbreviation."""
        return f"{dict(self.kind_codes)[kind]}-{self.abbreviation}"

    def recipient_lines(self, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
        """The "Nơi nhận" entries as printed: "- X;" each, then "- Lưu: VT, VP-TK." (Phụ lục I:
        each entry on its own line starting with a hyphen, ending with ";", the last with ".")."""
        lines = [f"- {r.strip().rstrip(';.')};" for r in (*extra, *self.recipients) if r and r.strip()]
        return (*lines, f"- Lưu: {self.archive.strip().rstrip('.')}.")

    @classmethod
    def from_config(cls, config: Any) -> "Issuer":
        """The issuer the app is configured with (subsidy/config.py): COMMUNE_BODY_UPPER,
        COMMUNE_BODY, COMMUNE_PLACE (falls back to "Phú Tân" when empty), COMMUNE_ABBREVIATION,
        SIGNER_AUTHORITY / SIGNER_DEPUTY / SIGNER_TITLE / SIGNER_NAME, DOC_RECIPIENTS and
        DOC_ARCHIVE (";"-separated entries), DOC_KIND_CODES ("handover=BB;cash=BN;…", merged
        over the defaults). Missing keys keep the defaults."""
        d = cls(body_upper="", body="ỦY BAN NHÂN DÂN XÃ", place="Phú Tân")
        ds = d.signer

        def get(key: str, default: str) -> str:
            value = config.get(key)
            return default if value is None else str(value)

        signer = Signer(authority=get("SIGNER_AUTHORITY", ds.authority), deputy=get("SIGNER_DEPUTY", ds.deputy),
                        title=get("SIGNER_TITLE", ds.title), name=get("SIGNER_NAME", ds.name).strip())
        recipients = config.get("DOC_RECIPIENTS")
        if isinstance(recipients, str):
            recipients = tuple(r.strip() for r in recipients.split(";") if r.strip())
        return cls(body_upper=config.get("COMMUNE_BODY_UPPER", "") or "",
                   body=config.get("COMMUNE_BODY", d.body) or d.body,
                   place=config.get("COMMUNE_PLACE", "") or d.place,
                   abbreviation=config.get("COMMUNE_ABBREVIATION") or d.abbreviation,
                   signer=signer,
                   recipients=tuple(recipients) if recipients is not None else d.recipients,
                   archive=config.get("DOC_ARCHIVE") or d.archive,
                   kind_codes=parse_kind_codes(config.get("DOC_KIND_CODES") or ""))


#: The signer of a department of the province (Sở): the director signs in their own right, a deputy
#: director for him ("KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC"); a Sở is not a collective body, so no "TM."
#: line (Nghị định 30/2020/NĐ-CP, Phụ lục I, ô 7).
DEPARTMENT_SIGNER = Signer(authority="", deputy="KT. GIÁM ĐỐC", title="PHÓ GIÁM ĐỐC")
#: The words after which a body's name names its province or city ("… TỈNH ĐỒNG THÁP").
_PLACE_WORDS = ("TỈNH", "THÀNH PHỐ", "TP.")


def _is_department(body: str) -> bool:
    return unicodedata.normalize("NFC", body).strip().upper().startswith("SỞ ")


def body_signer(body: str) -> Signer:
    """Who usually signs for the issuing body ``body`` (upper or mixed case), when nothing else is
    recorded: a Sở ("SỞ KHOA HỌC VÀ CÔNG NGHỆ …") :data:`DEPARTMENT_SIGNER` ("KT. GIÁM ĐỐC" / "PHÓ
    GIÁM ĐỐC"); anything else, an Ủy ban nhân dân, ``Signer()`` ("TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ
    TỊCH" / "PHÓ CHỦ TỊCH"). No name: that is data (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""
    return DEPARTMENT_SIGNER if _is_department(body) else Signer()


def body_abbreviation(body: str) -> str:
    """The body's part of a ký hiệu, when none is recorded: a Sở, the initials of its name before
    the province, "VÀ" left out, tone marks dropped ("SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH ĐỒNG THÁP" →
    "SKHCN", "Sở Giáo dục và Đào tạo" → "SGDĐT"); anything else "UBND" (an Ủy ban nhân dân, as
    Nghị định 30/2020/NĐ-CP, Phụ lục III abbreviates it)."""
    if not _is_department(body):
        return DEFAULT_ISSUER.abbreviation
    words = unicodedata.normalize("NFC", body).upper().split()
    for i, word in enumerate(words[1:], start=1):
        if word in _PLACE_WORDS or " ".join(words[i:i + 2]) in _PLACE_WORDS:
            words = words[:i]
            break
    initials = (unicodedata.normalize("NFD", w)[0] for w in words if w != "VÀ")
    return "".join(initials)


def parse_kind_codes(text: str) -> tuple[tuple[str, str], ...]:
    """``"handover=BB;cash=BN"`` merged over :data:`DEFAULT_KIND_CODES` (unknown kinds added;
    malformed parts ignored): the configurable abbreviation per document kind."""
    codes = dict(DEFAULT_KIND_CODES)
    for part in text.split(";"):
        kind, sep, code = part.partition("=")
        if sep and kind.strip() and code.strip():
            codes[kind.strip()] = code.strip().upper()
    return tuple(codes.items())


def document_number(number: int, symbol: str) -> str:
    """The number and ký hiệu as Nghị định 30/2020/NĐ-CP writes them (Phụ lục I: a number below 10
    takes one leading zero): ``document_number(7, "BB-UBND")`` → ``"07/BB-UBND"``,
    ``document_number(123, "BB-UBND")`` → ``"123/BB-UBND"``. Raises ValueError for a number < 1."""
    if number < 1:
        raise ValueError(f"document number must be ≥ 1, got {number}")
    return f"{number:02d}/{symbol}"


#: Look-alikes typed for the letters and signs of a document reference (NFKC leaves them apart).
_REFERENCE_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "–": "-", "—": "-", "‐": "-", "∕": "/"})


def reference_key(reference: str | None) -> str:
    """The key under which two typings of one document reference are the same document: NFKC (full
    width forms), look-alikes ("Ð" for "Đ", dashes, the division slash) put right, case folded
    and every space removed, since typing noise falls there. ``"Công văn số 300 / SKHCN - BCVT"``
    and ``"công văn số 300/skhcn-bcvt"`` → ``"côngvănsố300/skhcn-bcvt"``; ``"Công văn số 301/…"`` is
    another key (a digit is never changed). "" for nothing typed. Used to refuse the same allocation
    document recorded twice (services.allocations, services.province)."""
    text = unicodedata.normalize("NFKC", reference or "").translate(_REFERENCE_LOOKALIKES)
    return unicodedata.normalize("NFC", "".join(text.casefold().split()))


def address_line(address: str, hamlet: str) -> str:
    """The address as printed: ``address`` then ``hamlet``, the hamlet left out when the address
    already names it, ignoring case, tone marks and spacing ("Tổ 3, Ấp Phú Lợi" + "Ấp Phú Lợi" →
    "Tổ 3, Ấp Phú Lợi", not "…, Ấp Phú Lợi, Ấp Phú Lợi"). Either may be ""."""
    address, hamlet = (address or "").strip(), (hamlet or "").strip()
    if hamlet and address and vn.fold(hamlet) in vn.fold(address):
        return address
    return ", ".join(x for x in (address, hamlet) if x)


DEFAULT_ISSUER = Issuer(body_upper="", body="ỦY BAN NHÂN DÂN XÃ PHÚ TÂN", place="Phú Tân")


@dataclass(frozen=True)
class IntakeSlipData:
    """Everything the slip prints (plain text, NFC; escaped at render).

    ``tracking_code``: grouped as on screen ("K7QX-9M4T-AB"); ``status_url``: the QR code's content
    (``{PUBLIC_BASE_URL}/tra-cuu?ma=<code>``); ``status_page``: the address written out for the
    household (``{PUBLIC_BASE_URL}/tra-cuu``); ``place_date``: "Phú Tân, ngày 05 tháng 11 năm
    2026" (the day received); ``received_on``: dd/mm/yyyy; ``support_form``: its Vietnamese label;
    ``clerk_name``: the clerk who received it ("" leaves the line to write by hand).
    """

    issuer: Issuer
    giver_unit: str  # "Ủy ban nhân dân xã Phú Tân"
    tracking_code: str
    status_url: str
    status_page: str
    place_date: str
    received_on: str
    head_name: str
    household_code: str
    hamlet: str
    support_form: str
    clerk_name: str
    legal_basis: str = ""


@dataclass(frozen=True)
class ListRow:
    """One household on a list. ``birth_year`` int or None; ``citizen_id``/``phone`` text as stored;
    ``category`` the category code ("poor", "near_poor", "" when not on file), printed as its label."""

    stt: int
    name: str
    birth_year: int | None
    citizen_id: str
    phone: str
    hamlet: str
    category: str
    tier: str
    form: str
    tracking_code: str = ""
    received_on: dt.date | None = None
    note: str = ""
    cash: bool = False

    @property
    def category_label(self) -> str:
        """The category as printed ("Hộ nghèo"); "" when not on file."""
        return CATEGORY_LABELS.get(self.category, "")


@dataclass
class ListDocument:
    """A list to print. ``kind``: "proposal" | "approved". ``number``: the list's number
    ("01/DS-UBND"); ``date``: the date printed in the place-and-date line; decision fields for an
    approved list. ``prepared_by``: the full name of the clerk who drew up the list
    (ProposalList.created_by), printed under "NGƯỜI LẬP DANH SÁCH" ("" to sign by hand).
    ``programme_line``: the line under the title naming the programme and its legal text, from the rule
    set in force when the list was made (RuleSetSpec.programme_line); "" prints none."""

    kind: str
    issuer: Issuer
    number: str
    date: dt.date
    created_on: dt.date
    rows: list[ListRow] = field(default_factory=list)
    decision_number: str | None = None
    decision_date: dt.date | None = None
    approving_body: str | None = None
    prepared_by: str = ""
    programme_line: str = ""

    @property
    def title(self) -> str:
        if self.kind == "approved":
            return "Danh sách hộ được phê duyệt hỗ trợ điện thoại thông minh"
        return "Danh sách hộ đề nghị hỗ trợ điện thoại thông minh"

    @property
    def subtitle(self) -> str:
        """The line under the title: "(Kèm theo Quyết định số … ngày … của …)" for an approved list
        with its decision; "" for a proposal list (it is itself list "Số: …", printed in the header,
        and attached to nothing)."""
        if self.kind == "approved" and self.decision_number:
            return f"(Kèm theo {citation(self.decision_number, self.decision_date, self.approving_body)})"
        return ""

    def counts(self) -> dict[str, int]:
        out = {"total": len(self.rows), **{k: 0 for k in CATEGORY_LABELS}, "cash": 0}
        for r in self.rows:
            if r.category in CATEGORY_LABELS:
                out[r.category] += 1
            if r.cash:
                out["cash"] += 1
        return out
