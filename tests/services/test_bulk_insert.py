"""The import's tuple INSERT (services/bulk_insert.py) stores exactly what SQLAlchemy's Core INSERT
stores for the same values: dates, booleans, an aware time, JSON and empty values, read back as the
raw column values the database holds."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from subsidy.db import shared_value
from subsidy.models import AuditEntry, Household
from subsidy.models.scoping import default_commune_id
from subsidy.services.bulk_insert import RowInserter

COLUMNS = ("code", "head_name", "hamlet", "members", "meritorious", "social_policy", "prior_device",
           "prior_device_date", "archived", "search_text", "sort_key", "commune_id", "head_birth_year", "phone")


def raw(session, sql: str) -> list[tuple]:
    return [tuple(r) for r in session.connection().exec_driver_sql(sql).all()]


def test_rows_stored_as_the_core_insert_stores_them(session):
    commune = default_commune_id(session)
    now = dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=dt.timezone.utc)
    table = Household.__table__
    stamp = shared_value(table.c.updated_at, now, session.get_bind().dialect)

    def values(code: str, flag: bool, day: dt.date | None) -> tuple:
        return (code, "Lê Thị Bé", "Ấp Phú Hòa", 3, flag, not flag, "vtci_tablet" if day else "unknown", day, False,
                " le thi be ", "0123", commune, None if flag else 1961, "0912345678" if flag else None)

    core = [values("A1", True, dt.date(2021, 9, 30)), values("A2", False, None)]
    fast = [values("B1", True, dt.date(2021, 9, 30)), values("B2", False, None)]
    session.execute(insert(table).values(created_at=stamp, updated_at=stamp), [dict(zip(COLUMNS, v)) for v in core])
    RowInserter(session, table, COLUMNS, {"created_at": stamp, "updated_at": stamp})(fast)
    shown = ", ".join([c for c in COLUMNS if c != "code"] + ["created_at", "updated_at"])
    stored = {r[0]: r[1:] for r in raw(session, f"SELECT code, {shown} FROM households ORDER BY code")}
    assert stored["A1"] == stored["B1"] and stored["A2"] == stored["B2"]
    assert stored["A1"] != stored["A2"]

    audit = AuditEntry.__table__
    changes = {"head_name": [None, "Lê Thị Bé"], "members": [None, 3], "people": [None, [["An", "Con", 2010]]]}
    at = shared_value(audit.c.at, now, session.get_bind().dialect)
    session.execute(insert(audit).values(at=at), [{"action": "core", "entity_type": "household", "entity_id": 1,
                                                   "changes": changes, "note": None, "commune_id": commune}])
    RowInserter(session, audit, ("action", "entity_type", "entity_id", "changes", "note", "commune_id"), {"at": at})(
        [("fast", "household", 1, changes, None, commune)])
    rows = {r[0]: r[1:] for r in raw(session, "SELECT action, at, entity_type, entity_id, changes, note, commune_id "
                                              "FROM audit_entries")}
    assert rows["core"] == rows["fast"]
    assert session.scalars(select(AuditEntry.changes).where(AuditEntry.action == "fast")).one() == changes


def test_a_column_empty_in_every_row_is_stored_as_the_core_insert_stores_it(session):
    """A chunk whose column is None in every row goes as a literal NULL (a statement variant); a
    JSON column's None is the JSON text 'null' through Core, so it stays a parameter."""
    commune = default_commune_id(session)
    now = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc)
    table = Household.__table__
    stamp = shared_value(table.c.updated_at, now, session.get_bind().dialect)

    def values(code: str) -> tuple:  # head_birth_year, phone and prior_device_date empty in every row
        return (code, "Lê Thị Bé", "Ấp Phú Hòa", 3, False, False, "unknown", None, False, " le thi be ", "0123",
                commune, None, None)

    session.execute(insert(table).values(created_at=stamp, updated_at=stamp),
                    [dict(zip(COLUMNS, values(c))) for c in ("A1", "A2")])
    inserter = RowInserter(session, table, COLUMNS, {"created_at": stamp, "updated_at": stamp})
    inserter([values("B1"), values("B2")])
    # and a chunk where the same columns are filled in one row only: the statement with parameters
    inserter([values("C1"), values("C2")[:-2] + (1961, "0912345678")])
    # the variants are the tuple path's (SQLite's qmark driver); psycopg gets one dict per row
    # through Core, with no variant: the rows stored are compared on both databases below
    assert {frozenset(COLUMNS[i] for i in nulls) for nulls in inserter._variants} == ({
        frozenset(), frozenset({"prior_device_date", "head_birth_year", "phone"}), frozenset({"prior_device_date"})}
        if inserter.positional else set())
    assert inserter.positional == (session.get_bind().dialect.name == "sqlite")
    shown = ", ".join([c for c in COLUMNS if c != "code"])
    stored = {r[0]: r[1:] for r in raw(session, f"SELECT code, {shown} FROM households ORDER BY code")}
    assert stored["A1"] == stored["B1"] == stored["B2"] == stored["C1"]
    assert stored["C2"][-2:] == (1961, "0912345678")
    assert stored["B1"][COLUMNS.index("phone") - 1] is None

    audit = AuditEntry.__table__
    at = shared_value(audit.c.at, now, session.get_bind().dialect)
    session.execute(insert(audit).values(at=at), [{"action": "core", "entity_type": "x", "entity_id": None,
                                                   "changes": None, "note": None, "commune_id": commune}])
    RowInserter(session, audit, ("action", "entity_type", "entity_id", "changes", "note", "commune_id"), {"at": at})(
        [("fast", "x", None, None, None, commune)])
    rows = {r[0]: r[1:] for r in raw(session, "SELECT action, entity_id, changes, note FROM audit_entries "
                                              "WHERE entity_type = 'x'")}
    assert rows["core"] == rows["fast"]
