"""What the public status check tells an applicant about each state, in plain Vietnamese.

For every state of the workflow (domain/workflow.py, domain.md §5) a short headline ("where the
application stands") and one sentence on what happens next. The wording is for a villager reading
on a phone: no jargon, no internal state names, nothing about poverty category or eligibility
rules (those are explained at the commune office, not on a public page).

Pure Python: imports neither Flask nor SQLAlchemy.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from subsidy.domain.calendar import today_vn
from subsidy.domain.complaints.deadlines import rulebook_for
from subsidy.domain.workflow import State


@dataclass(frozen=True)
class PublicStep:
    """``headline``: where the application stands; ``next_step``: what happens next (one sentence)."""

    headline: str
    next_step: str


_OFFICE = "Bộ phận tiếp nhận và trả kết quả của Ủy ban nhân dân xã"

PUBLIC_STEPS: dict[str, PublicStep] = {
    State.received.value: PublicStep(
        "Xã đã nhận hồ sơ của hộ.",
        "Cán bộ xã đang kiểm tra hộ có đủ điều kiện nhận hỗ trợ hay không; hộ chưa cần làm gì thêm.",
    ),
    State.eligible.value: PublicStep(
        "Hộ đủ điều kiện nhận hỗ trợ.",
        "Xã sẽ đưa hồ sơ vào danh sách đề nghị gửi cấp trên phê duyệt; nếu số máy được giao chưa đủ, "
        "hồ sơ chờ theo thứ tự ưu tiên.",
    ),
    State.not_eligible.value: PublicStep(
        "Hồ sơ chưa đủ điều kiện nhận hỗ trợ.",
        f"Để biết lý do hoặc bổ sung giấy tờ, mời chủ hộ đến {_OFFICE}.",
    ),
    State.proposed.value: PublicStep(
        "Hồ sơ đã có trong danh sách đề nghị của xã.",
        "Danh sách đang chờ cấp có thẩm quyền phê duyệt; xã sẽ báo cho hộ khi có kết quả.",
    ),
    State.approved.value: PublicStep(
        "Hồ sơ đã được duyệt, chờ nhận điện thoại.",
        "Xã sẽ báo thời gian và địa điểm nhận máy; khi đi, chủ hộ (hoặc người trong hộ) mang theo "
        "căn cước để ký biên bản bàn giao.",
    ),
    State.handed_over.value: PublicStep(
        "Hộ đã nhận điện thoại.",
        "Xã đang hoàn tất hồ sơ; hộ không cần làm gì thêm.",
    ),
    State.paid.value: PublicStep(
        "Hộ đã nhận tiền hỗ trợ.",
        "Xã đang hoàn tất hồ sơ; hộ không cần làm gì thêm.",
    ),
    State.closed.value: PublicStep(
        "Hồ sơ đã hoàn tất.",
        "Hộ đã được hỗ trợ; mỗi hộ chỉ được hỗ trợ một lần nên không cần làm gì thêm.",
    ),
    State.withdrawn.value: PublicStep(
        "Hồ sơ đã được rút theo đề nghị của hộ.",
        f"Nếu muốn đăng ký lại, mời chủ hộ đến {_OFFICE}.",
    ),
    State.refused.value: PublicStep(
        "Hồ sơ không được chấp thuận.",
        # the right to complain (Luật Khiếu nại 2011, Điều 9); {filing_days} is filled by public_step
        # from rulesets/complaints/deadlines.json "filing", the one home of that figure
        f"Để biết lý do, mời chủ hộ đến {_OFFICE}. Nếu không đồng ý, chủ hộ có quyền khiếu nại: nộp đơn "
        f"hoặc đến trình bày trực tiếp tại {_OFFICE} trong vòng {{filing_days}} ngày kể từ ngày biết hồ sơ "
        "không được chấp thuận; xã ghi nhận đơn và trả lời theo Luật Khiếu nại.",
    ),
}

# Received and not checked yet: what the check will ask is not known, so the page promises nothing
# either way (a cash application without its purchase date will need one).
_RECEIVED_UNCHECKED = PublicStep(
    "Xã đã nhận hồ sơ của hộ.",
    "Cán bộ xã sẽ kiểm tra hộ có đủ điều kiện nhận hỗ trợ hay không; nếu hộ cần bổ sung giấy tờ, "
    "trang này sẽ ghi rõ cần mang gì.",
)

#: What the household itself must bring or tell the commune for a fact the eligibility check could
#: not decide without (the ``fact`` of an ``unknown`` rules.RuleResult), in words for the household:
#: the purchase date of the cash form (E5), its declaration of earlier devices and their date (E2).
#: The other facts a check may miss (the year's poverty status, E1) are the commune's to record:
#: the household has nothing to bring for them.
HOUSEHOLD_SUPPLIES: dict[str, str] = {
    "prior_device": ("cho biết hộ đã từng nhận máy tính bảng hoặc thiết bị học tập trực tuyến (máy tính bảng, "
                     "máy tính) từ chương trình hỗ trợ nào chưa"),
    "prior_device_date": "ngày hộ nhận máy tính bảng hoặc thiết bị học tập trực tuyến (giấy tờ bàn giao, nếu có)",
    "purchase_date": "hóa đơn hoặc giấy tờ mua điện thoại có ghi ngày mua (hộ tự mua máy, nhận hỗ trợ bằng tiền)",
}


def household_pending(outcome: str | None, results: Any) -> tuple[str, ...]:
    """The facts the household must supply (keys of :data:`HOUSEHOLD_SUPPLIES`, in rule order)
    for the latest eligibility check of its application: ``outcome`` ("undecided" only; any other
    outcome, or None for no check, gives ``()``) and its ``results`` as stored (dicts with
    ``status`` and ``fact``, rules.RuleResult.to_dict). Never raises for malformed results."""
    if outcome != "undecided" or not isinstance(results, list):
        return ()
    facts = (r.get("fact") for r in results if isinstance(r, dict) and r.get("status") == "unknown")
    return tuple(dict.fromkeys(f for f in facts if f in HOUSEHOLD_SUPPLIES))


# The cash form (hỗ trợ bằng tiền, domain.md §4) waits for money, not for a phone.
_APPROVED_CASH = PublicStep(
    "Hồ sơ đã được duyệt, chờ nhận tiền hỗ trợ.",
    "Xã sẽ báo thời gian và địa điểm nhận tiền; khi đi, chủ hộ (hoặc người trong hộ) mang theo "
    "căn cước để ký giấy biên nhận.",
)


def public_step(state: str, support_form: str | None = None, on: dt.date | None = None, *,
                checked: bool = True, pending: tuple[str, ...] = ()) -> PublicStep:
    """The headline and next-step sentence for ``state`` (a workflow state value).

    ``support_form`` ("package" | "cash") only changes the approved state's wording (a phone to
    collect vs money to collect). A refusal's sentence names the filing window (days) of the
    complaint rules in force on ``on`` (default today in Việt Nam; Luật Khiếu nại 2011, Điều 9).
    A received application follows its latest eligibility check: ``checked`` False (none yet)
    promises nothing; ``pending`` (:func:`household_pending` of an undecided check) names what the
    household must bring to the commune office, in words for the household and no personal data;
    an undecided check the household can do nothing about (the poverty status of the year) keeps
    «hộ chưa cần làm gì thêm». Raises ValueError for an unknown state or an unknown pending fact.
    Source: domain.md §2 (a check that cannot decide names what is missing), §5.
    """
    state = State(state).value
    if state == State.received.value and pending:
        unknown = [p for p in pending if p not in HOUSEHOLD_SUPPLIES]
        if unknown:
            raise ValueError(f"not a fact the household supplies: {unknown}")
        items = "; ".join(HOUSEHOLD_SUPPLIES[p] for p in pending)
        return PublicStep("Xã đã nhận hồ sơ; hộ cần bổ sung thông tin để xã xét tiếp.",
                          f"Mời chủ hộ (hoặc người trong hộ) đến {_OFFICE} để bổ sung: {items}. Khi đã bổ sung "
                          "đủ, cán bộ xã kiểm tra tiếp hộ có đủ điều kiện nhận hỗ trợ hay không.")
    if state == State.received.value and not checked:
        return _RECEIVED_UNCHECKED
    if state == State.approved.value and support_form == "cash":
        return _APPROVED_CASH
    step = PUBLIC_STEPS[state]
    if state == State.refused.value:
        days = rulebook_for(on or today_vn()).rule("filing").days
        step = replace(step, next_step=step.next_step.format(filing_days=days))
    return step


def parse_second_fact(raw: str | None) -> tuple[str, str]:
    """Split what the applicant typed in the second box into (kind, value).

    ``"5678"`` (exactly 4 digits, spaces ignored) → ("id4", "5678"), the last 4 digits of the
    head's CCCD; a mobile number in any usual form ("0912 345 678", "+84 912 345 678") →
    ("phone", "0912345678"). Raises ValueError (Vietnamese message) for anything else.
    Source: domain.md §9 (CCCD, Phone).
    """
    from subsidy.domain.vn import VnValueError, normalize_phone

    text = unicodedata.normalize("NFKC", raw or "").strip()
    compact = "".join(text.split())
    if len(compact) == 4 and compact.isascii() and compact.isdigit():
        return "id4", compact
    try:
        return "phone", normalize_phone(text)
    except VnValueError:
        raise ValueError(
            "Hãy nhập 4 số cuối căn cước (CCCD) của chủ hộ, hoặc số điện thoại di động 10 số đã đăng ký."
        ) from None
