"""The public status check (/tra-cuu) follows the application's latest eligibility check: a received
application not checked yet promises nothing; a check that cannot decide because the household must
supply something (the purchase date of the cash form, E5; the declaration of earlier devices, E2)
tells the household what to bring to the commune office, without any personal data; one that waits
for the commune (the year's poverty status, E1) keeps «hộ chưa cần làm gì thêm»
(domain.md §2: a check that cannot decide names what is missing)."""
from __future__ import annotations

import datetime as dt
import html
import re

from subsidy.domain import tracking
from subsidy.services import applications
from tests import factories

ON = dt.date(2025, 6, 30)
OFFICE = "Bộ phận tiếp nhận và trả kết quả của Ủy ban nhân dân xã"
NOTHING_TO_DO = "hộ chưa cần làm gì thêm"
BRING_RECEIPT = ("Mời chủ hộ (hoặc người trong hộ) đến Bộ phận tiếp nhận và trả kết quả của Ủy ban nhân dân xã để "
                 "bổ sung: hóa đơn hoặc giấy tờ mua điện thoại có ghi ngày mua (hộ tự mua máy, nhận hỗ trợ bằng "
                 "tiền). Khi đã bổ sung đủ, cán bộ xã kiểm tra tiếp hộ có đủ điều kiện nhận hỗ trợ hay không.")


def page(client, code: str, cccd: str) -> str:
    resp = client.post("/tra-cuu", data={"ma": tracking.display(code), "so": cccd[-4:]})
    assert resp.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(resp.get_data(as_text=True))).split())


def test_a_cash_application_without_its_purchase_date_asks_the_household_for_it(app, client, session, tt14):
    clerk = factories.user(session, "clerk", "clerk1", full_name="Trần Văn Lập", row=True)
    h = factories.applicant(session, head_name="Võ Thị Hồng", phone="0912345678")
    appl = applications.apply(session, applications.ApplicationInput(
        household_id=h.id, support_form="cash", received_on=dt.date(2025, 3, 1)), clerk)
    session.commit()
    code, cccd = appl.tracking_code, h.citizen_id

    unchecked = page(client, code, cccd)
    assert ("Cán bộ xã sẽ kiểm tra hộ có đủ điều kiện nhận hỗ trợ hay không; nếu hộ cần bổ sung giấy tờ, trang này "
            "sẽ ghi rõ cần mang gì.") in unchecked
    assert NOTHING_TO_DO not in unchecked

    assert applications.check_eligibility(session, appl, clerk, on=ON).outcome == "undecided"
    session.commit()
    undecided = page(client, code, cccd)
    assert "Xã đã nhận hồ sơ; hộ cần bổ sung thông tin để xã xét tiếp." in undecided
    assert BRING_RECEIPT in undecided and NOTHING_TO_DO not in undecided
    # nothing personal: no CCCD, no phone, no full name, no poverty category, no rule ids
    for personal in (cccd, "0912345678", "Võ Thị Hồng", "nghèo", "E5"):
        assert personal not in undecided, personal
    assert "Võ T. H***" in undecided

    applications.set_purchase_date(session, appl, dt.date(2023, 2, 1), "Hóa đơn bán lẻ", clerk)
    assert applications.check_eligibility(session, appl, clerk, on=ON).outcome == "eligible"
    session.commit()
    eligible = page(client, code, cccd)
    assert "Hộ đủ điều kiện nhận hỗ trợ." in eligible and BRING_RECEIPT not in eligible


def test_an_undeclared_earlier_device_is_asked_and_a_missing_poverty_status_is_the_communes(
        app, client, session, tt14):
    clerk = factories.user(session, "clerk", "clerk1", full_name="Trần Văn Lập", row=True)
    undeclared = factories.applicant(session, prior_device="unknown")
    unlisted = factories.applicant(session, list_year=2024)
    a1, a2 = (applications.apply(session, applications.ApplicationInput(
        household_id=h.id, support_form="package", received_on=dt.date(2025, 3, 1)), clerk) for h in (undeclared, unlisted))
    for a in (a1, a2):
        assert applications.check_eligibility(session, a, clerk, on=ON).outcome == "undecided"
    session.commit()
    asked = page(client, a1.tracking_code, undeclared.citizen_id)
    assert ("để bổ sung: cho biết hộ đã từng nhận máy tính bảng hoặc thiết bị học tập trực tuyến (máy tính bảng, "
            "máy tính) từ chương trình hỗ trợ nào chưa.") in asked
    waits = page(client, a2.tracking_code, unlisted.citizen_id)
    assert ("Cán bộ xã đang kiểm tra hộ có đủ điều kiện nhận hỗ trợ hay không; hộ chưa cần làm gì thêm.") in waits
    assert "bổ sung:" not in waits


def test_only_an_undecided_checks_household_facts_are_pending():
    from subsidy.domain.public_status import household_pending, public_step

    results = [{"rule": "E1", "status": "unknown", "fact": "list_year"},
               {"rule": "E2", "status": "unknown", "fact": "prior_device_date"},
               {"rule": "E5", "status": "unknown", "fact": "purchase_date"},
               {"rule": "E4", "status": "passed", "fact": "live_handovers"}]
    assert household_pending("undecided", results) == ("prior_device_date", "purchase_date")
    assert household_pending("not_eligible", results) == ()  # a failure decides: the office explains
    assert household_pending(None, None) == () and household_pending("undecided", "broken") == ()
    step = public_step("received", "cash", pending=("prior_device_date", "purchase_date"))
    assert step.next_step.startswith(f"Mời chủ hộ (hoặc người trong hộ) đến {OFFICE} để bổ sung: ngày hộ nhận máy "
                                     "tính bảng hoặc thiết bị học tập trực tuyến (giấy tờ bàn giao, nếu có); hóa "
                                     "đơn hoặc giấy tờ mua điện thoại có ghi ngày mua")
    # pending only changes a received application's words
    assert public_step("eligible", pending=("purchase_date",)).headline == "Hộ đủ điều kiện nhận hỗ trợ."
