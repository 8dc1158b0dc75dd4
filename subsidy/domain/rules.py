"""Eligibility (E1–E5) and priority (P1–P4) for smartphone support, as pure functions over plain data.

Source: Thông tư 14/2022/TT-BTTTT (28/10/2022, in force 12/12/2022), Chương IV, Mục 2, as
summarised in docs/domain.md §2 (eligibility), §3 (priority) and §4 (forms of support).

The legal parameters are **data**: a :class:`RuleSetSpec` built from a versioned rule-set
document (``subsidy/rulesets/*.json``, stored in the ``rule_sets`` table) says which poverty
categories qualify, the support amount, the cash purchase cut-off date, the priority order and the
citation printed with each rule. A later circular is a new rule-set version, not a code change.

Input: :class:`Facts` (what the household and the application say, as of one check date).
Output: :class:`Decision` with the outcome ``eligible`` / ``not_eligible`` / ``undecided``, the
priority tier and, for every rule, its id, status (``passed`` / ``failed`` / ``unknown`` /
``not_applicable``), a Vietnamese explanation naming the fact that decided it, and the citation.

Outcome: any failed rule → ``not_eligible`` (a definite failure decides even when another rule
cannot be decided); otherwise any unknown rule → ``undecided`` ("cannot decide"; ``missing``
names what is missing); otherwise ``eligible``. Nothing ever passes silently.

Pure Python: imports neither Flask nor SQLAlchemy.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any, Iterable, Mapping, TypeVar

from subsidy.domain import vn
from subsidy.domain.labels import CATEGORY_WORDS, PRIOR_DEVICE_WORDS, rule_title
from subsidy.domain.ruleset import (  # noqa: F401 - the rule set's types, re-exported for callers of rules
    CRITERIA, DEFAULT_PRIORITY, PovertyStandard, RuleSetSpec, Tier, as_date,
)

PASSED = "passed"
FAILED = "failed"
UNKNOWN = "unknown"
NOT_APPLICABLE = "not_applicable"

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
UNDECIDED = "undecided"

# --------------------------------------------------------------------------------------------
# Facts and results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What one check knows, as of ``check_date`` (its year is the year E1 asks about).

    Household (from the registry): ``category`` ("poor" / "near_poor" / None), ``list_year`` (the
    year of the list it is on), ``list_decision`` (the commune chairman's decision, text),
    ``list_status`` ("not_listed" when the household's record of ``list_year`` says it is not on
    that year's list, with ``list_note`` the recorded reason; else None),
    ``meritorious``, ``social_policy``, ``prior_device`` ("unknown" / "none" / "vtci_tablet" /
    "learning_device") with ``prior_device_detail`` and ``prior_device_date``.
    Allocation (E2): ``phones_allocated_on``, the date of the allocation the commune's phones
    came from (None while no phone has been allocated).
    Application: ``has_applied``, ``tracking_code``, ``received_on``, ``support_form``
    ("package" / "cash"), ``purchase_date`` (cash), ``approved_list`` (decision number and date of
    the approved list it is on, when there is one).
    Support already given (E4): ``live_handovers`` and ``live_cash_payments`` of this household
    (not voided), ``other_supported_applications`` (tracking codes of its other applications that
    were handed over or paid).
    """

    check_date: dt.date
    category: str | None = None
    list_year: int | None = None
    list_decision: str | None = None
    list_status: str | None = None
    list_note: str | None = None
    meritorious: bool = False
    social_policy: bool = False
    prior_device: str = "unknown"
    prior_device_detail: str | None = None
    prior_device_date: dt.date | None = None
    phones_allocated_on: dt.date | None = None
    has_applied: bool = True
    tracking_code: str | None = None
    received_on: dt.date | None = None
    support_form: str = "package"
    purchase_date: dt.date | None = None
    approved_list: str | None = None
    live_handovers: int = 0
    live_cash_payments: int = 0
    other_supported_applications: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready snapshot (dates as ISO strings) — stored with each decision."""
        out = {}
        for k in _FACT_FIELDS:  # shallow (dataclasses.asdict deep-copies: 10× slower)
            v = getattr(self, k)
            if isinstance(v, dt.date):
                v = v.isoformat()
            elif isinstance(v, tuple):
                v = list(v)
            out[k] = v
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Facts":
        """Inverse of :meth:`to_dict` (unknown keys are ignored)."""
        names = cls.__dataclass_fields__.keys()
        kw = {k: v for k, v in d.items() if k in names}
        for k in ("check_date", "prior_device_date", "phones_allocated_on", "received_on", "purchase_date"):
            if k in kw:
                kw[k] = as_date(kw[k])
        if "other_supported_applications" in kw:
            kw["other_supported_applications"] = tuple(kw["other_supported_applications"] or ())
        return cls(**kw)


_FACT_FIELDS = tuple(f.name for f in fields(Facts))


@dataclass(frozen=True)
class RuleResult:
    """One rule's verdict: ``rule`` (E1…E5), ``status``, ``explanation`` (Vietnamese, naming the
    deciding fact), ``citation`` (legal source), ``fact`` (the Facts field that decided),
    ``missing`` (what must be recorded before the rule can decide; only for ``unknown``)."""

    rule: str
    status: str
    explanation: str
    citation: str
    fact: str
    missing: str | None = None

    @property
    def title(self) -> str:
        return rule_title(self.rule)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "status": self.status, "explanation": self.explanation,
                "citation": self.citation, "fact": self.fact, "missing": self.missing, "title": self.title}


@dataclass(frozen=True)
class Decision:
    """The engine's answer: ``outcome`` (eligible / not_eligible / undecided), ``tier`` (1–4, the
    position in the rule set's priority order, or None when the category is not known or not
    eligible), ``tier_id`` ("P1"…), the per-rule ``results``, the ids of ``failed`` rules and
    the ``missing`` facts (what to record so that an undecided check can decide)."""

    outcome: str
    tier: int | None
    tier_id: str | None
    results: tuple[RuleResult, ...]
    failed: tuple[str, ...]
    missing: tuple[str, ...]
    rule_set: str

    @property
    def eligible(self) -> bool:
        return self.outcome == ELIGIBLE

    def results_as_dicts(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.results]


# --------------------------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------------------------


def rule_e1(f: Facts, rs: RuleSetSpec) -> RuleResult:
    """E1 — poor or near-poor household on the list in force for the year of the check
    (domain.md §2; Nghị định 07/2021/NĐ-CP standard). No category, or a list of another year →
    unknown ("no poverty status for this year"); recorded as not on the year's list (left
    poverty, or absent from the commune's complete list of the year) → failed with the recorded
    reason; a category the rule set does not cover → failed.
    The citation names the list of that year and its poverty standard (RuleSetSpec.e1_citation)."""
    year = f.check_date.year
    cite = rs.e1_citation(year)
    allowed = " hoặc ".join(CATEGORY_WORDS[c] for c in rs.eligible_categories)
    if f.list_status == "not_listed" and f.list_year == year:
        why = f" {f.list_note}" if f.list_note else ""
        return RuleResult("E1", FAILED,
                          f"Hộ không có tên trong danh sách hộ nghèo, hộ cận nghèo năm {year}.{why}", cite, "list_status")
    if f.category is None:
        return RuleResult("E1", UNKNOWN,
                          "Chưa có phân loại hộ (nghèo/cận nghèo) của hộ trong sổ; chưa kết luận được.",
                          cite, "category", f"phân loại hộ nghèo/cận nghèo năm {year}")
    if f.list_year is None or f.list_year != year:
        seen = f"danh sách năm {f.list_year}" if f.list_year else "danh sách không rõ năm"
        return RuleResult("E1", UNKNOWN,
                          f"Hộ có tên trong {seen}; chưa có tình trạng hộ nghèo/cận nghèo của năm {year} "
                          f"(ngày kiểm tra {vn.format_date(f.check_date)}).",
                          cite, "list_year", f"tình trạng hộ nghèo/cận nghèo năm {year} (danh sách rà soát năm {year})")
    decision = f" theo {f.list_decision}" if f.list_decision else ""
    if f.category not in rs.eligible_categories:
        return RuleResult("E1", FAILED,
                          f"Phân loại hộ năm {year} là «{CATEGORY_WORDS.get(f.category, f.category)}», bộ quy tắc này chỉ hỗ trợ {allowed}.", cite, "category")
    return RuleResult("E1", PASSED,
                      f"Là {CATEGORY_WORDS[f.category]} trong danh sách năm {year}{decision}.", cite, "category")


def rule_e2(f: Facts, rs: RuleSetSpec) -> RuleResult:
    """E2 — no tablet from the programme and no online-learning device from «Sóng và máy tính cho
    em», counted up to the allocation of phones to the locality (domain.md §2): a device received
    **before** ``phones_allocated_on`` counts (failed); one received on or after that date does not
    (passed); while no phone has been allocated every device received so far counts (failed).
    Not recorded, or a device whose date is not known → unknown (the date decides)."""
    cite = rs.citation("E2")
    if f.prior_device == "none":
        return RuleResult("E2", PASSED,
                          "Hộ khai chưa nhận máy tính bảng của Chương trình hay thiết bị học tập trực tuyến.",
                          cite, "prior_device")
    if f.prior_device not in PRIOR_DEVICE_WORDS:
        return RuleResult("E2", UNKNOWN,
                          "Chưa ghi nhận hộ đã từng nhận máy tính bảng hoặc thiết bị học tập trực tuyến hay chưa.",
                          cite, "prior_device", "việc hộ đã nhận máy tính bảng/thiết bị học tập trực tuyến hay chưa")
    device = PRIOR_DEVICE_WORDS[f.prior_device] + (f" ({f.prior_device_detail})" if f.prior_device_detail else "")
    allocated = (f"ngày phân bổ điện thoại cho địa phương ({vn.format_date(f.phones_allocated_on)})"
                 if f.phones_allocated_on else "")
    if f.prior_device_date is None:
        return RuleResult("E2", UNKNOWN,
                          f"Hộ đã nhận {device} nhưng chưa ghi ngày nhận; thiết bị chỉ được tính nếu nhận trước "
                          f"{allocated or 'ngày phân bổ điện thoại cho địa phương'}.",
                          cite, "prior_device_date", "ngày hộ nhận máy tính bảng/thiết bị học tập trực tuyến")
    when = vn.format_date(f.prior_device_date)
    if f.phones_allocated_on is None:
        return RuleResult("E2", FAILED,
                          f"Hộ đã nhận {device} ngày {when}; địa phương chưa được phân bổ điện thoại nên thiết bị "
                          "này được tính.", cite, "prior_device_date")
    if f.prior_device_date < f.phones_allocated_on:
        return RuleResult("E2", FAILED, f"Hộ đã nhận {device} ngày {when}, trước {allocated}.",
                          cite, "prior_device_date")
    return RuleResult("E2", PASSED,
                      f"Hộ nhận {device} ngày {when}, không trước {allocated}, nên thiết bị này không được tính.",
                      cite, "prior_device_date")


def rule_e3(f: Facts, rs: RuleSetSpec) -> RuleResult:
    """E3 — the household asks for support (has applied) and is on a list approved by the
    competent authority (domain.md §2).

    At check time the approval cannot exist yet: it is the step after the proposal list. So E3
    **passes on the application alone** and its explanation says that the approval is the next
    step; the approval itself is enforced by the workflow (only an application on an approved list
    reaches ``approved``, and only an approved one can be handed over or paid) and, when the facts
    carry ``approved_list``, the explanation names the decision. No application → failed.
    """
    cite = rs.citation("E3")
    if not f.has_applied:
        return RuleResult("E3", FAILED, "Hộ chưa nộp hồ sơ đề nghị hỗ trợ.", cite, "has_applied")
    when = f" ngày {vn.format_date(f.received_on)}" if f.received_on else ""
    code = f" (mã {f.tracking_code})" if f.tracking_code else ""
    if f.approved_list:
        return RuleResult("E3", PASSED,
                          f"Hộ đã nộp hồ sơ{when}{code} và có tên trong danh sách được phê duyệt ({f.approved_list}).",
                          cite, "approved_list")
    return RuleResult("E3", PASSED,
                      f"Hộ đã nộp hồ sơ{when}{code}. Việc có tên trong danh sách được cấp có thẩm quyền phê duyệt "
                      "là bước tiếp theo (lập và phê duyệt danh sách đề nghị).",
                      cite, "has_applied")


def rule_e4(f: Facts, rs: RuleSetSpec) -> RuleResult:
    """E4 — support once per household: no live (not voided) handover or cash payment for this
    household and no other application of it already handed over or paid (domain.md §2, §4)."""
    cite = rs.citation("E4")
    reasons = []
    if f.live_handovers:
        reasons.append(f"đã có {f.live_handovers} biên bản bàn giao điện thoại còn hiệu lực")
    if f.live_cash_payments:
        reasons.append(f"đã có {f.live_cash_payments} khoản chi hỗ trợ bằng tiền còn hiệu lực")
    if f.other_supported_applications:
        reasons.append("đã được hỗ trợ theo hồ sơ " + ", ".join(f.other_supported_applications))
    if reasons:
        return RuleResult("E4", FAILED, "Hộ " + "; ".join(reasons) + " (mỗi hộ chỉ được hỗ trợ một lần).",
                          cite, "live_handovers" if f.live_handovers else
                          ("live_cash_payments" if f.live_cash_payments else "other_supported_applications"))
    return RuleResult("E4", PASSED,
                      "Hộ chưa nhận điện thoại hay tiền hỗ trợ nào của Chương trình (không có biên bản bàn giao "
                      "hay khoản chi còn hiệu lực).", cite, "live_handovers")


def rule_e5(f: Facts, rs: RuleSetSpec) -> RuleResult:
    """E5 — cash form only: the household bought its smartphone itself on or after the rule set's
    cut-off (12/12/2022 under Thông tư 14/2022; domain.md §2, §4). Package form → not applicable;
    cash without a purchase date → unknown; before the cut-off → failed; on or after → passed."""
    cite = rs.citation("E5")
    cutoff = vn.format_date(rs.cash_cutoff)
    if f.support_form != "cash":
        return RuleResult("E5", NOT_APPLICABLE,
                          "Hộ đề nghị gói hỗ trợ kết hợp (nhận máy), nên điều kiện về ngày tự mua máy không áp dụng.",
                          cite, "support_form")
    if f.purchase_date is None:
        return RuleResult("E5", UNKNOWN,
                          f"Hộ đề nghị hỗ trợ bằng tiền nhưng chưa ghi ngày mua điện thoại (phải từ {cutoff} trở đi).",
                          cite, "purchase_date", "ngày hộ tự mua điện thoại (hỗ trợ bằng tiền)")
    if f.purchase_date < rs.cash_cutoff:
        return RuleResult("E5", FAILED,
                          f"Hộ mua điện thoại ngày {vn.format_date(f.purchase_date)}, trước ngày {cutoff}; "
                          f"không được hỗ trợ {vn.format_money(rs.support_amount)} đồng.", cite, "purchase_date")
    return RuleResult("E5", PASSED,
                      f"Hộ tự mua điện thoại ngày {vn.format_date(f.purchase_date)}, từ ngày {cutoff} trở đi; "
                      f"mức hỗ trợ {vn.format_money(rs.support_amount)} đồng.", cite, "purchase_date")


RULES = (rule_e1, rule_e2, rule_e3, rule_e4, rule_e5)


# --------------------------------------------------------------------------------------------
# Priority and the decision
# --------------------------------------------------------------------------------------------


def _meets(criterion: str, f: Facts) -> bool:
    if criterion == "meritorious":
        return bool(f.meritorious)
    if criterion == "social_policy":
        return bool(f.social_policy)
    return f.category == criterion


def priority_tier(f: Facts, rs: RuleSetSpec) -> tuple[int, str] | None:
    """(tier number, tier id) of a household, or None when its category is unknown or not eligible.

    Tiers are tried in the rule set's priority order (Thông tư 14/2022: P1 meritorious family,
    P2 social-policy family, P3 poor, P4 near-poor — all of them poor or near-poor households;
    domain.md §3); the number is the 1-based position of the first tier whose criterion holds.
    """
    if f.category not in rs.eligible_categories:
        return None
    for i, tier in enumerate(rs.priority, start=1):
        if _meets(tier.criterion, f):
            return i, tier.id
    return None


def decide(f: Facts, rs: RuleSetSpec) -> Decision:
    """Run E1–E5 on ``f`` under ``rs`` and return the Decision (see the module docstring for the
    outcome rule). Pure and deterministic; raises nothing for any Facts."""
    results = tuple(rule(f, rs) for rule in RULES)
    failed = tuple(r.rule for r in results if r.status == FAILED)
    missing = tuple(r.missing for r in results if r.status == UNKNOWN and r.missing)
    if failed:
        outcome = NOT_ELIGIBLE
    elif any(r.status == UNKNOWN for r in results):
        outcome = UNDECIDED
    else:
        outcome = ELIGIBLE
    tier = priority_tier(f, rs)
    return Decision(outcome, tier[0] if tier else None, tier[1] if tier else None,
                    results, failed, missing, rs.label)


# --------------------------------------------------------------------------------------------
# Ranking
# --------------------------------------------------------------------------------------------


def rank_key(tier: int | None, received_on: dt.date, seq: int) -> tuple[int, dt.date, int]:
    """Sort key of an application in priority order (domain.md §3): tier (1 first; no tier last),
    then the earlier application (``received_on``), then ``seq`` (the application's id: the one
    recorded first) so that the order is total."""
    return (tier if tier is not None else 99, received_on, seq)


T = TypeVar("T")


def rank(items: Iterable[T], key_of=None) -> list[T]:
    """``items`` in priority order. Each item is a (tier, received_on, seq) tuple, or anything when
    ``key_of(item) -> (tier, received_on, seq)`` is given."""
    if key_of is None:
        return sorted(items, key=lambda t: rank_key(*t))  # type: ignore[misc]
    return sorted(items, key=lambda t: rank_key(*key_of(t)))


def outcome_summary(outcome: str, failed: Iterable[str], missing: Iterable[str]) -> str:
    """The one Vietnamese sentence that goes with an outcome (the application page's box, the flash
    after a check, the audit note), so that it never contradicts the outcome label: ``undecided`` →
    "Chưa kết luận được. Cần bổ sung: …."; ``not_eligible`` with facts still missing → the failed
    rules decide and the missing facts are named as not changing that (domain.md §2: a definite
    failure decides; what cannot be decided is still named, never passed over); otherwise "".
    ``failed``: rule ids ("E2"); ``missing``: the rules' ``missing`` wordings, in rule order."""
    failed, missing = list(failed), list(missing)
    if outcome == UNDECIDED:
        return "Chưa kết luận được. " + (f"Cần bổ sung: {'; '.join(missing)}." if missing
                                          else "Có điều kiện chưa xác định được.")
    if outcome == NOT_ELIGIBLE and missing:
        return (f"Không đủ điều kiện vì không đạt {', '.join(failed)}. Còn thiếu {'; '.join(missing)}, "
                "nhưng bổ sung cũng không thay đổi kết luận này.")
    return ""


def missing_summary(decision: Decision) -> str:
    """:func:`outcome_summary` of ``decision``; "" when nothing is missing."""
    return outcome_summary(decision.outcome, decision.failed, decision.missing)


def tier_label(spec: RuleSetSpec, tier: int | None) -> str:
    """"P3 — Hộ nghèo" for tier 3 under ``spec``; "" when None or out of range."""
    if tier is None or not 1 <= tier <= len(spec.priority):
        return ""
    t = spec.priority[tier - 1]
    return f"{t.id} — {t.label}"
