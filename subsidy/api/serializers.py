"""The JSON shapes of openapi.json built from what the services return: one function per shape,
no database access and no Flask here (the views read, check the caller's role, then shape).

Dates and times are ISO 8601 (:func:`iso`: a time in UTC with «Z»); personal IDs of household
members go out in full only when the caller says so (``full_ids``: the commune's staff), masked
otherwise (domain.md §9–10).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from subsidy.domain import vn


def iso(value: dt.date | dt.datetime | None) -> str | None:
    """``2026-05-04`` for a date; ``2026-05-04T03:00:00Z`` for an aware time (converted to UTC);
    None stays None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def person_json(m: Any, full_ids: bool) -> dict[str, Any]:
    """A household member (models.HouseholdMember or the like) as openapi.json's Person; the
    personal ID in full when ``full_ids``, else masked (vn.mask_id: all but the last 4)."""
    cid = m.citizen_id
    return {"name": m.name, "relation": m.relation, "birth_date": iso(m.birth_date), "birth_year": m.birth_year,
            "gender": m.gender, "citizen_id": (cid if full_ids else vn.mask_id(cid)) if cid else None,
            "citizen_id_kind": m.citizen_id_kind}


def year_status_json(st: Any) -> dict[str, Any]:
    """One status record of a household (models.HouseholdStatus) as openapi.json's YearStatus."""
    return {"year": st.year, "status": st.status, "decision_number": st.decision_number,
            "decision_date": iso(st.decision_date), "source": st.source, "note": st.note}


def people_and_statuses_json(members: Iterable[Any], statuses: Iterable[Any] | None, full_ids: bool) -> dict[str, Any]:
    """``{"people": [Person…], "statuses": [YearStatus…]}``: what a household's own page in the
    API adds to its Household object; ``members`` in list order, ``statuses`` newest year first
    (as households.members_of / status_history give them), None (``"statuses": null``) when the
    reader does not see poverty status (domain.scope.sees_poverty_status)."""
    return {"people": [person_json(m, full_ids) for m in members],
            "statuses": None if statuses is None else [year_status_json(st) for st in statuses]}
