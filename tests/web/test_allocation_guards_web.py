"""Allocations through the screens: their dates kept within the programme (from the day Thông tư
14/2022/TT-BTTTT took effect, 12/12/2022, to today), the commune's and the province's; one live allocation
per document; E2 re-checks when the first allocation date moves; one draft list at a time."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from subsidy.domain.calendar import today_vn
from subsidy.models import Allocation, Commune, ProvinceAllocation
from tests.web.test_applications_web import client_as, data, sessionmaker  # noqa: F401

TODAY = today_vn()


def html(resp) -> str:
    return resp.get_data(as_text=True)


def count(app, model) -> int:
    s = sessionmaker(app)()
    try:
        return s.scalar(select(func.count(model.id)))
    finally:
        s.close()


def province_officer(app):
    """A test client signed in as a province officer, created for the test."""
    from tests.factories import user

    s = sessionmaker(app)()
    user(s, "province_officer", "province_officer", row=True)
    s.commit()
    s.close()
    return client_as(app, "province_officer")


@pytest.mark.parametrize("typed", ["01/01/1900", "01/01/2020", "11/12/2022"])
def test_a_commune_allocation_dated_before_the_programme_is_given_back(app, data, typed):
    clerk = client_as(app, "clerk")
    r = clerk.post("/danh-sach/phan-bo", data={"quantity": "2", "allocated_on": typed,
                                                "source_document": "Công văn số 300/SKHCN-BCVT"})
    body = html(r)
    assert r.status_code == 422
    assert f"Ngày phân bổ ({typed}) không được trước ngày Thông tư 14/2022/TT-BTTTT có hiệu lực (12/12/2022)" in body
    assert f"từ ngày 12/12/2022 đến hôm nay ({TODAY:%d/%m/%Y})" in body
    assert count(app, Allocation) == 0


def test_a_commune_allocation_on_the_first_day_and_today_is_recorded_not_tomorrow(app, data):
    clerk = client_as(app, "clerk")
    tomorrow = TODAY + dt.timedelta(days=1)
    r = clerk.post("/danh-sach/phan-bo", data={"quantity": "1", "allocated_on": f"{tomorrow:%d/%m/%Y}",
                                                "source_document": "Công văn số 301/SKHCN-BCVT"})
    assert r.status_code == 422 and f"({tomorrow:%d/%m/%Y}) không được sau ngày hôm nay" in html(r)
    for day, doc in ((dt.date(2022, 12, 12), "Công văn số 1/SKHCN"), (TODAY, "Công văn số 2/SKHCN")):
        r = clerk.post("/danh-sach/phan-bo", data={"quantity": "1", "allocated_on": f"{day:%d/%m/%Y}",
                                                    "source_document": doc})
        assert r.status_code == 302
    s = sessionmaker(app)()
    assert sorted(s.scalars(select(Allocation.allocated_on))) == [dt.date(2022, 12, 12), TODAY]
    s.close()


def test_the_province_allocation_dated_before_the_programme_is_given_back(app, data):
    officer = province_officer(app)
    r = officer.post("/tinh/nhan", data={"quantity": "10", "allocated_on": "01/01/2019",
                                        "source_document": "QĐ 100/QĐ-BKHCN"})
    body = html(r)
    assert r.status_code == 422
    assert "Ngày phân bổ (01/01/2019) không được trước ngày Thông tư 14/2022/TT-BTTTT có hiệu lực (12/12/2022)" in body
    assert count(app, ProvinceAllocation) == 0
    r = officer.post("/tinh/nhan", data={"quantity": "10", "allocated_on": "12/12/2022",
                                        "source_document": "QĐ 100/QĐ-BKHCN"})
    assert r.status_code == 302 and count(app, ProvinceAllocation) == 1


def test_voiding_the_first_allocation_puts_an_eligible_check_it_overturns_on_the_home_page(app, data):
    """E2 (domain.md §2): a device counts when received before the first allocation; voiding the
    first allocation moves that date later, so «Đủ điều kiện» found against it must be checked again."""
    from subsidy.domain import tracking
    from subsidy.models import Application, Household
    from tests.web.test_applications_web import make_application

    s = sessionmaker(app)()
    h = s.get(Household, data["households"][0])
    h.prior_device, h.prior_device_date = "learning_device", dt.date(2024, 1, 1)
    s.commit()
    s.close()
    clerk = client_as(app, "clerk")
    for day, doc in (("01/03/2023", "Công văn số 1/STTTT"), ("01/06/2024", "Công văn số 2/STTTT")):
        assert clerk.post("/danh-sach/phan-bo", data={"quantity": "1", "allocated_on": day,
                                                       "source_document": doc}).status_code == 302
    aid = make_application(app, data["households"][0])
    s = sessionmaker(app)()
    a = s.get(Application, aid)
    code, state = tracking.display(a.tracking_code), a.state
    first = s.scalar(select(Allocation.id).where(Allocation.allocated_on == dt.date(2023, 3, 1)))
    s.close()
    assert state == "eligible"  # received 01/01/2024, after the first allocation (01/03/2023)
    assert "Hồ sơ cần kiểm tra lại điều kiện E2" not in html(clerk.get("/"))
    approver = client_as(app, "approver")
    assert approver.post(f"/danh-sach/phan-bo/{first}/huy", data={"reason": "Nhập nhầm văn bản"}).status_code == 302
    page = html(clerk.get("/"))
    assert "Hồ sơ cần kiểm tra lại điều kiện E2" in page
    assert f'<a href="/ho-so/{aid}">{code}</a> (Đủ điều kiện)' in page
    assert "ngày 01/01/2024, trước ngày phân bổ điện thoại cho địa phương (01/06/2024)" in page
    # listed there, it is not proposed until checked again: neither on its own nor in a new list
    refusal = (f"Chưa đưa được vào danh sách đề nghị: hồ sơ {code} đã được kiểm tra là đủ điều kiện, nhưng theo ngày "
               "phân bổ điện thoại hiện nay thì điều kiện E2")
    r = clerk.post(f"/ho-so/{aid}/de-nghi", follow_redirects=True)
    assert refusal in html(r) and "Hãy kiểm tra lại điều kiện hồ sơ này trước" in html(r)
    r = clerk.post("/danh-sach/lap", data={"count": "1"})
    assert r.status_code == 422 and refusal in html(r)
    s = sessionmaker(app)()
    assert s.get(Application, aid).state == "eligible"
    s.close()


def test_the_same_commune_allocation_sent_twice_is_recorded_once(app, data):
    clerk = client_as(app, "clerk")
    form = {"quantity": "1", "allocated_on": "01/11/2026" if TODAY >= dt.date(2026, 11, 1) else f"{TODAY:%d/%m/%Y}",
            "source_document": "Công văn số 300/SKHCN-BCVT"}
    assert clerk.post("/danh-sach/phan-bo", data=form).status_code == 302
    for typed in ("Công văn số 300/SKHCN-BCVT", "công văn số 300 / skhcn - bcvt"):
        r = clerk.post("/danh-sach/phan-bo", data=dict(form, source_document=typed))
        assert r.status_code == 422
        assert ("Văn bản «Công văn số 300/SKHCN-BCVT» đã được ghi: phân bổ 1 máy ngày "
                f"{form['allocated_on']} (chưa hủy)") in html(r)
    assert count(app, Allocation) == 1
    s = sessionmaker(app)()
    first = s.scalar(select(Allocation.id))
    s.close()
    # voided, the document can be recorded again (the corrected allocation)
    approver = client_as(app, "approver")
    assert approver.post(f"/danh-sach/phan-bo/{first}/huy", data={"reason": "Nhập nhầm số máy"}).status_code == 302
    assert clerk.post("/danh-sach/phan-bo", data=dict(form, quantity="2")).status_code == 302
    s = sessionmaker(app)()
    assert [(a.quantity, a.voided_at is None) for a in s.scalars(select(Allocation).order_by(Allocation.id))] == [
        (1, False), (2, True)]
    s.close()


def test_the_same_province_allocation_sent_twice_is_recorded_once(app, data):
    officer = province_officer(app)
    form = {"quantity": "10", "allocated_on": "12/12/2022", "source_document": "QĐ 100/QĐ-BKHCN"}
    assert officer.post("/tinh/nhan", data=form).status_code == 302
    r = officer.post("/tinh/nhan", data=dict(form, source_document="qđ 100/qđ-bkhcn"))
    assert r.status_code == 422
    assert "Văn bản «QĐ 100/QĐ-BKHCN» đã được ghi: tỉnh được phân bổ 10 máy ngày 12/12/2022 (chưa hủy)" in html(r)
    assert count(app, ProvinceAllocation) == 1


def test_a_second_new_list_is_refused_while_the_draft_is_open(app, data):
    from subsidy.models import ProposalList
    from tests.web.test_applications_web import make_application

    for hid in data["households"][:2]:
        make_application(app, hid)
    clerk = client_as(app, "clerk")
    assert clerk.post("/danh-sach/phan-bo", data={"quantity": "3", "allocated_on": f"{TODAY:%d/%m/%Y}",
                                                   "source_document": "Công văn số 5/STTTT"}).status_code == 302
    assert clerk.post("/danh-sach/lap", data={"count": "1"}).status_code == 302
    r = clerk.post("/danh-sach/lap", data={"count": "1"})  # the double click
    assert r.status_code == 422
    assert f"Xã đang có một dự thảo danh sách đề nghị chưa trình phê duyệt (lập ngày {TODAY:%d/%m/%Y}, 1 hộ)" in html(r)
    assert count(app, ProposalList) == 1


@pytest.mark.parametrize("raw", ["9" * 30, "0", "-3", "x"])
def test_a_share_naming_no_allocation_or_commune_is_given_back(app, data, raw):
    """The share form's two choices are read as row ids (web.ids.row_id): an id past any row, zero
    or text names nothing and gets the form back (422) with what to choose, never a 500."""
    client = province_officer(app)
    resp = client.post("/tinh/chia", data={"province_allocation": raw, "commune": raw, "quantity": "1",
                                           "allocated_on": "01/03/2026"})
    assert resp.status_code == 422
    assert "Hãy chọn văn bản phân bổ của tỉnh và xã." in resp.get_data(as_text=True)


def test_the_same_share_sent_twice_is_recorded_once(app, data):
    """The province officer's share of an allocation sent twice (a double submit) is recorded once;
    the second gets the form back naming the share. A second part of another size is a share."""
    officer = province_officer(app)
    assert officer.post("/tinh/nhan", data={"quantity": "3", "allocated_on": "12/12/2022",
                                            "source_document": "QĐ 100/QĐ-BKHCN"}).status_code == 302
    s = sessionmaker(app)()
    pa = s.scalar(select(ProvinceAllocation.id))
    commune = s.scalar(select(func.min(Commune.id)))
    name = s.scalar(select(Commune.name).where(Commune.id == commune))
    s.close()
    share = {"province_allocation": str(pa), "commune": str(commune), "quantity": "1", "allocated_on": "01/03/2023"}
    assert officer.post("/tinh/chia", data=share).status_code == 302
    r = officer.post("/tinh/chia", data=share)
    assert r.status_code == 422
    assert (f"Đã chia 1 máy của văn bản «QĐ 100/QĐ-BKHCN» cho {name} ngày 01/03/2023 (chưa hủy): phần chia này "
            "đã được ghi, không ghi lần thứ hai.") in html(r)
    assert count(app, Allocation) == 1
    assert officer.post("/tinh/chia", data=dict(share, quantity="2")).status_code == 302  # another part
    assert count(app, Allocation) == 2
