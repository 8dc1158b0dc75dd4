"""Saving the household form: the registry's save, with each checked application whose deciding
facts changed sent back to be checked as a correction sends it (corrections.send_back; domain.md
§2, §3, §5). Its own module because the registry cannot import corrections (which imports the
eligibility check, which reads the registry)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from subsidy.models import Household, User
from subsidy.services import corrections
from subsidy.services.households import HouseholdInput
from subsidy.services.households import save_household as _registry_save


def save_household(session: Session, data: HouseholdInput, household_id: int | None, actor: User | None) -> Household:
    """households.save_household (a new household when ``household_id`` is None) with
    corrections.send_back for the checked applications a change of a deciding fact concerns.
    Raises what that one raises; nothing is saved then. Returns the household, flushed."""
    return _registry_save(session, data, household_id, actor, send_back=corrections.send_back)
