"""searches served by indexes alone: households.code; PostgreSQL: the households' key behind a
space, the applications' tracking code

Both databases: households (code), so a search for an exact household code (the queue, the API:
``code = …`` beside the name words and the CCCD in one OR) is one arm of a BitmapOr instead of a
scan of every household (the unique (commune_id, code) index serves one commune only).

PostgreSQL: the households' GIN index becomes (commune_id, ``' ' || search_text``), the expression
the searches write (models.search_index.spaced): a word that starts a name word is one
``LIKE '% word%'`` on it, one scan of the index, where ``search_text LIKE '% word%' OR search_text
LIKE 'word%'`` read the same trigrams twice per word and combined the bitmaps (a two-word name
across 1,000,500 households: 280 → 70 ms). And a GIN index of the trigrams of
``applications.tracking_code``, for the part of a code typed in the queue's search.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def _trgm_schema(bind) -> str:
    # the operator class lives in the extension's schema, which need not be on the search_path
    return bind.execute(sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")).scalar_one()


def upgrade() -> None:
    op.create_index('ix_households_code', 'households', ['code'])
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        schema = _trgm_schema(bind)
        op.execute("DROP INDEX IF EXISTS ix_households_commune_search_trgm")
        op.execute(f"CREATE INDEX ix_households_commune_spaced_trgm ON households "
                   f"USING gin (commune_id, (' ' || search_text) \"{schema}\".gin_trgm_ops)")
        op.execute(f'CREATE INDEX ix_applications_tracking_trgm ON applications '
                   f'USING gin (tracking_code "{schema}".gin_trgm_ops)')


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        schema = _trgm_schema(bind)
        op.execute("DROP INDEX IF EXISTS ix_applications_tracking_trgm")
        op.execute("DROP INDEX IF EXISTS ix_households_commune_spaced_trgm")
        op.execute(f'CREATE INDEX ix_households_commune_search_trgm ON households '
                   f'USING gin (commune_id, search_text "{schema}".gin_trgm_ops)')
    op.drop_index('ix_households_code', table_name='households')
