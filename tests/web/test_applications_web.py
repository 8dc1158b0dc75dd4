"""Screens for applications, lists, rule sets — every route for every role, the main
flows through the forms, and one suite with CSRF on."""
from __future__ import annotations

import datetime as dt
import html
import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from subsidy.domain import tracking
from subsidy.domain.calendar import today_vn
from subsidy.models import Application, AuditEntry, Household, ProposalList, RuleSet, User
from subsidy.services import applications, rulesets
from tests import factories
from tests.conftest import csrf_token_from, login

ROLES = ["clerk", "approver", "admin", "radio"]
THIS_YEAR = today_vn().year


def sessionmaker(app):
    return app.extensions["subsidy.sessionmaker"]


def add_users(s, roles):
    return {r: factories.user(s, r, r, full_name=f"Người dùng {r}", row=True) for r in roles}


@pytest.fixture
def data(app):
    """Users of every role, the shipped rule set, three households of this year's list."""
    s = sessionmaker(app)()
    users = add_users(s, ROLES)
    rulesets.load_shipped(s)
    hh = []
    for i, (name, kw) in enumerate([("Nguyễn Thị Ánh Tuyết", {}), ("Đặng Văn Hưởng", {"meritorious": True}),
                                    ("Lý Ngọc Ẩn", {"category": "near_poor", "prior_device": "unknown"})]):
        hh.append(factories.household(
            s, code=f"W{i}", head_name=name, category=kw.pop("category", "poor"), list_year=THIS_YEAR,
            prior_device=kw.pop("prior_device", "none"), citizen_id=f"08206000000{i}", phone=f"091234567{i}",
            search_text=f" w{i} nguyen thi anh tuyet" if i == 0 else f" w{i}", **kw))
    s.commit()
    ids = [h.id for h in hh]
    s.close()
    return {"users": users, "households": ids}


def client_as(app, role):
    c = app.test_client()
    if role:
        assert login(c, role).status_code == 302
    return c


def make_application(app, household_id, form="package", check=True, **kw):
    s = sessionmaker(app)()
    clerk = s.scalar(select(User).where(User.username == "clerk"))
    a = applications.apply(s, applications.ApplicationInput(household_id=household_id, support_form=form, **kw), clerk)
    if check:
        applications.check_eligibility(s, a, clerk)
    s.commit()
    aid = a.id
    s.close()
    return aid


def state_of(app, application_id):
    s = sessionmaker(app)()
    try:
        return s.get(Application, application_id).state
    finally:
        s.close()


# ------------------------------------------------------------------ who may open what

PAGES = [
    # (path template, roles allowed)
    ("/ho-so/", {"clerk", "approver", "admin"}),
    ("/ho-so/moi", {"clerk"}),
    ("/ho-so/{aid}", {"clerk", "approver", "admin"}),
    ("/ho-so/{aid}/phieu-tiep-nhan.pdf", {"clerk", "approver", "admin"}),
    ("/danh-sach/", {"clerk", "approver"}),
    ("/danh-sach/{lid}", {"clerk", "approver"}),
    ("/danh-sach/{lid}/de-nghi.pdf", {"clerk", "approver"}),
    ("/danh-sach/{lid}/de-nghi.xlsx", {"clerk", "approver"}),
    ("/bo-quy-tac/", {"admin", "clerk", "approver"}),
    ("/bo-quy-tac/{rid}", {"admin", "clerk", "approver"}),
    ("/bo-quy-tac/{rid}/xem-truoc", {"admin"}),
]
POSTS = [
    ("/ho-so/{aid}/kiem-tra", {"clerk"}),
    ("/ho-so/{aid}/rut", {"clerk", "approver"}),
    ("/ho-so/{aid}/tu-choi", {"approver"}),
    ("/ho-so/{aid}/bo-khoi-danh-sach", {"clerk"}),
    ("/ho-so/{aid}/de-nghi", {"clerk"}),
    ("/ho-so/{aid}/thiet-bi", {"clerk"}),
    ("/ho-so/{aid}/ngay-mua", {"clerk"}),
    ("/ho-so/{aid}/mo-lai", {"clerk", "approver"}),
    ("/danh-sach/phan-bo", {"clerk"}),
    ("/danh-sach/phan-bo/1/huy", {"approver"}),
    ("/danh-sach/lap", {"clerk"}),
    ("/danh-sach/bo-sung", {"clerk"}),
    ("/danh-sach/{lid}/phe-duyet", {"approver"}),
    ("/danh-sach/{lid}/sua-quyet-dinh", {"approver"}),
    ("/bo-quy-tac/xem-truoc-tep", {"admin"}),
    ("/bo-quy-tac/luu", {"admin"}),
    ("/bo-quy-tac/{rid}/ap-dung", {"admin"}),
]


@pytest.fixture
def ids(app, data):
    aid = make_application(app, data["households"][0])
    s = sessionmaker(app)()
    pl = ProposalList(number="99/DS-UBND", created_on=dt.date(2026, 1, 1), status="draft")
    s.add(pl)
    s.commit()
    rid = s.scalar(select(RuleSet.id))
    out = {"aid": aid, "lid": pl.id, "rid": rid}
    s.close()
    return out


@pytest.mark.parametrize("role", ROLES + [None])
def test_every_page_for_every_role(app, ids, role):
    c = client_as(app, role)
    for path, allowed in PAGES:
        r = c.get(path.format(**ids))
        if role is None:
            assert r.status_code == 302 and "/dang-nhap" in r.headers["Location"], path
        elif role in allowed:
            assert r.status_code == 200, (path, role, r.status_code)
        else:
            assert r.status_code == 403, (path, role, r.status_code)


@pytest.mark.parametrize("role", ROLES + [None])
def test_every_post_refuses_other_roles(app, ids, role):
    c = client_as(app, role)
    for path, allowed in POSTS:
        if role in allowed:
            continue
        r = c.post(path.format(**ids), data={"reason": "x"})
        assert r.status_code in (302, 403), path
        if role is None:
            assert "/dang-nhap" in r.headers["Location"]
        else:
            assert r.status_code == 403, (path, role)
    assert state_of(app, ids["aid"]) == "eligible"


def test_personal_data_is_not_on_pages_for_radio(app, ids):
    c = client_as(app, "radio")
    for path in ("/ho-so/", "/ho-so/{aid}", "/danh-sach/"):
        r = c.get(path.format(**ids))
        assert b"082060000000" not in r.data and b"0912345670" not in r.data


# ------------------------------------------------------------------ applications


def test_new_application_through_the_form(app, data):
    c = client_as(app, "clerk")
    hid = data["households"][0]
    r = c.get("/ho-so/moi?q=nguyen tuyet")
    assert r.status_code == 200 and "Nguyễn Thị Ánh Tuyết".encode() in r.data
    r = c.get(f"/ho-so/moi?household_id={hid}")
    assert r.status_code == 200 and b'name="received_on"' in r.data
    r = c.post("/ho-so/moi", data={"household_id": hid, "received_on": "05/11/2026", "support_form": "cash",
                                   "purchase_date": "11/12/2022", "evidence_note": "Hóa đơn", "note": "0.1 <A <0.9"})
    assert r.status_code == 302
    s = sessionmaker(app)()
    a = s.scalar(select(Application).where(Application.household_id == hid))
    assert (a.received_on, a.support_form, a.purchase_date, a.note) == (
        dt.date(2026, 11, 5), "cash", dt.date(2022, 12, 11), "0.1 <A <0.9")
    s.close()
    page = c.get(r.headers["Location"], follow_redirects=True)
    assert tracking.display(a.tracking_code).encode() in page.data
    assert b"0.1 &lt;A &lt;0.9" in page.data  # escaped in HTML
    # the decision page: check, see each rule and its citation
    r = c.post(f"/ho-so/{a.id}/kiem-tra", follow_redirects=True)
    assert "Không đủ điều kiện".encode() in r.data
    for rule in ("E1", "E2", "E3", "E4", "E5"):
        assert f"<b>{rule}</b>".encode() in r.data
    assert "trước ngày 12/12/2022".encode() in r.data
    assert "Căn cứ: Thông tư 14/2022/TT-BTTTT".encode() in r.data
    assert state_of(app, a.id) == "not_eligible"


def test_a_cash_application_without_its_purchase_date_is_received_with_a_warning(app, data):
    c = client_as(app, "clerk")
    hid = data["households"][1]
    r = c.post("/ho-so/moi", data={"household_id": hid, "received_on": "01/12/2026", "support_form": "cash",
                                   "purchase_date": "", "evidence_note": "", "note": ""}, follow_redirects=True)
    body = html.unescape(r.get_data(as_text=True))
    assert r.status_code == 200 and "Đã nhận hồ sơ." in body
    assert ("Chưa xét được điều kiện E5: Hộ đề nghị hỗ trợ bằng tiền nhưng chưa ghi ngày mua điện thoại (phải từ "
            "12/12/2022 trở đi). Hãy dặn hộ mang đến bổ sung: hóa đơn hoặc giấy tờ mua điện thoại có ghi ngày mua") in body
    assert "Ghi ngày hộ mua điện thoại (E5)" in body  # the form the warning points to, on the page it lands on


def test_duplicate_application_links_to_the_first(app, data):
    hid = data["households"][0]
    first = make_application(app, hid, check=False)
    c = client_as(app, "clerk")
    r = c.get(f"/ho-so/moi?household_id={hid}")
    assert f'/ho-so/{first}"'.encode() in r.data and "đã có hồ sơ".encode() in r.data
    r = c.post("/ho-so/moi", data={"household_id": hid, "received_on": "05/11/2026", "support_form": "package"})
    assert r.status_code == 422  # refused: the page again, not a success
    assert "Mỗi hộ chỉ nộp một hồ sơ".encode() in r.data
    assert f'href="/ho-so/{first}"'.encode() in r.data
    s = sessionmaker(app)()
    assert s.scalar(select(func.count()).select_from(Application)) == 1
    s.close()


def test_form_errors_are_shown(app, data):
    c = client_as(app, "clerk")
    r = c.post("/ho-so/moi", data={"household_id": data["households"][0], "received_on": "31/02/2026",
                                   "support_form": "package"})
    assert r.status_code == 422 and "chỉ có 28 ngày".encode() in r.data


def test_undecided_then_record_prior_device_and_recheck(app, data):
    aid = make_application(app, data["households"][2])
    assert state_of(app, aid) == "received"
    c = client_as(app, "clerk")
    page = c.get(f"/ho-so/{aid}")
    assert "Chưa kết luận được".encode() in page.data and b'action="/ho-so/%d/thiet-bi"' % aid in page.data
    r = c.post(f"/ho-so/{aid}/thiet-bi", data={"prior_device": "none"}, follow_redirects=True)
    assert "kết quả kiểm tra lại: Đủ điều kiện".encode() in r.data
    assert state_of(app, aid) == "eligible"
    assert r.data.count("Chưa đủ thông tin để kết luận".encode()) >= 1  # the old decision stays visible


def test_a_failed_rule_and_an_unknown_one_read_as_not_eligible_everywhere(app, data):
    """domain.md §2: a definite failure decides even while another rule cannot; the page's label,
    its box, the history line and the flash all say «Không đủ điều kiện», never «Chưa kết luận»."""
    s = sessionmaker(app)()
    h = factories.household(s, code="W9", head_name="Trần Văn Lộc", category=None, list_year=THIS_YEAR,
                            prior_device="vtci_tablet", prior_device_date=dt.date(2022, 3, 4))
    s.commit()
    hid = h.id
    s.close()
    aid = make_application(app, hid)
    c = client_as(app, "clerk")
    page = c.get(f"/ho-so/{aid}").data.decode()
    assert "Kết quả kiểm tra điều kiện: Không đủ điều kiện" in page
    assert "Chưa kết luận được" not in page
    box = (f"Không đủ điều kiện vì không đạt E2. Còn thiếu phân loại hộ nghèo/cận nghèo năm {THIS_YEAR}, "
           "nhưng bổ sung cũng không thay đổi kết luận này.")
    assert page.count(box) == 2  # the latest check's box and its line in the history
    r = c.post(f"/ho-so/{aid}/kiem-tra", data={}, follow_redirects=True)
    assert ("Kết quả kiểm tra: Không đủ điều kiện. " + box).encode() in r.data
    assert "Chưa kết luận được".encode() not in r.data


def test_withdraw_needs_a_reason_and_refuse_is_for_approvers(app, data):
    aid = make_application(app, data["households"][0])
    c = client_as(app, "clerk")
    r = c.post(f"/ho-so/{aid}/rut", data={"reason": ""}, follow_redirects=True)
    assert "Hãy ghi rõ lý do".encode() in r.data and state_of(app, aid) == "eligible"
    page = c.get(f"/ho-so/{aid}")
    assert b"data-confirm=" in page.data and b"/tu-choi" not in page.data
    assert c.post(f"/ho-so/{aid}/tu-choi", data={"reason": "x"}).status_code == 403
    a = client_as(app, "approver")
    assert b"/tu-choi" in a.get(f"/ho-so/{aid}").data
    r = a.post(f"/ho-so/{aid}/tu-choi", data={"reason": "Hộ không cư trú tại xã"}, follow_redirects=True)
    assert "Đã từ chối hồ sơ".encode() in r.data and state_of(app, aid) == "refused"
    assert "Hộ không cư trú tại xã".encode() in r.data


def test_illegal_move_shows_a_clear_message_and_changes_nothing(app, data):
    aid = make_application(app, data["households"][0])
    c = client_as(app, "clerk")
    r = c.post(f"/ho-so/{aid}/bo-khoi-danh-sach", data={"reason": "thử"}, follow_redirects=True)
    assert ("Không thể làm bước này: hồ sơ đang ở trạng thái «Đủ điều kiện» (trang có thể đã cũ). Hãy tải lại trang "
            "để xem các bước làm được.") in html.unescape(r.get_data(as_text=True))
    assert state_of(app, aid) == "eligible"


def test_queues_counts_search_and_pagination(app, data):
    for hid in data["households"]:
        make_application(app, hid)
    c = client_as(app, "clerk")
    r = c.get("/ho-so/")
    assert "Tất cả <b>3</b>".encode() in r.data
    assert "Đủ điều kiện <b>2</b>".encode() in r.data and "Đã tiếp nhận <b>1</b>".encode() in r.data
    r = c.get("/ho-so/?state=received")
    assert "Lý Ngọc Ẩn".encode() in r.data and "Đặng Văn Hưởng".encode() not in r.data
    r = c.get("/ho-so/?q=tuyet")
    assert "Nguyễn Thị Ánh Tuyết".encode() in r.data and "Lý Ngọc Ẩn".encode() not in r.data
    # The queue tabs count what the search finds (a tester saw «Tất cả 32» over an empty result).
    assert "Tất cả <b>1</b>".encode() in r.data and "Đủ điều kiện <b>1</b>".encode() in r.data
    assert "Đã tiếp nhận <b>0</b>".encode() in r.data
    r = c.get("/ho-so/?q=zzzqqq")
    assert "Tất cả <b>0</b>".encode() in r.data and "Đủ điều kiện <b>0</b>".encode() in r.data
    s = sessionmaker(app)()
    code = s.scalar(select(Application.tracking_code).join(Household).where(Household.code == "W1"))
    s.close()
    r = c.get("/ho-so/?q=" + tracking.display(code).lower())
    assert "Đặng Văn Hưởng".encode() in r.data and "Lý Ngọc Ẩn".encode() not in r.data


# ------------------------------------------------------------------ lists


def test_the_waiting_list_is_paginated_with_ranks_across_pages(app, data):
    """55 waiting households: 50 on the first page (ranks 1-50), ranks 51-55 on the second; the
    places the quota still covers are marked by their rank in the whole list, not on the page."""
    from subsidy.services import allocations

    s = sessionmaker(app)()
    clerk = s.scalar(select(User).where(User.username == "clerk"))
    for i in range(55):
        h = factories.household(s, code=f"CHO{i:03d}", head_name=f"Trần Văn Chờ {chr(65 + i % 26)}{'aei'[i // 26]}",
                                list_year=THIS_YEAR, prior_device="none", citizen_id=f"0820700{i:05d}",
                                search_text=f" cho{i:03d}")
        a = applications.apply(s, applications.ApplicationInput(household_id=h.id, support_form="package"), clerk)
        applications.check_eligibility(s, a, clerk)
    allocations.record_allocation(s, 52, today_vn(), "CV 1/STTTT", clerk)
    s.commit()
    s.close()
    c = client_as(app, "clerk")
    first = c.get("/danh-sach/").get_data(as_text=True)
    assert "Danh sách chờ (55)" in first and "Trang 1/2 · 55 mục" in first
    assert first.count('<span class="rank">') == 50 and '<span class="rank">50</span>' in first
    assert first.count('class="in-quota"') == 50  # 52 places: all 50 of this page are covered
    second = c.get("/danh-sach/?page=2").get_data(as_text=True)
    assert second.count('<span class="rank">') == 5 and '<ol class="app-list ranked" start="51">' in second
    assert '<span class="rank">51</span>' in second and '<span class="rank">55</span>' in second
    assert second.count('class="in-quota"') == 2  # ranks 51 and 52
    assert "Trang 2/2 · 55 mục" in second



def test_allocate_build_approve_and_download(app, data):
    # The list's ký hiệu from the commune's kind codes (its row, edited under «Xã»), as receipts'.
    from subsidy.models import Commune
    s = app.extensions["subsidy.sessionmaker"]()
    s.scalars(select(Commune)).one().kind_codes = "list=DSHT"
    s.commit()
    s.close()
    for hid in data["households"][:2]:
        make_application(app, hid)
    clerk = client_as(app, "clerk")
    r = clerk.post("/danh-sach/phan-bo", data={"quantity": "1", "allocated_on": "01/11/2026",
                                                "source_document": "Công văn số 215/STTTT"}, follow_redirects=True)
    assert "Đã ghi phân bổ 1 máy".encode() in r.data
    r = clerk.get("/danh-sach/")
    assert "Danh sách chờ (2)".encode() in r.data
    assert r.data.index("Đặng Văn Hưởng".encode()) < r.data.index("Nguyễn Thị Ánh Tuyết".encode())  # P1 first
    r = clerk.post("/danh-sach/lap", data={"count": "2"})
    assert r.status_code == 422 and (
        "Vượt chỉ tiêu: xã được phân bổ 1 máy, đã dùng 0 chỗ (hồ sơ đã đề nghị, đã phê duyệt, đã bàn giao hoặc đã chi "
        "tiền), còn 1 chỗ trống, không đưa được 2 hộ vào danh sách đề nghị. Hãy chọn tối đa 1 hộ; các hộ còn lại ở danh "
        "sách chờ theo thứ tự ưu tiên.").encode() in r.data
    r = clerk.post("/danh-sach/lap", data={"count": "abc"})
    assert r.status_code == 422 and "Phải là số nguyên".encode() in r.data
    assert "Số hộ phải từ 1 trở lên".encode() not in r.data
    r = clerk.post("/danh-sach/lap", data={}, follow_redirects=False)
    assert r.status_code == 302
    s = sessionmaker(app)()
    pl = s.scalar(select(ProposalList))
    lid = pl.id
    # The draft's one application: what an approval of it is sent with (no page offers it one).
    on_list = s.scalar(select(Application.id).where(Application.proposal_list_id == lid))
    s.close()
    r = clerk.get(f"/danh-sach/{lid}")
    assert "Đặng Văn Hưởng".encode() in r.data and "Ghi nhận phê duyệt cả danh sách".encode() not in r.data
    assert clerk.post(f"/danh-sach/{lid}/phe-duyet", data={}).status_code == 403
    approver = client_as(app, "approver")
    r = approver.post(f"/danh-sach/{lid}/phe-duyet", data={"decision_number": "312/QĐ-UBND",
                                                          "decision_date": f"{today_vn():%d/%m/%Y}",
                                                          "approving_body": "Ủy ban nhân dân xã Phú Tân",
                                                          "seen": str(on_list)},
                      follow_redirects=True)
    assert "1 hồ sơ chuyển sang «Đã được phê duyệt»".encode() in r.data
    assert "Đã ghi phê duyệt danh sách 01/DSHT-UBND".encode() in r.data  # numbered with the commune's kind codes
    pdf = approver.get(f"/danh-sach/{lid}/phe-duyet.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Đặng Văn Hưởng" in text and "312/QĐ-UBND" in text and "Nguyễn Thị Ánh Tuyết" not in text
    x = clerk.get(f"/danh-sach/{lid}/de-nghi.xlsx")
    assert x.status_code == 200
    ws = load_workbook(io.BytesIO(x.data)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "082060000001" in values
    s = sessionmaker(app)()
    exports = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "proposal_list.export"))
    s.close()
    assert exports == 2
    assert clerk.get(f"/danh-sach/{lid}/khac.pdf").status_code == 404


def test_approved_documents_of_a_draft_list_are_refused(app, ids):
    r = client_as(app, "clerk").get(f"/danh-sach/{ids['lid']}/phe-duyet.pdf", follow_redirects=True)
    assert "chưa được phê duyệt".encode() in r.data


# ------------------------------------------------------------------ rule sets


def test_rule_sets_view_and_admin_preview(app, data):
    aid = make_application(app, data["households"][0], form="cash", purchase_date=dt.date(2023, 1, 15))
    clerk = client_as(app, "clerk")
    r = clerk.get("/bo-quy-tac/")
    assert "TT14-2022".encode() in r.data and "Đang có hiệu lực".encode() in r.data
    assert b"xem-truoc-tep" not in r.data
    admin = client_as(app, "admin")
    doc = json.loads((rulesets.RULESETS_DIR / "tt14-2022.json").read_text(encoding="utf-8"))
    doc.update({"version": 3, "cash_cutoff": "2023-06-01"})
    r = admin.post("/bo-quy-tac/xem-truoc-tep", data={"file": (io.BytesIO(json.dumps(doc).encode()), "v2.json")},
                   content_type="multipart/form-data")
    assert r.status_code == 200
    assert "TT14-2022 v3".encode() in r.data and "1 hồ sơ đổi kết quả".encode() in r.data
    s = sessionmaker(app)()
    assert s.scalar(select(func.count()).select_from(RuleSet)) == 1  # a preview stores nothing
    s.close()
    r = admin.post("/bo-quy-tac/luu", data={"document": json.dumps(doc)}, follow_redirects=True)
    assert "Đã lưu TT14-2022 phiên bản 3 (chưa áp dụng)".encode() in r.data
    s = sessionmaker(app)()
    v2 = s.scalar(select(RuleSet).where(RuleSet.version == 3))
    assert v2.active is False
    s.close()
    r = admin.get(f"/bo-quy-tac/{v2.id}/xem-truoc")
    assert r.status_code == 200 and "Bản mới".encode() in r.data and "Xem trước: TT14-2022 phiên bản 3".encode() in r.data
    admin.post(f"/bo-quy-tac/{v2.id}/ap-dung", follow_redirects=True)
    s = sessionmaker(app)()
    assert s.get(RuleSet, v2.id).active is True
    s.close()
    # the application checked under v1 keeps that decision; a re-check uses v2
    clerk.post(f"/ho-so/{aid}/kiem-tra")
    page = clerk.get(f"/ho-so/{aid}").data
    assert "TT14-2022 phiên bản 2".encode() in page and "TT14-2022 phiên bản 3".encode() in page
    bad = admin.post("/bo-quy-tac/xem-truoc-tep", data={"file": (io.BytesIO(b"{oops"), "x.json")},
                     content_type="multipart/form-data", follow_redirects=True)
    assert "Không đọc được tệp bộ quy tắc".encode() in bad.data


# ------------------------------------------------------------------ CSRF on


def test_forms_need_the_csrf_token(csrf_app):
    s = csrf_app.extensions["subsidy.sessionmaker"]()
    add_users(s, ["clerk"])
    rulesets.load_shipped(s)
    h = factories.household(s, code="C1", head_name="Lê Văn Tám", list_year=THIS_YEAR, prior_device="none")
    s.commit()
    hid = h.id
    s.close()
    c = csrf_app.test_client()
    page = c.get("/dang-nhap")
    r = c.post("/dang-nhap", data={"username": "clerk", "password": "Lua-chin-vang-2026", "csrf_token": csrf_token_from(page.data)})
    assert r.status_code == 302
    form = {"household_id": hid, "received_on": "05/11/2026", "support_form": "package"}
    assert c.post("/ho-so/moi", data=form).status_code == 400  # refused, nothing saved
    s = csrf_app.extensions["subsidy.sessionmaker"]()
    assert s.scalar(select(func.count()).select_from(Application)) == 0
    s.close()
    token = csrf_token_from(c.get(f"/ho-so/moi?household_id={hid}").data)
    r = c.post("/ho-so/moi", data=dict(form, csrf_token=token))
    assert r.status_code == 302
    aid = int(r.headers["Location"].rstrip("/").split("/")[-1])
    assert c.post(f"/ho-so/{aid}/kiem-tra").status_code == 400
    token = csrf_token_from(c.get(f"/ho-so/{aid}").data)
    assert c.post(f"/ho-so/{aid}/kiem-tra", data={"csrf_token": token}).status_code == 302
    s = csrf_app.extensions["subsidy.sessionmaker"]()
    assert s.get(Application, aid).state == "eligible"
    s.close()


def test_staff_see_the_rule_set_in_force_its_period_and_the_e2_rechecks(app, data):
    aid = make_application(app, data["households"][0])
    s = sessionmaker(app)()
    h = s.get(Household, data["households"][0])
    a = s.get(Application, aid)
    # refused under the earlier E2 (any device, whatever its date); the device's date is not known
    h.prior_device = "vtci_tablet"
    a.state = "not_eligible"
    d = applications.latest_decision(s, a)
    d.outcome, d.failed_rules = "not_eligible", ["E2"]
    s.commit()
    code = tracking.display(a.tracking_code)
    s.close()
    page = client_as(app, "clerk").get("/").get_data(as_text=True)
    assert "Bộ quy tắc đang áp dụng: <b>TT14-2022 phiên bản 2</b>" in page
    assert "Từ ngày 12/12/2022, chưa có ngày hết hiệu lực (áp dụng cho đến khi nạp bộ quy tắc thay thế)" in page
    assert "Hồ sơ cần kiểm tra lại điều kiện E2" in page and "chưa ghi ngày nhận" in page
    assert f'<a href="/ho-so/{aid}">{code}</a>' in page  # grouped by the one «tracking» filter
    assert "Bộ quy tắc đang áp dụng" not in client_as(app, "radio").get("/").get_data(as_text=True)
    s = sessionmaker(app)()
    rid = s.scalar(select(RuleSet.id))
    s.close()
    show = client_as(app, "clerk").get(f"/bo-quy-tac/{rid}").get_data(as_text=True)
    assert f"danh sách hộ nghèo, hộ cận nghèo năm {THIS_YEAR}" in show
    assert "máy tính bảng của Chương trình VTCI" in show  # counted with the phones under the ceiling


@pytest.mark.parametrize("configured,warned,word", [
    ("", True, "Chưa đặt địa chỉ công khai"),             # the test client's http://localhost/
    ("http://192.168.1.10:5000", True, "mạng nội bộ"),
    ("https://vtci.example.gov.vn", False, None),
])
def test_staff_are_warned_while_qr_codes_would_print_an_address_phones_cannot_open(app, data, configured, warned,
                                                                                 word):
    app.config["PUBLIC_BASE_URL"] = configured
    aid = make_application(app, data["households"][0])
    clerk = client_as(app, "clerk")
    for url in ("/", f"/ho-so/{aid}"):
        page = clerk.get(url).get_data(as_text=True)
        assert ("Quản trị cần đặt địa chỉ trang web trên Internet" in page) == warned
        if word:
            assert word in page and "điện thoại của người dân" in page
    assert "Quản trị cần đặt địa chỉ" not in client_as(app, "radio").get("/").get_data(as_text=True)
    admin_page = client_as(app, "admin").get("/quan-tri/tai-khoan").get_data(as_text=True)
    assert "Địa chỉ công khai cho mã QR" in admin_page and (configured or "chưa đặt") in admin_page
