"""The public address of QR codes is an instance setting the admin edits (PUBLIC_BASE_URL only its
default): checked as an http(s) address, audited, printed in the status links, and the staff's
warning follows it."""
from __future__ import annotations

from sqlalchemy import select

from subsidy.models import AuditEntry, InstanceSetting
from subsidy.services import instance_settings
from tests.conftest import login
from tests.page_forms import seen

WARNING = "Quản trị cần đặt địa chỉ trang web trên Internet"


def _settings(app) -> dict[str, str]:
    s = app.extensions["subsidy.sessionmaker"]()
    try:
        return {r.key: r.value for r in s.scalars(select(InstanceSetting))}
    finally:
        s.close()


def test_admin_sets_the_public_address_and_the_warning_and_links_follow(app, client, make_user):
    app.config["PUBLIC_BASE_URL"] = "http://192.168.1.10:5000"   # the default: a LAN address
    make_user("admin1", "admin")
    make_user("clerk1", "clerk")
    clerk = app.test_client()
    login(clerk, "clerk1")
    assert WARNING in clerk.get("/").get_data(as_text=True)
    login(client, "admin1")
    page = client.get("/quan-tri/cai-dat/").get_data(as_text=True)
    assert "http://192.168.1.10:5000" in page and "Lưu cài đặt" in page

    for bad, says in (("vtci.example.gov.vn", "bắt đầu bằng https://"), ("ftp://vtci.example.gov.vn", "không phải địa chỉ web"),
                      ("https://vtci.example.gov.vn/?a=1", "«?»"), ("https://vtci.example.gov.vn:99999", "Cổng")):
        resp = client.post("/quan-tri/cai-dat/", data=with_seen(client, {"public_base_url": bad, "province_body": "Sở KH&CN"}))
        assert resp.status_code == 422 and says in resp.get_data(as_text=True), bad
        assert _settings(app) == {}   # nothing half-saved, the province body neither

    resp = client.post("/quan-tri/cai-dat/", data=with_seen(client, {"public_base_url": " https://vtci.dongthap.gov.vn/ "}))
    assert resp.status_code == 302
    assert _settings(app) == {"public_base_url": "https://vtci.dongthap.gov.vn"}
    s = app.extensions["subsidy.sessionmaker"]()
    entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "instance_setting.update")).one()
    assert entry.changes == {"public_base_url": ["", "https://vtci.dongthap.gov.vn"]}
    s.close()
    assert WARNING not in clerk.get("/").get_data(as_text=True)

    from subsidy.services.receipts import settings_from_config
    from subsidy.web.printing import document_config
    with app.test_request_context("/", base_url="http://192.168.1.10:5000/"):
        assert settings_from_config(document_config()).status_url("K7QX9M4TAB") == \
            "https://vtci.dongthap.gov.vn/tra-cuu?ma=K7QX9M4TAB"

    # Cleared: back to the configured default, and the warning with it.
    client.post("/quan-tri/cai-dat/", data=with_seen(client, {"public_base_url": ""}))
    assert _settings(app) == {"public_base_url": ""}
    assert WARNING in clerk.get("/").get_data(as_text=True)


def test_only_admin_opens_the_settings(client, login_as):
    login_as("clerk")
    assert client.get("/quan-tri/cai-dat/").status_code == 403


def test_the_stored_address_wins_over_the_default(session):
    assert instance_settings.public_base_url(session, {"PUBLIC_BASE_URL": "https://mac-dinh.vn/"}) == "https://mac-dinh.vn"
    instance_settings.update(session, {"public_base_url": "http://vtci.tinh.gov.vn:8080/app"}, None)
    assert instance_settings.public_base_url(session, {"PUBLIC_BASE_URL": "https://mac-dinh.vn"}) == \
        "http://vtci.tinh.gov.vn:8080/app"


def test_the_settings_page_warns_while_the_province_reports_print_no_province_name(app, client, login_as):
    """With no province body set and no province recorded by the communes, the province's reports
    would print «ỦY BAN NHÂN DÂN TỈNH» alone: the page says so; once the body is set, it does not."""
    login_as("admin")
    page = client.get("/quan-tri/cai-dat/").get_data(as_text=True)
    assert "Các xã chưa ghi tên tỉnh" in page and "<b>ỦY BAN NHÂN DÂN TỈNH</b>" in page
    assert client.post("/quan-tri/cai-dat/", data=with_seen(client, {"public_base_url": "",
                                                   "province_body": "Ủy ban nhân dân tỉnh Đồng Tháp"})).status_code == 302
    page = client.get("/quan-tri/cai-dat/").get_data(as_text=True)
    assert "Các xã chưa ghi tên tỉnh" not in page


def test_the_admins_extra_holidays_need_a_name_and_a_date_that_exists(app, client, make_user):
    make_user("admin1", "admin")
    login(client, "admin1")
    resp = client.post("/quan-tri/cai-dat/", data=with_seen(client, {"extra_holidays": "31/02/2026 Nghỉ bù"}))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "ngày 31/02/2026 không có: tháng 2 năm 2026 có 28 ngày" in page
    resp = client.post("/quan-tri/cai-dat/", data=with_seen(client, {"extra_holidays": "02/01/2027\n31/4/2026 Nghỉ"}))
    page = resp.get_data(as_text=True)  # every wrong line at once
    assert resp.status_code == 422 and "Dòng 1 («02/01/2027»): thiếu tên ngày nghỉ" in page
    assert "Dòng 2 («31/4/2026 Nghỉ»): ngày 31/04/2026 không có: tháng 4 năm 2026 có 30 ngày" in page
    assert _settings(app) == {}
    resp = client.post("/quan-tri/cai-dat/", data=with_seen(client, {"extra_holidays": "2/1/2027 Nghỉ bù Tết Dương lịch"}))
    assert resp.status_code == 302
    assert _settings(app) == {"extra_holidays": "02/01/2027 Nghỉ bù Tết Dương lịch"}


def with_seen(client, data: dict) -> dict:
    """The settings form ``data`` with the version the settings page shows now (as a browser that
    opened it sends it back)."""
    return {**data, "seen": seen(client, "/quan-tri/cai-dat/")}
