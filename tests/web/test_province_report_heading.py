"""The province's report is the province's whatever the number of communes (domain.md §10): on an
instance of a single commune the province's accounts get the report by commune, issued by the
province's body (its header, place-and-date line and title, Nghị định 30/2020/NĐ-CP, Phụ lục I),
not that commune's report; the commune's staff and the drill-down (?xa=) still get the commune's."""
from __future__ import annotations

import io
import json
import unicodedata

import pytest
from pypdf import PdfReader

from subsidy.models import Commune
from tests.services.test_tally_service import EXPECTED

MARCH = "ky=thang&thang=2026-03"


def first_page(pdf: bytes) -> str:
    return " ".join(unicodedata.normalize("NFC", PdfReader(io.BytesIO(pdf)).pages[0].extract_text()).split())


@pytest.fixture
def one_commune(app, history) -> str:
    """The hand-checked history in the instance's only commune, which records its province; its code."""
    with app.extensions["subsidy.sessionmaker"]() as s:
        [commune] = s.query(Commune).all()
        commune.province = "tỉnh Đồng Tháp"
        s.commit()
        return commune.code


@pytest.mark.parametrize("role", ["province_officer", "province_approver"])
def test_on_one_commune_the_province_accounts_get_the_provinces_report(client, login_as, one_commune, role):
    login_as(role)
    page = first_page(client.get(f"/bao-cao/tai-ve.pdf?{MARCH}").data)
    assert page.startswith("ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP")
    assert "Đồng Tháp, ngày" in page and "tỉnh Đồng Tháp (theo xã)" in page
    assert "XÃ PHÚ TÂN" not in page and "Phú Tân, ngày" not in page
    data = json.loads(client.get(f"/bao-cao/tai-ve.json?{MARCH}").data)
    assert [r["label"] for r in data["by_hamlet"]] == ["xã Phú Tân"]   # by commune: the only one
    assert data["totals"]["received"] == EXPECTED[("2026-03", False)]["totals"]["received"]
    # the drill-down to the commune is the commune's own report, headed by the commune
    one = first_page(client.get(f"/bao-cao/tai-ve.pdf?{MARCH}&xa={one_commune}").data)
    assert one.startswith("ỦY BAN NHÂN DÂN XÃ PHÚ TÂN") and "theo xã" not in one


def test_on_one_commune_its_staff_get_the_communes_report(client, login_as, one_commune):
    login_as("clerk")
    page = first_page(client.get(f"/bao-cao/tai-ve.pdf?{MARCH}").data)
    assert page.startswith("ỦY BAN NHÂN DÂN XÃ PHÚ TÂN") and "Phú Tân, ngày" in page
    assert "ĐỒNG THÁP" not in page and "theo xã" not in page
    data = json.loads(client.get(f"/bao-cao/tai-ve.json?{MARCH}").data)
    assert "xã Phú Tân" not in [r["label"] for r in data["by_hamlet"]]   # by hamlet

