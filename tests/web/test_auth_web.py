"""Sign-in, sign-out, CSRF, next= redirects, forced password change, account admin
(lock-outs: test_sign_in_lockout.py)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from subsidy.models import AuditEntry, User
from subsidy.services import users
from tests import factories
from tests.conftest import TEST_PASSWORD, csrf_token_from, login


def test_every_page_needs_sign_in(client):
    resp = client.get("/")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/dang-nhap?next=")
    assert client.get("/quan-tri/tai-khoan").status_code == 302


def test_login_success_and_wrong_password(client, make_user):
    make_user("lan", "clerk")
    bad = login(client, "lan", "saimatkhau1")
    assert bad.status_code == 401
    assert ("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang tạm khóa do nhập sai nhiều lần. "
            "Hãy kiểm tra lại (chữ hoa/thường, bộ gõ tiếng Việt) rồi nhập lại; nếu đã nhập sai từ 5 lần trở "
            "lên, hãy chờ 15 phút (có khi đến 60 phút) hoặc nhờ quản trị gỡ tạm khóa.") in bad.get_data(as_text=True)
    ok = login(client, "lan")
    assert ok.status_code == 302 and ok.headers["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/quan-tri/tai-khoan", "/quan-tri/tai-khoan"),
        ("http://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("https:/evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_next_redirect_stays_inside_the_app(client, make_user, target, expected):
    make_user("quantri", "admin")
    resp = client.post("/dang-nhap?next=" + target, data={"username": "quantri", "password": TEST_PASSWORD})
    assert resp.status_code == 302
    assert resp.headers["Location"] == expected


def test_sign_in_is_rate_limited_per_client(client, make_user):
    make_user("lan", "clerk")
    codes = [login(client, f"nobody{i}", "saimatkhau1").status_code for i in range(11)]
    assert codes[:10] == [401] * 10
    assert codes[10] == 429


def test_logout_ends_session_and_remember_cookie(app, make_user):
    make_user("lan", "clerk")
    c = app.test_client()
    resp = c.post("/dang-nhap", data={"username": "lan", "password": TEST_PASSWORD, "remember": "y"})
    assert resp.status_code == 302
    remember = c.get_cookie("remember_token")
    assert remember is not None
    c.post("/dang-xuat")
    assert c.get("/").status_code == 302
    # Replaying the old remember-me cookie on a fresh client does not sign in again.
    c2 = app.test_client()
    c2.set_cookie("remember_token", remember.value)
    assert c2.get("/").status_code == 302


def test_csrf_enforced_on_forms(csrf_app, make_user):
    c = csrf_app.test_client()
    sess = csrf_app.extensions["subsidy.sessionmaker"]()
    factories.user(sess, "clerk", "lan")
    sess.commit()
    no_token = c.post("/dang-nhap", data={"username": "lan", "password": TEST_PASSWORD})
    assert no_token.status_code == 400
    assert "đã mở quá lâu hoặc được gửi từ một trang cũ" in no_token.get_data(as_text=True)
    page = c.get("/dang-nhap")
    token = csrf_token_from(page.data)
    ok = c.post("/dang-nhap", data={"username": "lan", "password": TEST_PASSWORD, "csrf_token": token})
    assert ok.status_code == 302
    # Logging out also needs the token.
    assert c.post("/dang-xuat").status_code == 400


def test_cookies_secure_over_https_only(app, make_user):
    make_user("lan", "clerk")
    c = app.test_client()
    plain = c.post("/dang-nhap", data={"username": "lan", "password": TEST_PASSWORD, "remember": "y"})
    assert all("Secure" not in h for h in plain.headers.getlist("Set-Cookie"))
    c2 = app.test_client()
    secure = c2.post("/dang-nhap", data={"username": "lan", "password": TEST_PASSWORD, "remember": "y"},
                     base_url="https://localhost")
    cookies = secure.headers.getlist("Set-Cookie")
    assert cookies and all("; Secure" in h for h in cookies)


def test_one_time_password_must_be_changed(app, client):
    sess = app.extensions["subsidy.sessionmaker"]()
    password = users.ensure_admin(sess)
    sess.commit()
    assert users.ensure_admin(sess) is None  # only on an empty database
    sess.close()
    assert login(client, "admin", password).status_code == 302
    resp = client.get("/quan-tri/tai-khoan")
    assert resp.status_code == 302 and resp.headers["Location"] == "/doi-mat-khau"
    weak = client.post("/doi-mat-khau", data={"current": password, "new": "12345678", "confirm": "12345678"})
    # refused with the policy's reason, and the hint under the field states the same rule
    assert weak.status_code == 422 and "Mật khẩu phải có ít nhất 10 ký tự" in weak.get_data(as_text=True)
    assert "Ít nhất 10 ký tự, hoặc một câu gồm 4 từ trở lên" in weak.get_data(as_text=True)
    too_long = "Cay-lua-moi-9x " * 17 + "ab"    # 15 * 17 + 2 = 257 characters
    long = client.post("/doi-mat-khau", data={"current": password, "new": too_long, "confirm": too_long})
    page = long.get_data(as_text=True)
    assert long.status_code == 422 and "Mật khẩu quá dài (257 ký tự): tối đa 256 ký tự" in page
    assert "ít nhất 10 ký tự (hoặc" not in page
    ok = client.post("/doi-mat-khau", data={"current": password, "new": "Cay-lua-moi-9x", "confirm": "Cay-lua-moi-9x"})
    assert ok.status_code == 302
    assert client.get("/quan-tri/tai-khoan").status_code == 200


def test_every_way_of_setting_a_password_refuses_an_over_long_one_with_the_same_reason(app):
    """Creating an account (the command line's create-user) and changing a password go through the
    one policy (domain.passwords): a 257-character password is refused as too long, not as short."""
    too_long = "Cay-lua-moi-9x " * 17 + "ab"
    assert len(too_long) == 257
    sess = app.extensions["subsidy.sessionmaker"]()
    with pytest.raises(users.ServiceError, match=r"^Mật khẩu quá dài \(257 ký tự\): tối đa 256 ký tự"):
        users.create_user(sess, "thu.ha", "clerk", too_long, None, full_name="Lê Thu Hà")
    user = users.create_user(sess, "thu.ha", "clerk", "Cay-lua-moi-9x", None, full_name="Lê Thu Hà")
    with pytest.raises(users.ServiceError, match=r"^Mật khẩu quá dài \(257 ký tự\)"):
        users.change_password(sess, user, too_long, user)
    sess.rollback()
    sess.close()


@pytest.mark.parametrize("role, status, log_status", [
    ("admin", 200, 200), ("clerk", 403, 403), ("approver", 403, 200), ("radio", 403, 403)])
def test_account_pages_are_admin_only_the_log_also_the_leaders(login_as, client, role, status, log_status):
    login_as(role)
    assert client.get("/quan-tri/tai-khoan").status_code == status
    assert client.get("/quan-tri/nhat-ky").status_code == log_status


def test_admin_creates_changes_resets_and_deactivates_accounts(app, client, login_as):
    admin = login_as("admin")
    resp = client.post("/quan-tri/tai-khoan/tao", data={"username": "Thu.Ha", "full_name": "Lê Thu Hà", "role": "clerk"})
    html = resp.get_data(as_text=True)
    password = re.search(r"<code>([a-z0-9]{12})</code>", html).group(1)
    sess = app.extensions["subsidy.read_sessionmaker"]()
    user = sess.scalar(select(User).where(User.username == "thu.ha"))
    assert user.role == "clerk" and user.must_change_password
    assert client.post(f"/quan-tri/tai-khoan/{user.id}", data={"role": "approver"}).status_code == 302
    assert client.post(f"/quan-tri/tai-khoan/{user.id}/dat-lai-mat-khau").status_code == 200
    assert client.post(f"/quan-tri/tai-khoan/{user.id}/trang-thai").status_code == 302
    sess.rollback()  # end the read snapshot, then read again
    user = sess.get(User, user.id)
    assert (user.role, user.active) == ("approver", False)
    actions = [a for (a,) in sess.execute(select(AuditEntry.action).where(AuditEntry.entity_id == user.id,
                                                                            AuditEntry.entity_type == "user")
                                            .order_by(AuditEntry.id))]
    assert actions == ["user.create", "user.role", "user.password_reset", "user.active"]
    # A deactivated account cannot sign in, even with its password; the old one-time password is void too.
    other = app.test_client()
    assert login(other, "thu.ha", password).status_code == 401
    # The admin cannot lock themself out.
    resp = client.post(f"/quan-tri/tai-khoan/{admin.id}/trang-thai", follow_redirects=True)
    assert "Không thể tự khóa" in resp.get_data(as_text=True)
    # The audit log page shows the entries.
    assert "user.role" in client.get("/quan-tri/nhat-ky?entity_type=user").get_data(as_text=True)


def test_cli_create_user_reads_password_from_stdin(app):
    runner = app.test_cli_runner()
    unnamed = runner.invoke(args=["create-user", "minh", "--role", "approver"], input="Trau-cau-ruong-2026\n")
    assert unnamed.exit_code == 1 and "hãy nhập họ và tên đầy đủ" in unnamed.output  # an approver signs
    res = runner.invoke(args=["create-user", "Minh", "--role", "approver", "--full-name", "Lê Văn Minh"],
                        input="Trau-cau-ruong-2026\n")
    assert res.exit_code == 0, res.output
    bad = runner.invoke(args=["create-user", "minh", "--role", "approver", "--full-name", "Lê Minh"],
                        input="Trau-cau-ruong-2026\n")
    assert bad.exit_code == 1 and "đã có người dùng" in bad.output
    weak = runner.invoke(args=["create-user", "tuan", "--role", "clerk", "--full-name", "Võ Tuấn"], input="short\n")
    assert weak.exit_code == 1 and "ít nhất 10" in weak.output
    role = runner.invoke(args=["create-user", "tuan", "--role", "boss"], input="Trau-cau-ruong-2026\n")
    assert role.exit_code != 0
    single = runner.invoke(args=["create-user", "tran", "--role", "clerk", "--full-name", "Trần"],
                           input="Trau-cau-ruong-2026\n")
    assert single.exit_code == 1 and "Họ và tên «Trần» chỉ có một chữ" in single.output
    markup = runner.invoke(args=["create-user", "tran", "--role", "clerk", "--full-name", "<b>bold</b>" * 10],
                           input="Trau-cau-ruong-2026\n")
    assert markup.exit_code == 1 and "có ký tự «<»" in markup.output
    kept = runner.invoke(args=["create-user", "lan", "--role", "clerk", "--full-name", "Võ Thị Lan",
                               "--permanent-password"], input="Trau-cau-ruong-2026\n")
    assert kept.exit_code == 0, kept.output
    sess = app.extensions["subsidy.sessionmaker"]()
    forced = {u.username: u.must_change_password for u in sess.scalars(select(User))}
    sess.close()
    # a password given on the command line is one-time unless the flag says it is the owner's
    assert forced == {"minh": True, "lan": False}
    assert "phải đổi mật khẩu khi đăng nhập lần đầu" in res.output


def test_access_log_drops_query_strings(app, client, login_as, caplog):
    import logging

    from subsidy import RedactQueryStrings

    rec = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - [%s] "%s" %s %s',
                            ("127.0.0.1", "now", "GET /ho-gia-dinh/?q=082038597382 HTTP/1.1", "200", "-"), None)
    RedactQueryStrings().filter(rec)
    line = rec.getMessage()
    assert "082038597382" not in line
    assert "GET /ho-gia-dinh/?… HTTP/1.1" in line
    assert any(isinstance(f, RedactQueryStrings) for f in logging.getLogger("werkzeug").filters)


@pytest.mark.parametrize("username", ["đức", "a", "thu hà", "-abc", "x" * 65, "ad<min"])
def test_usernames_are_plain_ascii(app, username):
    sess = app.extensions["subsidy.sessionmaker"]()
    with pytest.raises(users.ServiceError, match="Tên đăng nhập gồm"):
        users.create_user(sess, username, "clerk", "Trau-cau-ruong-2026", None)
    sess.close()


def test_password_may_not_contain_the_username(app):
    sess = app.extensions["subsidy.sessionmaker"]()
    with pytest.raises(users.ServiceError, match="không được chứa tên đăng nhập"):
        users.create_user(sess, "lanthu", "admin", "Lanthu-2026-xyz", None)
    user = users.create_user(sess, "thu.ha", "clerk", "hoa-sen-2026", None, full_name="Nguyễn Thị Thu Hà")
    assert user.username == "thu.ha"
    sess.close()


def test_documents_link_to_the_address_the_clerk_used_unless_configured(app):
    from subsidy.services.receipts import settings_from_config
    from subsidy.web.printing import document_config

    app.config["PUBLIC_BASE_URL"] = ""
    with app.test_request_context("/", base_url="http://192.168.1.10:5000/"):
        url = settings_from_config(document_config()).status_url("K7QX9M4TAB")
    assert url == "http://192.168.1.10:5000/tra-cuu?ma=K7QX9M4TAB"
    app.config["PUBLIC_BASE_URL"] = "https://vtci.phutan.gov.vn"
    with app.test_request_context("/", base_url="http://192.168.1.10:5000/"):
        url = settings_from_config(document_config()).status_url("K7QX9M4TAB")
    assert url == "https://vtci.phutan.gov.vn/tra-cuu?ma=K7QX9M4TAB"
