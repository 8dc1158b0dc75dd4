"""The reports' data: the monthly tally, the annual report and the commune radio's counts as
frozen dataclasses (domain.md §7, §8). Pure: services/tally fills them from SQL aggregates; the
documents (PDF, XLSX, CSV, JSON), the screens and the API only render them, so every format
carries the same numbers. What each figure counts: docs/tally.md.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from subsidy.domain.calendar import local_midnight

#: The figures of one row, in display order: (field, Vietnamese column title, "count" | "money").
FIGURE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("received", "Tiếp nhận", "count"),
    ("eligible", "Đủ điều kiện", "count"),
    ("not_eligible", "Không đủ điều kiện", "count"),
    ("proposed", "Đưa vào DS đề nghị", "count"),
    ("approved", "Được phê duyệt", "count"),
    ("handed_over", "Bàn giao điện thoại", "count"),
    ("handovers_voided", "Hủy bàn giao", "count"),
    ("paid", "Chi hỗ trợ tiền", "count"),
    ("payments_voided", "Hủy chi tiền", "count"),
    ("amount_paid", "Số tiền đã chi (đồng)", "money"),
    ("amount_voided", "Số tiền hủy chi (đồng)", "money"),
    ("supported", "Đã hỗ trợ (còn hiệu lực)", "count"),
    ("waiting", "Đang chờ (cuối kỳ)", "count"),
)

QUOTA_LABELS: tuple[tuple[str, str], ...] = (
    ("allocated", "Số máy được phân bổ"),
    ("proposed", "Đang trong danh sách đề nghị"),
    ("approved", "Đã phê duyệt, chưa hỗ trợ"),
    ("supported", "Đã hỗ trợ (còn hiệu lực)"),
    ("used", "Đã sử dụng"),
    ("left", "Còn lại"),
)


@dataclass(frozen=True)
class Figures:
    """The figures of one row (a hamlet, a category, a tier, a month or the totals).

    Counts are numbers of applications (= households: one application per household per
    programme); amounts are int đồng. Definitions: docs/tally.md.
    """

    received: int = 0
    eligible: int = 0
    not_eligible: int = 0
    proposed: int = 0
    approved: int = 0
    handed_over: int = 0
    handovers_voided: int = 0
    paid: int = 0
    payments_voided: int = 0
    amount_paid: int = 0
    amount_voided: int = 0
    supported: int = 0
    waiting: int = 0

    def as_dict(self) -> dict[str, int]:
        """{field: value} in FIGURE_FIELDS order (the JSON export's shape)."""
        return dataclasses.asdict(self)

    def __add__(self, other: "Figures") -> "Figures":
        """Field by field sum (for counts that add up, e.g. two disjoint periods)."""
        return Figures(**{f: getattr(self, f) + getattr(other, f) for f in FIGURE_FIELDS})


FIGURE_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Figures))
assert FIGURE_FIELDS == tuple(c[0] for c in FIGURE_COLUMNS)


@dataclass(frozen=True)
class Row:
    """One row of a breakdown: ``key`` is the raw value (hamlet name, "poor", tier 1–4, or None),
    ``label`` the Vietnamese text printed for it."""

    key: str | int | None
    label: str
    figures: Figures


@dataclass(frozen=True)
class Breakdown:
    """A breakdown (``name`` "hamlet" | "category" | "tier") with its rows and their total."""

    name: str
    title: str
    key_title: str
    rows: tuple[Row, ...]
    total: Figures


@dataclass(frozen=True)
class RuleCount:
    """Applications not eligible because of ``rule`` (e.g. "E2") in the period."""

    rule: str
    label: str
    count: int


@dataclass(frozen=True)
class Quota:
    """The commune's quota at the end of the period (phones allocated vs committed), in units."""

    allocated: int
    proposed: int
    approved: int
    supported: int

    @property
    def used(self) -> int:
        return self.proposed + self.approved + self.supported

    @property
    def left(self) -> int:
        return self.allocated - self.used

    def as_dict(self) -> dict[str, int]:
        """{allocated, proposed, approved, supported, used, left} in QUOTA_LABELS order."""
        return {k: getattr(self, k) for k, _ in QUOTA_LABELS}


@dataclass(frozen=True)
class Period:
    """Local dates, both inclusive; ``start`` None = from the programme's start (cumulative).

    ``start_at`` / ``end_at``: the aware UTC instants of 00:00 local on ``start`` and on the day
    after ``end`` (timestamps t count when start_at <= t < end_at).
    """

    start: dt.date | None
    end: dt.date

    @property
    def start_at(self) -> dt.datetime | None:
        return None if self.start is None else local_midnight(self.start)

    @property
    def end_at(self) -> dt.datetime:
        return local_midnight(self.end + dt.timedelta(days=1))


@dataclass(frozen=True)
class ComplaintCounts:
    """Complaints, petitions and denunciations of a period (services.tally.complaints): ``received``
    (received in the period), ``resolved`` (decided, answered, refused or forwarded in it) and
    ``overdue`` (cases with a legal time limit of the authority's falling in the period and missed:
    done after it, or not done by the period's end)."""

    received: int
    resolved: int
    overdue: int


@dataclass(frozen=True)
class Tally:
    """The tally of one period: totals, three breakdowns, reasons, quota (domain.md §7).

    ``kind``: "month" (one month), "cumulative" (programme start → end of ``month``), "year"
    or "period" (any dates). ``month``: "YYYY-MM" for month/cumulative, else None.
    ``generated_at``: aware UTC time the figures were read ("as of").
    """

    kind: str
    month: str | None
    period: Period
    title: str
    period_label: str
    generated_at: dt.datetime
    totals: Figures
    by_hamlet: Breakdown
    by_category: Breakdown
    by_tier: Breakdown
    not_eligible_by_rule: tuple[RuleCount, ...]
    quota: Quota
    #: The complaints register's counts of the period (None: not counted, e.g. a province sum).
    complaints: ComplaintCounts | None = None

    @property
    def breakdowns(self) -> tuple[Breakdown, Breakdown, Breakdown]:
        return (self.by_hamlet, self.by_category, self.by_tier)


@dataclass(frozen=True)
class MonthRow:
    """One month of the annual report: the month's own figures and the year to date."""

    month: int
    label: str
    period: Period
    figures: Figures
    year_to_date: Figures


@dataclass(frozen=True)
class AnnualReport:
    """The annual report (due before 10 November; domain.md §1, §7) for ``year``.

    ``months``: January up to the last month begun (or December), each with its figures and the
    year to date; ``year``: the whole year (to today if it has not ended) as one period, with its
    breakdowns and quota; ``cumulative``: totals from the programme's start to the same end.
    """

    year_number: int
    title: str
    period_label: str
    generated_at: dt.datetime
    months: tuple[MonthRow, ...]
    year: Tally
    cumulative: Figures


@dataclass(frozen=True)
class RadioCounts:
    """Counts for the commune radio (domain.md §8): never a person, only numbers.

    ``as_of``: the local date the counts are for (end of that day). ``supported_total``: households
    supported so far (handovers + cash payments standing at the end of ``as_of``, net of voids),
    of which ``supported_handed_over`` phones and ``supported_paid`` cash; ``supported_this_month``:
    those made in the month of ``as_of`` (1st → ``as_of``) and standing; ``per_hamlet``: [(hamlet,
    supported so far)] for every hamlet known (configured or on a household), zeros included;
    ``waiting``: eligible and not yet proposed; ``quota_allocated`` / ``quota_left``: as in the
    tally's Quota. Equal to the figures of ``tally_period(session, None, as_of)``.
    """

    as_of: dt.date
    generated_at: dt.datetime
    supported_total: int
    supported_handed_over: int
    supported_paid: int
    supported_this_month: int
    per_hamlet: tuple[tuple[str, int], ...]
    waiting: int
    quota_allocated: int
    quota_used: int
    quota_left: int
