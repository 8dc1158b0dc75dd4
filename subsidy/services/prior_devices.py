"""Prior-device support (E2) recorded for many households at once.

A commune's list rarely says whether each household already received a programme tablet or a
"Sóng và máy tính cho em" device, so every imported household starts "not recorded" and the first
check of each says it cannot decide (E2). When the commune knows that a whole set of households
received nothing (e.g. the hamlet's list checked with the school), the clerk records "no prior
device received" for the households the household list's filter shows, in one confirmed action.

Only households whose answer is still "not recorded" are changed: a device already recorded is
never overwritten by a bulk action. Each household changed gets its own audit entry
("household.prior_device", [unknown → none], the reason), written in bulk.
"""
from __future__ import annotations

from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.orm import Session

from subsidy.models import Household, User
from subsidy.services import audit
from subsidy.services.errors import FieldError, ServiceError
from subsidy.services.households import household_conditions

UNKNOWN, NONE = "unknown", "none"


def _conditions(query: str, hamlet: str | None, category: str | None, personal: bool) -> list:
    """The household list's filter (archived households left out; the search as far as the
    searcher sees numbers, ``personal``) and prior device not recorded."""
    return [*household_conditions(query, hamlet, category, personal=personal), Household.prior_device == UNKNOWN]


#: The household list's "Thiết bị đã nhận" filter (domain.labels.PRIOR_FILTER_LABELS): value → the
#: stored answers it shows.
PRIOR_FILTERS: dict[str, tuple[str, ...]] = {
    "unknown": (UNKNOWN,), "none": (NONE,), "received": ("vtci_tablet", "learning_device"),
}


def with_prior_filter(stmt: Select, prior: str | None) -> Select:
    """``stmt`` (a SELECT of households) narrowed to the answers of PRIOR_FILTERS[``prior``]; an
    unknown or empty ``prior`` leaves it as it is."""
    values = PRIOR_FILTERS.get(prior or "")
    return stmt.where(Household.prior_device.in_(values)) if values else stmt


def count_unrecorded(session: Session, query: str = "", hamlet: str | None = None, category: str | None = None,
                     *, personal: bool = False) -> int:
    """How many households the filter shows whose prior device is not recorded yet (``personal``:
    the searcher sees CCCD and phone in full, households.search_condition)."""
    return session.scalar(select(func.count()).select_from(Household)
                          .where(and_(*_conditions(query, hamlet, category, personal)))) or 0


def mark_no_prior_device(session: Session, actor: User | None, *, expected: int, reason: str, query: str = "",
                         hamlet: str | None = None, category: str | None = None, personal: bool = False) -> int:
    """Record "no prior device received" (E2) for every household the filter (``query``,
    ``hamlet``, ``category``, ``personal`` as the household list) shows whose answer is not recorded yet.

    ``expected``: the number the clerk confirmed on the page; when the set has changed since
    (another clerk recorded or imported meanwhile) nothing is changed and ServiceError says the new
    number, so the clerk confirms what is really done. ``reason``: required (e.g. "Đối chiếu danh
    sách trường, ấp Phú Hòa"; FieldError of ``reason`` when empty). Returns the number of households
    changed. Raises ServiceError.
    Source: domain.md §2 (E2).
    """
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("Chưa ghi căn cứ: hãy ghi vì sao biết các hộ này chưa nhận thiết bị nào (ví dụ: đã đối "
                         "chiếu danh sách nhận máy tính bảng của trường).", "reason")
    ids = list(session.scalars(select(Household.id).where(and_(*_conditions(query, hamlet, category, personal)))
                               .with_for_update()))
    if not ids:
        raise ServiceError("Không có hộ nào đang lọc mà chưa ghi thiết bị đã nhận.")
    if len(ids) != expected:
        raise ServiceError(f"Danh sách đã thay đổi: nay có {len(ids)} hộ chưa ghi thiết bị (không phải {expected}). "
                           "Hãy xem lại danh sách rồi xác nhận lại.")
    for start in range(0, len(ids), 1000):
        session.execute(update(Household).where(Household.id.in_(ids[start:start + 1000]),
                                                Household.prior_device == UNKNOWN)
                        .values(prior_device=NONE, prior_device_detail=None, prior_device_date=None))
    audit.record_many(session, actor, "household.prior_device", "household",
                      [(i, {"prior_device": [UNKNOWN, NONE]}, f"Ghi hàng loạt: {reason}") for i in ids])
    session.flush()
    return len(ids)
