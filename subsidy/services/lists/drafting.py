"""Drafting a proposal list: a new list, proposing applications on it (one, a whole list from
the waiting list, or the next ones when places free), taking them off a draft (see the package
docstring)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from subsidy.db import utcnow
from subsidy.domain.calendar import today_vn
from subsidy.domain import tracking
from subsidy.domain.documents import DEFAULT_ISSUER, document_number
from subsidy.domain.labels import E2_RECHECK_TITLE
from subsidy.domain.workflow import State
from subsidy.models import Application, ProposalList, ProposalListEntry, User
from subsidy.models.scoping import default_commune_id
from subsidy.services import allocations, audit, recheck, workflow
from subsidy.services.errors import Conflict, NotFound, ServiceError


#: Lists not yet decided: their entries are live (not frozen), so an application can leave them.
OPEN_STATUSES = ("draft", "submitted")


def get(session: Session, list_id: int) -> ProposalList:
    """The proposal list with this id. Raises NotFound."""
    pl = session.get(ProposalList, list_id)
    if pl is None:
        raise NotFound("Không có danh sách này.")
    return pl


def all_lists(session: Session) -> list[ProposalList]:
    """Every proposal list, newest first."""
    return list(session.scalars(select(ProposalList).order_by(ProposalList.id.desc())))


def open_draft(session: Session, commune_id: int | None = None) -> ProposalList | None:
    """The commune's draft list, the one proposing works on, if any (``commune_id`` None: as the
    Session's scope allows; the newest, should a scope hold several communes).

    A draft marked ``duplicate_draft`` is never it: migration 0016 marked so the older drafts of a
    commune that had several before one draft at a time became a rule of the database
    (uq_proposal_lists_one_draft covers the unmarked drafts only), and a merged copy brings its
    own marked drafts with new, higher ids (services.commune_merge). Such a draft waits to be
    submitted or cancelled; it neither takes new applications (_check_open) nor stands in the way
    of the commune's draft."""
    where = () if commune_id is None else (ProposalList.commune_id == commune_id,)
    return session.scalar(select(ProposalList).where(*where, ProposalList.status == "draft",
                                                     ProposalList.duplicate_draft.is_(False))
                          .order_by(ProposalList.id.desc()).limit(1))


#: The ký hiệu of a list when the caller gives none: the default Issuer's ("DS-UBND").
LIST_SYMBOL = DEFAULT_ISSUER.symbol("list")


def actor_commune(session: Session, actor: User | None) -> int:
    """The commune a list is made for: the actor's (a clerk's own), else the Session's or the
    instance's only one. Raises CommuneRequired when neither says."""
    if actor is not None and actor.commune_id is not None:
        return actor.commune_id
    return default_commune_id(session)


def next_number(session: Session, symbol: str = LIST_SYMBOL, commune_id: int | None = None) -> str:
    """The next document number of the commune's register, "NN/<symbol>" as Nghị định 30 writes it
    (e.g. "07/DS-UBND"; ``symbol``: the commune's Issuer.symbol("list"), from DOC_KIND_CODES and
    COMMUNE_ABBREVIATION): NN counts the commune's lists numbered so far (submitted, approved, or
    cancelled after submission), so numbers follow each other with no gap; each commune numbers its
    own (domain.md §10; ``commune_id`` default: the Session's or the only one); a number already
    taken (typed by hand) is skipped."""
    commune_id = commune_id if commune_id is not None else default_commune_id(session)
    n = (session.scalar(select(func.count()).select_from(ProposalList)
                        .where(ProposalList.commune_id == commune_id, ProposalList.register_number.is_not(None)))
         or 0) + 1
    while True:
        number = document_number(n, symbol)
        if session.scalar(select(ProposalList.id).where(ProposalList.commune_id == commune_id,
                                                        ProposalList.register_number == number)) is None:
            return number
        n += 1


def new_list(session: Session, actor: User | None, *, number: str | None = None,
             created_on: dt.date | None = None, commune_id: int | None = None) -> ProposalList:
    """A new, empty draft list of ``commune_id`` (default: actor_commune). It has no document
    number until it is submitted for approval (lifecycle.submit_list gives it the commune's next
    one), unless ``number`` is given (a number the commune already uses). Raises Conflict for a
    number the commune already used, or while the commune has a draft (one draft at a time, kept
    by the database: uq_proposal_lists_one_draft; draft_open_message)."""
    commune_id = commune_id if commune_id is not None else actor_commune(session, actor)
    number = (number or "").strip() or None
    if number is not None and session.scalar(select(ProposalList.id).where(
            ProposalList.commune_id == commune_id, ProposalList.register_number == number)):
        raise Conflict(f"Đã có danh sách số {number}. Hãy chọn số khác hoặc để trống: số được cấp khi trình phê duyệt.")
    pl = ProposalList(commune_id=commune_id, register_number=number, created_on=created_on or today_vn(),
                      created_by_id=actor.id if actor is not None else None, status="draft")
    try:
        # In a savepoint: a draft another request made meanwhile (uq_proposal_lists_one_draft) is
        # refused with the message of build_proposal_list, and the session stays usable.
        with session.begin_nested():
            session.add(pl)
            session.flush()
    except IntegrityError:
        if (draft := open_draft(session, commune_id)) is not None:
            raise Conflict(draft_open_message(session, draft)) from None
        raise
    audit.record(session, actor, "proposal_list.create", "proposal_list", pl.id, {"number": [None, number]})
    return pl


def draft_open_message(session: Session, draft: ProposalList) -> str:
    """Why a new list cannot be made while the commune has ``draft`` (one draft at a time): its
    date and size, and what to do with it."""
    size = session.scalar(select(func.count(Application.id)).where(Application.proposal_list_id == draft.id))
    return (f"Xã đang có một dự thảo danh sách đề nghị chưa trình phê duyệt (lập ngày {draft.created_on:%d/%m/%Y}, "
            f"{size} hộ). Mỗi lúc chỉ lập một dự thảo: hãy mở dự thảo đó để xem lại, bổ sung hộ («Bổ sung vào danh "
            "sách đang lập») rồi trình phê duyệt, hoặc hủy nó trước khi lập danh sách mới.")


def _check_open(proposal_list: ProposalList) -> None:
    """Refuse (ServiceError) to add applications to ``proposal_list`` unless it is the commune's
    draft: a list submitted, decided or cancelled (_closed_message), or an older draft marked
    ``duplicate_draft`` (open_draft), which would split the head of the waiting list with the
    commune's draft."""
    if proposal_list.status != "draft":
        raise ServiceError(_closed_message(proposal_list))
    if proposal_list.duplicate_draft:
        raise ServiceError(
            f"Dự thảo lập ngày {proposal_list.created_on:%d/%m/%Y} là dự thảo thừa (xã có nhiều dự thảo từ trước khi "
            "mỗi xã chỉ được lập một dự thảo mỗi lúc); không thêm hồ sơ vào dự thảo này được. Hãy trình phê duyệt hoặc "
            "hủy nó, và bổ sung hộ vào dự thảo đang lập («Bổ sung vào danh sách đang lập»).")


def _closed_message(proposal_list: ProposalList) -> str:
    """Why nothing can be added to a list that is not a draft."""
    if proposal_list.status == "submitted":
        return (f"Danh sách {proposal_list.number} đã trình phê duyệt; không thêm hồ sơ được. Hãy lập danh sách mới "
                "(hoặc chờ lãnh đạo phê duyệt).")
    if proposal_list.status == "cancelled":
        return f"Danh sách {proposal_list.number} đã hủy; không thêm hồ sơ được. Hãy lập danh sách mới."
    return f"Danh sách {proposal_list.number} đã được phê duyệt; không thêm hồ sơ được. Hãy lập danh sách mới."


def check_e2_still_holds(session: Session, applications: Sequence[Application]) -> None:
    """Refuse (ServiceError) to propose applications checked eligible whose E2 no longer holds
    against today's allocation dates (fails or cannot decide: recheck.stale_e2, the home page's
    «Hồ sơ cần kiểm tra lại điều kiện E2»), naming them all: «Đủ điều kiện» was decided against an
    allocation date that has since moved, so the household must be checked again before it takes a
    place of the quota (domain.md §2 E2, §5: checked, then proposed)."""
    stale = recheck.stale_e2(session, applications)
    if not stale:
        return
    codes = ", ".join(tracking.display(r.tracking_code) for r in stale)
    raise ServiceError(
        f"Chưa đưa được vào danh sách đề nghị: hồ sơ {codes} đã được kiểm tra là đủ điều kiện, nhưng theo ngày phân bổ "
        "điện thoại hiện nay thì điều kiện E2 (máy tính bảng, thiết bị học tập trực tuyến chỉ được tính nếu nhận trước "
        "ngày phân bổ) không còn đúng hoặc chưa xác định được. Hãy kiểm tra lại điều kiện "
        f"{'các hồ sơ này' if len(stale) > 1 else 'hồ sơ này'} trước (mục «{E2_RECHECK_TITLE}» ở "
        "trang chủ), rồi mới đề nghị.")


def propose(session: Session, application: Application, proposal_list: ProposalList, actor: User | None,
            *, check_quota: bool = True) -> None:
    """Put one eligible application on the draft ``proposal_list`` (eligible → proposed, clerk)
    and write its entry (ProposalListEntry: who added it, when). Refused (ServiceError) when the
    list is not the commune's draft (_check_open), with ``check_quota`` when no place of the quota
    is left (allocations.over_quota_message), and when its E2 no longer holds
    (check_e2_still_holds). Raises the workflow's errors for an illegal move."""
    _check_open(proposal_list)
    if check_quota:
        q = allocations.quota(session, lock=True, commune_id=proposal_list.commune_id)
        if q.left <= 0:
            raise ServiceError(allocations.over_quota_message(q, 1))
    check_e2_still_holds(session, [application])
    _put_on(session, application, proposal_list, actor)


def _put_on(session: Session, application: Application, proposal_list: ProposalList, actor: User | None) -> None:
    """The move and the entry of ``propose``, its checks made by the caller."""
    workflow.move(session, application, State.proposed, actor,
                  f"Đưa vào danh sách đề nghị {proposal_list.number}")
    application.proposal_list_id = proposal_list.id
    application.proposal_list = proposal_list
    session.add(ProposalListEntry(proposal_list_id=proposal_list.id, application_id=application.id,
                                  added_by_id=actor.id if actor is not None else None))


def propose_one(session: Session, application: Application, actor: User | None) -> ProposalList:
    """Propose one eligible application now, on the open draft list (or a new one), keeping the
    priority order: refused (ServiceError) when no place is left (allocations.over_quota_message),
    when the application is not among the first ``quota left`` of the waiting list
    (higher-priority households wait before it), or when its E2 no longer holds
    (check_e2_still_holds)."""
    commune_id = application.commune_id
    q = allocations.quota(session, lock=True, commune_id=commune_id)
    if q.left <= 0:
        raise ServiceError(allocations.over_quota_message(q, 1))
    head = allocations.waiting_list(session, q.left, commune_id=commune_id)
    if application not in head:
        raise ServiceError(
            f"Còn {q.left} chỗ nhưng có hộ ưu tiên hơn (hoặc nộp trước) đang chờ; hồ sơ này chưa đến lượt. "
            "Hãy lập danh sách từ danh sách chờ để giữ đúng thứ tự ưu tiên."
        )
    check_e2_still_holds(session, [application])
    pl = open_draft(session, commune_id) or new_list(session, actor, commune_id=commune_id)
    _put_on(session, application, pl, actor)
    session.flush()
    return pl


def build_proposal_list(session: Session, actor: User | None, *, count: int | None = None,
                        number: str | None = None, created_on: dt.date | None = None) -> ProposalList:
    """Build a draft proposal list from the waiting list in priority order, up to the quota left.

    ``count``: how many to propose (default: as many as the quota allows); asking for more than
    the quota left is refused, as is building with no place left (ServiceError:
    allocations.over_quota_message) or nobody waiting (NOBODY_WAITING).
    Refused (Conflict) while the commune has an open draft (open_draft): one draft at a time, which
    the clerk completes with promote_waiting or cancels; refused (ServiceError, naming them) when
    any of those it would propose has an E2 that no longer holds (check_e2_still_holds): the
    priority order is kept, so they are checked again first.
    Returns the list with its applications proposed. Source: domain.md §3, §5.
    """
    commune_id = actor_commune(session, actor)
    q = allocations.quota(session, lock=True, commune_id=commune_id)
    if (draft := open_draft(session, commune_id)) is not None:
        # One working draft per commune: a second click on «Lập danh sách đề nghị mới» (or a
        # second clerk) would otherwise split the head of the waiting list over two drafts.
        # The lock above serialises two builds, so the second one finds the first's draft here;
        # the database refuses a second draft however it comes (new_list).
        raise Conflict(draft_open_message(session, draft))
    if q.allocated == 0:
        raise ServiceError("Chưa ghi nhận phân bổ máy nào cho xã. Hãy ghi phân bổ (số máy, văn bản) trước khi lập danh sách.")
    if count is not None and count < 1:
        raise ServiceError("Số hộ đưa vào danh sách phải từ 1 trở lên.")
    if q.left <= 0 or (count is not None and count > q.left):
        _refuse_over_quota(session, q, count, commune_id)
    waiting = allocations.waiting_list(session, count or q.left, commune_id=commune_id)
    if not waiting:
        raise ServiceError(NOBODY_WAITING)
    check_e2_still_holds(session, waiting)
    pl = new_list(session, actor, number=number, created_on=created_on, commune_id=commune_id)
    for app in waiting:
        _put_on(session, app, pl, actor)
    session.flush()
    return pl


def promote_waiting(session: Session, actor: User | None, proposal_list: ProposalList | None = None) -> list[Application]:
    """Fill the free places from the head of the waiting list: propose the first ``quota left``
    waiting applications on ``proposal_list`` (default: the newest draft list, or a new one).

    Returns the applications proposed. Raises ServiceError when no place is free
    (allocations.over_quota_message), nobody waits (NOBODY_WAITING), ``proposal_list`` is not the
    commune's draft (_check_open), or an application to propose has an E2 that no longer holds
    (check_e2_still_holds, naming them); the workflow's errors for a role that may not propose
    (clerk only). Source: domain.md §3.
    """
    if proposal_list is not None:
        _check_open(proposal_list)
    commune_id = proposal_list.commune_id if proposal_list is not None else actor_commune(session, actor)
    q = allocations.quota(session, lock=True, commune_id=commune_id)
    if q.left <= 0:
        _refuse_over_quota(session, q, None, commune_id)
    nxt = allocations.waiting_list(session, q.left, commune_id=commune_id)
    if not nxt:
        raise ServiceError(NOBODY_WAITING)
    check_e2_still_holds(session, nxt)
    if proposal_list is None:
        proposal_list = open_draft(session, commune_id) or new_list(session, actor, commune_id=commune_id)
    for app in nxt:
        _put_on(session, app, proposal_list, actor)
    session.flush()
    return nxt


#: Why no list is built or filled when places are free: nobody eligible waits.
NOBODY_WAITING = "Không có hồ sơ đủ điều kiện nào đang chờ. Hãy kiểm tra điều kiện các hồ sơ mới nhận trước."


def _refuse_over_quota(session: Session, q: allocations.Quota, count: int | None, commune_id: int | None) -> None:
    """Raise the over-quota refusal (allocations.over_quota_message) of a build or a filling that
    asks for ``count`` households, or (None) for everyone waiting (allocations.waiting_query);
    NOBODY_WAITING when that is nobody: then no place is missing."""
    asked = count if count is not None else int(session.scalar(select(func.count()).select_from(
        allocations.waiting_query(commune_id).subquery())) or 0)
    raise ServiceError(allocations.over_quota_message(q, asked) if asked else NOBODY_WAITING)


def applications_on(session: Session, proposal_list: ProposalList) -> list[Application]:
    """The applications on a list in priority order (tier, date received, id), households loaded."""
    return list(session.scalars(
        select(Application).options(joinedload(Application.household))
        .where(Application.proposal_list_id == proposal_list.id)
        .order_by(Application.priority_tier.is_(None), Application.priority_tier, Application.received_on,
                  Application.id)))


def remove_from_list(session: Session, application: Application, reason: str, actor: User | None) -> None:
    """Take a proposed application off its draft list (proposed → eligible, clerk, reason needed);
    it goes back to the waiting list in its priority place. Its entry on the list is marked
    removed with the reason (``leave_draft``), not deleted."""
    pl = application.proposal_list
    if pl is not None and pl.status not in OPEN_STATUSES:
        raise ServiceError("Danh sách đã được phê duyệt; muốn bỏ hồ sơ thì phải rút hoặc từ chối hồ sơ.")
    workflow.move(session, application, State.eligible, actor, reason)
    leave_draft(session, application, reason, actor)
    session.flush()


def leave_draft(session: Session, application: Application, reason: str, actor: User | None) -> ProposalListEntry | None:
    """Take ``application`` off the draft list it is on: clears Application.proposal_list_id and
    marks its live entry removed (removed_at now, removed_by_id, removal_reason = ``reason``),
    audited as "proposal_list.remove_entry" on the list. The entry stays on record (a list's
    history of who was put on it and taken off, and why).

    Does nothing and returns None when the application is on no list or on an approved list (an
    approved list's entries are frozen: leaving it is the caller's business, e.g. a reopening
    clears the pointer but the approved list keeps its row). Returns the removed entry, or None
    when the list had no live entry for it (the pointer is still cleared). The workflow move that
    takes the application off is the caller's (remove_from_list, applications.withdraw/refuse).
    """
    pl = application.proposal_list
    if pl is None or pl.status not in OPEN_STATUSES:
        return None
    application.proposal_list_id = None
    entry = session.scalar(select(ProposalListEntry).where(
        ProposalListEntry.proposal_list_id == pl.id, ProposalListEntry.application_id == application.id,
        ProposalListEntry.removed_at.is_(None)))
    if entry is None:
        return None
    entry.removed_at = utcnow()
    entry.removed_by_id = actor.id if actor is not None else None
    entry.removal_reason = (reason or "").strip() or "(không ghi lý do)"
    audit.record(session, actor, "proposal_list.remove_entry", "proposal_list", pl.id,
                 {"application_id": [application.id, None]}, note=entry.removal_reason)
    return entry
