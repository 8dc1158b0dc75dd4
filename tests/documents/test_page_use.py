"""Pages that a văn thư would file as they are: no page left half empty before the last one, the
signatures never on a page of their own, a note on the page of the table it explains, a short list
on one page with its signatures. Measured on the sample documents (subsidy/documents/samples.py)."""
from __future__ import annotations

import dataclasses
import io
import unicodedata

import pytest
from pypdf import PdfReader

from subsidy.documents import lists, samples, tally
from tests.documents.test_document_kit import MM, runs


def texts(pdf: bytes) -> list[str]:
    return [" ".join(unicodedata.normalize("NFC", p.extract_text()).split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def lowest(page_runs) -> float:
    """The height above the page's bottom edge, in mm, of the lowest text baseline."""
    return min(r[2] for r in page_runs) / MM


@pytest.mark.parametrize("kind", ["bao-cao-thang", "bao-cao-nam"])
def test_reports_fill_every_page_but_the_last(kind):
    pages = runs(samples.KINDS[kind](False))
    assert len(pages) >= 3
    for number, page in enumerate(pages[:-1], start=1):
        # the frame runs from 20 mm to 190 mm above the bottom of a landscape page: at least 3/4 of it
        # used (the layout before had pages ending 73 and 87 mm above the bottom)
        assert lowest(page) < 60, (kind, number, lowest(page))


@pytest.mark.parametrize("kind", ["bao-cao-thang", "bao-cao-nam"])
@pytest.mark.parametrize("long", [False, True], ids=["ordinary", "longest"])
def test_the_signature_page_carries_the_last_tables(kind, long):
    last = texts(samples.KINDS[kind](long))[-1]
    assert "NGƯỜI LẬP BIỂU" in last and "Nơi nhận:" in last
    assert "Số máy được phân bổ 120" in last and "Số hồ sơ không đủ điều kiện 12" in last


@pytest.mark.parametrize("kind", ["bao-cao-thang", "bao-cao-nam"])
def test_a_note_is_on_the_page_of_its_table_totals(kind):
    for page in texts(samples.KINDS[kind](False)):
        if "«Bàn giao điện thoại», «Chi hỗ trợ tiền»" in page:
            assert "Tổng cộng 75 63" in page  # the totals row of the table by hamlet
        if "Dòng «Cả năm»" in page:
            assert "Cả năm 2026 75 63" in page


def test_a_list_of_eight_one_line_rows_is_one_page_with_its_signatures():
    doc = samples.list_document("proposal", 8)
    doc.rows = [dataclasses.replace(r, form="Gói hỗ trợ kết hợp", note="") for r in doc.rows]
    pages = texts(lists.render_pdf(doc))
    assert len(pages) == 1
    assert "Tổng cộng: 8 hộ" in pages[0] and "NGƯỜI LẬP DANH SÁCH" in pages[0] and "Nơi nhận:" in pages[0]


@pytest.mark.parametrize("n", [8, 60])
def test_the_signature_page_of_a_list_carries_its_last_rows(n):
    pages = texts(lists.render_pdf(samples.list_document("proposal", n)))
    last_name = samples.list_document("proposal", n).rows[-1].name
    assert "NGƯỜI LẬP DANH SÁCH" in pages[-1] and f"{n} {last_name}" in pages[-1]


@pytest.mark.parametrize("kind, closing", [
    ("giay-bien-nhan", "Giấy biên nhận lập thành 02 bản"),
    ("bien-ban-ban-giao", "Biên bản lập thành 03 bản"),
    ("phieu-tiep-nhan", "Xã sẽ kiểm tra điều kiện của hộ"),
])
def test_signatures_of_a_long_slip_are_never_alone_on_their_page(kind, closing):
    pages = texts(samples.KINDS[kind](True))
    assert len(pages) == 2
    assert closing in pages[-1] and "(Ký, ghi rõ họ tên)" in pages[-1]


@pytest.mark.parametrize("n_hamlets", [4, 5, 20])
def test_the_chart_shrinks_into_the_space_left_rather_than_leave_it_empty(n_hamlets):
    # 4–5 hamlets: the chart at full size (12 pt bars) does not fit under the table by hamlet on page
    # 1 (it used to move to page 2, leaving page 1 ending 58–64 mm above the bottom); 20 hamlets: the
    # same under the table's end on page 2 (5 pages before, now 4)
    pdf = tally.render_pdf(samples.tally_report(False, n_hamlets), samples.issuer(), preparer="Đặng Văn Hưởng")
    pages, words = runs(pdf), texts(pdf)
    chart_page = next(i for i, w in enumerate(words) if "Số điện thoại đã bàn giao theo ấp" in w)
    assert "Tổng cộng" in words[chart_page]  # under its table's totals row, on the same page
    assert len(pages) == (3 if n_hamlets < 20 else 4)
    assert lowest(pages[chart_page]) < 30, [round(lowest(p)) for p in pages]


def test_the_chart_lets_a_short_table_go_first_when_even_its_thinnest_bars_do_not_fit():
    from reportlab.graphics.shapes import Drawing
    from reportlab.platypus import Paragraph

    from subsidy.documents.tally import CHART_FURNITURE, MIN_BAR, ChartInSpaceLeft
    from subsidy.documents import base as b

    labels = [f"Ấp {i}" for i in range(10)]
    chart = ChartInSpaceLeft(labels, list(range(10)), 500.0, "Số điện thoại đã bàn giao theo ấp")
    chart.following = [[Paragraph("II. Theo phân loại hộ", b.styles().bold)]]
    thinnest = CHART_FURNITURE + 10 * 1.35 * MIN_BAR  # 134.5 pt
    placed = chart.split(700.0, thinnest + 5)  # shrunk to the space: bars of about 7.4 pt, not 12
    assert isinstance(placed[0], Drawing) and thinnest <= placed[0].height <= thinnest + 5
    placed = chart.split(700.0, thinnest - 5)  # the next short table first, the chart after it
    assert isinstance(placed[0], Paragraph) and isinstance(placed[-1], ChartInSpaceLeft)
    assert placed[-1].following == []
    assert chart.split(700.0, 10.0) == []  # nothing fits: all of it on the next page
