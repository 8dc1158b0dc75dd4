"""What a list page shows and what it hands over: its filters, and the table its Excel and PDF
copies carry.

A list page (households, applications, the waiting list, receipts) reads its filters with
:meth:`ListFilters.from_args` from the query string; the page, its XLSX and its PDF are built from
the same filters and the same query, so a copy taken away holds exactly the rows the page shows
(in the same order, every page of them). :class:`ExportTable` is what the documents render: column
titles and kinds, and the rows, which may be a generator (an export streams them from the
database instead of holding thousands of households in memory).

Pure Python: no Flask, no SQLAlchemy.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Sequence

from subsidy.domain.labels import PRIOR_FILTER_LABELS
from subsidy.domain.labels.standing import OFF_LIST_FILTER_LABEL
from subsidy.domain.labels import (
    CATEGORY_LABELS, FILTER_LABELS, RECEIPT_STATUS_LABELS, STATE_LABELS, SUPPORT_FORM_LABELS, TIER_LABELS,
)
from subsidy.domain.workflow import STATES

#: The longest search text a list keeps (a longer one is cut: nobody types more into a search box).
MAX_QUERY = 100
#: Category values a list filters by: the categories and "none" (not yet classified).
CATEGORIES = (*CATEGORY_LABELS, "none")
#: A receipt's standing (RECEIPT_STATUS_LABELS): the receipts list's "state".
RECEIPT_STATES = tuple(RECEIPT_STATUS_LABELS)


@dataclass(frozen=True)
class ListFilters:
    """The filters of a list page, each "" (or None) when not used.

    ``q``: the search box (names, codes, CCCD or phone digits, a tracking code or a fragment of
    one); ``hamlet``: a hamlet's name as stored; ``category``: "poor" | "near_poor" | "none";
    ``form``: a form of support ("package" | "cash"); ``tier``: a priority tier 1–4;
    ``state``: an application state (domain.workflow.STATES) or, on the receipts list, a
    receipt's standing ("valid" | "voided"); ``archived``: archived households included.

    ``personal``: not a filter but who searches — True when the searcher sees CCCD and phone in
    full (domain.scope.sees_personal_data), so ``q`` may match any part of them; False (the
    default, for the admin and the province's roles) matches only what their masked pages show
    (households.search_condition). ``poverty``: who filters — False when the reader does not see
    households' poverty status (domain.scope.sees_poverty_status), whose lists then drop a
    ``category`` or ``tier`` (a filter by it would tell which households are poor). Neither is
    ever part of the query string.
    """

    q: str = ""
    hamlet: str = ""
    category: str = ""
    form: str = ""
    tier: int | None = None
    state: str = ""
    archived: bool = False
    prior: str = ""  # households: the prior-device (E2) answer, a key of PRIOR_FILTER_LABELS
    personal: bool = False
    poverty: bool = True

    @classmethod
    def from_args(cls, args: Mapping[str, Any], *, states: Sequence[str] = STATES,
                  personal: bool = False, poverty: bool = True) -> "ListFilters":
        """The filters of a query string (``request.args``), searched by someone who sees personal
        data in full or not (``personal``) and poverty status or not (``poverty``: without it, a
        category and a tier are dropped). A value that is not one the filter knows (a state not
        in ``states``, a tier outside 1–4, an unknown form) is dropped, never an error: a list
        answers every link, an edited one shows the list unfiltered."""
        def text(name: str) -> str:
            return str(args.get(name) or "").strip()

        tier_raw = text("tier").upper().lstrip("P")
        tier = int(tier_raw) if poverty and tier_raw.isdigit() and int(tier_raw) in (1, 2, 3, 4) else None
        form = text("form")
        category = text("category")
        state = text("state")
        return cls(q=text("q")[:MAX_QUERY], hamlet=text("hamlet")[:100],
                   category=category if poverty and category in CATEGORIES else "",
                   form=form if form in SUPPORT_FORM_LABELS else "", tier=tier,
                   state=state if state in states else "", archived=text("archived") == "1",
                   prior=text("prior") if text("prior") in PRIOR_FILTER_LABELS else "", personal=personal,
                   poverty=poverty)

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query-string arguments these filters come from (unused ones left out), with
        ``changes`` applied first: ``url_for(endpoint, **filters.args(state="approved"))``."""
        f = replace(self, **changes) if changes else self
        out: dict[str, Any] = {"q": f.q, "hamlet": f.hamlet, "category": f.category, "form": f.form,
                               "tier": f.tier, "state": f.state, "archived": "1" if f.archived else "",
                               "prior": f.prior}
        return {k: v for k, v in out.items() if v not in ("", None)}

    @property
    def active(self) -> bool:
        """True when any filter is used (the page then offers "Bỏ lọc")."""
        return bool(self.args())

    def describe(self) -> str:
        """The filters in words, as printed under a list's title: "Ấp: Ấp Phú Hòa; Trạng thái: Đã
        được phê duyệt; Hình thức: Gói hỗ trợ kết hợp"; "" when none is used."""
        parts: list[str] = []
        if self.hamlet:
            parts.append(f"{FILTER_LABELS['hamlet']}: {self.hamlet}")
        if self.category:
            parts.append(f"{FILTER_LABELS['category']}: {CATEGORY_LABELS.get(self.category, OFF_LIST_FILTER_LABEL)}")
        if self.tier:
            parts.append(f"{FILTER_LABELS['tier']}: {TIER_LABELS[self.tier]}")
        if self.form:
            parts.append(f"{FILTER_LABELS['form']}: {SUPPORT_FORM_LABELS[self.form].column}")
        if self.state:
            label = STATE_LABELS.get(self.state) or RECEIPT_STATUS_LABELS.get(self.state, self.state)
            parts.append(f"{FILTER_LABELS['state']}: {label}")
        if self.prior:
            parts.append(f"{FILTER_LABELS['prior']}: {PRIOR_FILTER_LABELS[self.prior]}")
        if self.q:
            parts.append(f"{FILTER_LABELS['q']}: «{self.q}»")
        if self.archived:
            parts.append(FILTER_LABELS["archived"])
        return "; ".join(parts)


@dataclass(frozen=True)
class Column:
    """One column of an exported list: its ``title``; its ``kind`` — "text" (kept exactly as
    typed: CCCD, phone, codes and numbers of documents are text cells in Excel, so their leading
    zeros stay), "int", "date" (a datetime.date, dd/mm/yyyy), or "blank" (an empty column to
    fill in by hand on paper); and its ``width`` in millimetres on the landscape PDF (scaled to the
    frame; the Excel column is about half as many characters wide). ``one_line``: a value read
    as a whole (a CCCD, a phone number, a tracking code) that the PDF never wraps: its column
    is widened to its longest value, and a value that still cannot fit is printed smaller."""

    title: str
    kind: str = "text"
    width: float = 12
    one_line: bool = False


@dataclass
class ExportTable:
    """A list to export. ``key``: which list (labels.EXPORT_LIST_LABELS); ``title``: printed in
    capitals; ``filters``: ListFilters.describe() of the page ("" = the whole list); ``columns``;
    ``rows``: one sequence of cell values per row, in the page's order (a generator is read once);
    ``count``: how many rows there are (counted before the rows are read: printed in the total and
    written to the audit log); ``date``: the day it was taken; ``prepared_by``: the full name of
    who took it ("" leaves the line blank to sign by hand); ``notes``: lines printed under the
    title; ``signers``: the PDF's signature blocks as (role, hint, typed name), by default the
    preparer's alone ("NGƯỜI LẬP DANH SÁCH")."""

    key: str
    title: str
    filters: str
    columns: tuple[Column, ...]
    rows: Iterable[Sequence[Any]]
    count: int
    date: dt.date
    prepared_by: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    signers: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)

    @property
    def headers(self) -> list[str]:
        return [c.title for c in self.columns]


def tier_short(tier: int | None) -> str:
    """A tier as a narrow column shows it: "P1" … "P4"; "" when the application has none yet."""
    return f"P{tier}" if tier else ""
