"""Accounts and browser protections: remember-me lasts 30 days and ends with a password reset, an
existing weak password must be changed at sign-in, HSTS over HTTPS, no-store on staff pages,
422 for a form sent back with errors."""
from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime

from subsidy.services import users
from tests.conftest import TEST_PASSWORD, login


def _remember_cookie(resp) -> str:
    [cookie] = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    return cookie


def test_remember_me_lasts_30_days_and_a_reset_ends_it(app, client, make_user):
    user = make_user("lan", "clerk")
    resp = client.post("/dang-nhap", data={"username": "lan", "password": TEST_PASSWORD, "remember": "y"})
    assert resp.status_code == 302
    cookie = _remember_cookie(resp)
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    days = (expires - dt.datetime.now(dt.timezone.utc)).total_seconds() / 86400
    assert 29.9 < days <= 30.0
    token = cookie.split(";")[0].split("=", 1)[1]

    other = app.test_client()  # another browser holding only the remember-me cookie
    other.set_cookie("remember_token", token)
    assert other.get("/ho-gia-dinh/").status_code == 200
    sess = app.extensions["subsidy.sessionmaker"]()
    users.reset_password(sess, sess.get(type(user), user.id), None, note="test")
    sess.commit()
    sess.close()
    fresh = app.test_client()
    fresh.set_cookie("remember_token", token)
    assert fresh.get("/ho-gia-dinh/").status_code == 302  # sent to sign in


def test_an_existing_weak_password_must_be_changed_at_sign_in(app, client):
    from werkzeug.security import generate_password_hash

    from subsidy.models import User

    sess = app.extensions["subsidy.sessionmaker"]()
    sess.add(User(username="cu", role="clerk", password_hash=generate_password_hash("matkhau123", "pbkdf2:sha256:1000"),
                  must_change_password=False))
    sess.commit()
    sess.close()
    resp = login(client, "cu", "matkhau123")
    assert resp.status_code == 302
    page = client.get("/ho-gia-dinh/")
    assert page.status_code == 302 and page.headers["Location"].endswith("/doi-mat-khau")
    weak = client.post("/doi-mat-khau", data={"current": "matkhau123", "new": "password2026", "confirm": "password2026"})
    assert weak.status_code == 422 and "quá phổ biến" in weak.get_data(as_text=True)
    ok = client.post("/doi-mat-khau", data={"current": "matkhau123", "new": "Lua-chin-vang-77", "confirm": "Lua-chin-vang-77"})
    assert ok.status_code == 302 and client.get("/ho-gia-dinh/").status_code == 200


def test_hsts_only_over_https_and_no_store_on_staff_pages(app, client, login_as):
    login_as("clerk")
    plain = client.get("/ho-gia-dinh/")
    assert plain.status_code == 200 and "Strict-Transport-Security" not in plain.headers
    assert plain.headers["Cache-Control"] == "no-store"
    secure = client.get("/ho-gia-dinh/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert client.get("/static/favicon.ico").status_code == 200 and client.get("/static/favicon.ico").headers.get("Cache-Control") != "no-store"


def test_list_pages_and_the_edit_form_are_logged_as_views(app, client, login_as):
    from sqlalchemy import select

    from subsidy.models import AuditEntry
    from tests import factories

    sess = app.extensions["subsidy.sessionmaker"]()
    hh = [factories.household(sess, head_name=f"Lê Văn {c}", citizen_id=f"07918501234{i}") for i, c in enumerate("ABC")]
    sess.commit()
    clerk = login_as("clerk")
    assert client.get("/ho-gia-dinh/").status_code == 200
    assert client.get("/ho-gia-dinh/?q=079185012341").status_code == 200
    assert client.get(f"/ho-gia-dinh/{hh[0].id}/sua").status_code == 200
    rows = sess.execute(select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.entity_id, AuditEntry.note)
                        .where(AuditEntry.action.in_(["list.view", "household.view"])).order_by(AuditEntry.id)).all()
    sess.close()
    assert [tuple(r) for r in rows] == [
        ("list.view", clerk.id, None, "Danh sách hộ, trang 1/1: 3 dòng"),
        ("list.view", clerk.id, None, "Danh sách hộ, trang 1/1: 1 dòng; có tìm kiếm"),
        ("household.view", clerk.id, hh[0].id, "mở biểu mẫu sửa"),
    ]
