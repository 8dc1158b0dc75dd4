"""The audit log: who changed what, when, with old and new values. Append-only, except that view
entries older than the retention period are removed (services.audit.prune_views)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from subsidy.db import Base, utcnow
from subsidy.models.user import User


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_entity", "entity_type", "entity_id"),
        Index("ix_audit_entries_commune_at", "commune_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The commune whose data the action touched; None for instance-level actions (accounts,
    # communes, rule sets done by admin).
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    # {"field": [old, new], ...}; personal values are kept here (the log is admin-only).
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()
