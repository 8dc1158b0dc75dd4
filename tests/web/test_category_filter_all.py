"""The household list's category choice with no value is every household, and says so
(«Mọi phân loại»): a household off this year's list or not classified is still listed; the
«Hộ nghèo» choice lists the households poor this year only."""
from __future__ import annotations

import re

from subsidy.domain.calendar import today_vn
from subsidy.models import HouseholdStatus
from tests import factories
from tests.conftest import login

YEAR = today_vn().year


def test_no_category_choice_lists_every_household_and_says_so(app, client):
    s = app.extensions["subsidy.sessionmaker"]()
    factories.user(s, "clerk", "canbo", row=True)
    names = {"poor": "Trần Văn Một", "near": "Lê Thị Hai", "none": "Phạm Văn Ba", "off": "Võ Thị Bốn"}
    factories.household(s, head_name=names["poor"], category="poor", list_year=YEAR)
    factories.household(s, head_name=names["near"], category="near_poor", list_year=YEAR)
    factories.household(s, head_name=names["none"], category=None)
    off = factories.household(s, head_name=names["off"], category="poor", list_year=YEAR - 1)
    s.add(HouseholdStatus(household_id=off.id, year=YEAR, status="not_listed", source="replaced"))
    s.commit()
    s.close()
    login(client, "canbo")
    page = client.get("/ho-gia-dinh/").get_data(as_text=True)
    select = re.search(r'<select name="category".*?</select>', page, re.S).group(0)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == [
        "Mọi phân loại", "Hộ nghèo", "Hộ cận nghèo", "Chưa phân loại hoặc không còn trong danh sách"]
    assert all(n in page for n in names.values())
    poor = client.get("/ho-gia-dinh/?category=poor").get_data(as_text=True)
    assert names["poor"] in poor and not any(names[k] in poor for k in ("near", "none", "off"))
    none = client.get("/ho-gia-dinh/?category=none").get_data(as_text=True)
    assert names["none"] in none and names["off"] in none
    assert names["poor"] not in none and names["near"] not in none
