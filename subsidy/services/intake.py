"""The intake slip (phiếu tiếp nhận hồ sơ) handed to a household when its application is received:
its data built from the application, and its PDF (rendered by subsidy.documents.intake).
Reads only. Source: domain.md §5, §7, §9.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from subsidy.documents import intake
from subsidy.domain import tracking, vn
from subsidy.domain.documents import IntakeSlipData
from subsidy.domain.labels import SUPPORT_FORM_LABELS
from subsidy.models import Application, User
from subsidy.services.receipts import STATUS_PATH, ReceiptSettings


def intake_slip_data(session: Session, application: Application, settings: ReceiptSettings) -> IntakeSlipData:
    """What the intake slip of ``application`` prints (subsidy.domain.documents.IntakeSlipData):
    the issuing body and place from ``settings`` (services.receipts.ReceiptSettings, built from
    the configuration by the view or CLI), the tracking code grouped ("K7QX-9M4T-AB") as its
    number, the place-and-date line of the day received, the head's name, the form of support, the
    receiving clerk, and the public status link ``{PUBLIC_BASE_URL}/tra-cuu?ma=<code>`` for the QR
    code. No CCCD, no phone number. Re-printable at any time: it is built from the application.
    Source: domain.md §5, §7, §9."""
    h = application.household
    clerk = session.get(User, application.received_by_id) if application.received_by_id else None
    return IntakeSlipData(
        issuer=settings.issuer,
        giver_unit=settings.giver_unit,
        tracking_code=tracking.display(application.tracking_code),
        status_url=settings.status_url(application.tracking_code),
        status_page=f"{settings.public_base_url.rstrip('/')}{STATUS_PATH}",
        place_date=vn.place_date_line(settings.place, application.received_on),
        received_on=vn.format_date(application.received_on),
        head_name=h.head_name, household_code=h.code, hamlet=h.hamlet,
        support_form=(SUPPORT_FORM_LABELS[application.support_form].printed
                      if application.support_form in SUPPORT_FORM_LABELS else application.support_form),
        # the full name, never the login name: blank (to write by hand) when none is on file
        clerk_name=(clerk.full_name or "").strip() if clerk is not None else "",
    )


def intake_slip_pdf(session: Session, application: Application, settings: ReceiptSettings) -> bytes:
    """The intake slip of ``application`` as PDF bytes (see intake_slip_data)."""
    return intake.render(intake_slip_data(session, application, settings))
