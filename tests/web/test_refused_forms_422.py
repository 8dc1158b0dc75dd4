"""A form post the app refuses (a second application for a household, a move without its reason, a
hamlet renamed to a name it cannot take) shows the page again with status 422, what was typed and
the message beside the field; nothing is saved (README: a form with errors answers 422)."""
from __future__ import annotations

import datetime as dt
import html
import re

from sqlalchemy import func, select

from subsidy.domain import tracking
from subsidy.models import Allocation, Application, Hamlet, ProposalList
from subsidy.services import communes, province
from tests import factories
from tests.page_forms import seen
from tests.web.test_applications_web import client_as, data, make_application, state_of  # noqa: F401 (fixture)
from tests.web.test_list_lifecycle_web import _waiting


def _text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def _count(app, model) -> int:
    with app.extensions["subsidy.sessionmaker"]() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_second_application_for_the_household_is_422_with_the_link_to_the_first(app, data):
    hid = data["households"][0]
    first = make_application(app, hid, check=False)
    c = client_as(app, "clerk")
    r = c.post("/ho-so/moi", data={"household_id": hid, "received_on": "05/11/2026", "support_form": "package"})
    page = _text(r)
    assert r.status_code == 422
    assert "Mỗi hộ chỉ nộp một hồ sơ" in page and f'href="/ho-so/{first}"' in page
    assert _count(app, Application) == 1


def test_an_application_move_without_its_reason_is_422_with_the_form_open(app, data):
    aid = make_application(app, data["households"][0])
    c = client_as(app, "clerk")
    r = c.post(f"/ho-so/{aid}/rut", data={"reason": "   "})
    page = _text(r)
    assert r.status_code == 422 and state_of(app, aid) == "eligible"
    # the withdraw box is the one open, its message under it; the other moves' boxes stay closed
    opened = re.findall(r'<details class="move" open>.*?</details>', page, re.S)
    assert len(opened) == 1 and f'action="/ho-so/{aid}/rut"' in opened[0]
    assert '<div class="error" id="reason-withdrawn-error">Hãy ghi rõ lý do.</div>' in opened[0]
    r = c.post(f"/ho-so/{aid}/rut", data={"reason": "x" * 1001})
    assert r.status_code == 422 and "Dài quá 1000 ký tự" in _text(r) and "x" * 1001 in _text(r)
    assert c.post(f"/ho-so/{aid}/rut", data={"reason": "Hộ xin rút"}).status_code == 302
    assert state_of(app, aid) == "withdrawn"


def test_a_refused_move_with_its_reason_is_422_and_keeps_the_reason(app, data):
    """Refusing an application already withdrawn (a page left open in another tab): the workflow
    says no; the page answers 422 with the message, and the typed reason is not lost."""
    aid = make_application(app, data["households"][0])
    a = client_as(app, "approver")
    page = a.get(f"/ho-so/{aid}")
    assert page.status_code == 200
    client_as(app, "clerk").post(f"/ho-so/{aid}/rut", data={"reason": "Hộ xin rút"})
    r = a.post(f"/ho-so/{aid}/tu-choi", data={"reason": "Hộ không cư trú tại xã"})
    page = _text(r)
    assert r.status_code == 422 and state_of(app, aid) == "withdrawn"
    opened = re.findall(r'<details class="move" open>.*?</details>', page, re.S)
    assert opened == []  # a withdrawn application offers no «refuse» any more: the message says why
    assert "Không thể chuyển hồ sơ từ trạng thái «Đã rút hồ sơ» sang «Bị từ chối»." in page


def test_cancelling_or_emptying_a_list_without_a_reason_is_422(app, client, login_as):
    login_as("clerk")
    _waiting(app)
    list_id = int(client.post("/danh-sach/lap", data={}).headers["Location"].rsplit("/", 1)[1])
    for step, key in (("huy", "cancel"), ("bo-het", "empty")):
        r = client.post(f"/danh-sach/{list_id}/{step}", data={"reason": ""})
        page = _text(r)
        assert r.status_code == 422, step
        opened = re.findall(r'<details class="move" open>.*?</details>', page, re.S)
        assert len(opened) == 1 and f'action="/danh-sach/{list_id}/{step}"' in opened[0]
        assert f'<div class="error" id="reason-{key}-error">Hãy ghi rõ lý do.</div>' in opened[0]
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.get(ProposalList, list_id).status == "draft"
        assert set(s.scalars(select(Application.state))) == {"proposed"}
    assert client.post(f"/danh-sach/{list_id}/huy", data={"reason": "Lập lại"}).status_code == 302


def test_voiding_an_allocation_without_a_reason_is_422(app, data):
    s = app.extensions["subsidy.sessionmaker"]()
    factories.allocation_row(s, quantity=3)
    s.commit()
    alid = s.scalar(select(Allocation.id))
    s.close()
    r = client_as(app, "approver").post(f"/danh-sach/phan-bo/{alid}/huy", data={"reason": ""})
    assert r.status_code == 422
    assert f'<div class="error" id="void-reason-{alid}-error">Hãy ghi rõ lý do.</div>' in _text(r)
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.get(Allocation, alid).voided_at is None


def test_the_province_voiding_without_a_reason_is_422(app, client, login_as):
    s = app.extensions["subsidy.sessionmaker"]()
    officer = factories.user(s, "province_officer", "so-khcn", row=True)
    pa = province.record_received(s, 8, dt.date(2026, 1, 10), "QĐ 100/QĐ-BKHCN", officer)
    s.commit()
    pa_id = pa.id
    s.close()
    login_as("province_officer", "so-khcn-2")
    r = client.post(f"/tinh/nhan/{pa_id}/huy", data={"reason": " "})
    assert r.status_code == 422
    assert f'<div class="error" id="reason-{pa_id}-error">Hãy ghi rõ lý do.</div>' in _text(r)


def test_a_hamlet_renamed_to_a_wrong_name_is_422_with_the_message_beside_it(app, client, login_as):
    s = app.extensions["subsidy.sessionmaker"]()
    commune = communes.create_commune(s, communes.CommuneInput(code="XAA", name="xã An"), None,
                                      hamlets=["Ấp Một", "Ấp Hai"])
    s.commit()
    cid = commune.id
    one, two = (h.id for h in sorted(commune.hamlets, key=lambda h: h.position))
    s.close()
    login_as("admin")
    for typed, message in (("ấp hai", "Xã An đã có «Ấp Hai»: «Ấp Hai» là cùng tên đó (không tính chữ hoa, chữ "
                                      "thường và dấu). Hai ấp không đặt trùng tên; muốn đổi cách viết thì sửa tên "
                                      "ấp «Ấp Hai»."), ("", "Hãy nhập tên ấp / thôn."),
                           ("=1+2", "bắt đầu bằng ký tự «=»")):
        r = client.post(f"/quan-tri/xa/{cid}/ap/{one}", data={"name": typed, "seen": seen(client, f"/quan-tri/xa/{cid}")})
        page = _text(r)
        assert r.status_code == 422, typed
        assert f'value="{typed}"' in page  # as typed, in the row of the hamlet edited
        error = re.search(rf'<div class="error" id="hamlet-{one}-error">([^<]*)</div>', page)
        assert error and message in error.group(1), typed
        assert f'id="hamlet-{two}-error"' not in page and 'value="Ấp Hai"' in page
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert [(h.name, h.active) for h in s.scalars(select(Hamlet).order_by(Hamlet.position))] == [
            ("Ấp Một", True), ("Ấp Hai", True)]
    assert client.post(f"/quan-tri/xa/{cid}/ap/{one}", data={"name": "Ấp Ba", "seen": seen(client, f"/quan-tri/xa/{cid}")}).status_code == 302
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert [(h.name, h.active) for h in s.scalars(select(Hamlet).order_by(Hamlet.position))] == [
            ("Ấp Ba", False), ("Ấp Hai", True)]


def test_an_account_s_role_or_token_form_refused_is_422_on_the_account_page(app, client, login_as, make_user):
    admin = login_as("admin")
    r = client.post(f"/quan-tri/tai-khoan/{admin.id}", data={"role": "clerk", "commune": ""})
    page = _text(r)
    assert r.status_code == 422 and "Không thể tự bỏ quyền quản trị của chính mình." in page
    assert re.search(r'<option selected value="clerk">|<option value="clerk" selected>', page)  # as chosen
    with app.extensions["subsidy.sessionmaker"]() as s:
        from subsidy.models import User
        assert s.get(User, admin.id).role == "admin"
    other = make_user("canbo-x", "clerk")
    r = client.post(f"/quan-tri/tai-khoan/{other.id}/ma-api", data={"name": ""})
    page = _text(r)
    assert r.status_code == 422
    assert re.search(r'<div class="field has-error">\s*<label for="name">Tên mã \(để nhớ dùng ở đâu\)', page)
    assert '<div class="error">Hãy đặt tên cho mã.</div>' in page
    from subsidy.models import ApiToken
    assert _count(app, ApiToken) == 0


def test_a_rule_set_file_refused_is_422_with_the_message_under_the_file(app, client, login_as):
    import io

    login_as("admin")
    for data, message in (({}, "Hãy chọn tệp JSON."),
                          ({"file": (io.BytesIO(b"{oops"), "x.json")}, "Không đọc được tệp bộ quy tắc"),
                          ({"file": (io.BytesIO(b" " * 200_001), "x.json")},
                           "Tệp bộ quy tắc quá lớn: nhiều nhất 200 KB.")):
        r = client.post("/bo-quy-tac/xem-truoc-tep", data=data, content_type="multipart/form-data")
        page = _text(r)
        assert r.status_code == 422, message
        error = re.search(r'<div class="field has-error">.*?<div class="error">([^<]*)</div>', page, re.S)
        assert error and message in error.group(1), message


def test_the_prior_device_and_purchase_date_forms_refused_are_422_as_typed(app, data):
    """The E2 declaration and the E5 purchase date typed on an application's page: a date that is
    no date, or one in the future, shows the page again with what was typed and the message under
    the date (it used to be flashed after a redirect, the typed values lost)."""
    import datetime as dt

    from subsidy.domain.calendar import today_vn

    aid = make_application(app, data["households"][2])  # prior device not recorded
    c = client_as(app, "clerk")
    tomorrow = f"{today_vn() + dt.timedelta(days=1):%d/%m/%Y}"
    for typed, message in (("31/02/2024", "chỉ có 29 ngày"), (tomorrow, "Ngày nhận thiết bị")):
        r = c.post(f"/ho-so/{aid}/thiet-bi", data={"prior_device": "vtci_tablet", "prior_device_detail": "Máy A",
                                                   "prior_device_date": typed})
        page = _text(r)
        assert r.status_code == 422, typed
        error = re.search(r'<label for="pddate">.*?<div class="error">([^<]*)</div>', page, re.S)
        assert error and message in error.group(1), typed
        assert f'value="{typed}"' in page and 'value="Máy A"' in page
        assert re.search(r'<option selected value="vtci_tablet">|<option value="vtci_tablet" selected>', page)
    assert state_of(app, aid) == "received"
    cash = make_application(app, data["households"][0], form="cash")
    r = c.post(f"/ho-so/{cash}/ngay-mua", data={"purchase_date": "", "evidence_note": "Hóa đơn số 12"})
    page = _text(r)
    assert r.status_code == 422
    assert re.search(r'<label for="pdate">.*?<div class="error">Hãy nhập ngày mua điện thoại \(ngày/tháng/năm\)\.</div>',
                     page, re.S)
    assert 'value="Hóa đơn số 12"' in page
    r = c.post(f"/ho-so/{cash}/ngay-mua", data={"purchase_date": "01/12/2023", "seen": seen(
        c, f"/ho-so/{cash}", form_action=f"/ho-so/{cash}/ngay-mua")})
    assert r.status_code == 302


def test_a_submit_sent_twice_shows_the_refusal_alone_and_the_first_success_on_the_next_page(app, data):
    """Two posts of the new-application form for one household from the same browser, the second
    sent before the first's redirect was followed (a double click; five tabs): the first is saved
    and flashes its success for its redirect; the second's 422 page shows only its own refusal and
    leaves that success queued, so the application's page shows it next."""
    hid = data["households"][0]
    c = client_as(app, "clerk")
    post = {"household_id": hid, "received_on": "05/11/2026", "support_form": "package"}
    first = c.post("/ho-so/moi", data=post)
    assert first.status_code == 302
    with app.extensions["subsidy.sessionmaker"]() as s:
        aid, code = s.execute(select(Application.id, Application.tracking_code)).one()
    assert first.headers["Location"] == f"/ho-so/{aid}"
    for _ in range(4):
        again = c.post("/ho-so/moi", data=post)
        page = _text(again)
        assert again.status_code == 422
        assert "Mỗi hộ chỉ nộp một hồ sơ" in page and f'href="/ho-so/{aid}"' in page  # its own messages
        assert "Đã nhận hồ sơ" not in page
    assert _count(app, Application) == 1
    shown = _text(c.get(f"/ho-so/{aid}"))
    assert f"Đã nhận hồ sơ. Mã theo dõi cho người dân: <b>{tracking.display(code)}</b>" in shown
    assert "Mỗi hộ chỉ nộp một hồ sơ" not in shown  # the refusals' own messages were shown once
    assert "Đã nhận hồ sơ" not in _text(c.get(f"/ho-so/{aid}"))  # and the success once


def test_an_error_page_leaves_queued_messages_for_the_next_page(app, data):
    hid = data["households"][0]
    c = client_as(app, "clerk")
    first = c.post("/ho-so/moi", data={"household_id": hid, "received_on": "05/11/2026", "support_form": "package"})
    missing = c.get("/ho-so/999999")
    assert missing.status_code == 404 and "Đã nhận hồ sơ" not in _text(missing)
    assert "Đã nhận hồ sơ. Mã theo dõi" in _text(c.get(first.headers["Location"]))


def test_withdrawing_a_handed_over_application_says_the_handover_is_voided_first(app, data):
    with app.extensions["subsidy.sessionmaker"]() as s:
        aid = factories.application(s, state="handed_over").id
        s.commit()
    r = client_as(app, "clerk").post(f"/ho-so/{aid}/rut", data={"reason": "Hộ xin rút"})
    page = _text(r)
    assert r.status_code == 422 and state_of(app, aid) == "handed_over"
    assert ("Không thể chuyển hồ sơ từ trạng thái «Đã bàn giao điện thoại» sang «Đã rút hồ sơ». Cần làm trước: bước "
            "«Hủy biên bản bàn giao» (Lãnh đạo xã (phê duyệt)) đưa hồ sơ sang «Đã được phê duyệt»") in page


def test_a_hamlet_name_with_markup_is_refused_not_stored_escaped(app, client, login_as):
    s = app.extensions["subsidy.sessionmaker"]()
    commune = communes.create_commune(s, communes.CommuneInput(code="XAA", name="xã An"), None, hamlets=["Ấp Một"])
    s.commit()
    cid, one = commune.id, commune.hamlets[0].id
    s.close()
    login_as("admin")
    for url in (f"/quan-tri/xa/{cid}/ap", f"/quan-tri/xa/{cid}/ap/{one}"):
        r = client.post(url, data={"name": "<script>alert(1)</script>", "seen": seen(client, f"/quan-tri/xa/{cid}")})
        assert r.status_code == 422, url
        assert "<script>alert(1)</script>" not in r.get_data(as_text=True)  # escaped where it is shown
        assert "Tên ấp «<script>alert(1)</script>» có ký tự «<», không dùng trong tên ấp." in _text(r)
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.scalars(select(Hamlet.name).order_by(Hamlet.position)).all() == ["Ấp Một"]
