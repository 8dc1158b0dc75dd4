"""The complaint documents as PDF (portrait A4, Nghị định 30/2020/NĐ-CP, Phụ lục I), after the forms of
the appendix of Nghị định 124/2020/NĐ-CP:

* :func:`render_acceptance_notice` — «Thông báo về việc thụ lý giải quyết khiếu nại» (Luật Khiếu nại
  2011, Điều 27 for a first complaint, Điều 36 for a second);
* :func:`render_decision` — «Quyết định về việc giải quyết khiếu nại (lần đầu)» (Điều 31; Điều 40 for a
  second complaint).

Each takes the plain dataclass of subsidy.domain.complaints.documents (see its docstring for every field)
and returns the PDF bytes. Body paragraphs are justified with their first line indented 1 cm (Phụ lục I,
mục II.6); the Căn cứ lines in italics, one a line, each ending ";" and the last "." (mục II.6, căn cứ
ban hành); articles begin "Điều N." in bold. Any text of any length prints: paragraphs break across
pages, and the signature keeps the last paragraph with it.
"""
from __future__ import annotations

import datetime as dt

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from subsidy.documents import base as b
from subsidy.domain.complaints.documents import AcceptanceNotice, ComplaintDecision
from subsidy.domain.labels.sentence import sentence_start
from subsidy.domain.vn import format_date, place_date_line

#: Phụ lục I, mục II.6: a paragraph's first line is indented 1 cm to 1.27 cm.
FIRST_LINE_INDENT = 10 * mm


def _styles() -> b.Styles:
    st = b.styles()
    st["text"] = ParagraphStyle("vn-complaint-text", parent=st.normal, alignment=TA_JUSTIFY,
                                firstLineIndent=FIRST_LINE_INDENT)
    st["basis"] = ParagraphStyle("vn-complaint-basis", parent=st.text, fontName=b.FONT_ITALIC, spaceAfter=0)
    st["heading"] = ParagraphStyle("vn-complaint-heading", parent=st.text, fontName=b.FONT_BOLD)
    st["authority"] = ParagraphStyle("vn-complaint-authority", parent=st.normal, fontName=b.FONT_BOLD,
                                     alignment=TA_CENTER, spaceBefore=2, spaceAfter=6)
    st["decides"] = ParagraphStyle("vn-complaint-decides", parent=st.authority, spaceBefore=6, spaceAfter=6)
    st["to"] = ParagraphStyle("vn-complaint-to", parent=st.normal, alignment=TA_CENTER, spaceAfter=6)
    return st


def _paragraphs(text: str, style: ParagraphStyle, lead: str = "") -> list[Flowable]:
    """One Paragraph a line of ``text`` (blank lines dropped); ``lead`` (markup) starts the first."""
    lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
    if not lines:
        return [Paragraph(lead, style)] if lead else []
    return [Paragraph((lead + " " if lead and i == 0 else "") + b.esc(line), style) for i, line in enumerate(lines)]


def _basis(lines: tuple[str, ...], st: b.Styles, last: str | None = None) -> list[Flowable]:
    """"Căn cứ X;" one a line; ``last`` (already worded, e.g. "Xét đơn khiếu nại …") closes the block with
    "."; without it the last Căn cứ ends with "."."""
    texts = [f"Căn cứ {x.strip().rstrip(';.')}" for x in lines if x and x.strip()]
    if last:
        texts.append(last.strip().rstrip(";."))
    return [Paragraph(b.esc(t) + (";" if i < len(texts) - 1 else "."), st.basis) for i, t in enumerate(texts)]


def _sentence(text: str) -> str:
    """``text`` ending with a full stop (one is added unless it ends with ".", "!", "?" or "…")."""
    text = text.strip()
    return text if not text or text[-1] in ".!?…" else text + "."


def _number(number: str, symbol: str) -> str:
    """The number as printed; "" leaves room to write it by hand before the ký hiệu."""
    return number.strip() or "\u00a0" * 8 + "/" + symbol


def _dated(d: dt.date | None, received: dt.date) -> str:
    return f"đề ngày {format_date(d)}" if d else f"nhận ngày {format_date(received)}"


def _closing(body: list[Flowable], signer: tuple[str, str, str], recipients: tuple[str, ...]) -> list[Flowable]:
    """The body, its last paragraph kept with the signature and the Nơi nhận (never a page holding the
    signature alone)."""
    sig = b.signature_blocks([signer], recipients=recipients, sign_space=22 * mm)
    return [*body[:-1], KeepTogether([*body[-1:], *getattr(sig, "_content", [sig])])]


def acceptance_notice_story(d: AcceptanceNotice) -> list[Flowable]:
    """The flowables of the notice (used by :func:`render_acceptance_notice`)."""
    st = _styles()
    c = d.complainant
    article = "Điều 27" if d.round == 1 else "Điều 36"
    story: list[Flowable] = [
        *b.admin_header(d.issuer, _number(d.number, d.issuer.symbol("notice")), place_date_line(d.issuer.place, d.date)),
        *b.title(d.title, d.subtitle),
        Paragraph(f"Kính gửi: {b.esc(sentence_start(c.named))}.", st.to),
    ]
    body: list[Flowable] = [
        # The day received opens the sentence: the letter's own date only when it bears one.
        Paragraph(b.esc(f"Ngày {format_date(d.received_on)}, {d.resolver} đã nhận được đơn khiếu nại "
                        + (f"đề ngày {format_date(d.complaint_dated)} " if d.complaint_dated else "")
                        + f"của {c.particulars}."), st.text),
        *_paragraphs(_sentence(d.subject), st.text, "<b>Nội dung khiếu nại:</b>"),
    ]
    if d.contested.strip():
        body += _paragraphs(_sentence(d.contested), st.text, "<b>Quyết định, hành vi bị khiếu nại:</b>")
    basis = next((x.strip().rstrip(";.") for x in d.legal_basis if x.strip().startswith("Luật Khiếu nại")),
                 "Luật Khiếu nại")
    body.append(Paragraph(b.esc(
        f"Sau khi xem xét nội dung đơn khiếu nại, căn cứ {article} {basis}, đơn khiếu nại đủ điều kiện thụ lý và "
        f"thuộc thẩm quyền giải quyết của {d.resolver}. Ngày {format_date(d.accepted_on)}, {d.resolver} thụ lý "
        f"giải quyết khiếu nại ({'lần đầu' if d.round == 1 else 'lần hai'})."), st.text))
    if d.decide_by is not None:
        body.append(Paragraph(b.esc(
            f"Thời hạn giải quyết khiếu nại không quá {d.decide_days} ngày, kể từ ngày thụ lý (Luật Khiếu nại, "
            f"{'Điều 28' if d.round == 1 else 'Điều 37'}), tức là đến hết ngày {format_date(d.decide_by)}."), st.text))
    body.append(Paragraph(b.esc(f"Vậy thông báo để {c.named} được biết."), st.text))
    return story + _closing(body, b.signer_block(d.signer), d.recipient_lines())


def decision_story(d: ComplaintDecision) -> list[Flowable]:
    """The flowables of the decision (used by :func:`render_decision`)."""
    st = _styles()
    c = d.complainant
    story: list[Flowable] = [
        *b.admin_header(d.issuer, _number(d.number, d.issuer.symbol("decision")), place_date_line(d.issuer.place, d.date)),
        *b.title(d.title, d.subtitle),
        Paragraph(b.esc(d.deciding_title.upper()), st.authority),
        *_basis(d.legal_basis, st, f"Xét đơn khiếu nại {_dated(d.complaint_dated, d.received_on)} của {c.particulars}"),
        Spacer(1, 2 * mm),
    ]
    story.append(Paragraph(b.esc(f"Đơn khiếu nại nhận ngày {format_date(d.received_on)}, thụ lý giải quyết ngày "
                                 f"{format_date(d.accepted_on)}."), st.text))
    if d.contested.strip():
        story += _paragraphs(_sentence(d.contested), st.text, "<b>Quyết định, hành vi bị khiếu nại:</b>")
    if d.respondent.strip():
        story.append(Paragraph(f"<b>Người bị khiếu nại:</b> {b.esc(_sentence(d.respondent))}", st.text))
    if d.subject.strip() and not d.content.strip():
        story += _paragraphs(d.subject, st.text, "<b>Khiếu nại về việc:</b>")
    for heading, text in d.sections():
        story.append(Paragraph(b.esc(heading), st.heading))
        story += _paragraphs(text, st.text)
    story.append(Paragraph("Từ những nhận định và căn cứ trên,", st.text))
    story.append(Paragraph("QUYẾT ĐỊNH:", st.decides))
    body: list[Flowable] = []
    for i, text in enumerate(d.all_articles(), start=1):
        lines = [x.strip() for x in text.split("\n") if x.strip()] or [""]
        last = i == len(d.all_articles())
        for j, line in enumerate(lines):
            lead = f"<b>Điều {i}.</b> " if j == 0 else ""
            end = "/." if last and j == len(lines) - 1 else ""
            body.append(Paragraph(lead + b.esc(line.rstrip("/") if end else line) + end, st.text))
    return story + _closing(body, b.signer_block(d.signer), d.recipient_lines())


def render_acceptance_notice(d: AcceptanceNotice) -> bytes:
    """«Thông báo về việc thụ lý giải quyết khiếu nại» as PDF bytes (portrait A4; page numbers from page
    2). Luật Khiếu nại 2011, Điều 27 (36 for a second complaint); Nghị định 30/2020/NĐ-CP, Phụ lục I."""
    return b.build_pdf(acceptance_notice_story(d), title=f"Thông báo thụ lý giải quyết khiếu nại {d.number}".strip(),
                       subject="Thông báo về việc thụ lý giải quyết khiếu nại",
                       author=d.issuer.body.replace("\n", " "))


def render_decision(d: ComplaintDecision) -> bytes:
    """«Quyết định về việc giải quyết khiếu nại» as PDF bytes (portrait A4; page numbers from page 2).
    Luật Khiếu nại 2011, Điều 31 (40 for a second complaint); Nghị định 30/2020/NĐ-CP, Phụ lục I."""
    return b.build_pdf(decision_story(d), title=f"Quyết định giải quyết khiếu nại {d.number}".strip(),
                       subject=d.subtitle, author=d.issuer.body.replace("\n", " "))


__all__ = ["acceptance_notice_story", "decision_story", "render_acceptance_notice", "render_decision"]
