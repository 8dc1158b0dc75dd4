"""The approval decision of a list: its number checked at approval (Nghị định 30/2020/NĐ-CP, via
subsidy.domain.decisions) and an audited correction of an approved list's number, date or body.

A correction changes proposal_lists only: the approved list's documents built afterwards and the
receipts issued afterwards print the new values; receipts already issued keep their snapshot,
and the frozen entries do not move.
"""
from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from subsidy.documents import lists as docs
from subsidy.documents import receipt as receipt_doc
from subsidy.domain.documents import DEFAULT_ISSUER
from subsidy.domain.calendar import local_date
from subsidy.models import ApplicationEvent, AuditEntry, ProposalListEntry
from subsidy.services import handovers, households, lists, receipts
from subsidy.services.errors import ServiceError
from tests import factories

D = dt.date
ON = D(2025, 6, 30)
TESTER_INPUT = "<script>alert(1)</script>"

PEOPLE = [  # name, CCCD, birth year, sex, hamlet, category, meritorious, phone, received
    ("Nguyễn Thị Ánh Tuyết", "082175004321", 1975, "F", "Ấp Tân Xuân", "poor", True, "0912345602", D(2025, 3, 5)),
    ("Trần Văn Bốn", "082068001234", 1968, "M", "Ấp Phú Hòa", "poor", False, "0912345601", D(2025, 3, 3)),
]


@pytest.fixture
def draft(session, clerk, tt14):
    """A draft list made on 01/07/2025 with the two households of PEOPLE (P1 first)."""
    for i, (name, cccd, year, sex, hamlet, category, merit, phone, received) in enumerate(PEOPLE):
        h = households.register_household(session, households.HouseholdInput(
            code=f"QD{i:03d}", head_name=name, hamlet=hamlet, category=category, head_birth_year=year,
            head_gender=sex, citizen_id=cccd, phone=phone, list_year=2025, meritorious=merit,
            social_policy=False, prior_device="none"), clerk)
        factories.eligible(session, clerk, h, received_on=received, on=ON)
    factories.allocation(session, clerk, 2, D(2025, 6, 1))
    return factories.proposal_list(session, clerk, created_on=D(2025, 7, 1))[0]


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(unicodedata.normalize("NFC", p.extract_text()).split())
                    for p in PdfReader(io.BytesIO(pdf)).pages)


def approved_pdf(session, pl) -> str:
    return pdf_text(docs.render_pdf(lists.list_document(session, pl, kind="approved", issuer=DEFAULT_ISSUER)))


def handover(session, clerk, application, imei: str):
    h = application.household
    return handovers.record_handover(session, application.id, handovers.HandoverInput(
        phone_make="Samsung", phone_model="Galaxy A05", imei=imei, telecom="VNPT", subscriber_number="09" + imei[-8:],
        handed_on=D(2025, 7, 20), recipient_name=h.head_name, recipient_citizen_id=h.citizen_id), clerk)


# ------------------------------------------------------------------ at approval


def test_the_testers_markup_is_refused_with_what_is_wrong_and_an_example(session, draft, approver):
    with pytest.raises(lists.InvalidDecision) as err:
        lists.approve_list(session, draft, TESTER_INPUT, D(2025, 7, 10), "Ủy ban nhân dân xã Phú Tân", approver)
    assert err.value.field_errors == {"decision_number": (
        "Số quyết định có ký tự không dùng trong số văn bản: «<», «>», «(», «)». Số quyết định gồm số thứ tự, "
        "dấu «/» rồi ký hiệu (chữ in hoa không dấu, chữ Đ, chữ số; các nhóm nối bằng «-»), ví dụ 123/QĐ-UBND "
        "(hoặc 45/2026/QĐ-UBND).")}
    assert err.value.field == "decision_number"
    assert (draft.status, draft.decision_number) == ("draft", None)
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "proposal_list.approve")) is None


def test_every_wrong_field_is_reported_at_once(session, draft, approver):
    with pytest.raises(lists.InvalidDecision) as err:
        lists.approve_list(session, draft, "12", D(2025, 6, 30), "<b>UBND</b>", approver)
    assert list(err.value.field_errors) == ["decision_number", "decision_date", "approving_body"]
    assert "thiếu dấu «/» và ký hiệu" in err.value.field_errors["decision_number"]
    assert "trước ngày lập danh sách (01/07/2025)" in err.value.field_errors["decision_date"]
    assert "«<», «>»" in err.value.field_errors["approving_body"]


def test_a_number_typed_loosely_is_stored_as_printed(session, draft, approver):
    apps = lists.approve_list(session, draft, "số 12 / qđ-ubnd", D(2025, 7, 10), "  Ủy ban nhân dân   xã Phú Tân ",
                              approver)
    assert (draft.decision_number, draft.approving_body) == ("12/QĐ-UBND", "Ủy ban nhân dân xã Phú Tân")
    ev = session.scalars(select(ApplicationEvent).where(ApplicationEvent.application_id == apps[0].id,
                                                        ApplicationEvent.to_state == "approved")).one()
    assert ev.reason == "Quyết định số 12/QĐ-UBND ngày 10/07/2025 của Ủy ban nhân dân xã Phú Tân"
    assert "(Kèm theo Quyết định số 12/QĐ-UBND ngày 10/07/2025 của Ủy ban nhân dân xã Phú Tân)" in approved_pdf(
        session, draft)


def test_a_number_with_the_year_is_accepted_as_it_is(session, draft, approver):
    lists.approve_list(session, draft, "45/2026/QĐ-UBND", D(2025, 7, 10), "Ủy ban nhân dân tỉnh Đồng Tháp", approver)
    assert draft.decision_number == "45/2026/QĐ-UBND"


# ------------------------------------------------------------------ correction


def test_a_correction_changes_the_list_its_next_pdf_and_is_audited(session, draft, approver):
    lists.approve_list(session, draft, "312/QĐ-UBND", D(2025, 7, 10), "Ủy ban nhân dân xã Phú Tân", approver)
    before_entries = [(e.position, e.head_name, e.frozen_at) for e in lists.frozen_entries(session, draft)]
    assert "Quyết định số 312/QĐ-UBND ngày 10/07/2025" in approved_pdf(session, draft)

    changes = lists.correct_decision(session, draft, "Số: 321/qd-ubnd", D(2025, 7, 12), "Ủy ban nhân dân xã Phú Tân",
                                     "  Gõ nhầm số và ngày; đúng như bản quyết định đã ký ", approver)

    assert changes == {"decision_number": ["312/QĐ-UBND", "321/QĐ-UBND"],
                       "decision_date": [D(2025, 7, 10), D(2025, 7, 12)]}
    assert (draft.decision_number, draft.decision_date, draft.approving_body) == (
        "321/QĐ-UBND", D(2025, 7, 12), "Ủy ban nhân dân xã Phú Tân")
    text = approved_pdf(session, draft)
    assert "(Kèm theo Quyết định số 321/QĐ-UBND ngày 12/07/2025 của Ủy ban nhân dân xã Phú Tân)" in text
    assert "312/QĐ-UBND" not in text
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "proposal_list.correct_decision")).one()
    assert (entry.entity_type, entry.entity_id, entry.actor_id) == ("proposal_list", draft.id, approver.id)
    assert entry.changes == {"decision_number": ["312/QĐ-UBND", "321/QĐ-UBND"],
                             "decision_date": ["2025-07-10", "2025-07-12"]}
    assert entry.note == "Gõ nhầm số và ngày; đúng như bản quyết định đã ký"
    # the permanent record of who is on the list does not move
    assert [(e.position, e.head_name, e.frozen_at) for e in lists.frozen_entries(session, draft)] == before_entries
    [c] = lists.decision_corrections(session, draft)
    assert (c.actor, c.reason, c.changes) == ("Võ Minh Duyệt", "Gõ nhầm số và ngày; đúng như bản quyết định đã ký", (
        ("Số quyết định", "312/QĐ-UBND", "321/QĐ-UBND"), ("Ngày quyết định", "10/07/2025", "12/07/2025")))


def test_receipts_already_issued_keep_their_snapshot_later_ones_print_the_correction(session, draft, clerk, approver):
    first, second = lists.approve_list(session, draft, "312/QĐ-UBND", D(2025, 7, 10), "Ủy ban nhân dân xã Phú Tân",
                                       approver)
    old = handover(session, clerk, first, "356938035643809").receipt
    assert old.snapshot["decision"] == ("Quyết định số 312/QĐ-UBND ngày 10/07/2025 của Ủy ban nhân dân xã Phú Tân "
                                        "phê duyệt danh sách hộ được hỗ trợ")
    assert lists.receipts_issued(session, draft) == 1

    lists.correct_decision(session, draft, "321/QĐ-UBND", D(2025, 7, 10), "Ủy ban nhân dân xã Phú Tân",
                           "Gõ nhầm số", approver)
    new = handover(session, clerk, second, "490154203237518").receipt

    assert new.snapshot["decision"] == ("Quyết định số 321/QĐ-UBND ngày 10/07/2025 của Ủy ban nhân dân xã Phú Tân "
                                        "phê duyệt danh sách hộ được hỗ trợ")
    session.refresh(old)
    assert old.snapshot["decision"].startswith("Quyết định số 312/QĐ-UBND ")
    reprint = pdf_text(receipts.print_pdf(session, old, clerk))
    assert "312/QĐ-UBND" in reprint and "321/QĐ-UBND" not in reprint
    assert receipt_doc.ReceiptData.from_snapshot(new.snapshot).decision.startswith("Quyết định số 321/QĐ-UBND")
    assert lists.receipts_issued(session, draft) == 2


def test_a_correction_is_checked_like_an_approval(session, draft, approver):
    lists.approve_list(session, draft, "312/QĐ-UBND", D(2025, 7, 10), "Ủy ban nhân dân xã Phú Tân", approver)
    with pytest.raises(lists.InvalidDecision, match="ký tự không dùng"):
        lists.correct_decision(session, draft, TESTER_INPUT, D(2025, 7, 10), "UBND xã", "sửa", approver)
    with pytest.raises(lists.InvalidDecision, match="trước ngày lập danh sách"):
        lists.correct_decision(session, draft, "312/QĐ-UBND", D(2025, 6, 30), "UBND xã", "sửa", approver)
    # the approval was entered today: a decision dated after that day cannot be the one entered
    recorded = local_date(draft.approved_at)
    with pytest.raises(lists.InvalidDecision, match="sau ngày đã ghi nhận phê duyệt"):
        lists.correct_decision(session, draft, "312/QĐ-UBND", recorded + dt.timedelta(days=1), "UBND xã", "sửa",
                               approver, today=recorded + dt.timedelta(days=5))
    with pytest.raises(ServiceError, match="lý do sửa"):
        lists.correct_decision(session, draft, "321/QĐ-UBND", D(2025, 7, 10), "UBND xã", "   ", approver)
    with pytest.raises(ServiceError, match="không có gì để sửa"):
        lists.correct_decision(session, draft, "số 312 / qđ-ubnd", D(2025, 7, 10), "Ủy ban nhân dân xã Phú Tân",
                               "sửa", approver)
    assert (draft.decision_number, draft.decision_date) == ("312/QĐ-UBND", D(2025, 7, 10))
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "proposal_list.correct_decision")) is None


def test_only_an_approver_corrects_and_only_an_approved_list(session, draft, clerk, approver):
    with pytest.raises(ServiceError, match="chưa được phê duyệt"):
        lists.correct_decision(session, draft, "321/QĐ-UBND", D(2025, 7, 10), "UBND xã", "sửa", approver)
    lists.approve_list(session, draft, "312/QĐ-UBND", D(2025, 7, 10), "Ủy ban nhân dân xã Phú Tân", approver)
    with pytest.raises(ServiceError, match="Chỉ lãnh đạo phê duyệt"):
        lists.correct_decision(session, draft, "321/QĐ-UBND", D(2025, 7, 10), "UBND xã", "sửa", clerk)
    assert draft.decision_number == "312/QĐ-UBND"
    assert session.scalar(select(ProposalListEntry.frozen_at).where(
        ProposalListEntry.proposal_list_id == draft.id).limit(1)) is not None


def test_a_correction_reports_the_reason_with_the_other_mistakes(session, draft, approver):
    lists.approve_list(session, draft, "312/QĐ-UBND", D(2025, 7, 10), "Ủy ban nhân dân xã Phú Tân", approver)
    with pytest.raises(lists.InvalidDecision) as err:
        lists.correct_decision(session, draft, "12/QĐ-UBND/extra", D(2025, 6, 30), "Ủy ban nhân dân xã Phú Tân",
                               "   ", approver)
    assert list(err.value.field_errors) == ["decision_number", "decision_date", "reason"]
    assert err.value.field_errors["decision_number"].startswith(
        "Số quyết định «12/QĐ-UBND/EXTRA» có phần thừa «/EXTRA» sau ký hiệu «QĐ-UBND»")
    assert err.value.field_errors["reason"] == (
        "Hãy ghi rõ lý do sửa (ví dụ: gõ nhầm số quyết định, đúng là số in trên quyết định).")
    assert err.value.field == "decision_number"
    # the same messages without a submit, for the view whose form refused a field itself
    assert lists.decision_field_errors(session, draft, "12/QĐ-UBND/extra", D(2025, 6, 30),
                                       "Ủy ban nhân dân xã Phú Tân", "   ", correction=True) == err.value.field_errors
    with pytest.raises(lists.InvalidDecision) as err:
        lists.correct_decision(session, draft, "321/QĐ-UBND", D(2025, 7, 10), "UBND xã", "x" * 1001, approver)
    assert err.value.field_errors == {"reason": "Lý do sửa dài 1001 ký tự, quá 1000 ký tự: hãy viết ngắn lại."}
    assert draft.decision_number == "312/QĐ-UBND"


@pytest.mark.parametrize("typed", ["12/QĐ-UBND/extra", "12/A", "12/2026/2026/QĐ-UBND", "12/X-Y-Z-W-V-U-T",
                                   "1e3/QĐ-UBND"])
def test_the_testers_malformed_numbers_are_not_stored(session, draft, approver, typed):
    with pytest.raises(lists.InvalidDecision) as err:
        lists.approve_list(session, draft, typed, D(2025, 7, 10), "Ủy ban nhân dân xã Phú Tân", approver)
    assert list(err.value.field_errors) == ["decision_number"]
    assert (draft.status, draft.decision_number) == ("draft", None)
