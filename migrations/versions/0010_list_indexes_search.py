"""list sort indexes and trigram search indexes

Every order a long list offers has an index starting with the commune (the application queue
newest first, with or without its state; the receipts newest first), so a page reads its rows in
order from the commune's part of the index (keyset pagination: services.pagination.keyset).

Search on the folded ``search_text`` of households and receipts uses an index:
* PostgreSQL: the ``pg_trgm`` extension (created here if missing) and a GIN trigram index on each
  column; the searches' ``LIKE '%…%'`` use it as they are.
* SQLite: an FTS5 ``trigram`` table per column (external content: the rows stay in their table),
  filled from the rows on file and kept in step by triggers on every write, whichever code writes
  (models/search_index.py; the searches add its MATCH as a prefilter).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

SEARCHED = ("households", "receipts")


def upgrade() -> None:
    op.create_index('ix_applications_commune_received', 'applications', ['commune_id', 'received_on', 'id'])
    op.create_index('ix_applications_commune_state_received', 'applications',
                    ['commune_id', 'state', 'received_on', 'id'])
    op.create_index('ix_receipts_commune_issued', 'receipts', ['commune_id', 'issued_at', 'id'])
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # the operator class lives in the extension's schema, which need not be on the search_path
        schema = bind.execute(sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                      "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")).scalar_one()
        for table in SEARCHED:
            op.execute(f'CREATE INDEX ix_{table}_search_trgm ON {table} '
                       f'USING gin (search_text "{schema}".gin_trgm_ops)')
    elif bind.dialect.name == 'sqlite':
        for table in SEARCHED:
            fts = f"{table}_fts"
            op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', "
                       f"content_rowid='id', tokenize='trigram')")
            op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
                       f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END")
            op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
                       f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END")
            op.execute(f"CREATE TRIGGER {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN "
                       f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
                       f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END")
            op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        for table in SEARCHED:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_trgm")
    elif bind.dialect.name == 'sqlite':
        for table in SEARCHED:
            fts = f"{table}_fts"
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
    op.drop_index('ix_receipts_commune_issued', table_name='receipts')
    op.drop_index('ix_applications_commune_state_received', table_name='applications')
    op.drop_index('ix_applications_commune_received', table_name='applications')
