"""Households on the commune's poor / near-poor list, one module per job:

* :mod:`.columns` — validated facts → the values stored in a row (derived search and sort keys,
  defaults of a new household): the one place every write path calls, the form's and the list
  import's bulk writer alike;
* :mod:`.registry` — register, edit, view, archive and restore one household (audited), and the
  rule for a CCCD already on file, shared with the import;
* :mod:`.people` — members and the poverty status per year (read; the form's status of its year);
* :mod:`.search` — the search box, list filters and Vietnamese order (read-only);
* :mod:`.export` — the registry as CSV in the format of shared/data/*.expected.csv;
* :mod:`.viewlog` — the household page's log: its changes and every view of its personal data.

The names callers use are importable from here (``from subsidy.services import households``).
"""
from __future__ import annotations

from subsidy.services.households.columns import (
    DATA_FIELDS, SORT_KEY_LENGTH, derived_keys, household_row, new_household_facts,
)
from subsidy.services.households.export import (
    EXPORT_COLUMNS, export_households, iter_export_households, write_export_csv, write_export_xlsx,
)
from subsidy.services.households.registry import (
    PRIOR_DEVICES, HouseholdInput, HouseholdRef, InvalidHousehold, NeedsConfirmation, archive_household, check_household,
    check_citizen_id_owner, citizen_id_elsewhere_message, get_household, held_elsewhere, household_history,
    register_household, restore_household, same_head, save_household,
    update_household, checked_applications, REASON_FIELDS, DECIDING_FIELDS,
)
from subsidy.services.households.viewlog import household_log
from subsidy.services.households.people import (
    MEMBER_FIELDS, IdOwner, birth_text, id_owners, member_summary, members_of, record_form_status, standings, standings_now,
    status_history, statuses_in,
)
from subsidy.services.households.search import (
    hamlet_choices, hamlets_in_use, household_conditions, household_query, listed_in_force, off_the_list, status_in_force,
    search_condition, search_households,
)

__all__ = [
    "DATA_FIELDS", "SORT_KEY_LENGTH", "derived_keys", "household_row", "new_household_facts",
    "EXPORT_COLUMNS", "export_households", "iter_export_households", "write_export_csv", "write_export_xlsx",
    "PRIOR_DEVICES", "HouseholdInput", "HouseholdRef", "InvalidHousehold", "NeedsConfirmation",
    "archive_household", "check_citizen_id_owner", "check_household", "citizen_id_elsewhere_message",
    "get_household", "held_elsewhere", "household_history", "household_log",
    "register_household", "restore_household", "same_head", "save_household", "update_household",
    "checked_applications", "REASON_FIELDS", "DECIDING_FIELDS",
    "MEMBER_FIELDS", "IdOwner", "birth_text", "id_owners", "member_summary", "members_of", "record_form_status",
    "standings", "standings_now", "status_history", "statuses_in",
    "hamlet_choices", "hamlets_in_use", "household_conditions", "household_query", "listed_in_force", "off_the_list", "status_in_force",
    "search_condition",
    "search_households",
]
