"""proposal lists: numbered when submitted for approval; drafts can be cancelled

A list gets its document number when the clerk submits it to the approver (status ``submitted``),
so drafts that are given up (status ``cancelled``, kept with their removed entries) leave no gap in
the register. Existing lists keep their numbers; ``number`` becomes nullable (a draft has none),
and a check says that only a draft or a cancelled list may lack one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

import subsidy.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('proposal_lists', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_at', subsidy.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('submitted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_proposal_lists_submitted_by_id_users'), 'users',
                                    ['submitted_by_id'], ['id'])
        batch_op.alter_column('number', existing_type=sa.String(length=64), nullable=True)
        batch_op.drop_constraint(batch_op.f('ck_proposal_lists_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_proposal_lists_status'),
                                         "status IN ('draft','submitted','approved','cancelled')")
        batch_op.create_check_constraint(batch_op.f('ck_proposal_lists_numbered'),
                                         "status IN ('draft','cancelled') OR number IS NOT NULL")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM proposal_lists WHERE number IS NULL "
                            "OR status IN ('submitted','cancelled')")).scalar():
        raise RuntimeError("0004: lists without a number, submitted or cancelled exist; they cannot go back to "
                           "the old schema without a person deciding.")
    with op.batch_alter_table('proposal_lists', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_proposal_lists_numbered'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_proposal_lists_status'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_proposal_lists_status'), "status IN ('draft','approved')")
        batch_op.alter_column('number', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_proposal_lists_submitted_by_id_users'), type_='foreignkey')
        batch_op.drop_column('submitted_by_id')
        batch_op.drop_column('submitted_at')
