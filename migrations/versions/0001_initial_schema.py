"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import subsidy.db


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('receipt_counters',
    sa.Column('series', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('series', 'year', name=op.f('pk_receipt_counters'))
    )
    op.create_table('rule_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('legal_source', sa.String(length=255), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('eligible_categories', sa.JSON(), nullable=False),
    sa.Column('support_amount', sa.Integer(), nullable=False),
    sa.Column('cash_cutoff', sa.Date(), nullable=False),
    sa.Column('priority_order', sa.JSON(), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint('support_amount > 0', name=op.f('ck_rule_sets_support_amount')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_sets')),
    sa.UniqueConstraint('code', 'version', name=op.f('uq_rule_sets_code_version'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('locked_until', subsidy.db.UTCDateTime(), nullable=True),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('last_login_at', subsidy.db.UTCDateTime(), nullable=True),
    sa.CheckConstraint("role IN ('admin','clerk','approver','radio')", name=op.f('ck_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('allocated_on', sa.Date(), nullable=False),
    sa.Column('source_document', sa.String(length=255), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('voided_at', subsidy.db.UTCDateTime(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_allocations_quantity')),
    sa.CheckConstraint('voided_at IS NULL OR void_reason IS NOT NULL', name=op.f('ck_allocations_void_reason')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_allocations_created_by_id_users')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['users.id'], name=op.f('fk_allocations_voided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocations'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', subsidy.db.UTCDateTime(), nullable=True),
    sa.Column('last_used_at', subsidy.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_api_tokens_created_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_entries_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('households',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('head_name', sa.String(length=120), nullable=False),
    sa.Column('head_birth_year', sa.Integer(), nullable=True),
    sa.Column('head_gender', sa.String(length=1), nullable=True),
    sa.Column('citizen_id', sa.String(length=12), nullable=True),
    sa.Column('citizen_id_kind', sa.String(length=4), nullable=True),
    sa.Column('citizen_id_warning', sa.Text(), nullable=True),
    sa.Column('hamlet', sa.String(length=80), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=True),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=10), nullable=True),
    sa.Column('category', sa.String(length=10), nullable=True),
    sa.Column('list_year', sa.Integer(), nullable=True),
    sa.Column('decision_number', sa.String(length=64), nullable=True),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('meritorious', sa.Boolean(), nullable=False),
    sa.Column('social_policy', sa.Boolean(), nullable=False),
    sa.Column('prior_device', sa.String(length=20), nullable=False),
    sa.Column('prior_device_detail', sa.String(length=120), nullable=True),
    sa.Column('prior_device_date', sa.Date(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('sort_key', sa.String(length=600), nullable=False),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("category IS NULL OR category IN ('poor','near_poor')", name=op.f('ck_households_category')),
    sa.CheckConstraint("citizen_id_kind IS NULL OR citizen_id_kind IN ('cccd','cmnd')", name=op.f('ck_households_citizen_id_kind')),
    sa.CheckConstraint("head_gender IS NULL OR head_gender IN ('M','F')", name=op.f('ck_households_head_gender')),
    sa.CheckConstraint("prior_device IN ('unknown','none','vtci_tablet','learning_device')", name=op.f('ck_households_prior_device')),
    sa.CheckConstraint('head_birth_year IS NULL OR (head_birth_year BETWEEN 1880 AND 2100)', name=op.f('ck_households_head_birth_year')),
    sa.CheckConstraint('members >= 1', name=op.f('ck_households_members')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_households_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_households')),
    sa.UniqueConstraint('citizen_id', name=op.f('uq_households_citizen_id')),
    sa.UniqueConstraint('code', name=op.f('uq_households_code'))
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_households_hamlet'), ['hamlet'], unique=False)
        batch_op.create_index(batch_op.f('ix_households_sort_key'), ['sort_key'], unique=False)

    op.create_table('proposal_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decision_number', sa.String(length=64), nullable=True),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('approving_body', sa.String(length=255), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', subsidy.db.UTCDateTime(), nullable=True),
    sa.Column('created_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('draft','approved')", name=op.f('ck_proposal_lists_status')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_proposal_lists_approved_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_proposal_lists_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_lists')),
    sa.UniqueConstraint('number', name=op.f('uq_proposal_lists_number'))
    )
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=40), nullable=False),
    sa.Column('tracking_code', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('support_form', sa.String(length=10), nullable=False),
    sa.Column('purchase_date', sa.Date(), nullable=True),
    sa.Column('evidence_note', sa.Text(), nullable=True),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('state_changed_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('priority_tier', sa.Integer(), nullable=True),
    sa.Column('proposal_list_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("state IN ('received','eligible','not_eligible','proposed','approved','handed_over','paid','closed','withdrawn','refused')", name=op.f('ck_applications_state')),
    sa.CheckConstraint("support_form IN ('package','cash')", name=op.f('ck_applications_support_form')),
    sa.CheckConstraint('priority_tier IS NULL OR priority_tier BETWEEN 1 AND 4', name=op.f('ck_applications_priority_tier')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_applications_household_id_households')),
    sa.ForeignKeyConstraint(['proposal_list_id'], ['proposal_lists.id'], name=op.f('fk_applications_proposal_list_id_proposal_lists')),
    sa.ForeignKeyConstraint(['received_by_id'], ['users.id'], name=op.f('fk_applications_received_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('household_id', 'programme', name=op.f('uq_applications_household_id_programme')),
    sa.UniqueConstraint('tracking_code', name=op.f('uq_applications_tracking_code'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_proposal_list_id'), ['proposal_list_id'], unique=False)
        batch_op.create_index('ix_applications_state_rank', ['state', 'priority_tier', 'received_on', 'id'], unique=False)

    op.create_table('proposal_list_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_list_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('added_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('removed_at', subsidy.db.UTCDateTime(), nullable=True),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.Column('removal_reason', sa.Text(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('frozen_at', subsidy.db.UTCDateTime(), nullable=True),
    sa.Column('head_name', sa.String(length=120), nullable=True),
    sa.Column('head_birth_year', sa.Integer(), nullable=True),
    sa.Column('citizen_id', sa.String(length=12), nullable=True),
    sa.Column('phone', sa.String(length=10), nullable=True),
    sa.Column('hamlet', sa.String(length=80), nullable=True),
    sa.Column('category', sa.String(length=10), nullable=True),
    sa.Column('priority_tier', sa.Integer(), nullable=True),
    sa.Column('tier_label', sa.Text(), nullable=True),
    sa.Column('support_form', sa.String(length=10), nullable=True),
    sa.Column('purchase_date', sa.Date(), nullable=True),
    sa.Column('tracking_code', sa.String(length=16), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("(frozen_at IS NULL AND position IS NULL) OR (frozen_at IS NOT NULL AND position IS NOT NULL AND removed_at IS NULL AND head_name IS NOT NULL AND hamlet IS NOT NULL AND support_form IS NOT NULL AND tracking_code IS NOT NULL AND received_on IS NOT NULL)", name=op.f('ck_proposal_list_entries_frozen')),
    sa.CheckConstraint("(removed_at IS NULL AND removed_by_id IS NULL AND removal_reason IS NULL) OR (removed_at IS NOT NULL AND removal_reason IS NOT NULL)", name=op.f('ck_proposal_list_entries_removal')),
    sa.CheckConstraint("category IS NULL OR category IN ('poor','near_poor')", name=op.f('ck_proposal_list_entries_category')),
    sa.CheckConstraint("support_form IS NULL OR support_form IN ('package','cash')", name=op.f('ck_proposal_list_entries_support_form')),
    sa.CheckConstraint('position IS NULL OR position >= 1', name=op.f('ck_proposal_list_entries_position')),
    sa.CheckConstraint('priority_tier IS NULL OR priority_tier BETWEEN 1 AND 4', name=op.f('ck_proposal_list_entries_priority_tier')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_proposal_list_entries_added_by_id_users')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_proposal_list_entries_application_id_applications')),
    sa.ForeignKeyConstraint(['proposal_list_id'], ['proposal_lists.id'], name=op.f('fk_proposal_list_entries_proposal_list_id_proposal_lists')),
    sa.ForeignKeyConstraint(['removed_by_id'], ['users.id'], name=op.f('fk_proposal_list_entries_removed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_list_entries')),
    sa.UniqueConstraint('proposal_list_id', 'position', name=op.f('uq_proposal_list_entries_proposal_list_id_position'))
    )
    with op.batch_alter_table('proposal_list_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_list_entries_application_id'), ['application_id'], unique=False)
        batch_op.create_index('uq_proposal_list_entries_live', ['proposal_list_id', 'application_id'], unique=True, sqlite_where=sa.text('removed_at IS NULL'), postgresql_where=sa.text('removed_at IS NULL'))

    op.create_table('application_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_application_events_actor_id_users')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_events_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_events'))
    )
    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.create_index('ix_application_events_application_at', ['application_id', 'at', 'id'], unique=False)
        batch_op.create_index('ix_application_events_to_state_at', ['to_state', 'at'], unique=False)

    op.create_table('cash_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('purchase_date', sa.Date(), nullable=False),
    sa.Column('recipient_name', sa.String(length=120), nullable=False),
    sa.Column('recipient_citizen_id', sa.String(length=12), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('created_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('voided_at', subsidy.db.UTCDateTime(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_cash_payments_amount')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_cash_payments_application_id_applications')),
    sa.ForeignKeyConstraint(['staff_id'], ['users.id'], name=op.f('fk_cash_payments_staff_id_users')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['users.id'], name=op.f('fk_cash_payments_voided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_payments'))
    )
    with op.batch_alter_table('cash_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cash_payments_application_id'), ['application_id'], unique=False)
        batch_op.create_index('uq_cash_payments_live_application', ['application_id'], unique=True, sqlite_where=sa.text('voided_at IS NULL'), postgresql_where=sa.text('voided_at IS NULL'))

    op.create_table('eligibility_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('rule_set_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('priority_tier', sa.Integer(), nullable=True),
    sa.Column('failed_rules', sa.JSON(), nullable=False),
    sa.Column('results', sa.JSON(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("outcome IN ('eligible','not_eligible','undecided')", name=op.f('ck_eligibility_decisions_outcome')),
    sa.CheckConstraint('priority_tier IS NULL OR priority_tier BETWEEN 1 AND 4', name=op.f('ck_eligibility_decisions_priority_tier')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_eligibility_decisions_application_id_applications')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_eligibility_decisions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['rule_set_id'], ['rule_sets.id'], name=op.f('fk_eligibility_decisions_rule_set_id_rule_sets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eligibility_decisions'))
    )
    with op.batch_alter_table('eligibility_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_eligibility_decisions_application_decided', ['application_id', 'decided_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_eligibility_decisions_decided_at'), ['decided_at'], unique=False)

    op.create_table('handovers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('phone_make', sa.String(length=80), nullable=False),
    sa.Column('phone_model', sa.String(length=80), nullable=False),
    sa.Column('imei', sa.String(length=15), nullable=False),
    sa.Column('imei2', sa.String(length=15), nullable=True),
    sa.Column('telecom', sa.String(length=40), nullable=False),
    sa.Column('subscriber_number', sa.String(length=10), nullable=False),
    sa.Column('handed_on', sa.Date(), nullable=False),
    sa.Column('recipient_name', sa.String(length=120), nullable=False),
    sa.Column('recipient_citizen_id', sa.String(length=12), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('created_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('voided_at', subsidy.db.UTCDateTime(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_handovers_application_id_applications')),
    sa.ForeignKeyConstraint(['staff_id'], ['users.id'], name=op.f('fk_handovers_staff_id_users')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['users.id'], name=op.f('fk_handovers_voided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handovers'))
    )
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handovers_application_id'), ['application_id'], unique=False)
        batch_op.create_index('uq_handovers_live_application', ['application_id'], unique=True, sqlite_where=sa.text('voided_at IS NULL'), postgresql_where=sa.text('voided_at IS NULL'))

    op.create_table('handover_imeis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handover_id', sa.Integer(), nullable=False),
    sa.Column('imei', sa.String(length=15), nullable=False),
    sa.Column('live', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['handover_id'], ['handovers.id'], name=op.f('fk_handover_imeis_handover_id_handovers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_imeis'))
    )
    with op.batch_alter_table('handover_imeis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_imeis_handover_id'), ['handover_id'], unique=False)
        batch_op.create_index('uq_handover_imeis_live_imei', ['imei'], unique=True, sqlite_where=sa.text('live'), postgresql_where=sa.text('live'))

    op.create_table('receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('handover_id', sa.Integer(), nullable=True),
    sa.Column('cash_payment_id', sa.Integer(), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('issued_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('print_count', sa.Integer(), nullable=False),
    sa.Column('voided_at', subsidy.db.UTCDateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('handover','cash')", name=op.f('ck_receipts_kind')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_receipts_number')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_receipts_application_id_applications')),
    sa.ForeignKeyConstraint(['cash_payment_id'], ['cash_payments.id'], name=op.f('fk_receipts_cash_payment_id_cash_payments')),
    sa.ForeignKeyConstraint(['handover_id'], ['handovers.id'], name=op.f('fk_receipts_handover_id_handovers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipts')),
    sa.UniqueConstraint('series', 'year', 'number', name=op.f('uq_receipts_series_year_number'))
    )
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipts_application_id'), ['application_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipts_application_id'))

    op.drop_table('receipts')
    with op.batch_alter_table('handover_imeis', schema=None) as batch_op:
        batch_op.drop_index('uq_handover_imeis_live_imei', sqlite_where=sa.text('live'), postgresql_where=sa.text('live'))
        batch_op.drop_index(batch_op.f('ix_handover_imeis_handover_id'))

    op.drop_table('handover_imeis')
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.drop_index('uq_handovers_live_application', sqlite_where=sa.text('voided_at IS NULL'), postgresql_where=sa.text('voided_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_handovers_application_id'))

    op.drop_table('handovers')
    with op.batch_alter_table('eligibility_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eligibility_decisions_decided_at'))
        batch_op.drop_index('ix_eligibility_decisions_application_decided')

    op.drop_table('eligibility_decisions')
    with op.batch_alter_table('cash_payments', schema=None) as batch_op:
        batch_op.drop_index('uq_cash_payments_live_application', sqlite_where=sa.text('voided_at IS NULL'), postgresql_where=sa.text('voided_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_cash_payments_application_id'))

    op.drop_table('cash_payments')
    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.drop_index('ix_application_events_to_state_at')
        batch_op.drop_index('ix_application_events_application_at')

    op.drop_table('application_events')
    with op.batch_alter_table('proposal_list_entries', schema=None) as batch_op:
        batch_op.drop_index('uq_proposal_list_entries_live', sqlite_where=sa.text('removed_at IS NULL'), postgresql_where=sa.text('removed_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_proposal_list_entries_application_id'))

    op.drop_table('proposal_list_entries')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_state_rank')
        batch_op.drop_index(batch_op.f('ix_applications_proposal_list_id'))

    op.drop_table('applications')
    op.drop_table('proposal_lists')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_households_sort_key'))
        batch_op.drop_index(batch_op.f('ix_households_hamlet'))

    op.drop_table('households')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_entity')
        batch_op.drop_index(batch_op.f('ix_audit_entries_at'))

    op.drop_table('audit_entries')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('allocations')
    op.drop_table('users')
    op.drop_table('rule_sets')
    op.drop_table('receipt_counters')
