"""The household page's log: its changes, and every view of its personal data wherever it was
seen (its own page and API reads, its applications', its receipts'). Who saw it: domain.md §9."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from subsidy.models import Application, Receipt
from subsidy.services import audit


def household_log(session: Session, household_id: int, *, views_shown: int = 50) -> audit.EntityLog:
    """The household page's log (services.audit.entity_log): its changes, and every view of its
    personal data — its own page and API reads, and the views of its applications (their page
    shows the head's CCCD and phone, their API read the household) and of its receipts (the
    recipient's CCCD), by whatever role and account (domain.md §9: who saw it)."""
    app_ids = list(session.scalars(select(Application.id).where(Application.household_id == household_id)))
    receipt_ids = list(session.scalars(select(Receipt.id).where(Receipt.application_id.in_(app_ids)))) if app_ids else []
    return audit.entity_log(session, "household", household_id, views_shown=views_shown,
                            viewed_through=(("application", app_ids), ("receipt", receipt_ids)))
