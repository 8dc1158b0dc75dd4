"""«Hộ mới thoát nghèo» (left_poor) as a household category the database accepts

So that a rule set may make households that left poverty at the year's review eligible
(``eligible_categories``) with no code change (domain.md §1): the CHECK constraints of
households.category, proposal_list_entries.category (a list's frozen rows) and
household_statuses.status admit ``left_poor`` beside poor and near_poor. Nothing is rewritten;
Thông tư 14/2022/TT-BTTTT still names only poor and near_poor. The downgrade is refused while a
row holds left_poor.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

from subsidy.sqlite_rebuild import foreign_keys_off, foreign_keys_on, search_triggers


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# (table, constraint, column, nullable, the other values the column holds)
CHECKS = (
    ("households", "ck_households_category", "category", True, ()),
    ("proposal_list_entries", "ck_proposal_list_entries_category", "category", True, ()),
    ("household_statuses", "ck_household_statuses_status", "status", False, ("not_listed",)),
)


def _condition(column: str, nullable: bool, values: tuple[str, ...]) -> str:
    listed = ",".join(f"'{v}'" for v in values)
    return f"{column} IS NULL OR {column} IN ({listed})" if nullable else f"{column} IN ({listed})"


def _recheck(categories: tuple[str, ...]) -> None:
    bind = op.get_bind()
    foreign_keys_off(bind)
    for table, name, column, nullable, others in CHECKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(name), type_='check')
            batch_op.create_check_constraint(batch_op.f(name), _condition(column, nullable, (*categories, *others)))
    search_triggers(bind)
    foreign_keys_on(bind, "0013", "upgrade")


def upgrade() -> None:
    _recheck(("poor", "near_poor", "left_poor"))


def downgrade() -> None:
    bind = op.get_bind()
    for table, _name, column, _nullable, _others in CHECKS:
        if bind.execute(sa.text(f"SELECT 1 FROM {table} WHERE {column} = 'left_poor'")).first():
            raise RuntimeError(f"0013 downgrade: {table}.{column} holds left_poor; change those rows first.")
    _recheck(("poor", "near_poor"))
