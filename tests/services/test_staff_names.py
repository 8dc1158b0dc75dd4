"""Staff who sign documents have a full name (Nghị định 30/2020/NĐ-CP, Phụ lục I: the signer's typed
name): the account forms require it for the roles whose names print (clerk, approvers, province
officer), a role change to one of them waits for the name, and the admin's «Việc cần làm» lists the
accounts made before it was required."""
from __future__ import annotations

import html

import pytest

from subsidy.services import users
from subsidy.services.errors import FieldError, ServiceError
from tests import factories
from tests.factories import TEST_PASSWORD


@pytest.mark.parametrize("role", ["clerk", "approver", "province_officer", "province_approver"])
def test_a_signing_role_needs_a_full_name(session, role):
    with pytest.raises(FieldError) as err:
        users.create_user(session, "canbo", role, TEST_PASSWORD, None, full_name="   ")
    assert err.value.field == "full_name" and "hãy nhập họ và tên đầy đủ" in str(err.value)


@pytest.mark.parametrize("role", ["admin", "radio"])
def test_admin_and_radio_may_have_no_name(session, role):
    with factories.cheap_test_password():
        assert users.create_user(session, "taikhoan", role, TEST_PASSWORD, None).full_name == ""


def test_the_name_is_stored_with_single_spaces(session):
    with factories.cheap_test_password():
        u = users.create_user(session, "thu.ha", "clerk", TEST_PASSWORD, None, full_name="  Nguyễn   Thị Thu Hà ")
    assert u.full_name == "Nguyễn Thị Thu Hà"


def test_a_role_that_signs_waits_for_the_name(session):
    admin = factories.user(session, "admin", "quantri")
    radio = factories.user(session, "radio", "dai")
    with pytest.raises(ServiceError, match="chưa có họ và tên"):
        users.set_role(session, radio, "clerk", admin)
    assert radio.role == "radio"
    users.set_full_name(session, radio, "Lê Văn Đài", admin)
    users.set_role(session, radio, "clerk", admin)
    assert radio.role == "clerk"


def test_unnamed_signers_are_the_active_signing_accounts_without_a_name(session):
    factories.user(session, "clerk", "co.ten")  # named by the factory
    old = factories.user(session, "clerk", "chua.ten", full_name="", row=True)
    factories.user(session, "approver", "lanh.dao", full_name="", row=True)
    gone = factories.user(session, "clerk", "nghi.viec", full_name="", row=True)
    gone.active = False
    factories.user(session, "radio", "dai", full_name="", row=True)
    factories.user(session, "admin", "quantri", full_name="", row=True)
    session.flush()
    assert [u.username for u in users.unnamed_signers(session)] == ["chua.ten", "lanh.dao"]
    users.set_full_name(session, old, "Phạm Thị Mai", None)
    assert [u.username for u in users.unnamed_signers(session)] == ["lanh.dao"]


def test_the_admin_home_lists_them_and_the_create_form_refuses_a_clerk_without_name(app, client, login_as, make_user):
    make_user("chua.ten", "clerk", full_name="", row=True)
    login_as("admin")
    body = html.unescape(client.get("/").get_data(as_text=True))
    assert "Việc cần làm" in body and "1 tài khoản ký tên trên biên bản" in body and ">chua.ten</a>" in body
    resp = client.post("/quan-tri/tai-khoan/tao", data={"username": "moi", "full_name": "", "role": "clerk"})
    assert resp.status_code == 422
    assert "ký tên trên biên bản, danh sách, báo cáo: hãy nhập họ và tên đầy đủ" in html.unescape(
        resp.get_data(as_text=True))


@pytest.mark.parametrize("role", ["clerk", "approver", "province_officer", "province_approver"])
@pytest.mark.parametrize("typed, says", [
    ("<b>bold</b>" * 10, "có ký tự «<», không dùng trong họ tên"),
    ("Trần", "Họ và tên «Trần» chỉ có một chữ"),
    ("Nguyễn Văn 2", "có chữ số «2»"),
    ("Nguyễn Văn" + "\u0300" * 5, "chữ thứ 2 («Văǹ») có 4 dấu thừa"),
])
def test_a_signers_name_is_a_real_name_of_two_words_or_more(session, role, typed, says):
    with pytest.raises(FieldError) as err:
        users.create_user(session, "canbo", role, TEST_PASSWORD, None, full_name=typed)
    assert err.value.field == "full_name" and says in str(err.value)


def test_the_name_rule_of_people_cases_and_keeps_a_signers_name(session):
    with factories.cheap_test_password():
        u = users.create_user(session, "thu.ha", "clerk", TEST_PASSWORD, None, full_name="NGUYỄN THỊ THU HÀ")
        radio = users.create_user(session, "dai", "radio", TEST_PASSWORD, None, full_name="Đài")
    # a role that signs nothing may carry one word; markup is refused whatever the role
    assert (u.full_name, radio.full_name) == ("Nguyễn Thị Thu Hà", "Đài")
    with pytest.raises(FieldError, match="ký tự «<»"):
        users.set_full_name(session, radio, "<i>Đài</i>", None)


def test_a_single_word_name_waits_before_a_role_that_signs(session):
    admin = factories.user(session, "admin", "quantri")
    radio = factories.user(session, "radio", "dai", full_name="Đài")
    with pytest.raises(ServiceError, match="chỉ có một chữ"):
        users.set_role(session, radio, "approver", admin)
    assert radio.role == "radio"
    with pytest.raises(FieldError, match="chỉ có một chữ"):
        users.set_full_name(session, factories.user(session, "clerk", "canbo.c"), "Trần", admin)


def test_the_admin_form_says_under_the_field_what_is_wrong(app, client, login_as):
    login_as("admin")
    resp = client.post("/quan-tri/tai-khoan/tao", data={"username": "tran", "full_name": "Trần", "role": "clerk",
                                                        "commune": ""})
    assert resp.status_code == 422
    body = html.unescape(resp.get_data(as_text=True))
    assert '<div class="error">Họ và tên «Trần» chỉ có một chữ' in body  # under the field
    from sqlalchemy import select

    from subsidy.models import User
    s = app.extensions["subsidy.sessionmaker"]()
    assert s.scalar(select(User).where(User.username == "tran")) is None
    s.close()
