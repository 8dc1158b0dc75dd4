"""Every document kind measured against Nghị định 30/2020/NĐ-CP, Phụ lục I, from the PDF itself (pypdf):
the font and size of each block, the margins of every character, the page numbers, the Nơi nhận; and
every kind rendered with every text field at the longest the forms accept, all of it printed.

The seven kinds are built from dataclasses (subsidy/documents/samples.py): no database.
"""
from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader

from subsidy.documents.base import fonts
from subsidy.documents import complaint_samples, samples as kinds

MM = 72 / 25.4


def runs(pdf: bytes) -> list[list[tuple[str, float, float, str, float]]]:
    """Per page: the text runs as drawn — (text, x, y, font base name, size in points)."""
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        found: list[tuple[str, float, float, str, float]] = []

        def visit(text, cm, tm, font, size, found=found):
            if not text.strip():
                return
            name = str(font.get("/BaseFont", "")).split("+")[-1] if font else ""
            x = tm[4] * cm[0] + cm[4]
            y = tm[5] * cm[3] + cm[5]
            found.append((unicodedata.normalize("NFC", text), x, y, name, size * (tm[3] or 1)))

        page.extract_text(visitor_text=visit)
        out.append(found)
    return out


def find(page_runs, text: str):
    hits = [r for r in page_runs if r[0].strip() == text]
    assert hits, f"{text!r} not drawn as one run"
    return hits[0]


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    return {name: render(False) for name, render in kinds.KINDS.items()}


@pytest.mark.parametrize("kind", list(kinds.KINDS))
def test_header_blocks_have_the_decree_sizes_and_faces(rendered, kind):
    first = runs(rendered[kind])[0]
    assert find(first, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")[3:] == ("LiberationSerif-Bold", 12)  # 12–13 bold caps
    assert find(first, "Độc lập - Tự do - Hạnh phúc")[3:] == ("LiberationSerif-Bold", 13)  # 13–14 bold
    body = [r for r in first if r[0].strip() in ("ỦY BAN NHÂN DÂN", "XÃ PHÚ TÂN", "ỦY BAN NHÂN DÂN XÃ PHÚ TÂN",
                                                  "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH ĐỒNG THÁP")]
    assert body and all(r[3:] == ("LiberationSerif-Bold", 13) for r in body)  # issuing body 12–13 bold caps
    place_date = [r for r in first if r[0].startswith(("Phú Tân, ngày", "Đồng Tháp, ngày"))]
    if kind != "danh-sach-phe-duyet":  # an attachment carries its decision's date, not its own
        assert place_date and place_date[0][3:] == ("LiberationSerif-Italic", 13)  # 13–14 italic
    numbers = [r for r in first if r[0].startswith("Số:")]
    if kind in ("phieu-tiep-nhan", "danh-sach-phe-duyet"):
        assert numbers == []  # a slip and an attachment have no number of their own
    else:
        assert numbers and numbers[0][3:] == ("LiberationSerif", 13)
    titles = [r for r in first if r[0].isupper() and r[4] == 14]
    assert titles and all(r[3] == "LiberationSerif-Bold" for r in titles)  # kind of document: 13–14 bold caps


@pytest.mark.parametrize("kind", ["danh-sach-de-nghi", "bao-cao-thang", "bao-cao-nam"])
def test_noi_nhan_bold_italic_12_with_entries_11(rendered, kind):
    last = runs(rendered[kind])[-1]
    heading = find(last, "Nơi nhận:")
    assert heading[3:] == ("LiberationSerif-BoldItalic", 12)
    entries = [r for r in last if r[0].startswith("- ")]
    assert [r[0].strip() for r in entries][-1] == "- Lưu: VT, VP-TK."
    assert all(r[3:] == ("LiberationSerif", 11) for r in entries)
    assert all(abs(r[1] - heading[1]) < 0.5 for r in entries)  # bottom left, under the heading
    signer = [r for r in last if r[0].strip() == "Trần Văn Bình"][-1]  # (the list has a household of that name)
    assert signer[3:] == ("LiberationSerif-Bold", 13) and signer[2] <= heading[2]  # the typed name


def test_a_signer_with_no_name_recorded_gets_a_dotted_line_where_the_name_goes(rendered):
    """The province's report issued by a Sở that records no signer's name: its role lines, the hint,
    then a dotted line drawn as the typed name is (bold 13) to write the name by hand."""
    last = runs(rendered["bao-cao-tinh"])[-1]
    title = find(last, "PHÓ GIÁM ĐỐC")
    assert find(last, "KT. GIÁM ĐỐC")[2] > title[2]
    dots = find(last, "." * 30)
    assert dots[3:] == ("LiberationSerif-Bold", 13) and dots[2] < title[2] and abs(dots[1] - title[1]) < 40 * MM
    numbers = [r[0].strip() for r in runs(rendered["bao-cao-tinh"])[0] if r[0].startswith("Số:")]
    assert numbers and numbers[0].endswith("/BC-SKHCN")  # the Sở's abbreviation in the ký hiệu


@pytest.mark.parametrize("kind", list(kinds.KINDS))
@pytest.mark.parametrize("long", [False, True], ids=["ordinary", "longest"])
def test_every_character_inside_the_margins_and_numbers_from_page_two(kind, long):
    pdf = kinds.KINDS[kind](long)
    reader = PdfReader(io.BytesIO(pdf))
    for number, (page, page_runs) in enumerate(zip(reader.pages, runs(pdf)), start=1):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert sorted((round(w), round(h))) == [595, 842]  # A4
        in_top = [r for r in page_runs if r[2] > h - 20 * MM]
        if number == 1:
            assert in_top == []
        else:
            assert [r[0].strip() for r in in_top] == [str(number)]
            assert in_top[0][4] == 13 and h - in_top[0][2] == pytest.approx(12 * MM, abs=0.5)
        for text, x, y, _font, _size in page_runs:
            if (text.strip(), y) == (str(number), in_top[0][2] if in_top else None):
                continue
            assert x >= 30 * MM - 0.5, (text, x / MM)  # left margin 30–35 mm
            assert y >= 20 * MM - 0.5, (text, y / MM)  # bottom margin 20–25 mm (baselines)
        text = page.extract_text()
        assert "Trang" not in text


COMPLAINT_SAMPLES = {"thong-bao-thu-ly-khieu-nai": complaint_samples.acceptance_notice,
                     "quyet-dinh-giai-quyet-khieu-nai": complaint_samples.decision}


def _words_in(value, word: str) -> int:
    """How often ``word`` occurs in the text fields of a dataclass, its nested dataclasses and tuples."""
    if isinstance(value, str):
        return value.count(word)
    if isinstance(value, tuple):
        return sum(_words_in(v, word) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        return sum(_words_in(getattr(value, f), word) for f in value.__dataclass_fields__)
    return 0


def _count(pdf: bytes, word: str) -> int:
    return sum(unicodedata.normalize("NFC", p.extract_text()).count(word) for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("kind", list(kinds.KINDS))
def test_longest_values_in_every_text_field_render_in_full(kind):
    """The forms accept a note of 1,000 characters, names of 120, an address of 255…: every kind
    renders with all of them at once, and every word of them is in the PDF (no LayoutError, nothing
    cut). "Tuyết" occurs once per 58 characters of the filler, so a lost line lowers the count."""
    pdf = kinds.KINDS[kind](True)
    fields = {
        "bien-ban-ban-giao": lambda: kinds.receipt_data("handover", True),
        "giay-bien-nhan": lambda: kinds.receipt_data("cash", True),
        "phieu-tiep-nhan": lambda: kinds.intake_data(True),
    }
    if kind in fields:
        data = fields[kind]()
        values = [v for k, v in vars(data).items() if isinstance(v, str) and k not in ("status_url", "status_page")]
        if kind == "giay-bien-nhan":
            values = [v for k, v in vars(data).items() if isinstance(v, str) and not k.startswith(("phone_", "imei"))]
        expected = sum(v.count("Tuyết") for v in values)
    elif kind in COMPLAINT_SAMPLES:
        expected = _words_in(COMPLAINT_SAMPLES[kind](True), "Tuyết")
    elif kind.startswith("danh-sach"):
        doc = kinds.list_document("approved" if kind.endswith("duyet") else "proposal", 8, True)
        expected = sum(r.name.count("Tuyết") + r.hamlet.count("Tuyết") + r.note.count("Tuyết") for r in doc.rows)
    else:
        expected = 6 * kinds.text(80).count("Tuyết")  # the hamlets' names (table; the chart prints them too)
    assert expected > 0
    assert _count(pdf, "Tuyết") >= expected


def test_the_shipped_font_covers_every_vietnamese_letter():
    assert len(fonts.VIETNAMESE_LETTERS) == 146
    from reportlab.pdfbase.ttfonts import TTFont

    for name in fonts.SHIPPED_FILES.values():
        assert fonts.missing_letters(TTFont("probe", str(fonts.SHIPPED_FONT_DIR / name))) == ""
    assert (fonts.SHIPPED_FONT_DIR / "LICENSE-LiberationSerif.txt").read_text().count("SIL OPEN FONT LICENSE") >= 1


def test_a_font_dir_without_times_falls_back_to_the_shipped_font(tmp_path):
    fonts.configure(str(tmp_path))
    try:
        assert fonts.register_fonts() == fonts.SHIPPED_FONT_DIR
    finally:
        fonts.configure(None)
        fonts.register_fonts()


@pytest.mark.parametrize("kind", ["bien-ban-ban-giao", "giay-bien-nhan", "phieu-tiep-nhan"])
def test_the_pdf_subject_cites_the_legal_basis_it_was_given(kind):
    """The subject metadata names the rule set in force's basis, not a hard-coded Thông tư 14."""
    import dataclasses

    from subsidy.documents import intake, receipt

    basis = "Thông tư số 99/2027/TT-BKHCN ngày 01/03/2027 của Bộ Khoa học và Công nghệ"
    if kind == "phieu-tiep-nhan":
        pdf = intake.render(dataclasses.replace(kinds.intake_data(), legal_basis=basis))
    else:
        data = kinds.receipt_data("handover" if kind == "bien-ban-ban-giao" else "cash")
        pdf = receipt.render(dataclasses.replace(data, legal_basis=basis))
    subject = unicodedata.normalize("NFC", PdfReader(io.BytesIO(pdf)).metadata.subject)
    assert subject == f"Chương trình VTCI - {basis}"
