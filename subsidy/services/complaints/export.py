"""The register as a file to take away: the list page's cases (its filters, every page of it) as
an ExportTable that subsidy.documents.exports writes as Excel, CSV or PDF. Read-only."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from subsidy.domain.labels import (
    ANONYMOUS_FILER_CELL, COMPLAINT_CATEGORY_LABELS, COMPLAINT_KIND_LABELS, COMPLAINT_STATE_LABELS,
    DECIDER_LEVEL_LABELS, EXPORT_LIST_LABELS, FILED_LATE_LABEL,
)
from subsidy.domain.list_views import Column, ExportTable
from subsidy.services.complaints.queries import STANDING_LABELS, ComplaintFilters, list_notes, list_stmt

COLUMNS = (
    Column("STT", "int", 10), Column("Số đơn", "text", 16), Column("Loại", "text", 20), Column("Ngày nhận", "date", 20),
    Column("Chủ hộ", "text", 34), Column("Nội dung", "text", 26), Column("Cấp giải quyết", "text", 22),
    Column("Trạng thái", "text", 28), Column("Hạn", "text", 16),
)


def _standing_words(standing: str, late: bool) -> str:
    """The «Hạn» cell: the standing of the authority's deadlines (an open case's), and «Quá thời
    hiệu» beside it for a first complaint received after its filing window."""
    return " · ".join(w for w in (STANDING_LABELS.get(standing, ""), FILED_LATE_LABEL if late else "") if w)


def register_table(session: Session, f: ComplaintFilters, today: dt.date, viewer_id: int | None,
                   prepared_by: str = "") -> ExportTable:
    """The cases matching ``f`` (:func:`list_stmt`: newest received first; ``viewer_id``, the
    account taking the file, never sees a denunciation naming it) as of ``today``, one row each:
    number in the file, case number, kind, day received, head of household («(nặc danh)» for an
    anonymous case), content, deciding level, state, «Hạn» (standing and «Quá thời hiệu»).
    ``prepared_by``: the full name printed under the PDF. Reads every matching case at once (a
    commune holds tens, the province hundreds)."""
    cases = list(session.scalars(list_stmt(session, f, today, viewer_id)))
    notes = list_notes(session, cases, today)
    rows = [[i, c.case_number, COMPLAINT_KIND_LABELS[c.kind], c.received_on,
             notes.heads.get(c.household_id, ANONYMOUS_FILER_CELL), COMPLAINT_CATEGORY_LABELS[c.category],
             DECIDER_LEVEL_LABELS[c.level], COMPLAINT_STATE_LABELS[c.state],
             _standing_words(notes.standings.get(c.id, ""), c.id in notes.late)]
            for i, c in enumerate(cases, start=1)]
    return ExportTable(key="complaints", title=EXPORT_LIST_LABELS["complaints"], filters=f.describe(),
                       columns=COLUMNS, rows=rows, count=len(rows), date=today, prepared_by=prepared_by)
