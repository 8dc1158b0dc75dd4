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

from subsidy.sqlite_rebuild import foreign_keys_off, foreign_keys_on, search_triggers


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


def _rewrite(condition) -> None:
    bind = op.get_bind()
    foreign_keys_off(bind)
    for table in ("households", "household_statuses"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name_table, name, column, nullable, values in CHECKS:
                if name_table == table:
                    batch_op.drop_constraint(batch_op.f(name), type_='check')
                    batch_op.create_check_constraint(batch_op.f(name), condition(column, nullable, values))
    search_triggers(bind)
    foreign_keys_on(bind, "0017", "rebuild")


def upgrade() -> None:
    _rewrite(_or_condition)


def downgrade() -> None:
    _rewrite(_in_condition)
