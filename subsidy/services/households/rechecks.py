"""Which household facts decide an application's eligibility or priority, and which applications
a change of them concerns (domain.md §2 E1, E2, E4; §3 P1–P4; §5). Reads only: the registry asks
the reason (registry.update_household) and services.household_edit sends the applications back."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from subsidy.domain import tracking
from subsidy.domain.labels import FIELD_LABELS, STATE_LABELS
from subsidy.domain.workflow import BEFORE_HANDOVER, State
from subsidy.models import Application, Household
from subsidy.services import audit


#: The household's facts a check of its application reads (domain.md §2: E1 the category and the
#: list in force, E2 the device received before, E4 the CCCD by which "once per household" holds
#: across communes; §3: P1 meritorious, P2 social policy, P3/P4 the category), and the head's
#: name, which names who was supported. Changing one once an application was checked needs a
#: reason; all but the name send the application back to be checked (:func:`update_household`).
DECIDING_FIELDS = ("citizen_id", "category", "list_year", "decision_number", "decision_date", "meritorious",
                   "social_policy", "prior_device", "prior_device_detail", "prior_device_date")
REASON_FIELDS = ("head_name", *DECIDING_FIELDS)
#: States of an application whose check read the household's facts (past «received», not ended).
_CHECKED_STATES = tuple(s.value for s in BEFORE_HANDOVER[1:]) + (State.handed_over.value, State.paid.value,
                                                                   State.closed.value)


def checked_applications(session: Session, household_id: int) -> list[Application]:
    """The household's applications past «received» that were not withdrawn or refused (eligible,
    not eligible, proposed, approved, handed over, paid, closed), oldest first: those a change of a
    deciding fact (:data:`REASON_FIELDS`) concerns. Reads only."""
    return list(session.scalars(select(Application).where(
        Application.household_id == household_id, Application.state.in_(_CHECKED_STATES)).order_by(Application.id)))


def facts_changed(hh: Household, values: dict[str, Any]) -> list[str]:
    """The names of :data:`REASON_FIELDS` whose value in ``values`` (the form's values as
    _validate gives them) differs from ``hh``'s, in that order. A field missing from ``values`` (the
    form's value for it could not be read: its own error is shown) counts as unchanged."""
    present = [f for f in REASON_FIELDS if f in values]
    before = audit.snapshot(hh, present)
    after = audit.snapshot(SimpleNamespace(**values), present)
    return [f for f in present if before[f] != after[f]]


def reason_message(changed: list[str], checked: list[Application]) -> str:
    """The Vietnamese message asking for the reason: which facts changed, which applications they
    concern (tracking code and state) and what the save will do to them."""
    facts = ", ".join(FIELD_LABELS.get(f, f) for f in changed)
    apps = "; ".join(f"{tracking.shown(a.tracking_code)} «{STATE_LABELS[a.state]}»" for a in checked)
    return (f"Hộ có hồ sơ đã được kiểm tra ({apps}) và thông tin đang sửa quyết định điều kiện hoặc thứ tự ưu tiên "
            f"({facts}). Hãy ghi lý do sửa (ví dụ: nhập nhầm phân loại, quyết định công nhận số … ghi hộ cận nghèo).")
