"""A download filtered by a hamlet the commune does not have is refused (422, Vietnamese, naming the
commune's hamlets), never printed as an empty list under a made-up hamlet: the handover-day sheet
and every list download that takes ``?hamlet=`` (services.communes.unknown_hamlet_message)."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from subsidy.models import AuditEntry, Hamlet
from subsidy.services import communes
from tests import factories

DOWNLOADS = ["/tai-ve/ban-giao.{ext}", "/tai-ve/ho-gia-dinh.{ext}", "/tai-ve/ho-so.{ext}",
             "/tai-ve/danh-sach-cho.{ext}", "/tai-ve/bien-ban.{ext}"]


def _hamlets(app) -> list[str]:
    s = app.extensions["subsidy.sessionmaker"]()
    try:
        factories.household(s, hamlet="Ấp Phú Hòa")  # makes the instance's commune and its hamlets
        s.commit()
        return list(s.scalars(select(Hamlet.name).order_by(Hamlet.active.desc(), Hamlet.position, Hamlet.id)))
    finally:
        s.close()


def _exports(app) -> int:
    s = app.extensions["subsidy.sessionmaker"]()
    try:
        return s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "list.export"))
    finally:
        s.close()


@pytest.mark.parametrize("url", DOWNLOADS)
@pytest.mark.parametrize("ext", ["pdf", "xlsx", "csv"])
def test_an_unknown_hamlet_is_refused_with_the_communes_hamlets(app, client, login_as, url, ext):
    names = _hamlets(app)
    assert names, "the commune has hamlets"
    login_as("clerk")
    resp = client.get(url.format(ext=ext), query_string={"hamlet": "Ấp Lạ"})
    assert resp.status_code == 422
    assert resp.mimetype == "text/html"
    body = html.unescape(resp.get_data(as_text=True))
    assert "Không tải được danh sách" in body
    assert "Không có ấp/thôn «Ấp Lạ» trong xã" in body
    assert "Hãy chọn một trong các ấp/thôn: " + ", ".join(names) + "." in body
    assert _exports(app) == 0  # nothing was made, so no export is logged


@pytest.mark.parametrize("url", DOWNLOADS)
def test_a_hamlet_of_the_commune_still_downloads(app, client, login_as, url):
    names = _hamlets(app)
    login_as("clerk")
    resp = client.get(url.format(ext="xlsx"), query_string={"hamlet": names[0]})
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")


def test_the_message_for_many_hamlets_says_where_to_choose(session):
    factories.household(session, hamlet="Ấp Phú Hòa")
    commune_id = session.scalar(select(Hamlet.commune_id).limit(1))
    for i in range(communes.HAMLETS_NAMED + 1):
        session.add(Hamlet(commune_id=commune_id, name=f"Ấp số {i:02d}", position=100 + i, active=True))
    session.flush()
    message = communes.unknown_hamlet_message(session, commune_id, "Ấp Lạ")
    assert message.endswith("Hãy chọn ấp/thôn trong ô «Ấp» của trang danh sách rồi tải lại.")
    assert "Ấp số 00" not in message
    assert communes.unknown_hamlet_message(session, commune_id, "Ấp số 07") is None
    assert communes.unknown_hamlet_message(session, commune_id, "") is None
