"""The commune's households on file as an import sees them: matched by their keys alone, every
field loaded only for the matched rows, a chunk at a time (a step of :mod:`.plan`).  Reads only."""
from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from subsidy.models import Household

EXISTING_COLUMNS = (
    Household.id, Household.code, Household.head_name, Household.head_birth_year, Household.head_gender,
    Household.citizen_id, Household.citizen_id_kind, Household.citizen_id_warning, Household.hamlet,
    Household.address, Household.members, Household.phone, Household.category, Household.list_year,
    Household.meritorious, Household.social_policy, Household.prior_device, Household.prior_device_date,
    Household.archived,
)


def row_class(columns: Sequence[Any], doc: str) -> type:
    """A tuple subclass for rows of ``columns`` answering ``h["field"]`` and ``h.field``."""
    index = {c.key: i for i, c in enumerate(columns)}

    class Row(tuple):
        __slots__ = ()
        __doc__ = doc

        def __getitem__(self, key: Any) -> Any:
            if isinstance(key, str):
                return tuple.__getitem__(self, index[key])
            return tuple.__getitem__(self, key)

        def __getattr__(self, name: str) -> Any:
            try:
                return tuple.__getitem__(self, index[name])
            except KeyError:
                raise AttributeError(name) from None

    return Row


#: What matching needs of each household on file: the whole commune's are loaded (100,000
#: households: about 25 MB as these tuples, twice that with every imported field).
MATCH_COLUMNS = (Household.id, Household.code, Household.citizen_id, Household.head_name)
Match = row_class(MATCH_COLUMNS, "A household on file as matching sees it (id, code, CCCD, head's name).")
Existing = row_class(EXISTING_COLUMNS, "A household on file with every imported field, loaded a chunk of matched "
                                          "rows at a time to compare with the file.")
#: Matched rows whose households on file are loaded at once.
FULL_CHUNK = 1000


def full_rows(session: Session, ids: list[int]) -> dict[int, Any]:
    """``{id: Existing}`` of the households ``ids`` (one SELECT)."""
    if not ids:
        return {}
    return {r[0]: Existing(r) for r in session.execute(select(*EXISTING_COLUMNS).where(Household.id.in_(ids)))}


def load_matches(session: Session, commune_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(by_code, by_cid)``: commune ``commune_id``'s households on file (:data:`Match` tuples)
    by household code and by CCCD (those that have one)."""
    # Streamed (yield_per): without it the ORM fetches every row before the first is read, a second
    # copy of the commune's households alive while the matching keys are built.
    result = session.execute(select(*MATCH_COLUMNS).where(Household.commune_id == commune_id),
                             execution_options={"yield_per": 2000})
    by_code: dict[str, Any] = {}
    by_cid: dict[str, Any] = {}
    for r in result:
        h = Match(r)
        by_code[h[1]] = h
        if h[2]:
            by_cid[h[2]] = h
    return by_code, by_cid
