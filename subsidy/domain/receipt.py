"""The receipt snapshot: everything a receipt (biên bản bàn giao, giấy biên nhận) prints, stored
in ``Receipt.snapshot`` when the receipt is issued, so a reprint is identical even after the
household's record changes (architecture.md; domain.md §6, §7). Pure data: services fill it,
subsidy.documents.receipt renders it.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

#: ``ReceiptData.kind`` of a biên bản bàn giao (a phone handed over).
KIND_HANDOVER = "handover"
#: ``ReceiptData.kind`` of a giấy biên nhận (cash support paid).
KIND_CASH = "cash"


@dataclass
class ReceiptData:
    """Everything a receipt prints (also its stored snapshot: ``dataclasses.asdict``).

    Strings are plain text (NFC; escaped at render). Money in whole đồng; dates already
    formatted dd/mm/yyyy. ``kind`` is ``"handover"`` (biên bản bàn giao) or ``"cash"``
    (giấy biên nhận). Handover-only fields are empty for cash and vice versa.
    """

    kind: str
    number_display: str  # "07/BB-UBND" (receipts issued before: "0007/BB-VTCI", kept as printed)
    series: str
    year: int
    number: int
    issuer_body_upper: str
    issuer_body: str
    place: str
    giver_unit: str  # "Ủy ban nhân dân xã Phú Tân" (Bên giao; where the receipt is made)
    date: str  # dd/mm/yyyy: the handover or payment date
    place_date: str  # "Phú Tân, ngày 05 tháng 11 năm 2026"
    tracking_code: str
    status_url: str  # the QR code's content: public status link with the tracking code only
    household_code: str
    head_name: str
    hamlet: str
    address: str
    category: str  # "Hộ nghèo" / "Hộ cận nghèo" / ""
    recipient_name: str
    recipient_citizen_id: str
    staff_name: str
    legal_basis: str
    decision: str = ""  # "Quyết định số … ngày … của …" approving the list, when known
    # in what capacity the recipient received (services.handovers.checks._recipient_of_household):
    # "Chủ hộ", "Thành viên trong hộ (Con)", or a member off the list with the relation the clerk
    # wrote; "" on receipts issued before it was recorded (not printed)
    recipient_capacity: str = ""
    # handover
    phone_make: str = ""
    phone_model: str = ""
    imei: str = ""
    imei2: str = ""
    telecom: str = ""
    subscriber_number: str = ""
    # cash
    amount: int = 0
    amount_figures: str = ""  # "500.000"
    amount_words: str = ""  # "Năm trăm nghìn đồng"
    purchase_date: str = ""  # dd/mm/yyyy
    # who signs for the commune (Signer.role, "\n" between lines) and the typed name as printed: the
    # commune's signer, or NAME_BY_HAND when it records none (domain.documents.signer_name_printed,
    # decided when the receipt is issued and kept in its snapshot); the defaults are
    # what receipts issued before these fields printed ("": nothing under the space to sign)
    signer_role: str = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    signer_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_snapshot(self) -> dict[str, Any]:
        """The JSON-ready dict stored in ``Receipt.snapshot``."""
        return dataclasses.asdict(self)

    @classmethod
    def from_snapshot(cls, snap: dict[str, Any]) -> "ReceiptData":
        """Rebuild from a stored snapshot (unknown keys are ignored, missing ones default)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in snap.items() if k in names})
