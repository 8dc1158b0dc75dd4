"""The commune's proposal list (danh sách đề nghị) and its approval (domain.md §3, §5; issue 3 item 8).

build_proposal_list takes eligible applications from the waiting list in priority order up to the
quota left and refuses beyond it; approve_list records the approval of a whole list (decision
number, date, approving body) and moves its applications to ``approved``. The documents of both
lists (PDF and XLSX) are rendered from ``list_document`` by subsidy.documents.lists.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from subsidy.domain import tracking
from subsidy.domain.workflow import STATE_LABELS, State
from subsidy.models import Application, ApplicationEvent, Household, ProposalList, User
from subsidy.services import allocations, audit, rulesets, workflow
from subsidy.services.errors import Conflict, NotFound, ServiceError


def get(session: Session, list_id: int) -> ProposalList:
    """The proposal list with this id. Raises NotFound."""
    pl = session.get(ProposalList, list_id)
    if pl is None:
        raise NotFound("Không có danh sách này.")
    return pl


def all_lists(session: Session) -> list[ProposalList]:
    """Every proposal list, newest first."""
    return list(session.scalars(select(ProposalList).order_by(ProposalList.id.desc())))


def open_draft(session: Session) -> ProposalList | None:
    """The newest draft list, if any."""
    return session.scalar(select(ProposalList).where(ProposalList.status == "draft")
                          .order_by(ProposalList.id.desc()).limit(1))


def _next_number(session: Session) -> str:
    n = (session.scalar(select(func.count()).select_from(ProposalList)) or 0) + 1
    while True:
        number = f"{n:02d}/DS-UBND"
        if session.scalar(select(ProposalList.id).where(ProposalList.number == number)) is None:
            return number
        n += 1


def new_list(session: Session, actor: User | None, *, number: str | None = None,
             created_on: dt.date | None = None) -> ProposalList:
    """A new, empty draft list. ``number`` defaults to the next "NN/DS-UBND" (NN counts every list
    ever made, so numbers never repeat). Raises Conflict for a number already used."""
    from subsidy.services.applications import today_vn

    number = (number or "").strip() or _next_number(session)
    if session.scalar(select(ProposalList.id).where(ProposalList.number == number)) is not None:
        raise Conflict(f"Đã có danh sách số {number}. Hãy chọn số khác hoặc để trống để hệ thống tự đánh số.")
    pl = ProposalList(number=number, created_on=created_on or today_vn(),
                      created_by_id=actor.id if actor is not None else None, status="draft")
    session.add(pl)
    session.flush()
    audit.record(session, actor, "proposal_list.create", "proposal_list", pl.id, {"number": [None, number]})
    return pl


def propose(session: Session, application: Application, proposal_list: ProposalList, actor: User | None,
            *, check_quota: bool = True) -> None:
    """Put one eligible application on the draft ``proposal_list`` (eligible → proposed, clerk).
    Refused (ServiceError) when the list is approved or, with ``check_quota``, when no place of the
    quota is left. Raises the workflow's errors for an illegal move."""
    if proposal_list.status != "draft":
        raise ServiceError(f"Danh sách {proposal_list.number} đã được phê duyệt; không thêm hồ sơ được. Hãy lập danh sách mới.")
    if check_quota:
        q = allocations.quota(session, lock=True)
        if q.left <= 0:
            raise ServiceError(
                f"Vượt chỉ tiêu: đã phân bổ {q.allocated} máy và đã dùng {q.used} chỗ. Hồ sơ vẫn ở danh sách chờ "
                "và sẽ được xét khi có thêm phân bổ hoặc có hộ rút hồ sơ."
            )
    workflow.move(session, application, State.proposed, actor,
                  f"Đưa vào danh sách đề nghị {proposal_list.number}")
    application.proposal_list_id = proposal_list.id
    application.proposal_list = proposal_list


def propose_one(session: Session, application: Application, actor: User | None) -> ProposalList:
    """Propose one eligible application now, on the open draft list (or a new one), keeping the
    priority order: refused (ServiceError) when no place is left, or when the application is not
    among the first ``quota left`` of the waiting list (higher-priority households wait before it)."""
    q = allocations.quota(session, lock=True)
    if q.left <= 0:
        raise ServiceError(f"Vượt chỉ tiêu: đã phân bổ {q.allocated} máy và đã dùng {q.used} chỗ. Hồ sơ ở danh sách chờ.")
    head = allocations.waiting_list(session, q.left)
    if application not in head:
        raise ServiceError(
            f"Còn {q.left} chỗ nhưng có hộ ưu tiên hơn (hoặc nộp trước) đang chờ; hồ sơ này chưa đến lượt. "
            "Hãy lập danh sách từ danh sách chờ để giữ đúng thứ tự ưu tiên."
        )
    pl = open_draft(session) or new_list(session, actor)
    propose(session, application, pl, actor, check_quota=False)
    session.flush()
    return pl


def build_proposal_list(session: Session, actor: User | None, *, count: int | None = None,
                        number: str | None = None, created_on: dt.date | None = None) -> ProposalList:
    """Build a draft proposal list from the waiting list in priority order, up to the quota left.

    ``count``: how many to propose (default: as many as the quota allows); asking for more than
    the quota left is refused, as is building with no place left or nobody waiting (ServiceError).
    Returns the list with its applications proposed. Source: domain.md §3; issue 3 items 7–8.
    """
    q = allocations.quota(session, lock=True)
    if q.allocated == 0:
        raise ServiceError("Chưa ghi nhận phân bổ máy nào cho xã. Hãy ghi phân bổ (số máy, văn bản) trước khi lập danh sách.")
    if q.left <= 0:
        raise ServiceError(f"Đã hết chỉ tiêu: đã phân bổ {q.allocated} máy, đã dùng {q.used} chỗ. "
                           "Các hộ đủ điều kiện còn lại ở danh sách chờ.")
    if count is not None:
        if count < 1:
            raise ServiceError("Số hộ đưa vào danh sách phải từ 1 trở lên.")
        if count > q.left:
            raise ServiceError(f"Vượt chỉ tiêu: chỉ còn {q.left} chỗ, không đưa được {count} hộ vào danh sách.")
    waiting = allocations.waiting_list(session, count or q.left)
    if not waiting:
        raise ServiceError("Không có hồ sơ đủ điều kiện nào đang chờ. Hãy kiểm tra điều kiện các hồ sơ mới nhận trước.")
    pl = new_list(session, actor, number=number, created_on=created_on)
    for app in waiting:
        propose(session, app, pl, actor, check_quota=False)
    session.flush()
    return pl


def applications_on(session: Session, proposal_list: ProposalList) -> list[Application]:
    """The applications on a list in priority order (tier, date received, id), households loaded."""
    return list(session.scalars(
        select(Application).options(joinedload(Application.household))
        .where(Application.proposal_list_id == proposal_list.id)
        .order_by(Application.priority_tier.is_(None), Application.priority_tier, Application.received_on,
                  Application.id)))


def approve_list(session: Session, proposal_list: ProposalList, decision_number: str, decision_date: dt.date,
                 approving_body: str, actor: User | None, *, at: dt.datetime | None = None) -> list[Application]:
    """Record the approval of a whole draft list: decision number, date and approving body; every
    application still proposed on it moves to ``approved`` (approver only; the workflow decides).

    Raises ServiceError for a list already approved, an empty list, a missing number or body, a
    decision date in the future or before the list was made. Source: domain.md §5 (E3: on a list
    approved by the competent authority); issue 3 item 8.
    """
    from subsidy.services.applications import today_vn

    if proposal_list.status != "draft":
        raise ServiceError(f"Danh sách {proposal_list.number} đã được phê duyệt rồi "
                           f"(Quyết định số {proposal_list.decision_number}).")
    decision_number = (decision_number or "").strip()
    approving_body = (approving_body or "").strip()
    if not decision_number or not approving_body:
        raise ServiceError("Hãy ghi số quyết định phê duyệt và cơ quan phê duyệt.")
    if decision_date > today_vn():
        raise ServiceError("Ngày quyết định không được sau ngày hôm nay.")
    if decision_date < proposal_list.created_on:
        raise ServiceError(f"Ngày quyết định không được trước ngày lập danh sách ({proposal_list.created_on:%d/%m/%Y}).")
    apps = [a for a in applications_on(session, proposal_list) if a.state == State.proposed.value]
    if not apps:
        raise ServiceError("Danh sách không còn hồ sơ nào để phê duyệt.")
    reason = f"Quyết định số {decision_number} ngày {decision_date:%d/%m/%Y} của {approving_body}"
    for app in apps:
        workflow.move(session, app, State.approved, actor, reason, at=at)
    proposal_list.status = "approved"
    proposal_list.decision_number = decision_number
    proposal_list.decision_date = decision_date
    proposal_list.approving_body = approving_body
    proposal_list.approved_by_id = actor.id if actor is not None else None
    proposal_list.approved_at = at or dt.datetime.now(dt.timezone.utc)
    audit.record(session, actor, "proposal_list.approve", "proposal_list", proposal_list.id,
                 {"status": ["draft", "approved"], "decision_number": [None, decision_number],
                  "decision_date": [None, decision_date], "approving_body": [None, approving_body],
                  "applications": [None, len(apps)]})
    session.flush()
    return apps


def remove_from_list(session: Session, application: Application, reason: str, actor: User | None) -> None:
    """Take a proposed application off its draft list (proposed → eligible, clerk, reason needed);
    it goes back to the waiting list in its priority place."""
    pl = application.proposal_list
    if pl is not None and pl.status != "draft":
        raise ServiceError("Danh sách đã được phê duyệt; muốn bỏ hồ sơ thì phải rút hoặc từ chối hồ sơ.")
    workflow.move(session, application, State.eligible, actor, reason)
    application.proposal_list_id = None
    session.flush()


# --------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------


def list_document(session: Session, proposal_list: ProposalList, *, kind: str, issuer, on: dt.date | None = None,
                  prepared_by: str | None = None):
    """The data of a list document (subsidy.documents.lists.ListDocument).

    ``prepared_by``: the name under "NGƯỜI LẬP DANH SÁCH"; None (the default) = the full name of
    the user who drew up the list (ProposalList.created_by_id), whoever downloads it; "" when
    that user is unknown or has no full name (signed by hand).

    ``kind``: "proposal" (danh sách đề nghị: the applications on the list) or "approved" (danh sách
    được phê duyệt: only for an approved list; withdrawn or refused ones after approval stay with a
    note, since the decision named them). ``issuer``: subsidy.documents.base.Issuer.
    Raises ServiceError for an approved document of a draft list.
    """
    from subsidy.documents.lists import ListDocument, ListRow
    from subsidy.services.applications import today_vn

    if kind not in ("proposal", "approved"):
        raise ValueError(kind)
    if kind == "approved" and proposal_list.status != "approved":
        raise ServiceError("Danh sách chưa được phê duyệt nên chưa có danh sách phê duyệt.")
    apps = applications_on(session, proposal_list)
    if kind == "proposal" and proposal_list.status == "draft":
        apps = [a for a in apps if a.state == State.proposed.value]
    try:
        spec = rulesets.spec_of(rulesets.in_force(session, proposal_list.created_on))
    except ServiceError:
        spec = None
    ends = {}
    ended = [a.id for a in apps if a.state in (State.withdrawn.value, State.refused.value)]
    if ended:
        for ev in session.scalars(select(ApplicationEvent).where(ApplicationEvent.application_id.in_(ended),
                                                                 ApplicationEvent.to_state.in_(("withdrawn", "refused")))):
            ends[ev.application_id] = ev
    rows = []
    for i, a in enumerate(apps, start=1):
        h: Household = a.household
        tier = spec.priority[a.priority_tier - 1].id if spec and a.priority_tier and a.priority_tier <= len(spec.priority) \
            else (f"P{a.priority_tier}" if a.priority_tier else "")
        if a.support_form == "cash":
            form = "Bằng tiền" + (f", mua máy {a.purchase_date:%d/%m/%Y}" if a.purchase_date else "")
        else:
            form = "Gói hỗ trợ kết hợp"
        notes = [a.note] if a.note else []
        if a.id in ends:
            ev = ends[a.id]
            notes.append(f"{STATE_LABELS[ev.to_state]} ngày {ev.at.astimezone(_vn_tz()).date():%d/%m/%Y}"
                         + (f": {ev.reason}" if ev.reason else ""))
        rows.append(ListRow(
            stt=i, name=h.head_name, birth_year=h.head_birth_year, citizen_id=h.citizen_id or "",
            phone=h.phone or "", hamlet=h.hamlet, category={"poor": "Hộ nghèo", "near_poor": "Hộ cận nghèo"}.get(h.category or "", ""),
            tier=tier, form=form, tracking_code=tracking.display(a.tracking_code), received_on=a.received_on,
            note="\n".join(notes), cash=a.support_form == "cash",
        ))
    if prepared_by is None:
        creator = session.get(User, proposal_list.created_by_id) if proposal_list.created_by_id else None
        prepared_by = (creator.full_name or "").strip() if creator is not None else ""
    return ListDocument(
        kind=kind, issuer=issuer, number=proposal_list.number, date=on or today_vn(),
        created_on=proposal_list.created_on, decision_number=proposal_list.decision_number,
        decision_date=proposal_list.decision_date, approving_body=proposal_list.approving_body,
        rows=rows, prepared_by=prepared_by,
    )


def _vn_tz():
    from subsidy.services.applications import VN_TZ

    return VN_TZ
