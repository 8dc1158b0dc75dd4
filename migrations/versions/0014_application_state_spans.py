"""each application's state through time as spans (application_state_spans), filled from the history

The tally and the annual report read the state of every application at a period's end; from the
events alone that is a window over every event of every application at each report (at 150,000
households, 415,000 events, 35–45 % of the province's report). One row per event: the state it
entered, held from its instant until the application's next event (NULL: still held), kept in
step by the write path that moves applications (subsidy/models/state_spans.py). This migration
fills the rows for the existing history with the very statement the model's rebuild runs
(written out here so that this migration does not change when the model does).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

import subsidy.db


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'application_state_spans',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('since', subsidy.db.UTCDateTime(), nullable=False),
        sa.Column('until', subsidy.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_application_state_spans_application_id_applications')),
        sa.ForeignKeyConstraint(['event_id'], ['application_events.id'], ondelete='CASCADE',
                                name=op.f('fk_application_state_spans_event_id_application_events')),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_application_state_spans')),
    )
    with op.batch_alter_table('application_state_spans', schema=None) as batch_op:
        batch_op.create_index('ix_application_state_spans_application_since', ['application_id', 'since'],
                              unique=False)
    op.execute(
        "INSERT INTO application_state_spans (event_id, application_id, state, since, until) "
        "SELECT id, application_id, to_state, at, "
        "LEAD(at) OVER (PARTITION BY application_id ORDER BY at, id) FROM application_events")


def downgrade() -> None:
    with op.batch_alter_table('application_state_spans', schema=None) as batch_op:
        batch_op.drop_index('ix_application_state_spans_application_since')
    op.drop_table('application_state_spans')
