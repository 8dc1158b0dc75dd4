"""Each commune's documents name its own issuing body, place, ký hiệu and signer, from its row
(Nghị định 30/2020/NĐ-CP, Phụ lục I); a receipt keeps what it printed when the row changes later; the
province's report names the province's body."""
from __future__ import annotations

import datetime as dt
import io
import unicodedata

from pypdf import PdfReader

from subsidy.models import Commune
from subsidy.models.scoping import set_commune
from subsidy.services import communes, handovers, instance_settings, receipts
from subsidy.services import lists as lists_svc
from subsidy.services.tally.province import province_issuer
from tests import factories
from tests.conftest import login
from tests.handover_support import handover_input, imei


def text(pdf: bytes) -> str:
    return " ".join(" ".join(unicodedata.normalize("NFC", p.extract_text()).split())
                    for p in PdfReader(io.BytesIO(pdf)).pages)


def two_communes(session) -> tuple[Commune, Commune]:
    a = communes.create_commune(session, communes.CommuneInput(
        code="PHUTAN", name="xã Phú Tân", province="tỉnh Đồng Tháp", signer_deputy="", signer_title="Chủ tịch",
        signer_name="Nguyễn Văn Ân", recipients="Sở Khoa học và Công nghệ\nThường trực Đảng ủy xã",
        archive="VT, VP-TK"), None, hamlets=["Ấp Phú Thạnh"])
    b = communes.create_commune(session, communes.CommuneInput(
        code="TANAN", name="xã Tân An", province="tỉnh Đồng Tháp", signer_name="Trần Thị Bình",
        abbreviation="ubnd", kind_codes="handover=bbbg; list=DSHT", recipients="Sở Khoa học và Công nghệ",
        archive="VT, VHXH"), None, hamlets=["Ấp Phú Thạnh"])
    return a, b


def test_two_communes_print_their_own_bodies_signers_and_receipt_numbers_and_receipts_keep_them(session):
    a, b = two_communes(session)
    clerk_a = factories.user(session, "clerk", commune_id=a.id, full_name="Lê Thị Giao")
    clerk_b = factories.user(session, "clerk", commune_id=b.id, full_name="Võ Văn Nhận")
    made = {}
    for n, (commune, clerk) in enumerate(((a, clerk_a), (b, clerk_b)), start=1):
        set_commune(session, commune.id)
        app = factories.approved(session)
        res = handovers.record_handover(session, app.id, handover_input(imei(900 + n)), clerk,
                                        today=dt.date(2026, 3, 12))
        made[commune.code] = res.receipt
    set_commune(session, None)
    pa, pb = (text(receipts.preview_pdf(made[c])) for c in ("PHUTAN", "TANAN"))
    assert made["PHUTAN"].snapshot["number_display"] == "01/BB-UBND"
    assert made["TANAN"].snapshot["number_display"] == "01/BBBG-UBND"   # its own kind code
    # (the date line as Nghị định 30 writes it: a month from 3 on without a leading zero)
    assert "ỦY BAN NHÂN DÂN XÃ PHÚ TÂN" in pa and "Phú Tân, ngày 10 tháng 3 năm 2026" in pa
    assert made["PHUTAN"].snapshot["signer_role"] == "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    assert "KT. CHỦ TỊCH" not in pa and pa.endswith("Nguyễn Văn Ân")
    assert "ỦY BAN NHÂN DÂN XÃ TÂN AN" in pb and "Tân An, ngày 10 tháng 3 năm 2026" in pb
    assert made["TANAN"].snapshot["signer_role"] == "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in pb and pb.endswith("Trần Thị Bình")
    assert "PHÚ TÂN" not in pb and "Nguyễn Văn Ân" not in pb

    # Phú Tân changes its signer and body: the receipt already issued prints what it printed.
    communes.update_commune(session, a, communes.CommuneInput(
        code="PHUTAN", name="xã Phú Tân", issuing_body="ỦY BAN NHÂN DÂN PHƯỜNG PHÚ TÂN", signer_name="Đỗ Văn Mới"),
        None)
    again = text(receipts.preview_pdf(made["PHUTAN"]))
    assert "ỦY BAN NHÂN DÂN XÃ PHÚ TÂN" in again and "Nguyễn Văn Ân" in again
    assert "PHƯỜNG" not in again and "Đỗ Văn Mới" not in again
    assert communes.issuer_of(a).body == "ỦY BAN NHÂN DÂN PHƯỜNG PHÚ TÂN"   # new documents take the new row


def test_each_communes_list_names_its_body_signer_and_recipients(app, session, make_user):
    a, b = two_communes(session)
    ids = {}
    for commune, number in ((a, "03/DS-UBND"), (b, "04/DSHT-UBND")):
        ids[commune.code] = lists_svc.new_list(session, None, number=number, created_on=dt.date(2026, 2, 2),
                                               commune_id=commune.id).id
    session.commit()
    got = {}
    for commune in (a, b):   # each commune's clerk takes its own list away
        make_user(f"canbo-{commune.code}", "clerk", commune_id=commune.id)
        browser = app.test_client()
        login(browser, f"canbo-{commune.code}")
        got[commune.code] = text(browser.get(f"/danh-sach/{ids[commune.code]}/de-nghi.pdf").data)
    pa, pb = got["PHUTAN"], got["TANAN"]
    assert "ỦY BAN NHÂN DÂN XÃ PHÚ TÂN" in pa and "Số: 03/DS-UBND" in pa and "Phú Tân, ngày" in pa
    assert "- Thường trực Đảng ủy xã; - Lưu: VT, VP-TK." in pa and "Nguyễn Văn Ân" in pa
    assert "ỦY BAN NHÂN DÂN XÃ TÂN AN" in pb and "Số: 04/DSHT-UBND" in pb and "Tân An, ngày" in pb
    assert "- Sở Khoa học và Công nghệ; - Lưu: VT, VHXH." in pb and "Trần Thị Bình" in pb
    assert "Thường trực Đảng ủy" not in pb and "PHÚ TÂN" not in pb


def test_the_province_report_names_the_provinces_body_from_its_setting(session):
    two_communes(session)
    assert province_issuer(session).body == "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP"   # the default from the communes
    assert province_issuer(session).place == "Đồng Tháp"
    instance_settings.update(session, {instance_settings.PROVINCE_BODY: "Sở Khoa học và Công nghệ tỉnh Đồng Tháp"},
                             None)
    assert province_issuer(session).body == "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH ĐỒNG THÁP"


def test_a_bad_kind_code_or_abbreviation_is_refused_in_vietnamese(session):
    import pytest

    from subsidy.services.errors import InvalidFields

    with pytest.raises(InvalidFields) as err:
        communes.create_commune(session, communes.CommuneInput(code="XAX", name="xã X", kind_codes="bienban=BB",
                                                               abbreviation="UB ND"), None)
    assert "«bienban=BB»" in err.value.field_errors["kind_codes"] and "loại=MÃ" in err.value.field_errors["kind_codes"]
    assert "không dấu cách" in err.value.field_errors["abbreviation"]
