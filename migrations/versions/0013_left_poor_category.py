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
            raise RuntimeError(f"0013 {step}: foreign keys broken by the table rebuild: {broken[:5]}")
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


def _recheck(categories: tuple[str, ...]) -> None:
    bind = op.get_bind()
    _fk_off(bind)
    for table, name, column, nullable, others in CHECKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(name), type_='check')
            batch_op.create_check_constraint(batch_op.f(name), _condition(column, nullable, (*categories, *others)))
    _search_triggers(bind)
    _fk_on(bind, "upgrade")


def upgrade() -> None:
    _recheck(("poor", "near_poor", "left_poor"))


def downgrade() -> None:
    bind = op.get_bind()
    for table, _name, column, _nullable, _others in CHECKS:
        if bind.execute(sa.text(f"SELECT 1 FROM {table} WHERE {column} = 'left_poor'")).first():
            raise RuntimeError(f"0013 downgrade: {table}.{column} holds left_poor; change those rows first.")
    _recheck(("poor", "near_poor"))
