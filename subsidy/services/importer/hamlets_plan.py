"""The hamlets an import names that the commune's list of hamlets does not have (domain.md §1).

The commune's hamlets table is the one list every filter, form and report reads
(services.communes.filter_hamlets).  A confirmed import adds the hamlets its written rows name
and the table lacks, in the same transaction, audited (services.communes.add_missing_hamlets);
the preview says so beforehand.  A name that is a hamlet on the list written another way
(case, accents: places.same_hamlet) is not added: the preview asks to correct the file.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from subsidy.domain import vn
from subsidy.domain.places import close_hamlet, normalize_hamlet, same_hamlet


def new_hamlets(outcomes: Iterable[Any], listed: Sequence[str], on_file: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The hamlets of the rows to be written (status new / update) that are not on the commune's
    list ``listed`` (its hamlets table, active or not, and any configured names), by name:
    ``{"rows": int households, "first_row": int, "like": str | None the known hamlet it most
    likely misspells (places.close_hamlet over ``listed`` and the hamlets ``on_file``), "added":
    bool}``.  ``added`` is False for a name that is a listed hamlet written another way
    (places.same_hamlet): the import will not add it to the list."""
    known: list[str] = []
    for name in listed:
        try:
            known.append(normalize_hamlet(name))
        except vn.VnValueError:
            continue
    listed_set = set(known)
    found: dict[str, dict[str, Any]] = {}
    for out in outcomes:
        if out.status in ("new", "update") and out.hamlet and out.hamlet not in listed_set:
            entry = found.setdefault(out.hamlet, {"rows": 0, "first_row": out.number, "like": None, "added": True})
            entry["rows"] += 1
    ordered = sorted(set(known) | set(on_file), key=vn.sort_key_text)
    for name, entry in found.items():
        same = same_hamlet(name, known)
        entry["like"] = same or close_hamlet(name, ordered)
        entry["added"] = same is None
    return found


def hamlets_to_add(report_new_hamlets: dict[str, dict[str, Any]]) -> list[str]:
    """The names of :func:`new_hamlets` the confirmed import adds to the commune's list, in the
    order the file names them."""
    return [name for name, entry in report_new_hamlets.items() if entry.get("added", True)]
