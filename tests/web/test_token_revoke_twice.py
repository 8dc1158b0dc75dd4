"""Revoking an API token a second time (a double click, a stale page, two admins at once) says the
token was already revoked and writes no second audit entry (services.users.revoke_api_token)."""
from __future__ import annotations

import html

from sqlalchemy import func, select

from subsidy.models import ApiToken, AuditEntry
from subsidy.services import users


def _revokes(app) -> int:
    sess = app.extensions["subsidy.sessionmaker"]()
    try:
        return sess.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "api_token.revoke"))
    finally:
        sess.close()


def test_the_second_revocation_says_already_revoked_and_audits_nothing(app, client, login_as, make_user):
    admin = login_as("admin")
    clerk = make_user("canbo-api", "clerk")
    sess = app.extensions["subsidy.sessionmaker"]()
    users.create_api_token(sess, sess.get(type(clerk), clerk.id), "Công cụ đối chiếu", sess.get(type(admin), admin.id))
    sess.commit()
    token_id = sess.scalar(select(ApiToken.id).where(ApiToken.user_id == clerk.id))
    sess.close()

    first = client.post(f"/quan-tri/ma-api/{token_id}/thu-hoi", follow_redirects=True)
    assert first.status_code == 200
    assert "Đã thu hồi mã truy cập «Công cụ đối chiếu»." in html.unescape(first.get_data(as_text=True))
    assert _revokes(app) == 1

    second = client.post(f"/quan-tri/ma-api/{token_id}/thu-hoi", follow_redirects=True)
    body = html.unescape(second.get_data(as_text=True))
    assert second.status_code == 200
    assert "Mã truy cập «Công cụ đối chiếu» đã được thu hồi từ trước: không có gì thay đổi." in body
    assert "Đã thu hồi mã truy cập" not in body
    assert _revokes(app) == 1


def test_the_service_answers_whether_it_revoked(session, clerk):
    admin = clerk  # the actor is only recorded; the service does not ask its role
    users.create_api_token(session, clerk, "t", admin)
    tok = session.scalar(select(ApiToken).where(ApiToken.user_id == clerk.id))
    assert users.revoke_api_token(session, tok.id, admin) is True
    first_at = tok.revoked_at
    assert first_at is not None
    assert users.revoke_api_token(session, tok.id, admin) is False
    assert tok.revoked_at == first_at
    assert session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == "api_token.revoke")) == 1
