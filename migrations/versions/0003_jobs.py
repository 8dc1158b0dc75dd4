"""background jobs: their progress and outcome in the database

Long work started from the UI (a bulk eligibility check) runs on the job worker (subsidy/jobs,
Huey); its progress and summary are kept here so every web worker shows the same figures.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

import subsidy.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', subsidy.db.UTCDateTime(), nullable=False),
        sa.Column('started_at', subsidy.db.UTCDateTime(), nullable=True),
        sa.Column('finished_at', subsidy.db.UTCDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('queued','running','done','failed')", name=op.f('ck_jobs_status')),
        sa.CheckConstraint('total >= 0 AND done >= 0 AND done <= total', name=op.f('ck_jobs_progress')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_jobs_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    )
    op.create_index('ix_jobs_status_created', 'jobs', ['status', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_jobs_status_created', table_name='jobs')
    op.drop_table('jobs')
