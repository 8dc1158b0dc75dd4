"""The commune radio's page: the tally's counts, a ready-to-read paragraph with the date, how to
register (configurable), JSON and CSV downloads; counts only, never a person."""
from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

import pytest

from subsidy import create_app
from subsidy.services import radio
from subsidy.services.errors import ServiceError
from subsidy.domain.calendar import after_today_message, today_vn
from subsidy.services.tally import RadioCounts, tally_period
from tests import factories
from tests.conftest import login

NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Võ Thị Giang",
         "Đặng Văn Hải", "Bùi Thị Lan", "Ngô Văn Ích"]

MARCH_31 = (
    "Tính đến ngày 31/03/2026, toàn xã Phú Tân đã có 3 hộ nghèo, hộ cận nghèo được hỗ trợ điện thoại thông "
    "minh từ Chương trình cung cấp dịch vụ viễn thông công ích, gồm 2 hộ nhận điện thoại và 1 hộ nhận tiền "
    "hỗ trợ tự mua máy. Riêng trong tháng 03/2026 có 2 hộ được hỗ trợ. Theo từng ấp: Ấp Phú Hòa 1 hộ, "
    "Ấp Phú Thành 2 hộ; Ấp Phú Xuân, Ấp Phú Lợi, Ấp Phú Thạnh, Ấp Phú Hưng chưa có hộ nào. Hiện còn 1 hộ "
    "đủ điều kiện đang chờ đến lượt. Xã được phân bổ 7 suất hỗ trợ, còn 3 suất."
)


def page(client: Any, query: str = "", status: int = 200) -> str:
    resp = client.get("/phat-thanh/" + query)
    assert resp.status_code == status, resp.status_code
    return html.unescape(resp.get_data(as_text=True))


def test_page_reads_out_the_counts_of_a_given_day(client, login_as, history):
    login_as("radio")
    body = page(client, "?ngay=2026-03-31")
    assert MARCH_31 in body
    assert radio.DEFAULT_HOW_TO_REGISTER.replace("{commune}", "xã Phú Tân") in body
    for name in NAMES:
        assert name not in body


def test_page_defaults_to_today_with_the_date_dd_mm_yyyy(app, client, login_as, history):
    login_as("radio")
    today = today_vn()
    body = page(client)
    assert f"Tính đến ngày {today:%d/%m/%Y}, toàn xã Phú Tân đã có 3 hộ" in body
    sess = app.extensions["subsidy.sessionmaker"]()
    t = tally_period(sess, None, today)
    sess.close()
    assert t.totals.supported == 3  # the history ends in March; nothing happened since


@pytest.mark.parametrize("role", ["clerk", "approver", "admin"])
def test_staff_may_see_it_too(client, login_as, history, role):
    login_as(role)
    assert MARCH_31 in page(client, "?ngay=2026-03-31")


def test_signed_out_is_sent_to_sign_in(client):
    for path in ("/phat-thanh/", "/phat-thanh/so-lieu.json", "/phat-thanh/so-lieu.csv"):
        resp = client.get(path)
        assert resp.status_code == 302 and resp.headers["Location"].startswith("/dang-nhap")


def test_json_download_equals_the_tally(app, client, login_as, history):
    login_as("radio")
    resp = client.get("/phat-thanh/so-lieu.json?ngay=2026-02-28")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert "attachment" in resp.headers["Content-Disposition"]
    got = json.loads(resp.data)
    sess = app.extensions["subsidy.sessionmaker"]()
    day = dt.date(2026, 2, 28)
    cumulative = tally_period(sess, None, day, hamlets=app.config["HAMLETS"])
    month = tally_period(sess, dt.date(2026, 2, 1), day)
    sess.close()
    # End of February: A1 and A3 handed over, A5 paid (voided only in March).
    assert (got["supported_total"], got["supported_handed_over"], got["supported_paid"]) == (3, 2, 1)
    assert got["supported_total"] == cumulative.totals.supported
    assert got["supported_this_month"] == month.totals.supported == 3
    assert got["waiting"] == cumulative.totals.waiting
    assert got["quota_left"] == cumulative.quota.left
    assert {h["hamlet"]: h["supported"] for h in got["per_hamlet"]} == {
        r.key: r.figures.supported for r in cumulative.by_hamlet.rows}


def test_csv_download(client, login_as, history):
    login_as("radio")
    resp = client.get("/phat-thanh/so-lieu.csv?ngay=2026-03-31")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    text = resp.data.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "Chỉ số,Giá trị"
    assert "Số hộ đã được hỗ trợ (lũy kế),3" in lines
    assert "Đã hỗ trợ - Ấp Phú Thành,2" in lines


def test_bad_date_is_refused_politely(client, login_as, history):
    login_as("radio")
    body = page(client, "?ngay=03/31/2026", 422)  # month first: month 31 does not exist
    assert "tháng 31 không hợp lệ (tháng phải từ 1 đến 12). Ngày phải viết theo thứ tự ngày/tháng/năm" in body
    # day first, as typed in the page's text field (dd/mm/yyyy or dd-mm-yyyy), is the same day as the ISO link
    assert MARCH_31 in page(client, "?ngay=31-03-2026") and MARCH_31 in page(client, "?ngay=31/03/2026")
    assert client.get("/phat-thanh/so-lieu.json?ngay=x").status_code == 422
    assert client.get("/phat-thanh/so-lieu.csv?ngay=1999-01-01").status_code == 422
    # A day that has not come is said so (it used to be answered silently with today's figures),
    # and refused like any other date (422), as one before 2000 is.
    body = page(client, "?ngay=01/01/2099", 422)
    assert (f"Ngày tính số liệu (01/01/2099) không được sau ngày hôm nay ({today_vn():%d/%m/%Y}). "
            "Số liệu chỉ có đến hôm nay: hãy chọn ngày hôm nay hoặc một ngày đã qua.") in body
    assert client.get("/phat-thanh/so-lieu.json?ngay=2099-01-01").status_code == 422
    body = page(client, "?ngay=01/01/1900", 422)
    assert f"Ngày 01/01/1900 không hợp lệ: chọn một ngày từ 01/01/2000 đến hôm nay ({today_vn():%d/%m/%Y})." in body
    assert "Không đọc được ngày «abc»" in page(client, "?ngay=abc", 422)


def test_a_very_long_date_is_echoed_cut_short(client, login_as, history):
    login_as("radio")
    body = page(client, "?ngay=" + "7" * 500, 422)
    assert "Không đọc được ngày «" + "7" * 40 + "…». Hãy nhập ngày theo dạng ngày/tháng/năm" in body
    assert "7" * 41 not in body


def test_how_to_register_is_configurable(app_config, history):
    app = create_app(dict(app_config, RADIO_HOW_TO_REGISTER="Đăng ký tại nhà văn hóa ấp vào sáng thứ Hai."))
    try:
        client = app.test_client()
        sess = app.extensions["subsidy.sessionmaker"]()
        factories.user(sess, "radio", "dai")
        sess.commit()
        sess.close()
        assert login(client, "dai").status_code == 302
        body = page(client, "?ngay=2026-03-31")
        assert MARCH_31 in body and "<p>Đăng ký tại nhà văn hóa ấp vào sáng thứ Hai.</p>" in body
        assert radio.DEFAULT_HOW_TO_REGISTER[:40] not in body
    finally:
        app.extensions["subsidy.engine"].dispose()


def _rc(**kw: Any) -> RadioCounts:
    base = dict(as_of=dt.date(2026, 11, 30), generated_at=dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc),
                supported_total=0, supported_handed_over=0, supported_paid=0, supported_this_month=0,
                per_hamlet=(("Ấp A", 0), ("Ấp B", 0)), waiting=0, quota_allocated=0, quota_used=0, quota_left=0)
    base.update(kw)
    return RadioCounts(**base)


def test_paragraph_when_nothing_has_happened_yet():
    text = radio.announcement(_rc(), "xã Phú Tân", "Mời đăng ký.")
    assert text == ("Tính đến ngày 30/11/2026, toàn xã Phú Tân chưa có hộ nào nhận hỗ trợ điện thoại thông minh "
                    "từ Chương trình cung cấp dịch vụ viễn thông công ích. Mời đăng ký.")


def test_paragraph_with_large_numbers_and_quota_used_up():
    text = radio.announcement(
        _rc(supported_total=1250, supported_handed_over=1250, supported_this_month=0,
            per_hamlet=(("Ấp A", 1250), ("Ấp B", 0)), waiting=12, quota_allocated=1250, quota_used=1262,
            quota_left=-12), "xã Phú Tân", "Mời đăng ký.")
    assert text == (
        "Tính đến ngày 30/11/2026, toàn xã Phú Tân đã có 1.250 hộ nghèo, hộ cận nghèo được hỗ trợ điện thoại "
        "thông minh từ Chương trình cung cấp dịch vụ viễn thông công ích, gồm 1.250 hộ nhận điện thoại. "
        "Trong tháng 11/2026 chưa có thêm hộ nào được hỗ trợ. Theo từng ấp: Ấp A 1.250 hộ; Ấp B chưa có hộ nào. "
        "Hiện còn 12 hộ đủ điều kiện đang chờ đến lượt. Xã được phân bổ 1.250 suất hỗ trợ và đã xét chọn đủ số hộ; "
        "12 hộ đã được chọn đang chờ nhận hỗ trợ. Các hộ đủ điều kiện khác sẽ được xét khi có thêm suất. Mời đăng ký.")


def test_used_up_only_when_every_place_is_handed_over():
    done = radio.announcement(_rc(supported_total=5, supported_handed_over=5, per_hamlet=(("Ấp A", 5),),
                                  quota_allocated=5, quota_used=5, quota_left=0), "xã Phú Tân", "")
    assert "5 suất hỗ trợ và đã dùng hết" in done
    pending = radio.announcement(_rc(supported_total=4, supported_handed_over=4, per_hamlet=(("Ấp A", 4),),
                                     quota_allocated=5, quota_used=5, quota_left=0), "xã Phú Tân", "")
    assert "dùng hết" not in pending and "1 hộ đã được chọn đang chờ nhận hỗ trợ" in pending


def test_csv_cells_never_start_like_a_formula():
    import csv
    import io

    text = radio.as_csv(_rc(per_hamlet=(("=HYPERLINK(\"http://x\")", 1), ("-1+1", 2))))
    cells = [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]
    assert "Đã hỗ trợ - =HYPERLINK(\"http://x\")" in cells
    assert not [c for c in cells if c and c[0] in "=+-@" and not c.lstrip("-").isdigit()]


def test_counts_outside_the_history_window(app, history):
    sess = app.extensions["subsidy.sessionmaker"]()
    with pytest.raises(Exception, match="01/01/2000"):
        radio.counts_for(sess, dt.date(1999, 12, 31), today=dt.date(2026, 11, 30))
    before = radio.counts_for(sess, dt.date(2026, 1, 1), today=dt.date(2026, 11, 30))
    assert before.supported_total == 0 and before.quota_allocated == 0
    with pytest.raises(ServiceError) as err:
        radio.counts_for(sess, dt.date(2027, 1, 1), today=dt.date(2026, 11, 30))
    # the one rule for a day after today (domain.calendar.after_today_message), page and API alike
    assert str(err.value) == ("Ngày tính số liệu (01/01/2027) không được sau ngày hôm nay (30/11/2026). "
                              "Số liệu chỉ có đến hôm nay: hãy chọn ngày hôm nay hoặc một ngày đã qua.")
    assert str(err.value) == after_today_message(dt.date(2027, 1, 1), radio.AS_OF_LABEL, dt.date(2026, 11, 30),
                                                 fix=radio.CHOOSE_A_DAY)
    assert radio.counts_for(sess, dt.date(2026, 11, 30), today=dt.date(2026, 11, 30)).as_of == dt.date(2026, 11, 30)
    sess.close()
