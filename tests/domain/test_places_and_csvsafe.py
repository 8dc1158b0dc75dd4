"""Hamlet names (subsidy.domain.places), the phone cell of an imported list, and the CSV
formula-injection rule shared by every CSV the app writes (subsidy.domain.csvsafe)."""
from __future__ import annotations

import unicodedata

import pytest

from subsidy.domain import vn
from subsidy.domain.csvsafe import csv_safe
from subsidy.domain.household_list import parse_phone
from subsidy.domain.places import HAMLET_MAX_LENGTH, close_hamlet, normalize_hamlet

# ----------------------------------------------------------------------------- hamlet


@pytest.mark.parametrize("raw, expected", [
    ("Ấp Phú Hòa", "Ấp Phú Hòa"),
    ("  Ấp   Phú\u00a0Hòa ", "Ấp Phú Hòa"),                     # spaces, NBSP
    (unicodedata.normalize("NFD", "Ấp Phú Hòa"), "Ấp Phú Hòa"),  # NFD from some editors
    ("ẤP PHÚ HÒA", "Ấp Phú Hòa"),                               # all capitals -> title case
    ("ẤP 3", "Ấp 3"),
    ("Ấp phú hòa", "Ấp phú hòa"),                               # mixed case kept as typed
    ("Ấp\nPhú Hòa", "Ấp Phú Hòa"),                              # Alt+Enter in an Excel cell
    ("Ấp\u200bPhú Hòa", "Ấp Phú Hòa"),                          # zero-width space: a space
    ("Ấp\u200bMới", "Ấp Mới"),
    ("Ấp Phú\u00adHòa\ufeff", "Ấp PhúHòa"),                     # soft hyphen, BOM: dropped
    ("Ấp ３Ａ", "Ấp 3A"),                                         # full-width digit and letter
    ("ＡＰ ＭỚＩ", "Ap Mới"),                                      # full-width capitals -> title case
    ("Ấp Giả", "Ấp Giả"),                                       # unknown but plausible: accepted
    ("Thôn 3", "Thôn 3"),
    ("ấp cồn cống", "Ấp Cồn Cống"),                             # all small letters -> title case
    ("Tổ 5 - Khu 2", "Tổ 5 - Khu 2"),                           # the punctuation a place name uses
    ("Khóm 1/2", "Khóm 1/2"),
    ("Ấp Tân Hòa (cũ)", "Ấp Tân Hòa (cũ)"),
    ("Thôn H'Mông, Bản 3A.", "Thôn H'Mông, Bản 3A."),
    ("a" * HAMLET_MAX_LENGTH, "A" + "a" * (HAMLET_MAX_LENGTH - 1)),
])
def test_hamlet_is_normalised(raw, expected):
    assert normalize_hamlet(raw) == expected
    assert unicodedata.is_normalized("NFC", normalize_hamlet(raw))


@pytest.mark.parametrize("raw, fragment", [
    ("", "Chưa ghi tên ấp"),
    ("   ", "Chưa ghi tên ấp"),
    (None, "Chưa ghi tên ấp"),
    ("=1+2", "bắt đầu bằng ký tự «=»"),
    ("+Ấp", "bắt đầu bằng ký tự «+»"),
    ("-Ấp Mới", "bắt đầu bằng ký tự «-»"),
    ("@Ấp", "bắt đầu bằng ký tự «@»"),
    ('=HYPERLINK("http://evil","x")', "bắt đầu bằng ký tự «=»"),
    ("\uff1d1+2", "bắt đầu bằng ký tự"),                       # full-width =
    ("Ấp\x00Phú", "ký tự điều khiển"),
    ("Ấp\x1bPhú", "ký tự điều khiển"),
    ("Ấp \u202eáoH úhP", "ký tự điều khiển"),                   # right-to-left override
    ("...", "không có chữ cái"),
    ("<script>alert(1)</script>", "Tên ấp «<script>alert(1)</script>» có ký tự «<», không dùng trong tên ấp."),
    ("Ấp <b>Phú</b>", "có ký tự «<»"),
    ("Ấp Phú Hòa>", "có ký tự «>»"),
    ('Ấp "Phú Hòa"', 'có ký tự «"»'),
    ("Ấp 3 & 4", "có ký tự «&»"),
    ("Ấp 3; DROP TABLE", "có ký tự «;»"),
    ("Ấp " + "x" * 60 + "<", "Tên ấp «Ấp " + "x" * 37 + "…» có ký tự «<»"),   # the echo cut short
    ("a" * (HAMLET_MAX_LENGTH + 1), "quá 80 ký tự"),
])
def test_implausible_hamlets_are_refused_with_a_reason(raw, fragment):
    with pytest.raises(vn.VnValueError) as err:
        normalize_hamlet(raw)
    assert fragment in str(err.value)


def test_close_hamlet_points_at_the_likely_typo():
    known = ["Ấp Phú Hòa", "Ấp Phú Thành", "Ấp Cồn Cống"]
    assert close_hamlet("Ấp Phú Hoà", known) == "Ấp Phú Hòa"     # old-style tone placement
    assert close_hamlet("Ap Phu Thanh", known) == "Ấp Phú Thành"  # no accents
    assert close_hamlet("Ấp Phú Thànhh", known) == "Ấp Phú Thành"  # one extra letter
    assert close_hamlet("Ấp Giả", known) is None
    assert close_hamlet("Ấp Phú Hòa", known) is None              # itself is not a suggestion
    assert close_hamlet("Ấp Mới", []) is None


# ----------------------------------------------------------------------------- phone cell


@pytest.mark.parametrize("raw", [
    "0912345678", "0912 345 678", "0912.345.678", "0912-345-678",
    "+84912345678", "+84 912 345 678", "+84.912.345.678", "(+84) 912 345 678", "+84 (0) 912 345 678",
    "84912345678", "84 912 345 678", "0084912345678", "0084 912 345 678",
    912345678, 84912345678, 912345678.0, "912345678",
])
def test_phone_cell_reads_every_usual_form(raw):
    assert parse_phone(raw) == "0912345678"


@pytest.mark.parametrize("raw, fragment", [
    ("+1 212 555 0100", "mã quốc gia"),
    ("0123456789", "03, 05, 07, 08"),
    ("09123", "chữ số"),
    ("9.12E+08", "số mũ"),
    (9.12e8 + 0.5, "phần thập phân"),
    ("0912abc678", "không phải chữ số"),
])
def test_phone_cell_errors(raw, fragment):
    with pytest.raises(vn.VnValueError) as err:
        parse_phone(raw)
    assert fragment in str(err.value), str(err.value)


def test_phone_cell_agrees_with_the_form_rule():
    """The importer and the household form (vn.normalize_phone) read text the same way."""
    for raw in ("+84 912 345 678", "84912345678", "0084 912.345.678", "0912.345.678", "(0912) 345 678"):
        assert parse_phone(raw) == vn.normalize_phone(raw) == "0912345678"


# ----------------------------------------------------------------------------- csv_safe


@pytest.mark.parametrize("raw, expected", [
    ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
    ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("Ấp Phú Hòa", "Ấp Phú Hòa"), ("a=b", "a=b"), ("0912345678", "0912345678"), ("", ""), (None, ""),
])
def test_csv_safe(raw, expected):
    assert csv_safe(raw) == expected


def test_tally_export_uses_the_shared_rule():
    from subsidy.documents import tally_export

    assert tally_export.csv_safe is csv_safe


@pytest.mark.parametrize("raw, stored", [("3", "3"), (3, "3"), (12.0, "12"), ("Khóm 3", "Khóm 3")])
def test_numbered_thon_from_real_files_are_kept(raw, stored):
    from subsidy.domain.places import normalize_hamlet

    assert normalize_hamlet(raw) == stored
