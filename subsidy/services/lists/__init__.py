"""The commune's proposal list (danh sách đề nghị) and its approval (domain.md §3, §5).

build_proposal_list takes eligible applications from the waiting list in priority order up to the
quota left and refuses beyond it; approve_list records the approval of a whole list (decision
number, date, approving body) and moves its applications to ``approved``. The documents of both
lists (PDF and XLSX) are rendered from ``list_document`` by subsidy.documents.lists.

Membership is kept in ``proposal_list_entries`` (models.ProposalListEntry): an entry is written
when an application is put on a draft list, marked removed (never deleted) when it is taken off
the draft, and frozen at approval with the row the documents print. An approved list's page,
PDF and XLSX come from its frozen entries only: an approved list is a legal record and does not
change when an application on it is later withdrawn, refused or reopened, or its household's
data corrected. A draft list is still read live (``applications_on``: Application.proposal_list_id,
the application's current list).

The modules, one job each: ``drafting`` (lists, proposing, taking off a draft), ``lifecycle``
(submitting a draft to the approver, which numbers it; emptying or cancelling one), ``approval``
(approving, correcting the decision), ``entries`` (the rows frozen at approval, a list's page
rows and sizes), ``document`` (the data the list documents print). The names callers use are
importable from this package.
"""

from subsidy.services.lists.approval import (
    DECISION_FIELD_LABELS, DECISION_FIELDS, DecisionCorrection, InvalidDecision, approval_seen, approve_list,
    approving_level,
    check_approving_level, correct_decision, decision_corrections, decision_field_errors, receipts_issued, shown_value,
)
from subsidy.services.lists.document import list_document
from subsidy.services.lists.drafting import (
    OPEN_STATUSES, all_lists, applications_on, build_proposal_list, get, leave_draft, new_list, next_number, open_draft,
    promote_waiting, propose, propose_one, remove_from_list,
)
from subsidy.services.lists.lifecycle import cancel_list, empty_list, submit_list
from subsidy.services.lists.entries import (
    SNAPSHOT_FIELDS, PageRow, frozen_entries, list_sizes, page_rows, removed_entries,
)

__all__ = [
    "DECISION_FIELDS", "DECISION_FIELD_LABELS", "SNAPSHOT_FIELDS", "DecisionCorrection", "InvalidDecision",
    "PageRow", "all_lists", "applications_on", "approval_seen", "approve_list", "approving_level", "build_proposal_list",
    "check_approving_level", "correct_decision",
    "decision_corrections", "decision_field_errors", "frozen_entries", "get", "leave_draft", "list_document",
    "list_sizes", "new_list", "open_draft", "page_rows", "promote_waiting", "propose", "propose_one",
    "receipts_issued", "remove_from_list", "removed_entries", "shown_value",
    "OPEN_STATUSES", "next_number", "submit_list", "empty_list", "cancel_list",
]
