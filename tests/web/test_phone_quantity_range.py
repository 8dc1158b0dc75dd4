"""The number of phones of an allocation (a commune's quota, the province's from the ministry):
1 to 100.000, and a number outside says that range on the form (nothing saved)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from subsidy.models import Allocation, ProvinceAllocation
from subsidy.services import allocations, province
from subsidy.services.errors import ServiceError
from tests import factories
from tests.web.test_applications_web import client_as, data, sessionmaker  # noqa: F401

RANGE = "Số máy phải từ 1 đến 100.000; hãy nhập đúng số máy ghi trên văn bản phân bổ."


def _count(app, model) -> int:
    s = sessionmaker(app)()
    try:
        return s.scalar(select(func.count()).select_from(model))
    finally:
        s.close()


@pytest.mark.parametrize("typed", ["99999999", "100001", "0"])
def test_the_commune_quota_form_names_the_range(app, data, typed):
    clerk = client_as(app, "clerk")
    r = clerk.post("/danh-sach/phan-bo", data={"quantity": typed, "allocated_on": "01/11/2026",
                                                "source_document": "Công văn số 215/STTTT"})
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and RANGE in body and "từ 1 trở lên" not in body
    assert _count(app, Allocation) == 0


@pytest.mark.parametrize("typed", ["99999999", "100001"])
def test_the_province_receiving_form_names_the_range(app, client, login_as, typed):
    login_as("province_officer")
    r = client.post("/tinh/nhan", data={"quantity": typed, "allocated_on": "10/01/2026",
                                        "source_document": "QĐ 100/QĐ-BKHCN"})
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and RANGE in body and "từ 1 trở lên" not in body
    assert _count(app, ProvinceAllocation) == 0


def test_the_services_refuse_the_same_range_and_take_its_ends(session):
    officer = factories.user(session, "province_officer", "tinh_sl")
    with pytest.raises(ServiceError) as err:
        province.record_received(session, 100_001, dt.date(2026, 1, 10), "QĐ 1", officer)
    assert str(err.value) == RANGE
    assert province.record_received(session, 100_000, dt.date(2026, 1, 10), "QĐ 1", officer).quantity == 100_000
    clerk = factories.user(session, "clerk", "xa_sl")
    with pytest.raises(ServiceError) as err:
        allocations.record_allocation(session, 0, dt.date(2026, 1, 10), "CV 2", clerk)
    assert str(err.value) == RANGE
