"""Staff accounts and their API tokens."""
from __future__ import annotations

import datetime as dt
import enum
import secrets

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from subsidy.db import Base, utcnow


class Role(str, enum.Enum):
    """Staff roles. admin: communes, accounts and rule sets; clerk: households, applications,
    handovers; approver: approves lists and voids; radio: counts only, never a person (these three
    belong to one commune); province_officer: every commune read-only, allocations, reports;
    province_approver: the province's approval of lists (domain/scope.py)."""

    admin = "admin"
    clerk = "clerk"
    approver = "approver"
    radio = "radio"
    province_officer = "province_officer"
    province_approver = "province_approver"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin','clerk','approver','radio','province_officer','province_approver')",
                        name="role"),
        # Commune staff belong to exactly one commune; the province's roles and admin to none.
        CheckConstraint("(commune_id IS NOT NULL) = (role IN ('clerk','approver','radio'))", name="role_commune"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=True)
    # Set by the account-wide lock-out (services.users.ACCOUNT_FAILURES); cleared by an admin.
    locked_until: Mapped[dt.datetime | None]
    # Rotated at logout, password change/reset, role/active change and unlock: invalidates
    # sessions and remember-me cookies, and starts the failed-sign-in counters afresh.
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user", foreign_keys="ApiToken.user_id")

    # flask-login protocol (kept here to avoid a second wrapper class).
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def has_role(self, *roles: str | Role) -> bool:
        return self.role in {r.value if isinstance(r, Role) else r for r in roles}


class ApiToken(Base):
    """A per-account API token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens", foreign_keys=[user_id])
