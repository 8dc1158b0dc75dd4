"""Table-driven tests of the eligibility engine (E1–E5), the priority tiers (P1–P4), ranking,
rule-set documents and tracking codes. Source: domain.md §2–§4; Thông tư 14/2022/TT-BTTTT."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from subsidy.domain import rules, ruleset, tracking
from subsidy.domain.rules import FAILED, NOT_APPLICABLE, PASSED, UNKNOWN, Facts, RuleSetSpec, decide

SHIPPED = Path(__file__).resolve().parents[2] / "subsidy" / "rulesets" / "tt14-2022.json"
DOC = json.loads(SHIPPED.read_text(encoding="utf-8"))
TT14 = RuleSetSpec.from_document(DOC)
CHECK = dt.date(2025, 6, 30)
ALLOC = dt.date(2023, 3, 1)  # phones allocated to the locality

# A household that passes everything (package form).
GOOD = Facts(check_date=CHECK, category="poor", list_year=2025, list_decision="Quyết định số 45/QĐ-UBND ngày 10/01/2025",
             prior_device="none", has_applied=True, tracking_code="K7QX-9M4T-AB", received_on=dt.date(2025, 3, 2),
             support_form="package")


def result(facts: Facts, rule: str, spec: RuleSetSpec = TT14) -> rules.RuleResult:
    return next(r for r in decide(facts, spec).results if r.rule == rule)


def test_shipped_rule_set_is_thong_tu_14():
    assert TT14.code == "TT14-2022" and TT14.version == 2
    assert TT14.effective_to is None  # no end date: in force until a successor is loaded
    assert TT14.quota_devices == ("vtci_tablet", "learning_device")
    assert TT14.legal_source == "Thông tư 14/2022/TT-BTTTT, Chương IV, Mục 2"
    assert TT14.effective_from == dt.date(2022, 12, 12)
    assert TT14.cash_cutoff == dt.date(2022, 12, 12)
    assert TT14.support_amount == 500_000
    assert TT14.eligible_categories == ("poor", "near_poor")
    assert TT14.priority_order == ("P1", "P2", "P3", "P4")
    assert [t.criterion for t in TT14.priority] == ["meritorious", "social_policy", "poor", "near_poor"]


# ------------------------------------------------------------------ each rule, each outcome

CASES = [
    # (id, rule, changes to GOOD, expected status, words the explanation must contain)
    ("E1 poor", "E1", {}, PASSED, ["hộ nghèo", "2025", "45/QĐ-UBND"]),
    ("E1 near-poor", "E1", {"category": "near_poor"}, PASSED, ["hộ cận nghèo", "2025"]),
    ("E1 no category", "E1", {"category": None}, UNKNOWN, ["Chưa có phân loại"]),
    ("E1 no list year", "E1", {"list_year": None}, UNKNOWN, ["năm 2025"]),
    ("E1 last year's list", "E1", {"list_year": 2024}, UNKNOWN, ["danh sách năm 2024", "năm 2025"]),
    ("E1 next year's list", "E1", {"list_year": 2026}, UNKNOWN, ["năm 2026", "năm 2025"]),
    ("E2 none", "E2", {}, PASSED, ["chưa nhận"]),
    ("E2 not recorded", "E2", {"prior_device": "unknown"}, UNKNOWN, ["Chưa ghi nhận"]),
    # E2 counts a device received before the phones were allocated to the locality (ALLOC below)
    ("E2 tablet before the allocation", "E2", {"prior_device": "vtci_tablet", "prior_device_date": dt.date(2021, 9, 5),
                                               "prior_device_detail": "Máy tính bảng Masstel",
                                               "phones_allocated_on": ALLOC}, FAILED,
     ["máy tính bảng của Chương trình VTCI", "05/09/2021", "Masstel", "trước", "01/03/2023"]),
    ("E2 tablet the day before", "E2", {"prior_device": "vtci_tablet", "prior_device_date": dt.date(2023, 2, 28),
                                        "phones_allocated_on": ALLOC}, FAILED, ["28/02/2023", "01/03/2023"]),
    ("E2 tablet on the allocation day", "E2", {"prior_device": "vtci_tablet", "prior_device_date": ALLOC,
                                               "phones_allocated_on": ALLOC}, PASSED, ["không được tính"]),
    ("E2 learning device after", "E2", {"prior_device": "learning_device", "prior_device_date": dt.date(2024, 1, 20),
                                        "phones_allocated_on": ALLOC}, PASSED,
     ["Sóng và máy tính cho em", "20/01/2024", "không được tính"]),
    ("E2 learning device, no allocation yet", "E2", {"prior_device": "learning_device",
                                                     "prior_device_date": dt.date(2024, 1, 20)},
     FAILED, ["Sóng và máy tính cho em", "20/01/2024", "chưa được phân bổ"]),
    ("E2 tablet, no date", "E2", {"prior_device": "vtci_tablet", "phones_allocated_on": ALLOC}, UNKNOWN,
     ["máy tính bảng", "chưa ghi ngày nhận", "01/03/2023"]),
    ("E2 tablet, no date, no allocation", "E2", {"prior_device": "vtci_tablet"}, UNKNOWN, ["chưa ghi ngày nhận"]),
    ("E3 applied", "E3", {}, PASSED, ["đã nộp hồ sơ ngày 02/03/2025", "K7QX-9M4T-AB", "bước tiếp theo"]),
    ("E3 on approved list", "E3", {"approved_list": "Quyết định số 12/QĐ-UBND ngày 01/07/2025"}, PASSED,
     ["12/QĐ-UBND"]),
    ("E3 not applied", "E3", {"has_applied": False}, FAILED, ["chưa nộp hồ sơ"]),
    ("E4 nothing received", "E4", {}, PASSED, ["chưa nhận"]),
    ("E4 live handover", "E4", {"live_handovers": 1}, FAILED, ["biên bản bàn giao", "một lần"]),
    ("E4 live cash payment", "E4", {"live_cash_payments": 1}, FAILED, ["chi hỗ trợ bằng tiền"]),
    ("E4 other application supported", "E4", {"other_supported_applications": ("ABCD-EFGH-JK",)}, FAILED,
     ["ABCD-EFGH-JK"]),
    ("E5 package: not applicable", "E5", {}, NOT_APPLICABLE, ["không áp dụng"]),
    ("E5 cash, no purchase date", "E5", {"support_form": "cash"}, UNKNOWN, ["chưa ghi ngày mua", "12/12/2022"]),
    ("E5 cash, day before cut-off", "E5", {"support_form": "cash", "purchase_date": dt.date(2022, 12, 11)}, FAILED,
     ["11/12/2022", "trước ngày 12/12/2022"]),
    ("E5 cash, on the cut-off day", "E5", {"support_form": "cash", "purchase_date": dt.date(2022, 12, 12)}, PASSED,
     ["12/12/2022", "500.000 đồng"]),
    ("E5 cash, day after cut-off", "E5", {"support_form": "cash", "purchase_date": dt.date(2022, 12, 13)}, PASSED,
     ["13/12/2022"]),
    ("E5 cash, long before", "E5", {"support_form": "cash", "purchase_date": dt.date(2020, 1, 1)}, FAILED,
     ["01/01/2020"]),
]


@pytest.mark.parametrize("name,rule,changes,status,words", CASES, ids=[c[0] for c in CASES])
def test_each_rule_each_outcome(name, rule, changes, status, words):
    r = result(replace(GOOD, **changes), rule)
    assert r.status == status
    for w in words:
        assert w in r.explanation, (w, r.explanation)
    assert r.citation.startswith(DOC["citations"][rule])
    assert (r.citation == DOC["citations"][rule]) == (rule != "E1")  # E1 adds the list's year and standard
    assert "Thông tư 14/2022/TT-BTTTT" in r.citation
    assert r.fact in Facts.__dataclass_fields__
    assert (r.missing is not None) == (status == UNKNOWN)


OUTCOMES = [
    # (id, changes, outcome, failed rules, missing contains)
    ("all pass, package", {}, "eligible", (), None),
    ("all pass, cash after cut-off", {"support_form": "cash", "purchase_date": dt.date(2023, 4, 1)}, "eligible", (), None),
    ("no poverty status this year", {"list_year": 2024}, "undecided", (), "tình trạng hộ nghèo/cận nghèo năm 2025"),
    ("prior devices not recorded", {"prior_device": "unknown"}, "undecided", (), "máy tính bảng"),
    ("cash without purchase date", {"support_form": "cash"}, "undecided", (), "ngày hộ tự mua điện thoại"),
    ("tablet before the allocation", {"prior_device": "vtci_tablet", "prior_device_date": dt.date(2022, 1, 1),
                                      "phones_allocated_on": ALLOC}, "not_eligible", ("E2",), None),
    ("tablet after the allocation", {"prior_device": "vtci_tablet", "prior_device_date": dt.date(2024, 1, 1),
                                     "phones_allocated_on": ALLOC}, "eligible", (), None),
    ("tablet of unknown date", {"prior_device": "vtci_tablet"}, "undecided", (), "ngày hộ nhận máy tính bảng"),
    ("cash before cut-off", {"support_form": "cash", "purchase_date": dt.date(2022, 12, 11)}, "not_eligible", ("E5",), None),
    ("failure beats unknown", {"prior_device": "learning_device", "prior_device_date": dt.date(2022, 1, 1),
                               "list_year": None}, "not_eligible", ("E2",), "năm 2025"),
    ("two failures", {"live_handovers": 1, "prior_device": "vtci_tablet", "prior_device_date": dt.date(2022, 1, 1)},
     "not_eligible", ("E2", "E4"), None),
]


@pytest.mark.parametrize("name,changes,outcome,failed,missing", OUTCOMES, ids=[o[0] for o in OUTCOMES])
def test_outcome(name, changes, outcome, failed, missing):
    d = decide(replace(GOOD, **changes), TT14)
    assert d.outcome == outcome
    assert d.failed == failed
    assert d.eligible == (outcome == "eligible")
    assert [r.rule for r in d.results] == ["E1", "E2", "E3", "E4", "E5"]
    if missing is None:
        assert d.missing == ()
    else:
        assert any(missing in m for m in d.missing), d.missing
        assert missing in rules.missing_summary(d)


def test_two_unknowns_name_both_missing_facts():
    d = decide(replace(GOOD, category=None, prior_device="unknown"), TT14)
    assert d.outcome == "undecided"
    assert len(d.missing) == 2
    assert "phân loại hộ" in d.missing[0] and "máy tính bảng" in d.missing[1]


# ------------------------------------------------------------------ tiers and ranking

TIERS = [
    # (meritorious, social_policy, category, tier, tier id)
    (True, False, "poor", 1, "P1"),
    (True, False, "near_poor", 1, "P1"),
    (True, True, "near_poor", 1, "P1"),
    (False, True, "poor", 2, "P2"),
    (False, True, "near_poor", 2, "P2"),
    (False, False, "poor", 3, "P3"),
    (False, False, "near_poor", 4, "P4"),
    (True, True, None, None, None),
]


@pytest.mark.parametrize("meritorious,social,category,tier,tier_id", TIERS)
def test_priority_tier(meritorious, social, category, tier, tier_id):
    d = decide(replace(GOOD, meritorious=meritorious, social_policy=social, category=category), TT14)
    assert (d.tier, d.tier_id) == (tier, tier_id)


def test_tier_follows_the_rule_sets_order():
    doc = dict(DOC, version=2, priority_order=["P2", "P1", "P3", "P4"])
    spec = RuleSetSpec.from_document(doc)
    f = replace(GOOD, social_policy=True)
    assert decide(f, TT14).tier == 2
    assert decide(f, spec).tier == 1 and decide(f, spec).tier_id == "P2"
    assert rules.tier_label(spec, 1).startswith("P2 — ")


def test_rank_by_tier_then_date_then_sequence():
    d = dt.date
    items = [(3, d(2025, 3, 1), 5), (1, d(2025, 4, 1), 9), (3, d(2025, 2, 1), 7), (None, d(2025, 1, 1), 1),
             (3, d(2025, 3, 1), 2), (4, d(2025, 1, 1), 3), (2, d(2025, 5, 5), 4)]
    assert rules.rank(items) == [(1, d(2025, 4, 1), 9), (2, d(2025, 5, 5), 4), (3, d(2025, 2, 1), 7),
                                 (3, d(2025, 3, 1), 2), (3, d(2025, 3, 1), 5), (4, d(2025, 1, 1), 3),
                                 (None, d(2025, 1, 1), 1)]
    objs = [{"t": 4, "r": d(2025, 1, 1), "i": 1}, {"t": 1, "r": d(2025, 9, 1), "i": 2}]
    assert [o["i"] for o in rules.rank(objs, key_of=lambda o: (o["t"], o["r"], o["i"]))] == [2, 1]


# ------------------------------------------------------------------ rule-set versions as data


def test_new_version_changes_decisions_without_code():
    later = RuleSetSpec.from_document(dict(DOC, version=2, cash_cutoff="2023-06-01", support_amount=700000,
                                           eligible_categories=["poor"]))
    cash = replace(GOOD, support_form="cash", purchase_date=dt.date(2023, 1, 10))
    assert decide(cash, TT14).outcome == "eligible"
    d2 = decide(cash, later)
    assert d2.outcome == "not_eligible" and d2.failed == ("E5",)
    assert "01/06/2023" in result(cash, "E5", later).explanation
    near = replace(GOOD, category="near_poor")
    assert decide(near, TT14).outcome == "eligible"
    assert decide(near, later).failed == ("E1",)
    assert decide(near, later).tier is None
    assert d2.rule_set == "TT14-2022 v2"


# ------------------------------------------------------------------ E1's citation follows the list year

E1_BASE = "Thông tư 14/2022/TT-BTTTT, Chương IV, Mục 2 (đối tượng: hộ nghèo, hộ cận nghèo)"
STANDARD = "chuẩn nghèo đa chiều giai đoạn 2022–2025 (Nghị định 07/2021/NĐ-CP)"
E1_CITATIONS = [
    # (year of the check and of the list, the citation E1 prints)
    (2023, f"{E1_BASE}; danh sách hộ nghèo, hộ cận nghèo năm 2023 theo {STANDARD}"),
    (2025, f"{E1_BASE}; danh sách hộ nghèo, hộ cận nghèo năm 2025 theo {STANDARD}"),
    (2026, f"{E1_BASE}; danh sách hộ nghèo, hộ cận nghèo năm 2026 theo {STANDARD}, giữ nguyên cho năm 2026 "
           "theo Nghị định 351/2025/NĐ-CP"),
    # a new standard from 2027 that this rule set does not know: said plainly, no standard claimed
    (2027, f"{E1_BASE}; danh sách hộ nghèo, hộ cận nghèo năm 2027 (bộ quy tắc TT14-2022 v2 chưa ghi chuẩn nghèo "
           "áp dụng cho năm 2027)"),
]


@pytest.mark.parametrize("year,citation", E1_CITATIONS)
def test_e1_citation_names_the_list_year_and_its_standard(year, citation):
    f = replace(GOOD, check_date=dt.date(year, 3, 1), list_year=year)
    r = result(f, "E1")
    assert r.status == PASSED and f"năm {year}" in r.explanation
    assert r.citation == citation
    # the same citation when the list of that year is missing (E1 cannot decide)
    assert result(replace(f, list_year=year - 1), "E1").citation == citation


def test_a_version_without_poverty_standards_keeps_its_single_e1_citation():
    old = RuleSetSpec.from_document({k: v for k, v in DOC.items() if k != "poverty_standards"})
    assert result(GOOD, "E1", old).citation == E1_BASE


# ------------------------------------------------------------------ the period: in force until a successor

def spec(code, start, end=None, version=1, **changes):
    return RuleSetSpec.from_document(dict(DOC, id=code, version=version, effective_from=start, effective_to=end,
                                          **changes))


V1 = spec("TT14-2022", "2022-12-12")
NEXT = spec("ND-2027", "2027-01-01", support_amount=600000, legal_source="Nghị định 999/2026/NĐ-CP")
ENDED = spec("TT14-2022", "2022-12-12", "2026-12-31")
PERIODS = [
    # (loaded rule sets, date, code in force or None)
    ((V1,), dt.date(2022, 12, 11), None),            # before the programme
    ((V1,), dt.date(2022, 12, 12), "TT14-2022"),
    ((V1,), dt.date(2031, 5, 1), "TT14-2022"),       # no end date: still in force years later
    ((V1, NEXT), dt.date(2026, 12, 31), "TT14-2022"),
    ((V1, NEXT), dt.date(2027, 1, 1), "ND-2027"),    # the successor takes over by date
    ((NEXT, V1), dt.date(2030, 1, 1), "ND-2027"),    # whatever the order they were loaded in
    ((ENDED,), dt.date(2027, 1, 1), None),           # an end date and no successor: nothing covers it
    ((ENDED, NEXT), dt.date(2027, 1, 1), "ND-2027"),
]


@pytest.mark.parametrize("loaded,on,code", PERIODS)
def test_the_rule_set_in_force_is_picked_by_date(loaded, on, code):
    picked = ruleset.pick_in_force(loaded, on)
    assert (picked.code if picked else None) == code


PERIOD_TEXTS = [
    ((V1,), V1, None, "Từ ngày 12/12/2022, chưa có ngày hết hiệu lực (áp dụng cho đến khi nạp bộ quy tắc thay thế)"),
    ((V1, NEXT), V1, dt.date(2026, 12, 31), "Từ ngày 12/12/2022 đến hết ngày 31/12/2026; từ ngày 01/01/2027 áp dụng "
                                            "ND-2027 v1 (Nghị định 999/2026/NĐ-CP)"),
    ((V1, NEXT), NEXT, None, "Từ ngày 01/01/2027, chưa có ngày hết hiệu lực (áp dụng cho đến khi nạp bộ quy tắc "
                             "thay thế)"),
    ((ENDED,), ENDED, dt.date(2026, 12, 31), "Từ ngày 12/12/2022 đến hết ngày 31/12/2026; sau ngày đó chưa có bộ "
                                             "quy tắc nào được nạp"),
    # a second version of the same rule set is not its successor
    ((V1, spec("TT14-2022", "2023-01-01", version=3)), V1, None, "Từ ngày 12/12/2022, chưa có ngày hết hiệu lực "
                                                                 "(áp dụng cho đến khi nạp bộ quy tắc thay thế)"),
]


@pytest.mark.parametrize("loaded,one,until,text", PERIOD_TEXTS)
def test_effective_period_as_staff_read_it(loaded, one, until, text):
    assert ruleset.effective_until(one, loaded) == until
    assert ruleset.period_text(one, loaded) == text


BAD_DOCS = [
    ({"version": None}, "version"),
    ({"support_amount": 0}, "support_amount"),
    ({"support_amount": "500000"}, "support_amount"),
    ({"eligible_categories": ["rich"]}, "eligible_categories"),
    ({"priority_order": ["P1", "P9"]}, "P9"),
    ({"priority_order": ["P1", "P1"]}, "priority_order"),
    ({"effective_from": "12/12/2022"}, "YYYY-MM-DD"),
    ({"effective_to": "2020-01-01"}, "effective_to"),
    ({"quota_devices": ["phone"]}, "quota_devices"),
    ({"poverty_standards": [{"from_year": 2022, "to_year": 2025}]}, "poverty_standards"),
    ({"poverty_standards": [{"from_year": 2022, "to_year": 2025, "text": "A"},
                            {"from_year": 2025, "to_year": None, "text": "B"}]}, "cùng áp dụng"),
    ({"poverty_standards": [{"from_year": 2026, "to_year": 2025, "text": "A"}]}, "to_year"),
]


@pytest.mark.parametrize("changes,word", BAD_DOCS)
def test_invalid_rule_set_documents_are_refused(changes, word):
    with pytest.raises(ValueError) as err:
        RuleSetSpec.from_document(dict(DOC, **changes))
    assert word in str(err.value)


def test_facts_snapshot_round_trip():
    f = replace(GOOD, support_form="cash", purchase_date=dt.date(2023, 1, 2), prior_device_date=dt.date(2020, 5, 6),
                other_supported_applications=("X",))
    d = f.to_dict()
    json.dumps(d)  # JSON-ready
    assert d["purchase_date"] == "2023-01-02" and d["check_date"] == "2025-06-30"
    assert Facts.from_dict(d) == f


def test_engine_is_pure_python():
    src = (Path(rules.__file__).read_text() + Path(tracking.__file__).read_text())
    assert not re.search(r"^\s*(from|import)\s+(flask|sqlalchemy)", src, re.M)


# ------------------------------------------------------------------ tracking codes


def test_tracking_codes_shape_and_alphabet():
    codes = {tracking.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for c in codes:
        assert len(c) == 10 and tracking.is_valid(c)
        assert not set(c) & set("0O1IL")
    assert set("".join(codes)) == set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")


@pytest.mark.parametrize("raw,stored", [
    ("K7QX-9M4T-AB", "K7QX9M4TAB"), (" k7qx 9m4t ab ", "K7QX9M4TAB"), ("K7QX9M4TAB", "K7QX9M4TAB"),
    ("Ｋ７ＱＸ９Ｍ４ＴＡＢ", "K7QX9M4TAB"), ("K7QX-9M4T-A0", None), ("K7QX-9M4T-AI", None), ("K7QX-9M4T", None),
    ("", None), (None, None),
])
def test_tracking_normalize(raw, stored):
    assert tracking.normalize(raw) == stored


def test_tracking_display():
    assert tracking.display("K7QX9M4TAB") == "K7QX-9M4T-AB"


@pytest.mark.parametrize("code,values,hit", [
    ("K7QX9M4TAB", ["Nguyễn Văn Hùng", "082060000123", "0912345678", 1960], False),
    ("K7QX1960AB", [1960], True),          # birth year
    ("K5678QXTAB", ["082060005678"], True),  # CCCD fragment
    ("QXHUNGAB23", ["Nguyễn Văn Hùng"], True),  # name fragment, diacritics folded
    ("QXDANGAB23", ["Đặng Thị Mai"], True),   # đ → D
    ("QXHUNAB234", ["Hùng"], False),          # three letters are not a fragment
])
def test_tracking_contains_personal_data(code, values, hit):
    assert tracking.contains_personal_data(code, values) is hit


def test_tracking_generate_skips_taken_codes_and_personal_data():
    taken = set()
    seen = []

    def is_taken(c):
        seen.append(c)
        if len(seen) < 3:
            taken.add(c)
            return True
        return False

    code = tracking.generate(["Lê Văn Tám"], is_taken=is_taken)
    assert code not in taken and len(seen) == 3
    with pytest.raises(RuntimeError):
        tracking.generate(is_taken=lambda c: True, attempts=3)


def test_the_summary_follows_the_outcome():
    """One sentence per outcome (rules.outcome_summary): undecided names what to record; a failure
    with a fact still missing stays «Không đủ điều kiện» and says the missing fact would not change it."""
    undecided = decide(replace(GOOD, category=None), TT14)
    assert rules.missing_summary(undecided) == (
        f"Chưa kết luận được. Cần bổ sung: phân loại hộ nghèo/cận nghèo năm {GOOD.check_date.year}.")
    failed = decide(replace(GOOD, category=None, live_handovers=1), TT14)
    assert failed.outcome == "not_eligible"
    assert rules.missing_summary(failed) == (
        f"Không đủ điều kiện vì không đạt E4. Còn thiếu phân loại hộ nghèo/cận nghèo năm {GOOD.check_date.year}, "
        "nhưng bổ sung cũng không thay đổi kết luận này.")
    assert rules.missing_summary(decide(replace(GOOD, live_handovers=1), TT14)) == ""
    assert rules.missing_summary(decide(GOOD, TT14)) == ""
