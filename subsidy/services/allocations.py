"""Allocations of phones to a commune (its quota), the waiting list, promotion when a place frees.
Every figure is one commune's (its own households, allocations and applications; domain.md §10).

The ministry allocates phones to each province from its count of poor and near-poor households and
the province divides them down (domain.md §3): the commune records each allocation (number, date,
source document). The total allocated may not exceed the number of poor and near-poor households
on file, counted together with the earlier tablets and learning devices those households received
(domain.md §3); a mistaken allocation is voided with a reason (never deleted) and then
counts nowhere. Places used = applications proposed, approved, handed over, paid or closed
(closed ones were handed over or paid); quota left = allocated (not voided) − used. Eligible applications not
proposed form the **waiting list**, in priority order (P1–P4, then the earlier application); the
first ``quota left`` of them are next. A withdrawal or refusal frees a place and the waiting list
moves up; services.lists.promote_waiting puts the next households on a proposal list.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.domain.vn import format_count
from subsidy.domain.calendar import today_vn
from subsidy.domain.documents import reference_key
from subsidy.domain.quantities import phones_error
from subsidy.domain.workflow import State
from subsidy.domain.scope import CommuneRequired
from subsidy.models import Allocation, Application, EligibilityDecision, Household, ProvinceAllocation, User
from subsidy.domain.ruleset import DEFAULT_QUOTA_DEVICES
from subsidy.models.scoping import default_commune_id
from subsidy.services import audit, rulesets
from subsidy.services.households import listed_in_force
from subsidy.services.errors import FieldError, NotFound, ServiceError

#: States that hold a place of the quota.
USING_QUOTA = (State.proposed.value, State.approved.value, State.handed_over.value, State.paid.value,
               State.closed.value)


@dataclass(frozen=True)
class Quota:
    """Phones allocated and how they are used; ``left`` = allocated − proposed − approved −
    handed_over − paid − closed (never below 0 in a consistent database)."""

    allocated: int
    proposed: int
    approved: int
    handed_over: int
    paid: int
    closed: int

    @property
    def used(self) -> int:
        return self.proposed + self.approved + self.handed_over + self.paid + self.closed

    @property
    def left(self) -> int:
        return self.allocated - self.used


def over_quota_message(q: Quota, asked: int) -> str:
    """The one refusal of putting households on a proposal list beyond the commune's quota
    (domain.md §3: eligible households beyond it wait, in priority order), for every way of
    proposing (one application, a new list, filling a draft): the quota (``q.allocated`` phones,
    voided allocations left out), the places already used (``q.used``: proposed, approved, handed
    over, paid, closed), the places left, the households asked for (``asked``; 0 when none is
    known: that part is left out), and what to do. Counts with dot thousands separators, e.g.
    «Vượt chỉ tiêu: xã được phân bổ 3 máy, đã dùng 1 chỗ (…), còn 2 chỗ trống, không đưa được
    4 hộ vào danh sách đề nghị. Hãy chọn tối đa 2 hộ; …»."""
    left = max(0, q.left)
    text = (f"Vượt chỉ tiêu: xã được phân bổ {format_count(q.allocated)} máy, đã dùng {format_count(q.used)} chỗ (hồ "
            f"sơ đã đề nghị, đã phê duyệt, đã bàn giao hoặc đã chi tiền), còn {format_count(left)} chỗ trống")
    text += f", không đưa được {format_count(asked)} hộ vào danh sách đề nghị." if asked > 0 else "."
    if q.allocated == 0:
        return text + (" Hãy ghi nhận phân bổ máy cho xã (số máy, ngày, văn bản phân bổ) trước; các hộ vẫn ở danh "
                       "sách chờ theo thứ tự ưu tiên.")
    if left > 0:
        return text + (f" Hãy chọn tối đa {format_count(left)} hộ; các hộ còn lại ở danh sách chờ theo thứ tự ưu "
                       "tiên.")
    return text + (" Các hộ vẫn ở danh sách chờ theo thứ tự ưu tiên và được đưa vào khi xã có thêm phân bổ, hoặc khi "
                   "có hộ rút hồ sơ hay bị từ chối.")


#: Only the allocations that count: not voided.
LIVE = Allocation.voided_at.is_(None)


def commune_of(session: Session, commune_id: int | None) -> int | None:
    """The commune a quota question is about: ``commune_id``, else the Session's or the instance's
    only commune; None (every commune: the province's sums) when there are several and none is
    chosen, or none at all yet."""
    if commune_id is not None:
        return commune_id
    try:
        return default_commune_id(session, create=False)
    except CommuneRequired:
        return None


def _in(model: type, commune_id: int | None) -> tuple:
    return () if commune_id is None else (model.commune_id == commune_id,)  # type: ignore[attr-defined]


def poor_household_count(session: Session, commune_id: int | None = None, year: int | None = None) -> int:
    """Households of the commune (default: see commune_of) poor or near-poor on the list in force
    for ``year`` (default today's; households.listed_in_force, the rule of
    list_standing.standing_for_year), not archived: the ceiling of the commune's total allocated
    (domain.md §3: the total given must not exceed the number of poor and near-poor households)."""
    commune_id = commune_of(session, commune_id)
    return int(session.scalar(select(func.count(Household.id))
                              .where(*_in(Household, commune_id), listed_in_force(year),
                                     Household.archived.is_(False))) or 0)


def other_devices_count(session: Session, on: dt.date | None = None, commune_id: int | None = None) -> int:
    """Poor and near-poor households of the commune (default: see commune_of; not archived)
    recorded as having received one of the devices that count with the phones against the ceiling
    (domain.md §3: programme tablets and «Sóng và máy tính cho em» learning devices; the rule set
    in force on ``on`` — default today — names them in ``quota_devices``)."""
    try:
        devices = rulesets.spec_of(rulesets.in_force(session, on or today_vn())).quota_devices
    except ServiceError:
        devices = DEFAULT_QUOTA_DEVICES
    if not devices:
        return 0
    commune_id = commune_of(session, commune_id)
    return int(session.scalar(select(func.count(Household.id)).where(
        *_in(Household, commune_id), listed_in_force(), Household.archived.is_(False),
        Household.prior_device.in_(devices))) or 0)


def allocated_total(session: Session, commune_id: int | None = None) -> int:
    """Phones allocated to the commune (default: see commune_of), voided allocations left out."""
    commune_id = commune_of(session, commune_id)
    return int(session.scalar(select(func.coalesce(func.sum(Allocation.quantity), 0))
                              .where(LIVE, *_in(Allocation, commune_id))) or 0)


def record_allocation(session: Session, quantity: int, allocated_on: dt.date, source_document: str,
                      actor: User | None, note: str | None = None, commune_id: int | None = None,
                      province_allocation_id: int | None = None) -> Allocation:
    """Record ``quantity`` phones allocated to the commune on ``allocated_on`` by
    ``source_document`` (e.g. "Công văn số 123/STTTT-BCVT"). Audited.

    Raises FieldError (``allocated_on``) for a date in the future or before the programme's start
    (rulesets.check_programme_date: 12/12/2022 under Thông tư 14/2022/TT-BTTTT, domain.md §1);
    FieldError (``source_document``; a share of a province allocation: ``province_allocation``)
    for a document the commune already has a live allocation of (_check_document_unused);
    ServiceError for a quantity outside 1 … quantities.MAX_PHONES, a missing source document,
    or a quantity that would bring the devices given — phones allocated (voided allocations left
    out) plus the earlier tablets and learning devices recorded on poor and near-poor households
    (other_devices_count) — above the number of poor and near-poor households on file
    (poor_household_count; domain.md §3); the message gives every number.
    """

    if error := phones_error(quantity):
        raise ServiceError(error)
    source_document = (source_document or "").strip()
    if not source_document:
        raise ServiceError("Hãy ghi văn bản phân bổ (số và ngày công văn/quyết định).")
    rulesets.check_programme_date(session, allocated_on, "Ngày phân bổ", "allocated_on")
    commune_id = commune_id if commune_id is not None else default_commune_id(session)
    lock_quota(session, commune_id)
    key = reference_key(source_document)
    _check_document_unused(session, commune_id, key, sharing=province_allocation_id is not None)
    already = allocated_total(session, commune_id)
    devices = other_devices_count(session, allocated_on, commune_id)
    ceiling = poor_household_count(session, commune_id)
    if already + quantity + devices > ceiling:
        parts = [f"{format_count(quantity)} máy này"]
        if already:
            parts.append(f"{format_count(already)} máy đã phân bổ")
        if devices:
            parts.append(f"{format_count(devices)} hộ đã nhận máy tính bảng hoặc thiết bị học tập trực tuyến")
        total = f"tổng số thiết bị hỗ trợ sẽ là {format_count(already + quantity + devices)} ({', '.join(parts)}), "
        raise ServiceError(
            f"Không ghi được phân bổ {format_count(quantity)} máy: {total}vượt số hộ nghèo, hộ cận nghèo đang có "
            f"trong sổ ({format_count(ceiling)} hộ). Tổng số điện thoại, máy tính bảng và thiết bị học tập được hỗ "
            "trợ không được vượt "
            "số hộ nghèo và cận nghèo: hãy kiểm tra lại số máy trong văn bản phân bổ, hoặc nhập đủ danh sách hộ trước."
        )
    row = Allocation(commune_id=commune_id, province_allocation_id=province_allocation_id,
                     quantity=quantity, allocated_on=allocated_on, source_document=source_document,
                     document_key=key,
                     note=(note or "").strip() or None, created_by_id=actor.id if actor is not None else None)
    session.add(row)
    session.flush()
    audit.record(session, actor, "allocation.create", "allocation", row.id,
                 {"quantity": [None, quantity], "allocated_on": [None, allocated_on],
                  "source_document": [None, source_document]})
    return row


def document_recorded(session: Session, model: type[Allocation] | type[ProvinceAllocation], key: str,
                      *where: ColumnElement[bool]) -> str | None:
    """How a refusal names the first live row of ``model`` (a commune's Allocation or a
    ProvinceAllocation) recorded by the document of reference_key ``key`` and matching ``where``:
    "«Công văn số 300/SKHCN-BCVT» đã được ghi: phân bổ 1 máy ngày 05/01/2026 (chưa hủy)" (for the
    province: "… đã được ghi: tỉnh được phân bổ 10 máy ngày …"); None when there is none. The one
    look-up of "this document is already used" for both kinds (domain.md §3: a document recorded
    twice would count its phones twice)."""
    row = session.scalar(select(model).where(model.voided_at.is_(None), model.document_key == key, *where)
                         .order_by(model.id).limit(1))
    if row is None:
        return None
    province = isinstance(row, ProvinceAllocation)
    day = row.received_on if province else row.allocated_on
    return (f"«{row.source_document}» đã được ghi: {'tỉnh được ' if province else ''}phân bổ "
            f"{format_count(row.quantity)} máy ngày {day:%d/%m/%Y} (chưa hủy)")


def _check_document_unused(session: Session, commune_id: int, key: str, *, sharing: bool) -> None:
    """Refuse a second live allocation of the commune by the same document (reference_key: one
    document however typed): a double submission, or the same document typed again, would count its
    phones twice in the quota (domain.md §3). A commune's own allocation is refused beside any live
    one of that document (its own or a share of the province's); a share of a province allocation
    only beside one the commune recorded itself, since the province may give a commune its share of
    one document in several parts. Raises FieldError (``source_document``; a share:
    ``province_allocation``) naming the allocation already recorded."""
    where = [Allocation.commune_id == commune_id]
    if sharing:
        where.append(Allocation.province_allocation_id.is_(None))
    recorded = document_recorded(session, Allocation, key, *where)
    if recorded is None:
        return
    if sharing:
        raise FieldError(f"Xã đã tự ghi phân bổ theo văn bản {recorded}; chia thêm từ văn bản này sẽ tính số máy hai "
                         "lần. Nếu phân bổ xã tự ghi là nhầm, lãnh đạo xã hủy nó trước rồi chia lại.",
                         "province_allocation")
    raise FieldError(f"Văn bản {recorded}: không ghi phân bổ theo cùng một văn bản hai lần. Nếu đây là văn bản "
                     "khác, hãy ghi đúng số và ký hiệu của nó; nếu phân bổ đã ghi bị sai, lãnh đạo hủy nó rồi "
                     "ghi lại.", "source_document")


#: The province's programme officer: records the province's allocations and gives the communes their
#: shares (services.province), and voids a share given by mistake (void_allocation).
OFFICER = "province_officer"


def void_allocation(session: Session, allocation_id: int, reason: str, actor: User | None) -> Allocation:
    """Void a mistaken allocation (a reason is required). Nothing is deleted: the row keeps its
    figures and gets ``voided_at``, ``voided_by_id``, ``void_reason``; from then on it counts in no
    quota (here, in services/tally/, and in what its province allocation has given out:
    province.given_from), so the commune's quota is recomputed from it. Audited as
    ``allocation.void``. The one rule for every voiding of a commune's allocation (domain.md §3, §10).

    Who: the commune's approver, any allocation of their commune (one it recorded itself or a
    share the province gave it); the province officer, a share of a province allocation
    (``province_allocation_id`` set, recorded by province.give_to_commune), whichever officer
    recorded it: the shares are the province's act. An allocation the commune recorded itself
    stays the commune's to void.

    Raises NotFound (also for an approver and another commune's allocation); ServiceError for
    another role, the officer and an allocation the commune recorded itself, a missing reason, an
    allocation already voided, or when what would be left allocated is below the places already
    committed (proposed + approved + handed over + paid + closed): the commune takes applications
    off its draft list first, or the right allocation is recorded before the wrong one is voided.
    """
    if actor is None or actor.role not in ("approver", OFFICER):
        raise ServiceError("Chỉ lãnh đạo xã (vai trò approver) được hủy một phân bổ của xã; cán bộ tỉnh "
                           "(province_officer) hủy được phần tỉnh đã chia cho xã.")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Hãy ghi rõ lý do hủy phân bổ (ví dụ: nhập nhầm số máy).")
    row = session.get(Allocation, allocation_id)
    if row is None or (actor.role == "approver" and actor.commune_id is not None
                       and row.commune_id != actor.commune_id):
        raise NotFound("Không có phân bổ này.")
    if actor.role == OFFICER and row.province_allocation_id is None:
        raise ServiceError(f"Phân bổ {format_count(row.quantity)} máy ({row.source_document}) do xã tự ghi, không phải "
                           "phần tỉnh chia: lãnh đạo xã hủy nó nếu ghi nhầm. Cán bộ tỉnh chỉ hủy phần tỉnh đã chia.")
    lock_quota(session, row.commune_id)
    if row.voided_at is not None:
        raise ServiceError(f"Phân bổ {format_count(row.quantity)} máy ({row.source_document}) đã được hủy rồi.")
    q = quota(session, commune_id=row.commune_id)
    if q.allocated - row.quantity < q.used:
        fix = ("Xã cần đưa bớt hồ sơ ra khỏi danh sách đề nghị trước, hoặc tỉnh chia phần đúng trước khi hủy phần sai."
               if actor.role == OFFICER else
               "Hãy đưa bớt hồ sơ ra khỏi danh sách đề nghị trước, hoặc ghi phân bổ đúng trước khi hủy phân bổ sai.")
        raise ServiceError(
            f"Không hủy được phân bổ {format_count(row.quantity)} máy: sau khi hủy chỉ còn "
            f"{format_count(q.allocated - row.quantity)} máy được phân bổ, ít hơn {format_count(q.used)} chỗ đã dùng "
            f"(đề nghị, phê duyệt, đã bàn giao hoặc đã chi). {fix}"
        )
    row.voided_at = utcnow()
    row.voided_by_id = actor.id
    row.void_reason = reason
    session.flush()
    audit.record(session, actor, "allocation.void", "allocation", row.id,
                 {"voided_at": [None, row.voided_at], "void_reason": [None, reason]}, note=reason)
    return row


def allocations(session: Session, commune_id: int | None = None) -> list[Allocation]:
    """Every allocation of the commune (default: see commune_of) recorded (voided ones included:
    nothing is deleted), oldest first."""
    commune_id = commune_of(session, commune_id)
    return list(session.scalars(select(Allocation).where(*_in(Allocation, commune_id))
                                .order_by(Allocation.allocated_on, Allocation.id)))


# The PostgreSQL advisory lock that serialises work on a commune's quota: the two-key form, "VTCI"
# in ASCII and the commune's id (0: the province's own allocations).
QUOTA_LOCK_KEY = 0x56544349


def lock_quota(session: Session, commune_id: int | None) -> None:
    """Serialise the transactions that check and change the quota (record or void an allocation,
    propose): on PostgreSQL a transaction-level advisory lock, held until commit or rollback. It
    covers the very first allocation too, when there is no allocation row to lock: with row locks
    (FOR UPDATE) two clerks entering the first allocation at once could both pass the ceiling.
    SQLite serialises writers already (BEGIN IMMEDIATE), so nothing is done there."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(QUOTA_LOCK_KEY, commune_id or 0)))


def quota(session: Session, *, lock: bool = False, commune_id: int | None = None) -> Quota:
    """The commune's quota now (default commune: see commune_of; voided allocations left out).
    ``lock=True`` (used before proposing) takes the commune's quota lock (lock_quota) so
    that two clerks proposing at once cannot both use the last place."""
    commune_id = commune_of(session, commune_id)
    if lock:
        lock_quota(session, commune_id)
    allocated = allocated_total(session, commune_id)
    by_state = dict(session.execute(select(Application.state, func.count())
                                    .where(*_in(Application, commune_id), Application.state.in_(USING_QUOTA))
                                    .group_by(Application.state)).all())
    return Quota(int(allocated), by_state.get("proposed", 0), by_state.get("approved", 0),
                 by_state.get("handed_over", 0), by_state.get("paid", 0), by_state.get("closed", 0))


def _latest_outcome():
    latest = (select(func.max(EligibilityDecision.id))
              .where(EligibilityDecision.application_id == Application.id).correlate(Application).scalar_subquery())
    return select(EligibilityDecision.outcome).where(EligibilityDecision.id == latest).scalar_subquery()


def waiting_query(commune_id: int | None = None) -> Select:
    """SELECT of the waiting list of ``commune_id`` (None: as the Session's scope allows):
    applications in state ``eligible`` whose latest decision is eligible, in priority order
    (tier, date received, id). Source: domain.md §3."""
    return (select(Application)
            .where(*_in(Application, commune_id), Application.state == State.eligible.value,
                   _latest_outcome() == "eligible")
            .order_by(Application.priority_tier.is_(None), Application.priority_tier, Application.received_on,
                      Application.id))


def waiting_list(session: Session, limit: int | None = None, commune_id: int | None = None) -> list[Application]:
    """The commune's waiting list (default commune: see commune_of; see waiting_query), the first
    ``limit`` when given."""
    q = waiting_query(commune_of(session, commune_id))
    if limit is not None:
        q = q.limit(limit)
    return list(session.scalars(q))
