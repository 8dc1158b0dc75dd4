"""eligibility decisions carry their application's commune

A commune's tally reads the reasons of its not-eligible decisions of the period; without the
commune on the decision the query hashed the province's decisions of the period (bench/province.py:
the commune's tally cost 1.3× what it costs alone). The column repeats the application's commune,
filled from it here; new decisions take it from their application (models.scoping, and the bulk
check's rows). Index (commune_id, decided_at).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('eligibility_decisions', sa.Column('commune_id', sa.Integer(), nullable=True))
    op.execute("UPDATE eligibility_decisions SET commune_id = "
               "(SELECT a.commune_id FROM applications a WHERE a.id = eligibility_decisions.application_id)")
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        # The rebuild below copies the table; with foreign keys on, dropping the old copy would be
        # refused while nothing points at it only by luck: switch them off for it, check after.
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=OFF")
        op.execute("BEGIN IMMEDIATE")
    with op.batch_alter_table('eligibility_decisions', schema=None) as batch_op:
        batch_op.alter_column('commune_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('ix_eligibility_decisions_commune_decided', ['commune_id', 'decided_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_eligibility_decisions_commune_id_communes'), 'communes',
                                    ['commune_id'], ['id'])
    if bind.dialect.name == 'sqlite':
        broken = bind.execute(sa.text("PRAGMA foreign_key_check")).fetchall()
        if broken:
            raise RuntimeError(f"0008: foreign keys broken by the table rebuild: {broken[:5]}")
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=ON")
        op.execute("BEGIN IMMEDIATE")


def downgrade() -> None:
    with op.batch_alter_table('eligibility_decisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_eligibility_decisions_commune_id_communes'), type_='foreignkey')
        batch_op.drop_index('ix_eligibility_decisions_commune_decided')
        batch_op.drop_column('commune_id')
