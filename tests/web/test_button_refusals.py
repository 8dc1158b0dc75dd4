"""The one-button posts (propose, check, promote, archive/restore, print, a rule set's switch) and
the radio's date go through web.refusals.attempt like every form: a refusal is rolled back and
its Vietnamese message shown on the page the button leads back to (a query form's page answers
422); a missing CSRF token answers 400; nothing is saved."""
from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from subsidy.models import Application, Household, ProposalList, RuleSet
from tests import factories
from tests.conftest import TEST_PASSWORD, csrf_token_from
from tests.web.test_applications_web import client_as, data, make_application, sessionmaker  # noqa: F401 (fixture)


def _text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def _flashed_errors(page: str) -> list[str]:
    return [" ".join(m.split()) for m in re.findall(r'<div class="flash error"[^>]*>(.*?)</div>', page, re.S)]


def _count(app, model, *where) -> int:
    with sessionmaker(app)() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


#: The refusal when the commune has no phones allocated (allocations.over_quota_message), written out.
NO_PHONES = ("Vượt chỉ tiêu: xã được phân bổ 0 máy, đã dùng 0 chỗ (hồ sơ đã đề nghị, đã phê duyệt, đã bàn giao hoặc "
             "đã chi tiền), còn 0 chỗ trống{asked}. Hãy ghi nhận phân bổ máy cho xã (số máy, ngày, văn bản phân bổ) "
             "trước; các hộ vẫn ở danh sách chờ theo thứ tự ưu tiên.")


def test_propose_without_quota_is_flashed_on_the_application_and_saves_nothing(app, data):
    aid = make_application(app, data["households"][0])  # eligible; no phones allocated
    clerk = client_as(app, "clerk")
    resp = clerk.post(f"/ho-so/{aid}/de-nghi")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/ho-so/{aid}")
    page = _text(clerk.get(resp.headers["Location"]))
    assert _flashed_errors(page) == [NO_PHONES.format(asked=", không đưa được 1 hộ vào danh sách đề nghị")]
    assert _count(app, ProposalList) == 0
    with sessionmaker(app)() as s:
        assert s.get(Application, aid).state == "eligible"


def test_promote_without_quota_is_flashed_on_the_lists_page(app, data):
    make_application(app, data["households"][0])
    clerk = client_as(app, "clerk")
    resp = clerk.post("/danh-sach/bo-sung")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/danh-sach/")
    page = _text(clerk.get(resp.headers["Location"]))
    flashed = _flashed_errors(page)
    assert len(flashed) == 1 and flashed[0].startswith("Vượt chỉ tiêu: xã được phân bổ 0 máy, đã dùng 0 chỗ")
    assert flashed[0].endswith(NO_PHONES.split("trống{asked}.")[1])
    assert _count(app, ProposalList) == 0


def test_checking_a_withdrawn_application_is_flashed_not_an_error_page(app, data):
    aid = make_application(app, data["households"][0])
    clerk = client_as(app, "clerk")
    assert clerk.post(f"/ho-so/{aid}/rut", data={"reason": "Hộ xin rút"}).status_code == 302
    resp = clerk.post(f"/ho-so/{aid}/kiem-tra", follow_redirects=True)
    assert resp.status_code == 200  # the page the button returns to, the refusal above it
    assert _flashed_errors(_text(resp)) == [
        "Hồ sơ đang ở trạng thái «Đã rút hồ sơ» nên không kiểm tra điều kiện. Nếu hộ cần được xét lại, hồ sơ phải được mở "
        "lại trước («Mở lại hồ sơ (hộ nộp lại)»)."]


def test_an_archive_reason_too_long_is_flashed_not_a_bare_400(app, data):
    hid = data["households"][0]
    clerk = client_as(app, "clerk")
    resp = clerk.post(f"/ho-gia-dinh/{hid}/luu-tru", data={"reason": "x" * 501})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/ho-gia-dinh/{hid}")
    page = _text(clerk.get(resp.headers["Location"]))
    assert len(_flashed_errors(page)) == 1 and _flashed_errors(page)[0].startswith("Dài quá 500 ký tự")
    with sessionmaker(app)() as s:
        assert s.get(Household, hid).archived is False
    assert clerk.post("/ho-gia-dinh/999999/luu-tru", data={"reason": "x"}).status_code == 404


def test_restoring_a_household_not_archived_is_flashed(app, data):
    hid = data["households"][0]
    admin = client_as(app, "admin")
    resp = admin.post(f"/ho-gia-dinh/{hid}/khoi-phuc", follow_redirects=True)
    assert resp.status_code == 200
    assert _flashed_errors(_text(resp)) == ["Hộ này đang có trong danh sách, không cần khôi phục."]


def test_switching_a_rule_set_off_and_on(app, data):
    with sessionmaker(app)() as s:
        rid = s.scalar(select(RuleSet.id))
    admin = client_as(app, "admin")
    resp = admin.post(f"/bo-quy-tac/{rid}/ap-dung", follow_redirects=True)
    assert resp.status_code == 200 and "Đã ngừng áp dụng TT14-2022 phiên bản" in _text(resp)
    with sessionmaker(app)() as s:
        assert s.get(RuleSet, rid).active is False
    resp = admin.post(f"/bo-quy-tac/{rid}/ap-dung", follow_redirects=True)
    assert "Đã áp dụng TT14-2022 phiên bản" in _text(resp)
    with sessionmaker(app)() as s:
        assert s.get(RuleSet, rid).active is True


def _signed_in(app, username: str):
    client = app.test_client()
    token = csrf_token_from(client.get("/dang-nhap").data)
    assert client.post("/dang-nhap", data={"username": username, "password": TEST_PASSWORD,
                                          "csrf_token": token}).status_code == 302
    return client


def test_the_buttons_answer_400_without_their_csrf_token(csrf_app):
    app = csrf_app
    with sessionmaker(app)() as s:
        factories.user(s, "clerk", "clerk", row=True)
        factories.user(s, "admin", "admin", row=True)
        from subsidy.services import rulesets

        rulesets.load_shipped(s)
        h = factories.household(s, code="W9", head_name="Nguyễn Văn Tâm", category="poor")
        appl = factories.application(s, h, state="eligible")
        s.commit()
        hid, aid, rid = h.id, appl.id, s.scalar(select(RuleSet.id))
    clerk = _signed_in(app, "clerk")
    for path in (f"/ho-so/{aid}/de-nghi", f"/ho-so/{aid}/kiem-tra", "/danh-sach/bo-sung",
                 f"/ho-gia-dinh/{hid}/luu-tru"):
        assert clerk.post(path).status_code == 400, path
    token = csrf_token_from(clerk.get(f"/ho-gia-dinh/{hid}").data)
    assert clerk.post(f"/ho-gia-dinh/{hid}/luu-tru", data={"csrf_token": token, "reason": "chuyển đi",
                                                         "withdraw_live": "y"}).status_code == 302
    admin = _signed_in(app, "admin")
    assert admin.post(f"/bo-quy-tac/{rid}/ap-dung").status_code == 400
    with sessionmaker(app)() as s:
        assert s.get(RuleSet, rid).active is True and s.get(Household, hid).archived is True


def test_the_radio_page_s_date_refused_is_422_above_today_s_counts(app, data):
    radio = client_as(app, "radio")
    resp = radio.get("/phat-thanh/?ngay=abc")
    assert resp.status_code == 422
    page = _text(resp)
    assert len(_flashed_errors(page)) == 1 and "Không đọc được ngày «abc»" in _flashed_errors(page)[0]
    assert radio.get("/phat-thanh/?ngay=").status_code == 200  # an empty date: today's counts
    assert radio.get("/phat-thanh/").status_code == 200
