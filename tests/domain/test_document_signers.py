"""Who signs a document when nothing else is recorded (Nghị định 30/2020/NĐ-CP, Phụ lục I, ô 7;
domain.md §7, §10): the body's usual signer and ký hiệu abbreviation from its name, and the typed
name or a dotted line to write it by hand."""
from __future__ import annotations

import pytest

from subsidy.domain.documents import Signer, body_abbreviation, body_signer, signer_name_printed


@pytest.mark.parametrize("body, abbreviation, role", [
    ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP", "UBND", ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    ("SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH ĐỒNG THÁP", "SKHCN", ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")),
    ("Sở Khoa học và Công nghệ", "SKHCN", ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")),
    ("Sở Giáo dục và Đào tạo thành phố Cần Thơ", "SGDĐT", ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")),
    ("Sở Nội vụ", "SNV", ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")),
])
def test_the_usual_signer_and_abbreviation_of_a_body(body, abbreviation, role):
    assert body_abbreviation(body) == abbreviation
    assert body_signer(body).role_lines == role and body_signer(body).name == ""


def test_a_name_not_recorded_prints_a_dotted_line():
    assert signer_name_printed("  Trần Văn Bình ") == "Trần Văn Bình"
    assert signer_name_printed("") == signer_name_printed(None) == signer_name_printed("   ") == "." * 30
    assert Signer().printed_name == "." * 30 and Signer(name="Lê Văn Tám").printed_name == "Lê Văn Tám"
