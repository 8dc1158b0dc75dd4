"""Household registry service: register, update (audited field by field), archive, search, order."""
from __future__ import annotations

import datetime as dt
import random
import unicodedata

import pytest
from sqlalchemy import select, text

from subsidy.domain import vn
from subsidy.models import AuditEntry, Household
from subsidy.services import households as svc
from subsidy.services.errors import Conflict, NotFound, ServiceError
from tests import factories


@pytest.fixture
def clerk(session):
    return factories.user(session, "clerk", "thuky", full_name="Lê Thư Ký", row=True)


def data(**kw) -> svc.HouseholdInput:
    base = dict(code="8250419218", head_name="Mai Minh Nghĩa", hamlet="Ấp Phú Hòa", category="poor", members=1,
                head_birth_year=1938, head_gender="M", citizen_id="082038597382", phone="0386300391")
    base.update(kw)
    return svc.HouseholdInput(**base)


def test_register_normalises_derives_keys_and_audits(session, clerk):
    hh = svc.register_household(session, data(head_name=unicodedata.normalize("NFD", "  mai  Minh Nghĩa"),
                                              citizen_id="082 038 597 382", phone="+84 386 300 391"), clerk)
    assert (hh.head_name, hh.citizen_id, hh.citizen_id_kind, hh.phone) == ("mai Minh Nghĩa", "082038597382", "cccd", "0386300391")
    assert hh.search_text == " mai minh nghia 8250419218 082038597382 0386300391 "
    assert hh.sort_key == vn.sort_key_text("mai Minh Nghĩa")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity_id == hh.id))
    assert (entry.action, entry.actor_id, entry.entity_type) == ("household.create", clerk.id, "household")
    assert entry.changes["citizen_id"] == [None, "082038597382"] and entry.changes["category"] == [None, "poor"]


def test_update_audits_every_changed_field_with_old_and_new_values(session, clerk):
    hh = svc.register_household(session, data(), clerk)
    svc.update_household(session, hh.id, data(head_name="Mai Minh Nghị", members=3, phone="", category="near_poor",
                                               decision_date=dt.date(2025, 1, 15)), clerk)
    entries = list(session.scalars(select(AuditEntry).where(AuditEntry.entity_id == hh.id).order_by(AuditEntry.id)))
    assert [e.action for e in entries] == ["household.create", "household.update"]
    assert entries[1].changes == {
        "head_name": ["Mai Minh Nghĩa", "Mai Minh Nghị"], "members": [1, 3], "phone": ["0386300391", None],
        "category": ["poor", "near_poor"], "decision_date": [None, "2025-01-15"],
    }
    assert hh.sort_key == vn.sort_key_text("Mai Minh Nghị")
    assert hh.search_text == " mai minh nghi 8250419218 082038597382 "
    # saving the same values again writes no audit entry
    svc.update_household(session, hh.id, data(head_name="Mai Minh Nghị", members=3, phone="", category="near_poor",
                                               decision_date=dt.date(2025, 1, 15)), clerk)
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.entity_id == hh.id).order_by(AuditEntry.id.desc())) == entries[1].id


def test_cccd_mismatch_needs_confirmation_then_is_kept(session, clerk):
    with pytest.raises(svc.NeedsConfirmation) as err:
        svc.register_household(session, data(head_birth_year=1950, head_gender="F"), clerk)
    assert len(err.value.warnings) == 2 and "1938" in err.value.warnings[0]
    assert session.scalar(select(Household.id)) is None
    hh = svc.register_household(session, data(head_birth_year=1950, head_gender="F", confirm_citizen_id_warning=True), clerk)
    assert "1950" in hh.citizen_id_warning and "nữ" in hh.citizen_id_warning
    # an already confirmed warning need not be confirmed again when another field changes
    svc.update_household(session, hh.id, data(head_birth_year=1950, head_gender="F", members=4), clerk)
    assert hh.members == 4
    # a new mismatch does
    with pytest.raises(svc.NeedsConfirmation):
        svc.update_household(session, hh.id, data(head_birth_year=1951, head_gender="F"), clerk)


@pytest.mark.parametrize("kw, field", [
    ({"code": " "}, "code"), ({"head_name": "  "}, "head_name"), ({"citizen_id": "12345"}, "citizen_id"),
    ({"phone": "0123"}, "phone"), ({"members": 0}, "members"), ({"hamlet": ""}, "hamlet"),
    ({"head_birth_year": 1700}, "head_birth_year"), ({"category": "rich"}, "category"),
])
def test_invalid_fields_are_reported_by_field(session, clerk, kw, field):
    with pytest.raises(svc.InvalidHousehold) as err:
        svc.register_household(session, data(**kw), clerk)
    assert field in err.value.field_errors


def test_duplicate_code_or_cccd_is_a_conflict(session, clerk):
    first = svc.register_household(session, data(), clerk)
    with pytest.raises(Conflict, match="Mã hộ 8250419218 đã có"):
        svc.register_household(session, data(citizen_id="082041207726"), clerk)
    with pytest.raises(Conflict, match="đã thuộc hộ mã 8250419218"):
        svc.register_household(session, data(code="8273300726"), clerk)
    other = svc.register_household(session, data(code="8273300726", citizen_id="082041207726",
                                                  head_name="Lâm Thành Nghĩa", head_birth_year=1941), clerk)
    with pytest.raises(Conflict):
        svc.update_household(session, other.id, data(code="8273300726", head_name="Lâm Thành Nghĩa",
                                                     head_birth_year=1941), clerk)
    assert first.citizen_id == "082038597382"


def test_archive_is_soft_and_audited(session, clerk):
    hh = svc.register_household(session, data(), clerk)
    svc.archive_household(session, hh.id, clerk, "chuyển đi nơi khác")
    assert session.get(Household, hh.id).archived is True
    assert svc.search_households(session, "mai") == []
    assert [h.id for h in svc.search_households(session, "mai", include_archived=True)] == [hh.id]
    with pytest.raises(ServiceError):
        svc.archive_household(session, hh.id, clerk)
    svc.restore_household(session, hh.id, clerk)
    assert [e.action for e in svc.household_history(session, hh.id)] == ["household.restore", "household.archive",
                                                                         "household.create"]
    with pytest.raises(NotFound):
        svc.get_household(session, 999999)


SEARCH_PEOPLE = [
    ("8200000001", "Nguyễn Văn Hùng", "082078000001", "0912345678"),
    ("8200000002", "Đặng Thị Lan", "082178000002", "0987654321"),
    ("8200000003", unicodedata.normalize("NFD", "Nguyễn Văn Hưng"), "082078000003", None),
    ("8200000004", "Trần Văn Đăng", "082078000004", None),
    ("8200000005", "Lê Thị Dung", "082178000005", None),
]


@pytest.fixture
def people(session, clerk):
    out = {}
    for code, name, cid, phone in SEARCH_PEOPLE:
        out[code] = svc.register_household(session, data(code=code, head_name=name, citizen_id=cid, phone=phone,
                                                         head_birth_year=1978, head_gender="M" if cid[3] == "0" else "F"), clerk)
    session.commit()
    return out


@pytest.mark.parametrize("query, codes", [
    ("nguyen van hung", {"8200000001", "8200000003"}),
    ("Nguyễn Văn Hùng", {"8200000001", "8200000003"}),
    ("dang", {"8200000002", "8200000004"}),          # Đặng and Đăng: family name and given name
    ("ĐẶNG", {"8200000002", "8200000004"}),
    ("đặng lan", {"8200000002"}),
    ("dung", {"8200000005"}),
    ("8200000004", {"8200000004"}),                 # household code
    ("178000005", {"8200000005"}),                  # CCCD fragment
    ("4567", {"8200000001"}),                       # phone fragment
    ("0987 654", {"8200000002"}),
    ("hung 0003", {"8200000003"}),
    ("xyz", set()),
    ("", {c for c, *_ in SEARCH_PEOPLE}),
])
def test_search_folds_case_and_diacritics(session, people, query, codes):
    """As commune staff search (``personal``: CCCD and phone seen in full, so any fragment)."""
    assert {h.code for h in svc.search_households(session, query, personal=True)} == codes


def test_search_filters_by_hamlet_and_category(session, clerk):
    svc.register_household(session, data(), clerk)
    svc.register_household(session, data(code="PX-0001", citizen_id=None, hamlet="Ấp Phú Xuân", category="near_poor"), clerk)
    assert [h.code for h in svc.search_households(session, hamlet="Ấp Phú Xuân")] == ["PX-0001"]
    assert [h.code for h in svc.search_households(session, category="poor")] == ["8250419218"]
    assert svc.hamlets_in_use(session, ["Ấp Phú Hòa", "Ấp Phú Lợi"]) == ["Ấp Phú Hòa", "Ấp Phú Lợi", "Ấp Phú Xuân"]


def _names(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    fam = ["Nguyễn", "Trần", "Lê", "Đặng", "Đỗ", "Dương", "Âu", "Ông", "Ưng", "Huỳnh"]
    mid = ["", "Văn", "Thị", "Thị Ngọc", "Hữu", "Thanh", "Thành", "Ánh"]
    giv = ["An", "Anh", "Ánh", "Ân", "Ăn", "Dũng", "Đào", "Dung", "Hùng", "Hưng", "Hà", "Hạ", "Hả", "Y", "Yến", "Út", "Ưng"]
    names = set()
    while len(names) < n:
        names.add(" ".join(x for x in (rnd.choice(fam), rnd.choice(mid), rnd.choice(giv)) if x))
    out = sorted(names)
    rnd.shuffle(out)
    return out


def test_list_is_in_vietnamese_order_on_this_database(session, clerk):
    names = _names(200, 11)
    for i, name in enumerate(names):
        svc.register_household(session, data(code=f"C{i:04d}", head_name=name, citizen_id=None), clerk)
    session.commit()
    got = [h.head_name for h in svc.search_households(session)]
    assert got == sorted(names, key=vn.sort_key_text)
    assert got[:2] != names[:2] or got == names  # the database really reordered


def test_postgresql_collations_agree_with_the_python_order(session, clerk):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (run with TEST_DATABASE_URL)")
    names = _names(120, 5)
    for i, name in enumerate(names):
        svc.register_household(session, data(code=f"P{i:04d}", head_name=name, citizen_id=None), clerk)
    session.commit()
    expected = sorted(names, key=vn.sort_key_text)
    available = set(session.scalars(text("SELECT collname FROM pg_collation")))
    collations = ["default", "C"] + [c for c in ("vi-x-icu", "vi-VN-x-icu", "en-x-icu", "und-x-icu", "en_US.utf8") if c in available]
    for coll in collations:
        order = "sort_key" if coll == "default" else f'sort_key COLLATE "{coll}"'
        got = list(session.scalars(text(f"SELECT head_name FROM households ORDER BY {order}, id")))
        assert got == expected, coll


def test_export_rows_have_the_expected_columns(session, clerk):
    svc.register_household(session, data(meritorious=True, phone=None), clerk)
    rows = svc.export_households(session)
    assert rows == [{"household_code": "8250419218", "head_name": "Mai Minh Nghĩa", "birth_year": "1938", "gender": "M",
                     "citizen_id": "082038597382", "hamlet": "Ấp Phú Hòa", "members": "1", "category": "poor",
                     "meritorious": "1", "social_policy": "0", "phone": ""}]
