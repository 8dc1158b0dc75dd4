"""The tables of a tally or an annual report (``sections``), the model every renderer prints: the
PDF (subsidy.documents.tally), the XLSX, CSV and JSON (subsidy.documents.tally_export) and the
screen, so the formats cannot disagree (architecture.md "Reports"). Pure: the report dataclasses
of subsidy.domain.reports in, plain data out.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from subsidy.domain.calendar import VN_TZ
from subsidy.domain.reports import FIGURE_COLUMNS, QUOTA_LABELS, AnnualReport, Breakdown, Figures, Tally

#: What the renderers take: a tally or an annual report.
Report = Tally | AnnualReport


@dataclass(frozen=True)
class Section:
    """One table: ``kinds`` per column is "text", "count" or "money" (int đồng).

    ``rows`` and ``totals`` hold raw values (str / int / None); renderers format them.
    ``sheet``: a short sheet name (≤ 31 characters, Excel's limit).
    """

    key: str
    title: str
    sheet: str
    header: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    totals: tuple[Any, ...] | None = None
    note: str | None = None


_FIG_HEADER = tuple(label for _f, label, _k in FIGURE_COLUMNS)
_FIG_KINDS = tuple(kind for _f, _l, kind in FIGURE_COLUMNS)


def _fig(f: Figures) -> tuple[int, ...]:
    return tuple(getattr(f, name) for name, _l, _k in FIGURE_COLUMNS)


#: How voids are counted (docs/tally.md), under the first table of figures: a tester read
#: "Bàn giao điện thoại 0 · Hủy bàn giao 1" in one row as a contradiction.
VOIDS_NOTE = ("«Bàn giao điện thoại», «Chi hỗ trợ tiền»: lần bàn giao, lần chi trong kỳ còn hiệu lực đến hết "
              "kỳ (lập rồi hủy ngay trong kỳ thì không tính). «Hủy bàn giao», «Hủy chi tiền»: biên bản, giấy "
              "biên nhận bị hủy trong kỳ, kể cả biên bản lập ở kỳ trước (kỳ trước vẫn giữ số đã báo cáo). "
              "Vì vậy không lấy số bàn giao trừ số hủy của cùng dòng; số hộ đã được hỗ trợ là cột «Đã hỗ trợ "
              "(còn hiệu lực)».")


def _breakdown_section(key: str, b: Breakdown, totals_label: str = "Tổng cộng", note: str | None = None) -> Section:
    return Section(
        key=key, title=b.title, sheet=b.title,
        header=(b.key_title,) + _FIG_HEADER, kinds=("text",) + _FIG_KINDS,
        rows=tuple((r.label,) + _fig(r.figures) for r in b.rows),
        totals=(totals_label,) + _fig(b.total),
        note=note,
    )


def _common_sections(t: Tally) -> list[Section]:
    reasons = Section(
        key="not_eligible_by_rule", title="Không đủ điều kiện theo lý do", sheet="Lý do không đủ điều kiện",
        header=("Quy tắc", "Nội dung", "Số hồ sơ"), kinds=("text", "text", "count"),
        rows=tuple((r.rule, r.label, r.count) for r in t.not_eligible_by_rule),
        totals=("", "Số hồ sơ không đủ điều kiện", t.totals.not_eligible),
        note="Một hồ sơ không đạt nhiều điều kiện được tính ở mỗi điều kiện không đạt.",
    )
    q = t.quota.as_dict()
    quota = Section(
        key="quota", title=f"Chỉ tiêu phân bổ (đến hết ngày {t.period.end:%d/%m/%Y})", sheet="Chỉ tiêu phân bổ",
        header=("Chỉ tiêu", "Số lượng"), kinds=("text", "count"),
        rows=tuple((label, q[k]) for k, label in QUOTA_LABELS),
        note="Đã sử dụng = đang trong danh sách đề nghị + đã phê duyệt chưa hỗ trợ + đã hỗ trợ; "
             "còn lại = số máy được phân bổ − đã sử dụng.",
    )
    return [
        _breakdown_section("by_hamlet", t.by_hamlet, note=VOIDS_NOTE),
        _breakdown_section("by_category", t.by_category),
        _breakdown_section("by_tier", t.by_tier),
        reasons,
        quota,
    ]


def sections(report: Report) -> list[Section]:
    """The tables of a tally or an annual report, in printing order.

    Tally: by hamlet, by category, by priority tier (each with its "Tổng cộng" row), not
    eligible by reason, quota. AnnualReport: per month (totals row "Cả năm" = the year computed as
    one period), year to date per month (totals row = since the programme's start), then the
    year's breakdowns, reasons and quota.
    """
    if isinstance(report, Tally):
        return _common_sections(report)
    y = report.year_number
    months = Section(
        key="months", title=f"Theo tháng năm {y}", sheet="Theo tháng",
        header=("Tháng",) + _FIG_HEADER, kinds=("text",) + _FIG_KINDS,
        rows=tuple((m.label,) + _fig(m.figures) for m in report.months),
        totals=(f"Cả năm {y}",) + _fig(report.year.totals),
        # short: how voids are counted is said once, under the table by hamlet (VOIDS_NOTE)
        note="Dòng «Cả năm» tính một lần cho cả năm: hồ sơ phát sinh ở nhiều tháng chỉ tính một lần; "
             "«Đang chờ» là số cuối kỳ. Cách tính bàn giao, chi tiền và việc hủy: xem ghi chú dưới bảng theo ấp.",
    )
    ytd = Section(
        key="year_to_date", title=f"Lũy kế từ đầu năm {y} đến hết từng tháng", sheet="Lũy kế trong năm",
        header=("Đến hết",) + _FIG_HEADER, kinds=("text",) + _FIG_KINDS,
        rows=tuple((m.label,) + _fig(m.year_to_date) for m in report.months),
        totals=("Lũy kế từ đầu chương trình",) + _fig(report.cumulative),
    )
    return [months, ytd] + _common_sections(report.year)


def period_end(report: Report) -> dt.date:
    """The last day a tally or an annual report covers (the date its rule set is looked up on)."""
    return report.period.end if isinstance(report, Tally) else report.year.period.end


def as_of_text(report: Report) -> str:
    """"Số liệu tính đến 09:15 ngày 30/11/2026" (local time of ``generated_at``)."""
    local = report.generated_at.astimezone(VN_TZ)
    return f"Số liệu tính đến {local:%H:%M} ngày {local:%d/%m/%Y}"


def meta_lines(report: Report) -> list[str]:
    """Title, period and "as of" lines printed above the tables in every format."""
    return [report.title, report.period_label, as_of_text(report)]
