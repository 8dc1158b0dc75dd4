"""The decision number, date and approving body of a list's approval (subsidy.domain.decisions;
Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.3)."""
from __future__ import annotations

import datetime as dt

import pytest

from subsidy.domain import decisions
from subsidy.domain.decisions import (DecisionFieldsError, DecisionValueError, check_decision, check_decision_date,
                                      citation, clean_approving_body, normalize_decision_number)
from subsidy.domain.vn import VnValueError

D = dt.date


@pytest.mark.parametrize("typed, stored", [
    ("123/QĐ-UBND", "123/QĐ-UBND"),
    ("45/2026/QĐ-UBND", "45/2026/QĐ-UBND"),
    ("12/QĐ-UBND-VX", "12/QĐ-UBND-VX"),
    ("05/QĐ-UBND", "05/QĐ-UBND"),                 # the leading 0 of the decree kept …
    ("5/QĐ-UBND", "5/QĐ-UBND"),                   # … and never added: the number stays as issued
    ("Số: 123/QĐ-UBND", "123/QĐ-UBND"),
    ("số 12 / qđ-ubnd", "12/QĐ-UBND"),
    ("SỐ:12/QĐ-UBND", "12/QĐ-UBND"),
    ("So 7/QD-UBND", "7/QĐ-UBND"),                # no Vietnamese keyboard
    ("Quyết định số 312/QĐ-UBND", "312/QĐ-UBND"),
    ("QĐ số 312/QĐ-UBND", "312/QĐ-UBND"),
    ("12 / QĐ - UBND - VX", "12/QĐ-UBND-VX"),
    ("12/qd-ubnd-vx", "12/QĐ-UBND-VX"),
    ("12/Q\u00d0-UBND", "12/QĐ-UBND"),           # the Icelandic eth Ð typed for Đ
    ("12/QĐ\u2013UBND", "12/QĐ-UBND"),            # en dash
    ("１２／ＱĐ－ＵＢＮＤ", "12/QĐ-UBND"),             # full-width
    ("12/QĐ-UB\u200bND", "12/QĐ-UBND"),           # zero-width space pasted from a web page
    ("2269/qđ-ttg", "2269/QĐ-TTg"),               # Thủ tướng Chính phủ keeps its "TTg"
    ("12/QĐ-UBND-KH2", "12/QĐ-UBND-KH2"),
    ("123456/2099/QĐ-ABCDEFGHĐ9-TTg", "123456/2099/QĐ-ABCDEFGHĐ9-TTg"),  # every part at its longest
    ("1/2000/QĐ-UBND", "1/2000/QĐ-UBND"),
    ("12/QĐ-STTTT", "12/QĐ-STTTT"),
])
def test_accepted_and_normalised(typed, stored):
    assert normalize_decision_number(typed) == stored


HOW = ("Số quyết định gồm số thứ tự, dấu «/» rồi ký hiệu (chữ in hoa không dấu, chữ Đ, chữ số; các nhóm nối bằng "
       "«-»), ví dụ 123/QĐ-UBND (hoặc 45/2026/QĐ-UBND).")


@pytest.mark.parametrize("typed, message", [
    ("<script>alert(1)</script>", f"Số quyết định có ký tự không dùng trong số văn bản: «<», «>», «(», «)». {HOW}"),
    ("", "Hãy nhập số quyết định phê duyệt, ví dụ 123/QĐ-UBND (hoặc 45/2026/QĐ-UBND)."),
    (None, "Hãy nhập số quyết định phê duyệt, ví dụ 123/QĐ-UBND (hoặc 45/2026/QĐ-UBND)."),
    ("  \u200b ", "Hãy nhập số quyết định phê duyệt, ví dụ 123/QĐ-UBND (hoặc 45/2026/QĐ-UBND)."),
    ("12", f"Số quyết định «12» thiếu dấu «/» và ký hiệu văn bản sau số thứ tự. {HOW}"),
    ("12-QĐ-UBND", f"Số quyết định «12-QĐ-UBND» thiếu dấu «/» và ký hiệu văn bản sau số thứ tự. {HOW}"),
    ("QĐ-UBND", f"Số quyết định «QĐ-UBND» phải bắt đầu bằng số thứ tự của văn bản (chữ số). {HOW}"),
    ("QĐ 12/UBND", f"Số quyết định «QĐ 12/UBND» phải bắt đầu bằng số thứ tự của văn bản (chữ số). {HOW}"),
    ("12/QĐ UBND",
     f"Số quyết định «12/QĐ UBND» có khoảng trắng giữa các chữ: ký hiệu viết liền, không cách chữ. {HOW}"),
    ("12//QĐ-UBND", f"Số quyết định «12//QĐ-UBND» có nhóm ký hiệu trống (hai dấu «/» hoặc «-» liền nhau, hay dấu ở "
                    f"cuối). {HOW}"),
    ("12/QĐ-UBND-", f"Số quyết định «12/QĐ-UBND-» có nhóm ký hiệu trống (hai dấu «/» hoặc «-» liền nhau, hay dấu ở "
                    f"cuối). {HOW}"),
    ("12/2026", "Số quyết định «12/2026» thiếu ký hiệu: sau số phải có chữ viết tắt loại văn bản và cơ quan ban hành "
                "(QĐ-UBND …), ví dụ 123/QĐ-UBND (hoặc 45/2026/QĐ-UBND)."),
    ("0/QĐ-UBND", "Số thứ tự của quyết định phải từ 1 trở lên, ví dụ 123/QĐ-UBND (hoặc 45/2026/QĐ-UBND)."),
    ("1234567/QĐ-UBND", "Số thứ tự của quyết định «1234567» dài quá 6 chữ số: hãy ghi đúng số in trên quyết định, "
                        "ví dụ 123/QĐ-UBND (hoặc 45/2026/QĐ-UBND)."),
    ("12/QĐ-ỦBND", f"Số quyết định có ký tự không dùng trong số văn bản: «Ủ». {HOW}"),
    ("12/QĐ-UBND\"onmouseover=x", f"Số quyết định có ký tự không dùng trong số văn bản: «\"», «=». {HOW}"),
    ("12/QĐ-UBND\x00", f"Số quyết định có ký tự không dùng trong số văn bản: U+0000. {HOW}"),
    ("1/QĐ-UBND" + "-VX" * 19, "Số quyết định dài 66 ký tự, quá 64 ký tự: hãy ghi đúng số và ký hiệu in trên quyết "
                               "định, ví dụ 123/QĐ-UBND (hoặc 45/2026/QĐ-UBND)."),
])
def test_refused_with_what_is_wrong_and_an_example(typed, message):
    with pytest.raises(DecisionValueError) as err:
        normalize_decision_number(typed)
    assert str(err.value) == message
    assert isinstance(err.value, VnValueError)


SYMBOL_HOW = ("Ký hiệu có 2 hoặc 3 nhóm chữ in hoa (có thể kèm chữ số) nối bằng «-», mỗi nhóm 1–10 ký tự, ví dụ "
              "QĐ-UBND, QĐ-UBND-VX, QĐ-TTg.")
EX = "ví dụ 123/QĐ-UBND (hoặc 45/2026/QĐ-UBND)."


@pytest.mark.parametrize("typed, message", [
    # the tester's inputs
    ("12/QĐ-UBND/extra", f"Số quyết định «12/QĐ-UBND/EXTRA» có phần thừa «/EXTRA» sau ký hiệu «QĐ-UBND»: số văn bản "
                         f"kết thúc ở ký hiệu, không ghi gì thêm sau đó, {EX}"),
    ("12/A", "Ký hiệu «A» của số quyết định «12/A» chỉ có một nhóm: ký hiệu gồm chữ viết tắt loại văn bản (QĐ), dấu "
             f"«-» rồi chữ viết tắt cơ quan ban hành (UBND, TTg …), ví dụ 123/QĐ-UBND. {SYMBOL_HOW}"),
    ("12/2026/2026/QĐ-UBND", "Số quyết định «12/2026/2026/QĐ-UBND» ghi năm 2 lần («2026», «2026»): năm ban hành "
                             "chỉ ghi một lần, ngay sau số thứ tự, ví dụ 45/2026/QĐ-UBND."),
    ("12/X-Y-Z-W-V-U-T", "Ký hiệu «X-Y-Z-W-V-U-T» của số quyết định «12/X-Y-Z-W-V-U-T» có 7 nhóm, nhiều nhất là 3: "
                         "loại văn bản (QĐ), cơ quan ban hành (UBND) và, nếu có, đơn vị soạn thảo (VX). "
                         f"{SYMBOL_HOW}"),
    ("1e3/QĐ-UBND", "Số thứ tự của quyết định «1e3» có «e» không phải chữ số: số thứ tự chỉ gồm chữ số, đứng trước "
                    f"dấu «/» (không viết kiểu 1e3 hay 1.000), {EX}"),
    # the other parts of the shape
    ("12/26/QĐ-UBND", "Năm ban hành «26» trong số quyết định «12/26/QĐ-UBND» phải đủ 4 chữ số, ví dụ "
                      "45/2026/QĐ-UBND; quyết định không ghi năm thì bỏ phần này: 45/QĐ-UBND."),
    ("12/1999/QĐ-UBND", "Năm ban hành «1999» trong số quyết định «12/1999/QĐ-UBND» phải từ 2000 đến 2099: hãy ghi "
                        "đúng năm in trên quyết định, ví dụ 45/2026/QĐ-UBND."),
    ("12/2026/QĐ/UBND", f"Số quyết định «12/2026/QĐ/UBND» có phần thừa «/UBND» sau ký hiệu «QĐ»: số văn bản kết thúc "
                        f"ở ký hiệu, không ghi gì thêm sau đó, {EX}"),
    ("12/2026/1/QĐ-UBND", f"Số quyết định «12/2026/1/QĐ-UBND» có 3 dấu «/»: số văn bản chỉ có dạng số/ký hiệu hoặc "
                          f"số/năm/ký hiệu, {EX}"),
    ("12/TB-UBND", "Số quyết định «12/TB-UBND»: «TB» là chữ viết tắt của thông báo, không phải quyết định. Danh sách "
                   f"được phê duyệt bằng quyết định, nên ký hiệu bắt đầu bằng «QĐ» (Quyết định), {EX}"),
    ("12/UBND-VX", "Số quyết định «12/UBND-VX»: ký hiệu «UBND-VX» không bắt đầu bằng «QĐ». Danh sách được phê duyệt "
                   f"bằng quyết định, nên ký hiệu bắt đầu bằng «QĐ» (Quyết định), {EX}"),
    ("12/QĐ-2026", "Nhóm «2026» trong ký hiệu «QĐ-2026» chỉ có chữ số: sau «QĐ-» là chữ viết tắt cơ quan ban hành "
                   "(UBND, TTg …); năm ban hành (nếu có) ghi ngay sau số thứ tự, ví dụ 45/2026/QĐ-UBND."),
    ("12/QĐ-UBNDXAPHUTAN", "Nhóm «UBNDXAPHUTAN» trong ký hiệu «QĐ-UBNDXAPHUTAN» dài 12 ký tự, quá 10: mỗi nhóm của "
                           f"ký hiệu là một chữ viết tắt. {SYMBOL_HOW}"),
])
def test_malformed_numbers_are_refused_with_the_part_that_is_wrong(typed, message):
    with pytest.raises(DecisionValueError) as err:
        normalize_decision_number(typed)
    assert str(err.value) == message


def test_every_accepted_number_fits_the_column_and_has_no_markup():
    for typed in ("số 12 / qđ-ubnd", "123456/2099/QĐ-ABCDEFGHIJ-ABCDEFGHIJ"):
        out = normalize_decision_number(typed)
        assert len(out) <= decisions.NUMBER_MAX_LENGTH and not set(out) & set("<>&\"' ")


@pytest.mark.parametrize("typed, stored", [
    ("Ủy ban nhân dân xã Phú Tân", "Ủy ban nhân dân xã Phú Tân"),
    ("  UBND   xã\tPhú Tân ", "UBND xã Phú Tân"),
    ("Ủy ban nhân dân tỉnh Đồng Tháp (mới)", "Ủy ban nhân dân tỉnh Đồng Tháp (mới)"),
    ("Sở KH&CN tỉnh Đồng Tháp", "Sở KH&CN tỉnh Đồng Tháp"),
    ("Chủ tịch UBND huyện Châu Thành, tỉnh Tiền Giang", "Chủ tịch UBND huyện Châu Thành, tỉnh Tiền Giang"),
    ("U\u0309y ban nhân dân xã Phú Tân", "Ủy ban nhân dân xã Phú Tân"),  # typed with a combining mark: NFC
])
def test_approving_body_accepted(typed, stored):
    assert clean_approving_body(typed) == stored


@pytest.mark.parametrize("typed, part", [
    ("<b>UBND</b>", "ký tự không dùng trong tên cơ quan: «<», «>»"),
    ("UBND xã {{ 7*7 }}", "«{», «*», «}»"),
    ("=HYPERLINK(\"x\")", "«=»"),
    ("", "Hãy nhập cơ quan phê duyệt, ví dụ «Ủy ban nhân dân xã Phú Tân»."),
    ("1", "Cơ quan phê duyệt phải là tên cơ quan, ví dụ «Ủy ban nhân dân xã Phú Tân»."),
    ("Ủy ban " * 40, "dài 279 ký tự, quá 255 ký tự"),
])
def test_approving_body_refused(typed, part):
    with pytest.raises(DecisionValueError) as err:
        clean_approving_body(typed)
    assert part in str(err.value)


def test_decision_date_bounds():
    made, today = D(2025, 7, 1), D(2025, 7, 20)
    assert check_decision_date(D(2025, 7, 1), list_created_on=made, today=today) == D(2025, 7, 1)
    assert check_decision_date(D(2025, 7, 20), list_created_on=made, today=today) == D(2025, 7, 20)
    # after today: the one message of every business date (domain.calendar.after_today_message), its
    # own field named, the dates allowed (list day → today) and how to fix it said
    with pytest.raises(DecisionValueError) as err:
        check_decision_date(D(2025, 7, 21), list_created_on=made, today=today)
    assert str(err.value) == ("Ngày quyết định (21/07/2025) không được sau ngày hôm nay (20/07/2025): chỉ ghi được "
                              "ngày từ ngày 01/07/2025 đến hôm nay (20/07/2025). Hãy ghi ngày ký in trên quyết định.")
    # a correction is capped by the day the approval was recorded too: no range that would be wrong
    with pytest.raises(DecisionValueError) as err:
        check_decision_date(D(2025, 7, 21), list_created_on=made, today=today, recorded_on=D(2025, 7, 15))
    assert str(err.value) == ("Ngày quyết định (21/07/2025) không được sau ngày hôm nay (20/07/2025). "
                              "Hãy ghi ngày ký in trên quyết định.")
    with pytest.raises(DecisionValueError, match=r"không được trước ngày lập danh sách \(01/07/2025\)"):
        check_decision_date(D(2025, 6, 30), list_created_on=made, today=today)
    with pytest.raises(DecisionValueError, match=r"sau ngày đã ghi nhận phê duyệt trên hệ thống \(15/07/2025\)"):
        check_decision_date(D(2025, 7, 16), list_created_on=made, today=today, recorded_on=D(2025, 7, 15))
    with pytest.raises(DecisionValueError, match="Hãy nhập ngày quyết định"):
        check_decision_date(None, list_created_on=made, today=today)


def test_check_decision_reports_every_field():
    d = check_decision("số 12 / qđ-ubnd", D(2025, 7, 10), " UBND xã Phú Tân", list_created_on=D(2025, 7, 1),
                       today=D(2025, 7, 20))
    assert d == decisions.Decision("12/QĐ-UBND", D(2025, 7, 10), "UBND xã Phú Tân")
    with pytest.raises(DecisionFieldsError) as err:
        check_decision("<script>", D(2025, 8, 1), "<i>", list_created_on=D(2025, 7, 1), today=D(2025, 7, 20))
    assert list(err.value.errors) == ["decision_number", "decision_date", "approving_body"]
    assert str(err.value) == " ".join(err.value.errors.values())


# ------------------------------------------------------------------------------------------------
# The citation, as every document and page prints it
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number, day, body, text", [
    ("312/QĐ-UBND", dt.date(2025, 7, 10), "Ủy ban nhân dân xã Phú Tân",
     "Quyết định số 312/QĐ-UBND ngày 10/07/2025 của Ủy ban nhân dân xã Phú Tân"),
    ("312/QĐ-UBND", dt.date(2025, 7, 10), None, "Quyết định số 312/QĐ-UBND ngày 10/07/2025"),
    ("312/QĐ-UBND", None, "", "Quyết định số 312/QĐ-UBND"),
    (None, dt.date(2026, 1, 5), None, "Quyết định ngày 05/01/2026"),
])
def test_citation(number, day, body, text):
    assert citation(number, day, body) == text


def test_a_checked_decision_cites_itself():
    d = check_decision("số 12/qđ-ubnd", dt.date(2025, 7, 10), "UBND xã  Phú Tân", list_created_on=dt.date(2025, 7, 1),
                       today=dt.date(2025, 8, 1))
    assert d.citation == "Quyết định số 12/QĐ-UBND ngày 10/07/2025 của UBND xã Phú Tân"


@pytest.mark.parametrize("number, key", [
    ("012/QĐ-UBND", "12/QĐ-UBND"), ("12/QĐ-UBND", "12/QĐ-UBND"), ("05/QĐ-UBND", "5/QĐ-UBND"),
    ("50/QĐ-UBND", "50/QĐ-UBND"), ("100/QĐ-UBND", "100/QĐ-UBND"), ("0045/2026/QĐ-UBND", "45/2026/QĐ-UBND"),
    ("2269/QĐ-TTg", "2269/QĐ-TTg")])
def test_the_same_number_key_drops_only_the_order_numbers_leading_zeros(number, key):
    assert decisions.same_number_key(number) == key
