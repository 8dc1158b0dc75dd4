"""The commune's signature block of a receipt carries the authority, the title and the typed name
(domain.md §7; Nghị định 30/2020/NĐ-CP, Phụ lục I): the name is the commune's own signer (its row,
domain.md §10), whatever the instance's configuration says; a commune that records none prints a
dotted line to write the name by hand, never nothing. What was printed is kept in the snapshot, so a
reprint is identical after the commune records or changes its signer, and receipts issued before
(no name in their snapshot) reprint as they printed."""
from __future__ import annotations

import datetime as dt
import io
import unicodedata

from pypdf import PdfReader

from subsidy.domain.documents import signer_name_printed
from subsidy.models.scoping import set_commune
from subsidy.services import communes, handovers, receipts
from tests import factories
from tests.handover_support import handover_input, imei

DOTS = "." * 30  # a dotted line as long as a typed name, written out here, not taken from the code


def text(pdf: bytes) -> str:
    return " ".join(" ".join(unicodedata.normalize("NFC", p.extract_text()).split())
                    for p in PdfReader(io.BytesIO(pdf)).pages)


def after_signature_hint(pdf: bytes) -> str:
    """What the receipt prints after the commune's last hint «(Ký, đóng dấu)»: the names typed
    under the three signatures (receiver, giver, commune), in that order."""
    return text(pdf).rsplit("(Ký, đóng dấu)", 1)[1].strip()


def two_communes(session):
    named = communes.create_commune(session, communes.CommuneInput(
        code="PHUTAN", name="xã Phú Tân", province="tỉnh Đồng Tháp", signer_name="Nguyễn Văn Ân"),
        None, hamlets=["Ấp Phú Thạnh"])
    unnamed = communes.create_commune(session, communes.CommuneInput(
        code="TANAN", name="xã Tân An", province="tỉnh Đồng Tháp", signer_name=""), None, hamlets=["Ấp Phú Thạnh"])
    return named, unnamed


def handover_in(session, commune, clerk, n: int):
    set_commune(session, commune.id)
    app = factories.approved(session)
    receipt = handovers.record_handover(session, app.id, handover_input(imei(700 + n)), clerk,
                                        today=dt.date(2026, 3, 12)).receipt
    set_commune(session, None)
    return receipt


def test_each_commune_prints_its_own_signer_or_a_dotted_line_to_write_it(session):
    named, unnamed = two_communes(session)
    clerk_a = factories.user(session, "clerk", commune_id=named.id, full_name="Lê Thị Giao")
    clerk_b = factories.user(session, "clerk", commune_id=unnamed.id, full_name="Võ Văn Nhận")
    a = handover_in(session, named, clerk_a, 1)
    b = handover_in(session, unnamed, clerk_b, 2)
    set_commune(session, unnamed.id)
    cash_app = factories.approved(session, form="cash")
    cash = handovers.record_cash_payment(session, cash_app.id, handovers.CashPaymentInput(
        paid_on=dt.date(2026, 3, 10), recipient_name="Trần Thị Nhận", recipient_citizen_id="082096004321",
        purchase_date=dt.date(2023, 1, 20), recipient_relation="Con gái chủ hộ, có tên trong thông tin cư trú của hộ", confirm_recipient=True), clerk_b, today=dt.date(2026, 3, 12)).receipt
    set_commune(session, None)

    assert a.snapshot["signer_name"] == "Nguyễn Văn Ân"
    assert after_signature_hint(receipts.preview_pdf(a)).endswith("Lê Thị Giao Nguyễn Văn Ân")
    # the commune that records no name: the role, then a dotted line where the name is written by hand
    for receipt in (b, cash):
        assert receipt.snapshot["signer_name"] == DOTS
        assert receipt.snapshot["signer_role"] == "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
        printed = receipts.preview_pdf(receipt)
        assert after_signature_hint(printed).endswith(f"Võ Văn Nhận {DOTS}")
        assert "Nguyễn Văn Ân" not in text(printed)
    assert signer_name_printed("  Trần Văn Bình ") == "Trần Văn Bình" and signer_name_printed(None) == DOTS


def test_a_reprint_prints_what_the_receipt_printed_when_issued(session):
    named, unnamed = two_communes(session)
    clerk_b = factories.user(session, "clerk", commune_id=unnamed.id, full_name="Võ Văn Nhận")
    b = handover_in(session, unnamed, clerk_b, 3)
    receipts.print_original(session, b, clerk_b)
    # Tân An records its signer afterwards: the receipt already issued keeps its dotted line …
    communes.update_commune(session, unnamed, communes.CommuneInput(
        code="TANAN", name="xã Tân An", province="tỉnh Đồng Tháp", signer_name="Phạm Thị Ký"), None)
    again = receipts.reprint(session, b, clerk_b, now=dt.datetime(2026, 3, 13, 2, 0, tzinfo=dt.timezone.utc))
    assert after_signature_hint(again).endswith(f"Võ Văn Nhận {DOTS}") and "Phạm Thị Ký" not in text(again)
    # … and its next receipt prints the name
    later = handover_in(session, unnamed, clerk_b, 4)
    assert later.snapshot["signer_name"] == "Phạm Thị Ký"
    assert after_signature_hint(receipts.preview_pdf(later)).endswith("Võ Văn Nhận Phạm Thị Ký")


def test_receipts_issued_before_reprint_as_they_printed(session):
    _named, unnamed = two_communes(session)
    clerk_b = factories.user(session, "clerk", commune_id=unnamed.id, full_name="Võ Văn Nhận")
    receipt = handover_in(session, unnamed, clerk_b, 5)
    # a snapshot of before the typed name was kept ("" then, or no key at all): no name, no dots
    for old in ({k: v for k, v in receipt.snapshot.items() if k != "signer_name"},
                {**receipt.snapshot, "signer_name": ""}):
        receipt.snapshot = old
        session.flush()
        names = after_signature_hint(receipts.preview_pdf(receipt))
        assert names.endswith("Võ Văn Nhận") and "..." not in names
