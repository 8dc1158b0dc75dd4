"""`flask --app app reset-password USERNAME`: the way back in for a forgotten or locked admin once
`ensure-admin` no longer does anything. Run through Flask's CLI runner."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from subsidy.cli.accounts import CLI_NOTE
from subsidy.db import utcnow
from subsidy.models import AuditEntry, User
from subsidy.services import users
from tests.conftest import TEST_PASSWORD
from tests.web.test_sign_in_lockout import fail_from, post, stored_user


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def one_time_password(output: str) -> str:
    found = re.findall(r"Mật khẩu dùng một lần: ([a-z0-9]{12})$", output, re.M)
    assert len(found) == 1, output  # printed exactly once
    return found[0]


def resets(app, user_id: int) -> list[AuditEntry]:
    sess = app.extensions["subsidy.read_sessionmaker"]()
    try:
        return list(sess.scalars(select(AuditEntry).where(
            AuditEntry.action == "user.password_reset", AuditEntry.entity_id == user_id).order_by(AuditEntry.id)))
    finally:
        sess.close()


def test_ensure_admin_does_nothing_once_an_account_exists_but_reset_password_lets_the_admin_back(app, make_user):
    admin = make_user("admin", "admin")
    res = run(app, "ensure-admin")
    assert res.exit_code == 0 and res.output == ""  # the gap this command fills
    old_hash = stored_user(app, "admin").password_hash

    res = run(app, "reset-password", "admin")
    assert res.exit_code == 0, res.output
    password = one_time_password(res.output)
    assert "Đã cấp lại mật khẩu cho tài khoản admin (admin)." in res.output
    assert "phải đổi mật khẩu khi đăng nhập" in res.output
    user = stored_user(app, "admin")
    assert user.must_change_password is True and user.password_hash != old_hash
    assert users.check_password_hash(user.password_hash, password)

    # The old password no longer works; the new one signs in and must be changed first.
    c = app.test_client()
    assert post(c, "admin", TEST_PASSWORD, "192.168.1.50").status_code == 401
    resp = post(c, "admin", password, "192.168.1.50")
    assert resp.status_code == 302
    home = c.get("/", environ_base={"REMOTE_ADDR": "192.168.1.50"})
    assert home.status_code == 302 and home.headers["Location"] == "/doi-mat-khau"

    [entry] = resets(app, admin.id)
    assert entry.actor_id is None  # nobody signed in: the command line
    assert entry.note == CLI_NOTE
    assert "reset-password" in entry.note and "dòng lệnh" in entry.note


def test_reset_password_lifts_an_account_lock_and_the_per_address_lock_outs(app, make_user):
    admin = make_user("quantri", "admin")
    office = app.test_client()
    fail_from(office, "quantri", "192.168.1.60", users.CLIENT_FAILURES.amount)  # locked out from the office PC
    sess = app.extensions["subsidy.sessionmaker"]()
    until = utcnow() + dt.timedelta(minutes=45)
    sess.get(User, admin.id).locked_until = until  # and locked account-wide
    sess.commit()
    sess.close()

    res = run(app, "reset-password", "  QuanTri ")  # typed with spaces and capitals: same account
    assert res.exit_code == 0, res.output
    password = one_time_password(res.output)
    assert stored_user(app, "quantri").locked_until is None
    # The office PC signs in at once (no 15-minute wait), with the new password.
    assert post(office, "quantri", password, "192.168.1.60").status_code == 302
    [entry] = resets(app, admin.id)
    assert entry.actor_id is None
    assert entry.note.startswith(CLI_NOTE + "; gỡ khóa đăng nhập (đang khóa đến ")


def test_unknown_username_is_a_vietnamese_error_naming_the_admins(app, make_user):
    make_user("admin", "admin")
    make_user("lan", "clerk")
    res = run(app, "reset-password", "admim")
    assert res.exit_code == 1
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert lines == ["Lỗi: không có tài khoản «admim». Hãy kiểm tra lại tên đăng nhập (chữ thường, không dấu). "
                     "Các tài khoản quản trị đang hoạt động: admin."]
    sess = app.extensions["subsidy.read_sessionmaker"]()
    assert sess.scalar(select(AuditEntry).where(AuditEntry.action == "user.password_reset")) is None
    sess.close()


def test_a_deactivated_account_gets_a_password_and_a_warning(app, make_user):
    make_user("hoa", "clerk")
    sess = app.extensions["subsidy.sessionmaker"]()
    sess.scalar(select(User).where(User.username == "hoa")).active = False
    sess.commit()
    sess.close()
    res = run(app, "reset-password", "hoa")
    assert res.exit_code == 0
    one_time_password(res.output)
    assert "Lưu ý: tài khoản hoa đang bị vô hiệu hóa" in res.output
    assert stored_user(app, "hoa").active is False


def test_help_is_vietnamese(app):
    res = run(app, "reset-password", "--help")
    assert res.exit_code == 0 and "mật khẩu dùng một lần" in res.output
