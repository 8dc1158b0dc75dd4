"""Every audit action code the code base writes has a Vietnamese label (no raw code on a page)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from subsidy.domain.audit_labels import ACTION_LABELS, ENTITY_LABELS, action_label, is_view
from subsidy.domain.workflow import TRANSITIONS

SOURCE = Path(__file__).resolve().parents[2] / "subsidy"
# A string literal "<entity>.<verb>" (audit.record(…, "household.update", …) and the importer's
# bulk rows), for the entity types the log uses.
LITERAL = re.compile(r'"((?:%s)\.[a-z_]+)"' % "|".join(sorted(ENTITY_LABELS, key=len, reverse=True)))


def _codes_in_source() -> set[str]:
    codes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if path.name == "audit_labels.py":
            continue
        text = path.read_text("utf-8")
        if "audit" not in text:
            continue
        codes.update(LITERAL.findall(text))
    return codes


def test_every_code_written_in_the_source_has_an_explicit_label():
    codes = _codes_in_source()
    assert {"household.update", "household.import", "receipt.print", "proposal_list.export"} <= codes
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
