"""Every document's signature block names its signer, or prints a dotted line to write the name by
hand when none is recorded (domain.md §7; Nghị định 30/2020/NĐ-CP, Phụ lục I: authority, title, typed
name): the commune's lists and reports as its receipts; the province's reports with the signer, ký
hiệu abbreviation and body the admin sets under «Cài đặt» (a Sở: «KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC»,
«BC-SKHCN»). The admin's «Việc cần làm» asks for the names missing; the province's accounts get the
commune chooser even on an instance of one commune."""
from __future__ import annotations

import datetime as dt
import html
import io
import re
import unicodedata

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from subsidy.models import AuditEntry, Commune
from subsidy.services import instance_settings as settings
from subsidy.services import lists as lists_svc
from subsidy.services.errors import InvalidFields
from subsidy.services.tally.province import province_issuer
from tests.web.test_province_report_heading import one_commune  # noqa: F401 - the fixture
from tests.page_forms import seen

DOTS = "." * 30  # the dotted line, written out here, not taken from the code
MARCH = "ky=thang&thang=2026-03"
HINT = "(Ký, ghi rõ họ tên, đóng dấu)"


def words(pdf: bytes) -> str:
    return " ".join(" ".join(unicodedata.normalize("NFC", p.extract_text()).split())
                    for p in PdfReader(io.BytesIO(pdf)).pages)


def last_page(pdf: bytes) -> str:
    return " ".join(unicodedata.normalize("NFC", PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()).split())


def page_text(resp) -> str:
    """The page's words, tags left out."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(resp.get_data(as_text=True))).split())


def set_signer_name(app, name: str) -> None:
    with app.extensions["subsidy.sessionmaker"]() as s:
        [commune] = s.query(Commune).all()
        commune.signer_name = name
        s.commit()


def test_the_communes_lists_and_reports_print_its_signer_or_a_dotted_line(app, client, login_as, one_commune):
    with app.extensions["subsidy.sessionmaker"]() as s:
        commune_id = s.query(Commune).one().id
        list_id = lists_svc.new_list(s, None, number="05/DS-UBND", created_on=dt.date(2026, 2, 2),
                                     commune_id=commune_id).id
        s.commit()
    login_as("clerk")
    for name, printed in (("", DOTS), ("  Lê Văn  Tám ", "Lê Văn Tám")):
        set_signer_name(app, name)
        proposal = words(client.get(f"/danh-sach/{list_id}/de-nghi.pdf").data)
        assert "NGƯỜI LẬP DANH SÁCH" in proposal and "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in proposal
        assert proposal.endswith(f"{HINT} {printed}"), proposal[-200:]
        pdf = client.get(f"/bao-cao/tai-ve.pdf?{MARCH}").data
        report = last_page(pdf)
        assert "Số: /BC-UBND" in words(pdf)
        assert report.split(HINT)[-1].strip().endswith(printed)
        assert (DOTS in report) == (printed == DOTS)


def test_the_province_signer_and_abbreviation_are_settings_with_defaults_from_the_body(session):
    from subsidy.services import communes

    communes.create_commune(session, communes.CommuneInput(code="PHUTAN", name="xã Phú Tân",
                                                           province="tỉnh Đồng Tháp"), None)
    got = province_issuer(session)
    assert (got.body, got.symbol("report"), got.signer.role_lines, got.signer.name) == (
        "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP", "BC-UBND", ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), "")

    settings.update(session, {settings.PROVINCE_BODY: "Sở Khoa học và Công nghệ tỉnh Đồng Tháp"}, None)
    got = province_issuer(session)
    assert (got.symbol("report"), got.signer.role_lines, got.signer.name) == (
        "BC-SKHCN", ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"), "")

    # the director signs in his own right: one line stored, exactly the lines stored are printed
    settings.update(session, {settings.PROVINCE_SIGNER_TITLE: "giám đốc",
                              settings.PROVINCE_SIGNER_NAME: "  Phạm  Minh Khoa ",
                              settings.PROVINCE_ABBREVIATION: "skh&cn"}, None)
    got = province_issuer(session)
    assert (got.symbol("report"), got.signer.role_lines, got.signer.name) == ("BC-SKH&CN", ("GIÁM ĐỐC",),
                                                                              "Phạm Minh Khoa")
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "instance_setting.update")
                            .order_by(AuditEntry.id.desc())).first()
    assert entry.changes[settings.PROVINCE_SIGNER_NAME] == ["", "Phạm Minh Khoa"]

    # a «ký thay» line with no title, an abbreviation with «/»: refused, nothing stored
    with pytest.raises(InvalidFields) as err:
        settings.update(session, {settings.PROVINCE_SIGNER_DEPUTY: "KT. GIÁM ĐỐC", settings.PROVINCE_SIGNER_TITLE: "",
                                  settings.PROVINCE_ABBREVIATION: "BC/SKHCN"}, None)
    assert set(err.value.field_errors) == {settings.PROVINCE_SIGNER_TITLE, settings.PROVINCE_ABBREVIATION}
    assert "chức vụ" in err.value.field_errors[settings.PROVINCE_SIGNER_TITLE]
    assert province_issuer(session).signer.role_lines == ("GIÁM ĐỐC",)

    # every role line cleared: back to the body's usual signer
    settings.update(session, {settings.PROVINCE_SIGNER_TITLE: ""}, None)
    assert province_issuer(session).signer.role_lines == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")


def test_the_admin_sets_the_provinces_signer_and_its_report_prints_it(app, client, login_as, make_user,
                                                                       one_commune):
    admin = app.test_client()
    make_user("quantri", "admin")
    from tests.conftest import login
    login(admin, "quantri")
    page = page_text(admin.get("/quan-tri/cai-dat/"))
    assert "ký hiệu BC-UBND" in page and "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" in page

    login_as("province_officer")
    before = words(client.get(f"/bao-cao/tai-ve.pdf?{MARCH}").data)
    assert "Số: /BC-UBND" in before and f"TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH {HINT}" in before
    assert before.endswith(DOTS)

    form = {"public_base_url": "", "province_body": "Sở Khoa học và Công nghệ tỉnh Đồng Tháp",
            "province_abbreviation": "", "province_signer_authority": "", "province_signer_deputy": "",
            "province_signer_title": "", "province_signer_name": "", "province_recipients": "", "extra_holidays": ""}
    assert admin.post("/quan-tri/cai-dat/", data=with_seen(admin, form)).status_code == 302
    page = page_text(admin.get("/quan-tri/cai-dat/"))
    assert "ký hiệu BC-SKHCN" in page and "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" in page and "chưa ghi họ tên" in page
    sở = words(client.get(f"/bao-cao/tai-ve.pdf?{MARCH}").data)
    assert sở.startswith("SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH ĐỒNG THÁP") and "Số: /BC-SKHCN" in sở
    assert f"KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC {HINT}" in sở and "CHỦ TỊCH" not in sở and sở.endswith(DOTS)

    refused = admin.post("/quan-tri/cai-dat/", data=with_seen(admin, {**form, "province_signer_deputy": "KT. GIÁM ĐỐC"}))
    assert refused.status_code == 422 and "Hãy ghi chức vụ của người ký" in html.unescape(refused.get_data(as_text=True))
    assert admin.post("/quan-tri/cai-dat/", data=with_seen(admin, {**form, "province_signer_name": "Phạm Minh Khoa"})).status_code == 302
    named = words(client.get(f"/bao-cao/tai-ve.pdf?{MARCH}").data)
    # (the preparer's name, the officer's, comes first on the line of typed names)
    assert f"KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC {HINT}" in named and named.endswith(" Phạm Minh Khoa") and DOTS not in named


def test_the_province_accounts_get_the_commune_chooser_on_one_commune(app, client, login_as, one_commune):
    login_as("province_officer")
    page = client.get(f"/bao-cao?{MARCH}").get_data(as_text=True)
    assert re.search(rf'<select id="xa" name="xa">.*<option value="{one_commune}"\s*>xã Phú Tân</option>', page, re.S)
    clerk = app.test_client()
    from tests.conftest import login
    from tests.factories import user
    with app.extensions["subsidy.sessionmaker"]() as s:
        user(s, "clerk", "canbo-xa", row=True)
        s.commit()
    login(clerk, "canbo-xa")
    assert 'id="xa"' not in clerk.get(f"/bao-cao?{MARCH}").get_data(as_text=True)   # the commune's own


def test_the_admins_todo_asks_for_the_signers_names(app, client, login_as, one_commune):
    login_as("admin")

    def todo() -> str:
        page = html.unescape(client.get("/").get_data(as_text=True))
        return " ".join(re.findall(r'<li class="task-(?:commune|province)_signer"><a href="([^"]+)">([^<]+)</a>',
                                   page).__str__().split())

    with app.extensions["subsidy.sessionmaker"]() as s:
        commune_id = s.query(Commune).one().id
    got = todo()
    assert f"/quan-tri/xa/{commune_id}" in got and "Xã Phú Tân chưa ghi họ tên người ký" in got
    assert "/quan-tri/cai-dat/" in got and "Báo cáo của tỉnh chưa ghi họ tên người ký" in got
    set_signer_name(app, "Lê Văn Tám")
    with app.extensions["subsidy.sessionmaker"]() as s:
        settings.update(s, {settings.PROVINCE_SIGNER_NAME: "Phạm Minh Khoa"}, None)
        s.commit()
    assert todo() == "[]"


def with_seen(client, data: dict) -> dict:
    """The settings form ``data`` with the version the settings page shows now (as a browser that
    opened it sends it back)."""
    return {**data, "seen": seen(client, "/quan-tri/cai-dat/")}
