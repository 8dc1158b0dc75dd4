"""Two people, two browsers, the same page: the later save from the older page is given back (422)
with who changed what since and «open the page again», and nothing of it is saved — the household
form, an application's correction, a list's approval (services.versions)."""
from __future__ import annotations

from subsidy.domain import tracking

import datetime as dt
import html

from sqlalchemy import select

from subsidy.models import Application, AuditEntry, Commune, Household, InstanceSetting, ProposalList, User
from subsidy.services import lists
from tests.conftest import login
from tests.page_forms import seen
from tests.web.test_corrections_web import TODAY, _cash_app
from tests.web.test_corrections_web import form as correction
from tests.web.test_households_web import form_data
from tests.web.test_list_lifecycle_web import _waiting


def _text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def _second_clerk(app, make_user):
    make_user("canbo2", "clerk", full_name="Lê Thị Bình")
    other = app.test_client()
    login(other, "canbo2")
    return other


def test_household_an_older_form_does_not_put_back_the_phone(app, client, login_as, make_user, read_session):
    login_as("clerk")
    hid = int(client.post("/ho-gia-dinh/them", data=form_data()).headers["Location"].rsplit("/", 1)[1])
    other = _second_clerk(app, make_user)
    edit = f"/ho-gia-dinh/{hid}/sua"
    a_seen, b_seen = seen(client, edit), seen(other, edit)  # both open the form
    assert other.post(edit, data=form_data(phone="0912345678", seen=b_seen)).status_code == 302

    resp = client.post(edit, data=form_data(members="6", seen=a_seen))  # A's page: old phone, 6 people
    page = _text(resp)
    assert resp.status_code == 422 and "Đã lưu thay đổi" not in page
    assert "Chưa lưu: hộ Đinh Hồng Tư (mã 8277490478) đã được người khác thay đổi sau khi bạn mở trang này" in page
    assert "Lê Thị Bình sửa «Số điện thoại» lúc" in page and "Hãy mở lại trang sửa hộ" in page
    assert 'value="6"' in page  # what A typed is still in the form
    hh = read_session.get(Household, hid)
    assert (hh.phone, hh.members) == ("0912345678", 5)

    # Opened again: B's phone is on the form, and A's change is saved over it.
    resp = client.post(edit, data=form_data(members="6", phone="0912345678", seen=seen(client, edit)))
    assert resp.status_code == 302
    read_session.rollback()
    hh = read_session.get(Household, hid)
    assert (hh.phone, hh.members) == ("0912345678", 6)


def test_correction_an_older_form_does_not_put_back_a_corrected_date(app, client, login_as, make_user,
                                                                     read_session):
    login_as("clerk")
    app_id = _cash_app(app)
    other = _second_clerk(app, make_user)
    page = f"/ho-so/{app_id}"
    a_seen, b_seen = seen(client, page), seen(other, page)
    corrected = (TODAY - dt.timedelta(days=5)).strftime("%d/%m/%Y")
    assert other.post(f"{page}/sua", data=correction(received_on=corrected, purchase_date="01/12/2022",
                                                     seen=b_seen)).status_code == 302
    before = read_session.scalar(select(Application.received_on).where(Application.id == app_id))

    resp = client.post(f"{page}/sua", data=correction(seen=a_seen))  # A's form: old date, new purchase date
    body = _text(resp)
    assert resp.status_code == 422 and "Lê Thị Bình sửa «Ngày nhận hồ sơ»" in body
    assert "Hãy mở lại trang hồ sơ" in body and "Chưa sửa được: hãy xem các ô" not in body
    read_session.rollback()
    a = read_session.get(Application, app_id)
    assert (a.received_on, a.purchase_date) == (before, dt.date(2022, 12, 1))
    assert before == TODAY - dt.timedelta(days=5)


def test_approval_of_a_list_a_correction_changed_is_refused(app, client, login_as, make_user, read_session):
    login_as("clerk")
    _waiting(app)
    list_id = int(client.post("/danh-sach/lap", data={"count": "2"}).headers["Location"].rsplit("/", 1)[1])
    assert client.post(f"/danh-sach/{list_id}/trinh").status_code == 302
    on_list = read_session.scalars(select(Application).where(Application.proposal_list_id == list_id)
                                   .order_by(Application.id)).all()
    assert len(on_list) == 2
    make_user("duyet", "approver")
    approver = app.test_client()
    login(approver, "duyet")
    shown = seen(approver, f"/danh-sach/{list_id}", form_action=f"/danh-sach/{list_id}/phe-duyet")
    assert shown == f"{on_list[0].id},{on_list[1].id}"

    gone = on_list[0]
    later = (gone.received_on - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    resp = client.post(f"/ho-so/{gone.id}/sua", data=correction(
        received_on=later, support_form="package", purchase_date="", evidence_note="", reason="Sai ngày",
        seen=seen(client, f"/ho-so/{gone.id}")))
    assert resp.status_code == 302

    resp = approver.post(f"/danh-sach/{list_id}/phe-duyet", data={
        "decision_number": "12/QĐ-UBND", "decision_date": TODAY.strftime("%d/%m/%Y"),
        "approving_body": "Ủy ban nhân dân xã Phú Tân", "seen": shown})
    body = _text(resp)
    assert resp.status_code == 422
    number = read_session.get(ProposalList, list_id).number
    head = read_session.get(Household, gone.household_id).head_name
    assert f"Chưa ghi phê duyệt: danh sách {number} đã thay đổi sau khi bạn mở trang này" in body
    assert f"1 hồ sơ đã ra khỏi danh sách ({tracking.display(gone.tracking_code)} – hộ {head})" in body
    assert "in lại bản danh sách" in body and 'value="12/QĐ-UBND"' in body
    read_session.rollback()
    assert read_session.get(ProposalList, list_id).status == "submitted"
    assert read_session.scalar(select(AuditEntry.id).where(AuditEntry.action == "proposal_list.approve")) is None

    # The page opened again lists one application; approved with it.
    shown = seen(approver, f"/danh-sach/{list_id}", form_action=f"/danh-sach/{list_id}/phe-duyet")
    assert shown == str(on_list[1].id)
    resp = approver.post(f"/danh-sach/{list_id}/phe-duyet", data={
        "decision_number": "12/QĐ-UBND", "decision_date": TODAY.strftime("%d/%m/%Y"),
        "approving_body": "Ủy ban nhân dân xã Phú Tân", "seen": shown})
    assert resp.status_code == 302
    read_session.rollback()
    assert read_session.get(ProposalList, list_id).status == "approved"
    assert lists.applications_on(read_session, read_session.get(ProposalList, list_id)) == [
        read_session.get(Application, on_list[1].id)]
    assert read_session.scalar(select(User.id).where(User.username == "duyet")) is not None


def _second_admin(app, make_user):
    make_user("quantri2", "admin", full_name="Phan Văn Quản")
    other = app.test_client()
    login(other, "quantri2")
    return other


def test_commune_an_older_form_does_not_put_back_the_signer(app, client, login_as, make_user, read_session):
    login_as("admin")
    assert client.post("/quan-tri/xa/", data={"code": "tanan", "name": "xã Tân An", "province": "tỉnh Long An",
                                              "approval_level": "commune"}).status_code == 302
    cid = read_session.scalar(select(Commune.id).where(Commune.code == "TANAN"))
    other = _second_admin(app, make_user)
    page = f"/quan-tri/xa/{cid}"
    a_seen, b_seen = seen(client, page), seen(other, page)
    base = {"code": "TANAN", "name": "xã Tân An", "province": "tỉnh Long An", "approval_level": "commune",
            "signer_title": "CHỦ TỊCH"}
    # A hamlet added meanwhile is no change of the commune's form.
    assert other.post(f"{page}/ap", data={"name": "Ấp 1", "seen": seen(other, page)}).status_code == 302
    assert other.post(page, data={**base, "signer_name": "Nguyễn Văn Ký", "seen": b_seen}).status_code == 302
    resp = client.post(page, data={**base, "archive": "VT", "seen": a_seen})
    body = _text(resp)
    assert resp.status_code == 422 and "Phan Văn Quản sửa «Chức vụ người ký», «Họ tên người ký» lúc" in body
    assert "Chưa lưu: thông tin xã Tân An đã được người khác thay đổi sau khi bạn mở trang này" in body
    assert "Hãy mở lại trang của xã" in body
    read_session.rollback()
    c = read_session.get(Commune, cid)
    assert (c.signer_name, c.archive) == ("Nguyễn Văn Ký", "VT, VP-TK")
    assert client.post(page, data={**base, "signer_name": "Nguyễn Văn Ký", "archive": "VT",
                                   "seen": seen(client, page)}).status_code == 302


def test_hamlet_a_rename_from_an_older_page_is_refused_and_households_follow_the_first(
        app, client, login_as, make_user, read_session):
    from subsidy.models import Hamlet
    from subsidy.services import communes
    from tests import factories

    s = app.extensions["subsidy.sessionmaker"]()
    commune = communes.create_commune(s, communes.CommuneInput(code="TANAN", name="xã Tân An"), None,
                                      hamlets=["Thôn 1", "Thôn 2"])
    for name in ("Lê Văn Ba", "Lê Văn Bốn", "Lê Văn Năm"):
        factories.household(s, head_name=name, hamlet="Thôn 1", commune_id=commune.id)
    s.commit()
    cid = commune.id
    one = s.scalar(select(Hamlet.id).where(Hamlet.commune_id == cid, Hamlet.name == "Thôn 1"))
    s.close()
    login_as("admin")
    other = _second_admin(app, make_user)
    page = f"/quan-tri/xa/{cid}"
    assert "<th class=\"num\">Số hộ</th>" in _text(client.get(page))
    a_seen, b_seen = seen(client, page, f"{page}/ap/{one}"), seen(other, page, f"{page}/ap/{one}")  # two tabs
    done = other.post(f"{page}/ap/{one}", data={"name": "Thôn Một", "active": "y", "seen": b_seen},
                      follow_redirects=True)
    assert "Đã đổi tên «Thôn 1» thành «Thôn Một»; 3 hộ của xã chuyển sang tên mới." in _text(done)
    resp = client.post(f"{page}/ap/{one}", data={"name": "Thôn 1A", "active": "y", "seen": a_seen})
    body = _text(resp)
    assert resp.status_code == 422
    assert ("Chưa lưu: danh sách ấp / thôn của xã Tân An đã được người khác thay đổi sau khi bạn mở trang này "
            "(Phan Văn Quản sửa «tên ấp: Thôn 1 → Thôn Một» lúc") in body
    assert 'value="Thôn 1A"' in body  # what A typed is given back, beside the list as stored
    read_session.rollback()
    assert read_session.scalar(select(Hamlet.name).where(Hamlet.id == one)) == "Thôn Một"
    assert sorted(read_session.scalars(select(Household.hamlet).where(Household.commune_id == cid))) == [
        "Thôn Một"] * 3
    assert "Có hộ ghi ấp chưa có trong danh sách" not in _text(client.get(page))  # no household left behind
    # an add from the older page is refused too; from the page opened again it goes through
    assert client.post(f"{page}/ap", data={"name": "Thôn 3", "seen": a_seen}).status_code == 422
    assert client.post(f"{page}/ap", data={"name": "Thôn 3", "seen": seen(client, page)}).status_code == 302


def test_settings_an_older_form_does_not_put_back_the_provinces_signer(app, client, login_as, make_user,
                                                                       read_session):
    login_as("admin")
    other = _second_admin(app, make_user)
    page = "/quan-tri/cai-dat/"
    a_seen, b_seen = seen(client, page), seen(other, page)
    assert other.post(page, data={"province_signer_name": "Phạm Minh Khoa", "seen": b_seen}).status_code == 302
    resp = client.post(page, data={"public_base_url": "https://vtci.example.gov.vn", "seen": a_seen})
    body = _text(resp)
    assert resp.status_code == 422 and "Phan Văn Quản sửa «Họ và tên người ký» lúc" in body
    assert "Hãy mở lại trang «Cài đặt»" in body
    read_session.rollback()
    stored = dict(read_session.execute(select(InstanceSetting.key, InstanceSetting.value)).all())
    assert stored == {"province_signer_name": "Phạm Minh Khoa"} | {
        k: "" for k in stored if k != "province_signer_name"}
    assert "public_base_url" not in stored or stored["public_base_url"] == ""


def test_the_purchase_date_and_prior_device_forms_do_not_overwrite_what_another_recorded(
        app, client, login_as, make_user, read_session):
    """Both forms are offered while the value is missing; two clerks with the page open: the second
    one's save is given back naming the first one's, which stays."""
    login_as("clerk")
    app_id = _cash_app(app)
    s = app.extensions["subsidy.sessionmaker"]()
    a = s.get(Application, app_id)
    a.purchase_date = None
    a.household.prior_device = "unknown"
    hid = a.household_id
    s.commit()
    s.close()
    other = _second_clerk(app, make_user)
    page = f"/ho-so/{app_id}"
    forms = {}
    for who, c in (("a", client), ("b", other)):
        forms[who] = (seen(c, page, form_action=f"{page}/ngay-mua"), seen(c, page, form_action=f"{page}/thiet-bi"))
    assert other.post(f"{page}/ngay-mua", data={"purchase_date": "01/12/2023", "seen": forms["b"][0]}).status_code == 302
    assert other.post(f"{page}/thiet-bi", data={"prior_device": "none", "seen": forms["b"][1]}).status_code == 302

    resp = client.post(f"{page}/ngay-mua", data={"purchase_date": "05/12/2023", "seen": forms["a"][0]})
    assert resp.status_code == 422 and "Lê Thị Bình sửa «Ngày mua điện thoại»" in _text(resp)
    resp = client.post(f"{page}/thiet-bi", data={"prior_device": "vtci_tablet", "seen": forms["a"][1]})
    body = _text(resp)
    assert resp.status_code == 422 and "khai báo thiết bị của hộ" in body
    assert "Lê Thị Bình sửa «Thiết bị đã nhận trước»" in body
    read_session.rollback()
    assert read_session.get(Application, app_id).purchase_date == dt.date(2023, 12, 1)
    assert read_session.get(Household, hid).prior_device == "none"
