"""The complaint documents (Luật Khiếu nại 2011, Điều 27 and 31; Nghị định 30/2020/NĐ-CP, Phụ lục I): what
each prints, in which face and size, in what order. The header sizes, the margins of every character, the
page numbers and the longest values are measured for them with every other kind in test_document_kit."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import unicodedata

from pypdf import PdfReader

from subsidy.documents import complaint_samples as samples
from subsidy.documents.complaints import render_acceptance_notice, render_decision
from subsidy.domain.complaints.documents import Complainant, personal_signer
from subsidy.domain.documents import Signer
from tests.documents.test_document_kit import runs


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(unicodedata.normalize("NFC", p.extract_text()).split()) for p in pages)


def test_the_notice_says_who_complained_about_what_and_when_it_was_accepted():
    pdf = render_acceptance_notice(samples.acceptance_notice())
    text = text_of(pdf)
    assert "Số: 03/TB-UBND" in text and "Phú Tân, ngày 17 tháng 11 năm 2026" in text
    assert "THÔNG BÁO Về việc thụ lý giải quyết khiếu nại (lần đầu)" in text
    assert "Kính gửi: Bà Lê Thị Hồng." in text
    assert ("Ngày 10/11/2026, Chủ tịch Ủy ban nhân dân xã Phú Tân đã nhận được đơn khiếu nại đề ngày 09/11/2026 của "
            "bà Lê Thị Hồng, địa chỉ: Tổ 3, Ấp Phú Lợi, xã Phú Tân, số CCCD: 082170000123, đại diện cho hộ bà Lê Thị "
            "Hồng.") in text
    assert "Quyết định, hành vi bị khiếu nại: Quyết định số 12/QĐ-UBND ngày 05/11/2026" in text
    assert "căn cứ Điều 27 Luật Khiếu nại ngày 11 tháng 11 năm 2011, đơn khiếu nại đủ điều kiện thụ lý" in text
    assert "Ngày 17/11/2026, Chủ tịch Ủy ban nhân dân xã Phú Tân thụ lý giải quyết khiếu nại (lần đầu)." in text
    assert "không quá 30 ngày, kể từ ngày thụ lý (Luật Khiếu nại, Điều 28), tức là đến hết ngày 17/12/2026." in text
    assert "- Như trên; - Thanh tra tỉnh Đồng Tháp; - Công chức Văn phòng - thống kê; - Lưu: VT, hồ sơ." in text
    # signed by the chairman's deputy for him, not "TM. ỦY BAN NHÂN DÂN" (Luật Khiếu nại, Điều 18)
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in text and "TM." not in text and text.endswith("Trần Văn Bình")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


def test_a_notice_without_citizen_id_or_deadline_leaves_them_out():
    d = samples.acceptance_notice()
    d = dataclasses.replace(d, complainant=dataclasses.replace(d.complainant, citizen_id="", on_behalf_of=""),
                            decide_by=None, number="")
    text = text_of(render_acceptance_notice(d))
    assert "CCCD" not in text and "Thời hạn giải quyết" not in text and "đại diện" not in text
    assert "Số: /TB-UBND" in text  # room to write the number by hand


def test_the_decision_has_its_parts_in_the_order_of_article_31():
    d = samples.decision()
    text = text_of(render_decision(d))
    order = ["Số: 18/QĐ-UBND", "QUYẾT ĐỊNH Về việc giải quyết khiếu nại của bà Lê Thị Hồng (lần đầu)",
             "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ PHÚ TÂN",
             "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
             "Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011;",
             "Căn cứ Nghị định số 124/2020/NĐ-CP ngày 19 tháng 10 năm 2020",
             "Xét đơn khiếu nại đề ngày 09/11/2026 của bà Lê Thị Hồng, địa chỉ: Tổ 3, Ấp Phú Lợi",
             "Người bị khiếu nại: Chủ tịch Ủy ban nhân dân xã Phú Tân.",
             "I. Nội dung khiếu nại", "II. Kết quả xác minh nội dung khiếu nại", "III. Kết luận",
             "Từ những nhận định và căn cứ trên,", "QUYẾT ĐỊNH:",
             "Điều 1. Giữ nguyên Quyết định số 12/QĐ-UBND",
             "Điều 2. Giao công chức Văn phòng - thống kê",
             "Điều 3. Trong thời hạn 30 ngày, kể từ ngày nhận được Quyết định này, nếu không đồng ý với việc giải "
             "quyết khiếu nại thì bà Lê Thị Hồng có quyền khiếu nại đến Chủ tịch Ủy ban nhân dân tỉnh Đồng Tháp hoặc "
             "khởi kiện vụ án hành chính tại Tòa án",
             "Điều 4. Công chức Văn phòng - thống kê, bà Lê Thị Hồng chịu trách nhiệm thi hành Quyết định này./.",
             "Nơi nhận: - Như Điều 4; - Chủ tịch Ủy ban nhân dân tỉnh Đồng Tháp; - Thanh tra tỉnh Đồng Tháp; "
             "- Lưu: VT, hồ sơ.", "Trần Văn Bình"]
    at = [text.find(x) for x in order]
    assert -1 not in at, [x for x, i in zip(order, at) if i == -1]
    assert at == sorted(at)
    assert "Kết quả đối thoại" not in text  # none held: the section is left out, and the numbering closes up


def test_a_decision_with_a_dialogue_numbers_four_sections():
    d = dataclasses.replace(samples.decision(), dialogue="Ngày 01/12/2026 đối thoại với bà Lê Thị Hồng tại trụ sở xã.")
    text = text_of(render_decision(d))
    assert text.index("III. Kết quả đối thoại") < text.index("IV. Kết luận")


def test_a_second_decision_names_only_the_court():
    d = dataclasses.replace(samples.decision(), round=2)
    text = text_of(render_decision(d))
    assert "(lần hai)" in text and "có quyền khiếu nại đến" not in text
    assert "có quyền khởi kiện vụ án hành chính tại Tòa án" in text


def test_faces_and_sizes_of_the_decision_blocks():
    pages = runs(render_decision(samples.decision()))
    first, every = pages[0], [r for p in pages for r in p]
    basis = [r for r in first if r[0].startswith("Căn cứ")]
    assert len(basis) == 3 and all(r[3:] == ("LiberationSerif-Italic", 13) for r in basis)  # căn cứ: italic 13–14
    assert [r[3:] for r in first if r[0].strip() == "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ PHÚ TÂN"] == [("LiberationSerif-Bold", 13)]
    assert [r[3:] for r in every if r[0].strip() == "QUYẾT ĐỊNH:"] == [("LiberationSerif-Bold", 13)]
    articles = [r for r in every if r[0].startswith("Điều ")]
    assert [r[0].strip() for r in articles] == ["Điều 1.", "Điều 2.", "Điều 3.", "Điều 4."]
    assert all(r[3:] == ("LiberationSerif-Bold", 13) for r in articles)
    # the article's first line is indented 1 cm (Phụ lục I, mục II.6: 1–1.27 cm) from the left margin
    mm = 72 / 25.4
    assert all(abs(r[1] - 40 * mm) < 0.5 for r in articles)
    last = pages[-1]
    heading = [r for r in last if r[0].strip() == "Nơi nhận:"][0]
    assert heading[3:] == ("LiberationSerif-BoldItalic", 12)
    entries = [r for r in last if r[0].startswith("- ")]
    assert entries and all(r[3:] == ("LiberationSerif", 11) for r in entries)


def test_personal_signer_drops_only_the_collective_authority():
    s = Signer(authority="TM. ỦY BAN NHÂN DÂN", deputy="KT. CHỦ TỊCH", title="PHÓ CHỦ TỊCH", name="Trần Văn Bình")
    assert personal_signer(s).role_lines == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    assert personal_signer(Signer(authority="TM. ỦY BAN NHÂN DÂN", deputy="", title="CHỦ TỊCH")).role_lines == (
        "CHỦ TỊCH",)


def test_complainant_particulars_leave_out_what_is_empty():
    assert Complainant("Võ Văn Út", "").particulars == "ông (bà) Võ Văn Út"
    assert Complainant("Võ Văn Út", "Ấp Phú Hòa", citizen_id="082070000001", honorific="ông").particulars == (
        "ông Võ Văn Út, địa chỉ: Ấp Phú Hòa, số CCCD: 082070000001")


def test_undated_complaint_cites_the_day_received():
    d = dataclasses.replace(samples.decision(), complaint_dated=None, received_on=dt.date(2026, 11, 12))
    assert "Xét đơn khiếu nại nhận ngày 12/11/2026 của bà Lê Thị Hồng" in text_of(render_decision(d))


def test_an_undated_complaint_is_named_once_by_the_day_received_in_the_notice():
    d = dataclasses.replace(samples.acceptance_notice(), complaint_dated=None)
    text = text_of(render_acceptance_notice(d))
    assert ("Ngày 10/11/2026, Chủ tịch Ủy ban nhân dân xã Phú Tân đã nhận được đơn khiếu nại của bà Lê Thị Hồng, "
            "địa chỉ:") in text
    assert "nhận ngày" not in text
