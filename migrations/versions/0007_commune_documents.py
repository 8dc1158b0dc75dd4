"""communes: everything a commune's documents print comes from its row

New columns of communes: signer_authority ("TM. ỦY BAN NHÂN DÂN"), signer_deputy ("KT. CHỦ TỊCH"),
abbreviation (the body's part of a ký hiệu, "UBND"), kind_codes ("list=DSHT;…" over the defaults),
recipients (the «Nơi nhận» of lists and reports, ";"-separated) and archive ("VT, VP-TK").

Data: the communes already there take today's configured values (COMMUNE_ABBREVIATION,
SIGNER_AUTHORITY, SIGNER_DEPUTY, SIGNER_TITLE and SIGNER_NAME where the commune has none,
DOC_KIND_CODES, DOC_RECIPIENTS, DOC_ARCHIVE: subsidy.config.document_defaults), so what they print
does not change; afterwards each commune's row is what its documents print.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

NEW = ('signer_authority', 'signer_deputy', 'abbreviation', 'kind_codes', 'recipients', 'archive')


def upgrade() -> None:
    from subsidy.config import document_defaults

    # Plain ADD COLUMN (with a default, so NOT NULL holds for the rows there): a batch rebuild of
    # communes on SQLite would drop a table every scoped table points at.
    op.add_column('communes', sa.Column('signer_authority', sa.String(length=120), server_default='', nullable=False))
    op.add_column('communes', sa.Column('signer_deputy', sa.String(length=120), server_default='', nullable=False))
    op.add_column('communes', sa.Column('abbreviation', sa.String(length=20), server_default='UBND', nullable=False))
    op.add_column('communes', sa.Column('kind_codes', sa.String(length=255), server_default='', nullable=False))
    op.add_column('communes', sa.Column('recipients', sa.Text(), server_default='', nullable=False))
    op.add_column('communes', sa.Column('archive', sa.String(length=120), server_default='VT, VP-TK', nullable=False))
    d = document_defaults()
    bind = op.get_bind()
    bind.execute(sa.text(
        "UPDATE communes SET signer_authority = :authority, signer_deputy = :deputy, abbreviation = :abbreviation, "
        "kind_codes = :kind_codes, recipients = :recipients, archive = :archive"),
        {k: d[k] for k in ('authority', 'deputy', 'abbreviation', 'kind_codes', 'recipients', 'archive')})
    bind.execute(sa.text("UPDATE communes SET signer_title = :t WHERE signer_title = ''"), {"t": d['title']})
    bind.execute(sa.text("UPDATE communes SET signer_name = :n WHERE signer_name = ''"), {"n": d['name']})


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+, PostgreSQL): no rebuild, for the same reason.
    for column in reversed(NEW):
        op.execute(f"ALTER TABLE communes DROP COLUMN {column}")
