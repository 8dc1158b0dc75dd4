"""communes: every row belongs to a commune (one instance for a whole province)

New tables: communes, hamlets, instance_settings, province_allocations. commune_id on households,
applications, allocations (+ province_allocation_id), proposal_lists, receipts, receipt_counters
(now keyed by commune, series, year), handovers and cash_payments (they repeat their
application's commune so the commune's tally and pages seek by it), audit_entries (nullable:
instance-level actions have none) and users (NULL for admin and the province's roles; a check ties
the role to the presence of a commune). Numbering becomes per commune: receipt (commune, series,
year, number), proposal list (commune, number), household code (commune, code). A CCCD stays
unique across the instance (domain.md §10). The list, queue and tally indexes start with
commune_id.

Data: a database holding anything (households, applications, lists, receipts, allocations or
commune staff) gets one commune made from the environment defaults (COMMUNE_CODE, COMMUNE_NAME,
COMMUNE_BODY, COMMUNE_BODY_UPPER, COMMUNE_PLACE, COMMUNE_PROVINCE, COMMUNE_SIGNER_*, HAMLETS,
as subsidy.config.commune_defaults reads them) and every row is put in it; receipt numbers and
counters are kept as they are. An empty database gets no commune: the first command or page that
needs one makes it.

On SQLite the tables are rebuilt (batch mode) with foreign key enforcement off for the rebuild
(dropping the old copy of a table others point at would fail otherwise); every foreign key is
checked before the end.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa
import subsidy.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

#: Tables whose every row belongs to one commune (NOT NULL after the data moves).
SCOPED = ('households', 'applications', 'allocations', 'proposal_lists', 'receipts', 'receipt_counters',
          'handovers', 'cash_payments')
COMMUNE_ROLES_SQL = "('clerk','approver','radio')"


def _fk_off(bind) -> None:
    if bind.dialect.name == 'sqlite':
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=OFF")
        op.execute("BEGIN IMMEDIATE")


def _fk_on(bind, step: str) -> None:
    if bind.dialect.name == 'sqlite':
        broken = bind.execute(sa.text("PRAGMA foreign_key_check")).fetchall()
        if broken:
            raise RuntimeError(f"0005 {step}: foreign keys broken by the table rebuild: {broken[:5]}")
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=ON")
        op.execute("BEGIN IMMEDIATE")


def _first_commune(bind) -> int | None:
    """Make the commune the existing data belongs to, from the environment defaults; None when
    the database holds nothing that needs one."""
    from subsidy.config import commune_defaults

    has_data = any(bind.execute(sa.text(f"SELECT 1 FROM {t} LIMIT 1")).first() for t in SCOPED) or \
        bind.execute(sa.text(f"SELECT 1 FROM users WHERE role IN {COMMUNE_ROLES_SQL} LIMIT 1")).first()
    if not has_data:
        return None
    d = commune_defaults()
    communes = sa.table('communes', *(sa.column(c) for c in (
        'id', 'code', 'name', 'issuing_body', 'issuing_body_parent', 'place_name', 'province', 'signer_title',
        'signer_name', 'approval_level', 'active', 'created_at')))
    import datetime as dt
    bind.execute(communes.insert().values(
        code=d['code'], name=d['name'], issuing_body=d['issuing_body'], issuing_body_parent=d['issuing_body_parent'],
        place_name=d['place_name'], province=d['province'], signer_title=d['signer_title'],
        signer_name=d['signer_name'], approval_level='commune', active=True,
        created_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)))
    commune_id = bind.execute(sa.text("SELECT id FROM communes WHERE code = :c"), {"c": d['code']}).scalar_one()
    hamlets = sa.table('hamlets', sa.column('commune_id'), sa.column('name'), sa.column('position'), sa.column('active'))
    names = list(dict.fromkeys(d['hamlets']))
    # Hamlets found on file but not configured join the list after the configured ones.
    for (name,) in bind.execute(sa.text("SELECT DISTINCT hamlet FROM households ORDER BY hamlet")):
        if name and name not in names:
            names.append(name)
    for position, name in enumerate(names, start=1):
        bind.execute(hamlets.insert().values(commune_id=commune_id, name=name, position=position, active=True))
    return commune_id


def upgrade() -> None:
    op.create_table('communes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('issuing_body', sa.String(length=255), nullable=False),
    sa.Column('issuing_body_parent', sa.String(length=255), nullable=False),
    sa.Column('place_name', sa.String(length=120), nullable=False),
    sa.Column('province', sa.String(length=120), nullable=False),
    sa.Column('signer_title', sa.String(length=120), nullable=False),
    sa.Column('signer_name', sa.String(length=120), nullable=False),
    sa.Column('approval_level', sa.String(length=10), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("approval_level IN ('commune','province')", name=op.f('ck_communes_approval_level')),
    sa.CheckConstraint('length(code) >= 1', name=op.f('ck_communes_code')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_communes')),
    sa.UniqueConstraint('code', name=op.f('uq_communes_code'))
    )
    op.create_table('instance_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_instance_settings'))
    )
    op.create_table('hamlets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], name=op.f('fk_hamlets_commune_id_communes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hamlets')),
    sa.UniqueConstraint('commune_id', 'name', name=op.f('uq_hamlets_commune_id_name'))
    )
    op.create_table('province_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('source_document', sa.String(length=255), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', subsidy.db.UTCDateTime(), nullable=False),
    sa.Column('voided_at', subsidy.db.UTCDateTime(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_province_allocations_quantity')),
    sa.CheckConstraint('voided_at IS NULL OR void_reason IS NOT NULL', name=op.f('ck_province_allocations_void_reason')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_province_allocations_created_by_id_users')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['users.id'], name=op.f('fk_province_allocations_voided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_province_allocations'))
    )
    bind = op.get_bind()
    commune_id = _first_commune(bind)
    for table in SCOPED + ('audit_entries', 'users'):
        op.add_column(table, sa.Column('commune_id', sa.Integer(), nullable=True))
    if commune_id is not None:
        for table in SCOPED + ('audit_entries',):
            op.execute(f"UPDATE {table} SET commune_id = {int(commune_id)}")
        op.execute(f"UPDATE users SET commune_id = {int(commune_id)} WHERE role IN {COMMUNE_ROLES_SQL}")
    op.add_column('allocations', sa.Column('province_allocation_id', sa.Integer(), nullable=True))

    _fk_off(bind)
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.alter_column('commune_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('ix_allocations_commune_allocated_on', ['commune_id', 'allocated_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocations_province_allocation_id'), ['province_allocation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_allocations_province_allocation_id_province_allocations'), 'province_allocations', ['province_allocation_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_allocations_commune_id_communes'), 'communes', ['commune_id'], ['id'])

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.alter_column('commune_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index(batch_op.f('ix_applications_state_rank'))
        batch_op.create_index('ix_applications_commune_state_rank', ['commune_id', 'state', 'priority_tier', 'received_on', 'id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_applications_commune_id_communes'), 'communes', ['commune_id'], ['id'])

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_commune_at', ['commune_id', 'at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_entries_commune_id_communes'), 'communes', ['commune_id'], ['id'])

    with op.batch_alter_table('cash_payments', schema=None) as batch_op:
        batch_op.alter_column('commune_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('ix_cash_payments_commune_paid_on', ['commune_id', 'paid_on'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cash_payments_commune_id_communes'), 'communes', ['commune_id'], ['id'])

    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.alter_column('commune_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('ix_handovers_commune_handed_on', ['commune_id', 'handed_on'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_handovers_commune_id_communes'), 'communes', ['commune_id'], ['id'])

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.alter_column('commune_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index(batch_op.f('ix_households_hamlet'))
        batch_op.drop_index(batch_op.f('ix_households_sort_key'))
        batch_op.drop_constraint(batch_op.f('uq_households_code'), type_='unique')
        batch_op.create_index('ix_households_commune_hamlet', ['commune_id', 'hamlet'], unique=False)
        batch_op.create_index('ix_households_commune_sort_key', ['commune_id', 'sort_key'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_households_commune_id_code'), ['commune_id', 'code'])
        batch_op.create_foreign_key(batch_op.f('fk_households_commune_id_communes'), 'communes', ['commune_id'], ['id'])

    with op.batch_alter_table('proposal_lists', schema=None) as batch_op:
        batch_op.alter_column('commune_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_proposal_lists_number'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_proposal_lists_commune_id_number'), ['commune_id', 'number'])
        batch_op.create_foreign_key(batch_op.f('fk_proposal_lists_commune_id_communes'), 'communes', ['commune_id'], ['id'])

    with op.batch_alter_table('receipt_counters', schema=None) as batch_op:
        batch_op.alter_column('commune_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('pk_receipt_counters'), type_='primary')
        batch_op.create_primary_key(batch_op.f('pk_receipt_counters'), ['commune_id', 'series', 'year'])
        batch_op.create_foreign_key(batch_op.f('fk_receipt_counters_commune_id_communes'), 'communes', ['commune_id'], ['id'])

    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.alter_column('commune_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_receipts_series_year_number'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_receipts_commune_id_series_year_number'), ['commune_id', 'series', 'year', 'number'])
        batch_op.create_foreign_key(batch_op.f('fk_receipts_commune_id_communes'), 'communes', ['commune_id'], ['id'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('role', existing_type=sa.VARCHAR(length=16), type_=sa.String(length=20),
                              existing_nullable=False)
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_users_role'),
            "role IN ('admin','clerk','approver','radio','province_officer','province_approver')")
        batch_op.create_check_constraint(
            batch_op.f('ck_users_role_commune'), f"(commune_id IS NOT NULL) = (role IN {COMMUNE_ROLES_SQL})")
        batch_op.create_index(batch_op.f('ix_users_commune_id'), ['commune_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_commune_id_communes'), 'communes', ['commune_id'], ['id'])
    _fk_on(bind, "upgrade")


def downgrade() -> None:
    """Back to one commune per database: refused when there are several communes (their
    numbers would collide); the province's accounts and allocations must be removed first."""
    bind = op.get_bind()
    if (bind.execute(sa.text("SELECT count(*) FROM communes")).scalar() or 0) > 1:
        raise RuntimeError("0005 downgrade: several communes; a single-commune database cannot hold them.")
    if bind.execute(sa.text("SELECT 1 FROM users WHERE role IN ('province_officer','province_approver')")).first():
        raise RuntimeError("0005 downgrade: province accounts exist; remove them first.")
    _fk_off(bind)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_commune_id_communes'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_commune_id'))
        batch_op.drop_constraint(batch_op.f('ck_users_role_commune'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role'), "role IN ('admin','clerk','approver','radio')")
        batch_op.alter_column('role', existing_type=sa.String(length=20), type_=sa.VARCHAR(length=16),
                              existing_nullable=False)
        batch_op.drop_column('commune_id')

    with op.batch_alter_table('receipt_counters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_receipt_counters_commune_id_communes'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('pk_receipt_counters'), type_='primary')
        batch_op.create_primary_key(batch_op.f('pk_receipt_counters'), ['series', 'year'])
        batch_op.drop_column('commune_id')

    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_receipts_commune_id_communes'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_receipts_commune_id_series_year_number'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_receipts_series_year_number'), ['series', 'year', 'number'])
        batch_op.drop_column('commune_id')

    with op.batch_alter_table('proposal_lists', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposal_lists_commune_id_communes'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_proposal_lists_commune_id_number'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_proposal_lists_number'), ['number'])
        batch_op.drop_column('commune_id')

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_households_commune_id_communes'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_households_commune_id_code'), type_='unique')
        batch_op.drop_index('ix_households_commune_sort_key')
        batch_op.drop_index('ix_households_commune_hamlet')
        batch_op.create_unique_constraint(batch_op.f('uq_households_code'), ['code'])
        batch_op.create_index(batch_op.f('ix_households_sort_key'), ['sort_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_households_hamlet'), ['hamlet'], unique=False)
        batch_op.drop_column('commune_id')

    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_handovers_commune_id_communes'), type_='foreignkey')
        batch_op.drop_index('ix_handovers_commune_handed_on')
        batch_op.drop_column('commune_id')

    with op.batch_alter_table('cash_payments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cash_payments_commune_id_communes'), type_='foreignkey')
        batch_op.drop_index('ix_cash_payments_commune_paid_on')
        batch_op.drop_column('commune_id')

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_entries_commune_id_communes'), type_='foreignkey')
        batch_op.drop_index('ix_audit_entries_commune_at')
        batch_op.drop_column('commune_id')

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_applications_commune_id_communes'), type_='foreignkey')
        batch_op.drop_index('ix_applications_commune_state_rank')
        batch_op.create_index(batch_op.f('ix_applications_state_rank'), ['state', 'priority_tier', 'received_on', 'id'], unique=False)
        batch_op.drop_column('commune_id')

    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_allocations_commune_id_communes'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_allocations_province_allocation_id_province_allocations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_allocations_province_allocation_id'))
        batch_op.drop_index('ix_allocations_commune_allocated_on')
        batch_op.drop_column('province_allocation_id')
        batch_op.drop_column('commune_id')

    _fk_on(bind, "downgrade")
    op.drop_table('province_allocations')
    op.drop_table('hamlets')
    op.drop_table('instance_settings')
    op.drop_table('communes')
