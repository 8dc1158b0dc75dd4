"""The shared reportlab building blocks: open the PDFs with pypdf and read them back."""

from __future__ import annotations

import ast
import io
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph

from subsidy.documents import base as b
from subsidy.domain.documents import DEFAULT_ISSUER, Issuer

NAMES = "Nguyễn Thị Ánh Tuyết, Đặng Văn Hưởng, Lý Ngọc Ẩn, Huỳnh Mỹ Nhung"
# Every Vietnamese vowel with every tone mark, lower and upper case, plus đ/Đ.
ALL_DIACRITICS = (
    "aàáảãạ ăằắẳẵặ âầấẩẫậ eèéẻẽẹ êềếểễệ iìíỉĩị oòóỏõọ ôồốổỗộ ơờớởỡợ uùúủũụ ưừứửữự yỳýỷỹỵ đ"
)
NOTE = "0.1 <A <0.9"
HEADER = ["STT", "Họ và tên chủ hộ", "Ấp", "Ghi chú"]
ISSUER = Issuer(body_upper="UBND TỈNH ĐỒNG THÁP", body="ỦY BAN NHÂN DÂN XÃ PHÚ TÂN", place="Phú Tân")

# Rows are one line each (except row 0).  These counts sit mid-way in the ranges
# that give three pages with the table reaching page 3 (portrait 70–98 rows,
# landscape 42–58 when written); if a style change moves them, adjust here.
ROWS_FOR_THREE_PAGES = {False: 78, True: 44}


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def flat(s: str) -> str:
    """NFC and every run of whitespace as one space (cells wrap, pypdf adds newlines)."""
    return " ".join(nfc(s).split())


def make_story(n_rows: int, *, landscape: bool) -> list:
    rows = [[str(i + 1), "Nguyễn Thị Ánh Tuyết", "Ấp Phú Thạnh", ""] for i in range(n_rows)]
    rows[0] = ["1", NAMES, ALL_DIACRITICS, NOTE]
    return [
        *b.admin_header(ISSUER, "15/DS-UBND", "Phú Tân, ngày 05 tháng 11 năm 2026"),
        *b.title("Danh sách hộ được hỗ trợ", "Điện thoại thông minh - VTCI"),
        b.data_table(HEADER, rows, b.fit_widths([1, 5, 5, 4], landscape=landscape), totals=["", "Tổng cộng", f"{n_rows} hộ", ""]),
        b.signature_blocks([
            ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)", "Lý Ngọc Ẩn"),
            ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "(Ký, đóng dấu)", "Đặng Văn Hưởng"),
        ]),
    ]


def pages_text(pdf: bytes) -> list[str]:
    return [nfc(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module", params=[False, True], ids=["portrait", "landscape"])
def three_pages(request):
    landscape = request.param
    pdf = b.build_pdf(
        make_story(ROWS_FOR_THREE_PAGES[landscape], landscape=landscape),
        landscape=landscape,
        title="Danh sách hộ được hỗ trợ",
    )
    return landscape, pdf


def test_three_pages_a4_in_the_right_orientation(three_pages):
    landscape, pdf = three_pages
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert sorted((round(w), round(h))) == [595, 842]
        assert (w > h) == landscape


def test_page_numbers_from_page_two_top_centre(three_pages):
    """Nghị định 30/2020, Phụ lục I: the number alone, 13 pt, centred in the top margin; none on page 1."""
    landscape, pdf = three_pages
    reader = PdfReader(io.BytesIO(pdf))
    for i, page in enumerate(reader.pages, start=1):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        in_margin = []

        def visit(text, cm, tm, font, size, found=in_margin, h=h):
            y = tm[5] * cm[3] + cm[5]
            if text.strip() and y > h - b.TOP_MARGIN:
                x = tm[4] * cm[0] + cm[4]
                found.append((text.strip(), x, y, size * cm[3] if cm[3] else size))

        page.extract_text(visitor_text=visit)
        if i == 1:
            assert in_margin == []
            continue
        assert [t for t, *_ in in_margin] == [str(i)]
        _t, x, y, size = in_margin[0]
        width = pdfmetrics.stringWidth(str(i), b.FONT, 13)
        assert x + width / 2 == pytest.approx(w / 2, abs=0.5)  # centred on the page
        assert h - y == pytest.approx(12 * 72 / 25.4, abs=0.5)  # 12 mm below the top edge
        assert size == pytest.approx(13)


def test_metadata_title(three_pages):
    _, pdf = three_pages
    assert PdfReader(io.BytesIO(pdf)).metadata.title == "Danh sách hộ được hỗ trợ"


def test_header_and_vietnamese_text_extract_exactly(three_pages):
    _, pdf = three_pages
    first = flat(pages_text(pdf)[0])
    for expected in [
        "UBND TỈNH ĐỒNG THÁP",
        "ỦY BAN NHÂN DÂN",
        "XÃ PHÚ TÂN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 15/DS-UBND",
        "Phú Tân, ngày 05 tháng 11 năm 2026",
        "DANH SÁCH HỘ ĐƯỢC HỖ TRỢ",
        "Điện thoại thông minh - VTCI",
        NAMES,
        ALL_DIACRITICS,
    ]:
        assert flat(expected) in first, expected


def test_uppercase_diacritics_extract_exactly():
    pdf = b.build_pdf([Paragraph(b.esc(ALL_DIACRITICS.upper()), b.styles().bold)], title="x")
    assert flat(ALL_DIACRITICS.upper()) in flat(pages_text(pdf)[0])


def test_table_header_on_every_page_and_totals_on_the_last(three_pages):
    _, pdf = three_pages
    texts = [flat(t) for t in pages_text(pdf)]
    for t in texts:
        for h in HEADER:
            assert h in t
    assert "Tổng cộng" in texts[2] and "Tổng cộng" not in texts[0]
    assert "KT. CHỦ TỊCH" in texts[2] and "Đặng Văn Hưởng" in texts[2]


def test_user_text_with_markup_characters_prints_as_typed(three_pages):
    _, pdf = three_pages
    assert NOTE in pages_text(pdf)[0]


def test_no_stamp_by_default(three_pages):
    _, pdf = three_pages
    assert not any("IN LẠI" in t or "ĐÃ HỦY" in t or "XEM TRƯỚC" in t for t in pages_text(pdf))


@pytest.mark.parametrize("stamp", ["IN LẠI 14:05 05/11/2026", "ĐÃ HỦY"])
@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
def test_stamp_on_every_page(stamp, landscape):
    pdf = b.build_pdf(
        make_story(ROWS_FOR_THREE_PAGES[landscape], landscape=landscape),
        landscape=landscape, title="Bản sao", stamp=stamp,
    )
    texts = pages_text(pdf)
    assert len(texts) == 3
    assert all(stamp in t for t in texts)


# ------------------------------------------------------------------ smaller pieces


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        (None, ""),
        ("", ""),
        (NOTE, "0.1 &lt;A &lt;0.9"),
        ("a & b > c", "a &amp; b &gt; c"),
        ("<b>not bold</b>", "&lt;b&gt;not bold&lt;/b&gt;"),
        ("&amp;", "&amp;amp;"),
        (500000, "500000"),
        ("Nguye\u0302\u0303n", "Nguyễn"),  # combining marks → precomposed (NFC)
        ("a\x00b\x07c", "abc"),
    ],
)
def test_esc(raw, escaped):
    assert b.esc(raw) == nfc(escaped)


def test_esc_line_breaks_only_on_request():
    assert b.esc("a\nb") == "a\nb"
    assert b.esc("a\r\nb<", br=True) == "a<br/>b&lt;"


def test_fonts_registered_once_as_a_family():
    b.register_fonts()
    b.register_fonts()
    names = pdfmetrics.getRegisteredFontNames()
    for face in (b.FONT, b.FONT_BOLD, b.FONT_ITALIC, b.FONT_BOLD_ITALIC):
        assert face in names
    from reportlab.lib.fonts import tt2ps

    assert tt2ps(b.FONT, 1, 0) == b.FONT_BOLD
    assert tt2ps(b.FONT, 0, 1) == b.FONT_ITALIC
    assert tt2ps(b.FONT, 1, 1) == b.FONT_BOLD_ITALIC


def test_styles_use_the_vietnamese_font():
    st = b.styles()
    for key in ("normal", "small", "bold", "title", "centred", "italic_centred", "cell", "header"):
        assert st[key].fontName.startswith(b.FONT)
    assert st.title.fontName == b.FONT_BOLD and st.title.alignment == 1
    assert st.header.fontName == b.FONT_BOLD
    assert b.styles() is not st  # fresh objects each call: callers may modify them


def test_title_is_upper_case_and_escaped():
    para = b.title("biên bản <nháp> & đối chiếu")[0]
    assert para.text == "BIÊN BẢN &lt;NHÁP&gt; &amp; ĐỐI CHIẾU"


def test_bold_and_italic_markup_in_paragraphs():
    st = b.styles()
    pdf = b.build_pdf([Paragraph("thường <b>đậm</b> <i>nghiêng</i> <b><i>cả hai</i></b>", st.normal)], title="x")
    fonts = set()
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    for font in page["/Resources"]["/Font"].values():
        fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    # embedded as subsets under the TrueType files' own names
    assert {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"} <= fonts


def test_header_without_upper_body_or_number_and_fixed_width():
    flows = b.admin_header(DEFAULT_ISSUER, None, "Phú Tân, ngày 01 tháng 01 năm 2027", width=b.frame_width())
    pdf = b.build_pdf(flows, title="x")
    text = flat(pages_text(pdf)[0])
    assert "Số:" not in text
    assert "ỦY BAN NHÂN DÂN XÃ PHÚ TÂN" in text
    assert "Phú Tân, ngày 01 tháng 01 năm 2027" in text


def test_a_single_signature_block_and_blank_name():
    pdf = b.build_pdf([b.signature_blocks([("NGƯỜI NHẬN", "(Ký, ghi rõ họ tên)", "")])], title="x")
    text = flat(pages_text(pdf)[0])
    assert "NGƯỜI NHẬN (Ký, ghi rõ họ tên)" in text


def test_data_table_checks_shapes_and_accepts_values():
    with pytest.raises(ValueError):
        b.data_table(["a", "b"], [["1"]], [50, 50])
    with pytest.raises(ValueError):
        b.data_table(["a", "b"], [], [50, 50], totals=["x"])
    tbl = b.data_table(["a", "b"], [[1, None]], [50, 50], repeat_header=False, align=["R", "L"])
    assert tbl.repeatRows == 0
    assert all(isinstance(c, Paragraph) for row in tbl._cellvalues for c in row)


def test_fit_widths_fill_the_frame():
    assert sum(b.fit_widths([1, 2, 3])) == pytest.approx(b.frame_width())
    assert sum(b.fit_widths([1, 1], landscape=True)) == pytest.approx(b.frame_width(True))
    assert b.frame_width() == pytest.approx(165 / 25.4 * 72)


def test_base_is_pure():
    tree = ast.parse(Path(b.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"flask", "sqlalchemy", "subsidy"}


def test_documents_import_only_the_domain():
    """Every module of subsidy/documents imports the standard library, the rendering libraries and
    subsidy.domain (or another documents module), never Flask, SQLAlchemy or the services."""
    import sys

    allowed_third_party = {"reportlab", "segno", "openpyxl"}
    root = Path(b.__file__).resolve().parent.parent
    bad = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods = [node.module]
            else:
                continue
            for mod in mods:
                top = mod.split(".")[0]
                if top == "subsidy":
                    ok = mod.startswith(("subsidy.domain", "subsidy.documents"))
                else:
                    ok = top in sys.stdlib_module_names or top in allowed_third_party or top == "__future__"
                if not ok:
                    bad.append(f"{path.relative_to(root)}: {mod}")
    assert bad == []
