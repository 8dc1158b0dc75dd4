"""The page header of a province account names the province as the communes record it, and
«Cấp tỉnh» when they record no single name for it."""
from __future__ import annotations

from subsidy.domain.labels.places import province_header
from subsidy.services import communes


def _header(client) -> str:
    page = client.get("/tinh/").get_data(as_text=True)
    start = page.index('class="brand"')
    return page[page.index(">", start) + 1:page.index("</a>", start)]


def test_the_province_header_without_a_recorded_province_name(app, client, login_as):
    s = app.extensions["subsidy.sessionmaker"]()
    communes.create_commune(s, communes.CommuneInput(code="XAA", name="xã An"), None)
    s.commit()
    s.close()
    login_as("province_officer")
    assert _header(client) == "Hỗ trợ ĐTTM · Cấp tỉnh"


def test_the_province_header_names_the_recorded_province(app, client, login_as):
    s = app.extensions["subsidy.sessionmaker"]()
    communes.create_commune(s, communes.CommuneInput(code="XAA", name="xã An", province="tỉnh Long An"), None)
    s.commit()
    s.close()
    login_as("province_officer")
    assert _header(client) == "Hỗ trợ ĐTTM · tỉnh Long An"


def test_province_header():
    assert province_header("tỉnh") == "Cấp tỉnh"
    assert province_header("tỉnh Đồng Tháp") == "tỉnh Đồng Tháp"


def test_the_province_name_is_the_one_name_the_communes_record(session):
    """services.tally.province.province_name: the one name recorded (communes without one do
    not count, nor a repeat of it); two different names are no single name: «tỉnh»."""
    from subsidy.services.tally.province import province_name

    for code, name, province in [("XAA", "xã An", "tỉnh Long An"), ("XAB", "xã Bình", ""),
                                 ("XAC", "xã Chánh", "tỉnh Long An")]:
        communes.create_commune(session, communes.CommuneInput(code=code, name=name, province=province), None)
    session.flush()
    assert province_name(session) == "tỉnh Long An"
    communes.create_commune(session, communes.CommuneInput(code="XAD", name="xã Dương", province="tỉnh Tây Ninh"),
                            None)
    session.flush()
    assert province_name(session) == "tỉnh"
