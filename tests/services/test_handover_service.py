"""Handover and cash payment services (domain.md §4–§7): checks, duplicate IMEIs (service and database,
also under concurrency), gapless receipt numbers under concurrency, voiding and re-handover.

The concurrency tests on PostgreSQL need TEST_DATABASE_URL naming a PostgreSQL database (they are
skipped with that reason otherwise); the SQLite two-process test runs on its own temporary file
whatever the main test database is.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from subsidy.db import make_engine, make_sessionmaker, upgrade_database
from subsidy.domain import tracking
from subsidy.models import (
    Application, ApplicationEvent, AuditEntry, CashPayment, Handover, HandoverImei, Receipt, ReceiptCounter, RuleSet,
)
from subsidy.services import handovers as H
from subsidy.services.handovers import recording as H_recording
from subsidy.services import receipts as R
from subsidy.services.errors import Conflict, InvalidFields, NotFound, ServiceError
from tests import factories
from tests.handover_support import handover_input, imei, run_handovers

TODAY = dt.date(2026, 3, 20)
IMEI_A = "490154203237518"
IMEI_B = "356938035643809"


@pytest.fixture
def people(session):
    return (factories.user(session, "clerk", "canbo", full_name="Lý Ngọc Ẩn"),
            factories.user(session, "approver", "lanhdao", full_name="Trần Văn Bình"),
            factories.user(session, "radio", "dai"))


def record(session, app, clerk, imei_value=IMEI_A, **kw):
    return H.record_handover(session, app.id, handover_input(imei_value, **kw), clerk, today=TODAY)


def cash_input(**kw):
    # A daughter the household's list does not name, vouched for by the clerk (checks R6).
    data = dict(paid_on=dt.date(2026, 3, 12), recipient_name="Huỳnh Mỹ Nhung", recipient_citizen_id="082195004321",
                recipient_relation="Con gái chủ hộ, có tên trong thông tin cư trú của hộ", confirm_recipient=True)
    data.update(kw)
    return H.CashPaymentInput(**data)


# --------------------------------------------------------------------------------------------
# Handover: the happy path
# --------------------------------------------------------------------------------------------


def test_record_handover_moves_state_numbers_receipt_and_audits(session, people):
    clerk, _, _ = people
    app = factories.approved(session)
    res = H.record_handover(session, app.id, handover_input(" 49-015420-323751-8 ", imei2="３５６９３８０３５６４３８０９",
                                                            telecom="viettel", subscriber_number="+84 912 345 678",
                                                            recipient_name="  ĐẶNG   VĂN HƯỞNG "),
                            clerk, today=TODAY)
    h, rc = res.handover, res.receipt
    assert (h.imei, h.imei2, h.telecom, h.subscriber_number) == (IMEI_A, IMEI_B, "Viettel", "0912345678")
    assert h.recipient_name == "Đặng Văn Hưởng"
    assert app.state == "handed_over"
    assert sorted(session.scalars(select(HandoverImei.imei).where(HandoverImei.live.is_(True)))) == [IMEI_B, IMEI_A]
    assert (rc.series, rc.year, rc.number, rc.display_number) == ("BB-VTCI", 2026, 1, "01/BB-UBND")
    snap = rc.snapshot
    assert snap["number_display"] == "01/BB-UBND"
    assert snap["imei"] == IMEI_A and snap["imei2"] == IMEI_B
    assert snap["recipient_name"] == "Đặng Văn Hưởng" and snap["staff_name"] == "Lý Ngọc Ẩn"
    assert snap["place_date"] == "Phú Tân, ngày 10 tháng 3 năm 2026"
    assert snap["status_url"] == f"http://127.0.0.1:5000/tra-cuu?ma={app.tracking_code}"
    assert "082096001234" not in snap["status_url"]
    event = session.scalars(select(ApplicationEvent).where(ApplicationEvent.application_id == app.id)
                            .order_by(ApplicationEvent.id.desc())).first()
    assert (event.from_state, event.to_state, event.actor_id) == ("approved", "handed_over", clerk.id)
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"handover.create", "application.hand_over"} <= actions
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "handover.create"))
    # kept as a household's CCCD is, and masked when read by a role that does not see it
    # (domain.scope.shown_value: tests/services/test_audit_personal_fields.py)
    assert entry.changes["recipient_citizen_id"] == [None, "082096001234"]


def test_second_receipt_of_the_year_is_number_two_and_series_are_separate(session, people):
    clerk, _, _ = people
    a1, a2, c1 = factories.approved(session), factories.approved(session), factories.approved(session, form="cash")
    r1 = record(session, a1, clerk, imei(1)).receipt
    r2 = record(session, a2, clerk, imei(2)).receipt
    r3 = H.record_cash_payment(session, c1.id, cash_input(), clerk, today=TODAY).receipt
    assert [r1.display_number, r2.display_number, r3.display_number] == ["01/BB-UBND", "02/BB-UBND", "01/BN-UBND"]
    counters = {(c.series, c.year): c.last_number for c in session.scalars(select(ReceiptCounter))}
    assert counters == {("BB-VTCI", 2026): 2, ("BN-VTCI", 2026): 1}


def test_numbering_restarts_each_year(session, people):
    clerk, _, _ = people
    old = factories.approved(session, approved_at=dt.datetime(2025, 12, 1, 9, tzinfo=dt.timezone.utc))
    new = factories.approved(session, approved_at=dt.datetime(2025, 12, 1, 9, tzinfo=dt.timezone.utc))
    r_old = record(session, old, clerk, imei(3), handed_on=dt.date(2025, 12, 30)).receipt
    r_new = record(session, new, clerk, imei(4), handed_on=dt.date(2026, 1, 2)).receipt
    assert (r_old.year, r_old.number) == (2025, 1)
    assert (r_new.year, r_new.number) == (2026, 1)


# --------------------------------------------------------------------------------------------
# Handover: what is refused
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field, kw, fragment", [
    ("imei", {"imei_value": "49015420323751"}, "có 14 chữ số"),
    ("imei", {"imei_value": "490154203237519"}, "sai chữ số kiểm tra"),
    ("imei2", {"imei2": "490154203237518"}, "trùng IMEI thứ nhất"),
    ("imei2", {"imei2": "４９０１５４２０３２３７５１８"}, "trùng IMEI thứ nhất"),  # same after NFKC
    ("imei2", {"imei2": "35693803564380"}, "IMEI thứ hai"),
    ("telecom", {"telecom": "Viễn thông ABC"}, "VNPT, Viettel, MobiFone, Vietnamobile, Gmobile"),
    ("subscriber_number", {"subscriber_number": "12345"}, "Số thuê bao"),
    ("handed_on", {"handed_on": dt.date(2026, 3, 21)}, "không được sau ngày hôm nay (20/03/2026)"),
    ("handed_on", {"handed_on": dt.date(2026, 3, 1)}, "trước ngày hồ sơ được phê duyệt (02/03/2026)"),
    ("recipient_name", {"recipient_name": "  "}, "Chưa nhập họ tên"),
    # the one name rule: five graves typed after "Văn" (NFC composes one into ǹ)
    ("recipient_name", {"recipient_name": "Đặng Văn" + "\u0300" * 5},
     "chữ thứ 2 («Văǹ») có 4 dấu thừa (U+0300, U+0300, U+0300, U+0300) chồng lên chữ cái thứ 3 «ǹ»"),
    ("recipient_citizen_id", {"recipient_citizen_id": "08209500123"}, "12 chữ số"),
    ("phone_make", {"phone_make": ""}, "hãng điện thoại"),
])
def test_handover_field_errors(session, people, field, kw, fragment):
    clerk, _, _ = people
    app = factories.approved(session)
    imei_value = kw.pop("imei_value", IMEI_A)
    with pytest.raises(InvalidFields) as exc:
        record(session, app, clerk, imei_value, **kw)
    assert list(exc.value.field_errors) == [field]  # only the wrong field
    assert fragment in exc.value.field_errors[field]
    assert app.state == "approved"
    assert session.scalar(select(func.count()).select_from(Handover)) == 0


# The tester's case (one submit showed only the IMEI error; four submits to fix them one by one).
IMEI_BAD = "490154203237519"
MSG_IMEI_BAD = ("Số IMEI 490154203237519 sai chữ số kiểm tra (chữ số cuối không khớp với 14 chữ số đầu), có thể "
                "đã gõ nhầm một chữ số. Bấm *#06# trên máy và nhập lại cẩn thận.")
MSG_SUBSCRIBER = ("Số thuê bao: Số điện thoại «12345» có 5 chữ số, nhưng số di động phải có đúng 10 chữ số. "
                  "Hãy kiểm tra lại với người dân.")
MSG_CCCD = ("Số CCCD «0821399» có 7 chữ số, nhưng số CCCD phải có đúng 12 chữ số (hoặc 9 chữ số nếu là số "
            "CMND cũ). Hãy kiểm tra lại trên thẻ căn cước và nhập đủ 12 chữ số.")
MSG_BEFORE_APPROVAL = ("Ngày bàn giao (01/01/2020) không được trước ngày hồ sơ được phê duyệt (02/03/2026): chỉ ghi "
                       "được ngày từ ngày 02/03/2026 đến hôm nay (20/03/2026). Hãy kiểm tra lại ngày (ngày/tháng/năm).")


def _saved(session) -> tuple[int, int, int, int]:
    return tuple(session.scalar(select(func.count()).select_from(m))
                 for m in (Handover, HandoverImei, Receipt, ReceiptCounter))


def test_every_wrong_handover_field_is_reported_at_once(session, people):
    clerk, _, _ = people
    app = factories.approved(session)
    with pytest.raises(InvalidFields) as exc:
        record(session, app, clerk, IMEI_BAD, subscriber_number="12345", recipient_citizen_id="0821399",
               handed_on=dt.date(2020, 1, 1))
    assert exc.value.field_errors == {
        "imei": MSG_IMEI_BAD, "subscriber_number": MSG_SUBSCRIBER, "recipient_citizen_id": MSG_CCCD,
        "handed_on": MSG_BEFORE_APPROVAL,
    }
    assert isinstance(exc.value, ServiceError)  # callers catching ServiceError still catch it
    assert _saved(session) == (0, 0, 0, 0) and app.state == "approved"
    # Fixed in one go: the first receipt number of the year, none consumed by the refusal.
    res = record(session, app, clerk, IMEI_A, handed_on=dt.date(2026, 3, 10))
    assert res.receipt.display_number == "01/BB-UBND" and app.state == "handed_over"


def test_all_handover_fields_wrong(session, people):
    clerk, _, _ = people
    app = factories.approved(session)
    data = H.HandoverInput(phone_make=" ", phone_model="M" * 81, imei="12", imei2="35693803564380", telecom="ABC",
                           subscriber_number="", handed_on=None, recipient_name="", recipient_citizen_id="")
    with pytest.raises(InvalidFields) as exc:
        H.record_handover(session, app.id, data, clerk, today=TODAY)
    errors = exc.value.field_errors
    assert list(errors) == ["phone_make", "phone_model", "imei", "imei2", "telecom", "subscriber_number",
                            "recipient_name", "recipient_citizen_id", "handed_on"]  # the order of the form
    assert errors["phone_make"] == "Hãy nhập hãng điện thoại."
    assert errors["phone_model"] == "Tên (model) điện thoại dài quá 80 ký tự."
    assert errors["imei2"].startswith("IMEI thứ hai: ")
    assert errors["handed_on"] == "Hãy nhập ngày bàn giao theo dạng ngày/tháng/năm."
    assert errors["recipient_citizen_id"].startswith("Chưa nhập số CCCD")
    assert _saved(session) == (0, 0, 0, 0)


def test_markup_in_the_phone_make_or_model_is_refused_before_it_reaches_the_bien_ban(session, people):
    clerk, _, _ = people
    app = factories.approved(session)
    data = H.HandoverInput(phone_make="<b>x</b>", phone_model="Sumo > 4G", imei="12", telecom="ABC",
                           subscriber_number="", handed_on=None, recipient_name="", recipient_citizen_id="")
    with pytest.raises(InvalidFields) as exc:
        H.record_handover(session, app.id, data, clerk, today=TODAY)
    errors = exc.value.field_errors
    assert errors["phone_make"] == ("Hãng điện thoại không được có ký tự «<» hoặc «>» (thẻ định dạng): hãy ghi đúng "
                                    "như trên hộp máy, ví dụ «Viettel», «Sumo 4G T2».")
    assert errors["phone_model"].startswith("Tên (model) điện thoại không được có ký tự «<» hoặc «>»")
    assert _saved(session) == (0, 0, 0, 0)


def test_taken_imei_is_checked_after_the_fields(session, people):
    """The IMEI lookup (database) comes after the field checks: with other fields wrong the clerk
    sees those first; once they are right, the Conflict naming the earlier receipt."""
    clerk, _, _ = people
    first, second = factories.approved(session), factories.approved(session)
    record(session, first, clerk, IMEI_A)
    with pytest.raises(InvalidFields) as exc:
        record(session, second, clerk, IMEI_A, subscriber_number="12345")
    assert exc.value.field_errors == {"subscriber_number": MSG_SUBSCRIBER}
    with pytest.raises(Conflict, match=f"Số IMEI {IMEI_A} đã được ghi .*01/BB-UBND"):
        record(session, second, clerk, IMEI_A)
    assert _saved(session) == (1, 1, 1, 1)


def test_handover_field_errors_saves_nothing(session, people):
    app = factories.approved(session)
    data = handover_input(IMEI_BAD, subscriber_number="12345", recipient_citizen_id="0821399",
                          handed_on=dt.date(2020, 1, 1))
    assert H.handover_field_errors(session, app.id, data, today=TODAY) == {
        "imei": MSG_IMEI_BAD, "subscriber_number": MSG_SUBSCRIBER, "recipient_citizen_id": MSG_CCCD,
        "handed_on": MSG_BEFORE_APPROVAL,
    }
    assert H.handover_field_errors(session, app.id, handover_input(IMEI_A), today=TODAY) == {}
    assert _saved(session) == (0, 0, 0, 0) and app.state == "approved"
    with pytest.raises(NotFound):
        H.handover_field_errors(session, 999_999, data, today=TODAY)


def test_handover_on_the_approval_day_is_accepted(session, people):
    clerk, _, _ = people
    app = factories.approved(session)
    assert record(session, app, clerk, handed_on=dt.date(2026, 3, 2)).handover.handed_on == dt.date(2026, 3, 2)


def test_approval_date_is_the_local_day(session, people):
    # 01/03 20:00 UTC is 02/03 03:00 in Việt Nam: a handover on 01/03 is before approval.
    clerk, _, _ = people
    app = factories.approved(session, approved_at=dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.timezone.utc))
    with pytest.raises(InvalidFields, match="02/03/2026"):
        record(session, app, clerk, handed_on=dt.date(2026, 3, 1))


def test_telecom_list_is_configurable(session, people):
    clerk, _, _ = people
    app = factories.approved(session)
    with pytest.raises(InvalidFields) as exc:
        H.record_handover(session, app.id, handover_input(IMEI_A), clerk, today=TODAY, telecoms=["Itelecom"])
    assert exc.value.field_errors == {"telecom": "Hãy chọn doanh nghiệp viễn thông trong danh sách: Itelecom."}
    res = H.record_handover(session, app.id, handover_input(IMEI_A, telecom="ITELECOM"), clerk, today=TODAY,
                            telecoms=["Itelecom"])
    assert res.handover.telecom == "Itelecom"


def test_duplicate_live_imei_refused_by_the_service(session, people):
    clerk, _, _ = people
    first, second = factories.approved(session), factories.approved(session)
    r1 = record(session, first, clerk, IMEI_A).receipt
    with pytest.raises(Conflict) as exc:
        record(session, second, clerk, IMEI_B, imei2=IMEI_A)  # as the second IMEI of a dual-SIM phone
    msg = str(exc.value)
    assert f"Số IMEI {IMEI_A} đã được ghi" in msg and r1.display_number in msg and tracking.display(first.tracking_code) in msg
    assert second.state == "approved"


def test_duplicate_live_imei_refused_by_the_database_index(session, people):
    """The partial unique index alone (no service check) refuses a second live row."""
    clerk, _, _ = people
    a1, a2 = factories.approved(session), factories.approved(session)
    record(session, a1, clerk, IMEI_A)
    h2 = Handover(application_id=a2.id, phone_make="X", phone_model="Y", telecom="VNPT",
                  subscriber_number="0912345678", handed_on=TODAY, recipient_name="A")
    session.add(h2)
    session.flush()
    session.add(HandoverImei(handover_id=h2.id, position=1, imei=IMEI_A, live=True))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_integrity_error_on_flush_becomes_conflict(session, people, monkeypatch):
    """If the service check is passed (a concurrent clerk), the index's IntegrityError becomes
    the Conflict with a Vietnamese message, and the session stays usable (savepoint)."""
    clerk, _, _ = people
    a1, a2 = factories.approved(session), factories.approved(session)
    record(session, a1, clerk, IMEI_A)
    monkeypatch.setattr(H_recording, "check_imeis_free", lambda s, imeis: None)
    with pytest.raises(Conflict, match=f"Số IMEI {IMEI_A} vừa được một người khác ghi"):
        record(session, a2, clerk, IMEI_A, confirm_subscriber=True)
    assert session.scalar(select(func.count()).select_from(Handover)) == 1
    assert a2.state == "approved"


@pytest.mark.parametrize("state", ["received", "eligible", "proposed", "withdrawn"])
def test_handover_needs_an_approved_application(session, people, state):
    clerk, _, _ = people
    app = factories.approved(session)
    app.state = state
    with pytest.raises(ServiceError, match="chưa được phê duyệt"):
        record(session, app, clerk)


def test_handover_refused_for_cash_form_and_second_handover(session, people):
    clerk, _, _ = people
    cash_app = factories.approved(session, form="cash")
    with pytest.raises(ServiceError, match="Chi tiền hỗ trợ"):
        record(session, cash_app, clerk)
    app = factories.approved(session)
    record(session, app, clerk, IMEI_A)
    with pytest.raises(Conflict, match="đã được hỗ trợ"):
        record(session, app, clerk, IMEI_B)


def test_only_a_clerk_records(session, people):
    _, approver, radio = people
    app = factories.approved(session)
    for actor in (approver, radio):
        with pytest.raises(ServiceError, match="không được thực hiện bước «Bàn giao điện thoại»"):
            record(session, app, actor)
    with pytest.raises(NotFound):
        H.record_handover(session, 999_999, handover_input(IMEI_A), people[0], today=TODAY)


# --------------------------------------------------------------------------------------------
# Cash
# --------------------------------------------------------------------------------------------


def test_cash_payment_default_amount_without_rule_set(session, people):
    clerk, _, _ = people
    app = factories.approved(session, form="cash")
    assert session.scalar(select(func.count()).select_from(RuleSet)) == 0
    res = H.record_cash_payment(session, app.id, cash_input(), clerk, today=TODAY)
    p, rc = res.payment, res.receipt
    assert (p.amount, p.purchase_date, app.state) == (500_000, dt.date(2023, 1, 15), "paid")
    assert rc.display_number == "01/BN-UBND"
    assert (rc.snapshot["amount"], rc.snapshot["amount_figures"], rc.snapshot["amount_words"]) == (
        500_000, "500.000", "Năm trăm nghìn đồng")
    assert rc.snapshot["purchase_date"] == "15/01/2023"


def _rule_set(session, amount, cutoff=dt.date(2022, 12, 12), active=True):
    rs = RuleSet(code="TEST", version=amount, title="Bộ thử", legal_source="Thông tư thử 99/2026",
                 effective_from=dt.date(2022, 12, 12), eligible_categories=["poor", "near_poor"],
                 support_amount=amount, cash_cutoff=cutoff, priority_order=["P1", "P2", "P3", "P4"], active=active)
    session.add(rs)
    session.flush()
    return rs


def test_cash_amount_and_cutoff_come_from_the_rule_set(session, people):
    clerk, _, _ = people
    _rule_set(session, 1_250_000, cutoff=dt.date(2023, 2, 1))
    early = factories.approved(session, form="cash", purchase_date=dt.date(2023, 1, 31))
    with pytest.raises(InvalidFields, match="trước ngày 01/02/2023") as exc:
        H.record_cash_payment(session, early.id, cash_input(), clerk, today=TODAY)
    assert list(exc.value.field_errors) == ["purchase_date"]
    app = factories.approved(session, form="cash", purchase_date=dt.date(2023, 2, 1))
    rc = H.record_cash_payment(session, app.id, cash_input(), clerk, today=TODAY).receipt
    assert rc.snapshot["amount"] == 1_250_000
    assert rc.snapshot["amount_words"] == "Một triệu hai trăm năm mươi nghìn đồng"
    assert rc.snapshot["legal_basis"] == "Thông tư thử 99/2026"


@pytest.mark.parametrize("kw, field, fragment", [
    ({"purchase_date": dt.date(2022, 12, 11)}, "purchase_date", "trước ngày 12/12/2022"),
    ({"purchase_date": dt.date(2026, 3, 13)}, "purchase_date", "không được sau ngày chi tiền 12/03/2026"),
    ({"paid_on": dt.date(2026, 3, 21)}, "paid_on", "không được sau ngày hôm nay"),
    ({"paid_on": dt.date(2026, 2, 28)}, "paid_on", "trước ngày hồ sơ được phê duyệt"),
    ({"recipient_citizen_id": ""}, "recipient_citizen_id", "Chưa nhập số CCCD"),
    ({"recipient_name": "Huỳnh Mỹ Nhung 2"}, "recipient_name", "Người nhận: Họ tên «Huỳnh Mỹ Nhung 2» có chữ số «2»"),
    ({"recipient_name": "Huỳnh Mỹ Nhung" + "\u0301\u0301"}, "recipient_name",
     "chữ thứ 3 («Nhunǵ») có 1 dấu thừa (U+0301) chồng lên chữ cái thứ 5 «ǵ»"),
    ({"recipient_name": "Huỳnh Mỹ Nhung" + "\u0301"}, "recipient_name",
     "chữ thứ 3 («Nhunǵ») có chữ cái thứ 5 «ǵ» là phụ âm «g» mang dấu sắc"),
])
def test_cash_field_errors(session, people, kw, field, fragment):
    clerk, _, _ = people
    app = factories.approved(session, form="cash")
    with pytest.raises(InvalidFields) as exc:
        H.record_cash_payment(session, app.id, cash_input(**kw), clerk, today=TODAY)
    assert (list(exc.value.field_errors), app.state) == ([field], "approved")
    assert fragment in exc.value.field_errors[field]


def test_cash_purchase_date_is_required(session, people):
    clerk, _, _ = people
    app = factories.approved(session, form="cash", purchase_date=None)
    with pytest.raises(InvalidFields, match="ngày hộ mua điện thoại"):
        H.record_cash_payment(session, app.id, cash_input(), clerk, today=TODAY)
    res = H.record_cash_payment(session, app.id, cash_input(purchase_date=dt.date(2022, 12, 12)), clerk, today=TODAY)
    assert res.payment.purchase_date == dt.date(2022, 12, 12)


def test_a_future_purchase_date_is_reported_even_without_a_payment_date(session, people):
    """A second tester's case: payment date left blank, purchase date after today — both wrong
    fields come back in one answer (the purchase date used to be checked only against the payment
    date)."""
    clerk, _, _ = people
    app = factories.approved(session, form="cash")
    with pytest.raises(InvalidFields) as exc:
        H.record_cash_payment(session, app.id, cash_input(paid_on=None, purchase_date=dt.date(2026, 3, 25)),
                              clerk, today=TODAY)
    assert list(exc.value.field_errors) == ["paid_on", "purchase_date"]
    assert exc.value.field_errors["purchase_date"] == (
        "Ngày mua máy (25/03/2026) không được sau ngày hôm nay (20/03/2026). Hãy kiểm tra lại ngày trên hóa đơn "
        "mua máy.")


def test_every_wrong_cash_field_is_reported_at_once(session, people):
    clerk, _, _ = people
    app = factories.approved(session, form="cash")
    with pytest.raises(InvalidFields) as exc:
        H.record_cash_payment(session, app.id, cash_input(paid_on=dt.date(2026, 3, 21), purchase_date=dt.date(2022, 12, 11),
                                                          recipient_name=" ", recipient_citizen_id="0821399"),
                              clerk, today=TODAY)
    assert exc.value.field_errors == {
        # The one "after today" wording (domain.calendar), with the dates allowed: from the approval.
        "paid_on": ("Ngày chi tiền (21/03/2026) không được sau ngày hôm nay (20/03/2026): chỉ ghi được ngày từ ngày "
                    "02/03/2026 đến hôm nay (20/03/2026). Hãy kiểm tra lại ngày (ngày/tháng/năm)."),
        "purchase_date": ("Ngày mua máy 11/12/2022 trước ngày 12/12/2022: chỉ hỗ trợ bằng tiền cho hộ tự mua điện "
                          "thoại từ ngày này trở đi (điều kiện E5, Thông tư 14/2022/TT-BTTTT)."),
        "recipient_name": ("Người nhận: Chưa nhập họ tên. Hãy nhập đầy đủ họ, tên đệm và tên, ví dụ "
                           "«Nguyễn Văn Hùng»."),
        "recipient_citizen_id": MSG_CCCD,
    }
    assert session.scalar(select(func.count()).select_from(CashPayment)) == 0
    assert session.scalar(select(func.count()).select_from(ReceiptCounter)) == 0
    assert app.state == "approved"
    res = H.record_cash_payment(session, app.id, cash_input(), clerk, today=TODAY)
    assert res.receipt.display_number == "01/BN-UBND"


def test_cash_paid_before_the_programme_is_an_error_of_that_date(session, people, tt14):
    """A payment date before the first rule set took effect (here after an approval imported from
    before it) is wrong under ``paid_on``, with the dates allowed; the purchase date is not compared
    with it (a wrong payment date is not the purchase date's fault); the E5 cut-off of today's rule
    set is still checked."""
    clerk, _, _ = people
    app = factories.approved(session, form="cash", approved_at=dt.datetime(2022, 1, 3, 9, tzinfo=dt.timezone.utc))
    with pytest.raises(InvalidFields) as exc:
        H.record_cash_payment(session, app.id, cash_input(paid_on=dt.date(2022, 6, 1), recipient_citizen_id="0821399"),
                              clerk, today=TODAY)
    assert exc.value.field_errors == {
        "paid_on": ("Ngày chi tiền (01/06/2022) không được trước ngày Thông tư 14/2022/TT-BTTTT có hiệu lực "
                    "(12/12/2022): chỉ ghi được ngày từ ngày 12/12/2022 đến hôm nay (20/03/2026). Hãy kiểm tra lại ngày (ngày/tháng/năm)."),
        "recipient_citizen_id": MSG_CCCD,
    }
    errors = H.cash_field_errors(session, app.id, cash_input(paid_on=None, purchase_date=dt.date(2022, 12, 1)),
                                 today=TODAY)
    assert errors == {"paid_on": "Hãy nhập ngày chi tiền theo dạng ngày/tháng/năm.",
                      "purchase_date": errors["purchase_date"]}
    assert errors["purchase_date"].startswith("Ngày mua máy 01/12/2022 trước ngày 12/12/2022")


def test_cash_refused_for_package_form(session, people):
    clerk, _, _ = people
    app = factories.approved(session)
    with pytest.raises(ServiceError, match="Bàn giao điện thoại"):
        H.record_cash_payment(session, app.id, cash_input(), clerk, today=TODAY)


# --------------------------------------------------------------------------------------------
# Voiding and re-handover
# --------------------------------------------------------------------------------------------


def test_void_handover_frees_imei_keeps_everything_and_allows_rehandover(session, people):
    clerk, approver, _ = people
    app = factories.approved(session)
    first = record(session, app, clerk, IMEI_A, imei2=IMEI_B)
    with pytest.raises(ServiceError, match="không được thực hiện"):
        H.void_handover(session, first.handover.id, "Ghi nhầm IMEI", clerk)
    with pytest.raises(ServiceError, match="cần ghi rõ lý do"):
        H.void_handover(session, first.handover.id, "  ", approver)
    assert first.handover.voided_at is None and app.state == "handed_over"

    H.void_handover(session, first.handover.id, "Ghi nhầm IMEI máy", approver)
    assert app.state == "approved"
    assert first.handover.voided_at is not None and first.handover.voided_by_id == approver.id
    assert first.receipt.voided_at is not None and first.receipt.void_reason == "Ghi nhầm IMEI máy"
    assert R.stamp_for(first.receipt) == "ĐÃ HỦY"
    assert session.scalar(select(func.count()).select_from(HandoverImei).where(HandoverImei.live.is_(True))) == 0
    with pytest.raises(ServiceError, match="đã bị hủy"):
        H.void_handover(session, first.handover.id, "lần nữa", approver)

    # The same IMEI may now be handed over again (to this household or another one).
    second = record(session, app, clerk, IMEI_A, handed_on=dt.date(2026, 3, 15))
    assert app.state == "handed_over"
    assert second.receipt.display_number == "02/BB-UBND"  # number 1 stays with the voided receipt
    assert session.scalar(select(func.count()).select_from(Handover)) == 2
    assert session.scalar(select(func.count()).select_from(Receipt)) == 2
    moves = list(session.scalars(select(ApplicationEvent.to_state).where(ApplicationEvent.application_id == app.id)
                                 .order_by(ApplicationEvent.id)))
    assert moves[-3:] == ["handed_over", "approved", "handed_over"]
    actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions.count("handover.create") == 2 and actions.count("handover.void") == 1
    void_entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "handover.void"))
    assert (void_entry.actor_id, void_entry.note) == (approver.id, "Ghi nhầm IMEI máy")


def test_void_payment_and_pay_again(session, people):
    clerk, approver, _ = people
    app = factories.approved(session, form="cash")
    first = H.record_cash_payment(session, app.id, cash_input(), clerk, today=TODAY)
    H.void_payment(session, first.payment.id, "Chi nhầm người nhận", approver)
    assert (app.state, first.payment.void_reason) == ("approved", "Chi nhầm người nhận")
    assert first.receipt.voided_at is not None
    again = H.record_cash_payment(session, app.id, cash_input(recipient_name="Nguyễn Văn An"), clerk, today=TODAY)
    assert again.receipt.display_number == "02/BN-UBND"
    assert session.scalar(select(func.count()).select_from(CashPayment)) == 2


def test_void_of_a_closed_application_is_refused(session, people):
    clerk, approver, _ = people
    app = factories.approved(session)
    res = record(session, app, clerk)
    app.state = "closed"
    with pytest.raises(ServiceError, match="Không thể chuyển hồ sơ"):
        H.void_handover(session, res.handover.id, "lý do", approver)


# --------------------------------------------------------------------------------------------
# Printing and search
# --------------------------------------------------------------------------------------------


def test_print_counts_copies_and_search(session, people):
    clerk, approver, _ = people
    a1 = factories.approved(session, head_name="Nguyễn Thị Ánh Tuyết")
    a2 = factories.approved(session, head_name="Trần Văn Đức", form="cash")
    r1 = record(session, a1, clerk, IMEI_A, recipient_name="Đặng Văn Hưởng").receipt
    r2 = H.record_cash_payment(session, a2.id, cash_input(recipient_name="Trần Văn Đức"), clerk, today=TODAY).receipt
    assert R.stamp_for(r1) is None
    R.print_pdf(session, r1, clerk)
    assert (r1.print_count, R.stamp_for(r1)) == (1, "IN LẠI")

    def ids(q, **kw):
        return [r.id for r in R.search(session, q, **kw)]

    assert ids("1") == [r2.id, r1.id]
    assert ids("01/BB-UBND") == [r1.id]
    assert ids("0001/bn-vtci") == [r2.id]
    assert ids("2") == []
    assert ids("4901 5420 3237") == [r1.id]          # part of an IMEI
    assert ids("４９０１５４２０３２３７５１８") == [r1.id]  # full-width digits
    assert ids("dang van huong") == [r1.id]          # folded name of the recipient
    assert ids("DUC") == [r2.id]                     # đ → d
    assert ids("ánh tuyết") == [r1.id]               # the head's name
    assert ids(a2.tracking_code.lower()) == [r2.id]
    assert ids("", kind="cash") == [r2.id]
    assert ids("nobody here") == []


# --------------------------------------------------------------------------------------------
# Concurrency
# --------------------------------------------------------------------------------------------


def _is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


@pytest.fixture
def pg_url(database_url):
    if not _is_postgres(database_url):
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL=postgresql://… to run the concurrency "
                    "tests against a real server (row locks and unique indexes under concurrent sessions)")
    return database_url


def _committed_setup(app, n, form="package"):
    """n approved applications and a clerk, committed (other sessions must see them)."""
    maker = app.extensions["subsidy.sessionmaker"]
    with maker() as s:
        clerk = factories.user(s, "clerk", "canbo", full_name="Lý Ngọc Ẩn")
        apps = [factories.approved(s, form=form) for _ in range(n)]
        s.commit()
        return clerk.id, [a.id for a in apps]


def test_fifty_concurrent_handovers_on_postgresql_get_1_to_50(app, pg_url):
    from subsidy.models import User

    clerk_id, app_ids = _committed_setup(app, 50)
    engine = make_engine(pg_url, pool_size=25, max_overflow=30)
    maker = make_sessionmaker(engine)
    start = threading.Barrier(50)

    def one(k):
        start.wait()
        with maker() as s:
            clerk = s.get(User, clerk_id)
            res = H.record_handover(s, app_ids[k], handover_input(imei(1000 + k)), clerk, today=TODAY)
            s.commit()
            return res.receipt.number

    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            numbers = list(pool.map(one, range(50)))
    finally:
        engine.dispose()
    assert sorted(numbers) == list(range(1, 51))
    with app.extensions["subsidy.sessionmaker"]() as s:
        stored = sorted(s.scalars(select(Receipt.number).where(Receipt.series == "BB-VTCI")))
        assert stored == list(range(1, 51))
        assert s.scalars(select(ReceiptCounter).where(ReceiptCounter.series == "BB-VTCI", ReceiptCounter.year == 2026)).one().last_number == 50
        assert s.scalar(select(func.count()).select_from(Application).where(Application.state == "handed_over")) == 50


def test_same_imei_saved_at_once_on_postgresql_only_one_wins(app, pg_url, monkeypatch):
    """Two clerks, two sessions, the same IMEI: both pass the service's check (a barrier holds
    them until both have), so only the database's partial unique index can stop the second."""
    from subsidy.models import User

    clerk_id, app_ids = _committed_setup(app, 2)
    engine = make_engine(pg_url)
    maker = make_sessionmaker(engine)
    both_checked = threading.Barrier(2, timeout=30)
    original = H.check_imeis_free

    def check_then_wait(session, imeis):
        original(session, imeis)
        both_checked.wait()

    monkeypatch.setattr(H_recording, "check_imeis_free", check_then_wait)

    def one(k):
        with maker() as s:
            clerk = s.get(User, clerk_id)
            try:
                res = H.record_handover(s, app_ids[k], handover_input(IMEI_A), clerk, today=TODAY)
                s.commit()
                return ("ok", res.receipt.number)
            except Conflict as err:
                s.rollback()
                return ("conflict", str(err))

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(one, range(2)))
    finally:
        engine.dispose()
    kinds = sorted(r[0] for r in results)
    assert kinds == ["conflict", "ok"], results
    message = next(r[1] for r in results if r[0] == "conflict")
    assert f"Số IMEI {IMEI_A} vừa được một người khác ghi" in message
    with app.extensions["subsidy.sessionmaker"]() as s:
        assert s.scalar(select(func.count()).select_from(HandoverImei).where(HandoverImei.imei == IMEI_A)) == 1
        assert sorted(s.scalars(select(Receipt.number))) == [1]  # the loser's number was rolled back
        assert sorted(s.scalars(select(Application.state))) == ["approved", "handed_over"]


def test_fifty_handovers_from_two_processes_on_sqlite(tmp_path: Path):
    """Two processes against one SQLite file (WAL, BEGIN IMMEDIATE): 50 handovers get receipt
    numbers 1..50 with no gap and no duplicate."""
    url = f"sqlite:///{tmp_path / 'two-processes.sqlite3'}"
    upgrade_database(url)
    engine = make_engine(url)
    maker = make_sessionmaker(engine)
    with maker() as s:
        clerk = factories.user(s, "clerk", "canbo")
        app_ids = [factories.approved(s).id for _ in range(50)]
        s.commit()
        clerk_id = clerk.id
    engine.dispose()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        halves = pool.starmap(run_handovers, [(url, clerk_id, app_ids[0::2], 5000, TODAY),
                                              (url, clerk_id, app_ids[1::2], 6000, TODAY)])
    assert all(len(h) == 25 for h in halves)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        numbers = sorted(s.scalars(select(Receipt.number)))
        assert numbers == list(range(1, 51))
        assert s.scalars(select(ReceiptCounter).where(ReceiptCounter.series == "BB-VTCI", ReceiptCounter.year == 2026)).one().last_number == 50
        # Each process saw its own numbers increase: the two really interleaved or queued.
        by_process = [[int(n.split("/")[0]) for _, n in h] for h in halves]
        assert all(seq == sorted(seq) for seq in by_process)
    engine.dispose()


def test_a_shared_sim_is_a_warning_confirmed_not_a_refusal(session, people):
    from subsidy.services.handovers.imeis import SubscriberInUse

    clerk, _, _ = people
    a1, a2 = factories.approved(session), factories.approved(session)
    record(session, a1, clerk, IMEI_A, subscriber_number="0912345678")
    with pytest.raises(SubscriberInUse) as err:
        record(session, a2, clerk, IMEI_B, subscriber_number="+84912345678")
    assert err.value.field == "confirm_subscriber" and "0912345678" in str(err.value)
    assert H.handover_field_errors(session, a2.id, handover_input(IMEI_B, subscriber_number="0912345678"),
                                   today=TODAY)["confirm_subscriber"] == str(err.value)
    res = record(session, a2, clerk, IMEI_B, subscriber_number="0912345678", confirm_subscriber=True)
    assert res.handover.subscriber_number == "0912345678"


def test_a_payment_date_out_of_range_is_told_under_it_not_under_the_purchase_date(session, people):
    """paid_on 01/01/1900 with a phone bought 03/03/2026: the message is under paid_on (before the
    approval of 02/03/2026, with the dates allowed); the purchase date, right, has none — not
    «Ngày mua máy … không được sau ngày chi tiền 01/01/1900»."""
    clerk, _, _ = people
    app = factories.approved(session, form="cash")
    errors = H.cash_field_errors(session, app.id, cash_input(paid_on=dt.date(1900, 1, 1),
                                                             purchase_date=dt.date(2026, 3, 3)), today=TODAY)
    assert errors == {"paid_on": ("Ngày chi tiền (01/01/1900) không được trước ngày hồ sơ được phê duyệt (02/03/2026): "
                                  "chỉ ghi được ngày từ ngày 02/03/2026 đến hôm nay (20/03/2026). Hãy kiểm tra lại "
                                  "ngày (ngày/tháng/năm).")}
    # Still a real mistake of the purchase date against a right payment date.
    late = H.cash_field_errors(session, app.id, cash_input(paid_on=dt.date(2026, 3, 12),
                                                           purchase_date=dt.date(2026, 3, 13)), today=TODAY)
    assert late == {"purchase_date": "Ngày mua máy 13/03/2026 không được sau ngày chi tiền 12/03/2026."}


@pytest.mark.parametrize("reason", ["x", "1234567", "a-b-c-d"])
def test_a_void_reason_of_fewer_than_five_letters_is_refused_and_nothing_changes(session, people, reason):
    from subsidy.services.errors import InvalidFields

    clerk, approver, _ = people
    app = factories.approved(session)
    res = record(session, app, clerk)
    session.commit()
    with pytest.raises(InvalidFields) as err:
        H.void_handover(session, res.handover.id, reason, approver)
    assert "ít nhất 5 chữ cái" in err.value.field_errors["reason"]
    session.rollback()
    assert session.get(type(res.handover), res.handover.id).voided_at is None and app.state == "handed_over"

