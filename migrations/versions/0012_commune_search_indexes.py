"""search indexes led by the commune; the province's list order indexed

PostgreSQL: the trigram GIN indexes of 0010 become (commune_id, search_text) GIN indexes (the
``btree_gin`` extension, created here if missing, lets a GIN index hold the commune too). With the
trigram index alone, a commune's search was planned as the whole province's matches intersected
with the commune's rows: 130 ms at 1,000,000 households for «nguyen» in one commune (bench/scale.py),
growing with the instance; led by the commune the index reads the commune's entries only (0.7 ms).

Both databases: households (sort_key, id), the order of the province's household list (its
accounts see every commune, so no commune-led index serves it: 1.1 s at 1,000,000 households).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

SEARCHED = ("households", "receipts")


def _trgm_schema(bind) -> str:
    # the operator class lives in the extension's schema, which need not be on the search_path
    return bind.execute(sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")).scalar_one()


def upgrade() -> None:
    op.create_index('ix_households_sort_key', 'households', ['sort_key', 'id'])
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        schema = _trgm_schema(bind)
        for table in SEARCHED:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_trgm")
            op.execute(f'CREATE INDEX ix_{table}_commune_search_trgm ON {table} '
                       f'USING gin (commune_id, search_text "{schema}".gin_trgm_ops)')


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        schema = _trgm_schema(bind)
        for table in SEARCHED:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_commune_search_trgm")
            op.execute(f'CREATE INDEX ix_{table}_search_trgm ON {table} USING gin (search_text "{schema}".gin_trgm_ops)')
    op.drop_index('ix_households_sort_key', table_name='households')
