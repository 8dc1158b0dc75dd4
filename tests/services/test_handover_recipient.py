"""Who may receive a phone or the cash support (domain.md §6: the household head or a member, with
ID number; §10: a CCCD belongs to one household): the head, a listed member, the name compared
with case and diacritics folded; refused — nothing saved — for another household's CCCD (any
commune, without naming that person), a name that is not the CCCD holder's, and the head's or a
member's name with another CCCD; someone who is neither the head nor a listed member only when the
clerk writes the relation to the head and vouches that the person is a member (no outsider)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from subsidy.models import AuditEntry, CashPayment, Commune, Handover, HouseholdMember, Receipt
from subsidy.services import handovers as H
from subsidy.services.errors import InvalidFields
from tests import factories
from tests.handover_support import handover_input, imei

TODAY = dt.date(2026, 3, 20)
HEAD_ID = "082070000111"
MEMBER_ID = "082199000222"


@pytest.fixture
def clerk(session):
    return factories.user(session, "clerk", "canbo_nhan", full_name="Lý Ngọc Ẩn")


@pytest.fixture
def home(session):
    """A package application: head Nguyễn Thị Ánh Tuyết (HEAD_ID), member Trần Văn Lộc (son,
    MEMBER_ID) and member Trần Thị Mai (daughter, no CCCD on file)."""
    app = factories.approved(session, citizen_id=HEAD_ID)
    session.add_all([
        HouseholdMember(household_id=app.household_id, position=1, name="Trần Văn Lộc", relation="Con",
                        citizen_id=MEMBER_ID, citizen_id_kind="cccd"),
        HouseholdMember(household_id=app.household_id, position=2, name="Trần Thị Mai", relation="Con"),
    ])
    session.flush()
    return app


def _handover(session, app, clerk, name, cid, n=1):
    return H.record_handover(session, app.id, handover_input(imei(n), recipient_name=name,
                                                             recipient_citizen_id=cid), clerk, today=TODAY)


def _nothing_saved(session):
    assert session.scalar(select(func.count()).select_from(Handover)) == 0
    assert session.scalar(select(func.count()).select_from(CashPayment)) == 0
    assert session.scalar(select(func.count()).select_from(Receipt)) == 0


def test_the_head_with_her_cccd_receives_the_name_folded_and_printed_as_on_file(session, home, clerk):
    res = _handover(session, home, clerk, "nguyen thi anh tuyet", HEAD_ID)
    assert (res.handover.recipient_name, res.handover.recipient_citizen_id) == ("Nguyễn Thị Ánh Tuyết", HEAD_ID)
    assert res.receipt.snapshot["recipient_name"] == "Nguyễn Thị Ánh Tuyết"
    assert home.state == "handed_over"


def test_a_listed_member_with_his_cccd_receives(session, home, clerk):
    res = _handover(session, home, clerk, "TRẦN VĂN LỘC", MEMBER_ID)
    assert res.handover.recipient_citizen_id == MEMBER_ID and res.receipt.snapshot["recipient_name"] == "Trần Văn Lộc"


def test_a_member_whose_cccd_is_not_on_file_receives_with_a_cccd_nobody_holds(session, home, clerk):
    res = _handover(session, home, clerk, "tran thi mai", "082301000333")
    assert (res.handover.recipient_name, res.handover.recipient_citizen_id) == ("Trần Thị Mai", "082301000333")


def test_another_households_head_cccd_is_refused_without_naming_that_person(session, home, clerk):
    factories.household(session, head_name="Phạm Văn Khải", citizen_id="082080000999")
    with pytest.raises(InvalidFields) as err:
        _handover(session, home, clerk, "Phạm Văn Khải", "082080000999")
    msg = err.value.field_errors["recipient_citizen_id"]
    assert "thuộc hộ khác" in msg and "Khải" not in msg
    assert list(err.value.field_errors) == ["recipient_citizen_id"]
    _nothing_saved(session)
    assert home.state == "approved"


def test_a_member_of_a_household_of_another_commune_is_refused(session, home, clerk):
    other = Commune(code="XKHAC1", name="xã Khác", issuing_body="ỦY BAN NHÂN DÂN XÃ KHÁC", place_name="Khác",
                    approval_level="commune", active=True)
    session.add(other)
    session.flush()
    far = factories.household(session, head_name="Võ Thị Hạnh", commune_id=other.id, code="K0001")
    session.add(HouseholdMember(household_id=far.id, position=1, name="Võ Văn Tài", citizen_id="082099000444"))
    session.flush()
    with pytest.raises(InvalidFields) as err:
        _handover(session, home, clerk, "Võ Văn Tài", "082099000444")
    msg = err.value.field_errors["recipient_citizen_id"]
    assert "hộ khác" in msg and "Tài" not in msg and "Hạnh" not in msg and "K0001" not in msg
    _nothing_saved(session)


def test_a_made_up_name_with_the_heads_cccd_is_refused_naming_the_head(session, home, clerk):
    with pytest.raises(InvalidFields) as err:
        _handover(session, home, clerk, "Lê Văn Bịa", HEAD_ID)
    msg = err.value.field_errors["recipient_name"]
    assert "Lê Văn Bịa" in msg and "chủ hộ Nguyễn Thị Ánh Tuyết" in msg
    _nothing_saved(session)


def test_a_name_typed_with_other_diacritics_is_another_name(session, home, clerk):
    """«Ánh» and «Anh» are two names: typed with diacritics, they must be the head's; typed with none
    at all (above: "nguyen thi anh tuyet"), the folded name is enough."""
    with pytest.raises(InvalidFields) as err:
        _handover(session, home, clerk, "Nguyễn Thị Anh Tuyết", HEAD_ID)
    assert list(err.value.field_errors) == ["recipient_name"]
    assert "chủ hộ Nguyễn Thị Ánh Tuyết" in err.value.field_errors["recipient_name"]
    _nothing_saved(session)
    res = _handover(session, home, clerk, "NGUYỄN  THỊ ÁNH TUYẾT", HEAD_ID)
    assert res.receipt.snapshot["recipient_name"] == "Nguyễn Thị Ánh Tuyết"


def test_the_heads_name_with_another_cccd_is_refused_on_the_cccd(session, home, clerk):
    with pytest.raises(InvalidFields) as err:
        _handover(session, home, clerk, "Nguyễn Thị Ánh Tuyết", "082301000555")
    assert list(err.value.field_errors) == ["recipient_citizen_id"]
    assert "không khớp" in err.value.field_errors["recipient_citizen_id"]
    assert HEAD_ID not in err.value.field_errors["recipient_citizen_id"]  # masked
    _nothing_saved(session)


def test_a_stranger_is_refused_until_the_clerk_vouches_for_a_member_off_the_list(session, home, clerk):
    """Neither the head nor a listed member (a CCCD nobody holds, a name not of this household): the
    form asks the relation to the head and a tick; nothing is saved before."""
    with pytest.raises(InvalidFields) as err:
        H.record_handover(session, home.id, handover_input(
            imei(1), recipient_name="Nguyễn Văn Lạ", recipient_citizen_id="082000000001", recipient_relation=None,
            confirm_recipient=False), clerk, today=TODAY)
    assert list(err.value.field_errors) == ["recipient_relation", "confirm_recipient"]
    message = err.value.field_errors["recipient_relation"]
    assert message.startswith("«Nguyễn Văn Lạ» không phải chủ hộ (Nguyễn Thị Ánh Tuyết) và không có trong danh sách")
    assert "kể cả người được ủy quyền" in message
    _nothing_saved(session)
    with pytest.raises(InvalidFields) as err:  # the relation alone is not the confirmation
        H.record_handover(session, home.id, handover_input(
            imei(1), recipient_name="Nguyễn Văn Lạ", recipient_citizen_id="082000000001",
            recipient_relation="Cháu nội chủ hộ", confirm_recipient=False), clerk, today=TODAY)
    assert list(err.value.field_errors) == ["confirm_recipient"]
    _nothing_saved(session)

    res = H.record_handover(session, home.id, handover_input(
        imei(1), recipient_name="Nguyễn Văn Lạ", recipient_citizen_id="082000000001",
        recipient_relation="  Cháu nội chủ hộ,   có tên trong thông tin cư trú ", confirm_recipient=True),
        clerk, today=TODAY)
    assert (res.handover.recipient_name, res.handover.recipient_citizen_id) == ("Nguyễn Văn Lạ", "082000000001")
    capacity = ("Thành viên trong hộ, chưa có trong danh sách thành viên; quan hệ với chủ hộ: Cháu nội chủ hộ, "
                "có tên trong thông tin cư trú")
    assert res.receipt.snapshot["recipient_capacity"] == capacity
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "handover.create")).one()
    assert entry.changes["recipient_capacity"] == [None, capacity]


def test_the_receipt_says_head_or_member_with_the_relation_on_file(session, home, clerk):
    assert _handover(session, home, clerk, "Nguyễn Thị Ánh Tuyết", HEAD_ID).receipt.snapshot[
        "recipient_capacity"] == "Chủ hộ"
    second = factories.approved(session, citizen_id="082070000112", head_name="Võ Thị Hạnh")
    session.add(HouseholdMember(household_id=second.household_id, position=1, name="Lâm Văn Phúc", relation="Chồng",
                                citizen_id="082068000113", citizen_id_kind="cccd"))
    session.flush()
    res = _handover(session, second, clerk, "Lâm Văn Phúc", "082068000113", n=2)
    assert res.receipt.snapshot["recipient_capacity"] == "Thành viên trong hộ (Chồng)"


def test_the_field_checks_say_the_same_without_saving(session, home, clerk):
    errors = H.handover_field_errors(session, home.id, handover_input(
        imei(7), recipient_name="Lê Văn Bịa", recipient_citizen_id=HEAD_ID), today=TODAY)
    assert list(errors) == ["recipient_name"]


def test_cash_payment_follows_the_same_rule(session, clerk):
    app = factories.approved(session, form="cash", citizen_id=HEAD_ID)
    data = dict(paid_on=dt.date(2026, 3, 12))
    factories.household(session, head_name="Phạm Văn Khải", citizen_id="082080000999")
    with pytest.raises(InvalidFields) as err:
        H.record_cash_payment(session, app.id, H.CashPaymentInput(
            recipient_name="Phạm Văn Khải", recipient_citizen_id="082080000999", **data), clerk, today=TODAY)
    assert "hộ khác" in err.value.field_errors["recipient_citizen_id"]
    with pytest.raises(InvalidFields) as err:
        H.record_cash_payment(session, app.id, H.CashPaymentInput(
            recipient_name="Tên Bịa Đặt", recipient_citizen_id=HEAD_ID, **data), clerk, today=TODAY)
    assert "Nguyễn Thị Ánh Tuyết" in err.value.field_errors["recipient_name"]
    _nothing_saved(session)
    res = H.record_cash_payment(session, app.id, H.CashPaymentInput(
        recipient_name="Nguyễn Thị Ánh Tuyết", recipient_citizen_id=HEAD_ID, **data), clerk, today=TODAY)
    assert (res.payment.amount, app.state) == (500_000, "paid")
