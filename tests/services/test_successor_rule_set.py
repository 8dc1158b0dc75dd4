"""A rule set that stays true after 2025 (domain.md §1): Thông tư 14/2022/TT-BTTTT names no end
date, so it stays in force until a successor rule set is loaded; the successor is picked by date
and the whole flow — eligibility, proposal list, approval, cash payment and its giấy biên nhận —
runs under it with no code change: another amount (in words on the receipt), another cut-off,
other citations. The successor here is made up for the test."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from pypdf import PdfReader

from subsidy.domain.documents import DEFAULT_ISSUER
from subsidy.services import applications, handovers as H, lists, rulesets
from subsidy.services.errors import ServiceError
from tests import factories

D = dt.date
START = D(2026, 7, 1)  # the made-up successor takes over on this day
SUCCESSOR = {
    "id": "KE-TIEP-2026", "version": 1,
    "title": "Hỗ trợ thiết bị đầu cuối (bộ quy tắc thay thế, dùng để kiểm thử)",
    "legal_source": "Thông tư 99/2026/TT-BKHCN (giả định), Điều 7",
    "receipt_legal_basis": "Thông tư số 99/2026/TT-BKHCN ngày 15/06/2026 của Bộ Khoa học và Công nghệ (giả định)",
    "short_name": "Thông tư 99/2026/TT-BKHCN (giả định)",
    "programme_line": "Chương trình giả định giai đoạn 2026–2030 (Thông tư số 99/2026/TT-BKHCN)",
    "effective_from": START.isoformat(), "effective_to": None,
    "eligible_categories": ["poor", "near_poor"], "support_amount": 750_000, "cash_cutoff": "2026-07-01",
    "priority_order": ["P1", "P2", "P3", "P4"],
    "poverty_standards": [{"from_year": 2026, "to_year": 2030, "text": "chuẩn nghèo giả định giai đoạn 2026–2030"}],
    "citations": {rule: f"Thông tư 99/2026/TT-BKHCN (giả định), điều kiện {rule}" for rule in
                  ("E1", "E2", "E3", "E4", "E5")},
}


@pytest.fixture
def both(session, tt14):
    row, created = rulesets.store(session, SUCCESSOR, None)
    assert created
    return tt14, row


def test_the_rule_set_in_force_is_picked_by_date(session, both):
    tt14, successor = both
    assert rulesets.in_force(session, D(2026, 6, 30)).id == tt14.id
    assert rulesets.in_force(session, START).id == successor.id
    assert rulesets.in_force(session, D(2031, 1, 1)).id == successor.id
    with pytest.raises(ServiceError, match="Chưa có bộ quy tắc nào có hiệu lực ngày 11/12/2022"):
        rulesets.in_force(session, D(2022, 12, 11))
    assert rulesets.period(session, tt14) == (
        "Từ ngày 12/12/2022 đến hết ngày 30/06/2026; từ ngày 01/07/2026 áp dụng KE-TIEP-2026 v1 "
        "(Thông tư 99/2026/TT-BKHCN (giả định), Điều 7)")
    assert rulesets.period(session, successor) == (
        "Từ ngày 01/07/2026, chưa có ngày hết hiệu lực (áp dụng cho đến khi nạp bộ quy tắc thay thế)")


def test_thong_tu_14_alone_stays_in_force_with_no_end(session, tt14):
    assert rulesets.in_force(session, D(2029, 5, 1)).id == tt14.id
    assert rulesets.period(session, tt14).endswith("chưa có ngày hết hiệu lực (áp dụng cho đến khi nạp bộ quy tắc "
                                                   "thay thế)")
    # its stored versions carry no programme line: documents print Thông tư 14's own wording
    assert rulesets.spec_of(tt14).programme_line == ("Chương trình cung cấp dịch vụ viễn thông công ích đến năm 2025 "
                                                     "(Thông tư số 14/2022/TT-BTTTT)")


def test_the_whole_flow_runs_under_the_successor(session, both, clerk, approver):
    _, successor = both
    bought = {"after": D(2026, 7, 20), "between": D(2026, 3, 1)}  # the second: after TT14's cut-off only
    apps = {}
    for name, purchase in bought.items():
        h = factories.applicant(session, list_year=2026)
        apps[name] = applications.apply(session, applications.ApplicationInput(
            household_id=h.id, support_form="cash", received_on=D(2026, 7, 25), purchase_date=purchase), clerk)
    on = D(2026, 8, 1)
    decision = applications.check_eligibility(session, apps["after"], clerk, on=on)
    assert (decision.outcome, decision.rule_set_id) == ("eligible", successor.id)
    by_rule = {r["rule"]: r for r in decision.results}
    assert by_rule["E1"]["citation"] == ("Thông tư 99/2026/TT-BKHCN (giả định), điều kiện E1; danh sách hộ nghèo, "
                                      "hộ cận nghèo năm 2026 theo chuẩn nghèo giả định giai đoạn 2026–2030")
    assert "750.000 đồng" in by_rule["E5"]["explanation"] and "01/07/2026" in by_rule["E5"]["explanation"]
    refused = applications.check_eligibility(session, apps["between"], clerk, on=on)
    assert (refused.outcome, refused.failed_rules) == ("not_eligible", ["E5"])
    assert "trước ngày 01/07/2026" in {r["rule"]: r for r in refused.results}["E5"]["explanation"]
    # the same purchase was eligible under Thông tư 14 (cut-off 12/12/2022) the day before
    assert applications.check_eligibility(session, apps["between"], clerk, on=D(2026, 6, 30)).outcome == "eligible"
    applications.check_eligibility(session, apps["between"], clerk, on=on)

    factories.allocation(session, clerk, 1, D(2026, 8, 2))
    pl, on_list = factories.proposal_list(session, clerk, created_on=D(2026, 8, 3), approver=approver,
                                          decision=("21/QĐ-UBND", D(2026, 8, 5), "Ủy ban nhân dân xã Phú Tân"))
    assert [a.id for a in on_list] == [apps["after"].id]
    result = H.record_cash_payment(session, apps["after"].id, H.CashPaymentInput(
        paid_on=D(2026, 8, 10), recipient_name="Nguyễn Văn Hùng", recipient_citizen_id=apps["after"].household.citizen_id),
        clerk, today=D(2026, 8, 10))
    snap = result.receipt.snapshot
    assert result.payment.amount == 750_000 == successor.support_amount
    assert (snap["amount_figures"], snap["amount_words"]) == ("750.000", "Bảy trăm năm mươi nghìn đồng")
    assert snap["legal_basis"] == SUCCESSOR["receipt_legal_basis"]
    assert pl.status == "approved"
    # the list names the programme and the cash form its legal text from the rule set, not from code
    doc = lists.list_document(session, pl, kind="approved", issuer=DEFAULT_ISSUER)
    assert doc.programme_line == SUCCESSOR["programme_line"]
    assert H.cash_terms(session, D(2026, 8, 10)) == H.CashTerms(750_000, START, SUCCESSOR["short_name"])
    assert rulesets.short_name_on(session, D(2026, 6, 30)) == "Thông tư 14/2022/TT-BTTTT"
    assert H.cash_terms(session, D(2026, 6, 30)) == H.CashTerms(500_000, D(2022, 12, 12), "Thông tư 14/2022/TT-BTTTT")


def test_a_successor_document_round_trips_through_the_loader(tmp_path, session, tt14):
    path = tmp_path / "ke-tiep.json"
    path.write_text(json.dumps(SUCCESSOR, ensure_ascii=False), encoding="utf-8")
    created = rulesets.load_shipped(session, None, tmp_path)
    assert [r.code for r in created] == ["KE-TIEP-2026"]
    assert rulesets.spec_of(created[0]).poverty_standard(2027).text == "chuẩn nghèo giả định giai đoạn 2026–2030"


#: The made-up successor with one more eligible category, «hộ mới thoát nghèo» (left_poor), and a tier
#: of its own after the near-poor: a rule-set document only, no code change.
WIDER = {**SUCCESSOR, "id": "KE-TIEP-RONG-2026",
         "eligible_categories": ["poor", "near_poor", "left_poor"],
         "priority_order": ["P1", "P2", "P3", "P4"],
         "priority": {"P1": {"criterion": "meritorious", "label": "Hộ có người có công với cách mạng"},
                      "P2": {"criterion": "poor", "label": "Hộ nghèo"},
                      "P3": {"criterion": "near_poor", "label": "Hộ cận nghèo"},
                      "P4": {"criterion": "left_poor", "label": "Hộ mới thoát nghèo"}}}


def test_a_successor_with_one_more_category_runs_the_whole_flow(session, tt14, clerk, approver):
    from subsidy.documents.lists import render_pdf
    from subsidy.services import tally as T

    wider, created = rulesets.store(session, WIDER, None)
    assert created
    h = factories.applicant(session, list_year=2026, category="left_poor", head_name="Trương Văn Thoát")
    app = applications.apply(session, applications.ApplicationInput(
        household_id=h.id, support_form="cash", received_on=D(2026, 7, 25), purchase_date=D(2026, 7, 20)), clerk)
    # the day before the successor, Thông tư 14 does not cover the category
    before = applications.check_eligibility(session, app, clerk, on=D(2026, 6, 30))
    assert (before.outcome, before.failed_rules) == ("not_eligible", ["E1"])
    assert "chỉ hỗ trợ hộ nghèo hoặc hộ cận nghèo" in {r["rule"]: r for r in before.results}["E1"]["explanation"]
    decision = applications.check_eligibility(session, app, clerk, on=D(2026, 8, 1))
    assert (decision.outcome, decision.rule_set_id, decision.priority_tier) == ("eligible", wider.id, 4)
    assert {r["rule"]: r for r in decision.results}["E1"]["explanation"].startswith(
        "Là hộ mới thoát nghèo trong danh sách năm 2026")

    factories.allocation(session, clerk, 1, D(2026, 8, 2))
    pl, on_list = factories.proposal_list(session, clerk, created_on=D(2026, 8, 3), approver=approver,
                                          decision=("22/QĐ-UBND", D(2026, 8, 5), "Ủy ban nhân dân xã Phú Tân"))
    assert [a.id for a in on_list] == [app.id] and pl.status == "approved"
    doc = lists.list_document(session, pl, kind="approved", issuer=DEFAULT_ISSUER)
    assert [(r.category_label, r.tier) for r in doc.rows] == [("Hộ mới thoát nghèo", "P4")]
    printed = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(render_pdf(doc))).pages)
    assert "Hộ mới thoát nghèo" in printed
    assert "Tổng cộng: 1 hộ (0 hộ nghèo, 0 hộ cận nghèo, 1 hộ mới thoát nghèo; 1 hộ nhận tiền)" in printed
    result = H.record_cash_payment(session, app.id, H.CashPaymentInput(
        paid_on=D(2026, 8, 10), recipient_name="Trương Văn Thoát", recipient_citizen_id=h.citizen_id),
        clerk, today=D(2026, 8, 10))
    snap = result.receipt.snapshot
    assert (snap["amount_figures"], snap["category"]) == ("750.000", "Hộ mới thoát nghèo")
    # the tally counts it under its own category
    t = T.tally(session, "2026-08", today=D(2026, 8, 31))
    rows = {r.key: r for r in t.by_category.rows}
    assert rows["left_poor"].label == "Hộ mới thoát nghèo" and rows["left_poor"].figures.paid == 1
    assert None not in rows  # not counted as «Chưa xác định»
