"""Writing a planned import: the one bulk write path for households.

A list brings up to tens of thousands of households at once, so they are not saved one ORM
object at a time.  The values of every row still come from the one place the household form uses
too, :mod:`subsidy.services.households.columns` (the facts, the derived search and sort keys, the
defaults of a new household: ``household_row``, and for a new row the same values as one tuple,
``new_household_values``); only the statements differ: executemany INSERTs for the
new households, executemany UPDATEs (by id) for the changed ones, a thousand rows each, bulk
INSERTs of their audit entries (:func:`audit.record_inserted` for the new rows, their changes read by
the database from the rows just stored; :func:`audit.record_many` for the changed ones), and one
audit entry for the batch with its counts.
Flushes, never commits; objects already loaded in the session are expired so that they show the
new values.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from subsidy.db import shared_value, utcnow
from subsidy.models import Household, HouseholdMember, HouseholdStatus, User
from subsidy.services import audit
from subsidy.services.households import household_row
from subsidy.services.households.columns import NEW_ROW_COLUMNS, new_household_values
from subsidy.services.households.people import MEMBER_FIELDS
from subsidy.services.bulk_insert import RowInserter
from subsidy.services.importer.plan import IMPORT_FIELDS, ImportPlan, row_values
from subsidy.services.importer.search_bulk import BulkIndex, bulk_index

# Core statements on the table rather than ORM bulk operations: the ORM adds bookkeeping per row
# and, by default, splits a bulk INSERT by which values are None (one statement per pattern of
# empty CCCD, phone, birth year…: thousands for a real list); Core sends each chunk below as one
# executemany.
_TABLE = Household.__table__
# The columns an import's UPDATE sets from each row: the imported fields and the derived keys.
_UPDATE_COLUMNS = (*IMPORT_FIELDS, "search_text", "sort_key")
_CODE_AT = NEW_ROW_COLUMNS.index("code")


# Rows per executemany: the column values of a chunk are built just before it is sent, so a
# 20,000-row list never holds them all at once (tens of MB); a chunk costs one statement call.
_CHUNK = 1000


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def write_import(session: Session, plan: ImportPlan, actor: User | None) -> None:
    """Write ``plan``'s new and changed households and their audit entries; fill in
    ``household_id`` of each new row and ``batch_audit_id`` of the report.

    Every household gets one audit entry (``household.create`` / ``household.update`` with the
    row's changes and a note naming the file and row), and the batch one ``household.import``
    entry with the counts.  Database errors (a unique code or CCCD taken meanwhile) propagate as
    SQLAlchemy errors; the caller rolls back.  Flushes, never commits.
    """
    report = plan.report
    now = utcnow()
    # The time every row shares, written once into the statements (db.shared_value).
    stamp = shared_value(_TABLE.c.updated_at, now, session.get_bind().dialect)
    note = f"Nhập danh sách «{report.filename}» (năm {report.list_year}), dòng {{}}"

    with _page_cache(session), bulk_index(session) as index:
        _write_households(session, plan, actor, now, stamp, note, index)
        _write_members(session, plan, stamp)
        _write_statuses(session, plan, actor, stamp, now)

    counts = report.counts
    entry = audit.record(
        session, actor, "household.import", "import", None,
        {"file": report.filename, "list_year": report.list_year, "new": counts["new"],
         "update": counts["update"], "unchanged": counts["unchanged"], "error": counts["error"],
         "skipped_rows": counts["skipped"], "skip_invalid": report.skip_invalid, "complete": report.complete,
         **{f"year_{k}": v for k, v in report.year_counts.items()}},
        note=f"Nhập danh sách hộ từ tệp «{report.filename}»",
    )
    entry.commune_id = plan.commune_id
    session.flush()
    report.batch_audit_id = entry.id
    # Objects already loaded in this session must not hide the new values.
    session.expire_all()


#: SQLite's page cache while an import writes, in KiB (the connection's is 16 MB: db.make_engine).
#: A household goes into five indexes in no order (code, CCCD, two name orders, hamlet): past
#: about 50,000 households those indexes outgrow 16 MB and every insert reads pages back from the
#: file (100,000 households: 2.3–2.9 s of inserting them against 1.9 s with 64 MB).  Pages are
#: taken only as used and given back when the import ends.
IMPORT_PAGE_CACHE_KIB = 65_536


@contextmanager
def _page_cache(session: Session) -> Iterator[None]:
    """On SQLite, the connection's page cache at :data:`IMPORT_PAGE_CACHE_KIB` for the block, then
    back to what it was (also on an error); elsewhere nothing."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    conn = session.connection()
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_PAGE_CACHE_KIB}")
    try:
        yield
    except BaseException:
        try:  # the import's own error is what the caller must see, not a failed restore
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")
        except Exception:
            pass
        raise
    conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def _write_households(session: Session, plan: ImportPlan, actor: User | None, now: Any, stamp: Any, note: str,
                      index: BulkIndex) -> None:
    """The new and changed households with their audit entries, and their search index entries
    (search_bulk: in bulk, as the triggers would have written them)."""
    report = plan.report
    created_by = {"created_by_id": actor.id if actor is not None else None, "commune_id": plan.commune_id}
    if plan.inserts:
        extra = (created_by["created_by_id"], created_by["commune_id"])
        # The new rows' ids: the commune's rows above the highest id before the chunk, by code
        # (unique in the commune); a range of the primary key, not a list of a thousand codes.
        # A new id is always above on SQLite (the next rowid); on PostgreSQL a sequence set below a
        # row written with its own id could give one below it: those codes are then looked up.
        select_ids = select(_TABLE.c.code, _TABLE.c.id).where(_TABLE.c.commune_id == plan.commune_id,
                                                              _TABLE.c.id > bindparam("above"))
        select_codes = select(_TABLE.c.code, _TABLE.c.id).where(
            _TABLE.c.commune_id == plan.commune_id, _TABLE.c.code.in_(bindparam("codes", expanding=True)))
        highest = select(func.coalesce(func.max(_TABLE.c.id), 0))
        # A chunk at a time: its rows' values, the INSERT, their new ids, their audit entries;
        # nothing of a chunk outlives it but its ids (the search index takes them all at once).
        inserter = RowInserter(session, _TABLE, (*NEW_ROW_COLUMNS, *created_by),
                               {"created_at": stamp, "updated_at": stamp})
        new_ids: list[int] = []
        for chunk in _chunks(plan.inserts):
            # Each row's values as one tuple (households.new_household_values: the form's defaults
            # and derived keys), no dict per row.
            rows = [new_household_values(row_values(rec, report.list_year, None)) for _out, rec, _people in chunk]
            above = session.execute(highest).scalar_one()
            inserter([row + extra for row in rows])
            ids = dict(session.execute(select_ids, {"above": above}).all())
            unseen = [row[_CODE_AT] for row in rows if row[_CODE_AT] not in ids]
            if unseen:
                ids.update(session.execute(select_codes, {"codes": unseen}).all())
            for (out, _rec, _people), row in zip(chunk, rows):
                out.household_id = ids[row[_CODE_AT]]
                new_ids.append(out.household_id)
            # Each entry's changes read by the database from the row just stored (audit.record_inserted).
            audit.record_inserted(session, actor, "household.create", "household", _TABLE, IMPORT_FIELDS,
                                  [(out.household_id, note.format(out.number), people) for out, _rec, people in chunk],
                                  extra_key="people", at=now, commune_id=plan.commune_id)
        index.added(sorted(new_ids))

    if plan.updates:
        stmt = (update(_TABLE).where(_TABLE.c.id == bindparam("_id"))
                .values({k: bindparam(f"v_{k}") for k in _UPDATE_COLUMNS} | {"updated_at": stamp}))
        updated = sorted(household_id for _out, household_id, _facts in plan.updates)
        index.before_update(updated)
        for chunk in _chunks(plan.updates):
            params = []
            for _out, household_id, facts in chunk:
                row = household_row(facts, new=False)
                params.append({f"v_{k}": row[k] for k in _UPDATE_COLUMNS} | {"_id": household_id})
            session.execute(stmt, params)
        index.after_update(updated)
        audit.record_many(session, actor, "household.update", "household",
                          [(household_id, out.changes, note.format(out.number))
                           for out, household_id, _facts in plan.updates],
                          at=now, commune_id=plan.commune_id)


def _write_members(session: Session, plan: ImportPlan, stamp: Any) -> None:
    """Replace the members of every household whose list of members changed: all the old rows
    go first (a person may move from one household to another within the same list), then the
    new ones, a thousand per statement.  Audited with the household's own entry (``people``)."""
    if not plan.members:
        return
    table = HouseholdMember.__table__
    ids = [hid for _out, hid, _ms in plan.members if hid is not None]
    for start in range(0, len(ids), _CHUNK):
        session.execute(delete(table).where(table.c.household_id.in_(ids[start:start + _CHUNK])))
    inserter = RowInserter(session, table, (*MEMBER_FIELDS, "household_id", "position"), {"created_at": stamp})
    for chunk in _chunks(plan.members):
        inserter([(*m, out.household_id if hid is None else hid, i)
                  for out, hid, members in chunk for i, m in enumerate(members, 1)])


def _write_statuses(session: Session, plan: ImportPlan, actor: User | None, stamp: Any, now: Any) -> None:
    """Write the list year's status records (replacing a record of the same year), and audit
    each household recorded as not on the list (``household.status``: E1 will fail for it)."""
    if not plan.statuses:
        return
    table = HouseholdStatus.__table__
    year = plan.statuses[0].year
    by = actor.id if actor is not None else None
    rows = [(w.household_id if w.household_id is not None else w.outcome.household_id, w.year, w.status, w.source,
             w.note, by) for w in plan.statuses]
    replaced = [r[0] for r, w in zip(rows, plan.statuses) if w.before is not None]
    for start in range(0, len(replaced), _CHUNK):
        session.execute(delete(table).where(table.c.year == year,
                                            table.c.household_id.in_(replaced[start:start + _CHUNK])))
    inserter = RowInserter(session, table, ("household_id", "year", "status", "source", "note", "recorded_by_id"),
                           {"recorded_at": stamp})
    for chunk in _chunks(rows):
        inserter(chunk)
    audit.record_many(session, actor, "household.status", "household",
                      [(w.household_id, {f"status_{w.year}": [w.before, w.status]}, w.note)
                       for w in plan.statuses if w.status == "not_listed"], at=now, commune_id=plan.commune_id)
