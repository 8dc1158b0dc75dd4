"""The data of the two complaint documents that subsidy.documents.complaints prints in the administrative
format (Nghị định 30/2020/NĐ-CP, Phụ lục I), after the forms of the appendix of Nghị định 124/2020/NĐ-CP:

* :class:`AcceptanceNotice` — «Thông báo về việc thụ lý giải quyết khiếu nại» (Luật Khiếu nại 2011,
  Điều 27: within 10 days of receiving a complaint the person competent to resolve it accepts it and
  tells the complainant in writing);
* :class:`ComplaintDecision` — «Quyết định về việc giải quyết khiếu nại (lần đầu)» (Điều 31: what the
  decision states, a–k; Điều 33: the complainant's right to a second complaint or to sue).

Plain frozen dataclasses (no database, no reportlab): the complaints service fills them from a case and
the renderer prints them. Every text is plain Unicode (NFC-normalised and escaped when printed); a
multi-line text (``"\\n"``) prints one paragraph a line. Dates are ``datetime.date`` (local, Việt Nam).

Shared fields of both:

``issuer``
    subsidy.domain.documents.Issuer of the body that resolves the complaint (the commune's, or the
    province's when the province approved the contested list): printed top left, with its place in the
    place-and-date line and its abbreviation in the ký hiệu.
``number``
    the number and ký hiệu as printed after "Số:", e.g. ``"05/TB-UBND"`` (notice) or ``"12/QĐ-UBND"``
    (decision); build it with ``document_number(n, issuer.symbol("notice"|"decision"))``; ``""`` leaves
    "Số:      /TB-UBND" blank to fill in by hand.
``date``
    the date of the document (the place-and-date line).
``complainant``
    :class:`Complainant`: name, address, optional CCCD (printed only when given: pass ``""`` where the
    page or the role may not show it), whom they speak for.
``resolver``
    who resolves the complaint, in a sentence: ``"Chủ tịch Ủy ban nhân dân xã Phú Tân"``.
``subject``
    what is complained about, in the complainant's terms (a summary; may be long).
``contested``
    the decision or act complained about, e.g. ``"Quyết định số 12/QĐ-UBND ngày 05/11/2026 của Chủ tịch
    Ủy ban nhân dân xã Phú Tân phê duyệt danh sách hộ được hỗ trợ điện thoại thông minh"``; ``""`` = none
    named.
``received_on`` / ``accepted_on``
    the day the complaint reached the body, the day it was accepted (thụ lý).
``round``
    1 (lần đầu) or 2 (lần hai).
``signer``
    subsidy.domain.documents.Signer. A complaint is resolved by the head of the body in their own right
    (Luật Khiếu nại 2011, Điều 18), so the usual signer has no "TM." authority: :func:`personal_signer`
    turns the commune's signer into one ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" stays when a deputy signs for him).
``recipients``
    the "Nơi nhận" entries before the archive line (e.g. ``("Như trên", "Thanh tra tỉnh")``);
    ``archive``: printed last as "- Lưu: VT, hồ sơ.".

Pure Python: imports neither Flask nor SQLAlchemy nor reportlab.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from subsidy.domain.documents import Issuer, Signer
from subsidy.domain.labels.sentence import sentence_start

#: The texts a complaint document is issued under (its "Căn cứ" lines, without "Căn cứ" and the final
#: ";"): the law on local government (the body's competence), the Law on Complaints and its decree.
#: Data: a later amendment is passed in ``legal_basis`` by the caller, not edited here.
DEFAULT_LEGAL_BASIS: tuple[str, ...] = (
    "Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025",
    "Luật Khiếu nại ngày 11 tháng 11 năm 2011",
    "Nghị định số 124/2020/NĐ-CP ngày 19 tháng 10 năm 2020 của Chính phủ quy định chi tiết một số điều và "
    "biện pháp thi hành Luật Khiếu nại",
)

#: Days to bring a second complaint after receiving the first decision (Luật Khiếu nại 2011, Điều 33:
#: 30 days; 45 in remote areas with difficult travel).
APPEAL_DAYS = 30

ROUND_WORDS = {1: "lần đầu", 2: "lần hai"}


def personal_signer(signer: Signer) -> Signer:
    """``signer`` without the collective authority ("TM. ỦY BAN NHÂN DÂN"): a complaint decision or
    notice is signed by the head in their own right ("CHỦ TỊCH"), or by a deputy for him ("KT. CHỦ
    TỊCH" / "PHÓ CHỦ TỊCH"). Luật Khiếu nại 2011, Điều 18."""
    return dataclasses.replace(signer, authority="")


@dataclass(frozen=True)
class Complainant:
    """Who complains. ``name``: full name (NFC); ``address``: where they live ("Tổ 3, Ấp Phú Lợi, xã Phú
    Tân"); ``citizen_id``: the CCCD number, printed only when not ``""`` (the caller decides whether
    this document may carry it); ``id_issued``: "cấp ngày 01/02/2021 tại Cục Cảnh sát QLHC về TTXH" or
    ``""``; ``honorific``: how the text names them ("ông", "bà"; default "ông (bà)"); ``on_behalf_of``:
    whom they represent ("hộ ông Nguyễn Văn Hùng") or ``""``."""

    name: str
    address: str
    citizen_id: str = ""
    id_issued: str = ""
    honorific: str = "ông (bà)"
    on_behalf_of: str = ""

    @property
    def named(self) -> str:
        """"ông (bà) Nguyễn Văn Hùng"."""
        return f"{self.honorific} {self.name}".strip()

    @property
    def particulars(self) -> str:
        """"ông (bà) Nguyễn Văn Hùng, địa chỉ: …, số CCCD: … cấp ngày …, đại diện cho …" (the parts
        that are empty left out)."""
        parts = [self.named]
        if self.address.strip():
            parts.append(f"địa chỉ: {self.address.strip()}")
        if self.citizen_id.strip():
            parts.append(" ".join(x for x in (f"số CCCD: {self.citizen_id.strip()}", self.id_issued.strip()) if x))
        if self.on_behalf_of.strip():
            parts.append(f"đại diện cho {self.on_behalf_of.strip()}")
        return ", ".join(parts)


def _recipient_lines(issuer: Issuer, recipients: tuple[str, ...], archive: str) -> tuple[str, ...]:
    """The Nơi nhận lines as Issuer.recipient_lines writes them (one home for the format), with this
    document's entries and archive instead of the body's list recipients."""
    return dataclasses.replace(issuer, recipients=recipients, archive=archive).recipient_lines()


@dataclass(frozen=True)
class AcceptanceNotice:
    """«Thông báo về việc thụ lý giải quyết khiếu nại» (Luật Khiếu nại 2011, Điều 27). Fields: see the
    module docstring; also ``complaint_dated`` (the date written on the complaint, None = not dated),
    ``decide_by`` (the last day to resolve it, printed with its clause; None = not printed),
    ``decide_days`` (the time limit in days: 30, or 45 for a complex case; Điều 28) and
    ``legal_basis`` (the texts cited, default :data:`DEFAULT_LEGAL_BASIS`; the notice cites the Law)."""

    issuer: Issuer
    number: str
    date: dt.date
    complainant: Complainant
    resolver: str
    subject: str
    contested: str
    received_on: dt.date
    accepted_on: dt.date
    signer: Signer
    complaint_dated: dt.date | None = None
    decide_by: dt.date | None = None
    decide_days: int = 30
    round: int = 1
    recipients: tuple[str, ...] = ("Như trên",)
    archive: str = "VT, hồ sơ"
    legal_basis: tuple[str, ...] = DEFAULT_LEGAL_BASIS

    @property
    def title(self) -> str:
        return "Thông báo"

    @property
    def subtitle(self) -> str:
        """"Về việc thụ lý giải quyết khiếu nại (lần đầu)"."""
        return f"Về việc thụ lý giải quyết khiếu nại ({ROUND_WORDS.get(self.round, 'lần đầu')})"

    def recipient_lines(self) -> tuple[str, ...]:
        return _recipient_lines(self.issuer, self.recipients, self.archive)


@dataclass(frozen=True)
class ComplaintDecision:
    """«Quyết định về việc giải quyết khiếu nại của … (lần đầu)» (Luật Khiếu nại 2011, Điều 31). Fields
    of the module docstring, and:

    ``deciding_title``: the authority issuing it, in capitals, printed above the Căn cứ lines
    ("CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ PHÚ TÂN"); ``respondent``: người bị khiếu nại ("Chủ tịch Ủy ban nhân dân
    xã Phú Tân"); ``complaint_dated``: the date on the complaint (None: the day received is cited);
    ``legal_basis``: the texts cited (:data:`DEFAULT_LEGAL_BASIS`, plus the programme's, e.g. Thông tư
    14/2022/TT-BTTTT); the sections of Điều 31: ``content`` (I. Nội dung khiếu nại), ``findings``
    (II. Kết quả xác minh nội dung khiếu nại), ``dialogue`` (III. Kết quả đối thoại; "" = none held, the
    section is left out), ``conclusion`` (Kết luận); ``articles``: the operative articles in order, each
    one text without "Điều N." (keep, change or annul the contested decision; what is to be done; any
    compensation); the article on the right to a second complaint or to sue (``second_level``: who hears
    a second complaint, "Chủ tịch Ủy ban nhân dân tỉnh Đồng Tháp"; ``appeal_days``: :data:`APPEAL_DAYS`)
    and the article naming who carries it out (``executors``: e.g. ("Công chức Văn phòng - thống kê",
    "ông (bà) Nguyễn Văn Hùng")) are added after them. Nơi nhận starts with "Như Điều N" (the executors).
    """

    issuer: Issuer
    number: str
    date: dt.date
    deciding_title: str
    complainant: Complainant
    respondent: str
    subject: str
    contested: str
    received_on: dt.date
    accepted_on: dt.date
    content: str
    findings: str
    conclusion: str
    articles: tuple[str, ...]
    second_level: str
    executors: tuple[str, ...]
    signer: Signer
    dialogue: str = ""
    complaint_dated: dt.date | None = None
    appeal_days: int = APPEAL_DAYS
    round: int = 1
    recipients: tuple[str, ...] = ()
    archive: str = "VT, hồ sơ"
    legal_basis: tuple[str, ...] = DEFAULT_LEGAL_BASIS

    @property
    def title(self) -> str:
        return "Quyết định"

    @property
    def subtitle(self) -> str:
        """"Về việc giải quyết khiếu nại của ông (bà) Nguyễn Văn Hùng (lần đầu)"."""
        return (f"Về việc giải quyết khiếu nại của {self.complainant.named} "
                f"({ROUND_WORDS.get(self.round, 'lần đầu')})")

    def all_articles(self) -> tuple[str, ...]:
        """``articles``, then the right to complain again or sue (Điều 33; a second decision: only to sue,
        Điều 40 and 42), then who carries it out."""
        name = self.complainant.named
        if self.round == 1:
            rights = (f"Trong thời hạn {self.appeal_days} ngày, kể từ ngày nhận được Quyết định này, nếu không đồng ý "
                      f"với việc giải quyết khiếu nại thì {name} có quyền khiếu nại đến {self.second_level} hoặc khởi "
                      "kiện vụ án hành chính tại Tòa án theo quy định của pháp luật về tố tụng hành chính.")
        else:
            rights = (f"Trong thời hạn quy định của pháp luật, nếu không đồng ý với việc giải quyết khiếu nại lần hai "
                      f"thì {name} có quyền khởi kiện vụ án hành chính tại Tòa án theo quy định của pháp luật về tố "
                      "tụng hành chính.")
        who = ", ".join(x.strip() for x in self.executors if x.strip()) or name
        return (*self.articles, rights, f"{sentence_start(who)} chịu trách nhiệm thi hành Quyết định này.")

    def sections(self) -> tuple[tuple[str, str], ...]:
        """(heading, text) of the parts before "QUYẾT ĐỊNH:", numbered I, II, … (a part with no text is
        left out, so a decision without a dialogue goes I, II, III)."""
        parts = [("Nội dung khiếu nại", self.content), ("Kết quả xác minh nội dung khiếu nại", self.findings),
                 ("Kết quả đối thoại", self.dialogue), ("Kết luận", self.conclusion)]
        kept = [(h, t) for h, t in parts if t and t.strip()]
        roman = ("I", "II", "III", "IV", "V")
        return tuple((f"{roman[i]}. {h}", t) for i, (h, t) in enumerate(kept))

    def recipient_lines(self) -> tuple[str, ...]:
        """"- Như Điều N;" (the article naming the executors), the entries, "- Lưu: VT, hồ sơ."."""
        return _recipient_lines(self.issuer, (f"Như Điều {len(self.all_articles())}", *self.recipients),
                                self.archive)
