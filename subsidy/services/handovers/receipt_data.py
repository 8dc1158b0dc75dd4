"""What a handover's or a payment's receipt prints about the application, the household, the
commune and the legal basis (subsidy.domain.receipt.ReceiptData; the phone or the amount is
filled in by the caller)."""
from __future__ import annotations

import datetime as dt

from subsidy.domain import decisions, vn
from subsidy.domain.labels import CATEGORY_LABELS
from subsidy.domain.receipt import ReceiptData
from subsidy.models import Application, Household, RuleSet, User
from subsidy.services import receipts, rulesets


def _decision_text(app: Application) -> str:
    pl = app.proposal_list
    if pl is None or pl.status != "approved" or not pl.decision_number:
        return ""
    cited = decisions.citation(pl.decision_number, pl.decision_date, pl.approving_body)
    return f"{cited} phê duyệt danh sách hộ được hỗ trợ"


def _legal_basis(rule_set: RuleSet | None) -> str:
    """What the receipt cites as its basis (services.rulesets.legal_basis)."""
    return rulesets.legal_basis(rule_set)


def receipt_data(kind: str, app: Application, household: Household, day: dt.date, recipient_name: str,
                 recipient_citizen_id: str, actor: User | None, settings: receipts.ReceiptSettings,
                 rule_set: RuleSet | None) -> ReceiptData:
    """The receipt data of ``kind`` (domain.receipt.KIND_HANDOVER | KIND_CASH) dated ``day``, not yet
    numbered (receipts.issue numbers it): issuer and place from ``settings``, the household, the
    recipient, the staff member (``actor``'s full name; blank when none is on file), the commune's
    signer (``settings.signer``: its role, and its typed name or a dotted line to write it by hand,
    domain.documents.signer_name_printed), the legal basis (``rule_set``'s, or Thông tư
    14/2022's) and the approving decision. Source: domain.md §7."""
    # The giver's typed name is the staff member's full name, never the login name: with no full name
    # on file the line stays blank to be written by hand.
    staff = (actor.full_name or "").strip() if actor is not None else ""
    return ReceiptData(
        kind=kind, number_display="", series="", year=day.year, number=0,
        issuer_body_upper=settings.body_upper, issuer_body=settings.body, place=settings.place,
        giver_unit=settings.giver_unit, date=vn.format_date(day), place_date=vn.place_date_line(settings.place, day),
        tracking_code=app.tracking_code, status_url=settings.status_url(app.tracking_code),
        household_code=household.code, head_name=household.head_name, hamlet=household.hamlet or "",
        address=household.address or "", category=CATEGORY_LABELS.get(household.category or "", ""),
        recipient_name=recipient_name, recipient_citizen_id=recipient_citizen_id, staff_name=staff,
        legal_basis=_legal_basis(rule_set), decision=_decision_text(app),
        signer_role=settings.signer.role, signer_name=settings.signer.printed_name,
    )
