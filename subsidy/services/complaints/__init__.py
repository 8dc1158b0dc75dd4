"""The register of complaints, petitions and denunciations about the programme (Luật Khiếu nại
2011, Luật Tiếp công dân 2013, Luật Tố cáo 2018): recording and moving cases
(:mod:`.register`), their deadlines from the stored dates (:mod:`.deadlines`) and the list, the
case page, the to-do counts and the province view (:mod:`.queries`)."""
from subsidy.services.complaints.deadlines import CaseDates, case_deadlines, dates_of, filed_late, standing  # noqa: F401
from subsidy.services.complaints.queries import (  # noqa: F401
    ComplaintFilters, ListNotes, case_page, due_counts, due_summary, list_notes, list_stmt, open_standings, province_summary,
    standings_of,
)
from subsidy.services.complaints.register import (  # noqa: F401
    CaseInput, NamedPersonMayNotHandle, appeal, get, link_correction, move_case, recheck_after_decision, record_case,
    record_intake, staff_who_may_be_named,
)
