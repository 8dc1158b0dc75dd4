"""Applications for smartphone support, their eligibility decisions, state history,
allocations (quota) and the commune's proposal lists (danh sách đề nghị)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from subsidy.db import Base, utcnow
from subsidy.domain.workflow import STATES
from subsidy.models.household import Household
from subsidy.models.voidable import RecordedAllocation

_STATES_SQL = ",".join(f"'{s}'" for s in STATES)
#: The drafts of which a commune may have one (uq_proposal_lists_one_draft).
ONE_DRAFT = "status = 'draft' AND NOT duplicate_draft"


class RuleSet(Base):
    """A versioned rule set (e.g. Thông tư 14/2022/TT-BTTTT, version 1), loaded from a shipped file."""

    __tablename__ = "rule_sets"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        CheckConstraint("support_amount > 0", name="support_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(255))
    legal_source: Mapped[str] = mapped_column(String(255))
    effective_from: Mapped[dt.date]
    effective_to: Mapped[dt.date | None]
    eligible_categories: Mapped[list[str]]
    support_amount: Mapped[int]  # đồng
    cash_cutoff: Mapped[dt.date]
    priority_order: Mapped[list[str]]
    definition: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the whole shipped document
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ProposalList(Base):
    """A commune proposal list (danh sách đề nghị) and, once approved, its approval decision.

    Life: ``draft`` (the clerk fills it; it can be emptied or cancelled) → ``submitted`` (sent to
    the approver: it gets its document number now, the next in the register, so a cancelled draft
    leaves no gap) → ``approved``; or ``cancelled`` (a draft given up: kept on record with its
    removed entries, never numbered). ``register_number`` is the stored number (column "number";
    None before submission); ``number`` is how pages name the list either way."""

    __tablename__ = "proposal_lists"
    __table_args__ = (
        CheckConstraint("status IN ('draft','submitted','approved','cancelled')", name="status"),
        CheckConstraint("status IN ('draft','cancelled') OR number IS NOT NULL", name="numbered"),
        # Numbered per commune (each commune's documents have their own numbers, domain.md §10).
        UniqueConstraint("commune_id", "number"),
        # One working draft per commune (services.lists.drafting.new_list): two drafts would split
        # the head of the waiting list between them. Drafts a commune already had beside another
        # when this became a rule of the database are marked duplicate_draft (migration 0016).
        Index("uq_proposal_lists_one_draft", "commune_id", unique=True,
              sqlite_where=text(ONE_DRAFT), postgresql_where=text(ONE_DRAFT)),
        # One decision number per commune and year (rule R5-QĐ, domain.decisions.register_key).
        Index("uq_proposal_lists_decision", "commune_id", "decision_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    register_number: Mapped[str | None] = mapped_column("number", String(64))
    created_on: Mapped[dt.date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    submitted_at: Mapped[dt.datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_number: Mapped[str | None] = mapped_column(String(64))
    decision_date: Mapped[dt.date | None]
    approving_body: Mapped[str | None] = mapped_column(String(255))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime | None]
    # domain.decisions.register_key(decision_number, decision_date): "012/QĐ-UBND" and "12/QĐ-UBND"
    # of one year are one key. NULL before approval, and on a list whose decision repeated an
    # earlier list's before the key existed (migration 0016 names them).
    decision_key: Mapped[str | None] = mapped_column(String(80))
    # A draft kept beside its commune's newer draft when one draft per commune became a rule of
    # the database (migration 0016): outside uq_proposal_lists_one_draft until it is submitted or
    # cancelled. Never set by the application.
    duplicate_draft: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def number(self) -> str:
        """The list's document number, or for a draft not yet submitted "chưa có số (dự thảo N)"."""
        return self.register_number or f"chưa có số (dự thảo {self.id})"

    @number.setter
    def number(self, value: str | None) -> None:
        self.register_number = value


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("household_id", "programme"),
        CheckConstraint(f"state IN ({_STATES_SQL})", name="state"),
        CheckConstraint("support_form IN ('package','cash')", name="support_form"),
        CheckConstraint("priority_tier IS NULL OR priority_tier BETWEEN 1 AND 4", name="priority_tier"),
        # The commune's queue (state, then priority, then date received): one seek in its commune.
        Index("ix_applications_commune_state_rank", "commune_id", "state", "priority_tier", "received_on", "id"),
        # the queue's orders (newest first, all states or one): keyset pages seek on them; the
        # tally's applications received in a period seek on the first one too
        Index("ix_applications_commune_received", "commune_id", "received_on", "id"),
        Index("ix_applications_commune_state_received", "commune_id", "state", "received_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    programme: Mapped[str] = mapped_column(String(40), default="VTCI-2025")
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)
    received_on: Mapped[dt.date]
    support_form: Mapped[str] = mapped_column(String(10))  # package | cash
    purchase_date: Mapped[dt.date | None]  # cash form: the day the household bought its phone (E5)
    evidence_note: Mapped[str | None] = mapped_column(Text)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(20), default="received")
    state_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    priority_tier: Mapped[int | None]
    proposal_list_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_lists.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    household: Mapped[Household] = relationship()
    proposal_list: Mapped[ProposalList | None] = relationship()


class ProposalListEntry(Base):
    """One application's place on a proposal list: the permanent record of list membership.

    Written when an application is put on a draft list (services.lists.propose). Taking it off a
    draft list (remove_from_list, a withdrawal or refusal while on the draft, a reopening) marks
    the entry removed (``removed_at``, ``removed_by_id``, ``removal_reason``); it is never
    deleted, and putting the application back on the same draft writes a new entry (one live
    entry per list and application: the partial unique index). Approving the list freezes its
    live entries: ``position`` (the STT printed), ``frozen_at`` and a copy of what the list
    documents print for the row as it stood at approval (head's name, birth year, CCCD, phone,
    hamlet, category, priority tier and its label, form of support and purchase date, tracking
    code, date received, note). The approved list's page, PDF and XLSX are built from these
    rows only, so they do not change after the decision whatever happens to the application or
    the household later (domain.md §5, §7). ``Application.proposal_list_id`` stays the
    application's current list.
    """

    __tablename__ = "proposal_list_entries"
    __table_args__ = (
        # One live (not removed) entry per list and application; removed ones stay on record.
        Index("uq_proposal_list_entries_live", "proposal_list_id", "application_id", unique=True,
              sqlite_where=text("removed_at IS NULL"), postgresql_where=text("removed_at IS NULL")),
        UniqueConstraint("proposal_list_id", "position"),
        CheckConstraint("position IS NULL OR position >= 1", name="position"),
        CheckConstraint("(removed_at IS NULL AND removed_by_id IS NULL AND removal_reason IS NULL)"
                        " OR (removed_at IS NOT NULL AND removal_reason IS NOT NULL)", name="removal"),
        # Frozen (approved) = has its place and its printed row; a frozen entry is never removed.
        CheckConstraint("(frozen_at IS NULL AND position IS NULL) OR (frozen_at IS NOT NULL AND position IS NOT NULL"
                        " AND removed_at IS NULL AND head_name IS NOT NULL AND hamlet IS NOT NULL"
                        " AND support_form IS NOT NULL AND tracking_code IS NOT NULL AND received_on IS NOT NULL)",
                        name="frozen"),
        CheckConstraint("category IS NULL OR category IN ('poor','near_poor','left_poor')", name="category"),
        CheckConstraint("support_form IS NULL OR support_form IN ('package','cash')", name="support_form"),
        CheckConstraint("priority_tier IS NULL OR priority_tier BETWEEN 1 AND 4", name="priority_tier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_list_id: Mapped[int] = mapped_column(ForeignKey("proposal_lists.id"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[dt.datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removal_reason: Mapped[str | None] = mapped_column(Text)
    # Set at approval: the STT on the approved list, and the row as printed then.
    position: Mapped[int | None]
    frozen_at: Mapped[dt.datetime | None]
    head_name: Mapped[str | None] = mapped_column(String(120))
    head_birth_year: Mapped[int | None]
    citizen_id: Mapped[str | None] = mapped_column(String(12))
    phone: Mapped[str | None] = mapped_column(String(10))
    hamlet: Mapped[str | None] = mapped_column(String(80))
    category: Mapped[str | None] = mapped_column(String(10))
    priority_tier: Mapped[int | None]
    tier_label: Mapped[str | None] = mapped_column(Text)  # as printed: the rule set's tier id ("P1")
    support_form: Mapped[str | None] = mapped_column(String(10))
    purchase_date: Mapped[dt.date | None]
    tracking_code: Mapped[str | None] = mapped_column(String(16))
    received_on: Mapped[dt.date | None]
    note: Mapped[str | None] = mapped_column(Text)

    application: Mapped[Application] = relationship()


class EligibilityDecision(Base):
    """One eligibility check: result, rule-set version, the facts used (snapshot), who and when."""

    __tablename__ = "eligibility_decisions"
    __table_args__ = (
        CheckConstraint("outcome IN ('eligible','not_eligible','undecided')", name="outcome"),
        CheckConstraint("priority_tier IS NULL OR priority_tier BETWEEN 1 AND 4", name="priority_tier"),
        # An application's latest decision in a period (the tally) is one seek.
        Index("ix_eligibility_decisions_application_decided", "application_id", "decided_at", "id"),
        # The commune's decisions of a period (the tally's reasons) without reading the province's.
        Index("ix_eligibility_decisions_commune_decided", "commune_id", "decided_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Repeats the application's commune: the tally's reasons seek the commune's decisions by date.
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("rule_sets.id"))
    outcome: Mapped[str] = mapped_column(String(16))
    priority_tier: Mapped[int | None]
    failed_rules: Mapped[list[str]] = mapped_column(default=list)
    results: Mapped[list[Any]] = mapped_column(default=list)  # [{rule, status, explanation, citation}]
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    rule_set: Mapped[RuleSet] = relationship()


class ApplicationEvent(Base):
    """One move of the state machine (domain/workflow.py): the history the tally counts from."""

    __tablename__ = "application_events"
    __table_args__ = (
        Index("ix_application_events_to_state_at", "to_state", "at"),
        # An application's history in time order; its state at any instant (the tally) is one seek.
        Index("ix_application_events_application_at", "application_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)


#: The allocations a commune recorded itself (not a share of a province allocation), not voided.
OWN_LIVE = "voided_at IS NULL AND province_allocation_id IS NULL"


class Allocation(RecordedAllocation, Base):
    """Phones allocated to a commune (its quota, its share of a province allocation), with the source document. A mistaken allocation
    is voided (``voided_at``, ``voided_by_id``, ``void_reason``), never deleted; a voided one
    counts in no quota (services/allocations.py, services/tally/)."""

    __tablename__ = "allocations"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("voided_at IS NULL OR void_reason IS NOT NULL", name="void_reason"),
        Index("ix_allocations_commune_allocated_on", "commune_id", "allocated_on"),
        # One live allocation per document the commune recorded itself (a double submission);
        # shares of a province allocation repeat its document and may come in several parts.
        Index("uq_allocations_live_document", "commune_id", "document_key", unique=True,
              sqlite_where=text(OWN_LIVE), postgresql_where=text(OWN_LIVE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    # The province's allocation this commune's share came from (None: recorded by the commune
    # itself, as a single-commune instance does).
    province_allocation_id: Mapped[int | None] = mapped_column(ForeignKey("province_allocations.id"), index=True)
    quantity: Mapped[int]
    allocated_on: Mapped[dt.date]
