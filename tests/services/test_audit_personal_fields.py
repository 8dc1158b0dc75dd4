"""The audit log shows a person's CCCD and phone by one rule (domain.scope.PERSONAL_FIELDS and
shown_value): in full for the roles that see them (the commune's clerk and approver), masked for the
admin and the province, for every kind of record that holds one — households (the head's CCCD, the
family's phone, the CCCD warning quoting the number), handovers (the recipient's CCCD, the
subscriber number; the phone handed over is a make and model, labelled so and never masked), cash
payments (the recipient's CCCD) — while applications, complaints and members log none. The values
are typed here; the masks are written out by hand (last 4 of an ID, last 3 of a phone)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from subsidy.domain.scope import PERSONAL_FIELDS, sees_personal_data
from subsidy.models import AuditEntry, CashPayment, Handover, Household, HouseholdMember, ProposalListEntry
from subsidy.services import audit_log, complaints, importer
from subsidy.services import handovers as H
from subsidy.services import households as hh_svc
from tests import factories
from tests.handover_support import handover_input

HEAD_ID, HEAD_PHONE, NEW_PHONE = "082070123456", "0961234567", "0387654321"
RECIPIENT_ID, SUBSCRIBER = "082096001234", "0912345678"
CASH_RECIPIENT_ID = "082195004321"
PER_PERSON = Path(__file__).resolve().parents[1] / "data" / "ho-ngheo-2026-ra-soat-theo-nguoi.xlsx"


def _scenario(session, tt14) -> dict:
    clerk = factories.user(session, "clerk", "canbo-nk", full_name="Lý Ngọc Ẩn")
    # a household: its head's CCCD says born 1970, the form says 1971 (a warning quoting the CCCD)
    h = hh_svc.register_household(session, hh_svc.HouseholdInput(
        code="NK-001", head_name="Mai Minh Nghĩa", hamlet="Ấp Phú Hòa", category="poor", members=2,
        head_birth_year=1971, head_gender="M", citizen_id=HEAD_ID, phone=HEAD_PHONE,
        confirm_citizen_id_warning=True), clerk)
    hh_svc.update_household(session, h.id, hh_svc.HouseholdInput(
        code="NK-001", head_name="Mai Minh Nghĩa", hamlet="Ấp Phú Hòa", category="poor", members=2,
        head_birth_year=1971, head_gender="M", citizen_id=HEAD_ID, phone=NEW_PHONE,
        confirm_citizen_id_warning=True), clerk)
    # a handover and a cash payment (their applications approved as rows)
    phone_app = factories.approved(session)
    H.record_handover(session, phone_app.id, handover_input("490154203237518", subscriber_number=SUBSCRIBER,
                                                            recipient_citizen_id=RECIPIENT_ID),
                      clerk, today=dt.date(2026, 3, 20))
    cash_app = factories.approved(session, form="cash", head_name="Huỳnh Mỹ Nhung")
    H.record_cash_payment(session, cash_app.id, H.CashPaymentInput(
        paid_on=dt.date(2026, 3, 12), recipient_name="Huỳnh Mỹ Nhung", recipient_citizen_id=CASH_RECIPIENT_ID),
        clerk, today=dt.date(2026, 3, 20))
    # a complaint about the household
    complaints.record_case(session, complaints.CaseInput(
        kind="petition", filer="head", channel="in_person", category="other", text="Xin hỏi về máy",
        received_on=dt.date(2026, 3, 20), household_id=h.id), clerk, today=dt.date(2026, 3, 20))
    # a list of people: households with their members (the members' CCCDs are on file, not logged)
    importer.import_households(session, PER_PERSON.read_bytes(), PER_PERSON.name, clerk, year=2026,
                               skip_invalid=True)
    session.flush()
    return {"clerk": clerk}


def _text(rows) -> str:
    return "\n".join(f"{r.title} | " + " | ".join(audit_log.change_text(c) for c in r.changes) for r in rows)


def _on_file(session) -> set[str]:
    """Every CCCD and phone the database holds, in every column that holds one."""
    columns = (Household.citizen_id, Household.phone, HouseholdMember.citizen_id, Handover.subscriber_number,
               Handover.recipient_citizen_id, CashPayment.recipient_citizen_id, ProposalListEntry.citizen_id,
               ProposalListEntry.phone)
    return {v for col in columns for v in session.scalars(select(col)) if v}


def test_every_personal_field_is_masked_for_admin_and_province_and_shown_to_the_clerk(session, tt14):
    _scenario(session, tt14)
    entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert not sees_personal_data("admin") and not sees_personal_data("province_officer")
    admin = _text(audit_log.describe(session, entries, personal=sees_personal_data("admin")))
    province = _text(audit_log.describe(session, entries, personal=sees_personal_data("province_approver")))
    clerk = _text(audit_log.describe(session, entries, personal=sees_personal_data("clerk")))
    assert admin == province

    # the admin: not one CCCD or phone on file appears, whatever record logged it
    on_file = _on_file(session)
    assert {HEAD_ID, NEW_PHONE, RECIPIENT_ID, SUBSCRIBER, CASH_RECIPIENT_ID} <= on_file
    assert len(on_file) > 20  # the imported list's heads and members are there too
    assert [v for v in on_file | {HEAD_PHONE} if v in admin] == []
    # … each shown masked, under its own label
    assert "Số CCCD: (trống) → ********3456" in admin
    assert "Số điện thoại: (trống) → *******567" in admin                              # the household's phone
    assert "Số điện thoại: *******567 → *******321" in admin                 # its change
    assert "Cảnh báo số CCCD: (trống) → Số CCCD ********3456 cho biết năm sinh 1970" in admin
    assert "Số thuê bao: (trống) → *******678" in admin                                # the SIM is a phone number
    assert "Số CCCD người nhận: (trống) → ********1234" in admin
    assert "Số CCCD người nhận: (trống) → ********4321" in admin
    # the phone handed over is a make and model: said so, and never masked
    assert "Máy điện thoại (hãng, kiểu máy): (trống) → Samsung Galaxy A05" in admin
    assert "Số điện thoại: Samsung" not in admin and "A05" not in admin.replace("Samsung Galaxy A05", "")

    # the clerk (and the approver): every value in full, the same labels
    assert "Số CCCD: (trống) → 082070123456" in clerk
    assert "Số điện thoại: 0961234567 → 0387654321" in clerk
    assert "Cảnh báo số CCCD: (trống) → Số CCCD 082070123456 cho biết năm sinh 1970" in clerk
    assert "Số thuê bao: (trống) → 0912345678" in clerk
    assert "Số CCCD người nhận: (trống) → 082096001234" in clerk
    assert "Số CCCD người nhận: (trống) → 082195004321" in clerk
    assert "Máy điện thoại (hãng, kiểu máy): (trống) → Samsung Galaxy A05" in clerk
    assert sees_personal_data("approver")

    # the scenario exercises every personal field of the rule, each kind of record its own
    logged = {(e.entity_type, name) for e in entries for name in (e.changes or {})}
    assert {(kind, name) for kind, names in PERSONAL_FIELDS.items() for name in names} <= logged
    # applications and complaints were logged, with none of them (their fields hold no ID or phone)
    kinds = {e.entity_type for e in entries}
    assert {"household", "application", "handover", "cash_payment", "complaint"} <= kinds
    members = set(session.scalars(select(HouseholdMember.citizen_id).where(HouseholdMember.citizen_id.is_not(None))))
    assert members and not [m for m in members if m in clerk]  # members' IDs are never logged, only names
