"""The sample documents as the app makes them: a throwaway SQLite database built from the sample list
(``../shared/data/ho-ngheo-2025-phu-tan.xlsx``, or the repository's copy in ``tests/data``) through
the services the app uses — import, «no prior device» for every household, applications, the
eligibility check, the allocation, a proposal list submitted and approved, phone handovers and cash
payments with their receipts (originals), the monthly tally and the annual report, and the province's
monthly tally issued by the Sở Khoa học và Công nghệ (as the admin sets it under «Cài đặt», no signer's
name recorded: a dotted line to write it by hand) — then every document
kind rendered from that database by the same services and renderers as the pages. The complaint
documents come from their sample dataclasses (subsidy.documents.complaint_samples).

The sample is the 2025 list, so everything happens on days of 2025: received in October, checked on
20/10/2025, 70 phones allocated on 01/10/2025, the list made on 22/10 and approved on 24/10/2025,
handovers and payments in November, the reports of November 2025 and of the year 2025.
"""
from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Callable

from subsidy.db import make_engine, make_sessionmaker, upgrade_database
from subsidy.documents import complaint_samples, complaints, lists as list_pdf, tally as tally_pdf
from subsidy.models import Application, Household
from subsidy.models.scoping import set_commune

D = dt.date
ROOT = Path(__file__).resolve().parents[2]
#: Where the sample list is looked for, in order: the workplace's shared folder, the repository's copy.
SAMPLE_LISTS = (ROOT.parent / "shared" / "data" / "ho-ngheo-2025-phu-tan.xlsx",
                ROOT / "tests" / "data" / "ho-ngheo-2025-phu-tan.xlsx")
#: How many households apply (phones; the last CASH of them bought their own phone): enough that
#: the lists run to three pages and more.
APPLICANTS, CASH = 66, 6
RECEIVED, CHECKED, ALLOCATED = D(2025, 10, 6), D(2025, 10, 20), D(2025, 10, 1)
LISTED, APPROVED, HANDED = D(2025, 10, 22), D(2025, 10, 24), D(2025, 11, 3)
REPORT_DAY = D(2025, 11, 30)


def sample_list() -> Path:
    """The first of SAMPLE_LISTS that exists. Raises FileNotFoundError naming both."""
    for path in SAMPLE_LISTS:
        if path.is_file():
            return path
    raise FileNotFoundError(" hoặc ".join(str(p) for p in SAMPLE_LISTS))


def _imei(n: int) -> str:
    """A 15-digit IMEI with its Luhn check digit, different for each ``n``."""
    body = f"35693803{n:06d}"
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def build(directory: Path, source: Path) -> dict[str, bytes]:
    """Build the database in ``directory`` (a file ``mau.sqlite3``) from the list ``source`` and return
    {document name: PDF bytes}, the names of subsidy.documents.samples.KINDS."""
    from subsidy.services import (
        allocations, applications, handovers, instance_settings, intake, lists, prior_devices, receipts, rulesets,
        tally, users,
    )
    from subsidy.services.tally import province
    from subsidy.services import communes
    from subsidy.services.importer import import_households

    url = f"sqlite:///{directory / 'mau.sqlite3'}"
    upgrade_database(url)
    engine = make_engine(url)  # the services need no app: a Session on the throwaway database
    out: dict[str, bytes] = {}
    session = make_sessionmaker(engine)()
    try:
        rulesets.load_shipped(session)
        commune, _ = communes.resolve(session, None)
        set_commune(session, commune.id)
        # the commune's leader who signs, and its province, as an admin types them under «Xã»
        communes.update_commune(session, commune, communes.CommuneInput(
            code=commune.code, name=commune.name, issuing_body=commune.issuing_body, place_name=commune.place_name,
            province="tỉnh Đồng Tháp", signer_name="Lê Văn Tám", approval_level=commune.approval_level), None)
        password = f"Mau-{secrets.token_hex(8)}-2025"
        clerk = users.create_user(session, "canbo", "clerk", password, None, full_name="Nguyễn Thị Thu Hà",
                                  must_change_password=False)
        approver = users.create_user(session, "lanhdao", "approver", password, None,
                                     full_name="Trần Văn Bình", must_change_password=False)
        import_households(session, source.read_bytes(), source.name, clerk, year=2025)
        prior_devices.mark_no_prior_device(session, clerk, expected=prior_devices.count_unrecorded(session),
                                           reason="Hỏi tại bộ phận một cửa: hộ chưa nhận thiết bị nào")
        settings = receipts.settings_of_commune(session, commune.id, "https://vtci.example.gov.vn")
        households = session.query(Household).order_by(Household.sort_key, Household.id).limit(APPLICANTS).all()
        apps: list[Application] = []
        for i, h in enumerate(households):
            cash = i >= APPLICANTS - CASH
            apps.append(applications.apply(session, applications.ApplicationInput(
                household_id=h.id, support_form="cash" if cash else "package",
                received_on=RECEIVED + dt.timedelta(days=i % 10),
                purchase_date=D(2025, 9, 15) if cash else None), clerk))
        for a in apps:
            applications.check_eligibility(session, a, clerk, on=CHECKED)
        allocations.record_allocation(session, 70, ALLOCATED, "Quyết định số 15/QĐ-SKHCN ngày 01/10/2025", clerk)
        pl = lists.build_proposal_list(session, clerk, created_on=LISTED)
        lists.submit_list(session, pl, clerk)
        lists.approve_list(session, pl, "25/QĐ-UBND", APPROVED, "Ủy ban nhân dân xã Phú Tân", approver)
        on_list = lists.applications_on(session, pl)
        handed = [a for a in on_list if a.support_form == "package"][:40]
        paid = [a for a in on_list if a.support_form == "cash"]
        results = []
        for n, a in enumerate(handed):
            day = HANDED + dt.timedelta(days=n % 20)
            h = a.household
            results.append(handovers.record_handover(session, a.id, handovers.HandoverInput(
                phone_make="Viettel", phone_model="Sumo 4G T2", imei=_imei(n), telecom="Viettel",
                subscriber_number=f"0962{n:06d}", handed_on=day, recipient_name=h.head_name,
                recipient_citizen_id=h.citizen_id or ""), clerk, settings=settings, today=day))
        for n, a in enumerate(paid):
            h = a.household
            results.append(handovers.record_cash_payment(session, a.id, handovers.CashPaymentInput(
                paid_on=D(2025, 11, 12), purchase_date=D(2025, 9, 15), recipient_name=h.head_name,
                recipient_citizen_id=h.citizen_id or ""), clerk, settings=settings, today=D(2025, 11, 12)))
        session.flush()
        out["bien-ban-ban-giao"] = receipts.print_original(session, results[0].receipt, clerk)
        out["giay-bien-nhan"] = receipts.print_original(session, results[-1].receipt, clerk)
        out["phieu-tiep-nhan"] = intake.intake_slip_pdf(session, apps[0], settings)
        issuer = settings.issuer
        for kind, name in (("proposal", "danh-sach-de-nghi"), ("approved", "danh-sach-phe-duyet")):
            out[name] = list_pdf.render_pdf(lists.list_document(session, pl, kind=kind, issuer=issuer))
        now = dt.datetime(2025, 11, 30, 2, 15, tzinfo=dt.timezone.utc)
        basis = rulesets.legal_basis_on(session, REPORT_DAY)
        month = tally.tally(session, "2025-11", today=REPORT_DAY, now=now)
        year = tally.annual_report(session, 2025, today=REPORT_DAY, now=now)
        for name, report in (("bao-cao-thang", month), ("bao-cao-nam", year)):
            out[name] = tally_pdf.render_pdf(report, issuer, preparer=clerk.full_name, legal_basis=basis)
        officer = users.create_user(session, "sokhcn", "province_officer", password, None,
                                    full_name="Phạm Minh Khoa", must_change_password=False)
        instance_settings.update(session, {instance_settings.PROVINCE_BODY: "Sở Khoa học và Công nghệ tỉnh Đồng Tháp"},
                                 None)
        set_commune(session, None)
        whole = province.province_tally(session, "2025-11", today=REPORT_DAY, now=now)[0]
        out["bao-cao-tinh"] = tally_pdf.render_pdf(whole, province.province_issuer(session),
                                                   preparer=officer.full_name, legal_basis=basis)
        session.commit()
    finally:
        session.close()
        engine.dispose()
    complaint_kinds: dict[str, Callable[[], bytes]] = {
        "thong-bao-thu-ly-khieu-nai": lambda: complaints.render_acceptance_notice(complaint_samples.acceptance_notice()),
        "quyet-dinh-giai-quyet-khieu-nai": lambda: complaints.render_decision(complaint_samples.decision()),
    }
    out.update({name: render() for name, render in complaint_kinds.items()})
    return out
