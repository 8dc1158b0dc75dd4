"""Importing the household list, adding and editing a household are the commune clerk's
(domain.scope.HOUSEHOLD_ENTRY_ROLES): the list carries every CCCD and phone, which the admin does
not see (scope.sees_personal_data). The admin's menu does not offer the import; its pages answer
403 with the Vietnamese reason; the import service refuses an admin actor (the CLI's --user
included), so no other way in can change a household either."""
from __future__ import annotations

import html
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from subsidy.domain.scope import enters_households, household_entry_refusal
from subsidy.models import AuditEntry, Household
from subsidy.services import importer
from subsidy.services import households as svc

DATA = Path(__file__).resolve().parents[1] / "data" / "ho-ngheo-2025-bo-sung.csv"
#: The reason as the page prints it: the sentence itself, written here, not read from the code.
REASON = ("Nhập danh sách hộ và thêm, sửa thông tin hộ là việc của công chức xã: quản trị hệ thống lo tài "
          "khoản, cài đặt và sao lưu; danh sách mang số CCCD và số điện thoại của từng người, mà tài khoản quản "
          "trị không được xem. Hãy nhờ công chức của xã nhập danh sách hoặc sửa thông tin hộ.")
#: The approver's reason: not the numbers (the approver sees them) but that it decides on what the
#: clerk entered.
APPROVER_REASON = ("Nhập danh sách hộ và thêm, sửa thông tin hộ là việc của công chức xã: lãnh đạo xã xét duyệt "
                   "danh sách và quyết định hồ sơ mà công chức đã lập, nên không tự nhập hay sửa dữ liệu mình sẽ "
                   "duyệt. Hãy nhờ công chức của xã nhập danh sách hoặc sửa thông tin hộ.")


def text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def _one_household(app) -> int:
    sess = app.extensions["subsidy.sessionmaker"]()
    hh = svc.register_household(sess, svc.HouseholdInput(
        code="8250419218", head_name="Mai Minh Nghĩa", hamlet="Ấp Phú Hòa", category="poor", members=1,
        head_birth_year=1938, head_gender="M", citizen_id="082038597382", phone="0386300391"), None)
    sess.commit()
    hid = hh.id
    sess.close()
    return hid


def _counts(app) -> tuple[int, int]:
    sess = app.extensions["subsidy.sessionmaker"]()
    try:
        return (sess.scalar(select(func.count()).select_from(Household)),
                sess.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_type == "household")))
    finally:
        sess.close()


def test_the_rule_names_the_clerk_only():
    assert household_entry_refusal("admin") == REASON
    assert household_entry_refusal("approver") == APPROVER_REASON
    # only the roles that do not see the numbers are told they do not
    assert [r for r in ("approver", "admin", "radio", "province_officer", "province_approver")
            if "không được xem" in household_entry_refusal(r)] == ["admin", "province_officer"]
    assert [r for r in ("clerk", "approver", "admin", "radio", "province_officer", "province_approver", None)
            if enters_households(r)] == ["clerk"]


def test_the_admin_menu_has_no_import_and_its_pages_say_why(app, client, login_as, tmp_path):
    app.config["IMPORT_DIR"] = str(tmp_path / "imports")
    hid = _one_household(app)
    login_as("admin")
    home = text(client.get("/"))
    assert "Nhập danh sách" not in home and "/nhap-danh-sach/" not in home
    listing = text(client.get("/ho-gia-dinh/"))
    assert "/nhap-danh-sach/" not in listing and "/ho-gia-dinh/them" not in listing
    before = _counts(app)
    upload = {"file": (io.BytesIO(DATA.read_bytes()), DATA.name), "year": "2026"}
    for method, url, data in (("GET", "/nhap-danh-sach/", None),
                              ("POST", "/nhap-danh-sach/", upload),
                              ("GET", "/nhap-danh-sach/" + "r" * 24, None),
                              ("POST", "/nhap-danh-sach/" + "r" * 24 + "/xac-nhan", {}),
                              ("GET", "/ho-gia-dinh/them", None),
                              ("GET", f"/ho-gia-dinh/{hid}/sua", None),
                              ("POST", f"/ho-gia-dinh/{hid}/sua", {"phone": "0961234567"})):
        resp = client.open(url, method=method, data=data,
                           content_type="multipart/form-data" if data is upload else None)
        assert resp.status_code == 403, (method, url)
        page = text(resp)
        assert REASON in page, (method, url)
        assert "Không có quyền" in page
    assert _counts(app) == before
    assert not (tmp_path / "imports").exists() or not any((tmp_path / "imports").iterdir())
    # archiving stays the admin's (not a change of the household's data)
    assert client.post(f"/ho-gia-dinh/{hid}/luu-tru", data={"reason": "Hộ chuyển đi nơi khác"}).status_code != 403


def test_the_clerk_still_imports(app, client, login_as, tmp_path):
    app.config["IMPORT_DIR"] = str(tmp_path / "imports")
    login_as("clerk")
    assert "Nhập danh sách" in text(client.get("/"))
    assert client.get("/nhap-danh-sach/").status_code == 200
    resp = client.post("/nhap-danh-sach/", data={"file": (io.BytesIO(DATA.read_bytes()), DATA.name), "year": "2026"},
                       content_type="multipart/form-data")
    assert resp.status_code == 302 and "/nhap-danh-sach/" in resp.headers["Location"]


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_import_service_refuses_an_admin_actor(session, dry_run):
    from tests import factories

    admin = factories.user(session, "admin", "quantri-nhap", row=True)
    before = session.scalar(select(func.count()).select_from(Household))
    with pytest.raises(importer.ImportForbidden) as err:
        importer.import_households(session, DATA.read_bytes(), DATA.name, admin, year=2026, dry_run=dry_run)
    assert str(err.value) == REASON
    assert session.scalar(select(func.count()).select_from(Household)) == before


def test_the_cli_refuses_an_admin_user(app, make_user):
    make_user("quantri-cli", "admin")
    result = app.test_cli_runner().invoke(args=["import-households", str(DATA), "--year", "2026", "--user", "quantri-cli"])
    assert result.exit_code != 0
    assert REASON in result.output
    assert _counts(app)[0] == 0


def test_the_approver_is_told_it_decides_not_that_it_may_not_see(app, client, login_as):
    hid = _one_household(app)
    login_as("approver")
    before = _counts(app)
    for method, url in (("GET", "/nhap-danh-sach/"), ("GET", "/ho-gia-dinh/them"), ("GET", f"/ho-gia-dinh/{hid}/sua")):
        resp = client.open(url, method=method)
        assert resp.status_code == 403, url
        page = text(resp)
        assert APPROVER_REASON in page, url
        assert "không được xem" not in page, url
    assert _counts(app) == before
