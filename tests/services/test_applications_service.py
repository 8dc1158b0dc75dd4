"""The application services on a real database: apply, check (decisions kept, snapshots, versions),
withdraw/refuse, quota, waiting list and promotion, proposal lists and approval, rule sets."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from subsidy.domain import tracking
from subsidy.domain.workflow import ReasonRequired, RoleNotAllowed
from subsidy.models import (
    Application, ApplicationEvent, AuditEntry, CashPayment, EligibilityDecision, Handover, HandoverImei, RuleSet,
)
from subsidy.services import allocations, applications, facts, lists, rulesets
from subsidy.services.errors import Conflict, NotFound, ServiceError
from tests import factories

ON = dt.date(2025, 6, 30)


@pytest.fixture
def clerk(session):
    return factories.user(session, "clerk", "clerk1", full_name="Trần Văn Lập", row=True)


def apply(session, clerk, h, form="package", received=dt.date(2025, 3, 1), **kw):
    return applications.apply(session, applications.ApplicationInput(household_id=h.id, support_form=form,
                                                                     received_on=received, **kw), clerk)


def count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


# ------------------------------------------------------------------ apply


def test_apply_gives_tracking_code_first_event_and_audit(session, clerk, household):
    h = household()
    app = apply(session, clerk, h, note="0.1 <A <0.9")
    assert app.state == "received" and app.received_by_id == clerk.id
    assert tracking.is_valid(app.tracking_code)
    assert not tracking.contains_personal_data(app.tracking_code, [h.head_name, h.citizen_id, h.head_birth_year])
    [ev] = session.scalars(select(ApplicationEvent).where(ApplicationEvent.application_id == app.id))
    assert (ev.from_state, ev.to_state, ev.actor_id) == (None, "received", clerk.id)
    assert count(session, AuditEntry, AuditEntry.action == "application.create", AuditEntry.entity_id == app.id) == 1
    assert applications.find_by_tracking_code(session, tracking.display(app.tracking_code).lower()) is app


def test_second_application_is_refused_with_a_link_to_the_first(session, clerk, household):
    h = household()
    first = apply(session, clerk, h)
    with pytest.raises(applications.DuplicateApplication) as err:
        apply(session, clerk, h, form="cash")
    assert err.value.application_id == first.id
    assert tracking.display(first.tracking_code) in str(err.value)
    assert isinstance(err.value, Conflict)
    assert count(session, Application) == 1
    # another programme is another application
    other = applications.apply(session, applications.ApplicationInput(household_id=h.id, support_form="package"),
                               clerk, programme="VTCI-2026")
    assert other.id != first.id


@pytest.mark.parametrize("changes,word", [
    ({"received": dt.date(2999, 1, 1)}, "Ngày nhận hồ sơ"),
    ({"form": "voucher"}, "hình thức"),
    ({"form": "cash", "purchase_date": dt.date(2999, 1, 1)}, "Ngày mua"),
])
def test_apply_refuses_bad_input(session, clerk, household, changes, word):
    h = household()
    with pytest.raises(ServiceError) as err:
        apply(session, clerk, h, **changes)
    assert word in str(err.value)
    assert count(session, Application) == 0


def test_apply_unknown_or_archived_household(session, clerk, household):
    with pytest.raises(NotFound):
        applications.apply(session, applications.ApplicationInput(household_id=99999, support_form="package"), clerk)
    h = household(archived=True)
    with pytest.raises(ServiceError, match="lưu trữ"):
        apply(session, clerk, h)


def test_prior_device_declaration_updates_the_household_with_audit(session, clerk, household):
    h = household(prior_device="unknown")
    apply(session, clerk, h, prior_device="vtci_tablet", prior_device_detail="Máy tính bảng", prior_device_date=dt.date(2021, 9, 5))
    assert (h.prior_device, h.prior_device_detail, h.prior_device_date) == ("vtci_tablet", "Máy tính bảng", dt.date(2021, 9, 5))
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.prior_device"))
    assert entry.entity_id == h.id and entry.actor_id == clerk.id
    assert entry.changes["prior_device"] == ["unknown", "vtci_tablet"]
    assert entry.changes["prior_device_date"] == [None, "2021-09-05"]


# ------------------------------------------------------------------ check


def test_check_stores_decision_with_snapshot_and_moves(session, clerk, household, tt14):
    h = household(meritorious=True, decision_number="45/QĐ-UBND", decision_date=dt.date(2025, 1, 10))
    app = apply(session, clerk, h)
    d = applications.check_eligibility(session, app, clerk, on=ON)
    assert (d.outcome, d.priority_tier, d.rule_set_id, d.decided_by_id) == ("eligible", 1, tt14.id, clerk.id)
    assert app.state == "eligible" and app.priority_tier == 1
    assert [r["rule"] for r in d.results] == ["E1", "E2", "E3", "E4", "E5"]
    assert [r["status"] for r in d.results] == ["passed", "passed", "passed", "passed", "not_applicable"]
    assert all(r["citation"].startswith("Thông tư 14/2022/TT-BTTTT") for r in d.results)
    assert d.facts["category"] == "poor" and d.facts["list_year"] == 2025 and d.facts["check_date"] == "2025-06-30"
    assert d.facts["list_decision"] == "Quyết định số 45/QĐ-UBND ngày 10/01/2025"
    assert d.facts["rule_set"] == "TT14-2022 v2" and d.facts["tier_id"] == "P1"
    ev = session.scalars(select(ApplicationEvent).where(ApplicationEvent.application_id == app.id)
                         .order_by(ApplicationEvent.id.desc())).first()
    assert (ev.from_state, ev.to_state) == ("received", "eligible")


def test_undecided_keeps_state_and_names_missing_then_recheck_adds_a_decision(session, clerk, household, tt14):
    h = household(prior_device="unknown")
    app = apply(session, clerk, h)
    d1 = applications.check_eligibility(session, app, clerk, on=ON)
    assert d1.outcome == "undecided" and app.state == "received"
    assert any("máy tính bảng" in m for m in d1.facts["missing"])
    applications.record_prior_device(session, h, "none", None, None, clerk)
    d2 = applications.check_eligibility(session, app, clerk, on=ON)
    assert d2.outcome == "eligible" and app.state == "eligible"
    assert [d.id for d in applications.decisions_of(session, app)] == [d2.id, d1.id]
    assert d1.outcome == "undecided"


def test_a_later_household_edit_does_not_rewrite_an_old_decision(session, clerk, household, tt14):
    h = household()
    app = apply(session, clerk, h)
    d1 = applications.check_eligibility(session, app, clerk, on=ON)
    session.commit()
    h.prior_device = "learning_device"
    h.prior_device_date = dt.date(2022, 9, 1)  # no phone allocated yet: the device counts (E2)
    h.category = "near_poor"
    session.commit()
    d2 = applications.check_eligibility(session, app, clerk, on=ON)
    session.commit()
    session.expire_all()
    old = session.get(EligibilityDecision, d1.id)
    assert old.outcome == "eligible" and old.facts["prior_device"] == "none" and old.facts["category"] == "poor"
    assert old.priority_tier == 3
    assert d2.outcome == "not_eligible" and d2.failed_rules == ["E2"] and d2.priority_tier == 4
    assert app.state == "not_eligible"
    ev = session.scalars(select(ApplicationEvent).order_by(ApplicationEvent.id.desc())).first()
    assert (ev.to_state, ev.reason) == ("not_eligible", "Không đạt điều kiện E2")


def test_no_poverty_status_for_the_year_is_undecided(session, clerk, household, tt14):
    app = apply(session, clerk, household(list_year=2024))
    d = applications.check_eligibility(session, app, clerk, on=ON)
    assert d.outcome == "undecided"
    assert d.facts["missing"] == ["tình trạng hộ nghèo/cận nghèo năm 2025 (danh sách rà soát năm 2025)"]


@pytest.mark.parametrize("purchase,outcome", [
    (dt.date(2022, 12, 11), "not_eligible"), (dt.date(2022, 12, 12), "eligible"), (dt.date(2022, 12, 13), "eligible"),
    (None, "undecided"),
])
def test_cash_cut_off_on_both_sides(session, clerk, household, tt14, purchase, outcome):
    app = apply(session, clerk, household(), form="cash", purchase_date=purchase, evidence_note="Hóa đơn")
    assert applications.check_eligibility(session, app, clerk, on=ON).outcome == outcome


def test_set_purchase_date_then_recheck(session, clerk, household, tt14):
    app = apply(session, clerk, household(), form="cash")
    applications.check_eligibility(session, app, clerk, on=ON)
    applications.set_purchase_date(session, app, dt.date(2023, 2, 1), "Phiếu bảo hành", clerk)
    assert applications.check_eligibility(session, app, clerk, on=ON).outcome == "eligible"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "application.purchase_date"))
    assert entry.changes["purchase_date"] == [None, "2023-02-01"]


def test_support_once_per_household_e4(session, clerk, household, tt14):
    h = household()
    earlier = applications.apply(session, applications.ApplicationInput(household_id=h.id, support_form="package"),
                                 clerk, programme="VTCI-2023")
    ho = Handover(application_id=earlier.id, phone_make="X", phone_model="Y",
                  imeis=[HandoverImei(position=1, imei="490154203237518")], telecom="VNPT",
                  subscriber_number="0912345678", handed_on=dt.date(2024, 1, 5), recipient_name=h.head_name)
    session.add(ho)
    session.flush()
    app = apply(session, clerk, h)
    d = applications.check_eligibility(session, app, clerk, on=ON)
    assert d.outcome == "not_eligible" and d.failed_rules == ["E4"]
    assert d.facts["live_handovers"] == 1
    ho.voided_at = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)
    session.flush()
    assert applications.check_eligibility(session, app, clerk, on=ON).outcome == "eligible"
    session.add(CashPayment(application_id=earlier.id, amount=500000, paid_on=dt.date(2024, 3, 1),
                            purchase_date=dt.date(2023, 5, 1), recipient_name=h.head_name))
    session.flush()
    d3 = applications.check_eligibility(session, app, clerk, on=ON)
    assert d3.outcome == "not_eligible" and d3.facts["live_cash_payments"] == 1


def test_checking_needs_a_clerk_and_a_checkable_state(session, clerk, approver, household, tt14):
    app = apply(session, clerk, household())
    with pytest.raises(RoleNotAllowed):
        applications.check_eligibility(session, app, approver, on=ON)
    assert app.state == "received"
    app.state = "approved"
    with pytest.raises(ServiceError):
        applications.check_eligibility(session, app, clerk, on=ON)


def test_no_rule_set_in_force(session, clerk, household, tt14):
    app = apply(session, clerk, household())
    with pytest.raises(ServiceError, match="Chưa có bộ quy tắc"):
        applications.check_eligibility(session, app, clerk, on=dt.date(2022, 12, 11))


# ------------------------------------------------------------------ rule-set versions


def v2_document(**changes):
    doc = json.loads((rulesets.RULESETS_DIR / "tt14-2022.json").read_text(encoding="utf-8"))
    doc.update({"version": doc["version"] + 1, "effective_from": "2025-01-01", "cash_cutoff": "2023-06-01", "support_amount": 600000})
    doc.update(changes)
    return doc


def test_decision_under_version_1_keeps_its_record_when_version_2_arrives(session, clerk, household, tt14):
    app = apply(session, clerk, household(), form="cash", purchase_date=dt.date(2023, 1, 15))
    d1 = applications.check_eligibility(session, app, clerk, on=ON)
    assert d1.outcome == "eligible" and d1.rule_set_id == tt14.id
    v2, created = rulesets.store(session, v2_document(), None)
    assert created and rulesets.in_force(session, ON) is v2
    assert rulesets.in_force(session, dt.date(2024, 12, 31)) is tt14
    d2 = applications.check_eligibility(session, app, clerk, on=ON)
    assert (d2.outcome, d2.rule_set_id, d2.failed_rules) == ("not_eligible", v2.id, ["E5"])
    assert "01/06/2023" in d2.results[4]["explanation"]
    session.commit()
    session.expire_all()
    old = session.get(EligibilityDecision, d1.id)
    assert (old.outcome, old.rule_set_id, old.rule_set.version) == ("eligible", tt14.id, 2)
    assert "12/12/2022" in old.results[4]["explanation"]


def test_rule_set_loading_is_idempotent_and_versions_are_immutable(session, tt14):
    assert rulesets.load_shipped(session) == []
    assert count(session, RuleSet) == 1
    changed = json.loads((rulesets.RULESETS_DIR / "tt14-2022.json").read_text(encoding="utf-8"))
    changed["support_amount"] = 1
    with pytest.raises(Conflict, match="phiên bản mới"):
        rulesets.store(session, changed, None)
    with pytest.raises(ServiceError):
        rulesets.read_document(b"{not json")
    with pytest.raises(ServiceError, match="thiếu"):
        rulesets.read_document(json.dumps({"id": "X"}).encode())


def test_inactive_version_is_not_in_force_until_switched_on(session, tt14, clerk):
    v2, _ = rulesets.store(session, v2_document(), None, active=False)
    assert rulesets.in_force(session, ON) is tt14
    rulesets.set_active(session, v2, True, clerk)
    assert rulesets.in_force(session, ON) is v2


def test_rule_preview_counts_each_version(session, clerk, household, tt14):
    # 2 package poor, 1 near-poor, 1 cash bought 2023-01-15, 1 cash 2023-07-01, 1 undecided
    for kw in ({}, {}, {"category": "near_poor"}):
        applications.check_eligibility(session, apply(session, clerk, household(**kw)), clerk, on=ON)
    for p in (dt.date(2023, 1, 15), dt.date(2023, 7, 1)):
        applications.check_eligibility(session, apply(session, clerk, household(), form="cash", purchase_date=p),
                                       clerk, on=ON)
    apply(session, clerk, household(prior_device="unknown"))
    candidate = rulesets.RuleSetSpec.from_document(v2_document(eligible_categories=["poor"]))
    p = rulesets.preview(session, candidate, ON)
    assert p.total == 6
    assert p.current.counts == {"eligible": 5, "not_eligible": 0, "undecided": 1}
    assert p.candidate.counts == {"eligible": 3, "not_eligible": 2, "undecided": 1}
    assert p.changes == {("eligible", "not_eligible"): 2}
    assert p.candidate.failed_by_rule == {"E1": 1, "E5": 1}
    assert count(session, RuleSet) == 1  # nothing stored


# ------------------------------------------------------------------ quota, waiting list, lists


def eligible_apps(session, clerk, household, specs):
    """specs: list of (name, household kwargs, received_on); returns the applications, checked."""
    out = []
    for name, kw, received in specs:
        app = apply(session, clerk, household(head_name=name, **kw), received=received)
        assert applications.check_eligibility(session, app, clerk, on=ON).outcome == "eligible"
        out.append(app)
    return out


D = dt.date
SPECS = [
    ("Lê Thị Ba", {"category": "near_poor"}, D(2025, 3, 1)),        # P4
    ("Trần Văn Bốn", {}, D(2025, 3, 5)),                            # P3, later
    ("Phạm Thị Năm", {}, D(2025, 3, 2)),                            # P3, earlier
    ("Võ Văn Sáu", {"social_policy": True}, D(2025, 4, 1)),         # P2
    ("Đỗ Thị Bảy", {"meritorious": True, "category": "near_poor"}, D(2025, 5, 1)),  # P1
]
RANKED = ["Đỗ Thị Bảy", "Võ Văn Sáu", "Phạm Thị Năm", "Trần Văn Bốn", "Lê Thị Ba"]


def names(apps):
    return [a.household.head_name for a in apps]


def test_waiting_list_is_in_priority_order(session, clerk, household, tt14):
    eligible_apps(session, clerk, household, SPECS)
    assert names(allocations.waiting_list(session)) == RANKED


USED = "(hồ sơ đã đề nghị, đã phê duyệt, đã bàn giao hoặc đã chi tiền)"
NO_PLACE_FIX = ("Các hộ vẫn ở danh sách chờ theo thứ tự ưu tiên và được đưa vào khi xã có thêm phân bổ, hoặc khi có hộ "
                "rút hồ sơ hay bị từ chối.")


def test_quota_exhaustion_and_refusal_beyond_it(session, clerk, household, tt14):
    """Every way of proposing beyond the quota gets the one refusal: the quota, the places used and
    left, the households asked for, what to do (allocations.over_quota_message)."""
    eligible_apps(session, clerk, household, SPECS)
    with pytest.raises(ServiceError, match="Chưa ghi nhận phân bổ"):
        lists.build_proposal_list(session, clerk)
    allocations.record_allocation(session, 3, D(2025, 6, 1), "Công văn 12/STTTT", clerk)
    with pytest.raises(ServiceError) as err:
        lists.build_proposal_list(session, clerk, count=4)
    assert str(err.value) == (
        f"Vượt chỉ tiêu: xã được phân bổ 3 máy, đã dùng 0 chỗ {USED}, còn 3 chỗ trống, không đưa được 4 hộ vào danh "
        "sách đề nghị. Hãy chọn tối đa 3 hộ; các hộ còn lại ở danh sách chờ theo thứ tự ưu tiên.")
    pl = lists.build_proposal_list(session, clerk, created_on=D(2025, 7, 1))
    assert names(lists.applications_on(session, pl)) == RANKED[:3]
    assert pl.register_number is None and pl.status == "draft"  # numbered when submitted
    assert lists.submit_list(session, pl, clerk) == "01/DS-UBND"
    q = allocations.quota(session)
    assert (q.allocated, q.proposed, q.left) == (3, 3, 0)
    assert names(allocations.waiting_list(session)) == RANKED[3:]
    full = f"Vượt chỉ tiêu: xã được phân bổ 3 máy, đã dùng 3 chỗ {USED}, còn 0 chỗ trống, không đưa được"
    with pytest.raises(ServiceError) as err:  # a new list of everyone waiting: the two left
        lists.build_proposal_list(session, clerk)
    assert str(err.value) == f"{full} 2 hộ vào danh sách đề nghị. {NO_PLACE_FIX}"
    nxt = allocations.waiting_list(session)[0]
    with pytest.raises(ServiceError) as err:
        lists.propose_one(session, nxt, clerk)
    assert str(err.value) == f"{full} 1 hộ vào danh sách đề nghị. {NO_PLACE_FIX}"
    assert nxt.state == "eligible"
    with pytest.raises(ServiceError) as err:
        lists.promote_waiting(session, clerk)
    assert str(err.value) == f"{full} 2 hộ vào danh sách đề nghị. {NO_PLACE_FIX}"
    with pytest.raises(ServiceError) as err:  # onto a draft, one by one
        lists.propose(session, nxt, lists.new_list(session, clerk), clerk)
    assert str(err.value) == f"{full} 1 hộ vào danh sách đề nghị. {NO_PLACE_FIX}"
    # nobody waiting and no place: nothing is missing, so the refusal says nobody waits
    for app in allocations.waiting_list(session):
        applications.withdraw(session, app, "Hộ không nhận nữa", clerk)
    with pytest.raises(ServiceError) as err:
        lists.promote_waiting(session, clerk)
    assert str(err.value) == ("Không có hồ sơ đủ điều kiện nào đang chờ. Hãy kiểm tra điều kiện các hồ sơ mới nhận "
                              "trước.")


@pytest.mark.parametrize("q, asked, expected", [
    (allocations.Quota(1200, 700, 300, 150, 50, 0), 3,
     f"Vượt chỉ tiêu: xã được phân bổ 1.200 máy, đã dùng 1.200 chỗ {USED}, còn 0 chỗ trống, không đưa được 3 hộ vào "
     f"danh sách đề nghị. {NO_PLACE_FIX}"),
    (allocations.Quota(0, 0, 0, 0, 0, 0), 1,
     f"Vượt chỉ tiêu: xã được phân bổ 0 máy, đã dùng 0 chỗ {USED}, còn 0 chỗ trống, không đưa được 1 hộ vào danh "
     "sách đề nghị. Hãy ghi nhận phân bổ máy cho xã (số máy, ngày, văn bản phân bổ) trước; các hộ vẫn ở danh sách chờ "
     "theo thứ tự ưu tiên."),
    (allocations.Quota(5, 1, 0, 0, 0, 0), 2000,
     f"Vượt chỉ tiêu: xã được phân bổ 5 máy, đã dùng 1 chỗ {USED}, còn 4 chỗ trống, không đưa được 2.000 hộ vào danh "
     "sách đề nghị. Hãy chọn tối đa 4 hộ; các hộ còn lại ở danh sách chờ theo thứ tự ưu tiên."),
])
def test_the_over_quota_refusal_gives_its_numbers_with_dot_separators(q, asked, expected):
    assert allocations.over_quota_message(q, asked) == expected


def test_propose_one_keeps_priority_order(session, clerk, household, tt14):
    apps = eligible_apps(session, clerk, household, SPECS)
    allocations.record_allocation(session, 1, D(2025, 6, 1), "CV", clerk)
    low = apps[0]  # P4
    with pytest.raises(ServiceError, match="ưu tiên hơn"):
        lists.propose_one(session, low, clerk)
    top = allocations.waiting_list(session)[0]
    pl = lists.propose_one(session, top, clerk)
    assert top.state == "proposed" and top.proposal_list_id == pl.id


def test_withdrawal_frees_a_place_and_the_waiting_list_moves_up(session, clerk, approver, household, tt14):
    eligible_apps(session, clerk, household, SPECS)
    allocations.record_allocation(session, 3, D(2025, 6, 1), "CV", clerk)
    pl = lists.build_proposal_list(session, clerk, created_on=D(2025, 7, 1))
    on_list = lists.applications_on(session, pl)
    with pytest.raises(ReasonRequired):
        applications.withdraw(session, on_list[1], "  ", clerk)
    assert on_list[1].state == "proposed"
    applications.withdraw(session, on_list[1], "Hộ chuyển đi nơi khác", clerk)
    assert on_list[1].state == "withdrawn" and on_list[1].proposal_list_id is None
    assert allocations.quota(session).left == 1
    promoted = lists.promote_waiting(session, clerk)
    assert names(promoted) == ["Trần Văn Bốn"]
    assert promoted[0].proposal_list_id == pl.id  # same draft list
    assert names(lists.applications_on(session, pl)) == ["Đỗ Thị Bảy", "Phạm Thị Năm", "Trần Văn Bốn"]
    assert names(allocations.waiting_list(session)) == ["Lê Thị Ba"]
    # approve, then a refusal after approval frees a place for a new (supplementary) list
    approved = lists.approve_list(session, pl, "12/QĐ-UBND", D(2025, 7, 10), "UBND xã Phú Tân", approver)
    assert len(approved) == 3
    applications.refuse(session, approved[0], "Hộ không còn cư trú tại xã", approver)
    assert approved[0].proposal_list_id == pl.id  # stays on the approved list's record
    promoted = lists.promote_waiting(session, clerk)
    assert names(promoted) == ["Lê Thị Ba"]
    assert promoted[0].proposal_list_id != pl.id
    assert promoted[0].proposal_list.status == "draft" and promoted[0].proposal_list.register_number is None
    assert lists.submit_list(session, promoted[0].proposal_list, clerk) == "02/DS-UBND"


def test_remove_from_draft_list_goes_back_to_waiting(session, clerk, household, tt14):
    eligible_apps(session, clerk, household, SPECS)
    allocations.record_allocation(session, 2, D(2025, 6, 1), "CV", clerk)
    pl = lists.build_proposal_list(session, clerk)
    first = lists.applications_on(session, pl)[0]
    lists.remove_from_list(session, first, "Sai sót hồ sơ", clerk)
    assert first.state == "eligible" and first.proposal_list_id is None
    assert names(allocations.waiting_list(session))[0] == "Đỗ Thị Bảy"


def test_approve_whole_list(session, clerk, approver, household, tt14):
    eligible_apps(session, clerk, household, SPECS)
    allocations.record_allocation(session, 5, D(2025, 6, 1), "CV", clerk)
    pl = lists.build_proposal_list(session, clerk, created_on=D(2025, 7, 1))
    with pytest.raises(RoleNotAllowed):
        lists.approve_list(session, pl, "12/QĐ-UBND", D(2025, 7, 10), "UBND xã", clerk)
    session.flush()
    assert pl.status == "draft" and pl.decision_number is None
    assert count(session, Application, Application.state == "proposed") == 5
    with pytest.raises(ServiceError, match="trước ngày lập"):
        lists.approve_list(session, pl, "12/QĐ-UBND", D(2025, 6, 30), "UBND xã", approver)
    with pytest.raises(ServiceError, match="số quyết định"):
        lists.approve_list(session, pl, " ", D(2025, 7, 10), "UBND xã", approver)
    apps = lists.approve_list(session, pl, "12/QĐ-UBND", D(2025, 7, 10), "UBND xã Phú Tân", approver)
    assert names(apps) == RANKED
    assert all(a.state == "approved" for a in apps)
    assert (pl.status, pl.decision_number, pl.decision_date, pl.approving_body, pl.approved_by_id) == (
        "approved", "12/QĐ-UBND", D(2025, 7, 10), "UBND xã Phú Tân", approver.id)
    with pytest.raises(ServiceError, match="đã được phê duyệt"):
        lists.approve_list(session, pl, "13/QĐ-UBND", D(2025, 7, 11), "UBND xã", approver)
    ev = session.scalars(select(ApplicationEvent).where(ApplicationEvent.to_state == "approved")).first()
    assert ev.reason == "Quyết định số 12/QĐ-UBND ngày 10/07/2025 của UBND xã Phú Tân"
    # E3 now names the approval when the facts are loaded again
    f = facts.load_facts(session, apps[0], ON)
    assert f.approved_list == "Quyết định số 12/QĐ-UBND ngày 10/07/2025"


def test_allocation_validation(session, clerk, household):
    for _ in range(12):  # the total allocated may not exceed the poor/near-poor households on file
        household()
    with pytest.raises(ServiceError):
        allocations.record_allocation(session, 0, D(2025, 6, 1), "CV", clerk)
    with pytest.raises(ServiceError):
        allocations.record_allocation(session, 5, D(2025, 6, 1), "  ", clerk)
    a = allocations.record_allocation(session, 5, D(2025, 6, 1), "CV 1", clerk)
    allocations.record_allocation(session, 7, D(2025, 8, 1), "CV 2", clerk)
    assert allocations.quota(session).allocated == 12
    assert count(session, AuditEntry, AuditEntry.action == "allocation.create") == 2
    assert a.created_by_id == clerk.id


def test_check_many_matches_single_checks(session, clerk, household, tt14):
    """The batch path writes the same records as check_eligibility one by one."""
    kinds = ({}, {"prior_device": "vtci_tablet", "prior_device_date": dt.date(2021, 9, 5)}, {"prior_device": "unknown"},
             {"meritorious": True})
    singles = [apply(session, clerk, household(**kw)) for kw in kinds]
    batch = [apply(session, clerk, household(**kw)) for kw in kinds]
    for a in singles:
        applications.check_eligibility(session, a, clerk, on=ON)
    decisions = applications.check_many(session, batch, clerk, on=ON)
    assert [d.outcome for d in decisions] == ["eligible", "not_eligible", "undecided", "eligible"]
    assert [a.state for a in batch] == [a.state for a in singles] == ["eligible", "not_eligible", "received", "eligible"]
    assert [a.priority_tier for a in batch] == [a.priority_tier for a in singles] == [3, 3, 3, 1]

    def records(app):
        d = applications.latest_decision(session, app)
        facts = {k: v for k, v in d.facts.items() if k not in ("tracking_code",)}
        results = [{k: v for k, v in r.items() if k != "explanation"} for r in d.results]
        events = [(e.from_state, e.to_state, e.actor_id, e.reason) for e in session.scalars(
            select(ApplicationEvent).where(ApplicationEvent.application_id == app.id).order_by(ApplicationEvent.id))]
        audits = [(e.action, e.actor_id, e.changes, e.note) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == "application", AuditEntry.entity_id == app.id,
                                     AuditEntry.action != "application.create").order_by(AuditEntry.id))]
        return (d.outcome, d.priority_tier, d.failed_rules, d.rule_set_id, d.decided_by_id,
                {k: v for k, v in facts.items() if k != "received_on"}, results, events, audits)

    for one, many in zip(singles, batch):
        assert records(one) == records(many)
    # nothing moves when one move is illegal for the role: all or nothing
    approver = factories.user(session, "approver", "appr2", row=True)
    more = [apply(session, clerk, household()) for _ in range(2)]
    with pytest.raises(RoleNotAllowed):
        applications.check_many(session, more, approver, on=ON)
    assert [a.state for a in more] == ["received", "received"]
    assert count(session, EligibilityDecision, EligibilityDecision.application_id.in_([a.id for a in more])) == 0


# ------------------------------------------------------------------ intake: what E5 will need


def test_a_cash_application_without_its_purchase_date_is_warned_at_intake(session, clerk, household, tt14):
    cash = apply(session, clerk, household(), form="cash")
    assert applications.intake_warnings(session, cash) == [
        "Chưa xét được điều kiện E5: Hộ đề nghị hỗ trợ bằng tiền nhưng chưa ghi ngày mua điện thoại (phải từ "
        "12/12/2022 trở đi). Hãy dặn hộ mang đến bổ sung: hóa đơn hoặc giấy tờ mua điện thoại có ghi ngày mua (hộ "
        "tự mua máy, nhận hỗ trợ bằng tiền); khi có, ghi ngày mua ở mục «Ghi ngày hộ mua điện thoại (E5)» của hồ sơ "
        "này (hệ thống kiểm tra lại ngay). Trang tra cứu của hộ cũng ghi việc cần bổ sung sau khi kiểm tra."]
    assert cash.state == "received"  # a warning: the application is received all the same
    dated = apply(session, clerk, household(), form="cash", purchase_date=dt.date(2023, 2, 1))
    package = apply(session, clerk, household())
    assert applications.intake_warnings(session, dated) == applications.intake_warnings(session, package) == []


def test_a_purchase_after_the_day_received_is_not_refused(session, clerk, household, tt14):
    """domain.md (E5, §4) asks for a purchase on or after 12/12/2022 by a household on the approved
    list, and says nothing of the purchase coming after the application: 01/03/2025 received,
    05/03/2025 bought is eligible (the payment still refuses a purchase after the day paid)."""
    app = apply(session, clerk, household(), form="cash", received=dt.date(2025, 3, 1),
                purchase_date=dt.date(2025, 3, 5))
    assert applications.check_eligibility(session, app, clerk, on=ON).outcome == "eligible"
