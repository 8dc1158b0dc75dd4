"""The optional prior-device columns of a commune's list (E2): read when present, so imported
households are not all "not recorded"; an empty cell leaves the answer alone; a bare mark is an
error naming what to write."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from subsidy.domain import vn
from subsidy.domain.household_list.prior_device import parse_prior_device
from subsidy.models import AuditEntry, Household
from subsidy.services.importer import ImportRefused, import_households

HEAD = "STT,Mã hộ,Họ và tên chủ hộ,Năm sinh,Giới tính,Số CCCD,Ấp,Số nhân khẩu,Phân loại hộ,Thiết bị đã nhận,Ngày nhận thiết bị"


def csv(*rows: str) -> bytes:
    return ("\n".join([HEAD, *rows]) + "\n").encode("utf-8")


ROWS = (
    "1,PT-0001,Lê Văn An,1970,Nam,,Ấp Phú Hòa,3,Hộ nghèo,Không,",
    "2,PT-0002,Lê Thị Bình,1975,Nữ,,Ấp Phú Hòa,2,Hộ cận nghèo,Máy tính bảng,15/03/2023",
    "3,PT-0003,Trần Văn Cường,1980,Nam,,Ấp Phú Thạnh,4,Hộ nghèo,Sóng và máy tính cho em,",
    "4,PT-0004,Võ Văn Dũng,1966,Nam,,Ấp Phú Thạnh,1,Hộ nghèo,,",
)


def test_prior_device_column_is_read_and_audited(session):
    import_households(session, csv(*ROWS), "ds.csv", None, year=2025)
    got = {h.code: (h.prior_device, h.prior_device_date) for h in session.scalars(select(Household))}
    assert got == {"PT-0001": ("none", None), "PT-0002": ("vtci_tablet", dt.date(2023, 3, 15)),
                   "PT-0003": ("learning_device", None), "PT-0004": ("unknown", None)}
    created = {e.entity_id: e.changes for e in session.scalars(select(AuditEntry).where(
        AuditEntry.action == "household.create"))}
    b = session.scalar(select(Household.id).where(Household.code == "PT-0002"))
    assert created[b]["prior_device"] == [None, "vtci_tablet"]
    assert created[b]["prior_device_date"] == [None, "2023-03-15"]
    # a second list with an empty cell leaves the recorded answer alone
    import_households(session, csv("1,PT-0002,Lê Thị Bình,1975,Nữ,,Ấp Phú Hòa,2,Hộ cận nghèo,,"), "ds2.csv", None,
                      year=2025)
    assert session.scalar(select(Household.prior_device).where(Household.code == "PT-0002")) == "vtci_tablet"


def test_a_bare_mark_is_an_error_naming_what_to_write(session):
    with pytest.raises(ImportRefused) as err:
        import_households(session, csv("1,PT-0009,Lê Văn An,1970,Nam,,Ấp Phú Hòa,3,Hộ nghèo,x,"), "ds.csv", None,
                          year=2025)
    [bad] = err.value.report.error_rows
    assert any("«Máy tính bảng»" in m for m in bad.messages)


@pytest.mark.parametrize("cell,value", [("không", "none"), ("Chưa nhận", "none"), ("MÁY TÍNH BẢNG", "vtci_tablet"),
                                        ("Laptop (Sóng và máy tính cho em)", "learning_device"), ("", None)])
def test_cell_words(cell, value):
    assert parse_prior_device(cell) == value


def test_cell_mark_refused():
    with pytest.raises(vn.VnValueError):
        parse_prior_device("có")
