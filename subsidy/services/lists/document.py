"""The data of a list document (danh sách đề nghị / danh sách được phê duyệt) that
subsidy.documents.lists renders as PDF and XLSX (see the package docstring)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from sqlalchemy.orm import Session

from subsidy.domain import tracking
from subsidy.domain.calendar import today_vn
from subsidy.domain.documents import Issuer, ListDocument, ListRow
from subsidy.domain.labels import SUPPORT_FORM_LABELS
from subsidy.domain.workflow import State
from subsidy.models import ProposalList, User
from subsidy.services.errors import ServiceError
from subsidy.services.lists.drafting import applications_on
from subsidy.services.lists.entries import entry_facts, frozen_entries, row_facts, spec_for


def list_document(session: Session, proposal_list: ProposalList, *, kind: str, issuer: Issuer,
                  on: dt.date | None = None, prepared_by: str | None = None) -> ListDocument:
    """The data of a list document (subsidy.domain.documents.ListDocument).

    ``prepared_by``: the name under "NGƯỜI LẬP DANH SÁCH"; None (the default) = the full name of
    the user who drew up the list (ProposalList.created_by_id), whoever downloads it; "" when
    that user is unknown or has no full name (signed by hand).

    ``kind``: "proposal" (danh sách đề nghị) or "approved" (danh sách được phê duyệt: only for
    an approved list). The rows of an approved list, either kind, are its frozen entries
    (``frozen_entries``) exactly as at approval: an application withdrawn, refused or reopened
    later keeps its row and its STT, and a household's data corrected later does not change it;
    the date printed defaults to the decision date (approved) or the day the list was made
    (proposal), so a later download prints the same document. A draft list's proposal document
    is its applications still proposed now, dated ``on`` (default today). ``issuer``:
    subsidy.domain.documents.Issuer. Raises ServiceError for an approved document of a draft list.
    """
    if kind not in ("proposal", "approved"):
        raise ValueError(kind)
    if kind == "approved" and proposal_list.status != "approved":
        raise ServiceError("Danh sách chưa được phê duyệt nên chưa có danh sách phê duyệt.")
    spec = spec_for(session, proposal_list)
    if proposal_list.status == "approved":
        facts = [entry_facts(e) for e in frozen_entries(session, proposal_list)]
        default_date = proposal_list.decision_date if kind == "approved" else proposal_list.created_on
    else:
        facts = [row_facts(a, spec) for a in applications_on(session, proposal_list)
                 if a.state == State.proposed.value]
        default_date = None
    rows = [_list_row(i, f) for i, f in enumerate(facts, start=1)]
    if prepared_by is None:
        creator = session.get(User, proposal_list.created_by_id) if proposal_list.created_by_id else None
        prepared_by = (creator.full_name or "").strip() if creator is not None else ""
    return ListDocument(
        kind=kind, issuer=issuer, number=proposal_list.number, date=on or default_date or today_vn(),
        created_on=proposal_list.created_on, decision_number=proposal_list.decision_number,
        decision_date=proposal_list.decision_date, approving_body=proposal_list.approving_body,
        rows=rows, prepared_by=prepared_by, programme_line=spec.programme_line if spec is not None else "",
    )


def _list_row(stt: int, f: Mapping[str, Any]) -> ListRow:
    """One printed row (domain.documents.ListRow) from the facts of SNAPSHOT_FIELDS, live or frozen."""
    if f["support_form"] == "cash":
        form = SUPPORT_FORM_LABELS["cash"].column + (
            f", mua máy {f['purchase_date']:%d/%m/%Y}" if f["purchase_date"] else "")
    else:
        form = SUPPORT_FORM_LABELS["package"].column
    return ListRow(
        stt=stt, name=f["head_name"], birth_year=f["head_birth_year"], citizen_id=f["citizen_id"] or "",
        phone=f["phone"] or "", hamlet=f["hamlet"], category=f["category"] or "",
        tier=f["tier_label"] or "", form=form, tracking_code=tracking.display(f["tracking_code"]),
        received_on=f["received_on"], note=f["note"] or "", cash=f["support_form"] == "cash",
    )
