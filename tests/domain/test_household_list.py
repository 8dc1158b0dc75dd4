"""subsidy.domain.household_list: header finding, row parsing, duplicates, search keys."""
from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from subsidy.domain import household_list as hl

ONE_ROW_HEADER = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Năm sinh", "Giới tính", "Số CCCD", "Ấp", "Số nhân khẩu",
                  "Phân loại hộ", "Người có công", "Chính sách XH", "Số điện thoại"]
TOP = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Năm sinh", "Giới tính", "Số CCCD", "Ấp", "Số nhân khẩu",
       "Phân loại hộ", None, "Thuộc đối tượng", None, "Số điện thoại"]
SUB = [None] * 8 + ["Nghèo", "Cận nghèo", "Người có công", "Chính sách XH", None]


def marks_parser(this_year: int = 2026) -> hl.RowParser:
    return hl.RowParser(hl.find_header([TOP, SUB]), this_year)


def text_parser() -> hl.RowParser:
    return hl.RowParser(hl.find_header([ONE_ROW_HEADER]), 2026)


def row(**kw):
    """A data row in the two-row-header layout (columns A..M)."""
    base = {"stt": 1, "code": "8250419218", "name": "Mai Minh Nghĩa", "birth": 1938, "gender": "Nam",
            "cccd": "082038597382", "hamlet": "Ấp Phú Hòa", "members": 1, "poor": "x", "near": None,
            "merit": None, "social": "x", "phone": "0386300391"}
    base.update(kw)
    return [base[k] for k in ("stt", "code", "name", "birth", "gender", "cccd", "hamlet", "members", "poor",
                              "near", "merit", "social", "phone")]


# ------------------------------------------------------------------------------------------------
# header
# ------------------------------------------------------------------------------------------------


def test_two_row_merged_header_below_title_blocks():
    rows = [["ỦY BAN NHÂN DÂN XÃ PHÚ TÂN", None, None, None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
            [None] * 7 + ["Độc lập - Tự do - Hạnh phúc"], [], ["DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO NĂM 2025"], [],
            TOP, SUB]
    h = hl.find_header(rows)
    assert (h.first_row, h.last_row, h.category_mode) == (6, 7, "marks")
    assert h.columns == {"stt": 0, "code": 1, "head_name": 2, "birth_year": 3, "gender": 4, "citizen_id": 5,
                         "hamlet": 6, "members": 7, "poor": 8, "near_poor": 9, "meritorious": 10,
                         "social_policy": 11, "phone": 12}
    assert hl.find_list_year(rows[:5]) == 2025


@pytest.mark.parametrize("name_col, id_col, hamlet_col", [
    ("Họ và tên chủ hộ", "Số CCCD", "Ấp"),
    ("Họ tên chủ hộ", "CCCD", "Thôn"),
    ("HỌ VÀ TÊN CHỦ HỘ", "Số định danh", "Ấp, khu phố"),
    (unicodedata.normalize("NFD", "Họ tên chủ hộ"), "Số CCCD (12 số)", "ấp/khu phố"),
])
def test_header_variants(name_col, id_col, hamlet_col):
    header = ["STT", "Mã hộ", name_col, "Năm sinh", "Giới tính", id_col, hamlet_col, "Số nhân khẩu", "Phân loại hộ"]
    h = hl.find_header([["Danh sách"], header])
    assert h.first_row == h.last_row == 2
    assert (h.columns["head_name"], h.columns["citizen_id"], h.columns["hamlet"], h.columns["category"]) == (2, 5, 6, 8)
    assert h.category_mode == "text"


def test_no_header_and_missing_columns_are_explained():
    with pytest.raises(hl.ListFormatError, match="Không tìm thấy dòng tiêu đề"):
        hl.find_header([["a", "b"], ["1", "2"]])
    with pytest.raises(hl.ListFormatError, match=r"dòng 1\) thiếu cột: Ấp"):
        hl.find_header([["Mã hộ", "Họ và tên chủ hộ", "Năm sinh", "Số CCCD", "Phân loại hộ"]])


@pytest.mark.parametrize("header, row, missing", [
    # Too few known columns to be taken for the header: the row naming the head is still told
    # apart from "no header", with what it lacks.
    (["Mã hộ", "Họ và tên chủ hộ"], 3, "Ấp (hoặc Thôn), Phân loại hộ (hoặc hai cột Nghèo / Cận nghèo)"),
    (["STT", "Họ và tên chủ hộ", "Nghèo"], 3, "Ấp (hoặc Thôn), cả hai cột Nghèo và Cận nghèo, Mã hộ hoặc Số CCCD"),
    (["Họ và tên chủ hộ", "Ấp", "Số CCCD"], 3, "Phân loại hộ (hoặc hai cột Nghèo / Cận nghèo)"),
])
def test_a_header_with_too_few_columns_names_the_missing_ones(header, row, missing):
    rows = [["DANH SÁCH HỘ NGHÈO NĂM 2025"], [], header, ["8250000001", "Lê Văn An", "x"]]
    with pytest.raises(hl.ListFormatError) as err:
        hl.find_header(rows)
    assert str(err.value) == (f"Dòng tiêu đề (dòng {row}) thiếu cột: {missing}. Hãy thêm các cột này vào bảng "
                              "(tên cột như trong mẫu danh sách) rồi nhập lại.")


def test_list_year_prefers_the_title_over_a_date_line():
    rows = [["Phú Tân, ngày 05 tháng 11 năm 2024"], ["DANH SÁCH HỘ CẬN NGHÈO NĂM 2025"]]
    assert hl.find_list_year(rows) == 2025
    assert hl.find_list_year([["Phú Tân, ngày 05 tháng 11 năm 2024"]]) is None
    assert hl.find_list_year([["Rà soát năm 2023"]]) == 2023


# ------------------------------------------------------------------------------------------------
# rows
# ------------------------------------------------------------------------------------------------


def test_a_good_row_is_normalised():
    r = marks_parser().parse(8, row(name=unicodedata.normalize("NFD", "  Mai  Minh Nghĩa "), cccd=82038597382,
                                    phone=386300391))
    assert r.errors == [] and r.skip_reason is None
    rec = r.record
    assert (rec.code, rec.head_name, rec.head_birth_year, rec.head_gender) == ("8250419218", "Mai Minh Nghĩa", 1938, "M")
    assert (rec.citizen_id, rec.citizen_id_kind, rec.citizen_id_warning) == ("082038597382", "cccd", None)
    assert (rec.category, rec.meritorious, rec.social_policy, rec.phone) == ("poor", False, True, "0386300391")
    assert rec.head_name == unicodedata.normalize("NFC", rec.head_name)


@pytest.mark.parametrize("birth, year", [
    (1938, 1938), ("1938", 1938), (1938.0, 1938), (dt.datetime(1964, 4, 22), 1964), (dt.date(1964, 4, 22), 1964),
    ("22/04/1964", 1964), ("2/4/1964", 1964), ("1964-04-22", 1964), (None, None),
])
def test_birth_year_from_a_year_or_a_date(birth, year):
    r = marks_parser().parse(8, row(birth=birth, cccd=None))
    assert r.errors == [] and r.record.head_birth_year == year


@pytest.mark.parametrize("birth", ["04/22/1964", "1964.5", 1800, 2030, "năm 60", "22/04/64"])
def test_bad_or_month_first_birth_dates_are_errors(birth):
    r = marks_parser(2026).parse(8, row(birth=birth, cccd=None))
    assert r.record is None and len(r.errors) == 1
    assert "Năm sinh" in r.errors[0] or "Ngày" in r.errors[0]


@pytest.mark.parametrize("birth, message", [
    # no year and no date: says what was expected, never calls it a date
    ("abc", "Năm sinh «abc» không đọc được: hãy ghi năm sinh 4 chữ số (ví dụ 1975) hoặc ngày sinh dạng "
            "ngày/tháng/năm (ví dụ 22/04/1964)."),
    ("1964.5", "Năm sinh «1964.5» không đọc được: hãy ghi năm sinh 4 chữ số (ví dụ 1975) hoặc ngày sinh dạng "
               "ngày/tháng/năm (ví dụ 22/04/1964)."),
    ("năm 60", "Năm sinh «năm 60» không đọc được: hãy ghi năm sinh 4 chữ số (ví dụ 1975) hoặc ngày sinh dạng "
               "ngày/tháng/năm (ví dụ 22/04/1964)."),
    # shaped like a date: what is wrong with it as a date, and that a year alone will do
    ("04/22/1964", "Năm sinh đọc như ngày sinh: Ngày «04/22/1964»: tháng 22 không hợp lệ (tháng phải từ 1 đến 12). "
                   "Ngày phải viết theo thứ tự ngày/tháng/năm, ví dụ 05/11/2026 là ngày 5 tháng 11. Cũng có thể "
                   "chỉ ghi năm sinh 4 chữ số, ví dụ 1975."),
    ("22/04/64", "Năm sinh đọc như ngày sinh: Ngày «22/04/64»: năm phải viết đủ 4 chữ số (ví dụ 05/11/2026, không "
                 "viết 05/11/26). Cũng có thể chỉ ghi năm sinh 4 chữ số, ví dụ 1975."),
    # out of range: the year read, the range, and both shapes
    (1800, "Năm sinh «1800» là năm 1800, trước năm 1880: chắc là gõ nhầm. Hãy ghi năm sinh 4 chữ số (ví dụ 1975) "
           "hoặc ngày sinh dạng ngày/tháng/năm (ví dụ 22/04/1964), năm từ 1880 đến 2026."),
    ("01/01/2030", "Năm sinh «01/01/2030» là năm 2030, sau năm nay (2026). Hãy kiểm tra lại: ghi năm sinh 4 chữ số "
                   "(ví dụ 1975) hoặc ngày sinh dạng ngày/tháng/năm (ví dụ 22/04/1964), năm từ 1880 đến 2026."),
])
def test_birth_year_messages_say_what_was_expected(birth, message):
    r = marks_parser(2026).parse(8, row(birth=birth, cccd=None))
    assert r.record is None and r.errors == [message]


@pytest.mark.parametrize("birth", [2026, "2026", 2026.0, "15/03/2026", dt.date(2026, 3, 15)])
def test_a_head_born_this_year_is_refused(birth):
    r = marks_parser(2026).parse(8, row(birth=birth, cccd=None))
    assert r.record is None
    assert r.errors == ["Năm sinh của chủ hộ là 2026, tức là năm nay: trẻ mới sinh không thể là chủ hộ. Hãy kiểm "
                        "tra lại năm sinh (chủ hộ phải sinh trước năm 2026), hoặc nếu đây là năm sinh của một "
                        "thành viên khác, hãy ghi đúng người là chủ hộ."]


def test_a_head_born_last_year_and_a_member_born_this_year_are_read():
    assert marks_parser(2026).parse(8, row(birth=2025, cccd=None)).record.head_birth_year == 2025
    member, errors = hl.parse_member({"name": "Lê Bé Na", "relation": "Con", "birth": 2026}, 2026)
    assert errors == [] and member.birth_year == 2026


@pytest.mark.parametrize("value", [8.2e11, 820000000000, "8.2E+11", "8,2E+11", "8.20386E+10", 82038600000])
def test_ids_that_went_through_scientific_notation_are_refused(value):
    r = marks_parser().parse(23, row(cccd=value))
    assert r.record is None
    assert any("số mũ" in e and "Số CCCD" in e for e in r.errors), r.errors


@pytest.mark.parametrize("value", [82038597382.5, "82038597382.5"])
def test_ids_with_a_fraction_are_refused(value):
    r = marks_parser().parse(9, row(cccd=value))
    assert r.record is None and any("phần thập phân" in e for e in r.errors), r.errors


@pytest.mark.parametrize("value", [82038597382, 82038597382.0, "82038597382.0", "082 038 597 382", "082038597382"])
def test_ids_restored_or_kept(value):
    r = marks_parser().parse(9, row(cccd=value))
    assert r.errors == [] and r.record.citizen_id == "082038597382"


def test_cccd_mismatch_is_a_warning_not_an_error():
    r = marks_parser().parse(9, row(birth=1950, gender="Nữ"))
    assert r.errors == []
    assert "1938" in r.record.citizen_id_warning and "nữ" in r.record.citizen_id_warning


@pytest.mark.parametrize("kw, fragment", [
    ({"cccd": "082038597"}, None),  # a 9-digit CMND is accepted (legacy)
    ({"cccd": "12345"}, "12 chữ số"),
    ({"cccd": "999038597382"}, "mã tỉnh"),
    ({"poor": "v"}, "Dấu «v» ở cột Nghèo"),
    ({"poor": "x", "near": "x"}, "cả Nghèo và Cận nghèo"),
    ({"poor": None, "near": None}, "Chưa đánh dấu phân loại"),
    ({"merit": "có"}, "Người có công"),
    ({"gender": "Khác"}, "Giới tính"),
    ({"members": 0}, "Số nhân khẩu"),
    ({"members": None}, "Chưa ghi số nhân khẩu"),
    ({"phone": "12345"}, "Số điện thoại"),
    ({"phone": 9.12e8}, "số mũ"),
    ({"hamlet": None}, "Chưa ghi tên ấp"),
    ({"code": "82.5E+8"}, "Mã hộ"),
])
def test_row_errors(kw, fragment):
    r = marks_parser().parse(12, row(**kw))
    if fragment is None:
        assert r.errors == [] and r.record.citizen_id_kind == "cmnd"
    else:
        assert r.record is None and any(fragment in e for e in r.errors), r.errors


@pytest.mark.parametrize("value, category", [
    ("Hộ nghèo", "poor"), ("HN", "poor"), ("hộ NGHÈO", "poor"), ("Hộ cận nghèo", "near_poor"), ("HCN", "near_poor"),
    ("Cận nghèo", "near_poor"),
])
def test_category_as_text(value, category):
    r = text_parser().parse(2, [1, "8250419218", "Mai Minh Nghĩa", "1938", "Nam", "082038597382", "Ấp Phú Hòa", "1",
                                value, "", "x", ""])
    assert r.errors == [] and r.record.category == category


def test_unknown_category_text_is_an_error():
    r = text_parser().parse(2, [1, "8250419218", "Mai Minh Nghĩa", "1938", "Nam", "082038597382", "Ấp Phú Hòa", "1",
                                "Hộ khá", "", "", ""])
    assert r.record is None and "Phân loại hộ «Hộ khá» không rõ" in r.errors[0]


def test_blank_total_and_signature_rows_are_skipped_and_the_footer_stays_skipped():
    p = marks_parser()
    assert p.parse(98, [None] * 13).skip_reason == "Dòng trống."
    assert p.parse(99, ["", "  ", None]).skip_reason == "Dòng trống."
    assert p.parse(100, row()).record is not None
    assert p.parse(190, [None, "Tổng cộng: 180 hộ"] + [None] * 11).skip_reason == "Dòng tổng cộng."
    assert p.parse(192, [None, None, "Người lập biểu"] + [None] * 6 + ["KT. CHỦ TỊCH"]).skip_reason == "Phần ký tên dưới bảng."
    assert p.parse(195, [None, None, "Nguyễn Văn Ký"]).skip_reason == "Phần ký tên dưới bảng."


def test_surname_tong_is_not_a_total_row():
    r = marks_parser().parse(9, row(name="Tống Văn Cộng", code=None))
    assert r.skip_reason is None and r.record is not None and r.record.head_name == "Tống Văn Cộng"


def test_a_row_with_a_name_but_no_code_or_cccd_is_an_error_not_skipped():
    r = marks_parser().parse(9, row(code=None, cccd=None))
    assert r.skip_reason is None and r.record is None
    assert "không có mã hộ và số CCCD" in r.errors[0]


def test_column_number_row_under_the_header_is_skipped():
    p = marks_parser()
    assert p.parse(8, [f"({i})" for i in range(1, 14)]).skip_reason == "Dòng đánh số thứ tự cột."
    assert p.parse(9, list(range(1, 14))).skip_reason == "Dòng đánh số thứ tự cột."


def test_duplicates_inside_the_file_are_marked_on_every_row():
    p = marks_parser()
    results = [p.parse(8, row()), p.parse(9, row(code="8200000001", cccd="082041207726")),
               p.parse(10, row(code="8200000002", cccd="082038597382", phone="12")),  # same CCCD as row 8, bad phone
               p.parse(11, row(code="8200000001", cccd="082041880625"))]              # same code as row 9
    hl.mark_file_duplicates(results)
    assert [r.record is None for r in results] == [True, True, True, True]
    assert "trùng với dòng 10" in results[0].errors[-1]
    assert "trùng với dòng 8" in results[2].errors[-1]
    assert "Mã hộ 8200000001 trùng với dòng 11" in results[1].errors[-1]


# ------------------------------------------------------------------------------------------------
# search keys
# ------------------------------------------------------------------------------------------------


def test_search_text_and_tokens_are_folded_ascii():
    text = hl.household_search_text("Đặng Thành Dũng", "8237001509", "082056572131", "0789191496")
    assert text == " dang thanh dung 8237001509 082056572131 0789191496 "
    assert hl.household_search_text(unicodedata.normalize("NFD", "H'Hen Niê"), None, None, None) == " h hen nie "
    assert hl.search_tokens("ĐẶNG  Văn") == ["dang", "van"]
    assert hl.search_tokens("nguyen van hung") == ["nguyen", "van", "hung"]
    assert hl.search_tokens("%_'") == []


@pytest.mark.parametrize("value, expected", [
    ("0386300391", "0386300391"), ("0912345678", "0912345678"), (386300391, "0386300391"),
    (912345678, "0912345678"), (" 0912345678 ", "0912345678"), ("0912 345 678", "0912345678"),
    ("84912345678", "0912345678"), (84912345678, "0912345678"), ("+84 912 345 678", "0912345678"),
    ("912345678", "0912345678"), (912345678.0, "0912345678"),
])
def test_parse_phone_the_usual_cells(value, expected):
    from subsidy.domain.household_list import parse_phone

    assert parse_phone(value) == expected


@pytest.mark.parametrize("value, message", [
    ("0212345678", "Số điện thoại «0212345678» không đúng dạng: số di động phải bắt đầu bằng 03, 05, 07, 08 "
                   "hoặc 09. Hãy kiểm tra lại với người dân."),
    (212345678, "Số điện thoại «0212345678» không đúng dạng: số di động phải bắt đầu bằng 03, 05, 07, 08 "
                "hoặc 09. Hãy kiểm tra lại với người dân."),
    ("0012345678", "Số điện thoại «0012345678» không đúng dạng: số di động phải bắt đầu bằng 03, 05, 07, 08 "
                   "hoặc 09. Hãy kiểm tra lại với người dân."),
    ("091234567", "Số điện thoại «091234567» có 9 chữ số, nhưng số di động phải có đúng 10 chữ số. "
                  "Hãy kiểm tra lại với người dân."),
])
def test_parse_phone_refuses_what_is_no_mobile_number(value, message):
    from subsidy.domain import vn
    from subsidy.domain.household_list import parse_phone

    with pytest.raises(vn.VnValueError) as err:
        parse_phone(value)
    assert str(err.value) == message
