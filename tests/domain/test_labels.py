"""domain.labels: every code the product shows has its Vietnamese label, from one table per kind of code;
every audit action code the code base writes has a label (no raw code on a page)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from subsidy.domain import labels
from subsidy.domain.labels import ACTION_LABELS, ENTITY_LABELS, action_label, is_view
from subsidy.domain.workflow import STATES, TRANSITIONS

SOURCE = Path(__file__).resolve().parents[2] / "subsidy"
# A string literal "<entity>.<verb>" (audit.record(…, "household.update", …) and the importer's
# bulk rows), for the entity types the log uses.
LITERAL = re.compile(r'"((?:%s)\.[a-z_]+)"' % "|".join(sorted(ENTITY_LABELS, key=len, reverse=True)))


def _codes_in_source() -> set[str]:
    codes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if path.name == "labels.py" or path.parent.name == "labels":
            continue
        text = path.read_text("utf-8")
        if "audit" not in text:
            continue
        codes.update(LITERAL.findall(text))
    return codes


def test_every_code_written_in_the_source_has_an_explicit_label():
    codes = _codes_in_source()
    assert {"household.update", "household.import", "receipt.print_original", "receipt.reprint",
            "proposal_list.export"} <= codes
    # codes written with f-strings: the workflow moves, the two voids, the API reads, the page views
    codes |= {f"application.{m.name}" for m in TRANSITIONS.values()}
    codes |= {"handover.void", "cash_payment.void", "household.view", "application.view", "receipt.view"}
    codes |= {f"api.{e}.{v}" for e in ("household", "application") for v in ("read", "list")}
    missing = sorted(c for c in codes if c not in ACTION_LABELS)
    assert missing == []
    for code in codes:
        label = action_label(code)
        assert label and "." not in label and "_" not in label, (code, label)


@pytest.mark.parametrize("code, label", [
    ("household.update", "Sửa thông tin hộ"),
    ("household.view", "Xem hồ sơ hộ trên web"),
    ("api.household.read", "Xem hồ sơ hộ qua API"),
    ("application.approve", "Phê duyệt"),
    ("application.withdraw", "Rút hồ sơ (theo đề nghị của hộ)"),
    ("handover.void", "Hủy biên bản bàn giao"),
    # codes added later without a label: a Vietnamese phrase, never the code
    ("household.merge", "Thay đổi hộ gia đình"),
    ("api.handover.read", "Xem biên bản bàn giao qua API"),
    ("widget.view", "Xem hồ sơ"),
])
def test_labels(code, label):
    assert action_label(code) == label


def test_views_and_changes():
    assert is_view("household.view") and is_view("api.application.list") and is_view("receipt.view")
    assert not is_view("household.update") and not is_view("api_token.create") and not is_view("receipt.print")


# ------------------------------------------------------------------------------------------------
# The other tables: every code has a label; where a wording is pinned by a document, it is checked
# ------------------------------------------------------------------------------------------------


def test_every_state_and_every_move_has_a_label():
    assert set(labels.STATE_LABELS) == set(STATES)
    for (start, _end), move in TRANSITIONS.items():
        expected = labels.REOPEN_LABELS[start.value] if move.name == "reopen" else labels.MOVE_LABELS[move.name]
        assert move.label == expected
    assert {m.name for m in TRANSITIONS.values()} - {"reopen"} == set(labels.MOVE_LABELS)


def test_every_role_category_form_and_prior_device_code_has_a_label():
    assert list(labels.ROLE_LABELS) == ["clerk", "approver", "radio", "province_officer", "province_approver", "admin"]
    assert labels.CATEGORY_LABELS == {"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo", "left_poor": "Hộ mới thoát nghèo"}
    assert labels.CATEGORY_WORDS == {"poor": "hộ nghèo", "near_poor": "hộ cận nghèo", "left_poor": "hộ mới thoát nghèo"}
    assert set(labels.SUPPORT_FORM_LABELS) == {"package", "cash"}
    assert set(labels.PRIOR_DEVICE_LABELS) == {"unknown", "none", "vtci_tablet", "learning_device"}
    assert set(labels.PRIOR_DEVICE_WORDS) == {"vtci_tablet", "learning_device"}


def test_rule_wordings_condition_and_reason():
    # domain.md §2 E2: "it has not already received a tablet …" is the condition; a household that
    # failed it *has* received one, which is the reason the tally prints.
    # counted up to the allocation of phones to the locality
    assert labels.rule_title("E2") == ("Chưa nhận máy tính bảng hoặc thiết bị học tập trực tuyến trước khi "
                                       "phân bổ điện thoại")
    assert labels.rule_failed_label("E2") == ("Đã nhận máy tính bảng hoặc thiết bị học tập trực tuyến trước khi "
                                              "phân bổ điện thoại")
    assert labels.rule_failed_label("E1") == "Không thuộc hộ nghèo, hộ cận nghèo"
    assert list(labels.RULE_TITLES) == ["E1", "E2", "E3", "E4", "E5"]
    # E5's reason takes the cut-off date from the rule set in force, never a date of its own
    assert labels.rule_failed_label("E5") == "Mua máy trước ngày áp dụng (hỗ trợ bằng tiền)"
    assert labels.rule_failed_label("E5", "01/07/2027") == "Mua máy trước ngày 01/07/2027 (hỗ trợ bằng tiền)"
    assert not any(ch.isdigit() for label in labels.RULE_LABELS.values() for ch in label.title + label.failed)
    # a rule of a newer rule set that this table does not know is shown as its id
    assert labels.rule_title("E9") == labels.rule_failed_label("E9") == "E9"


def test_tier_labels_cover_the_four_tiers_and_no_tier():
    assert [labels.TIER_LABELS[t][:2] for t in (1, 2, 3, 4)] == ["P1", "P2", "P3", "P4"]
    assert labels.TIER_LABELS[None] == "Chưa xếp nhóm ưu tiên"


def test_receipt_kinds_are_the_receipt_module_kinds():
    from subsidy.domain.receipt import KIND_CASH, KIND_HANDOVER

    assert labels.RECEIPT_KIND_LABELS == {KIND_HANDOVER: "Biên bản bàn giao", KIND_CASH: "Giấy biên nhận"}



@pytest.mark.parametrize("text, start, inside", [
    ("ngày bàn giao", "Ngày bàn giao", "ngày bàn giao"),
    ("Hộ nghèo", "Hộ nghèo", "hộ nghèo"),
    ("số CCCD người nhận", "Số CCCD người nhận", "số CCCD người nhận"),
    ("CCCD của chủ hộ", "CCCD của chủ hộ", "CCCD của chủ hộ"),       # an abbreviation keeps its capitals
    ("IMEI", "IMEI", "IMEI"),
    ("Theo thôn, ấp", "Theo thôn, ấp", "theo thôn, ấp"),
    ("xã Phú Tân", "Xã Phú Tân", "xã Phú Tân"),
    ("Đ", "Đ", "đ"),
    ("", "", ""),
])
def test_a_label_s_first_letter_in_a_sentence(text, start, inside):
    from subsidy.domain.labels import in_sentence, sentence_start

    assert sentence_start(text) == start and in_sentence(text) == inside
    # the rule this replaces lowered every other letter: «Số cccd người nhận»
    assert "số CCCD".capitalize() == "Số cccd" and sentence_start("số CCCD") == "Số CCCD"
