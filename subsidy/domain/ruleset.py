"""A rule set as plain data: the legal parameters of one rule-set version and its period.

A rule-set document (``subsidy/rulesets/*.json``, stored in ``rule_sets``) says which poverty
categories qualify (E1), the poverty standard that applies to each list year (E1's citation), the
support amount and the cash purchase cut-off (E5), which earlier devices count with the phones
against the number of poor and near-poor households (the quota ceiling, domain.md §3), the
priority order (P1–P4) and the citation printed with each rule. A later circular is a new rule-set
document, not a code change (domain.md §1).

**Period.** A rule set is in force from ``effective_from``; ``effective_to`` is usually empty:
Thông tư 14/2022/TT-BTTTT names no end, so it stays in force until a successor rule set is loaded,
and then the successor takes over from its own ``effective_from`` (:func:`effective_until`,
:func:`pick_in_force`). Only a date that no loaded rule set covers has no rule set.

Pure Python: imports neither Flask nor SQLAlchemy.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from subsidy.domain import vn
from subsidy.domain.labels import CATEGORY_LABELS, CATEGORY_WORDS, PRIOR_DEVICE_WORDS

#: Priority criteria a rule set may name, in the words of domain.md §3: the two family criteria, then
#: each poverty category (a tier of the households of that category).
CRITERIA = ("meritorious", "social_policy", *CATEGORY_LABELS)

#: Default tier definitions of Thông tư 14/2022 (domain.md §3), used when a rule-set document
#: does not spell them out.
DEFAULT_PRIORITY: dict[str, dict[str, str]] = {
    "P1": {"criterion": "meritorious", "label": "Hộ nghèo/cận nghèo có người có công với cách mạng"},
    "P2": {"criterion": "social_policy", "label": "Hộ nghèo/cận nghèo thuộc gia đình chính sách xã hội"},
    "P3": {"criterion": "poor", "label": "Hộ nghèo"},
    "P4": {"criterion": "near_poor", "label": "Hộ cận nghèo"},
}


def as_date(value: Any) -> dt.date | None:
    """A date from a rule-set document (ISO text), a date or a datetime; None for empty."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


# --------------------------------------------------------------------------------------------
# Rule set
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    """One priority tier: its id ("P1"), the criterion it tests (one of CRITERIA), a label."""

    id: str
    criterion: str
    label: str


@dataclass(frozen=True)
class PovertyStandard:
    """The poverty standard under which the lists of the years ``from_year``..``to_year``
    (inclusive; ``to_year`` None: open) were drawn up, as E1 cites it, e.g. 2022–2025:
    "chuẩn nghèo đa chiều giai đoạn 2022–2025 (Nghị định 07/2021/NĐ-CP)"."""

    from_year: int
    to_year: int | None
    text: str

    def covers(self, year: int) -> bool:
        return self.from_year <= year and (self.to_year is None or year <= self.to_year)


#: Earlier devices that count with the phones against the number of poor and near-poor households
#: (domain.md §3), when a rule-set document does not say: programme tablets and «Sóng và máy tính
#: cho em» learning devices.
DEFAULT_QUOTA_DEVICES: tuple[str, ...] = ("vtci_tablet", "learning_device")

#: How documents and pages name the programme and its legal text, for the stored versions of Thông tư
#: 14/2022/TT-BTTTT written before the documents carried ``short_name`` and ``programme_line`` (a stored
#: version is never rewritten). A successor rule set states its own.
TT14_WORDING: dict[str, str] = {
    "short_name": "Thông tư 14/2022/TT-BTTTT",
    "programme_line": ("Chương trình cung cấp dịch vụ viễn thông công ích đến năm 2025 "
                       "(Thông tư số 14/2022/TT-BTTTT)"),
}


def _wording(doc: Mapping[str, Any]) -> tuple[str, str]:
    """(short_name, programme_line) of a rule-set document: its own, else Thông tư 14/2022's for its
    versions stored without them, else the legal source up to its first comma and a programme line
    naming it."""
    fallback = TT14_WORDING if str(doc.get("id", "")).upper().startswith("TT14-2022") else {}
    short = str(doc.get("short_name") or fallback.get("short_name")
                or str(doc.get("legal_source") or "").split(",")[0]).strip()
    line = str(doc.get("programme_line") or fallback.get("programme_line")
               or f"Chương trình cung cấp dịch vụ viễn thông công ích ({short})").strip()
    return short, line


@dataclass(frozen=True)
class RuleSetSpec:
    """The legal parameters of one rule-set version (the ``rule_sets`` row, as plain data).

    ``eligible_categories``: poverty categories that pass E1 (``"poor"``, ``"near_poor"``).
    ``support_amount``: cash support per household, in đồng (int). ``cash_cutoff``: E5 — a phone
    bought on or after this date qualifies. ``priority``: the tiers in order, highest first; a
    household's tier number is the 1-based position of the first tier whose criterion it meets.
    ``citations``: rule id → citation text printed with the rule's result. ``poverty_standards``:
    the standard of each list year, added to E1's citation (:meth:`e1_citation`).
    ``quota_devices``: the prior devices (``Household.prior_device`` codes) that count with the
    phones against the quota ceiling (domain.md §3). ``short_name``: the legal text as pages and
    notes name it ("Thông tư 14/2022/TT-BTTTT"); ``programme_line``: the line under a list's title
    naming the programme and its text ("Chương trình cung cấp dịch vụ viễn thông công ích đến năm 2025
    (Thông tư số 14/2022/TT-BTTTT)").
    """

    code: str
    version: int
    title: str
    legal_source: str
    effective_from: dt.date
    effective_to: dt.date | None
    eligible_categories: tuple[str, ...]
    support_amount: int
    cash_cutoff: dt.date
    priority: tuple[Tier, ...]
    citations: Mapping[str, str] = field(default_factory=dict)
    poverty_standards: tuple[PovertyStandard, ...] = ()
    quota_devices: tuple[str, ...] = DEFAULT_QUOTA_DEVICES
    short_name: str = ""
    programme_line: str = ""

    @property
    def priority_order(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.priority)

    @property
    def label(self) -> str:
        return f"{self.code} v{self.version}"

    def citation(self, rule: str) -> str:
        """The citation printed with rule ``rule``'s result (the rule set's legal source when the
        document gives none)."""
        return self.citations.get(rule) or self.legal_source

    def poverty_standard(self, year: int) -> PovertyStandard | None:
        """The standard the list of ``year`` was drawn up under, or None when the rule set names
        none for that year (a standard newer than the rule set)."""
        return next((p for p in self.poverty_standards if p.covers(year)), None)

    def e1_citation(self, year: int) -> str:
        """E1's citation for the list of ``year``: the rule's citation, then the list and the
        poverty standard it was drawn up under (Nghị định 07/2021/NĐ-CP for 2022–2025, kept for
        2026 by Nghị định 351/2025/NĐ-CP; a new standard from 2027), e.g. "…; danh sách hộ nghèo,
        hộ cận nghèo năm 2026 theo chuẩn nghèo …". A document without ``poverty_standards`` (an
        older version) keeps its single E1 citation; a year no standard covers says so."""
        base = self.citation("E1")
        if not self.poverty_standards:
            return base
        standard = self.poverty_standard(year)
        if standard is None:
            return (f"{base}; danh sách hộ nghèo, hộ cận nghèo năm {year} (bộ quy tắc {self.label} chưa ghi "
                    f"chuẩn nghèo áp dụng cho năm {year})")
        return f"{base}; danh sách hộ nghèo, hộ cận nghèo năm {year} theo {standard.text}"

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> "RuleSetSpec":
        """Build from a rule-set document (the shipped JSON; see subsidy/rulesets/tt14-2022.json).

        Required keys: id, version, title, legal_source, effective_from (ISO date),
        eligible_categories, support_amount (int đồng > 0), cash_cutoff (ISO date),
        priority_order (e.g. ["P1","P2","P3","P4"]). Optional: effective_to, priority
        ({tier id: {criterion, label}}; defaults to DEFAULT_PRIORITY), citations ({rule id: text}),
        short_name and programme_line (defaults: :func:`_wording`).
        Raises ValueError (message in Vietnamese) naming the first bad or missing key.
        """
        missing = [k for k in ("id", "version", "title", "legal_source", "effective_from",
                               "eligible_categories", "support_amount", "cash_cutoff", "priority_order")
                   if k not in doc or doc[k] in (None, "")]
        if missing:
            raise ValueError(f"Tệp bộ quy tắc thiếu trường: {', '.join(missing)}.")
        try:
            version = int(doc["version"])
            amount = doc["support_amount"]
            if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
                raise ValueError("support_amount")
            effective_from = as_date(doc["effective_from"])
            effective_to = as_date(doc.get("effective_to"))
            cutoff = as_date(doc["cash_cutoff"])
        except (TypeError, ValueError) as err:
            raise ValueError(
                "Tệp bộ quy tắc có giá trị không hợp lệ (version là số nguyên, support_amount là số đồng "
                f"nguyên dương, ngày theo dạng YYYY-MM-DD): {err}."
            ) from err
        if version < 1:
            raise ValueError("Phiên bản (version) của bộ quy tắc phải từ 1 trở lên.")
        if effective_to is not None and effective_from is not None and effective_to < effective_from:
            raise ValueError("Ngày hết hiệu lực (effective_to) phải sau ngày có hiệu lực (effective_from).")
        categories = tuple(doc["eligible_categories"])
        bad = [c for c in categories if c not in CATEGORY_WORDS]
        if not categories or bad:
            raise ValueError(f"Loại hộ không hợp lệ trong eligible_categories: {bad or '(trống)'}; "
                             f"chỉ dùng {', '.join(CATEGORY_WORDS)}.")
        defs = {**DEFAULT_PRIORITY, **(doc.get("priority") or {})}
        tiers = []
        for tid in doc["priority_order"]:
            d = defs.get(tid)
            if not d or d.get("criterion") not in CRITERIA:
                raise ValueError(f"Mức ưu tiên «{tid}» chưa có tiêu chí hợp lệ ({', '.join(CRITERIA)}).")
            tiers.append(Tier(str(tid), d["criterion"], d.get("label") or str(tid)))
        if not tiers or len({t.id for t in tiers}) != len(tiers) or len(tiers) > 4:
            raise ValueError("priority_order phải có từ 1 đến 4 mức ưu tiên khác nhau.")
        standards = _standards(doc.get("poverty_standards") or ())
        devices = tuple(doc.get("quota_devices", DEFAULT_QUOTA_DEVICES))
        bad = [d for d in devices if d not in PRIOR_DEVICE_WORDS]
        if bad:
            raise ValueError(f"Thiết bị không hợp lệ trong quota_devices: {bad}; chỉ dùng "
                             f"{', '.join(PRIOR_DEVICE_WORDS)}.")
        return cls(
            code=str(doc["id"]), version=version, title=str(doc["title"]),
            legal_source=str(doc["legal_source"]), effective_from=effective_from,  # type: ignore[arg-type]
            effective_to=effective_to, eligible_categories=categories, support_amount=amount,
            cash_cutoff=cutoff,  # type: ignore[arg-type]
            priority=tuple(tiers), citations=dict(doc.get("citations") or {}),
            poverty_standards=standards, quota_devices=devices,
            short_name=_wording(doc)[0], programme_line=_wording(doc)[1],
        )


def _standards(items: Iterable[Mapping[str, Any]]) -> tuple[PovertyStandard, ...]:
    """The ``poverty_standards`` of a document: [{"from_year", "to_year" (or null), "text"}].
    Raises ValueError (Vietnamese) for a missing text, a bad year or two standards for one year."""
    out: list[PovertyStandard] = []
    for item in items:
        try:
            start = int(item["from_year"])
            end = None if item.get("to_year") in (None, "") else int(item["to_year"])
            text = str(item["text"]).strip()
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError("Mỗi mục của poverty_standards cần from_year (năm), to_year (năm hoặc null) và "
                             f"text (căn cứ chuẩn nghèo): {err}.") from err
        if not text or (end is not None and end < start):
            raise ValueError(f"Chuẩn nghèo từ năm {start} không hợp lệ (thiếu căn cứ, hoặc to_year trước from_year).")
        far = 10_000  # an open end, as a year
        if any(o.from_year <= (end or far) and start <= (o.to_year or far) for o in out):
            raise ValueError(f"Hai chuẩn nghèo cùng áp dụng cho một năm (từ năm {start}).")
        out.append(PovertyStandard(start, end, text))
    return tuple(sorted(out, key=lambda p: p.from_year))


# --------------------------------------------------------------------------------------------
# Period: a rule set stays in force until its successor takes over
# --------------------------------------------------------------------------------------------


def effective_until(spec: RuleSetSpec, loaded: Iterable[RuleSetSpec]) -> dt.date | None:
    """The last day ``spec`` is in force among the ``loaded`` rule sets: the day before the
    earliest later ``effective_from`` of another rule set (its successor), or ``spec.effective_to``
    when that comes first; None while nothing replaces it and it names no end (Thông tư
    14/2022/TT-BTTTT stays in force until a successor rule set is loaded)."""
    ends = [o.effective_from - dt.timedelta(days=1) for o in loaded
            if o.code != spec.code and o.effective_from > spec.effective_from]
    if spec.effective_to is not None:
        ends.append(spec.effective_to)
    return min(ends) if ends else None


def successor(spec: RuleSetSpec, loaded: Iterable[RuleSetSpec]) -> RuleSetSpec | None:
    """The rule set that takes over from ``spec`` (the earliest later effective_from, then the
    highest version), or None."""
    later = [o for o in loaded if o.code != spec.code and o.effective_from > spec.effective_from]
    return min(later, key=lambda o: (o.effective_from, -o.version)) if later else None


def pick_in_force(loaded: Sequence[RuleSetSpec], on: dt.date) -> RuleSetSpec | None:
    """The rule set in force on ``on``: among those with effective_from ≤ on ≤ effective_to (open
    end), the latest effective_from, then the highest version; None when no loaded rule set covers
    ``on`` (before the first one, or after an end date with no successor)."""
    covering = [s for s in loaded if s.effective_from <= on and (s.effective_to is None or on <= s.effective_to)]
    return max(covering, key=lambda s: (s.effective_from, s.version)) if covering else None


def period_text(spec: RuleSetSpec, loaded: Iterable[RuleSetSpec]) -> str:
    """The effective period as staff read it: "Từ ngày 12/12/2022, chưa có ngày hết hiệu lực (áp
    dụng cho đến khi nạp bộ quy tắc thay thế)", or "Từ ngày 12/12/2022 đến hết ngày 31/12/2026;
    từ ngày 01/01/2027 áp dụng <successor>"."""
    loaded = list(loaded)
    start = f"Từ ngày {vn.format_date(spec.effective_from)}"
    until = effective_until(spec, loaded)
    if until is None:
        return f"{start}, chưa có ngày hết hiệu lực (áp dụng cho đến khi nạp bộ quy tắc thay thế)"
    nxt = successor(spec, loaded)
    if nxt is not None and nxt.effective_from == until + dt.timedelta(days=1):
        return (f"{start} đến hết ngày {vn.format_date(until)}; từ ngày {vn.format_date(nxt.effective_from)} "
                f"áp dụng {nxt.label} ({nxt.legal_source})")
    return f"{start} đến hết ngày {vn.format_date(until)}; sau ngày đó chưa có bộ quy tắc nào được nạp"


