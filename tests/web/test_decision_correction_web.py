"""The approval form refuses a decision number that is not one (a tester typed
"<script>alert(1)</script>") and stores a loosely typed one as printed; an approver corrects an
approved list's decision from its page (behind a confirm, with a reason, audited); a clerk cannot."""
from __future__ import annotations

import datetime as dt
import html
import io
import re
import unicodedata

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from subsidy.domain.calendar import today_vn
from subsidy.models import AuditEntry, ProposalList, User
from subsidy.services import households, lists, rulesets
from tests import factories
from tests.conftest import login
from tests.page_forms import seen

TODAY = today_vn()
MADE = TODAY - dt.timedelta(days=10)


def maker(app):
    return app.extensions["subsidy.sessionmaker"]


@pytest.fixture
def list_id(app, make_user):
    """A list made 10 days ago with one eligible household, submitted for approval; users clerk and
    approver."""
    make_user("clerk", "clerk")
    make_user("approver", "approver", full_name="Võ Minh Duyệt")
    s = maker(app)()
    clerk = s.scalar(select(User).where(User.username == "clerk"))
    rulesets.load_shipped(s)
    h = households.register_household(s, households.HouseholdInput(
        code="QW001", head_name="Nguyễn Thị Ánh Tuyết", hamlet="Ấp Phú Hòa", category="poor",
        head_birth_year=1975, head_gender="F", citizen_id="082175004321", phone="0912345602",
        list_year=TODAY.year, meritorious=False, social_policy=False, prior_device="none"), clerk)
    factories.eligible(s, clerk, h, received_on=MADE - dt.timedelta(days=5))
    factories.allocation(s, clerk, 1, MADE - dt.timedelta(days=1))
    pl, _ = factories.proposal_list(s, clerk, created_on=MADE)
    lists.submit_list(s, pl, clerk)  # the approver decides lists submitted to them
    s.commit()
    out = pl.id
    s.close()
    return out


def signed_in(app, username):
    c = app.test_client()
    assert login(c, username).status_code == 302
    return c


def stored(app, list_id):
    s = maker(app)()
    try:
        pl = s.get(ProposalList, list_id)
        return pl.status, pl.decision_number, pl.decision_date, pl.approving_body
    finally:
        s.close()


def page(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def plain(resp) -> str:
    """The page's text without tags, single spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True))).split()).replace(" ,", ",")


def approve(client, list_id, number, day=TODAY - dt.timedelta(days=5), body="Ủy ban nhân dân xã Phú Tân"):
    return client.post(f"/danh-sach/{list_id}/phe-duyet", data={
        "decision_number": number, "decision_date": f"{day:%d/%m/%Y}", "approving_body": body,
        "seen": seen(client, f"/danh-sach/{list_id}", form_action=f"/danh-sach/{list_id}/phe-duyet")},
        follow_redirects=True)


def test_the_testers_input_is_refused_with_the_message(app, list_id):
    r = approve(signed_in(app, "approver"), list_id, "<script>alert(1)</script>")
    assert r.status_code == 422  # the page again, with the message under the field (no redirect)
    assert "<script>alert(1)</script>" not in r.get_data(as_text=True)
    assert ("Số quyết định có ký tự không dùng trong số văn bản: «<», «>», «(», «)». Số quyết định gồm số thứ tự, "
            "dấu «/» rồi ký hiệu (chữ in hoa không dấu, chữ Đ, chữ số; các nhóm nối bằng «-»), ví dụ 123/QĐ-UBND "
            "(hoặc 45/2026/QĐ-UBND).") in page(r)
    assert stored(app, list_id) == ("submitted", None, None, None)


def test_a_loosely_typed_number_is_stored_as_printed(app, list_id):
    r = approve(signed_in(app, "approver"), list_id, "số 12 / qđ-ubnd")
    assert "1 hồ sơ chuyển sang «Đã được phê duyệt»" in page(r)
    day = TODAY - dt.timedelta(days=5)
    assert stored(app, list_id) == ("approved", "12/QĐ-UBND", day, "Ủy ban nhân dân xã Phú Tân")
    assert f"Quyết định số 12/QĐ-UBND ngày {day:%d/%m/%Y} của Ủy ban nhân dân xã Phú Tân" in plain(r)


def pdf_text(resp) -> str:
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    return " ".join(" ".join(unicodedata.normalize("NFC", p.extract_text()).split())
                    for p in PdfReader(io.BytesIO(resp.data)).pages)


def test_an_approver_corrects_the_decision_from_the_page(app, list_id):
    approver = signed_in(app, "approver")
    approve(approver, list_id, "312/QĐ-UBND")
    old_day, new_day = TODAY - dt.timedelta(days=5), TODAY - dt.timedelta(days=4)
    assert f"Quyết định số 312/QĐ-UBND ngày {old_day:%d/%m/%Y}" in pdf_text(
        approver.get(f"/danh-sach/{list_id}/phe-duyet.pdf"))

    shown = page(approver.get(f"/danh-sach/{list_id}"))
    assert "Sửa số, ngày hoặc cơ quan của quyết định…" in shown
    assert (f'data-confirm="Sửa quyết định phê duyệt danh sách 01/DS-UBND (đang ghi: số 312/QĐ-UBND ngày '
            f'{old_day:%d/%m/%Y})?') in shown
    assert 'value="312/QĐ-UBND"' in shown  # the form starts from the values recorded

    r = approver.post(f"/danh-sach/{list_id}/sua-quyet-dinh", data=with_seen(approver, list_id, {
        "decision_number": "321/qđ-ubnd", "decision_date": f"{new_day:%d/%m/%Y}",
        "approving_body": "Ủy ban nhân dân xã Phú Tân", "reason": "Gõ nhầm số và ngày khi ghi nhận"}),
        follow_redirects=True)
    text, words = page(r), plain(r)
    assert (f"Đã sửa quyết định phê duyệt danh sách 01/DS-UBND: số quyết định 312/QĐ-UBND → 321/QĐ-UBND; "
            f"ngày quyết định {old_day:%d/%m/%Y} → {new_day:%d/%m/%Y}.") in text
    assert f"theo Quyết định số 321/QĐ-UBND ngày {new_day:%d/%m/%Y} của Ủy ban nhân dân xã Phú Tân" in words
    assert "Đã sửa (1 lần)" in text and "<s>312/QĐ-UBND</s> → <b>321/QĐ-UBND</b>" in text
    assert "Lý do: Gõ nhầm số và ngày khi ghi nhận" in text and "Võ Minh Duyệt" in text

    pdf = pdf_text(approver.get(f"/danh-sach/{list_id}/phe-duyet.pdf"))
    assert f"(Kèm theo Quyết định số 321/QĐ-UBND ngày {new_day:%d/%m/%Y} của Ủy ban nhân dân xã Phú Tân)" in pdf
    assert "312/QĐ-UBND" not in pdf
    assert stored(app, list_id) == ("approved", "321/QĐ-UBND", new_day, "Ủy ban nhân dân xã Phú Tân")

    s = maker(app)()
    entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "proposal_list.correct_decision")).one()
    assert (entry.entity_type, entry.entity_id, entry.actor.username) == ("proposal_list", list_id, "approver")
    assert entry.changes == {"decision_number": ["312/QĐ-UBND", "321/QĐ-UBND"],
                             "decision_date": [old_day.isoformat(), new_day.isoformat()]}
    assert entry.note == "Gõ nhầm số và ngày khi ghi nhận"
    s.close()


def test_a_correction_needs_a_reason_and_a_valid_number(app, list_id):
    approver = signed_in(app, "approver")
    approve(approver, list_id, "312/QĐ-UBND")
    day = TODAY - dt.timedelta(days=5)
    data = {"decision_number": "321/QĐ-UBND", "decision_date": f"{day:%d/%m/%Y}",
            "approving_body": "Ủy ban nhân dân xã Phú Tân"}
    r = approver.post(f"/danh-sach/{list_id}/sua-quyet-dinh", data=with_seen(approver, list_id, dict(data, reason="")), follow_redirects=True)
    assert "Hãy ghi rõ lý do sửa." in page(r)
    r = approver.post(f"/danh-sach/{list_id}/sua-quyet-dinh",
                      data=with_seen(approver, list_id, dict(data, decision_number="<script>alert(1)</script>", reason="sửa")), follow_redirects=True)
    assert "Số quyết định có ký tự không dùng trong số văn bản: «<», «>», «(», «)»." in page(r)
    assert stored(app, list_id)[1] == "312/QĐ-UBND"


def test_a_clerk_cannot_correct(app, list_id):
    approve(signed_in(app, "approver"), list_id, "312/QĐ-UBND")
    clerk = signed_in(app, "clerk")
    day = TODAY - dt.timedelta(days=5)
    r = clerk.post(f"/danh-sach/{list_id}/sua-quyet-dinh", data={
        "decision_number": "321/QĐ-UBND", "decision_date": f"{day:%d/%m/%Y}",
        "approving_body": "Ủy ban nhân dân xã Phú Tân", "reason": "sửa"})
    assert r.status_code == 403
    assert stored(app, list_id)[1] == "312/QĐ-UBND"
    shown = plain(clerk.get(f"/danh-sach/{list_id}"))
    assert "Quyết định số 312/QĐ-UBND" in shown and "Sửa số, ngày hoặc cơ quan của quyết định" not in shown


def field_html(text: str, name: str) -> str:
    """The <div class="field …"> of form field ``name`` (its input and its error messages)."""
    m = re.search(r'<div class="field [^"]*">(?:(?!<div class="field ).)*?id="' + name + r'".*?(?=<div class="field |</form>)',
                  text, re.S)
    assert m, name
    return m.group(0)


def test_approval_shows_every_mistake_at_once_and_keeps_what_was_typed(app, list_id):
    early = MADE - dt.timedelta(days=1)
    r = approve(signed_in(app, "approver"), list_id, "", day=early, body="UBND xã Phú Tân (tỉnh Đồng Tháp)")
    assert r.status_code == 422
    text = page(r)
    assert "Việc ghi nhận phê duyệt chưa được lưu: có 2 ô cần sửa." in text
    number = field_html(text, "decision_number")
    assert "has-error" in number and "Hãy nhập số quyết định, ví dụ 123/QĐ-UBND." in number
    date = field_html(text, "decision_date")
    assert (f"Ngày quyết định không được trước ngày lập danh sách ({MADE:%d/%m/%Y}): quyết định phê duyệt ký sau "
            f"khi có danh sách. Hãy ghi ngày ký in trên quyết định.") in date
    assert f'value="{early:%d/%m/%Y}"' in date  # not reset to today
    assert 'value="UBND xã Phú Tân (tỉnh Đồng Tháp)"' in field_html(text, "approving_body")
    assert '<a href="#decision_number">Số quyết định phê duyệt</a>' in text
    assert stored(app, list_id) == ("submitted", None, None, None)


@pytest.mark.parametrize("typed, message", [
    ("12/QĐ-UBND/extra", "có phần thừa «/EXTRA» sau ký hiệu «QĐ-UBND»"),
    ("12/A", "Ký hiệu «A» của số quyết định «12/A» chỉ có một nhóm"),
    ("12/2026/2026/QĐ-UBND", "ghi năm 2 lần («2026», «2026»)"),
    ("12/X-Y-Z-W-V-U-T", "có 7 nhóm, nhiều nhất là 3"),
    ("1e3/QĐ-UBND", "Số thứ tự của quyết định «1e3» có «e» không phải chữ số"),
])
def test_the_testers_malformed_numbers_are_refused_and_kept_in_the_field(app, list_id, typed, message):
    r = approve(signed_in(app, "approver"), list_id, typed)
    assert r.status_code == 422
    number = field_html(page(r), "decision_number")
    assert message in number and f'value="{typed}"' in number
    assert stored(app, list_id) == ("submitted", None, None, None)


def test_a_wrong_correction_reopens_the_form_with_every_mistake_and_what_was_typed(app, list_id):
    approver = signed_in(app, "approver")
    approve(approver, list_id, "312/QĐ-UBND")
    assert "<details class=\"move\">" in page(approver.get(f"/danh-sach/{list_id}"))  # folded at first
    early = MADE - dt.timedelta(days=1)
    r = approver.post(f"/danh-sach/{list_id}/sua-quyet-dinh", data=with_seen(approver, list_id, {
        "decision_number": "12/A", "decision_date": f"{early:%d/%m/%Y}",
        "approving_body": "Ủy ban nhân dân xã Phú Tân", "reason": "  "}))
    assert r.status_code == 422
    text = page(r)
    assert '<details class="move" open>' in text
    assert "Việc sửa quyết định chưa được lưu: có 3 ô cần sửa." in text
    number = field_html(text, "decision_number")
    assert "Ký hiệu «A» của số quyết định «12/A» chỉ có một nhóm" in number and 'value="12/A"' in number
    date = field_html(text, "decision_date")
    assert "không được trước ngày lập danh sách" in date and f'value="{early:%d/%m/%Y}"' in date
    assert "Hãy ghi rõ lý do sửa." in field_html(text, "reason")
    assert stored(app, list_id)[1] == "312/QĐ-UBND"


def test_a_correction_refused_by_the_service_keeps_the_reason_typed(app, list_id):
    approver = signed_in(app, "approver")
    approve(approver, list_id, "312/QĐ-UBND")
    day = TODAY - dt.timedelta(days=5)
    r = approver.post(f"/danh-sach/{list_id}/sua-quyet-dinh", data=with_seen(approver, list_id, {
        "decision_number": "12/TB-UBND", "decision_date": f"{day:%d/%m/%Y}",
        "approving_body": "Ủy ban nhân dân xã Phú Tân", "reason": "Gõ nhầm số khi ghi nhận"}))
    assert r.status_code == 422
    text = page(r)
    assert '<details class="move" open>' in text and "có 1 ô cần sửa" in text
    assert "«TB» là chữ viết tắt của thông báo, không phải quyết định" in field_html(text, "decision_number")
    assert "Gõ nhầm số khi ghi nhận</textarea>" in field_html(text, "reason")
    # nothing to change: said above the form, which stays open
    r = approver.post(f"/danh-sach/{list_id}/sua-quyet-dinh", data=with_seen(approver, list_id, {
        "decision_number": "312/QĐ-UBND", "decision_date": f"{day:%d/%m/%Y}",
        "approving_body": "Ủy ban nhân dân xã Phú Tân", "reason": "sửa"}))
    assert r.status_code == 422
    assert "không có gì để sửa" in page(r) and '<details class="move" open>' not in page(r)


def test_a_number_another_list_carries_is_told_on_the_first_submit(app, list_id):
    """Another list of the commune was approved this year by «012/QĐ-UBND». Typing «12/QĐ-UBND»
    with the body left empty shows both messages after that one submit (422), not the number's
    only on the next one."""
    s = maker(app)()
    mine = s.get(ProposalList, list_id)
    s.add(ProposalList(commune_id=mine.commune_id, register_number="99/DS-UBND", created_on=MADE, status="approved",
                       decision_number="012/QĐ-UBND", decision_date=TODAY - dt.timedelta(days=3),
                       approving_body="Ủy ban nhân dân xã Phú Tân"))
    s.commit()
    s.close()
    r = approve(signed_in(app, "approver"), list_id, "12/QĐ-UBND", body="")
    assert r.status_code == 422
    text = plain(r)
    assert (f"Số quyết định 12/QĐ-UBND năm {TODAY.year} đã được ghi cho danh sách 99/DS-UBND (ngày "
            f"{TODAY - dt.timedelta(days=3):%d/%m/%Y}, ghi là 012/QĐ-UBND).") in text
    assert "Hãy nhập cơ quan phê duyệt." in text
    assert stored(app, list_id) == ("submitted", None, None, None)
    r = approve(signed_in(app, "approver"), list_id, "13/QĐ-UBND")
    assert stored(app, list_id)[:2] == ("approved", "13/QĐ-UBND")


def with_seen(client, list_id: int, data: dict) -> dict:
    """The decision's correction ``data`` with the list's version its page shows now (as a browser
    that opened the page sends it back)."""
    return {**data, "seen": seen(client, f"/danh-sach/{list_id}", form_action=f"/danh-sach/{list_id}/sua-quyet-dinh")}
