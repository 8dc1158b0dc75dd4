"""The audit log a leader can read: records named in words with a link, fields and values in words
(no code, no "False → True", no "#None"), changes apart from views, filters by person, dates, kind
and record, and the filtered log as Excel."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from subsidy.domain.calendar import VN_TZ
from subsidy.domain.labels import value_words
from subsidy.models import AuditEntry
from subsidy.services import audit
from tests import factories


def _at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=VN_TZ).astimezone(dt.timezone.utc)


@pytest.fixture
def log(app):
    s = app.extensions["subsidy.sessionmaker"]()
    clerk = factories.user(s, "clerk", "canbo", full_name="Trần Thị Cán", row=True)
    leader = factories.user(s, "approver", "lanhdao", full_name="Võ Minh Duyệt", row=True)
    h = factories.household(s, head_name="Mai Minh Nghĩa", code="PT-0042", phone="0912000042")
    a = factories.application(s, h, state="approved", code="FJ6Y4B5QCC")
    entries = [
        (clerk, "household.update", "household", h.id, {"phone": ["0912000041", "0912000042"]}, 1),
        (leader, "application.void_payment", "application", a.id, {"state": ["paid", "approved"]}, 2),
        (leader, "cash_payment.void", "cash_payment", 999, {"voided": [False, True]}, 2),
        (clerk, "application.view", "application", a.id, {}, 3),
        (clerk, "application.purchase_date", "application", a.id, {"purchase_date": ["2022-12-01", "2023-12-01"]}, 4),
    ]
    ids = {}
    for actor, action, kind, eid, changes, day in entries:
        e = audit.record(s, actor, action, kind, eid, changes)
        e.at = _at(day)
        s.flush()
        ids[action] = e.id
    s.commit()
    out = {"household": h.id, "application": a.id, "clerk": clerk.id, "leader": leader.id}
    s.close()
    return out


def _items(html: str) -> list[str]:
    """The log's entries as text (one per <li class="entry">), the login's own entries left out."""
    parts = re.split(r'<li class="entry[^"]*">', html)[1:]
    texts = [" ".join(re.sub(r"<[^>]+>", " ", p.split("</ol>")[0]).split()) for p in parts]
    return [t for t in texts if "Tài khoản admin" not in t]


def test_entries_read_in_words_with_links(client, login_as, log):
    login_as("approver")
    html = client.get("/quan-tri/nhat-ky").get_data(as_text=True)
    assert f'<a href="/ho-so/{log["application"]}">Hồ sơ FJ6Y-4B5Q-CC của hộ Mai Minh Nghĩa</a>' in html
    assert f'<a href="/ho-gia-dinh/{log["household"]}">Hộ Mai Minh Nghĩa (mã hộ PT-0042)</a>' in html
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Trạng thái: Đã chi hỗ trợ bằng tiền → Đã được phê duyệt" in text
    assert "Đã hủy: Không → Có" in text
    assert "Ngày mua điện thoại: 01/12/2022 → 01/12/2023" in text
    assert "Số điện thoại: 0912000041 → 0912000042" in text
    assert "Giấy biên nhận tiền (không còn trong hệ thống)" in text  # payment 999 is not on file
    for code in ("voided", "False", "True", "#None", "cash_payment", "application.", "paid →"):
        assert code not in text


def test_changes_by_default_views_apart(client, login_as, log):
    login_as("admin")
    changes = client.get("/quan-tri/nhat-ky").get_data(as_text=True)
    assert len(_items(changes)) == 4 and not any("Xem hồ sơ" in i for i in _items(changes))
    views = _items(client.get("/quan-tri/nhat-ky?kind=views").get_data(as_text=True))
    assert len(views) == 1 and views[0].startswith("Xem hồ sơ đề nghị trên web")


def test_filters_by_person_dates_and_record(client, login_as, log):
    login_as("approver")

    def actions(**q) -> list[str]:
        html = client.get("/quan-tri/nhat-ky", query_string=q).get_data(as_text=True)
        return [re.search(r"<b>([^<]+)</b>", li).group(1) for li in
                re.findall(r'<div class="audit-head">(.*?)</div>', html, re.S)]

    assert actions(actor=log["clerk"]) == ["Sửa ngày hộ mua điện thoại", "Sửa thông tin hộ"]
    assert actions(**{"from": "2026-03-02", "to": "2026-03-02"}) == ["Hủy giấy biên nhận tiền hỗ trợ",
                                                                    "Hủy giấy biên nhận"]
    assert actions(entity_type="application", entity_id=log["application"]) == [
        "Sửa ngày hộ mua điện thoại", "Hủy giấy biên nhận"]
    assert actions(kind="all", actor=log["clerk"], **{"from": "03/03/2026"}) == [
        "Sửa ngày hộ mua điện thoại", "Xem hồ sơ đề nghị trên web"]


def test_the_filtered_log_as_excel(client, login_as, log, app):
    login_as("approver")
    resp = client.get("/quan-tri/nhat-ky.xlsx", query_string={"actor": log["leader"]})
    assert resp.status_code == 200
    rows = [r for r in load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
    body = [r for r in rows[head + 1:] if r and isinstance(r[0], int)]
    assert [(r[1], r[2], r[3]) for r in body] == [
        ("02/03/2026 09:00", "Võ Minh Duyệt", "Hủy giấy biên nhận tiền hỗ trợ"),
        ("02/03/2026 09:00", "Võ Minh Duyệt", "Hủy giấy biên nhận")]
    assert body[1][4] == "Hồ sơ FJ6Y-4B5Q-CC của hộ Mai Minh Nghĩa"
    assert body[1][5] == "Trạng thái: Đã chi hỗ trợ bằng tiền → Đã được phê duyệt"
    s = app.extensions["subsidy.sessionmaker"]()
    [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "list.export")).all()
    assert entry.changes == {"list": "audit", "format": "xlsx", "rows": 2}
    s.close()


@pytest.mark.parametrize("field,value,words", [
    ("state", "paid", "Đã chi hỗ trợ bằng tiền"), ("voided", True, "Có"), ("archived", False, "Không"),
    ("category", "near_poor", "Hộ cận nghèo"), ("support_form", "cash", "Hỗ trợ bằng tiền (hộ đã tự mua máy)"),
    ("decision_date", "2026-02-01", "01/02/2026"), ("phone", None, "(trống)"), ("role", "approver",
                                                                                  "Lãnh đạo xã (phê duyệt)"),
    ("head_gender", "F", "Nữ"), ("priority_tier", 2, "P2 - Gia đình chính sách xã hội"),
    ("members", 4, "4"), ("status", "draft", "Đang lập (dự thảo)"), ("status", "submitted", "Đã trình, chờ phê duyệt"),
])
def test_values_in_words(field, value, words):
    assert value_words(field, value) == words


def test_dates_communes_and_job_kinds_in_words_and_unchanged_fields_left_out(app, client, login_as):
    from subsidy.models import Commune
    from subsidy.models.scoping import default_commune_id

    login_as("admin")
    s = app.extensions["subsidy.sessionmaker"]()
    commune = s.get(Commune, default_commune_id(s))
    audit.record(s, None, "user.create", "user", 999, {"username": [None, "nguoimoi"], "commune_id": [None, commune.id]})
    audit.record(s, None, "handover.create", "handover", 998,
                 {"handed_on": [None, "2026-03-05"], "imei2": [None, None], "telecom": [None, "VNPT"]})
    audit.record(s, None, "job.create", "job", 997, {"kind": [None, "bulk_check"], "total": [None, 12]})
    name = commune.name
    s.commit()
    s.close()
    text = " ".join(re.sub(r"<[^>]+>", " ", client.get("/quan-tri/nhat-ky").get_data(as_text=True)).split())
    assert f"Xã: (trống) → {name}" in text
    assert "Ngày bàn giao: (trống) → 05/03/2026" in text
    assert "Loại công việc: (trống) → Kiểm tra điều kiện hàng loạt" in text and "Số mục cần làm: (trống) → 12" in text
    assert "IMEI thứ hai" not in text  # written empty on creation: nothing changed
    for code in ("commune id", "handed on", "bulk_check"):
        assert code not in text
