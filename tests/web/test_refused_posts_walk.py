"""Every view that takes a form, walked with a post it refuses: the page comes back with 422 (by
web.refusals.attempt and web.security, no view sets it), the Vietnamese message under its field
(or above the page for a one-button form) and what was typed kept; nothing is saved."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from subsidy.models import Allocation, Commune, ProposalList, User
from tests import factories
from tests.conftest import TEST_PASSWORD
from tests.web.test_applications_web import client_as, data, make_application  # noqa: F401 (fixture)

TYPED = "Gõ-thử-123"  # a value typed in a text field of the refused form: it must come back


def _text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def _errors(page: str) -> list[str]:
    """Messages shown under fields and flashed errors."""
    return (re.findall(r'<div class="error"[^>]*>([^<]+)</div>', page)
            + re.findall(r'<div class="flash error"[^>]*>(.*?)</div>', page, re.S))


def _commune_id(app) -> int:
    with app.extensions["subsidy.sessionmaker"]() as s:
        return s.scalar(select(Commune.id).order_by(Commune.id))


def _user_id(app, username: str) -> int:
    with app.extensions["subsidy.sessionmaker"]() as s:
        return s.scalar(select(User.id).where(User.username == username))


#: (role, address (``{aid}``: an application, ``{cid}``: the commune, ``{uid}``: the clerk's
#: account), the form sent, a message expected on the page, whether TYPED must come back)
REFUSED = [
    ("clerk", "/danh-sach/phan-bo", {"quantity": "0", "allocated_on": "05/11/2025", "source_document": TYPED},
     "Số máy", True),
    ("clerk", "/danh-sach/lap", {"count": "abc"}, "Phải là số nguyên", False),
    ("clerk", "/khieu-nai/moi", {"kind": "complaint", "filer": "member", "channel": "letter", "category": "quota",
                                 "text": "", "filer_name": TYPED}, "Ghi nội dung đơn", True),
    ("clerk", "/ho-so/{aid}/sua", {"received_on": "31/02/2025", "support_form": "package", "reason": TYPED},
     "chỉ có 28 ngày", True),
    ("clerk", "/ho-so/{aid}/rut", {"reason": ""}, "Hãy ghi rõ lý do.", False),
    ("clerk", "/ho-so/{aid}/ngay-mua", {"purchase_date": "", "evidence_note": TYPED}, "Hãy nhập ngày mua", True),
    ("admin", "/quan-tri/tai-khoan/tao", {"username": "!!", "role": "clerk", "full_name": TYPED},
     "Tên đăng nhập", True),
    ("admin", "/quan-tri/tai-khoan/{uid}/ho-ten", {"full_name": ""}, "Hãy nhập họ và tên đầy đủ.", False),
    ("admin", "/quan-tri/tai-khoan/{uid}/ma-api", {"name": ""}, "Hãy đặt tên cho mã.", False),
    ("admin", "/quan-tri/xa/", {"code": "", "name": TYPED, "approval_level": "commune"}, "Hãy nhập mã xã", True),
    ("admin", "/quan-tri/xa/{cid}", {"code": "", "name": TYPED, "approval_level": "commune"}, "Hãy nhập mã xã", True),
    ("admin", "/quan-tri/xa/{cid}/ap", {"name": ""}, "Hãy nhập tên ấp / thôn.", False),
    ("admin", "/quan-tri/cai-dat/", {"public_base_url": "x" * 300, "province_body": TYPED}, "Dài quá 255 ký tự", True),
    ("clerk", "/doi-mat-khau", {"current": "khong-dung-9", "new": "Mat-khau-moi-2026", "confirm": "Mat-khau-moi-2026"},
     "Mật khẩu hiện tại không đúng.", False),
    ("clerk", "/doi-mat-khau", {"current": TEST_PASSWORD, "new": TEST_PASSWORD, "confirm": TEST_PASSWORD},
     "Mật khẩu mới phải khác mật khẩu cũ.", False),
    ("province_officer", "/tinh/nhan", {"quantity": "", "allocated_on": "05/11/2025", "source_document": TYPED},
     "Hãy nhập số máy.", True),
    ("province_officer", "/tinh/chia", {"quantity": "3", "allocated_on": "05/11/2025", "province_allocation": "",
                                        "commune": ""}, "Hãy chọn văn bản phân bổ của tỉnh và xã.", False),
]


@pytest.mark.parametrize("role, address, form, message, typed", REFUSED, ids=[r[1] for r in REFUSED])
def test_a_refused_post_is_422_with_its_message_and_what_was_typed(app, data, role, address, form, message, typed):
    if role not in ("clerk", "approver", "admin", "radio"):
        with app.extensions["subsidy.sessionmaker"]() as s:
            factories.user(s, role, role, full_name="Người dùng tỉnh", row=True)
            s.commit()
    if address == "/danh-sach/lap":  # the form is on the page while phones are left and households wait
        with app.extensions["subsidy.sessionmaker"]() as s:
            factories.allocation_row(s, quantity=3)
            s.commit()
        make_application(app, data["households"][1])
    url = address.format(aid=make_application(app, data["households"][0], form="cash") if "{aid}" in address else 0,
                         cid=_commune_id(app), uid=_user_id(app, "clerk"))
    with app.extensions["subsidy.sessionmaker"]() as s:
        before = [s.scalar(select(func.count()).select_from(m)) for m in (Allocation, ProposalList, Commune, User)]
    r = client_as(app, role).post(url, data=form)
    page = _text(r)
    assert r.status_code == 422, (url, r.status_code)
    assert any(message in e for e in _errors(page)), (url, _errors(page))
    if typed:
        assert TYPED in page, url
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert [s.scalar(select(func.count()).select_from(m)) for m in (Allocation, ProposalList, Commune, User)] \
            == before


def test_attempt_on_a_get_marks_nothing_and_a_silent_refusal_says_to_send_again(app):
    """refusals.attempt: a form not sent yet (GET) is no refusal (the page answers 200); a form its
    validators refuse without any message gets one above it, so a 422 page never shows nothing."""
    from flask import get_flashed_messages

    from forms.base import BaseForm
    from subsidy.web.refusals import REFUSED, attempt, refusal_shown

    class Silent(BaseForm):
        def validate(self, extra_validators=None):
            return False

    called = []
    with app.test_request_context("/", method="GET"):
        assert attempt(Silent(meta={"csrf": False}), lambda: called.append(1)) is REFUSED
        assert not refusal_shown() and get_flashed_messages() == []
    with app.test_request_context("/", method="POST", data={}):
        assert attempt(Silent(meta={"csrf": False}), lambda: called.append(1)) is REFUSED
        assert refusal_shown()
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Không lưu được: hãy tải lại trang rồi gửi lại.")]
    assert called == []
