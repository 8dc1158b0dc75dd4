"""one live allocation per document: allocations.document_key, province_allocations.document_key

The same allocation recorded twice (a form sent twice, the same document typed again) counted its
phones twice in the quota (domain.md §3). Each row now carries the key of its source document
(domain.documents.reference_key: NFKC, look-alikes put right, case folded, spaces removed) and a
partial unique index keeps one live row per key: per commune for the allocations a commune recorded
itself (shares of a province allocation repeat its document and may come in parts), per province
for the province's allocations. Existing rows get their key; where live rows already repeat a
document, the oldest keeps the key and the later ones are left without one (NULL: outside the
index, still counted) and are named in a warning, for an approver to void the duplicate. Voided
rows keep their key (outside the index). The downgrade drops the indexes and the columns.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""
import logging
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

OWN_LIVE = "voided_at IS NULL AND province_allocation_id IS NULL"
_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "–": "-", "—": "-", "‐": "-", "∕": "/"})


def _key(reference):
    # domain.documents.reference_key as of this revision, written out so this migration does not
    # change when the domain does
    text = unicodedata.normalize("NFKC", reference or "").translate(_LOOKALIKES)
    return unicodedata.normalize("NFC", "".join(text.casefold().split()))


def _fill(table: str, group_of) -> None:
    """Give every row of ``table`` its key; among rows of one group (group_of(row) → a hashable,
    None: not in the unique index) the first by id keeps it, the later ones get NULL and are logged."""
    bind = op.get_bind()
    t = sa.table(table, sa.column("id"), sa.column("document_key"))
    cols = "id, source_document, voided_at" + (", commune_id, province_allocation_id" if table == "allocations" else "")
    seen, repeated = set(), []
    for row in bind.execute(sa.text(f"SELECT {cols} FROM {table} ORDER BY id")).mappings():
        key = _key(row["source_document"])
        group = group_of(row)
        if group is not None and (group, key) in seen:
            repeated.append(row["id"])
            continue
        if group is not None:
            seen.add((group, key))
        bind.execute(t.update().where(t.c.id == row["id"]).values(document_key=key))
    if repeated:
        log.warning("0015: %s rows %s repeat the document of an earlier live row; left without a key, "
                    "to be voided by an approver", table, repeated)


def upgrade() -> None:
    op.add_column('allocations', sa.Column('document_key', sa.String(length=255), nullable=True))
    op.add_column('province_allocations', sa.Column('document_key', sa.String(length=255), nullable=True))
    _fill("allocations", lambda r: r["commune_id"] if r["voided_at"] is None and r["province_allocation_id"] is None
          else None)
    _fill("province_allocations", lambda r: 0 if r["voided_at"] is None else None)
    op.create_index('uq_allocations_live_document', 'allocations', ['commune_id', 'document_key'], unique=True,
                    sqlite_where=sa.text(OWN_LIVE), postgresql_where=sa.text(OWN_LIVE))
    op.create_index('uq_province_allocations_live_document', 'province_allocations', ['document_key'], unique=True,
                    sqlite_where=sa.text('voided_at IS NULL'), postgresql_where=sa.text('voided_at IS NULL'))


def downgrade() -> None:
    op.drop_index('uq_province_allocations_live_document', table_name='province_allocations')
    op.drop_index('uq_allocations_live_document', table_name='allocations')
    # SQLite 3.35+ drops a column in place (no table rebuild, so province_allocations' referrers stay)
    op.drop_column('province_allocations', 'document_key')
    op.drop_column('allocations', 'document_key')
