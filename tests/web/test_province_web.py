"""The province's pages and the admin's commune pages, through the browser's requests."""
from __future__ import annotations

import html
import re

import pytest

from sqlalchemy import select

from subsidy.models import Allocation, Commune, Hamlet, User
from subsidy.services import communes
from tests import factories
from tests.page_forms import seen


def _text(resp) -> str:
    return resp.get_data(as_text=True)


def test_admin_creates_a_commune_its_hamlets_and_a_clerk_of_it(app, client, login_as):
    login_as("admin")
    resp = client.post("/quan-tri/xa/", data={"code": "tanan", "name": "xã Tân An", "province": "tỉnh Long An",
                                              "approval_level": "commune"})
    assert resp.status_code == 302
    s = app.extensions["subsidy.sessionmaker"]()
    commune = s.scalar(select(Commune).where(Commune.code == "TANAN"))
    assert (commune.name, commune.issuing_body, commune.place_name) == ("xã Tân An", "ỦY BAN NHÂN DÂN XÃ TÂN AN",
                                                                       "Tân An")
    s.close()
    codes = [client.post(f"/quan-tri/xa/{commune.id}/ap", data={"name": name, "seen": seen(client, f"/quan-tri/xa/{commune.id}")})
             for name in ("Ấp 1", "Ấp 2", "Ấp 1")]
    assert [r.status_code for r in codes] == [302, 302, 422]  # the second «Ấp 1» is given back, saying why
    assert "đã có «Ấp 1»" in _text(codes[2])
    page = _text(client.get(f"/quan-tri/xa/{commune.id}"))
    assert "Ấp 1" in page and "Ấp 2" in page
    s = app.extensions["subsidy.sessionmaker"]()
    hamlet = s.scalar(select(Hamlet).where(Hamlet.commune_id == commune.id, Hamlet.name == "Ấp 2"))
    s.close()
    client.post(f"/quan-tri/xa/{commune.id}/ap/{hamlet.id}", data={"name": "Ấp Hai", "seen": seen(client, f"/quan-tri/xa/{commune.id}")})  # renamed, unticked
    s = app.extensions["subsidy.sessionmaker"]()
    assert communes.hamlet_names(s, commune.id) == ["Ấp 1"]
    s.close()
    resp = client.post("/quan-tri/tai-khoan/tao", data={"username": "canbo.tanan", "role": "clerk",
                                                       "full_name": "Phan Văn Tân",
                                                       "commune": str(commune.id)})
    assert resp.status_code == 200
    s = app.extensions["subsidy.sessionmaker"]()
    assert s.scalar(select(User.commune_id).where(User.username == "canbo.tanan")) == commune.id
    s.close()
    # a refused code says what is wrong, in Vietnamese
    resp = client.post("/quan-tri/xa/", data={"code": "x", "name": "xã X", "approval_level": "commune"})
    assert "Mã xã gồm 2–20 ký tự" in _text(resp)


def test_the_province_officer_records_and_divides_phones(app, client, login_as):
    s = app.extensions["subsidy.sessionmaker"]()
    a = communes.create_commune(s, communes.CommuneInput(code="XAA", name="xã An"), None)
    for _ in range(3):
        factories.household(s, commune_id=a.id)
    s.commit()
    s.close()
    login_as("province_officer")
    resp = client.post("/tinh/nhan", data={"quantity": "10", "allocated_on": "2026-01-10",
                                          "source_document": "QĐ 100/QĐ-BKHCN"})
    assert resp.status_code == 302
    page = _text(client.get("/tinh/"))
    assert "QĐ 100/QĐ-BKHCN" in page and "còn 10 máy" in page
    pa_id = re.search(r'<option value="(\d+)">QĐ 100', page).group(1)
    resp = client.post("/tinh/chia", data={"province_allocation": pa_id, "commune": str(a.id), "quantity": "4",
                                          "allocated_on": "20/01/2026"})
    # a refusal shows the page again, as typed, with 422 (README: a form with errors)
    assert resp.status_code == 422 and "vượt số hộ nghèo" in _text(resp)  # xã An has 3 poor households
    assert 'value="20/01/2026"' in _text(resp)
    for typed in ("1e3", "abc"):  # one message, not a second "from 1" one on the unread value
        page = _text(client.post("/tinh/chia", data={"province_allocation": pa_id, "commune": str(a.id),
                                                     "quantity": typed, "allocated_on": "20/01/2026"}))
        assert "Phải là số nguyên" in page and "Số máy phải từ 1 trở lên" not in page
    resp = client.post("/tinh/nhan", data={"quantity": "abc", "allocated_on": "31/02/2026", "source_document": ""})
    page = _text(resp)
    assert resp.status_code == 422 and "Phải là số nguyên" in page and "Số máy phải từ 1 trở lên" not in page
    assert "Hãy ghi văn bản phân bổ." in page
    resp = client.post("/tinh/chia", data={"province_allocation": pa_id, "commune": str(a.id), "quantity": "3",
                                          "allocated_on": "20/01/2026"})
    assert resp.status_code == 302
    s = app.extensions["subsidy.sessionmaker"]()
    assert [(x.commune_id, x.quantity) for x in s.scalars(select(Allocation))] == [(a.id, 3)]
    s.close()
    assert "còn 7 máy" in _text(client.get("/tinh/"))


def test_commune_staff_cannot_open_the_province_pages(client, login_as):
    login_as("clerk")
    assert client.get("/tinh/").status_code == 403
    assert client.post("/tinh/nhan", data={}).status_code == 403


def test_the_first_page_makes_the_first_commune_and_says_so(app, client, login_as):
    login_as("admin")
    page = _text(client.get("/", follow_redirects=True))
    assert "Đây là lần đầu dùng hệ thống: đã tạo sẵn xã Phú Tân (mã PHUTAN)" in page
    assert "trang «Xã»" in page and "COMMUNE_" not in page and "HAMLETS" not in page  # no setting names
    assert "lần đầu dùng hệ thống" not in _text(client.get("/"))
    s = app.extensions["subsidy.sessionmaker"]()
    assert s.scalar(select(Commune.code)) == "PHUTAN" and communes.hamlet_names(s, s.scalar(select(Commune.id)))
    s.close()


def test_the_province_approver_approves_a_list_of_a_commune_the_province_approves(app, client, login_as):
    """xã Bình's lists are approved by the province: its draft is in the province approver's queue,
    the approval form is the province approver's, and a commune approver is refused."""
    import datetime as dt

    from subsidy.services import lists, rulesets
    from subsidy.services.lists import submit_list

    s = app.extensions["subsidy.sessionmaker"]()
    rulesets.load_shipped(s)
    b = communes.create_commune(s, communes.CommuneInput(code="XAB", name="xã Bình", approval_level="province",
                                                         province="tỉnh Đồng Tháp"), None)
    clerk = factories.user(s, "clerk", "canbo-b", row=True, commune_id=b.id)
    factories.allocation_row(s, 2, commune_id=b.id)
    for _ in range(2):
        factories.eligible(s, clerk, factories.applicant(s, commune_id=b.id, list_year=2026),
                           received_on=dt.date(2026, 1, 5), on=dt.date(2026, 2, 1))
    pl = lists.build_proposal_list(s, clerk, created_on=dt.date(2026, 2, 2))
    submit_list(s, pl, clerk)
    factories.user(s, "approver", "lanhdao-b", row=True, commune_id=b.id)
    s.commit()
    list_id = pl.id
    s.close()
    login_as("province_approver")
    # the account belongs to no commune: the header names the province, not the only commune
    queue = _text(client.get("/tinh/phe-duyet"))
    assert "Hỗ trợ ĐTTM · tỉnh Đồng Tháp</a>" in queue and "ĐTTM · xã Bình" not in queue
    page = _text(client.get(f"/danh-sach/{list_id}"))
    assert "Ủy ban nhân dân tỉnh Đồng Tháp" in page  # the approving body offered
    resp = client.post(f"/danh-sach/{list_id}/phe-duyet", data={
        "decision_number": "15/QĐ-UBND", "decision_date": "05/02/2026",
        "approving_body": "Ủy ban nhân dân tỉnh Đồng Tháp",
        "seen": seen(client, f"/danh-sach/{list_id}", form_action=f"/danh-sach/{list_id}/phe-duyet")},
        follow_redirects=True)
    assert resp.status_code == 200
    s = app.extensions["subsidy.sessionmaker"]()
    from subsidy.models import ProposalList

    assert s.get(ProposalList, list_id).status == "approved"
    s.close()
    assert "Không có danh sách nào đang chờ" in _text(client.get("/tinh/phe-duyet"))
    # The list's files carry CCCD and phone in full: the province's roles may not take them, so
    # the page offers no link that would answer 403.
    approved = _text(client.get(f"/danh-sach/{list_id}"))
    assert "Tải về" not in approved and "phe-duyet.pdf" not in approved and "de-nghi.xlsx" not in approved
    assert client.get(f"/danh-sach/{list_id}/phe-duyet.pdf").status_code == 403
    from tests.conftest import login
    commune_clerk = app.test_client()
    assert login(commune_clerk, "canbo-b").status_code == 302
    own = _text(commune_clerk.get(f"/danh-sach/{list_id}"))
    assert "Tải về" in own and "phe-duyet.pdf" in own and "de-nghi.xlsx" in own


def test_a_commune_recording_more_than_the_province_divided_is_said_in_words(app, client, login_as):
    """8 received and 3 divided to xã An, which records 10 more of its own: the province page says
    5 undivided, 10 recorded by the commune itself, and 13 − 8 = 5 beyond what the province
    received (never «chưa chia: -5»)."""
    import datetime as dt

    from subsidy.services import allocations, province

    s = app.extensions["subsidy.sessionmaker"]()
    a = communes.create_commune(s, communes.CommuneInput(code="XAA", name="xã An"), None)
    for _ in range(20):
        factories.household(s, commune_id=a.id)
    officer = factories.user(s, "province_officer", "so-khcn", row=True)
    pa = province.record_received(s, 8, dt.date(2026, 1, 10), "QĐ 100/QĐ-BKHCN", officer)
    province.give_to_commune(s, pa.id, a.id, 3, dt.date(2026, 1, 20), officer)
    allocations.record_allocation(s, 10, dt.date(2026, 2, 1), "CV 5/UBND xã", None, commune_id=a.id)
    s.commit()
    view = province.overview(s)
    assert (view.received, view.divided, view.undivided, view.own, view.given, view.over) == (8, 3, 5, 10, 13, 5)
    s.close()
    login_as("province_officer", "so-khcn-2")
    page = re.sub(r"\s+", " ", _text(client.get("/tinh/")))
    # Only the words a person reads: a CSRF token or a URL in the markup may hold "-5" by chance.
    words = re.sub(r"<[^>]+>", " ", page)
    assert not re.search(r"(?<![\w-])-\s*5\b", words), "a negative count is shown"
    assert "<div><b>5</b>tỉnh chưa chia</div>" in page and "<div><b>10</b>xã tự ghi thêm</div>" in page
    assert "Các xã đang có tổng cộng 13 máy, vượt 5 so với số máy tỉnh được phân bổ (8)" in page


def test_communes_recording_phones_before_the_province_recorded_any_is_said_as_such(app, client, login_as,
                                                                                     make_user):
    """Nothing received by the province, 7 recorded by xã An itself: the page says the province has
    not recorded its allocation and where to record it, never «vượt 7 so với … (0)»."""
    import datetime as dt

    from subsidy.services import allocations

    s = app.extensions["subsidy.sessionmaker"]()
    a = communes.create_commune(s, communes.CommuneInput(code="XAA", name="xã An"), None)
    for _ in range(10):
        factories.household(s, commune_id=a.id)
    allocations.record_allocation(s, 7, dt.date(2026, 2, 1), "CV 5/UBND xã", None, commune_id=a.id)
    s.commit()
    s.close()
    login_as("province_officer")
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _text(client.get("/tinh/"))))
    assert "vượt" not in words.split("Chia máy cho xã")[0] and "(0)" not in words
    assert ("Tỉnh chưa ghi số máy được phân bổ (chưa có văn bản phân bổ nào của Bộ trong sổ), nhưng các xã "
            "đã tự ghi phân bổ tổng cộng 7 máy. Hãy ghi văn bản phân bổ của Bộ ở mục «Ghi số máy tỉnh được phân bổ» "
            "bên dưới") in words
    assert 'href="#ghi-so-may"' in _text(client.get("/tinh/")) and 'id="ghi-so-may"' in _text(client.get("/tinh/"))
    make_user("duyet-tinh", "province_approver")  # reads the page, records nothing: told who does
    client.post("/dang-xuat")
    assert client.post("/dang-nhap", data={"username": "duyet-tinh", "password": factories.TEST_PASSWORD}
                       ).status_code == 302
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(_text(client.get("/tinh/")))))
    assert "Cán bộ tỉnh (Sở KH&CN) ghi văn bản phân bổ của Bộ ở trang này" in words and "#ghi-so-may" not in words


def test_a_province_recorded_without_its_kind_is_named_as_a_province(app, client, login_as):
    """A commune row recording the province as «Đắk Lắk» alone: the approval form offers «Ủy ban
    nhân dân tỉnh Đắk Lắk» and the header names «tỉnh Đắk Lắk» (labels.places.province_unit)."""
    import datetime as dt

    from subsidy.services import lists, rulesets
    from subsidy.services.lists import submit_list

    s = app.extensions["subsidy.sessionmaker"]()
    rulesets.load_shipped(s)
    b = communes.create_commune(s, communes.CommuneInput(code="XEH", name="xã Ea H'leo", approval_level="province",
                                                         province="Đắk Lắk"), None)
    clerk = factories.user(s, "clerk", "canbo-eh", row=True, commune_id=b.id)
    factories.allocation_row(s, 1, commune_id=b.id)
    factories.eligible(s, clerk, factories.applicant(s, commune_id=b.id, list_year=2026),
                       received_on=dt.date(2026, 1, 5), on=dt.date(2026, 2, 1))
    pl = lists.build_proposal_list(s, clerk, created_on=dt.date(2026, 2, 2))
    submit_list(s, pl, clerk)
    s.commit()
    list_id = pl.id
    s.close()
    login_as("province_approver")
    page = _text(client.get(f"/danh-sach/{list_id}"))
    assert 'value="Ủy ban nhân dân tỉnh Đắk Lắk"' in page
    assert "Ủy ban nhân dân Đắk Lắk" not in page


@pytest.mark.parametrize("recorded,unit,place", [
    ("Đắk Lắk", "tỉnh Đắk Lắk", "Đắk Lắk"), ("tỉnh Đồng Tháp", "tỉnh Đồng Tháp", "Đồng Tháp"),
    ("thành phố Cần Thơ", "thành phố Cần Thơ", "Cần Thơ"), ("TP. Cần Thơ", "thành phố Cần Thơ", "Cần Thơ"),
    ("", "tỉnh", ""), ("  Đắk   Lắk ", "tỉnh Đắk Lắk", "Đắk Lắk")])
def test_province_unit_and_place(recorded, unit, place):
    from subsidy.domain.labels.places import province_place, province_unit

    assert province_unit(recorded) == unit and province_place(recorded) == place


def test_a_province_account_created_with_a_commune_is_refused_saying_why(app, client, login_as):
    """A province role belongs to no commune: a commune chosen for it is refused (422, under the
    commune), not silently dropped; no account is made. The CLI refuses it too."""
    login_as("admin")
    client.get("/")  # the first page makes the first commune
    s = app.extensions["subsidy.sessionmaker"]()
    commune_id = s.scalar(select(Commune.id))
    s.close()
    resp = client.post("/quan-tri/tai-khoan/tao", data={"username": "tinh.hoa", "role": "province_officer",
                                                       "full_name": "Lê Thị Hoa", "commune": str(commune_id)})
    assert resp.status_code == 422
    assert "không thuộc xã nào" in _text(resp)
    s = app.extensions["subsidy.sessionmaker"]()
    assert s.scalar(select(User.id).where(User.username == "tinh.hoa")) is None
    s.close()
    ok = client.post("/quan-tri/tai-khoan/tao", data={"username": "tinh.hoa", "role": "province_officer",
                                                     "full_name": "Lê Thị Hoa", "commune": ""})
    assert ok.status_code == 200
    s = app.extensions["subsidy.sessionmaker"]()
    assert s.scalar(select(User.commune_id).where(User.username == "tinh.hoa")) is None
    s.close()
    out = app.test_cli_runner().invoke(args=["create-user", "tinh.lan", "--role", "province_officer",
                                             "--commune", "PHUTAN"], input="Mat-khau-rat-dai-2026\n" * 2)
    assert out.exit_code != 0 and "không thuộc xã nào" in out.output
