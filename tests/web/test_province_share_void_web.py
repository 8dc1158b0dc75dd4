"""The province page's «Phần đã chia cho xã»: the officer voids a share given by mistake with a
reason (confirmed), the commune's quota counted again; a refusal gives the page back (422) with the
message in the share's row; only the province officer has the button and the route."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from subsidy.models import Allocation, Household
from subsidy.services import allocations, communes, province, rulesets
from tests import factories


def _text(resp) -> str:
    return resp.get_data(as_text=True)


@pytest.fixture
def share(app):
    """xã An (3 poor households) given 3 phones of «QĐ 100/QĐ-BKHCN»: (commune id, share id)."""
    s = app.extensions["subsidy.sessionmaker"]()
    rulesets.load_shipped(s)
    a = communes.create_commune(s, communes.CommuneInput(code="XAA", name="xã An"), None)
    for _ in range(3):
        factories.household(s, commune_id=a.id)
    officer = factories.user(s, "province_officer", "so-khcn", row=True)
    pa = province.record_received(s, 10, dt.date(2026, 1, 10), "QĐ 100/QĐ-BKHCN", officer)
    row = province.give_to_commune(s, pa.id, a.id, 3, dt.date(2026, 1, 20), officer)
    s.commit()
    ids = (a.id, row.id)
    s.close()
    return ids


def _row(app, share_id):
    s = app.extensions["subsidy.sessionmaker"]()
    try:
        row = s.get(Allocation, share_id)
        return row.voided_at is not None, row.void_reason, allocations.quota(s, commune_id=row.commune_id).allocated
    finally:
        s.close()


def test_the_officer_voids_a_share_with_a_reason(app, client, login_as, share):
    _commune_id, share_id = share
    login_as("province_officer")
    page = _text(client.get("/tinh/"))
    assert "Phần đã chia cho xã" in page and "xã An: 3 máy" in page
    form = re.search(rf'<form method="post" action="/tinh/chia/{share_id}/huy" data-confirm="([^"]+)"', page)
    assert form and form.group(1) == ("Hủy phần chia 3 máy cho xã An (QĐ 100/QĐ-BKHCN)? Chỉ tiêu của xã sẽ được "
                                      "tính lại.")
    resp = client.post(f"/tinh/chia/{share_id}/huy", data={"reason": "  "})
    page = _text(resp)
    assert resp.status_code == 422 and "Hãy ghi rõ lý do." in page
    assert f'id="share-void-reason-{share_id}-error"' in page and _row(app, share_id) == (False, None, 3)
    resp = client.post(f"/tinh/chia/{share_id}/huy", data={"reason": "Chia nhầm cho xã An"})
    assert resp.status_code == 302 and _row(app, share_id) == (True, "Chia nhầm cho xã An", 0)
    page = _text(client.get("/tinh/"))
    assert "Đã hủy phần chia 3 máy theo «QĐ 100/QĐ-BKHCN»; chỉ tiêu của xã đã được tính lại." in page
    assert "Chia nhầm cho xã An" in page and f"/tinh/chia/{share_id}/huy" not in page
    assert "còn 10 máy" in page  # the province allocation has its 3 phones back to divide


def test_a_share_the_commune_already_uses_is_refused_in_its_row(app, client, login_as, share):
    commune_id, share_id = share
    s = app.extensions["subsidy.sessionmaker"]()
    for h in s.scalars(select(Household).where(Household.commune_id == commune_id)).all()[:2]:
        factories.application(s, h, state="approved", commune_id=commune_id)
    s.commit()
    s.close()
    login_as("province_officer")
    resp = client.post(f"/tinh/chia/{share_id}/huy", data={"reason": "Chia nhầm"})
    page = _text(resp)
    assert resp.status_code == 422
    error = re.search(rf'<div class="error" id="share-void-reason-{share_id}-error">([^<]+)</div>', page)
    assert error and error.group(1) == (
        "Không hủy được phân bổ 3 máy: sau khi hủy chỉ còn 0 máy được phân bổ, ít hơn 2 chỗ đã dùng (đề nghị, phê "
        "duyệt, đã bàn giao hoặc đã chi). Xã cần đưa bớt hồ sơ ra khỏi danh sách đề nghị trước, hoặc tỉnh chia phần "
        "đúng trước khi hủy phần sai.")
    assert "Chia nhầm</textarea>" in page and _row(app, share_id) == (False, None, 3)


@pytest.mark.parametrize("role", ["province_approver", "clerk", "approver", "admin"])
def test_only_the_officer_has_the_button_and_the_route(app, client, login_as, share, role):
    _commune_id, share_id = share
    login_as(role)
    if role in ("province_approver", "admin"):  # they read the province page, without the button
        page = _text(client.get("/tinh/"))
        assert "xã An: 3 máy" in page and f"/tinh/chia/{share_id}/huy" not in page
    assert client.post(f"/tinh/chia/{share_id}/huy", data={"reason": "Chia nhầm"}).status_code == 403
    assert _row(app, share_id) == (False, None, 3)


def test_a_share_that_does_not_exist_is_404(client, login_as, share):
    login_as("province_officer")
    assert client.post(f"/tinh/chia/{share[1] + 1000}/huy", data={"reason": "Chia nhầm"}).status_code == 404
