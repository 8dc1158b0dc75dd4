"""importer.reader._read_ahead: the sheet's rows taken a batch at a time come out the same, and a
reading error surfaces where its row is reached, never earlier."""
from __future__ import annotations

import pytest

from subsidy.services.importer import reader


def rows_then(n: int, error: Exception | None = None):
    for i in range(n):
        yield (i, f"dòng {i}")
    if error is not None:
        raise error


@pytest.mark.parametrize("n", [0, 1, 999, 1000, 1001, 2000, 2345])
def test_every_row_in_order(n):
    assert list(reader._read_ahead(rows_then(n))) == [(i, f"dòng {i}") for i in range(n)]


@pytest.mark.parametrize("n", [0, 5, 1000, 1500])
def test_an_error_comes_after_the_rows_before_it(n):
    seen = []
    with pytest.raises(ValueError, match="XML hỏng"):
        for row in reader._read_ahead(rows_then(n, ValueError("XML hỏng"))):
            seen.append(row[0])
    assert seen == list(range(n))


def test_a_reader_that_stops_before_the_broken_row_never_sees_its_error():
    got = []
    for row in reader._read_ahead(rows_then(20, ValueError("XML hỏng"))):
        got.append(row[0])
        if len(got) == 10:
            break
    assert got == list(range(10))


def test_a_table_ended_by_blank_rows_before_a_broken_row_reads_as_without_the_batch():
    header = reader.hl.find_header([["STT", "Mã hộ", "Họ và tên chủ hộ", "Năm sinh", "Giới tính", "Số CCCD", "Ấp",
                                     "Số nhân khẩu", "Phân loại hộ", "Số điện thoại"]])
    data = [(1, "8250419218", "Mai Minh Nghĩa", 1938, "Nam", "082038597382", "Ấp Phú Hòa", 1, "Hộ nghèo",
             "0386300391")]

    def sheet():
        yield from data
        for _ in range(reader.BLANK_RUN_END + 5):
            yield (None,) * 10
        raise ValueError("XML hỏng sau bảng")

    results = reader._parse_rows(header, [tuple(range(10))], sheet(), 2026,
                                 reader.ImportLimits(), 0, None, "x.xlsx")
    assert [r.record.code for r in results if r.record is not None] == ["8250419218"]
