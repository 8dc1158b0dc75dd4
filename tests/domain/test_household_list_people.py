"""Lists kept one row per person (the review's export): layout from the header, member rows
attached to the head row above, every fault with its reason, repeated headers, float codes."""
from __future__ import annotations

import datetime as dt

import pytest

from subsidy.domain import household_list as hl

# Layout A: one name column for everyone, the relation says who is the head.
HEADER_A = ["STT", "Mã hộ", "Họ và tên", "Quan hệ với chủ hộ", "Ngày sinh", "Giới tính", "Số CCCD", "Ấp",
            "Số nhân khẩu", "Phân loại hộ", "Số điện thoại"]
# Layout B: the head's name column and a member-name column beside it (no relation column).
HEADER_B = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Họ và tên thành viên", "Ngày sinh", "Giới tính", "Số CCCD",
            "Ấp", "Số nhân khẩu", "Phân loại hộ", "Số điện thoại"]


def a_head(stt, code, name, cccd, members, birth=1970, gender="Nam", hamlet="Ấp Phú Hòa", cat="Hộ nghèo",
           phone=None, relation="Chủ hộ"):
    return [stt, code, name, relation, birth, gender, cccd, hamlet, members, cat, phone]


def a_member(name, relation, birth=None, gender=None, cccd=None, code=None):
    return [None, code, name, relation, birth, gender, cccd, None, None, None, None]


def b_head(stt, code, name, cccd, members, birth=1970, gender="Nam", hamlet="Ấp Phú Hòa", cat="Hộ nghèo", phone=None):
    return [stt, code, name, None, birth, gender, cccd, hamlet, members, cat, phone]


def b_member(name, birth=None, gender=None, cccd=None):
    return [None, None, None, name, birth, gender, cccd, None, None, None, None]


def read(header, rows, this_year=2026):
    h = hl.find_header([header])
    p = hl.RowParser(h, this_year)
    results = [p.parse(i + 2, r) for i, r in enumerate(rows)]
    hl.finish_rows(results, h)
    return results


def households(results):
    return [r for r in results if r.skip_reason is None and not r.is_member]


# Two households, written once per layout: the head and, under it, its members.
FAMILY = [
    ("8236925220", "Nguyễn Văn Hùng", "082070123456", 1970, "Nam", 4, [
        ("Lê Thị Lan", "Vợ", dt.datetime(1972, 3, 9), "Nữ", "082172654321"),
        ("Nguyễn Văn An", "Con", 2010, "Nam", None),
        ("Nguyễn Thị Bé", "Con", "05/06/2015", "Nữ", None),
    ]),
    ("8236925221", "Trần Thị Mai", "082185000111", 1985, "Nữ", 2, [
        ("Trần Văn Tư", "Con", 2012, "Nam", None),
    ]),
]


def layout_a():
    rows = []
    for i, (code, name, cccd, birth, gender, n, members) in enumerate(FAMILY, 1):
        rows.append(a_head(i, code, name, cccd, n, birth, gender))
        rows += [a_member(m, rel, b, g, c) for m, rel, b, g, c in members]
    return rows


def layout_b():
    rows = []
    for i, (code, name, cccd, birth, gender, n, members) in enumerate(FAMILY, 1):
        rows.append(b_head(i, code, name, cccd, n, birth, gender))
        rows += [b_member(m, b, g, c) for m, _rel, b, g, c in members]
    return rows


def test_layout_is_detected_from_the_header():
    a, b = hl.find_header([HEADER_A]), hl.find_header([HEADER_B])
    assert (a.layout, a.columns["head_name"], a.columns["relation"]) == ("person", 2, 3)
    assert (b.layout, b.columns["head_name"], b.columns["member_name"]) == ("person", 2, 3)
    assert hl.find_header([["STT", "Mã hộ", "Họ và tên chủ hộ", "Ấp", "Phân loại hộ"]]).layout == "household"
    # Two plain name columns: the one that says "chủ hộ" is the head's, wherever it stands.
    c = hl.find_header([["Mã hộ", "Họ và tên", "Họ và tên chủ hộ", "Ấp", "Phân loại hộ"]])
    assert (c.columns["head_name"], c.columns["member_name"]) == (2, 1)


def test_members_are_attached_to_the_head_row_above():
    results = read(HEADER_A, layout_a())
    assert [r.errors for r in results] == [[]] * 6
    first, second = households(results)
    rec = first.record
    assert (rec.code, rec.head_name, rec.members, rec.category) == ("8236925220", "Nguyễn Văn Hùng", 4, "poor")
    assert [(m.name, m.relation, m.birth_date, m.birth_year, m.gender, m.citizen_id) for m in rec.people] == [
        ("Lê Thị Lan", "Vợ", dt.date(1972, 3, 9), 1972, "F", "082172654321"),
        ("Nguyễn Văn An", "Con", None, 2010, "M", None),
        ("Nguyễn Thị Bé", "Con", dt.date(2015, 6, 5), 2015, "F", None),
    ]
    assert [r.head for r in results if r.is_member] == [2, 2, 2, 6]
    assert [m.name for m in second.record.people] == ["Trần Văn Tư"] and second.warnings == []


def test_both_layouts_give_the_same_households():
    def facts(results):
        out = []
        for r in households(results):
            rec = r.record
            out.append((rec.code, rec.head_name, rec.citizen_id, rec.members, rec.hamlet, rec.category,
                        [(m.name, m.birth_year, m.gender, m.citizen_id) for m in rec.people]))
        return out

    assert facts(read(HEADER_A, layout_a())) == facts(read(HEADER_B, layout_b()))
    assert len(facts(read(HEADER_B, layout_b()))) == 2


def test_a_member_row_before_any_head_row_is_an_error_with_its_reason():
    rows = [a_member("Lê Thị Lan", "Vợ")] + layout_a()
    results = read(HEADER_A, rows)
    assert results[0].record is None and not results[0].is_member
    assert results[0].errors[0].startswith("Dòng thành viên «Lê Thị Lan» (Vợ) đứng trước mọi dòng chủ hộ")
    assert all(r.errors == [] for r in results[1:])


def test_a_head_row_without_household_facts_is_an_error_and_keeps_its_members():
    rows = layout_a()
    rows[0] = a_head(1, None, "Nguyễn Văn Hùng", "082070123456", None, hamlet=None, cat=None)
    results = read(HEADER_A, rows)
    head = results[0]
    assert head.record is None
    assert "được đọc là dòng chủ hộ nhưng không có thông tin của hộ" in head.errors[0]
    # Its members stay with it (not with the household before or after).
    assert [r.head for r in results[1:4]] == [2, 2, 2] and results[4].ok


def test_member_count_that_disagrees_with_so_nhan_khau_is_a_warning_and_the_head_row_wins():
    rows = layout_a()
    rows[0] = a_head(1, "8236925220", "Nguyễn Văn Hùng", "082070123456", 5)
    head = read(HEADER_A, rows)[0]
    assert head.ok and head.record.members == 5
    assert head.warnings == [
        "Số nhân khẩu ghi 5 nhưng danh sách liệt kê 4 người (chủ hộ và 3 thành viên). Khi xác nhận nhập, số "
        "nhân khẩu 5 ở dòng chủ hộ được giữ; nếu sai, hãy sửa tệp rồi tải lên lại."]


def test_an_empty_so_nhan_khau_is_the_count_of_people_listed():
    rows = layout_a()
    rows[0] = a_head(1, "8236925220", "Nguyễn Văn Hùng", "082070123456", None)
    head = read(HEADER_A, rows)[0]
    assert head.ok and head.record.members == 4 and head.warnings == []


@pytest.mark.parametrize("member, fragment", [
    (a_member("Lê Thị Lan", "Vợ", cccd="12345"), "12 chữ số"),
    (a_member("Lê Thị Lan", "Vợ", birth="31/02/1972"), "Năm sinh"),
    (a_member("Lê Thị Lan", "Vợ", gender="Khác"), "Giới tính"),
    (a_member("L3 Thị Lan", "Vợ"), "Thành viên:"),
    (a_member("Lê Thị Lan", "Vợ", code="8299999999"), "khác mã hộ 8236925220 của chủ hộ ở dòng 2"),
])
def test_a_wrong_member_row_stops_its_household_with_the_reason_on_the_head_row(member, fragment):
    rows = layout_a()
    rows[1] = member
    results = read(HEADER_A, rows)
    head, bad = results[0], results[1]
    assert bad.is_member and any(fragment in e for e in bad.errors), bad.errors
    assert head.record is None and head.errors[0].startswith("Dòng 3 (thành viên «")
    assert fragment in head.errors[0]
    assert results[4].ok  # the other household is not affected


def test_member_code_equal_to_the_heads_is_accepted():
    rows = layout_a()
    rows[1] = a_member("Lê Thị Lan", "Vợ", code=8236925220.0)
    assert read(HEADER_A, rows)[0].ok


def test_a_member_id_that_is_another_persons_in_the_file_is_reported_on_both():
    rows = layout_a()
    rows[5] = a_member("Trần Văn Tư", "Con", birth=1972, gender="Nữ", cccd="082172654321")  # the wife's ID above
    results = read(HEADER_A, rows)
    assert results[0].record is None and results[4].record is None
    assert "Số CCCD 082172654321 trùng với dòng 7" in results[1].errors[0]
    assert "Dòng 7 (thành viên «Trần Văn Tư»): Số CCCD 082172654321 trùng với dòng 3" in results[4].errors[0]


def test_member_id_checked_against_birth_and_sex_is_a_warning_on_the_head_row():
    rows = layout_a()
    rows[1] = a_member("Lê Thị Lan", "Vợ", dt.datetime(1980, 3, 9), "Nữ", "082172654321")
    head = read(HEADER_A, rows)[0]
    assert head.ok and head.record.people[0].citizen_id_warning
    assert head.warnings[0].startswith("Thành viên Lê Thị Lan (dòng 3): ") and "1972" in head.warnings[0]


def test_relation_is_tidied_and_the_head_can_say_ban_than():
    rows = [a_head(1, "8236925220", "Nguyễn Văn Hùng", "082070123456", 2, relation="Bản thân"),
            a_member("Lê Thị Lan", "CON DÂU")]
    results = read(HEADER_A, rows)
    assert results[0].ok and results[0].record.people[0].relation == "Con dâu"
    assert hl.is_head_relation("CHỦ HỘ") and hl.is_head_relation("ch") and not hl.is_head_relation("Con")


def test_a_member_named_tong_son_without_id_is_not_a_total_row():
    rows = [a_head(1, "8236925220", "Nguyễn Văn Hùng", "082070123456", 2), a_member("Tống Sơn", "Con", 2012)]
    results = read(HEADER_A, rows)
    assert results[1].skip_reason is None and results[0].record.people[0].name == "Tống Sơn"


def test_repeated_header_rows_and_column_numbers_inside_the_table_are_skipped():
    rows = layout_a()
    rows[4:4] = [list(HEADER_A), [f"({i})" for i in range(1, 12)]]
    results = read(HEADER_A, rows)
    assert [r.skip_reason for r in results[4:6]] == [hl.REPEATED_HEADER, "Dòng đánh số thứ tự cột."]
    assert [len(r.record.people) for r in households(results)] == [3, 1]
    # A repeated second header row (marks under merged group cells) in a per-household list.
    top = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Số CCCD", "Ấp", "Số nhân khẩu", "Phân loại hộ", None]
    sub = [None] * 6 + ["Nghèo", "Cận nghèo"]
    h = hl.find_header([top, sub])
    p = hl.RowParser(h, 2026)
    assert p.parse(3, [1, "8236925220", "Nguyễn Văn Hùng", "082070123456", "Ấp Phú Hòa", 1, "x", None]).ok
    assert p.parse(4, top).skip_reason == hl.REPEATED_HEADER
    assert p.parse(5, sub).skip_reason == hl.REPEATED_HEADER
    assert p.parse(6, list(range(1, 9))).skip_reason == "Dòng đánh số thứ tự cột."
    assert p.parse(7, [2, "8236925221", "Trần Thị Mai", "082185000111", "Ấp Phú Hòa", 1, None, "x"]).ok


@pytest.mark.parametrize("code, expected", [
    ("8236925220.0", "8236925220"), (8236925220.0, "8236925220"), ("8236925220.00", "8236925220"),
    (8236925220, "8236925220"),
])
def test_a_float_code_is_read_as_its_digits(code, expected):
    r = read(HEADER_A, [a_head(1, code, "Nguyễn Văn Hùng", "082070123456", 1)])[0]
    assert r.ok and r.record.code == expected


@pytest.mark.parametrize("code", [8236925220.5, "8236925220.5", "8.23692522E+9"])
def test_a_float_code_with_a_fraction_or_an_exponent_is_refused(code):
    r = read(HEADER_A, [a_head(1, code, "Nguyễn Văn Hùng", "082070123456", 1)])[0]
    assert r.record is None and any("Mã hộ" in e for e in r.errors), r.errors


def test_duplicate_codes_in_one_file_are_reported_not_merged():
    rows = [a_head(1, "8236925220.0", "Nguyễn Văn Hùng", "082070123456", 1),
            a_head(2, 8236925220, "Trần Thị Mai", "082185000111", 1)]
    first, second = read(HEADER_A, rows)
    assert first.record is None and second.record is None
    assert "Mã hộ 8236925220 trùng với dòng 3" in first.errors[0]
    assert "Mã hộ 8236925220 trùng với dòng 2" in second.errors[0]


def test_signature_lines_under_a_per_person_table_are_not_members():
    rows = layout_a() + [[None, None, "Người lập biểu", None, None, None, None, None, None, "KT. CHỦ TỊCH"],
                         [None, None, None, "Chủ tịch", None, None, None, None, None, None]]
    results = read(HEADER_A, rows)
    assert [r.skip_reason for r in results[-2:]] == ["Phần ký tên dưới bảng."] * 2
    assert [len(r.record.people) for r in households(results)] == [3, 1]
