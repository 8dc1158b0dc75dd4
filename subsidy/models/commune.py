"""Communes and their hamlets (data, domain.md §10), the instance's settings, and the phones the
province receives from the ministry (province_allocations), which it divides among communes."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from subsidy.db import Base, utcnow
from subsidy.models.voidable import RecordedAllocation


class Commune(Base):
    """A commune of the province: what its documents print (issuing body, place for the date line,
    signer) and who approves its lists (``approval_level``: 'commune' or 'province')."""

    __tablename__ = "communes"
    __table_args__ = (
        CheckConstraint("approval_level IN ('commune','province')", name="approval_level"),
        CheckConstraint("length(code) >= 1", name="code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))                  # "xã Phú Tân"
    issuing_body: Mapped[str] = mapped_column(String(255))          # "ỦY BAN NHÂN DÂN XÃ PHÚ TÂN"
    issuing_body_parent: Mapped[str] = mapped_column(String(255), default="")  # optional upper line
    place_name: Mapped[str] = mapped_column(String(120))            # "Phú Tân" (the date line)
    province: Mapped[str] = mapped_column(String(120), default="")  # "tỉnh Đồng Tháp"
    # Who signs (Nghị định 30/2020, Phụ lục I: quyền hạn, chức vụ, họ tên): "TM. ỦY BAN NHÂN DÂN",
    # "KT. CHỦ TỊCH" ("" when the chairman signs), "PHÓ CHỦ TỊCH", the typed name ("": sign by hand).
    signer_authority: Mapped[str] = mapped_column(String(120), default="", server_default="")
    signer_deputy: Mapped[str] = mapped_column(String(120), default="", server_default="")
    signer_title: Mapped[str] = mapped_column(String(120), default="")
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    # The body's part of a ký hiệu ("UBND": "07/BB-UBND") and the kind codes over the defaults
    # ("list=DSHT;handover=BB", domain.documents.parse_kind_codes).
    abbreviation: Mapped[str] = mapped_column(String(20), default="UBND", server_default="UBND")
    kind_codes: Mapped[str] = mapped_column(String(255), default="", server_default="")
    # "Nơi nhận" of lists and reports (";"-separated) and the archive line ("VT, VP-TK").
    recipients: Mapped[str] = mapped_column(Text, default="", server_default="")
    archive: Mapped[str] = mapped_column(String(120), default="VT, VP-TK", server_default="VT, VP-TK")
    approval_level: Mapped[str] = mapped_column(String(10), default="commune")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    hamlets: Mapped[list["Hamlet"]] = relationship(back_populates="commune", order_by="Hamlet.position")

    @property
    def hamlet_names(self) -> list[str]:
        """The active hamlets' names in their order."""
        return [h.name for h in self.hamlets if h.active]


class Hamlet(Base):
    """A hamlet (ấp, thôn, tổ dân phố) of a commune, in the order lists and reports show them."""

    __tablename__ = "hamlets"
    __table_args__ = (UniqueConstraint("commune_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"))
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    commune: Mapped[Commune] = relationship(back_populates="hamlets")


class InstanceSetting(Base):
    """One setting of the instance (key → text value), e.g. the province's name, the default
    approval level of new communes."""

    __tablename__ = "instance_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProvinceAllocation(RecordedAllocation, Base):
    """Phones the ministry allocated to the province (domain.md §3), with its source document; the
    province divides it among communes (allocations.province_allocation_id). Voided, never deleted."""

    __tablename__ = "province_allocations"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("voided_at IS NULL OR void_reason IS NOT NULL", name="void_reason"),
        # One live province allocation per ministry document (a double submission).
        Index("uq_province_allocations_live_document", "document_key", unique=True,
              sqlite_where=text("voided_at IS NULL"), postgresql_where=text("voided_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quantity: Mapped[int]
    received_on: Mapped[dt.date]
