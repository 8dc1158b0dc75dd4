"""staff who sign documents need a full name: tidy the stored names and ask the admin for the missing ones

No schema change. Since this revision the account forms require a full name for the roles whose
names print on documents (clerk, approver, province_officer, province_approver: domain/scope.py
SIGNING_ROLES, written out here so this migration does not change when the domain's list does);
accounts made before keep working, their documents leave the name line blank. This migration
collapses the spaces of every stored name (a name of spaces only becomes "", so it counts as
missing) and names, in a warning in Vietnamese, the active signing accounts with no name; the
admin's home page lists them under «Việc cần làm» until each has one.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""
import logging

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

SIGNING_ROLES = ("clerk", "approver", "province_officer", "province_approver")
log = logging.getLogger("alembic.runtime.migration")

users = sa.table("users", sa.column("id", sa.Integer), sa.column("username", sa.String),
                 sa.column("role", sa.String), sa.column("full_name", sa.String), sa.column("active", sa.Boolean))


def upgrade() -> None:
    bind = op.get_bind()
    missing = []
    for uid, username, role, name, active in bind.execute(
            sa.select(users.c.id, users.c.username, users.c.role, users.c.full_name, users.c.active)
            .order_by(users.c.username)).all():
        clean = " ".join((name or "").split())
        if clean != name:
            bind.execute(users.update().where(users.c.id == uid).values(full_name=clean))
        if not clean and active and role in SIGNING_ROLES:
            missing.append(username)
    if missing:
        log.warning("Các tài khoản ký tên trên văn bản chưa có họ và tên: %s. Quản trị hãy nhập họ và tên ở mục "
                    "«Tài khoản» (trang chủ của quản trị liệt kê các tài khoản này).", ", ".join(missing))


def downgrade() -> None:
    # the spaces collapsed are not restored: a name reads the same without them
    pass
