"""one IMEI store: handover_imeis rows only (handovers.imei/imei2 dropped)

Until now a handover's IMEIs were written twice: in the columns handovers.imei/imei2 and as
handover_imeis rows (the ones the partial unique index on live IMEIs guards). The rows stay, with
a new ``position`` (1, or 2 for the second IMEI of a dual-SIM phone, as the columns held them);
every IMEI found only in the columns gets its row (live unless the handover is voided), the rows
of a voided handover are made not live (its IMEIs are free, as void_handover leaves them); then
the columns go. Receipts are not touched: each keeps the IMEIs it printed in its snapshot.

The upgrade stops with an error naming the handovers when the data contradicts itself (a
handover_imeis row whose IMEI is in neither column of its handover, or an IMEI of a live
handover that another live handover already holds): those need a person to decide.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

LIVE_IMEI_INDEX = 'uq_handover_imeis_live_imei'


def _stop_if_any(sql: str, what: str) -> None:
    ids = [row[0] for row in op.get_bind().execute(sa.text(sql))]
    if ids:
        shown = ", ".join(str(i) for i in ids[:20]) + (" …" if len(ids) > 20 else "")
        raise RuntimeError(f"0002: {what} (handover id {shown}); fix these rows by hand, then upgrade again.")


def upgrade() -> None:
    op.add_column('handover_imeis', sa.Column('position', sa.Integer(), nullable=True))
    # A voided handover's IMEIs are free again (void_handover sets live = false; a handover voided
    # by other means may have kept them live).
    op.execute("UPDATE handover_imeis SET live = false WHERE live AND handover_id IN "
               "(SELECT id FROM handovers WHERE voided_at IS NOT NULL)")
    op.execute("UPDATE handover_imeis SET position = 1 WHERE imei = "
               "(SELECT h.imei FROM handovers h WHERE h.id = handover_imeis.handover_id)")
    op.execute("UPDATE handover_imeis SET position = 2 WHERE position IS NULL AND imei = "
               "(SELECT h.imei2 FROM handovers h WHERE h.id = handover_imeis.handover_id)")
    _stop_if_any("SELECT DISTINCT handover_id FROM handover_imeis WHERE position IS NULL ORDER BY handover_id",
                 "an IMEI row matches neither IMEI column of its handover")
    for position, column in ((1, 'imei'), (2, 'imei2')):
        missing = (f"FROM handovers h WHERE h.{column} IS NOT NULL AND NOT EXISTS "
                   f"(SELECT 1 FROM handover_imeis hi WHERE hi.handover_id = h.id AND hi.position = {position})")
        _stop_if_any(f"SELECT h.id {missing} AND h.voided_at IS NULL AND EXISTS (SELECT 1 FROM handover_imeis o "
                     f"WHERE o.imei = h.{column} AND o.live AND o.handover_id <> h.id) ORDER BY h.id",
                     "a live handover's IMEI is already held by another live handover")
        op.execute(f"INSERT INTO handover_imeis (handover_id, position, imei, live) "
                   f"SELECT h.id, {position}, h.{column}, h.voided_at IS NULL {missing}")
    # Rebuilt around the table copy SQLite's batch mode makes; created again as it was.
    op.drop_index(LIVE_IMEI_INDEX, table_name='handover_imeis')
    with op.batch_alter_table('handover_imeis', schema=None) as batch_op:
        batch_op.alter_column('position', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_handover_imeis_handover_id_position'),
                                          ['handover_id', 'position'])
        batch_op.create_check_constraint(batch_op.f('ck_handover_imeis_position'), 'position IN (1, 2)')
    op.create_index(LIVE_IMEI_INDEX, 'handover_imeis', ['imei'], unique=True,
                    sqlite_where=sa.text('live'), postgresql_where=sa.text('live'))
    # A plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): no table copy, so the receipts and
    # handover_imeis rows that point at handovers are never in the way.
    op.drop_column('handovers', 'imei2')
    op.drop_column('handovers', 'imei')


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    if sqlite:
        # Making handovers.imei NOT NULL again copies the table on SQLite, and dropping the old copy
        # while receipts and handover_imeis point at it fails with foreign keys on. The pragma
        # works only outside a transaction: end the one open here (everything before this
        # revision is complete and recorded), switch the checks off for this rebuild, and check
        # every foreign key before carrying on.
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=OFF")
        op.execute("BEGIN IMMEDIATE")
    op.add_column('handovers', sa.Column('imei', sa.String(length=15), nullable=True))
    op.add_column('handovers', sa.Column('imei2', sa.String(length=15), nullable=True))
    for position, column in ((1, 'imei'), (2, 'imei2')):
        op.execute(f"UPDATE handovers SET {column} = (SELECT hi.imei FROM handover_imeis hi "
                   f"WHERE hi.handover_id = handovers.id AND hi.position = {position})")
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.alter_column('imei', existing_type=sa.String(length=15), nullable=False)
    op.drop_index(LIVE_IMEI_INDEX, table_name='handover_imeis')
    with op.batch_alter_table('handover_imeis', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_handover_imeis_position'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_handover_imeis_handover_id_position'), type_='unique')
        batch_op.drop_column('position')
    op.create_index(LIVE_IMEI_INDEX, 'handover_imeis', ['imei'], unique=True,
                    sqlite_where=sa.text('live'), postgresql_where=sa.text('live'))
    if sqlite:
        broken = bind.execute(sa.text("PRAGMA foreign_key_check")).fetchall()
        if broken:
            raise RuntimeError(f"0002 downgrade: foreign keys broken by the table rebuild: {broken[:5]}")
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=ON")
        op.execute("BEGIN IMMEDIATE")
