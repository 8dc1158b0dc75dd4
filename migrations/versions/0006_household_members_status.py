"""household members and the poverty status per year

New tables: household_members (the people of a per-person review list: name, relation, birth
date or year, sex, personal ID unique across the instance like a head's) and household_statuses
(one record per household per year: poor, near_poor or not_listed, with the recognising
decision, how it was recorded and, for not_listed, the reason E1 quotes).

Data: every household with a list year and a category gets the status record of that year
(source ``migration``, its decision number and date copied), so a past eligibility check keeps
the status it used when a later year's list arrives. households.category / list_year stay as
the latest list the household is on.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa
import subsidy.db


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('household_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('relation', sa.String(length=40), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('gender', sa.String(length=1), nullable=True),
    sa.Column('citizen_id', sa.String(length=12), nullable=True),
    sa.Column('citizen_id_kind', sa.String(length=4), nullable=True),
    sa.Column('citizen_id_warning', sa.Text(), nullable=True),
    sa.Column('created_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("birth_year IS NULL OR (birth_year BETWEEN 1880 AND 2100)", name=op.f('ck_household_members_birth_year')),
    sa.CheckConstraint("citizen_id_kind IS NULL OR citizen_id_kind IN ('cccd','cmnd')", name=op.f('ck_household_members_citizen_id_kind')),
    sa.CheckConstraint("gender IS NULL OR gender IN ('M','F')", name=op.f('ck_household_members_gender')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_members_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_members')),
    sa.UniqueConstraint('citizen_id', name=op.f('uq_household_members_citizen_id')),
    sa.UniqueConstraint('household_id', 'position', name=op.f('uq_household_members_household_id_position'))
    )
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_members_household_id'), ['household_id'], unique=False)

    op.create_table('household_statuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decision_number', sa.String(length=64), nullable=True),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("source IN ('migration','import','form','left_sheet','replaced')", name=op.f('ck_household_statuses_source')),
    sa.CheckConstraint("status IN ('poor','near_poor','not_listed')", name=op.f('ck_household_statuses_status')),
    sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_household_statuses_year')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_statuses_household_id_households')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_household_statuses_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_statuses')),
    sa.UniqueConstraint('household_id', 'year', name=op.f('uq_household_statuses_household_id_year'))
    )
    with op.batch_alter_table('household_statuses', schema=None) as batch_op:
        batch_op.create_index('ix_household_statuses_year_status', ['year', 'status'], unique=False)

    # Today's single list year becomes the status record of that year.
    op.execute(
        "INSERT INTO household_statuses (household_id, year, status, decision_number, decision_date, source, "
        "recorded_at) SELECT id, list_year, category, decision_number, decision_date, 'migration', updated_at "
        "FROM households WHERE list_year IS NOT NULL AND category IS NOT NULL "
        "AND list_year BETWEEN 2000 AND 2100"
    )


def downgrade() -> None:
    with op.batch_alter_table('household_statuses', schema=None) as batch_op:
        batch_op.drop_index('ix_household_statuses_year_status')
    op.drop_table('household_statuses')
    with op.batch_alter_table('household_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_members_household_id'))
    op.drop_table('household_members')
