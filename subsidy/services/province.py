"""The quota flowing down (domain.md §3, §10): the phones the ministry allocates to the province
(province_allocations), divided among the communes (each commune's allocation points to the
province allocation it came from), and the province's view of received / given out / used / left
per commune.

Rules: what is given out of a province allocation never exceeds it; a commune's total never
exceeds its own poor and near-poor households (with the tablets and learning devices that count,
services.allocations.record_allocation), so the province's total never exceeds the province's sum.
Recording and dividing are the province officer's, and so is voiding a share given by mistake
(allocations.void_allocation, the rule of every voiding); every function flushes and never commits.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from subsidy.db import utcnow
from subsidy.domain.documents import reference_key
from subsidy.domain.vn import format_count
from subsidy.domain.quantities import phones_error
from subsidy.domain.scope import APPROVAL_PROVINCE
from subsidy.models import Allocation, Application, Commune, Household, ProposalList, ProvinceAllocation, User
from subsidy.models.scoping import ALL_COMMUNES
from subsidy.services import allocations, audit, rulesets
from subsidy.services.households import listed_in_force
from subsidy.services.errors import FieldError, NotFound, ServiceError

#: Who records and divides the province's allocations (and voids a share: allocations.void_allocation).
OFFICER = allocations.OFFICER


def _officer(actor: User | None) -> None:
    if actor is None or actor.role != OFFICER:
        raise ServiceError("Chỉ cán bộ tỉnh (vai trò province_officer) được ghi và chia số máy của tỉnh.")


def record_received(session: Session, quantity: int, received_on: dt.date, source_document: str,
                    actor: User | None, note: str | None = None) -> ProvinceAllocation:
    """Record ``quantity`` phones the ministry allocated to the province on ``received_on`` by
    ``source_document``. Audited. Raises FieldError (``allocated_on``, the form's date field) for a
    date in the future or before the programme's start (rulesets.check_programme_date: 12/12/2022,
    domain.md §1), or for a document already recorded and not voided (``source_document``; the
    document as domain.documents.reference_key reads it); ServiceError for a quantity outside
    1 … quantities.MAX_PHONES, no document, or an actor who is not the province officer."""
    _officer(actor)
    if error := phones_error(quantity):
        raise ServiceError(error)
    source_document = (source_document or "").strip()
    if not source_document:
        raise ServiceError("Hãy ghi văn bản phân bổ của Bộ (số và ngày).")
    rulesets.check_programme_date(session, received_on, "Ngày phân bổ", "allocated_on")
    # The province's own lock: two officers recording the same document at once are serialised.
    allocations.lock_quota(session, None)
    key = reference_key(source_document)
    if recorded := allocations.document_recorded(session, ProvinceAllocation, key):
        raise FieldError(f"Văn bản {recorded}. Không ghi cùng một văn bản hai lần; nếu số đã ghi bị sai, hãy hủy nó "
                         "rồi ghi lại.", "source_document")
    row = ProvinceAllocation(quantity=quantity, received_on=received_on, source_document=source_document,
                             document_key=key, note=(note or "").strip() or None, created_by_id=actor.id if actor else None)
    session.add(row)
    session.flush()
    audit.record(session, actor, "province_allocation.create", "province_allocation", row.id,
                 {"quantity": [None, quantity], "received_on": [None, received_on],
                  "source_document": [None, source_document]})
    return row


def given_from(session: Session, province_allocation_id: int) -> int:
    """Phones given out to communes from one province allocation (voided shares left out)."""
    return int(session.scalar(
        select(func.coalesce(func.sum(Allocation.quantity), 0)).where(
            Allocation.province_allocation_id == province_allocation_id, allocations.LIVE),
        execution_options={ALL_COMMUNES: True}) or 0)


def give_to_commune(session: Session, province_allocation_id: int, commune_id: int, quantity: int,
                    allocated_on: dt.date, actor: User | None) -> Allocation:
    """Give ``quantity`` phones of province allocation ``province_allocation_id`` to commune
    ``commune_id`` (its allocation, pointing to the province's). Refused (ServiceError) beyond
    what is left of the province allocation, or beyond the commune's ceiling (its poor and
    near-poor households, record_allocation); FieldError (``province_allocation``) for the same
    share sent again (_check_not_given_twice); NotFound for an unknown allocation or commune, or
    one voided (also by void_received meanwhile)."""
    _officer(actor)
    # The province's own lock first, then the commune's (record_allocation), as every change of
    # the province's quota takes them (void_received: the province's): two officers dividing the
    # same allocation at once cannot both give its last phones, nor give from one being voided.
    # The allocation is read after the lock, so a void committed meanwhile is seen.
    allocations.lock_quota(session, None)
    pa = session.get(ProvinceAllocation, province_allocation_id, populate_existing=True)
    if pa is None or pa.voided_at is not None:
        raise NotFound("Không có số máy tỉnh được phân bổ này.")
    commune = session.get(Commune, commune_id)
    if commune is None or not commune.active:
        raise NotFound("Không có xã này (hoặc xã đã ngừng hoạt động).")
    _check_not_given_twice(session, pa, commune, quantity, allocated_on)
    left = pa.quantity - given_from(session, pa.id)
    if quantity > left:
        raise ServiceError(f"Không chia được {format_count(quantity)} máy cho {commune.name}: văn bản "
                           f"«{pa.source_document}» "
                           f"còn {format_count(left)} máy chưa chia (đã nhận {format_count(pa.quantity)}).")
    if allocated_on < pa.received_on:
        raise ServiceError("Ngày chia cho xã không được trước ngày tỉnh được phân bổ.")
    return allocations.record_allocation(session, quantity, allocated_on, pa.source_document, actor,
                                         commune_id=commune.id, province_allocation_id=pa.id)


def _check_not_given_twice(session: Session, pa: ProvinceAllocation, commune: Commune, quantity: int,
                           allocated_on: dt.date) -> None:
    """Refuse a share identical to a live one already recorded (same province allocation, commune,
    quantity and day): the form sent twice would count the phones twice in the commune's quota
    (domain.md §3). Only an identical one: a commune's share of one document may come in several
    parts (other quantities or days), so this is a guard against the repeat, not a rule of the
    database; the province's quota lock taken before it (and SQLite's one writer) lets a second
    submission see the first. Raises FieldError (``province_allocation``) naming the share."""
    earlier = session.scalar(select(Allocation).where(
        allocations.LIVE, Allocation.province_allocation_id == pa.id, Allocation.commune_id == commune.id,
        Allocation.quantity == quantity, Allocation.allocated_on == allocated_on).limit(1),
        execution_options={ALL_COMMUNES: True})
    if earlier is None:
        return
    raise FieldError(
        f"Đã chia {format_count(quantity)} máy của văn bản «{pa.source_document}» cho {commune.name} ngày "
        f"{allocated_on:%d/%m/%Y} (chưa hủy): phần chia này đã được ghi, không ghi lần thứ hai. Nếu xã được chia "
        "thêm từ văn bản này, hãy ghi phần chia thêm với số máy và ngày chia của nó; nếu phần đã ghi bị sai, hãy hủy "
        "nó («Hủy» ở mục «Phần đã chia cho xã») rồi chia lại.", "province_allocation")


@dataclass(frozen=True)
class CommuneQuota:
    """One commune's line of the province view: ``ceiling`` (its poor and near-poor households on
    file), ``given`` (phones allocated to it, voided left out), ``used`` (places taken: proposed,
    approved, handed over, paid, closed), ``left`` = given − used, ``waiting`` (eligible, not yet
    proposed)."""

    commune_id: int
    code: str
    name: str
    approval_level: str
    ceiling: int
    given: int
    used: int
    left: int
    waiting: int


@dataclass(frozen=True)
class ProvinceQuota:
    """The province's quota: ``received`` from the ministry (voided left out), ``given`` to
    communes (every live allocation of theirs), of which ``divided`` came from the province's
    allocations and ``own`` (= given − divided) the communes recorded themselves; ``undivided`` =
    received − divided (what the province has still to divide, never below 0), ``over`` = how far
    the communes' total exceeds what the province received (0 when it does not); ``used`` and
    ``left`` summed over communes, ``communes`` one line each (by name), ``allocations`` the
    province allocations with what each has given out: (row, given)."""

    received: int
    given: int
    used: int
    left: int
    communes: tuple[CommuneQuota, ...]
    allocations: tuple[tuple[ProvinceAllocation, int], ...]
    divided: int = 0

    @property
    def own(self) -> int:
        return self.given - self.divided

    @property
    def undivided(self) -> int:
        return max(0, self.received - self.divided)

    @property
    def over(self) -> int:
        return max(0, self.given - self.received)


def overview(session: Session) -> ProvinceQuota:
    """The province view (four grouped queries, whatever the number of communes)."""
    opts = {ALL_COMMUNES: True}
    ceiling = dict(session.execute(
        select(Household.commune_id, func.count()).where(listed_in_force(), Household.archived.is_(False))
        .group_by(Household.commune_id), execution_options=opts).all())
    given = dict(session.execute(
        select(Allocation.commune_id, func.sum(Allocation.quantity)).where(allocations.LIVE)
        .group_by(Allocation.commune_id), execution_options=opts).all())
    used = dict(session.execute(
        select(Application.commune_id, func.count()).where(Application.state.in_(allocations.USING_QUOTA))
        .group_by(Application.commune_id), execution_options=opts).all())
    waiting = dict(session.execute(
        select(Application.commune_id, func.count()).where(Application.state == "eligible")
        .group_by(Application.commune_id), execution_options=opts).all())
    lines = []
    for c in session.scalars(select(Commune).order_by(Commune.name, Commune.id)):
        g, u = int(given.get(c.id, 0) or 0), int(used.get(c.id, 0) or 0)
        lines.append(CommuneQuota(c.id, c.code, c.name, c.approval_level, int(ceiling.get(c.id, 0)), g, u, g - u,
                                  int(waiting.get(c.id, 0))))
    pas = list(session.scalars(select(ProvinceAllocation).order_by(ProvinceAllocation.received_on,
                                                                    ProvinceAllocation.id)))
    shares = dict(session.execute(
        select(Allocation.province_allocation_id, func.sum(Allocation.quantity))
        .where(allocations.LIVE, Allocation.province_allocation_id.is_not(None))
        .group_by(Allocation.province_allocation_id), execution_options=opts).all())
    received = sum(p.quantity for p in pas if p.voided_at is None)
    return ProvinceQuota(received=received, given=sum(x.given for x in lines), used=sum(x.used for x in lines),
                         left=sum(x.left for x in lines), communes=tuple(lines),
                         divided=sum(int(v or 0) for v in shares.values()),
                         allocations=tuple((p, int(shares.get(p.id, 0) or 0)) for p in pas))


def void_received(session: Session, province_allocation_id: int, reason: str, actor: User | None) -> None:
    """Void a mistaken province allocation (never deleted); refused (ServiceError) while any of it
    is given out (void the communes' shares first: allocations.void_allocation) or without a
    reason; NotFound for an unknown allocation or one already voided. Audited.

    Takes the province's quota lock (allocations.lock_quota(None)) before reading the allocation
    and what it has given out, as record_received and give_to_commune do (the province's lock
    before any commune's): a share being given at the same moment is either seen, and the void
    refused, or given after the void is committed, and then refused itself. So a voided province
    allocation never keeps a live share, and the communes are never given more than the province
    received (domain.md §3, §10). Voiding a share (allocations.void_allocation) only lowers what is
    given out, so it takes the commune's lock alone."""
    _officer(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Hãy ghi rõ lý do hủy.")
    allocations.lock_quota(session, None)
    pa = session.get(ProvinceAllocation, province_allocation_id, populate_existing=True)
    if pa is None or pa.voided_at is not None:
        raise NotFound("Không có số máy tỉnh được phân bổ này (hoặc đã hủy).")
    if given_from(session, pa.id):
        raise ServiceError("Số máy này đã chia cho xã: hãy hủy các phần đã chia trước (mục «Phần đã chia cho xã»).")
    pa.voided_at, pa.voided_by_id, pa.void_reason = utcnow(), actor.id if actor else None, reason
    audit.record(session, actor, "province_allocation.void", "province_allocation", pa.id,
                 {"void_reason": [None, reason]}, note=reason)
    session.flush()


@dataclass(frozen=True)
class Share:
    """A commune's share of a province allocation, as the province page lists it: the allocation
    row (quantity, day, document, voided or not) and the commune's name."""

    allocation: Allocation
    commune_name: str


def shares(session: Session) -> list[Share]:
    """Every share the province gave to communes (voided ones included: nothing is deleted),
    newest first (day given, then id)."""
    rows = session.execute(
        select(Allocation, Commune.name).join(Commune, Commune.id == Allocation.commune_id)
        .where(Allocation.province_allocation_id.is_not(None))
        .order_by(Allocation.allocated_on.desc(), Allocation.id.desc()), execution_options={ALL_COMMUNES: True})
    return [Share(a, name) for a, name in rows]


def approval_queue(session: Session) -> list[tuple[ProposalList, Commune, int]]:
    """The province approver's queue: the open lists (draft, or submitted «Trình phê duyệt») of the
    communes whose lists the province approves, with the number of applications proposed on each,
    oldest first. A submitted list is what the commune sends; a draft is shown too, as approve_list
    accepts one. Source: domain.md §10 (the approving level)."""
    count = (select(func.count()).where(Application.proposal_list_id == ProposalList.id,
                                        Application.state == "proposed")
             .correlate(ProposalList).scalar_subquery())
    rows = session.execute(
        select(ProposalList, Commune, count).join(Commune, Commune.id == ProposalList.commune_id)
        .where(ProposalList.status.in_(("draft", "submitted")), Commune.approval_level == APPROVAL_PROVINCE)
        .order_by(ProposalList.created_on, ProposalList.id), execution_options={ALL_COMMUNES: True})
    return [(pl, c, int(n or 0)) for pl, c, n in rows if n]
