"""services.households.columns: a new household's values as a tuple (the import's bulk write) are
the values household_row(new=True) gives the form, column for column."""
from __future__ import annotations

import datetime as dt

import pytest

from subsidy.services.households import household_row
from subsidy.services.households.columns import NEW_ROW_COLUMNS, new_household_values

FACTS = [
    {"code": "8250419218", "head_name": "Mai Minh Nghĩa", "hamlet": "Ấp Phú Hòa", "category": "poor",
     "list_year": 2025},
    {"code": "PH-012", "head_name": "Đặng Thị Hoa", "head_birth_year": 1950, "head_gender": "F",
     "citizen_id": "082150123456", "citizen_id_kind": "cccd", "citizen_id_warning": None, "hamlet": "Ấp Cồn Cống",
     "address": "Tổ 3", "members": 4, "phone": "0912345678", "category": "near_poor", "list_year": 2025,
     "meritorious": True, "social_policy": False, "prior_device": "vtci_tablet",
     "prior_device_date": dt.date(2024, 3, 1), "archived": False},
    {"code": "0001", "head_name": "Y", "members": None, "meritorious": None, "prior_device": None},
    {"head_name": "Lê Văn Tám", "archived": None, "decision_date": dt.date(2025, 1, 2), "decision_number": "12/QĐ"},
]


@pytest.mark.parametrize("facts", FACTS)
def test_new_household_values_are_household_row_new(facts):
    row = household_row(facts, new=True)
    values = new_household_values(facts)
    assert NEW_ROW_COLUMNS == tuple(row)
    assert dict(zip(NEW_ROW_COLUMNS, values)) == row


def test_new_household_values_defaults_and_keys():
    values = dict(zip(NEW_ROW_COLUMNS, new_household_values(FACTS[0])))
    assert (values["members"], values["meritorious"], values["social_policy"], values["prior_device"],
            values["archived"]) == (1, False, False, "unknown", False)
    assert values["search_text"] == " mai minh nghia 8250419218 "
    assert values["sort_key"] and values["sort_key"].isdigit()
