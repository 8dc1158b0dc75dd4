"""Sample documents of every kind, built from dataclasses (no database): the phone handover biên
bản, the cash giấy biên nhận, the intake slip, the proposal list, the approved list, the monthly
tally, the annual report and the province's tally (issued by a Sở, its signer's name not recorded), each at ordinary lengths or with every text field at the longest the
forms and columns accept. ``flask --app app sample-documents`` writes them so that anyone can look
at them; the PDF tests render them cheaply.

The lengths come from the forms (forms/*.py: names 120, address 255, note 1,000, decision number
100, approving body 255, phone make/model 80, IMEI 40) and the columns (hamlet 80, household code 32).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from subsidy.documents import complaint_samples, complaints, intake, lists, receipt, tally
from subsidy.domain.documents import (
    IntakeSlipData, Issuer, ListDocument, ListRow, Signer, body_abbreviation, body_signer,
)
from subsidy.domain.receipt import KIND_CASH, KIND_HANDOVER, ReceiptData
from subsidy.domain.reports import (
    AnnualReport, Breakdown, Figures, MonthRow, Period, Quota, Row, RuleCount, Tally,
)

NOW = dt.datetime(2026, 11, 30, 2, 15, tzinfo=dt.timezone.utc)  # 09:15 in Việt Nam


def text(n: int, seed: str = "Nguyễn Thị Ánh Tuyết Đặng Văn Hưởng Lý Ngọc Ẩn Ưng Ỷ Lan ") -> str:
    """``n`` characters of Vietnamese words (NFC), ending on a letter: a field filled to its limit."""
    out = (seed * (n // len(seed) + 1))[:n]
    return out[:-1] + "x" if out.endswith(" ") else out


def issuer(long: bool = False) -> Issuer:
    if not long:
        return Issuer(body_upper="", body="ỦY BAN NHÂN DÂN XÃ PHÚ TÂN", place="Phú Tân",
                      signer=Signer(name="Trần Văn Bình"))
    return Issuer(body_upper="UBND TỈNH ĐỒNG THÁP", body="ỦY BAN NHÂN DÂN XÃ " + text(60).upper(),
                  place="Phú Tân", signer=Signer(name=text(120)))


def department(long: bool = False) -> Issuer:
    """The province's issuer when the Sở Khoa học và Công nghệ issues its reports and no signer's name
    is recorded (services.instance_settings.province_issuer builds the same from the settings)."""
    body = "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH " + (text(200).upper() if long else "ĐỒNG THÁP")
    return Issuer(body_upper="", body=body, place="Đồng Tháp", abbreviation=body_abbreviation(body),
                  signer=body_signer(body), recipients=("Bộ Khoa học và Công nghệ", "UBND tỉnh"), archive="VT")


def receipt_data(kind: str, long: bool = False) -> ReceiptData:
    n = (lambda k, short: text(k) if long else short)
    return ReceiptData(
        kind=kind, number_display="07/BB-UBND" if kind == KIND_HANDOVER else "07/BN-UBND",
        series="BB-VTCI", year=2026, number=7, issuer_body_upper=issuer(long).body_upper,
        issuer_body=issuer(long).body, place="Phú Tân", giver_unit="Ủy ban nhân dân xã Phú Tân",
        date="05/11/2026", place_date="Phú Tân, ngày 05 tháng 11 năm 2026", tracking_code="K7QX9M4TAB",
        status_url="https://phutan.example.vn/tra-cuu?ma=K7QX9M4TAB", household_code=n(32, "PT-0042"),
        head_name=n(120, "Nguyễn Thị Ánh Tuyết"), hamlet=n(80, "Ấp Phú Lợi"),
        address=n(255, "Tổ 3, Ấp Phú Lợi"), category="Hộ nghèo", recipient_name=n(120, "Lê Thị Ỷ Lan"),
        recipient_citizen_id="082190000123", staff_name=n(120, "Đặng Văn Hưởng"),
        legal_basis=LEGAL_BASIS,
        decision=(f"Quyết định số {text(100)} ngày 01/11/2026 của {text(255)} phê duyệt danh sách hộ được hỗ trợ"
                  if long else "Quyết định số 12/QĐ-UBND ngày 01/11/2026 của Ủy ban nhân dân xã Phú Tân "
                               "phê duyệt danh sách hộ được hỗ trợ"),
        phone_make=n(80, "Samsung"), phone_model=n(80, "Galaxy A05"), imei="490154203237518",
        imei2="356938035643809", telecom="VNPT", subscriber_number="0912345678",
        amount=500000, amount_figures="500.000", amount_words="Năm trăm nghìn đồng", purchase_date="20/10/2026",
        signer_name=text(120) if long else "Trần Văn Bình",
    )


def intake_data(long: bool = False) -> IntakeSlipData:
    n = (lambda k, short: text(k) if long else short)
    return IntakeSlipData(
        issuer=issuer(long), giver_unit="Ủy ban nhân dân xã Phú Tân", tracking_code="K7QX-9M4T-AB",
        status_url="https://phutan.example.vn/tra-cuu?ma=K7QX9M4TAB", status_page="https://phutan.example.vn/tra-cuu",
        place_date="Phú Tân, ngày 05 tháng 11 năm 2026", received_on="05/11/2026",
        head_name=n(120, "Nguyễn Thị Ánh Tuyết"), household_code=n(32, "PT-0042"), hamlet=n(80, "Ấp Phú Lợi"),
        support_form="Gói hỗ trợ kết hợp (nhận máy và gói cước)", clerk_name=n(120, "Đặng Văn Hưởng"),
        legal_basis=LEGAL_BASIS,
    )


HAMLETS = ["Ấp Phú Hòa", "Ấp Phú Thành", "Ấp Phú Xuân", "Ấp Phú Lợi", "Ấp Phú Thạnh", "Ấp Phú Hưng"]
NAMES = ["Nguyễn Thị Ánh Tuyết", "Đặng Văn Hưởng", "Lý Ngọc Ẩn", "Huỳnh Mỹ Nhung", "Trần Văn Bình",
         "Lê Thị Ỷ Lan", "Phạm Quốc Đạt", "Võ Thị Ngọc Hân"]


def list_document(kind: str, n_rows: int = 60, long: bool = False) -> ListDocument:
    rows = []
    for i in range(1, n_rows + 1):
        rows.append(ListRow(
            stt=i, name=text(120) if long else NAMES[i % len(NAMES)], birth_year=1950 + i % 50,
            citizen_id="082190000123", phone="0912345678", hamlet=text(80) if long else HAMLETS[i % len(HAMLETS)],
            category="poor" if i % 3 else "near_poor", tier=f"P{1 + i % 4}",
            form="Bằng tiền, mua máy 20/10/2026" if i % 5 == 0 else "Gói hỗ trợ kết hợp",
            tracking_code="K7QX-9M4T-AB", received_on=dt.date(2026, 10, 1), cash=i % 5 == 0,
            note=text(1000) if long else ("Nhà xa, cần báo trước" if i % 7 == 0 else ""),
        ))
    return ListDocument(
        kind=kind, issuer=issuer(long), number="07/DS-UBND", date=dt.date(2026, 11, 5),
        created_on=dt.date(2026, 11, 5), rows=rows,
        decision_number=text(100) if long else "12/QĐ-UBND", decision_date=dt.date(2026, 11, 10),
        approving_body=text(255) if long else "Ủy ban nhân dân xã Phú Tân",
        prepared_by=text(120) if long else "Đặng Văn Hưởng",
    )


def _figures(i: int) -> Figures:
    return Figures(received=10 + i, eligible=8 + i, not_eligible=2, proposed=7, approved=6, handed_over=4,
                   handovers_voided=i % 2, paid=2, payments_voided=0, amount_paid=1_000_000,
                   amount_voided=0, supported=6, waiting=1)


def _breakdown(name: str, labels: list[str]) -> Breakdown:
    rows = tuple(Row(lab, lab, _figures(i)) for i, lab in enumerate(labels))
    total = Figures()
    for r in rows:
        total = total + r.figures
    return Breakdown(name, {"hamlet": "Theo ấp", "category": "Theo phân loại hộ", "tier": "Theo mức ưu tiên"}[name],
                     {"hamlet": "Ấp", "category": "Phân loại", "tier": "Mức ưu tiên"}[name], rows, total)


def tally_report(long: bool = False, n_hamlets: int = 6) -> Tally:
    hamlets = [text(80) for _ in range(n_hamlets)] if long else (HAMLETS * 10)[:n_hamlets]
    by_hamlet = _breakdown("hamlet", hamlets)
    return Tally(
        kind="month", month="2026-11", period=Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        title="Báo cáo tổng hợp tháng 11/2026", period_label="Từ ngày 01/11/2026 đến hết ngày 30/11/2026",
        generated_at=NOW, totals=by_hamlet.total, by_hamlet=by_hamlet,
        by_category=_breakdown("category", ["Hộ nghèo", "Hộ cận nghèo"]),
        by_tier=_breakdown("tier", ["Ưu tiên 1", "Ưu tiên 2", "Ưu tiên 3", "Ưu tiên 4"]),
        not_eligible_by_rule=(RuleCount("E1", "Không có tên trong danh sách hộ nghèo, cận nghèo", 3),
                              RuleCount("E2", "Đã nhận máy tính bảng", 1)),
        quota=Quota(allocated=120, proposed=10, approved=5, supported=40),
    )


def annual_report(long: bool = False) -> AnnualReport:
    year = tally_report(long)
    months = tuple(MonthRow(m, f"Tháng {m}", Period(dt.date(2026, m, 1), dt.date(2026, m, 28)), _figures(m),
                            _figures(m) + _figures(m)) for m in range(1, 12))
    return AnnualReport(year_number=2026, title="Báo cáo kết quả hỗ trợ năm 2026",
                        period_label="Từ ngày 01/01/2026 đến hết ngày 30/11/2026", generated_at=NOW,
                        months=months, year=year, cumulative=year.totals)


LEGAL_BASIS = "Thông tư số 14/2022/TT-BTTTT ngày 28/10/2022 của Bộ Thông tin và Truyền thông"


def _report_options(long: bool) -> dict[str, str]:
    """NGƯỜI LẬP BIỂU (the signed-in clerk) and the legal basis of a report."""
    return {"preparer": text(120) if long else "Đặng Văn Hưởng", "legal_basis": LEGAL_BASIS}


#: Every kind: name → render(long) → PDF bytes.
KINDS: dict[str, Callable[[bool], bytes]] = {
    "bien-ban-ban-giao": lambda long: receipt.render(receipt_data(KIND_HANDOVER, long)),
    "giay-bien-nhan": lambda long: receipt.render(receipt_data(KIND_CASH, long)),
    "phieu-tiep-nhan": lambda long: intake.render(intake_data(long)),
    "danh-sach-de-nghi": lambda long: lists.render_pdf(list_document("proposal", 8 if long else 60, long)),
    "danh-sach-phe-duyet": lambda long: lists.render_pdf(list_document("approved", 8 if long else 60, long)),
    "bao-cao-thang": lambda long: tally.render_pdf(tally_report(long), issuer(long), **_report_options(long)),
    "bao-cao-nam": lambda long: tally.render_pdf(annual_report(long), issuer(long), **_report_options(long)),
    "bao-cao-tinh": lambda long: tally.render_pdf(tally_report(long), department(long), **_report_options(long)),
    "thong-bao-thu-ly-khieu-nai": lambda long: complaints.render_acceptance_notice(
        complaint_samples.acceptance_notice(long)),
    "quyet-dinh-giai-quyet-khieu-nai": lambda long: complaints.render_decision(complaint_samples.decision(long)),
}
