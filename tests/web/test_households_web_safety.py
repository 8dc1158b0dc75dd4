"""Defects of the household registry and import found in testing, through the browser pages:
hamlet choices and tampered hamlets, phones in international form, "ấp mới" in the import
preview, confirming an import twice, LIKE wildcards in the household search."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from subsidy.models import Household
from subsidy.services import households as svc
from tests import factories
from tests.conftest import DATA, login
from tests.page_forms import seen
from tests.web.test_households_web import form_data

HAMLETS = ["Ấp Phú Hòa", "Ấp Phú Thành", "Ấp Phú Xuân"]
XLSX = DATA / "ho-ngheo-2025-phu-tan.xlsx"


@pytest.fixture(autouse=True)
def setup(app, tmp_path):
    app.config["IMPORT_DIR"] = str(tmp_path / "imports")
    app.config["HAMLETS"] = list(HAMLETS)
    return tmp_path / "imports"


def text(resp) -> str:
    return resp.get_data(as_text=True)


def add(app, **kw):
    base = dict(code="8250419218", head_name="Mai Minh Nghĩa", hamlet="Ấp Phú Hòa", category="poor", members=1,
                head_birth_year=1938, head_gender="M", citizen_id="082038597382", phone="0386300391")
    base.update(kw)
    sess = app.extensions["subsidy.sessionmaker"]()
    hid = svc.register_household(sess, svc.HouseholdInput(**base), None).id
    sess.commit()
    sess.close()
    return hid


def count(app) -> int:
    sess = app.extensions["subsidy.sessionmaker"]()
    n = sess.scalar(select(func.count()).select_from(Household))
    sess.close()
    return n


def stored(app, code: str) -> Household | None:
    sess = app.extensions["subsidy.sessionmaker"]()
    hh = sess.scalar(select(Household).where(Household.code == code))
    sess.close()
    return hh


def options(page: str) -> list[str]:
    select_html = re.search(r'<select[^>]*name="hamlet"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option[^>]*value="([^"]*)"', select_html)


def upload(client, data: bytes, name: str):
    return client.post("/nhap-danh-sach/", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


# --------------------------------------------------------------------------------------------
# 3. hamlet in the household form
# --------------------------------------------------------------------------------------------


def test_form_offers_configured_and_on_file_hamlets(app, client, login_as):
    add(app, hamlet="Ấp Cồn Cống")
    login_as("clerk")
    assert options(text(client.get("/ho-gia-dinh/them"))) == ["", *HAMLETS, "Ấp Cồn Cống"]


@pytest.mark.parametrize("hamlet", ["=1+2", "Ấp Giả", "@SUM(A1)", ""])
def test_a_tampered_hamlet_is_not_saved(app, client, login_as, hamlet):
    login_as("clerk")
    resp = client.post("/ho-gia-dinh/them", data=form_data(hamlet=hamlet))
    assert resp.status_code == 422
    page = text(resp)
    assert ("Chưa chọn ấp" if hamlet == "" else "Hãy chọn một ấp trong danh sách") in page
    assert count(app) == 0
    # the refused value is not offered back as a choice
    assert hamlet not in options(page)[1:]


def test_an_implausible_hamlet_on_file_is_not_offered_and_must_be_changed(app, client, login_as):
    sess = app.extensions["subsidy.sessionmaker"]()
    bad = factories.household(sess, code="OLD1", head_name="Lê Văn Cũ", hamlet="=1+2", search_text=" le van cu old1 ",
                              sort_key="0")
    sess.commit()
    hid = bad.id
    sess.close()
    login_as("clerk")
    assert "=1+2" not in options(text(client.get("/ho-gia-dinh/them")))
    shown = seen(client, f"/ho-gia-dinh/{hid}/sua")
    edit = client.post(f"/ho-gia-dinh/{hid}/sua", data=form_data(code="OLD1", head_name="Lê Văn Cũ",
                                                              citizen_id="", hamlet="=1+2", seen=shown))
    assert edit.status_code == 422 and "bắt đầu bằng ký tự «=»" in text(edit)
    assert client.post(f"/ho-gia-dinh/{hid}/sua", data=form_data(code="OLD1", head_name="Lê Văn Cũ", citizen_id="",
                                                                 hamlet="Ấp Phú Xuân", seen=shown)).status_code == 302
    assert stored(app, "OLD1").hamlet == "Ấp Phú Xuân"


# --------------------------------------------------------------------------------------------
# 4. phones in the form
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["+84 912 345 678", "+84912345678", "84912345678", "0084 912 345 678",
                                   "0912.345.678", "0912 345 678"])
def test_form_accepts_international_and_spaced_phones(app, client, login_as, phone):
    login_as("clerk")
    assert client.post("/ho-gia-dinh/them", data=form_data(phone=phone)).status_code == 302
    assert stored(app, "8277490478").phone == "0912345678"


# --------------------------------------------------------------------------------------------
# import preview: new hamlets, phones, CCCD matching
# --------------------------------------------------------------------------------------------

CSV_HEAD = "Mã hộ,Họ và tên chủ hộ,Năm sinh,Giới tính,Số CCCD,Ấp,Phân loại hộ,Số điện thoại\n"


def test_preview_flags_new_hamlets_and_reads_plus84_phones(app, client, login_as):
    add(app)
    login_as("clerk")
    body = (CSV_HEAD
            + "8200000001,Lê Văn A,,,,Ấp Giả,HN,+84912000011\n"
            + "8200000002,Lê Văn B,,,,Ấp Phú Hoà,HN,0084 912 000 012\n"
            + "8200000003,Lê Văn C,,,,ẤP PHÚ THÀNH,HCN,84912000013\n"
            + "8200000004,Lê Văn D,,,,=1+2,HCN,\n"
            + "8299999999,Trần Văn Giả,1938,Nam,082038597382,Ấp Phú Hòa,HN,\n")
    resp = upload(client, body.encode("utf-8"), "bo-sung-2025.csv")
    assert resp.status_code == 302
    url = resp.headers["Location"]
    page = text(client.get(url, query_string={"status": ""}))
    assert "Thêm mới <b>3</b>" in page and "Lỗi <b>2</b>" in page
    assert "<b>Ấp mới</b>" in page and "«Ấp Giả» (1 hộ, từ dòng 2)" in page
    assert "«Ấp Phú Hoà» (1 hộ, từ dòng 3; gần giống «Ấp Phú Hòa»)" in page
    assert "ấp mới: «Ấp Giả»" in page
    assert "ấp mới: «Ấp Phú Thành»" not in page  # configured (written in capitals in the file)
    assert "bắt đầu bằng ký tự «=»" in page
    assert "Số CCCD 082038597382 đã thuộc hộ mã 8250419218 (Mai Minh Nghĩa)" in page
    assert "ký tự không phải chữ số" not in page
    token = url.rsplit("/", 1)[1]
    assert client.post(f"/nhap-danh-sach/{token}/xac-nhan", data={"skip_invalid": "y"}).status_code == 302
    assert [stored(app, c).phone for c in ("8200000001", "8200000002", "8200000003")] == [
        "0912000011", "0912000012", "0912000013"]
    assert stored(app, "8200000003").hamlet == "Ấp Phú Thành"
    mai = stored(app, "8250419218")
    assert (mai.head_name, mai.phone) == ("Mai Minh Nghĩa", "0386300391")


# --------------------------------------------------------------------------------------------
# 6. confirming the same preview twice
# --------------------------------------------------------------------------------------------


def test_confirming_twice_says_the_file_was_already_imported(app, client, login_as, setup):
    login_as("clerk")
    token = upload(client, XLSX.read_bytes(), XLSX.name).headers["Location"].rsplit("/", 1)[1]
    assert client.post(f"/nhap-danh-sach/{token}/xac-nhan", data={}).status_code == 302
    for resp in (client.post(f"/nhap-danh-sach/{token}/xac-nhan", data={}),
                 client.get(f"/nhap-danh-sach/{token}"),
                 client.post(f"/nhap-danh-sach/{token}/huy")):
        assert resp.status_code == 410
        page = text(resp)
        assert "Tệp này đã được nhập rồi" in page and "thêm 180 hộ" in page
        assert "Bấm «Xác nhận nhập» hay «Hủy» lúc này không thay đổi gì" in page  # also after «Hủy»
        assert 'href="/ho-gia-dinh/"' in page and 'href="/nhap-danh-sach/"' in page
    assert count(app) == 180
    # someone else learns nothing about it
    client.post("/dang-xuat")
    other = app.test_client()
    sess = app.extensions["subsidy.sessionmaker"]()
    factories.user(sess, "clerk", "clerk2")
    sess.commit()
    sess.close()
    login(other, "clerk2")
    resp = other.post(f"/nhap-danh-sach/{token}/xac-nhan", data={})
    assert resp.status_code == 404 and "Bản xem trước này không còn" in text(resp)
    assert "180" not in text(resp)


def test_an_expired_or_unknown_preview_gets_a_vietnamese_page(app, client, login_as):
    login_as("clerk")
    resp = client.post("/nhap-danh-sach/" + "x" * 32 + "/xac-nhan", data={})
    assert resp.status_code == 404
    page = text(resp)
    assert "Bản xem trước này không còn" in page and "quá 24 giờ" in page and 'href="/ho-gia-dinh/"' in page


def test_a_confirmation_while_the_import_runs_says_so(app, client, login_as, setup):
    login_as("clerk")
    token = upload(client, XLSX.read_bytes(), XLSX.name).headers["Location"].rsplit("/", 1)[1]
    (setup / token).rename(setup / (token + ".dang-nhap"))  # as the first confirmation does
    resp = client.post(f"/nhap-danh-sach/{token}/xac-nhan", data={})
    assert resp.status_code == 409 and "Tệp này đang được nhập" in text(resp)
    assert count(app) == 0


# --------------------------------------------------------------------------------------------
# 5. search wildcards over HTTP
# --------------------------------------------------------------------------------------------


def test_search_box_matches_percent_and_underscore_literally(app, client, login_as):
    add(app, code="A_01", head_name="Nguyễn Văn Hùng", citizen_id=None, phone=None)
    add(app, code="A101", head_name="Đặng Thị Lan", citizen_id=None, phone=None)
    add(app, code="B202", head_name="Lê Văn Tám", citizen_id=None, phone=None)
    login_as("clerk")

    def found(q):
        page = text(client.get("/ho-gia-dinh/", query_string={"q": q}))
        return sorted(re.findall(r'<span class="name">([^<]+)</span>', page))

    assert found("%") == []
    assert found("_") == ["Nguyễn Văn Hùng"]
    assert found("%%") == [] and found("_%") == []
    assert found("") == ["Lê Văn Tám", "Nguyễn Văn Hùng", "Đặng Thị Lan"]
