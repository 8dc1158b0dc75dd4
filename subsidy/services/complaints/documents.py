"""The two documents of a complaint, filled from the register: the acceptance notice («Thông báo về
việc thụ lý giải quyết khiếu nại», Luật Khiếu nại 2011, Điều 27) once the case is accepted, and the
decision («Quyết định về việc giải quyết khiếu nại», Điều 31) once it is decided. The dataclasses are
domain.complaints.documents'; subsidy.documents.complaints prints them.

What the register does not hold is left for the signer to complete by hand or written from what it
holds: the number (blank "Số:   /TB-UBND", numbered when signed), the findings (the decision's written
grounds), the operative articles (from the outcome). The complainant's CCCD is not printed.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from subsidy.documents.complaints import render_acceptance_notice, render_decision
from subsidy.domain.complaints import deadlines as dl
from subsidy.domain.complaints.documents import AcceptanceNotice, Complainant, ComplaintDecision, personal_signer
from subsidy.domain.documents import Issuer
from subsidy.domain.labels import ANONYMOUS_FILER_CELL, CLERK_TITLE, COMPLAINT_OUTCOME_LABELS
from subsidy.domain.labels.places import province_unit
from subsidy.domain.vn import format_date
from subsidy.models import Application, Commune, Complaint, Household, ProposalList
from subsidy.services import communes as communes_svc
from subsidy.services import instance_settings
from subsidy.services.complaints.deadlines import working_calendar
from subsidy.services.errors import ServiceError

#: Who hears a case at each level, in a sentence ("{commune}", "{province}" filled in).
_RESOLVERS = {"commune": "Chủ tịch Ủy ban nhân dân {commune}", "province": "Chủ tịch Ủy ban nhân dân {province}",
              "ministry": "Bộ trưởng Bộ Khoa học và Công nghệ"}
_NEXT = {"commune": "province", "province": "ministry", "ministry": "ministry"}
#: The first operative article for each outcome (Luật Khiếu nại 2011, Điều 31 khoản 2 điểm g).
_ARTICLE = {
    "upheld": "Công nhận nội dung khiếu nại của {name} là đúng. Sửa đổi {contested} theo kết luận nêu trên; "
              "xét lại hồ sơ của hộ theo quy định.",
    "partly_upheld": "Công nhận một phần nội dung khiếu nại của {name} là đúng. Sửa đổi {contested} ở phần "
                     "đã kết luận là chưa đúng; giữ nguyên các phần còn lại.",
    "rejected": "Nội dung khiếu nại của {name} là không đúng. Giữ nguyên {contested}.",
    "withdrawn": "Đình chỉ việc giải quyết khiếu nại của {name} do người khiếu nại đã rút đơn.",
    "transferred": "Chuyển đơn khiếu nại của {name} đến cơ quan có thẩm quyền giải quyết.",
}


def _names(session: Session, c: Complaint) -> tuple[Commune, str, str]:
    commune = session.get(Commune, c.commune_id)
    province = province_unit(commune.province)
    return commune, commune.name, province


def _issuer(session: Session, c: Complaint, commune: Commune, province: str) -> Issuer:
    """The body that hears the case: the commune's, or the province's body for a province case."""
    if c.level == "commune":
        return communes_svc.issuer_of(commune)
    return instance_settings.province_issuer(session, province)


def _resolver(level: str, commune: str, province: str) -> str:
    return _RESOLVERS[level].format(commune=commune, province=province)


def _complainant(session: Session, c: Complaint) -> Complainant:
    h = session.get(Household, c.household_id) if c.household_id else None
    head = h.head_name if h else ""
    name = c.filer_name or head or ANONYMOUS_FILER_CELL
    commune = session.get(Commune, c.commune_id)
    address = ", ".join(x for x in ((h.address if h else None), (h.hamlet if h else None), commune.name) if x)
    behalf = f"hộ ông (bà) {head}" if c.filer != "head" and head else ""
    return Complainant(name=name, address=address, on_behalf_of=behalf)


def _contested(session: Session, c: Complaint, commune: str) -> str:
    """The contested decision: the approval of the list the application was on, when there is one."""
    if c.application_id is None:
        return ""
    row = session.execute(select(ProposalList.decision_number, ProposalList.decision_date, ProposalList.approving_body)
                          .join(Application, Application.proposal_list_id == ProposalList.id)
                          .where(Application.id == c.application_id, ProposalList.status == "approved")).first()
    if row is None or not row[0]:
        return ""
    body = row[2] or f"Ủy ban nhân dân {commune}"
    return (f"Quyết định số {row[0]} ngày {format_date(row[1])} của {body} phê duyệt danh sách hộ được hỗ trợ "
            "điện thoại thông minh")


def acceptance_notice(session: Session, c: Complaint) -> AcceptanceNotice:
    """The acceptance notice of the accepted complaint ``c``, dated the day it was accepted, with the
    day its decision is due (Điều 28: 30 days, 45 complex; 45/60 remote). Raises ServiceError when
    the case is not a complaint or was never accepted."""
    if c.kind != "complaint" or c.accepted_on is None:
        raise ServiceError("Chỉ in thông báo thụ lý cho đơn khiếu nại đã thụ lý.")
    commune, commune_name, province = _names(session, c)
    issuer = _issuer(session, c, commune, province)
    book = dl.rulebook_for(c.received_on)
    key = "second_decision" if c.appeal_of_id else "first_decision"
    rule = book.rule(key)
    due = dl.due_date(rule, c.accepted_on, working_calendar(c.received_on.year, instance_settings.extra_holidays(session)), bool(c.complex_case), bool(c.remote))
    return AcceptanceNotice(
        issuer=issuer, number="", date=c.accepted_on, complainant=_complainant(session, c),
        resolver=_resolver(c.level, commune_name, province), subject=c.text,
        contested=_contested(session, c, commune_name), received_on=c.received_on, accepted_on=c.accepted_on,
        signer=personal_signer(issuer.signer), decide_by=due,
        decide_days=rule.days_for(bool(c.complex_case), bool(c.remote)), round=2 if c.appeal_of_id else 1,
    )


def decision(session: Session, c: Complaint) -> ComplaintDecision:
    """The decision on complaint ``c`` (decided, with its outcome and grounds), dated the day it was
    decided; its articles written from the outcome. Raises ServiceError before a decision."""
    if c.kind != "complaint" or c.decided_on is None or c.outcome not in _ARTICLE or c.accepted_on is None:
        raise ServiceError("Chỉ in quyết định cho đơn khiếu nại đã có quyết định giải quyết.")
    commune, commune_name, province = _names(session, c)
    issuer = _issuer(session, c, commune, province)
    resolver = _resolver(c.level, commune_name, province)
    who = _complainant(session, c)
    contested = _contested(session, c, commune_name)
    article = _ARTICLE[c.outcome].format(name=who.named, contested=contested or "quyết định, hành vi bị khiếu nại")
    grounds = c.reasons or ""
    return ComplaintDecision(
        issuer=issuer, number="", date=c.decided_on, deciding_title=resolver.upper(), complainant=who,
        respondent=resolver, subject=c.text, contested=contested, received_on=c.received_on,
        accepted_on=c.accepted_on, content=c.text, findings=grounds,
        conclusion=f"{COMPLAINT_OUTCOME_LABELS[c.outcome]}.",
        articles=(article,), second_level=_resolver(_NEXT[c.level], commune_name, province),
        executors=(CLERK_TITLE, who.named), signer=personal_signer(issuer.signer),
        round=2 if c.appeal_of_id else 1,
        appeal_days=dl.rulebook_for(c.received_on).rule("second_filing").days_for(remote=bool(c.remote)),
    )



def acceptance_notice_pdf(session: Session, c: Complaint) -> bytes:
    """The acceptance notice of ``c`` as PDF bytes (documents.complaints)."""
    return render_acceptance_notice(acceptance_notice(session, c))


def decision_pdf(session: Session, c: Complaint) -> bytes:
    """The decision on ``c`` as PDF bytes (documents.complaints)."""
    return render_decision(decision(session, c))
