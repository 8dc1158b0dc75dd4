"""The permanent record of list membership (proposal_list_entries; domain.md §5, §7).

An approved list (danh sách được phê duyệt, with its decision number) is a legal record: its page,
PDF and XLSX are built from the entries frozen at approval, so a withdrawal, refusal or reopening
after approval, or a household's data corrected later, changes none of them. A draft list's
entries are marked removed (who, when, why), never deleted.
"""
from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from subsidy.documents import lists as docs
from subsidy.domain.documents import DEFAULT_ISSUER
from subsidy.models import Application, AuditEntry, ProposalListEntry
from subsidy.services import allocations, applications, household_edit, households, lists
from tests import factories

D = dt.date
ON = D(2025, 6, 30)

# name, CCCD, birth year, sex, hamlet, category, meritorious, social policy, phone, received
PEOPLE = [
    ("Trần Văn Bốn", "082068001234", 1968, "M", "Ấp Phú Hòa", "poor", False, False, "0912345601", D(2025, 3, 3)),
    ("Nguyễn Thị Ánh Tuyết", "082175004321", 1975, "F", "Ấp Tân Xuân", "poor", True, False, "0912345602", D(2025, 3, 5)),
    ("Lê Văn Chín", "082059000777", 1959, "M", "Ấp Phú Hòa", "near_poor", False, True, "0912345603", D(2025, 3, 1)),
    ("Phạm Thị Năm", "082180000555", 1980, "F", "Ấp Tân Xuân", "near_poor", False, False, "0912345604", D(2025, 3, 2)),
]
# priority order: P1 Ánh Tuyết, P2 Chín, P3 Bốn, P4 Năm
APPROVED_ORDER = ["Nguyễn Thị Ánh Tuyết", "Lê Văn Chín", "Trần Văn Bốn"]


def _input(name, cccd, year, sex, hamlet, category, merit, social, phone, code):
    return households.HouseholdInput(
        code=code, head_name=name, hamlet=hamlet, category=category, head_birth_year=year, head_gender=sex,
        citizen_id=cccd, phone=phone, list_year=2025, meritorious=merit, social_policy=social, prior_device="none")


@pytest.fixture
def people(session, clerk, tt14):
    """The four households of PEOPLE, applied and checked eligible on ON: {name: Application}."""
    out = {}
    for i, p in enumerate(PEOPLE):
        h = households.register_household(session, _input(*p[:9], code=f"PT{i:03d}"), clerk)
        out[p[0]] = factories.eligible(session, clerk, h, received_on=p[9], on=ON)
    return out


def approved_list(session, clerk, approver, n=3):
    factories.allocation(session, clerk, n, D(2025, 6, 1))
    return factories.proposal_list(session, clerk, created_on=D(2025, 7, 1), approver=approver,
                                   decision=("312/QĐ-UBND", D(2025, 7, 10), "Ủy ban nhân dân xã Phú Tân"))[0]


def pdf_text(doc) -> str:
    pages = PdfReader(io.BytesIO(docs.render_pdf(doc))).pages
    return " ".join(" ".join(unicodedata.normalize("NFC", p.extract_text()).split()) for p in pages)


def xlsx_rows(doc) -> tuple[list[tuple], str]:
    ws = load_workbook(io.BytesIO(docs.render_xlsx(doc))).active
    head = next(r for r in range(1, 12) if ws.cell(r, 1).value == "STT")
    rows, r = [], head + 1
    while isinstance(ws.cell(r, 1).value, int):
        rows.append(tuple(ws.cell(r, c).value for c in (1, 2, 4, 5, 6)))
        r += 1
    return rows, ws.cell(r, 2).value


def the_documents(session, pl):
    return {kind: lists.list_document(session, pl, kind=kind, issuer=DEFAULT_ISSUER) for kind in ("approved", "proposal")}


# ------------------------------------------------------------------ approval freezes the list


def test_approved_list_keeps_its_three_rows_after_withdrawal_refusal_and_reopening(session, clerk, approver, people):
    pl = approved_list(session, clerk, approver)
    before = the_documents(session, pl)
    text_before = pdf_text(before["approved"])
    xlsx_before = xlsx_rows(before["approved"])
    assert [r.name for r in before["approved"].rows] == APPROVED_ORDER
    assert "Tổng cộng: 3 hộ" in text_before and "Kèm theo Quyết định số" in text_before
    assert "(Kèm theo Quyết định số 312/QĐ-UBND ngày 10/07/2025 của Ủy ban nhân dân xã Phú Tân)" in text_before
    assert "ngày 10/07/2025" in text_before and "Phú Tân, ngày" not in text_before  # its decision's date only
    assert xlsx_before == ([
        (1, "Nguyễn Thị Ánh Tuyết", "082175004321", "0912345602", "Ấp Tân Xuân"),
        (2, "Lê Văn Chín", "082059000777", "0912345603", "Ấp Phú Hòa"),
        (3, "Trần Văn Bốn", "082068001234", "0912345601", "Ấp Phú Hòa"),
    ], "Tổng cộng: 3 hộ (2 hộ nghèo, 1 hộ cận nghèo; 0 hộ nhận tiền)")

    # after the decision: the P2 household withdraws and applies again (its pointer leaves the list),
    # the P1 household is refused
    chin, tuyet = people["Lê Văn Chín"], people["Nguyễn Thị Ánh Tuyết"]
    applications.withdraw(session, chin, "Hộ chuyển đi nơi khác", clerk)
    applications.reopen(session, chin, "Hộ nộp lại hồ sơ", clerk)
    applications.refuse(session, tuyet, "Hộ không còn cư trú tại xã", approver)
    assert chin.proposal_list_id is None and chin.state == "received"
    assert len(lists.applications_on(session, pl)) == 2  # the current pointers moved ...

    after = the_documents(session, pl)  # ... the approved record did not
    assert [r.name for r in after["approved"].rows] == APPROVED_ORDER
    assert [r.stt for r in after["approved"].rows] == [1, 2, 3]
    assert after["approved"].rows == before["approved"].rows
    assert after["proposal"].rows == before["proposal"].rows
    assert pdf_text(after["approved"]) == text_before
    assert xlsx_rows(after["approved"]) == xlsx_before
    rows = lists.page_rows(session, pl)
    assert [(r.rank, r.name, r.state) for r in rows] == [
        (1, "Nguyễn Thị Ánh Tuyết", "refused"), (2, "Lê Văn Chín", "received"), (3, "Trần Văn Bốn", "approved")]
    assert lists.list_sizes(session, [pl]) == {pl.id: 3}


def test_household_corrected_after_approval_does_not_change_the_approved_documents(session, clerk, approver, people):
    pl = approved_list(session, clerk, approver)
    before = the_documents(session, pl)
    text_before = pdf_text(before["approved"])
    bon = people["Trần Văn Bốn"].household
    corrected = _input("Trần Văn Bổn", "082068001234", 1968, "M", "Ấp Tân Xuân", "near_poor", False, False,
                       "0987654321", code=bon.code)
    corrected.reason = "Quyết định công nhận ghi hộ cận nghèo; tên chủ hộ gõ nhầm dấu"
    household_edit.save_household(session, corrected, bon.id, clerk)
    assert bon.head_name == "Trần Văn Bổn"  # the household's record is corrected
    after = the_documents(session, pl)
    assert after["approved"].rows == before["approved"].rows
    row = after["approved"].rows[2]
    assert (row.name, row.hamlet, row.category_label, row.phone) == ("Trần Văn Bốn", "Ấp Phú Hòa", "Hộ nghèo", "0912345601")
    text = pdf_text(after["approved"])
    assert text == text_before and "Trần Văn Bổn" not in text
    assert lists.page_rows(session, pl)[2].name == "Trần Văn Bốn"


def test_approval_freezes_exactly_the_approved_entries(session, clerk, approver, people):
    pl = approved_list(session, clerk, approver)
    entries = lists.frozen_entries(session, pl)
    assert [(e.position, e.head_name, e.tier_label, e.priority_tier, e.category, e.citizen_id) for e in entries] == [
        (1, "Nguyễn Thị Ánh Tuyết", "P1", 1, "poor", "082175004321"),
        (2, "Lê Văn Chín", "P2", 2, "near_poor", "082059000777"),
        (3, "Trần Văn Bốn", "P3", 3, "poor", "082068001234"),
    ]
    assert all(e.frozen_at == pl.approved_at and e.added_by_id == clerk.id and e.removed_at is None for e in entries)
    assert all(e.tracking_code == people[e.head_name].tracking_code for e in entries)
    # the waiting household is on no list
    assert session.scalars(select(ProposalListEntry.application_id)
                           .where(ProposalListEntry.application_id == people["Phạm Thị Năm"].id)).all() == []


# ------------------------------------------------------------------ draft removals: marked, kept, audited


def test_draft_removal_marks_the_entry_and_a_readded_application_gets_a_new_one(session, clerk, approver, people):
    allocations.record_allocation(session, 3, D(2025, 6, 1), "CV", clerk)
    pl = lists.build_proposal_list(session, clerk, created_on=D(2025, 7, 1))
    bon, chin = people["Trần Văn Bốn"], people["Lê Văn Chín"]
    lists.remove_from_list(session, bon, "Sai sót hồ sơ: thiếu giấy xác nhận", clerk)
    applications.withdraw(session, chin, "Hộ chuyển đi nơi khác", clerk)
    removed = lists.removed_entries(session, pl)
    assert [(e.application.household.head_name, e.removal_reason, e.removed_by_id) for e in removed] == [
        ("Trần Văn Bốn", "Sai sót hồ sơ: thiếu giấy xác nhận", clerk.id),
        ("Lê Văn Chín", "Đã rút hồ sơ: Hộ chuyển đi nơi khác", clerk.id),
    ]
    assert all(e.removed_at is not None and e.position is None and e.head_name is None for e in removed)
    log = session.scalars(select(AuditEntry).where(AuditEntry.action == "proposal_list.remove_entry")
                          .order_by(AuditEntry.id)).all()
    assert [(a.entity_id, a.changes, a.note) for a in log] == [
        (pl.id, {"application_id": [bon.id, None]}, "Sai sót hồ sơ: thiếu giấy xác nhận"),
        (pl.id, {"application_id": [chin.id, None]}, "Đã rút hồ sơ: Hộ chuyển đi nơi khác"),
    ]
    # the draft's document reads the list now: one household left
    assert [r.name for r in lists.list_document(session, pl, kind="proposal", issuer=DEFAULT_ISSUER).rows] == [
        "Nguyễn Thị Ánh Tuyết"]
    # two places free: Bốn (eligible again, P3) and Năm (P4) come onto the same draft
    promoted = lists.promote_waiting(session, clerk)
    assert [a.household.head_name for a in promoted] == ["Trần Văn Bốn", "Phạm Thị Năm"]
    bon_entries = session.scalars(select(ProposalListEntry).where(ProposalListEntry.application_id == bon.id)
                                  .order_by(ProposalListEntry.id)).all()
    assert [(e.proposal_list_id, e.removed_at is None) for e in bon_entries] == [(pl.id, False), (pl.id, True)]
    lists.approve_list(session, pl, "312/QĐ-UBND", D(2025, 7, 10), "Ủy ban nhân dân xã Phú Tân", approver)
    assert [(e.position, e.head_name) for e in lists.frozen_entries(session, pl)] == [
        (1, "Nguyễn Thị Ánh Tuyết"), (2, "Trần Văn Bốn"), (3, "Phạm Thị Năm")]
    assert len(lists.removed_entries(session, pl)) == 2  # the draft's history stays with the approved list


def test_the_database_refuses_a_second_live_entry_and_an_unexplained_or_frozen_removal(session, clerk, approver, people):
    pl = approved_list(session, clerk, approver)
    first = lists.frozen_entries(session, pl)[0]
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.add(ProposalListEntry(proposal_list_id=pl.id, application_id=first.application_id))
    with pytest.raises(IntegrityError):  # a frozen entry is never removed
        with session.begin_nested():
            first.removed_at, first.removal_reason = dt.datetime.now(dt.timezone.utc), "Hộ xin rút"
    session.refresh(first)
    nam = people["Phạm Thị Năm"]
    with pytest.raises(IntegrityError):  # removed without a reason
        with session.begin_nested():
            session.add(ProposalListEntry(proposal_list_id=pl.id, application_id=nam.id,
                                          removed_at=dt.datetime.now(dt.timezone.utc)))
    with pytest.raises(IntegrityError):  # a place given twice
        with session.begin_nested():
            session.add(ProposalListEntry(proposal_list_id=pl.id, application_id=nam.id, position=1,
                                          frozen_at=pl.approved_at, head_name="X", hamlet="Ấp Phú Hòa",
                                          support_form="package", tracking_code="ABC", received_on=ON))
    assert session.get(Application, nam.id).state == "eligible"


# ------------------------------------------------------------------ the page


def test_approved_list_page_shows_the_list_as_approved(session, client, clerk, approver, people, login_as):
    pl = approved_list(session, clerk, approver)
    applications.withdraw(session, people["Lê Văn Chín"], "Hộ chuyển đi nơi khác", clerk)
    applications.reopen(session, people["Lê Văn Chín"], "Hộ nộp lại hồ sơ", clerk)
    session.commit()
    login_as("clerk")
    page = client.get(f"/danh-sach/{pl.id}").get_data(as_text=True)
    assert "Hộ trong danh sách (3)" in page
    pos = [page.index(n) for n in APPROVED_ORDER]
    assert pos == sorted(pos)
    assert "Đã tiếp nhận" in page  # Chín's state now, on its approved row
    assert "3 hộ · lập ngày 01/07/2025" in client.get("/danh-sach/").get_data(as_text=True)
