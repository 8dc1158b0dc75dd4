"""The tester's junk households, through both paths that store one: the household service (manual
entry) and the list import (xlsx and CSV).  One rule for the code and the name (see
tests/domain/test_household_plausibility.py), one casing rule, errors per row on import."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from subsidy.models import AuditEntry, Household
from subsidy.services import households as svc
from subsidy.services.importer import ImportRefused
from tests import factories
from tests.services.test_household_import_safety import LAM, MAI, as_csv, hh, rows_of, run, xlsx


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Household))


def form(**kw) -> svc.HouseholdInput:
    base = dict(code="8277490478", head_name="Đinh Hồng Tư", hamlet="Ấp Phú Thành", category="near_poor",
                members=5, head_birth_year=1994, head_gender="F", citizen_id="082194184616")
    base.update(kw)
    return svc.HouseholdInput(**base)


# ------------------------------------------------------------------------------------------------
# Manual entry (the service behind POST /ho-gia-dinh/them)
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code, name, code_msg, name_msg", [
    ("X1", "a", "Mã hộ «X1» chỉ có 2 ký tự", "Họ tên «a» chỉ có 1 chữ cái"),
    ("<b>", "'; DROP TABLE--", "Mã hộ «<b>» có ký tự «<»", "Họ tên «'; DROP TABLE--» có ký tự «;»"),
])
def test_the_testers_manual_entries_are_refused_with_both_reasons(session, clerk, code, name, code_msg, name_msg):
    with pytest.raises(svc.InvalidHousehold) as err:
        svc.register_household(session, form(code=code, head_name=name, citizen_id=None), clerk)
    assert set(err.value.field_errors) == {"code", "head_name"}
    assert err.value.field_errors["code"].startswith(code_msg)
    assert err.value.field_errors["head_name"].startswith(name_msg)
    assert count(session) == 0
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "household.create")) == 0


def test_a_real_household_is_still_created_as_typed(session, clerk):
    h = svc.register_household(session, form(code=" 82 7749 0478 ", head_name="  ĐINH  HỒNG TƯ "), clerk)
    assert (h.code, h.head_name) == ("8277490478", "Đinh Hồng Tư")
    h2 = svc.register_household(session, form(code="PT-0042", head_name="ksor h’blơi", citizen_id=None), clerk)
    assert (h2.code, h2.head_name) == ("PT-0042", "Ksor H'Blơi")


def test_an_edit_keeps_a_code_stored_before_the_rule_but_not_a_new_bad_one(session, clerk):
    factories.household(session, code="C1", head_name="Lê Văn Tám", search_text=" le van tam c1 ", sort_key="0")
    old = hh(session, "C1")
    svc.update_household(session, old.id, form(code="C1", head_name="Lê Văn Tám", citizen_id=None, members=3), clerk)
    assert (hh(session, "C1").members, hh(session, "C1").code) == (3, "C1")
    with pytest.raises(svc.InvalidHousehold) as err:
        svc.update_household(session, old.id, form(code="C2", head_name="Lê Văn Tám", citizen_id=None), clerk)
    assert set(err.value.field_errors) == {"code"}
    with pytest.raises(svc.InvalidHousehold) as err:
        svc.update_household(session, old.id, form(code="C1", head_name="a", citizen_id=None), clerk)
    assert set(err.value.field_errors) == {"head_name"}


# ------------------------------------------------------------------------------------------------
# Import: the same rule, errors per row
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_testers_rows_are_row_errors_on_import(session, fmt):
    rows = [
        MAI,
        dict(LAM, code=123),                                                 # a number cell 123
        dict(LAM, code="X1", name="a", cccd=None, phone=None),
        dict(LAM, code="<b>", name="'; DROP TABLE--", cccd=None, phone=None),
    ]
    data = xlsx(*rows) if fmt == "xlsx" else as_csv(*rows)
    report = run(session, data, name=f"ds-2025.{fmt}", dry_run=True)
    got = rows_of(report)
    assert [r.status for r in got] == ["new", "error", "error", "error"]
    assert report.counts["new"] == 1 and report.counts["error"] == 3
    first = 4 if fmt == "xlsx" else 2  # the row numbers the clerk sees (title and header above)
    assert [r.number for r in got] == [first, first + 1, first + 2, first + 3]
    assert any(m.startswith("Mã hộ «123» chỉ có 3 ký tự") for m in got[1].messages), got[1].messages
    assert any(m.startswith("Mã hộ «X1» chỉ có 2 ký tự") for m in got[2].messages), got[2].messages
    assert any(m.startswith("Họ tên «a» chỉ có 1 chữ cái") for m in got[2].messages), got[2].messages
    assert any(m.startswith("Mã hộ «<b>» có ký tự «<»") for m in got[3].messages), got[3].messages
    assert any(m.startswith("Họ tên «'; DROP TABLE--» có ký tự «;»") for m in got[3].messages), got[3].messages
    # A file with row errors is refused as a whole unless the clerk asks to skip them.
    with pytest.raises(ImportRefused):
        run(session, data, name=f"ds-2025.{fmt}")
    assert count(session) == 0


def test_skip_invalid_imports_the_good_row_only(session, clerk):
    data = xlsx(MAI, dict(LAM, code="X1", name="a"))
    report = run(session, data, clerk, skip_invalid=True)
    session.commit()
    assert report.committed and report.counts["new"] == 1 and report.counts["error"] == 1
    assert [h.code for h in session.scalars(select(Household))] == ["8250419218"]


@pytest.mark.parametrize("typed, stored", [
    ("nguyễn văn an", "Nguyễn Văn An"),
    ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
    ("Nguyễn văn An", "Nguyễn văn An"),     # mixed case: kept as typed on both paths
    ("h'hen niê", "H'Hen Niê"),
])
def test_name_casing_is_the_same_on_both_paths(session, clerk, typed, stored):
    report = run(session, xlsx(dict(MAI, name=typed)), clerk)
    session.commit()
    assert report.counts["new"] == 1, report.rows
    manual = svc.register_household(session, form(code="PT-0001", head_name=typed, citizen_id=None), clerk)
    assert hh(session, "8250419218").head_name == manual.head_name == stored


def test_codes_of_other_shapes_import(session, clerk):
    rows = [dict(MAI, code="PH-012"), dict(LAM, code="01/2025/PT"),
            dict(MAI, code=8200000042, cccd=None, phone=None, name="Lò Văn Ly")]  # a number cell
    report = run(session, xlsx(*rows), clerk)
    session.commit()
    assert report.counts["new"] == 3, [r.messages for r in report.rows]
    assert sorted(h.code for h in session.scalars(select(Household))) == ["01/2025/PT", "8200000042", "PH-012"]


# ------------------------------------------------------------------------------------------------
# Stacked diacritics and a head born this year: refused by both paths, with the same message
# ------------------------------------------------------------------------------------------------

STACKED = "Nguyễn Văn" + "\u0300" * 5  # the tester's «Thêm hộ»: NFC leaves ǹ and four graves
STACKED_MESSAGE = ("Họ tên «Nguyễn Văǹ\u0300\u0300\u0300\u0300»: chữ thứ 2 («Văǹ») có 4 dấu thừa (U+0300, U+0300, "
                   "U+0300, U+0300) chồng lên chữ cái thứ 3 «ǹ».")


def head_born_this_year(year: int) -> str:
    return (f"Năm sinh của chủ hộ là {year}, tức là năm nay: trẻ mới sinh không thể là chủ hộ. Hãy kiểm tra lại "
            f"năm sinh (chủ hộ phải sinh trước năm {year}), hoặc nếu đây là năm sinh của một thành viên khác, "
            "hãy ghi đúng người là chủ hộ.")


def test_stacked_marks_are_refused_by_the_form_and_the_import(session, clerk):
    with pytest.raises(svc.InvalidHousehold) as err:
        svc.register_household(session, form(head_name=STACKED, citizen_id=None), clerk)
    assert set(err.value.field_errors) == {"head_name"}
    assert err.value.field_errors["head_name"].startswith(STACKED_MESSAGE)
    for data, name in ((xlsx(MAI, dict(LAM, name=STACKED)), "ds-2025.xlsx"),
                       (as_csv(MAI, dict(LAM, name=STACKED)), "ds-2025.csv")):
        got = rows_of(run(session, data, name=name, dry_run=True))
        assert [r.status for r in got] == ["new", "error"]
        assert any(m.startswith(STACKED_MESSAGE) for m in got[1].messages), got[1].messages
    assert count(session) == 0


def test_a_head_born_this_year_is_refused_by_the_form_and_the_import(session, clerk):
    from subsidy.domain.calendar import today_vn
    year = today_vn().year
    with pytest.raises(svc.InvalidHousehold) as err:
        svc.register_household(session, form(head_birth_year=year, citizen_id=None), clerk)
    assert err.value.field_errors == {"head_birth_year": head_born_this_year(year)}
    report = run(session, xlsx(MAI, dict(LAM, birth=year, cccd=None), title=f"DANH SÁCH HỘ NGHÈO NĂM {year}"),
                 dry_run=True)
    got = rows_of(report)
    assert [r.status for r in got] == ["new", "error"]
    assert head_born_this_year(year) in got[1].messages
    # last year is a birth year a head can have (Luật Cư trú 2020, Điều 10: no adult age required)
    h = svc.register_household(session, form(head_birth_year=year - 1, citizen_id=None), clerk)
    assert h.head_birth_year == year - 1
