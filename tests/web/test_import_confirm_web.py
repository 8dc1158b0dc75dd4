"""Confirming an import writes what its preview showed, or nothing: a household added or edited
after the preview makes the confirmation refuse with the new preview and how many rows differ.
A list that takes a household with an approved application off the year's list (or changes its
category) says so in the preview; afterwards the to-do list and the handover form say it too
(domain.md E1, §5)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import html
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from subsidy.domain.calendar import today_vn
from subsidy.models import Household, HouseholdStatus
from subsidy.services import importer
from tests import factories
from tests import list_files as lf

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(autouse=True)
def import_dir(app, tmp_path):
    app.config["IMPORT_DIR"] = str(tmp_path / "imports")
    return tmp_path / "imports"


def text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def upload(client, data: bytes, name: str, year: str = "") -> str:
    resp = client.post("/nhap-danh-sach/", data={"file": (io.BytesIO(data), name), "year": year},
                       content_type="multipart/form-data")
    assert resp.status_code == 302, resp.status_code
    return resp.headers["Location"]


def confirm(client, preview_url: str, **form) -> str:
    resp = client.post(preview_url + "/xac-nhan", data=form)
    assert resp.status_code == 302
    return text(client.get(resp.headers["Location"]))


def test_a_household_added_after_the_preview_stops_the_confirmation(app, client, login_as, session):
    login_as("clerk")
    url = upload(client, (DATA / "ho-ngheo-2025-bo-sung.csv").read_bytes(), "ho-ngheo-2025-bo-sung.csv", "2026")
    page = text(client.get(url))
    assert "Thêm mới <b>40</b>" in page and "Cập nhật <b>0</b>" in page
    # The clerk adds one household of the file by hand meanwhile.
    factories.household(session, code="8212633920", head_name="Huỳnh Bích Hoa", hamlet="Ấp Phú Xuân",
                        category="poor", members=2, list_year=2026)
    session.commit()

    page = confirm(client, url)
    assert ("Chưa ghi dòng nào: dữ liệu đã thay đổi từ lúc xem trước, nay có 1 dòng khác với bản xem trước. "
            "Hãy xem lại bản xem trước mới rồi bấm «Xác nhận nhập» lần nữa.") in page
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Household)) == 1
    hand = session.scalars(select(Household)).one()
    assert (hand.category, hand.members) == ("poor", 2)  # the hand entry is untouched
    session.rollback()  # ends the read: the import job writes

    page = text(client.get(url))  # the new preview, with why
    assert "Dữ liệu đã thay đổi từ lúc xem trước" in page and "nay có <b>1</b> dòng khác" in page
    assert "Thêm mới <b>39</b>" in page and "Cập nhật <b>1</b>" in page

    page = confirm(client, url)  # confirmed again, seen: written as shown
    assert "thêm 39 hộ, cập nhật 1 hộ" in page
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Household)) == 40
    hand = session.scalars(select(Household).where(Household.code == "8212633920")).one()
    assert (hand.category, hand.members) == ("near_poor", 1)


def test_an_unchanged_preview_is_written_as_shown(session):
    data = (DATA / "ho-ngheo-2025-bo-sung.csv").read_bytes()
    shown = importer.import_households(session, data, "bo-sung.csv", None, year=2026, dry_run=True)
    report = importer.import_households(session, data, "bo-sung.csv", None, year=2026, shown=shown)
    assert report.committed and report.counts["new"] == 40 and report.stale_rows == 0


def test_an_edit_after_the_preview_is_counted_per_row(session):
    data = (DATA / "ho-ngheo-2025-bo-sung.csv").read_bytes()
    importer.import_households(session, data, "bo-sung.csv", None, year=2026)
    shown = importer.import_households(session, data, "bo-sung.csv", None, year=2026, dry_run=True)
    assert shown.counts["unchanged"] == 40
    for code in ("8212633920", "8284641177"):
        h = session.scalars(select(Household).where(Household.code == code)).one()
        h.members = 9
    session.flush()
    with pytest.raises(importer.ImportStale) as err:
        importer.import_households(session, data, "bo-sung.csv", None, year=2026, shown=shown)
    assert err.value.report.stale_rows == 2
    assert err.value.report.counts["update"] == 2
    assert session.scalars(select(Household.members).where(Household.code == "8212633920")).one() == 9


def _lists(n: int = 6):
    houses = lf.make_households(n, seed=11, members=(0, 0))
    before = houses
    later = [houses[0], dataclasses.replace(houses[1], category="near_poor" if houses[1].category == "poor" else "poor"),
             *houses[3:]]  # houses[2] left out; houses[1] in the other category
    return before, later


def test_a_list_that_takes_an_approved_household_off_warns_then_the_todo_and_handover_say_so(
        app, client, login_as, session):
    year = today_vn().year
    before, later = _lists()
    importer.import_households(session, lf.household_xlsx(before, year - 1), "ds.xlsx", None)
    on_file = {h.code: h for h in session.scalars(select(Household))}
    gone = factories.application(session, on_file[before[2].code], state="approved")
    moved = factories.application(session, on_file[before[1].code], state="handed_over")
    factories.application(session, on_file[before[3].code], state="approved")  # stays listed: no warning
    session.commit()
    login_as("clerk")

    url = upload(client, lf.household_xlsx(later, year), "ds-moi.xlsx")
    page = text(client.get(url))
    assert "2 hộ có hồ sơ đã được phê duyệt (hoặc đã nhận hỗ trợ)" in page
    names = {before[1].code: before[1].head.name, before[2].code: before[2].head.name}
    for code, name in names.items():
        assert f"<b>{name}</b> · mã hộ {code}" in page
    assert f"hồ sơ {factories.tracking_display(gone)} (Đã được phê duyệt)" in page
    assert f"hồ sơ {factories.tracking_display(moved)} (Đã bàn giao điện thoại)" in page
    assert f"không còn trong danh sách năm {year} (không có trong danh sách đầy đủ)" in page
    cat = {"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo"}
    assert f"{cat[before[1].category]} → {cat[later[1].category]}" in " ".join(page.split())
    assert before[3].head.name not in page.split("at-risk")[1].split("</div>")[0]

    page = confirm(client, url)
    assert "Đã nhập danh sách năm" in page
    status = session.scalars(select(HouseholdStatus.status).where(
        HouseholdStatus.household_id == on_file[before[2].code].id, HouseholdStatus.year == year)).one()
    assert status == "not_listed"
    session.rollback()

    home = " ".join(text(client.get("/")).split())
    assert (f"Hồ sơ {factories.tracking_display(gone)} (hộ {before[2].head.name}) đã phê duyệt nhưng hộ không còn trong danh sách "
            f"hộ nghèo, cận nghèo năm {year}: kiểm tra lại điều kiện E1") in home
    assert f"Hồ sơ {factories.tracking_display(moved)}" not in home  # handed over: nothing left to hand

    form = " ".join(re.sub(r"</?b>", "", text(client.get(f"/ho-so/{gone.id}/ban-giao"))).split())
    assert f"Hộ này không còn trong danh sách hộ nghèo, cận nghèo năm {year}" in form
