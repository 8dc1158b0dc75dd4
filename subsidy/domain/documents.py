"""The data of the printed documents that services build and subsidy.documents renders: the
issuing body printed on every document, the intake slip, the proposal and approved lists. Pure
data (no reportlab, no database); the receipt's data is subsidy.domain.receipt, the reports'
subsidy.domain.reports.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from subsidy.domain.decisions import citation
from subsidy.domain.labels import CATEGORY_LABELS


@dataclass(frozen=True)
class Issuer:
    """The issuing body printed top left of a document (configuration, domain.md §1).

    ``body_upper``: the superior body, upper case, e.g. ``"UBND TỈNH ĐỒNG THÁP"``,
    or ``""`` when there is none (two-tier local government since 1/7/2025).
    ``body``: the issuing body, upper case, e.g. ``"ỦY BAN NHÂN DÂN XÃ PHÚ TÂN"``.
    ``place``: the place name used in the place-and-date line, e.g. ``"Phú Tân"``.
    """

    body_upper: str
    body: str
    place: str

    @classmethod
    def from_config(cls, config: Any) -> "Issuer":
        """The issuer the app is configured with: COMMUNE_BODY_UPPER, COMMUNE_BODY, COMMUNE_PLACE
        (subsidy/config.py); the place falls back to "Phú Tân" when empty."""
        return cls(body_upper=config.get("COMMUNE_BODY_UPPER", ""),
                   body=config.get("COMMUNE_BODY", "ỦY BAN NHÂN DÂN XÃ"),
                   place=config.get("COMMUNE_PLACE", "") or "Phú Tân")


DEFAULT_ISSUER = Issuer(body_upper="", body="ỦY BAN NHÂN DÂN XÃ PHÚ TÂN", place="Phú Tân")


@dataclass(frozen=True)
class IntakeSlipData:
    """Everything the slip prints (plain text, NFC; escaped at render).

    ``tracking_code``: grouped as on screen ("K7QX-9M4T-AB"); ``status_url``: the QR code's content
    (``{PUBLIC_BASE_URL}/tra-cuu?ma=<code>``); ``status_page``: the address written out for the
    household (``{PUBLIC_BASE_URL}/tra-cuu``); ``place_date``: "Phú Tân, ngày 05 tháng 11 năm
    2026" (the day received); ``received_on``: dd/mm/yyyy; ``support_form``: its Vietnamese label;
    ``clerk_name``: the clerk who received it ("" leaves the line to write by hand).
    """

    issuer: Issuer
    giver_unit: str  # "Ủy ban nhân dân xã Phú Tân"
    tracking_code: str
    status_url: str
    status_page: str
    place_date: str
    received_on: str
    head_name: str
    household_code: str
    hamlet: str
    support_form: str
    clerk_name: str
    legal_basis: str = ""


@dataclass(frozen=True)
class ListRow:
    """One household on a list. ``birth_year`` int or None; ``citizen_id``/``phone`` text as stored;
    ``category`` the category code ("poor", "near_poor", "" when not on file), printed as its label."""

    stt: int
    name: str
    birth_year: int | None
    citizen_id: str
    phone: str
    hamlet: str
    category: str
    tier: str
    form: str
    tracking_code: str = ""
    received_on: dt.date | None = None
    note: str = ""
    cash: bool = False

    @property
    def category_label(self) -> str:
        """The category as printed ("Hộ nghèo"); "" when not on file."""
        return CATEGORY_LABELS.get(self.category, "")


@dataclass
class ListDocument:
    """A list to print. ``kind``: "proposal" | "approved". ``number``: the list's number
    ("01/DS-UBND"); ``date``: the date printed in the place-and-date line; decision fields for an
    approved list. ``prepared_by``: the full name of the clerk who drew up the list
    (ProposalList.created_by), printed under "NGƯỜI LẬP DANH SÁCH" ("" to sign by hand)."""

    kind: str
    issuer: Issuer
    number: str
    date: dt.date
    created_on: dt.date
    rows: list[ListRow] = field(default_factory=list)
    decision_number: str | None = None
    decision_date: dt.date | None = None
    approving_body: str | None = None
    prepared_by: str = ""
    programme_line: str = ("Chương trình cung cấp dịch vụ viễn thông công ích đến năm 2025 "
                           "(Thông tư số 14/2022/TT-BTTTT)")

    @property
    def title(self) -> str:
        if self.kind == "approved":
            return "Danh sách hộ được phê duyệt hỗ trợ điện thoại thông minh"
        return "Danh sách hộ đề nghị hỗ trợ điện thoại thông minh"

    @property
    def subtitle(self) -> str:
        """The line under the title: "(Kèm theo Quyết định số … ngày … của …)" for an approved list
        with its decision; "" for a proposal list (it is itself list "Số: …", printed in the header,
        and attached to nothing)."""
        if self.kind == "approved" and self.decision_number:
            return f"(Kèm theo {citation(self.decision_number, self.decision_date, self.approving_body)})"
        return ""

    def counts(self) -> dict[str, int]:
        out = {"total": len(self.rows), "poor": 0, "near_poor": 0, "cash": 0}
        for r in self.rows:
            if r.category in ("poor", "near_poor"):
                out[r.category] += 1
            if r.cash:
                out["cash"] += 1
        return out
