"""From validated household facts to the values stored in a ``households`` row.

The one place that derives what a save writes besides the facts themselves, used by every write
path: the household form (:func:`~subsidy.services.households.registry.register_household`,
``update_household``) row by row, and the list import's bulk writer
(:mod:`subsidy.services.importer.bulk_write`) twenty thousand rows at a time:

* the derived keys: ``search_text`` (:func:`household_search_text`, the folded ASCII key plain
  ``LIKE`` searches) and ``sort_key`` (:func:`vn.sort_key_text`, Vietnamese list order with plain
  ``ORDER BY``), rewritten on every save and never audited (they follow from the data);
* the defaults of a new household: every data column present, and a fact that is missing or
  ``None`` takes its column's default as the model declares it (``members`` 1, ``meritorious`` and
  ``social_policy`` False, ``prior_device`` "unknown", ``archived`` False).

Pure computation: no session, no query.  Source: domain.md §9 (names: search folds, sorting
does not).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping

from subsidy.domain import vn
from subsidy.domain.household_list import household_search_text
from subsidy.models import Household

#: The household's own data, audited on every change (derived keys and timestamps are not).
DATA_FIELDS = (
    "code", "head_name", "head_birth_year", "head_gender", "citizen_id", "citizen_id_kind",
    "citizen_id_warning", "hamlet", "address", "members", "phone", "category", "list_year",
    "decision_number", "decision_date", "meritorious", "social_policy", "prior_device",
    "prior_device_detail", "prior_device_date",
)
#: Column length of ``households.sort_key`` (a longer key is cut: see vn.sort_key_text).
SORT_KEY_LENGTH = 600

# The scalar column defaults declared on the model (members, meritorious, social_policy,
# prior_device, archived, and the empty keys), read from it so that they have one home.
_COLUMN_DEFAULTS: dict[str, Any] = {
    column.key: column.default.arg
    for column in Household.__table__.columns
    if column.default is not None and column.default.is_scalar
}
_EMPTY_ROW: dict[str, Any] = dict.fromkeys(DATA_FIELDS) | _COLUMN_DEFAULTS


def derived_keys(head_name: str, code: str | None, citizen_id: str | None, phone: str | None) -> tuple[str, str]:
    """``(search_text, sort_key)`` of a household, as stored.

    ``search_text``: :func:`household_search_text` of the name, code, CCCD and phone
    (``" nguyen van hung 8250419218 082… 09… "``); ``sort_key``: :func:`vn.sort_key_text` of the
    head's name, cut to :data:`SORT_KEY_LENGTH` characters (the column's length).
    """
    return household_search_text(head_name, code, citizen_id, phone), _sort_key(head_name)


@lru_cache(maxsize=8192)
def _sort_key(head_name: str) -> str:
    # A list of thousands of households repeats its names: each name's key (about 150 digits) is
    # built once while it is among the last 8,192 asked.
    return vn.sort_key_text(head_name)[:SORT_KEY_LENGTH]


def new_household_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of a new household with every data column present: a fact that is missing or
    ``None`` takes its column's default (``members`` 1, ``meritorious`` / ``social_policy`` False,
    ``prior_device`` "unknown", ``archived`` False), else ``None``.

    Shape: ``{"code": "8250419218", "head_name": "Mai Minh Nghĩa", …}`` → the same with every
    name of :data:`DATA_FIELDS` plus ``archived`` (and ``search_text`` / ``sort_key`` empty until
    :func:`household_row` derives them).  Cheap (no key derived): the import's preview calls it
    for every new row.  Never raises.
    """
    row = dict(_EMPTY_ROW)
    row.update(facts)
    for key, default in _COLUMN_DEFAULTS.items():
        if row[key] is None:
            row[key] = default
    return row


#: The columns of a new household's row, in the order of :func:`new_household_values`'s tuples
#: (every data column, the derived keys and ``archived``: the keys of household_row(new=True)).
NEW_ROW_COLUMNS: tuple[str, ...] = tuple(_EMPTY_ROW)
_NEW_ROW_DEFAULTS = tuple(_COLUMN_DEFAULTS.get(k) for k in NEW_ROW_COLUMNS)
_NEW_ROW_AT = {k: i for i, k in enumerate(NEW_ROW_COLUMNS)}
_SEARCH_AT, _SORT_AT = _NEW_ROW_AT["search_text"], _NEW_ROW_AT["sort_key"]


def new_household_values(facts: Mapping[str, Any]) -> tuple[Any, ...]:
    """The values of :func:`household_row` ``(facts, new=True)`` as a tuple in the order of
    :data:`NEW_ROW_COLUMNS`, without a dict per row (the list import writes tens of thousands of
    rows at once): a missing or ``None`` fact takes its column's default, and the derived keys
    are :func:`derived_keys` of the facts.  ``facts``: column name → value, validated, every key
    one of :data:`NEW_ROW_COLUMNS` (others are not stored).  Never raises."""
    values = list(_NEW_ROW_DEFAULTS)
    at = _NEW_ROW_AT
    for k, v in facts.items():
        if v is not None and (i := at.get(k)) is not None:
            values[i] = v
    get = facts.get
    values[_SEARCH_AT], values[_SORT_AT] = derived_keys(get("head_name"), get("code"), get("citizen_id"), get("phone"))
    return tuple(values)


def household_row(facts: Mapping[str, Any], *, new: bool) -> dict[str, Any]:
    """The column values to store for a household: the validated ``facts`` plus the derived keys
    ``search_text`` and ``sort_key`` (:func:`derived_keys`), and for a ``new`` household the
    defaults of :func:`new_household_facts`.

    ``facts``: column name → value, already validated and normalised (the form's values after its
    checks, or an imported row's).  On an update (``new=False``) the facts must hold the
    household's values of ``head_name``, ``code``, ``citizen_id`` and ``phone`` as they will be
    stored (the keys are derived from them); nothing is defaulted.  Timestamps and
    ``created_by_id`` are the caller's.  Returns a new dict; raises KeyError when ``head_name``
    is missing.
    """
    row = new_household_facts(facts) if new else dict(facts)
    row["search_text"], row["sort_key"] = derived_keys(
        row["head_name"], row.get("code"), row.get("citizen_id"), row.get("phone"))
    return row
