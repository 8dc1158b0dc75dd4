"""Sign-in lock-outs: one answer for every refusal; failures locked out per (username, client
address); an account-wide bound against distributed guessing; an admin lifts both."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy import select

from subsidy.db import utcnow
from subsidy.models import AuditEntry, User
from subsidy.services import users
from subsidy.web.auth import SIGN_IN_REFUSED
from tests import factories
from tests.conftest import TEST_PASSWORD, csrf_token_from

WRONG = "saimatkhau1"


def post(client: Any, username: str, password: str, addr: str, token: str | None = None) -> Any:
    """POST the sign-in form from client address ``addr`` (REMOTE_ADDR, as without a proxy)."""
    data = {"username": username, "password": password}
    if token is not None:
        data["csrf_token"] = token
    return client.post("/dang-nhap", data=data, environ_base={"REMOTE_ADDR": addr})


def fail_from(client: Any, username: str, addr: str, times: int) -> None:
    for _ in range(times):
        resp = post(client, username, WRONG, addr)
        assert resp.status_code == 401 and SIGN_IN_REFUSED in resp.get_data(as_text=True)


def audit_actions(app: Any, user_id: int) -> list[tuple[str, int | None]]:
    sess = app.extensions["subsidy.read_sessionmaker"]()
    try:
        return [(a, actor) for a, actor in sess.execute(
            select(AuditEntry.action, AuditEntry.actor_id)
            .where(AuditEntry.entity_type == "user", AuditEntry.entity_id == user_id).order_by(AuditEntry.id))]
    finally:
        sess.close()


def stored_user(app: Any, username: str) -> User:
    sess = app.extensions["subsidy.read_sessionmaker"]()
    try:
        return sess.scalar(select(User).where(User.username == username))
    finally:
        sess.close()


def test_every_refusal_gives_the_same_page_and_status(csrf_app):
    """Unknown name, wrong password, a name locked out from this address, an account-wide lock,
    a deactivated account: byte-identical pages once the CSRF token and the echoed username are
    normalised, all 401."""
    sess = csrf_app.extensions["subsidy.sessionmaker"]()
    for name in ("lan", "khoa", "nghi", "dung"):
        factories.user(sess, "clerk", name)
    sess.flush()
    sess.scalar(select(User).where(User.username == "khoa")).locked_until = utcnow() + dt.timedelta(minutes=30)
    sess.scalar(select(User).where(User.username == "nghi")).active = False
    sess.commit()
    sess.close()
    c = csrf_app.test_client()
    token = csrf_token_from(c.get("/dang-nhap").data)
    for _ in range(users.CLIENT_FAILURES.amount):  # "dung" locked out from 10.0.0.9 only
        assert post(c, "dung", WRONG, "10.0.0.9", token).status_code == 401

    cases = {
        "unknown": post(c, "khongco", WRONG, "10.0.0.1", token),
        "wrong password": post(c, "lan", WRONG, "10.0.0.2", token),
        "account locked, right password": post(c, "khoa", TEST_PASSWORD, "10.0.0.3", token),
        "account locked, wrong password": post(c, "khoa", WRONG, "10.0.0.4", token),
        "deactivated, right password": post(c, "nghi", TEST_PASSWORD, "10.0.0.5", token),
        "locked out from this address, right password": post(c, "dung", TEST_PASSWORD, "10.0.0.9", token),
    }

    def normalised(resp: Any) -> bytes:
        body = re.sub(rb'name="csrf_token"([^>]*)value="[^"]+"', rb'name="csrf_token"\1value="T"', resp.data)
        return re.sub(rb'(name="username"[^>]*value=")[^"]*"', rb'\1U"', body)

    assert {name: r.status_code for name, r in cases.items()} == {name: 401 for name in cases}
    bodies = {normalised(r) for r in cases.values()}
    assert len(bodies) == 1
    page = cases["unknown"].get_data(as_text=True)
    assert SIGN_IN_REFUSED in page and page.count('class="flash error"') == 1
    assert b'value="U"' in bodies.pop()  # the typed username is echoed (normalised above), nothing else differs


def test_every_refusal_does_the_same_work(app, client, make_user, monkeypatch):
    """Timing: an unknown name costs one scrypt check (against a dummy hash) and the same
    rate-limit storage operations as a wrong password or a locked/deactivated account."""
    from subsidy.extensions import limiter

    make_user("lan", "clerk")
    make_user("khoa", "clerk")
    make_user("nghi", "clerk")
    sess = app.extensions["subsidy.sessionmaker"]()
    sess.scalar(select(User).where(User.username == "khoa")).locked_until = utcnow() + dt.timedelta(minutes=30)
    sess.scalar(select(User).where(User.username == "nghi")).active = False
    sess.commit()
    sess.close()

    calls: list[str] = []
    real_check = users.check_password_hash

    def check(pwhash: str, password: str) -> bool:
        calls.append("scrypt")
        return real_check(pwhash, password)

    monkeypatch.setattr(users, "check_password_hash", check)
    storage = limiter.storage
    for name in ("acquire_entry", "get_moving_window", "clear"):
        def spy(*a: Any, _name: str = name, _real: Any = getattr(storage, name), **k: Any) -> Any:
            calls.append(_name)
            return _real(*a, **k)
        monkeypatch.setattr(storage, name, spy)

    work = {}
    for i, name in enumerate(["khongco", "lan", "khoa", "nghi"]):
        calls.clear()
        assert post(client, name, WRONG, f"10.0.1.{i}").status_code == 401
        work[name] = list(calls)
    assert work["khongco"] == ["scrypt", "get_moving_window", "acquire_entry", "acquire_entry", "get_moving_window"]
    assert work["lan"] == work["khoa"] == work["nghi"] == work["khongco"]


def test_five_failures_from_one_address_do_not_lock_the_account_elsewhere(app, make_user):
    make_user("admin", "admin")
    a, b = app.test_client(), app.test_client()
    fail_from(a, "admin", "203.0.113.7", users.CLIENT_FAILURES.amount)
    # From the same address the 6th attempt is refused even with the right password…
    sixth = post(a, "admin", TEST_PASSWORD, "203.0.113.7")
    assert sixth.status_code == 401 and SIGN_IN_REFUSED in sixth.get_data(as_text=True)
    # …while the office, at another address, signs in.
    ok = post(b, "admin", TEST_PASSWORD, "192.168.1.20")
    assert ok.status_code == 302 and ok.headers["Location"] == "/"
    user = stored_user(app, "admin")
    assert user.locked_until is None
    assert ("user.locked", None) not in audit_actions(app, user.id)
    # 4 failures from an address leave it one more try: the right password then works there.
    c = app.test_client()
    fail_from(c, "admin", "198.51.100.4", users.CLIENT_FAILURES.amount - 1)
    assert post(c, "admin", TEST_PASSWORD, "198.51.100.4").status_code == 302


def test_unknown_names_are_locked_out_per_address_too(app, make_user):
    """Guessing usernames from one address is bounded the same way; the lock-out is per name."""
    make_user("lan", "clerk")
    c = app.test_client()
    fail_from(c, "khongco", "203.0.113.8", users.CLIENT_FAILURES.amount)
    sixth = post(c, "khongco", WRONG, "203.0.113.8")
    assert sixth.status_code == 401 and SIGN_IN_REFUSED in sixth.get_data(as_text=True)
    assert post(c, "lan", TEST_PASSWORD, "203.0.113.8").status_code == 302


def test_distributed_guessing_locks_the_account_everywhere_and_an_admin_unlocks_it(app, make_user):
    victim = make_user("thu.ha", "clerk")
    bots = app.test_client()
    n = users.ACCOUNT_FAILURES.amount  # 50 wrong passwords within the hour, 5 per address
    addresses = [f"198.18.{i // 250}.{i % 250 + 1}" for i in range(n // users.CLIENT_FAILURES.amount)]
    for addr in addresses[:-1]:
        fail_from(bots, "thu.ha", addr, users.CLIENT_FAILURES.amount)
    fail_from(bots, "thu.ha", addresses[-1], users.CLIENT_FAILURES.amount - 1)
    assert stored_user(app, "thu.ha").locked_until is None  # 49: not yet
    before = utcnow()
    fail_from(bots, "thu.ha", addresses[-1], 1)  # the 50th
    locked_until = stored_user(app, "thu.ha").locked_until
    assert locked_until is not None
    minutes = (locked_until - before).total_seconds() / 60
    assert users.ACCOUNT_LOCK_MINUTES - 1 < minutes <= users.ACCOUNT_LOCK_MINUTES + 1
    assert audit_actions(app, victim.id) == [("user.create", None), ("user.locked", None)]
    sess = app.extensions["subsidy.read_sessionmaker"]()
    entry = sess.scalar(select(AuditEntry).where(AuditEntry.action == "user.locked"))
    assert entry.note == "50 lần sai mật khẩu trong 1 giờ (mọi địa chỉ)"
    assert entry.changes == {"locked_until": [None, locked_until.isoformat()]}
    sess.close()

    # Now nobody gets in, from anywhere, with the right password: the same page as any refusal.
    office = app.test_client()
    refused = post(office, "thu.ha", TEST_PASSWORD, "192.168.1.30")
    assert refused.status_code == 401 and SIGN_IN_REFUSED in refused.get_data(as_text=True)

    # The admin sees the lock and lifts it.
    admin_client = app.test_client()
    admin = make_user("quantri", "admin")
    # (the default test-client address: session protection ties the session to the address)
    assert admin_client.post("/dang-nhap", data={"username": "quantri", "password": TEST_PASSWORD}).status_code == 302
    page = admin_client.get(f"/quan-tri/tai-khoan/{victim.id}").get_data(as_text=True)
    assert "Đang tạm khóa đến" in page
    assert "tạm khóa đăng nhập đến" in admin_client.get("/quan-tri/tai-khoan").get_data(as_text=True)
    resp = admin_client.post(f"/quan-tri/tai-khoan/{victim.id}/go-tam-khoa", follow_redirects=True)
    assert "Đã gỡ tạm khóa đăng nhập của thu.ha" in resp.get_data(as_text=True)
    assert "Đang tạm khóa đến" not in resp.get_data(as_text=True)
    assert audit_actions(app, victim.id)[-1] == ("user.unlock", admin.id)
    assert stored_user(app, "thu.ha").locked_until is None
    # The office signs in; so would a bot address (its per-address counters started afresh).
    assert post(office, "thu.ha", TEST_PASSWORD, "192.168.1.30").status_code == 302
    assert post(app.test_client(), "thu.ha", TEST_PASSWORD, addresses[0]).status_code == 302


def test_unlock_and_reset_lift_a_lock_out_from_one_address(app, client, login_as, make_user):
    """The clerk mistyped 5 times on the office PC and calls the admin: unlock (or a password
    reset) lets that PC sign in at once instead of in 15 minutes."""
    login_as("admin")
    lan = make_user("lan", "clerk")
    office = app.test_client()
    fail_from(office, "lan", "192.168.1.40", users.CLIENT_FAILURES.amount)
    assert post(office, "lan", TEST_PASSWORD, "192.168.1.40").status_code == 401
    assert client.post(f"/quan-tri/tai-khoan/{lan.id}/go-tam-khoa").status_code == 302
    assert post(office, "lan", TEST_PASSWORD, "192.168.1.40").status_code == 302
    # The audit entry says what was lifted (no account-wide lock here: no empty "∅ → ∅" diff).
    sess = app.extensions["subsidy.read_sessionmaker"]()
    entry = sess.scalars(select(AuditEntry).where(AuditEntry.action == "user.unlock",
                                                  AuditEntry.entity_id == lan.id)).one()
    assert entry.changes == {} and entry.note == "gỡ các lần tạm khóa theo địa chỉ máy (tài khoản không bị khóa chung)"
    sess.close()

    hoa = make_user("hoa", "clerk")
    pc = app.test_client()
    fail_from(pc, "hoa", "192.168.1.41", users.CLIENT_FAILURES.amount)
    page = client.post(f"/quan-tri/tai-khoan/{hoa.id}/dat-lai-mat-khau").get_data(as_text=True)
    one_time = re.search(r"<code>([a-z0-9]{12})</code>", page).group(1)
    resp = post(pc, "hoa", one_time, "192.168.1.41")
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


@pytest.mark.parametrize("role, status", [("clerk", 403), ("approver", 403)])
def test_only_an_admin_unlocks(app, client, login_as, make_user, role, status):
    login_as(role)
    other = make_user("lan", "clerk")
    assert client.post(f"/quan-tri/tai-khoan/{other.id}/go-tam-khoa").status_code == status
    assert "user.unlock" not in [a for a, _ in audit_actions(app, other.id)]
