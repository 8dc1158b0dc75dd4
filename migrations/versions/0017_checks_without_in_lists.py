"""The CHECK constraints of households and their year's statuses as OR-ed equalities

SQLite checks ``column IN ('a','b','c')`` (a constant list of three values or more) by building a
temporary index of the list at every run of the INSERT or UPDATE statement that checks it: once
per row of an executemany. The list import writes four such constraints per household
(households.category and prior_device; household_statuses.status and source): about 2 µs a row
each, a twentieth of the import. Written as ``column = 'a' OR column = 'b' …``
(subsidy.db.one_of) they cost nothing like it; the values and the meaning are the same on both
databases (a NULL passes a CHECK either way), so no row is touched. SQLite rebuilds both tables
(as 0013 did: foreign keys off for the rebuild and checked after it; the search index's
triggers, which the rebuild drops, put back and the index rebuilt). The downgrade writes the IN
lists back.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# (table, constraint, column, nullable, values): the values as 0013 left them.
CHECKS = (
    ("households", "ck_households_category", "category", True, ("poor", "near_poor", "left_poor")),
    ("households", "ck_households_prior_device", "prior_device", False,
     ("unknown", "none", "vtci_tablet", "learning_device")),
    ("household_statuses", "ck_household_statuses_status", "status", False,
     ("poor", "near_poor", "left_poor", "not_listed")),
    ("household_statuses", "ck_household_statuses_source", "source", False,
     ("migration", "import", "form", "left_sheet", "replaced")),
)


def _or_condition(column: str, nullable: bool, values: tuple[str, ...]) -> str:
    condition = " OR ".join(f"{column} = '{v}'" for v in values)
    return f"{column} IS NULL OR {condition}" if nullable else condition


def _in_condition(column: str, nullable: bool, values: tuple[str, ...]) -> str:
    listed = ",".join(f"'{v}'" for v in values)
    return f"{column} IS NULL OR {column} IN ({listed})" if nullable else f"{column} IN ({listed})"


def _fk_off(bind) -> None:
    # SQLite rebuilds each table in batch mode: households is referenced by many tables
    if bind.dialect.name == 'sqlite':
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=OFF")
        op.execute("BEGIN IMMEDIATE")


def _fk_on(bind, step: str) -> None:
    if bind.dialect.name == 'sqlite':
        broken = bind.execute(sa.text("PRAGMA foreign_key_check")).fetchall()
        if broken:
            raise RuntimeError(f"0017 {step}: foreign keys broken by the table rebuild: {broken[:5]}")
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=ON")
        op.execute("BEGIN IMMEDIATE")


def _search_triggers(bind) -> None:
    """SQLite's rebuild of households drops the triggers that keep its search index (0010,
    households_fts) in step: put them back as 0010 made them, and rebuild the index."""
    if bind.dialect.name != 'sqlite' or not bind.execute(
            sa.text("SELECT 1 FROM sqlite_master WHERE name = 'households_fts'")).first():
        return
    table, fts = "households", "households_fts"
    op.execute(f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
               f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END")
    op.execute(f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END")
    op.execute(f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
               f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END")
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _rewrite(condition) -> None:
    bind = op.get_bind()
    _fk_off(bind)
    for table in ("households", "household_statuses"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name_table, name, column, nullable, values in CHECKS:
                if name_table == table:
                    batch_op.drop_constraint(batch_op.f(name), type_='check')
                    batch_op.create_check_constraint(batch_op.f(name), condition(column, nullable, values))
    _search_triggers(bind)
    _fk_on(bind, "rebuild")


def upgrade() -> None:
    _rewrite(_or_condition)


def downgrade() -> None:
    _rewrite(_in_condition)
