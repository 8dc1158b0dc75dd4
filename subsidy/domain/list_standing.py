"""A household's poverty status in force for a year (domain.md §2 E1: "on the list in force for
the year"), worked out from what the registry holds: the household's latest list (category and
list year) and its per-year status records (the annual review's answer, "not_listed" when a
commune's complete new list left it out or a «hộ thoát nghèo» sheet named it).

One home for the question "is this household on the list in force for year Y, and which list was
it last on?": the eligibility facts (services.facts → rule E1), the household pages, the list
exports and the JSON API all ask :func:`standing_for_year`. Pure Python.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from subsidy.domain.labels import CATEGORY_LABELS
from subsidy.domain.labels.sentence import in_sentence
from subsidy.domain.scope import POVERTY_HIDDEN
from subsidy.domain.labels.standing import (
    LAST_LISTED_CELL, LAST_LISTED_DETAIL, LISTED_DETAIL, NEVER_LISTED_DETAIL, NOT_LISTED_LABEL, NOT_LISTED_SHORT,
    UNCLASSIFIED_LABEL,
)

NOT_LISTED = "not_listed"


@dataclass(frozen=True)
class YearRecord:
    """One status record of a household (models.HouseholdStatus): ``status`` a category code or
    "not_listed"; ``note`` the recorded reason of a "not_listed" year; the decision, when known."""

    year: int
    status: str
    note: str | None = None
    decision_number: str | None = None
    decision_date: object = None


@dataclass(frozen=True)
class Standing:
    """The household's status in force for ``year``.

    ``status``: a category code ("poor", "near_poor", …), "not_listed", or None (no category on
    file); ``list_year``: the year of the list (or record) that decided it, None when unknown;
    ``record``: the status record that decided it, None when the household's own columns did;
    ``last_category`` / ``last_year``: for "not_listed", the category and year of the last list
    before it that named the household (None when none did); ``hidden``: withheld from a reader
    who does not see poverty status (domain.scope.sees_poverty_status; :func:`withheld`) — every
    text is then scope.POVERTY_HIDDEN and ``status`` None.
    """

    year: int
    status: str | None
    list_year: int | None = None
    record: YearRecord | None = None
    last_category: str | None = None
    last_year: int | None = None
    hidden: bool = False

    @property
    def not_listed(self) -> bool:
        """Recorded as not on the list in force for ``year``."""
        return self.status == NOT_LISTED

    @property
    def category(self) -> str | None:
        """The category in force (None when not on the list or not classified)."""
        return None if self.status in (None, NOT_LISTED) else self.status

    @property
    def badge(self) -> str:
        """Short words for a badge: "Hộ nghèo", "Không có trong danh sách năm 2026", "Chưa phân loại"."""
        if self.hidden:
            return POVERTY_HIDDEN
        if self.not_listed:
            return NOT_LISTED_LABEL.format(year=self.list_year)
        if self.status is None:
            return UNCLASSIFIED_LABEL
        return CATEGORY_LABELS.get(self.status, self.status)

    @property
    def detail(self) -> str:
        """What goes beside the badge: "danh sách năm 2025"; for "not_listed", "lần cuối có tên:
        hộ nghèo, danh sách năm 2025" (or that no earlier list named it); "" when unknown or hidden."""
        if self.not_listed:
            if self.last_year is None:
                return NEVER_LISTED_DETAIL
            cat = CATEGORY_LABELS.get(self.last_category or "", self.last_category or "")
            return LAST_LISTED_DETAIL.format(category=in_sentence(cat), year=self.last_year)
        return LISTED_DETAIL.format(year=self.list_year) if self.status and self.list_year else ""

    @property
    def text(self) -> str:
        """One cell of the exports: the badge, and for "not_listed" the last list in brackets:
        "Không có trong danh sách năm 2026 (lần cuối có tên: hộ nghèo, danh sách năm 2025)";
        "Hộ nghèo"; "Chưa phân loại"."""
        return f"{self.badge} ({self.detail})" if self.not_listed else self.badge

    @property
    def short(self) -> str:
        """The badge in a narrow cell (the lists' copies): "Ngoài danh sách 2026" for "not_listed"
        (labels.standing.NOT_LISTED_NOTE says what it means), else the badge."""
        return NOT_LISTED_SHORT.format(year=self.list_year) if self.not_listed else self.badge

    @property
    def last_listed(self) -> str:
        """The exports' «Lần cuối có tên» cell: for "not_listed", the category and year of the
        last list that named the household ("Hộ nghèo (2025)"); "" otherwise or when none did;
        POVERTY_HIDDEN when hidden (a blank would read as «never off the list»)."""
        if self.hidden:
            return POVERTY_HIDDEN
        if not self.not_listed or self.last_year is None:
            return ""
        return LAST_LISTED_CELL.format(category=CATEGORY_LABELS.get(self.last_category or "", self.last_category or ""),
                                       year=self.last_year)

    @property
    def css(self) -> str:
        """The badge's class suffix: the category code, "off" (not on the list), "none" or "hidden"."""
        if self.hidden:
            return "hidden"
        return "off" if self.not_listed else (self.status or "none")


def withheld(year: int) -> Standing:
    """The standing shown for ``year`` to a reader who does not see poverty status
    (domain.scope.sees_poverty_status): no status, every text scope.POVERTY_HIDDEN."""
    return Standing(year, None, hidden=True)


def standing_for_year(category: str | None, list_year: int | None, records: Iterable[YearRecord],
                      year: int) -> Standing:
    """The household's status in force for ``year`` (E1's question, domain.md §2).

    ``category`` / ``list_year``: the household's columns (its latest list; ``category`` keeps the
    category of the last list it was on); ``records``: its per-year status records (any years).

    The latest of the records and the household's own list dated at or before ``year`` decides
    (a record wins over the columns for the same year). So a record of ``year`` itself always
    decides; a later year's list (a list imported ahead, for next year) does not. With nothing
    dated at or before ``year``, the household's columns decide as they are (a category with a
    list of another year, or none: E1 then cannot decide for ``year``).
    Never raises.
    """
    records = tuple(records)
    if not records:  # the columns decide as they are, dated before the year or not
        return Standing(year, category, list_year)
    dated: dict[int, YearRecord] = {}
    columns = YearRecord(list_year, category) if category is not None and list_year is not None else None
    if columns is not None:
        dated[columns.year] = columns
    for r in records:
        dated[r.year] = r
    past = sorted(y for y in dated if y <= year)
    if not past:
        return Standing(year, category, list_year)
    deciding = dated[past[-1]]
    record = None if deciding is columns else deciding
    if deciding.status != NOT_LISTED:
        return Standing(year, deciding.status, deciding.year, record)
    last = next((dated[y] for y in reversed(past[:-1]) if dated[y].status != NOT_LISTED), None)
    return Standing(year, NOT_LISTED, deciding.year, record,
                    last.status if last else None, last.year if last else None)
