"""Every person's name the app stores goes through the one rule of people's names
(vn.normalize_name): the commune's signer (/quan-tri/xa/), the province's signer (/quan-tri/cai-dat/),
a complaint's filer (the web form and the JSON API), besides the household head, members, account
names and handover / payment recipients tested with their own paths. A refused name is given back
with the rule's Vietnamese message under its field, and nothing is saved."""
from __future__ import annotations

import html

from sqlalchemy import func, select

from subsidy.domain.calendar import today_vn
from subsidy.models import Commune, Complaint, InstanceSetting
from subsidy.services import users
from tests import factories
from tests.api.test_api_v1 import conforms
from tests.page_forms import seen

DIGIT = ("Họ tên «Nguyễn Văn 1» có chữ số «1», không dùng trong họ tên.")
DIGITS = ("Họ tên «Trần 123» có chữ số «1», không dùng trong họ tên.")
MARKUP = ("Họ tên «Lê <b>Văn</b> & Co» có ký tự «<», không dùng trong họ tên.")
STACKED = "Nguyễn Văn" + "\u0300" * 5


def _text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def test_the_communes_signer_name_follows_the_name_rule(app, client, login_as):
    login_as("admin")
    base = {"code": "tanan", "name": "xã Tân An", "province": "tỉnh Long An", "approval_level": "commune"}
    refused = client.post("/quan-tri/xa/", data={**base, "signer_name": "Nguyễn Văn 1"})
    assert refused.status_code == 422
    assert f"Họ tên người ký: {DIGIT}" in _text(refused)
    stacked = client.post("/quan-tri/xa/", data={**base, "signer_name": STACKED})
    assert stacked.status_code == 422 and "có 4 dấu thừa (U+0300, U+0300, U+0300, U+0300)" in _text(stacked)
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.scalar(select(func.count()).select_from(Commune).where(Commune.code == "TANAN")) == 0
    one_word = client.post("/quan-tri/xa/", data={**base, "signer_name": "Hùng"})
    assert one_word.status_code == 422 and ("Họ tên người ký: Họ và tên «Hùng» chỉ có một chữ. Người ký của xã ký "
                                            "tên trên biên bản, danh sách, báo cáo") in _text(one_word)
    assert client.post("/quan-tri/xa/", data={**base, "signer_name": "  NGUYỄN  VĂN HÙNG "}).status_code == 302
    with app.extensions["subsidy.sessionmaker"]() as s:
        commune = s.scalar(select(Commune).where(Commune.code == "TANAN"))
        assert commune.signer_name == "Nguyễn Văn Hùng"
    edit = client.post(f"/quan-tri/xa/{commune.id}", data={**base, "signer_name": "Lê <b>Văn</b> & Co"})
    assert edit.status_code == 422 and f"Họ tên người ký: {MARKUP}" in _text(edit)
    blank = client.post(f"/quan-tri/xa/{commune.id}", data={**base, "signer_name": " ",  # signs by hand
                                                            "seen": seen(client, f"/quan-tri/xa/{commune.id}")})
    assert blank.status_code == 302
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.get(Commune, commune.id).signer_name == ""


def test_the_provinces_signer_name_follows_the_name_rule(app, client, login_as):
    login_as("admin")
    form = {"public_base_url": "", "province_body": "Sở Khoa học và Công nghệ tỉnh Đồng Tháp",
            "province_abbreviation": "", "province_signer_authority": "", "province_signer_deputy": "",
            "province_signer_title": "", "province_signer_name": "Trần 123", "province_recipients": "",
            "extra_holidays": ""}
    refused = client.post("/quan-tri/cai-dat/", data=form)
    assert refused.status_code == 422 and f"Họ tên người ký: {DIGITS}" in _text(refused)
    with app.extensions["subsidy.sessionmaker"]() as s:  # nothing saved, not even the body
        assert s.scalar(select(func.count()).select_from(InstanceSetting)) == 0
    one_word = client.post("/quan-tri/cai-dat/", data={**form, "province_signer_name": "Khoa"})
    assert one_word.status_code == 422 and "Họ và tên «Khoa» chỉ có một chữ. Người ký báo cáo của tỉnh" in _text(one_word)
    assert client.post("/quan-tri/cai-dat/", data={**form, "province_signer_name": "phạm minh khoa"}).status_code == 302
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.get(InstanceSetting, "province_signer_name").value == "Phạm Minh Khoa"


def test_a_complaints_filer_name_follows_the_name_rule_on_the_form(app, client, login_as):
    login_as("clerk")
    with app.extensions["subsidy.sessionmaker"]() as s:
        h = factories.applicant(s, head_name="Lê Văn Khánh")
        s.commit()
        code = h.code
    data = {"kind": "petition", "household_code": code, "filer": "representative", "channel": "in_person",
            "category": "other", "text": "Hỏi lịch bàn giao", "received_on": today_vn().strftime("%d/%m/%Y"),
            "filer_name": "Lê <b>Văn</b> & Co", "named_user": ""}
    refused = client.post("/khieu-nai/moi", data=data)
    assert refused.status_code == 422 and f"Họ tên người gửi: {MARKUP}" in _text(refused)
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.scalar(select(func.count()).select_from(Complaint)) == 0
    assert client.post("/khieu-nai/moi", data={**data, "filer_name": "TRẦN THỊ BÉ"}).status_code == 302
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.scalar(select(Complaint.filer_name)) == "Trần Thị Bé"


def test_a_complaints_filer_name_follows_the_name_rule_in_the_api(app, client):
    with app.extensions["subsidy.sessionmaker"]() as s:
        admin = factories.user(s, "admin", "admin", row=True)
        clerk = factories.user(s, "clerk", "clerk", row=True)
        h = factories.applicant(s, head_name="Đỗ Thị Lan")
        token = users.create_api_token(s, clerk, "t", admin)
        s.commit()
        household_id = h.id
    auth = {"Authorization": f"Bearer {token}"}
    body = {"kind": "petition", "channel": "phone", "category": "other", "text": "Hỏi lịch bàn giao",
            "household_id": household_id, "filer": "member", "filer_name": STACKED}
    refused = conforms(client.post("/api/v1/complaints", headers=auth, json=body), "/complaints", "POST")
    assert refused.status_code == 409
    [error] = refused.get_json()["errors"]
    assert error["name"] == "filer_name" and "chữ thứ 2 («Văǹ») có 4 dấu thừa" in error["reason"]
    ok = conforms(client.post("/api/v1/complaints", headers=auth, json={**body, "filer_name": "đỗ văn an"}),
                  "/complaints", "POST")
    assert ok.status_code == 201 and ok.get_json()["filer_name"] == "Đỗ Văn An"

