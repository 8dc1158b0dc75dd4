"""one draft per commune, one decision number per commune and year: proposal_lists

Both rules were checked by the service only, so two requests at once could both pass: two drafts
of one commune split the head of the waiting list between them, and two lists approved with the
same decision number of the same year (Nghị định 30/2020/NĐ-CP, Điều 15: a number runs per issuing
body and year; «012/QĐ-UBND» and «12/QĐ-UBND» are one number).

- ``duplicate_draft`` (boolean, false) and a partial unique index on ``commune_id`` over the drafts
  not so marked. Where a commune already has several drafts, the newest stays the commune's draft
  (the one the service works on) and the older ones are marked and named in a warning, for the
  clerk to submit or cancel; nothing else about them changes.
- ``decision_key`` = the decision's year and its number without the order number's leading zeros
  (domain.decisions.register_key) and a unique index on (commune_id, decision_key). A column rather
  than an expression index: the normalisation is Python's (one home, the domain), which an
  expression index would copy into SQL twice (SQLite's strftime, PostgreSQL's extract), and the
  models and migrations compare column for column. Where lists already repeat a decision, the
  oldest keeps the key and the later ones are left without one (NULL: outside the index) and named
  in a warning, for an approver to correct the decision.

The downgrade drops the indexes and the columns.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""
import logging
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

ONE_DRAFT = "status = 'draft' AND NOT duplicate_draft"


def _register_key(number: str, day) -> str:
    # domain.decisions.register_key as of this revision, written out so this migration does not
    # change when the domain does (the date may come back as ISO text on SQLite)
    order, sep, rest = number.partition("/")
    return f"{str(day)[:4]}:{(order.lstrip('0') or '0') + sep + rest}"


def _mark_older_drafts(bind) -> None:
    """Mark every draft of a commune but its newest (highest id) duplicate_draft, and log them."""
    drafts = defaultdict(list)
    for row in bind.execute(sa.text("SELECT id, commune_id FROM proposal_lists WHERE status = 'draft' ORDER BY id")):
        drafts[row.commune_id].append(row.id)
    older = {commune: ids[:-1] for commune, ids in drafts.items() if len(ids) > 1}
    t = sa.table("proposal_lists", sa.column("id"), sa.column("duplicate_draft", sa.Boolean))
    for ids in older.values():
        bind.execute(t.update().where(t.c.id.in_(ids)).values(duplicate_draft=True))
    if older:
        named = "; ".join(f"commune {c}: lists {ids}" for c, ids in sorted(older.items()))
        log.warning("0016: communes with several draft lists keep the newest as their draft; the older drafts (%s) "
                    "are marked duplicate_draft, to be submitted or cancelled by the clerk", named)


def _fill_decision_keys(bind) -> None:
    """Give every decided list its key; among one commune's lists with one key the first by id
    keeps it, the later ones stay NULL and are logged."""
    t = sa.table("proposal_lists", sa.column("id"), sa.column("decision_key"))
    seen, repeated = set(), []
    rows = bind.execute(sa.text("SELECT id, commune_id, decision_number, decision_date FROM proposal_lists "
                                "WHERE decision_number IS NOT NULL AND decision_date IS NOT NULL ORDER BY id"))
    for row in rows.all():
        key = _register_key(row.decision_number, row.decision_date)
        if (row.commune_id, key) in seen:
            repeated.append(row.id)
            continue
        seen.add((row.commune_id, key))
        bind.execute(t.update().where(t.c.id == row.id).values(decision_key=key))
    if repeated:
        log.warning("0016: proposal_lists %s repeat the decision number (same year, same commune) of an earlier list; "
                    "left without a decision key, for an approver to correct the decision", repeated)


def upgrade() -> None:
    op.add_column('proposal_lists', sa.Column('decision_key', sa.String(length=80), nullable=True))
    op.add_column('proposal_lists', sa.Column('duplicate_draft', sa.Boolean(), nullable=False,
                                              server_default=sa.false()))
    bind = op.get_bind()
    _mark_older_drafts(bind)
    _fill_decision_keys(bind)
    op.create_index('uq_proposal_lists_one_draft', 'proposal_lists', ['commune_id'], unique=True,
                    sqlite_where=sa.text(ONE_DRAFT), postgresql_where=sa.text(ONE_DRAFT))
    op.create_index('uq_proposal_lists_decision', 'proposal_lists', ['commune_id', 'decision_key'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_proposal_lists_decision', table_name='proposal_lists')
    op.drop_index('uq_proposal_lists_one_draft', table_name='proposal_lists')
    # SQLite 3.35+ drops a column in place (no table rebuild, so the lists' referrers stay)
    op.drop_column('proposal_lists', 'duplicate_draft')
    op.drop_column('proposal_lists', 'decision_key')
