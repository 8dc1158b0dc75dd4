"""the register of complaints, petitions and denunciations, and their state history

New tables only (no existing data to move): ``complaints`` (commune-scoped, numbered per
commune; the enumerations of domain/complaints as CHECK constraints, written out here so this
migration does not change when the domain's lists do) and ``complaint_events``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa
import subsidy.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('case_number', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('receipt_id', sa.Integer(), nullable=True),
    sa.Column('filer', sa.String(length=16), nullable=False),
    sa.Column('filer_name', sa.String(length=120), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('attachments_note', sa.Text(), nullable=True),
    sa.Column('contested_on', sa.Date(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('complex_case', sa.Boolean(), nullable=False),
    sa.Column('remote', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('state_changed_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('refusal_reason', sa.String(length=20), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=True),
    sa.Column('named_user_id', sa.Integer(), nullable=True),
    sa.Column('appeal_of_id', sa.Integer(), nullable=True),
    sa.Column('correction_decision_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("appeal_of_id IS NULL OR kind = 'complaint'", name=op.f('ck_complaints_appeal_kind')),
    sa.CheckConstraint("category IN ('eligibility','priority','quota','handover','cash','staff_conduct','other')", name=op.f('ck_complaints_category')),
    sa.CheckConstraint("channel IN ('in_person','letter','phone','radio_hotline')", name=op.f('ck_complaints_channel')),
    sa.CheckConstraint("filer IN ('head','member','representative','anonymous')", name=op.f('ck_complaints_filer')),
    sa.CheckConstraint("household_id IS NOT NULL OR filer = 'anonymous'", name=op.f('ck_complaints_household')),
    sa.CheckConstraint("kind IN ('complaint','petition','denunciation')", name=op.f('ck_complaints_kind')),
    sa.CheckConstraint("level IN ('commune','province','ministry')", name=op.f('ck_complaints_level')),
    sa.CheckConstraint("named_user_id IS NULL OR kind = 'denunciation'", name=op.f('ck_complaints_named_user')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('upheld','partly_upheld','rejected','withdrawn','transferred','answered','not_accepted')", name=op.f('ck_complaints_outcome')),
    sa.CheckConstraint("refusal_reason IS NULL OR refusal_reason IN ('not_administrative','no_interest','no_capacity','no_authority','out_of_time','already_decided','in_court','withdrawn_before','other_reason')", name=op.f('ck_complaints_refusal_reason')),
    sa.CheckConstraint("state IN ('received','accepted','refused','in_review','decided','appealed','forwarded','filed','closed')", name=op.f('ck_complaints_state')),
    sa.CheckConstraint('accepted_on IS NULL OR accepted_on >= received_on', name=op.f('ck_complaints_accepted_after_received')),
    sa.CheckConstraint('decided_on IS NULL OR decided_on >= received_on', name=op.f('ck_complaints_decided_after_received')),
    sa.ForeignKeyConstraint(['appeal_of_id'], ['complaints.id'], name=op.f('fk_complaints_appeal_of_id_complaints')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_complaints_application_id_applications')),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], name=op.f('fk_complaints_commune_id_communes')),
    sa.ForeignKeyConstraint(['correction_decision_id'], ['eligibility_decisions.id'], name=op.f('fk_complaints_correction_decision_id_eligibility_decisions')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_complaints_household_id_households')),
    sa.ForeignKeyConstraint(['named_user_id'], ['users.id'], name=op.f('fk_complaints_named_user_id_users')),
    sa.ForeignKeyConstraint(['receipt_id'], ['receipts.id'], name=op.f('fk_complaints_receipt_id_receipts')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_complaints_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('appeal_of_id', name=op.f('uq_complaints_appeal_of_id')),
    sa.UniqueConstraint('commune_id', 'case_number', name=op.f('uq_complaints_commune_id_case_number'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_complaints_commune_received', ['commune_id', 'received_on'], unique=False)
        batch_op.create_index('ix_complaints_commune_state_received', ['commune_id', 'state', 'received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_household_id'), ['household_id'], unique=False)

    op.create_table('complaint_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=12), nullable=True),
    sa.Column('to_state', sa.String(length=12), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint("from_state IS NULL OR from_state IN ('received','accepted','refused','in_review','decided','appealed','forwarded','filed','closed')", name=op.f('ck_complaint_events_from_state')),
    sa.CheckConstraint("to_state IN ('received','accepted','refused','in_review','decided','appealed','forwarded','filed','closed')", name=op.f('ck_complaint_events_to_state')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_complaint_events_actor_id_users')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_events_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_events'))
    )
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_events_complaint_at', ['complaint_id', 'at', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_events_complaint_at')

    op.drop_table('complaint_events')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_household_id'))
        batch_op.drop_index('ix_complaints_commune_state_received')
        batch_op.drop_index('ix_complaints_commune_received')
        batch_op.drop_index(batch_op.f('ix_complaints_application_id'))

    op.drop_table('complaints')
