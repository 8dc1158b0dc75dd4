"""«Việc cần làm»: what is waiting for each role, counted for the home page (domain.md §5).

Counts only, each with the queue that shows the cases: applications to check (received), eligible
households waiting while places are free (to propose), lists waiting for the approver, approved
households not yet given their phone or cash (and, first, those whose household a later list
took off the list in force: E1 to check again), complaints and petitions overdue or due soon (their
legal time limits, services.complaints), for the admin the communes and the province whose
documents print a dotted line for want of a signer's name (domain.documents.signer_name_printed),
and for the dashboard the applications in every state (the tiles add up to the total, not
eligible, withdrawn and refused included).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from subsidy.domain.workflow import STATES, State
from subsidy.domain.labels.sentence import sentence_start
from subsidy.models import Application, Commune, Household, ProposalList
from subsidy.domain import tracking
from subsidy.domain.calendar import today_vn
from subsidy.services import allocations, complaints, instance_settings
from subsidy.services.households.people import standings_now

#: Up to this many communes without a signer's name get a line each; more, one line for all.
UNNAMED_COMMUNES_LISTED = 5
#: Up to this many approved applications off the list in force get a line each; more, one line.
OFF_LIST_LISTED = 5


@dataclass(frozen=True)
class Task:
    """One line of the to-do list: ``key`` (names it in the page), ``count``, ``text`` (Vietnamese,
    with the count), ``endpoint`` + ``args`` of the page that shows the cases."""

    key: str
    count: int
    text: str
    endpoint: str
    args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Dashboard:
    """The tiles: households not archived, applications per state (every state of the workflow,
    zeros included, in its order) and their total (the sum of the states)."""

    households: int
    by_state: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_state.values())


def dashboard(session: Session) -> Dashboard:
    """Households on the list and applications in each state (two grouped queries)."""
    households = session.scalar(select(func.count()).select_from(Household).where(Household.archived.is_(False))) or 0
    counts = dict(session.execute(select(Application.state, func.count()).group_by(Application.state)).all())
    return Dashboard(households, {s: counts.get(s, 0) for s in STATES})


def _lists_with_entries(session: Session, status: str) -> list[ProposalList]:
    """Lists in ``status`` holding at least one application (drafts to submit, lists to approve)."""
    return list(session.scalars(
        select(ProposalList).where(ProposalList.status == status,
                                   select(Application.id).where(Application.proposal_list_id == ProposalList.id)
                                   .exists()).order_by(ProposalList.id)))


def unnamed_signer_communes(session: Session) -> list[Commune]:
    """Active communes that record no signer's name (blank or spaces), by name: their receipts, lists
    and reports print a dotted line to write the name by hand (domain.md §7)."""
    return list(session.scalars(
        select(Commune).where(Commune.active.is_(True), func.trim(func.coalesce(Commune.signer_name, "")) == "")
        .order_by(Commune.name, Commune.id)))


def signer_tasks(session: Session) -> list[Task]:
    """The admin's lines about signers' names not recorded: each active commune with none (up to
    :data:`UNNAMED_COMMUNES_LISTED`, linking to the commune's page where it is set; more, one line
    linking to the communes), and the province's reports when the settings record none (linking to
    «Cài đặt»)."""
    out: list[Task] = []
    unnamed = unnamed_signer_communes(session)
    hint = "văn bản đang in dòng chấm để ghi tay họ tên"
    if len(unnamed) > UNNAMED_COMMUNES_LISTED:
        out.append(Task("commune_signer", len(unnamed), f"{len(unnamed)} xã chưa ghi họ tên người ký: {hint}",
                        "communes.index"))
    else:
        out += [Task("commune_signer", 1, f"{sentence_start(c.name.strip())} chưa ghi họ tên người ký: "
                     f"{hint}", "communes.show", {"commune_id": c.id}) for c in unnamed]
    if not instance_settings.get(session, instance_settings.PROVINCE_SIGNER_NAME).strip():
        out.append(Task("province_signer", 1, f"Báo cáo của tỉnh chưa ghi họ tên người ký: {hint}", "settings.edit"))
    return out


def approved_off_list(session: Session) -> list[Application]:
    """Approved applications (not yet handed over or paid) whose household is not on the list in
    force this year (list_standing: a later list left it out, or named it among the households that
    left poverty), oldest first: E1 no longer holds, so each must be checked again and, if the
    household is indeed off the list, refused with its reason before any handover (domain.md §2
    E1, §5: refused at any step before handover, with a reason)."""
    apps = list(session.scalars(select(Application).where(Application.state == State.approved.value)
                                .order_by(Application.received_on, Application.id)))
    if not apps:
        return []
    standing = standings_now(session, [a.household for a in apps])
    return [a for a in apps if standing[a.household_id].not_listed]


def off_list_tasks(session: Session) -> list[Task]:
    """The lines about :func:`approved_off_list`: one per application (up to
    :data:`OFF_LIST_LISTED`, linking to it), or one for all linking to the approved queue."""
    off = approved_off_list(session)
    year = today_vn().year
    action = "kiểm tra lại điều kiện E1; nếu đúng là hộ đã ra khỏi danh sách thì từ chối hồ sơ (ghi lý do) trước khi bàn giao"
    if len(off) > OFF_LIST_LISTED:
        return [Task("off_list", len(off), f"{len(off)} hồ sơ đã phê duyệt có hộ không còn trong danh sách hộ nghèo, "
                     f"cận nghèo năm {year}: {action}", "applications.index", {"state": "approved"})]
    return [Task("off_list", 1, f"Hồ sơ {tracking.display(a.tracking_code)} (hộ {a.household.head_name}) đã phê duyệt nhưng hộ không còn "
                 f"trong danh sách hộ nghèo, cận nghèo năm {year}: {action}", "applications.show",
                 {"application_id": a.id}) for a in off]


def tasks_for(session: Session, role: str, board: Dashboard | None = None, user_id: int | None = None) -> list[Task]:
    """The to-do list of ``role`` ("clerk", "approver", "admin"; others get []), in the order of the work.
    Lines with nothing to do are left out. ``user_id``: the staff account reading; a denunciation
    naming it is not counted (Luật Tố cáo 2018, Điều 47–48, as the register's list hides it)."""
    board = board or dashboard(session)
    st = board.by_state
    out: list[Task] = []
    submitted = _lists_with_entries(session, "submitted") if role in ("clerk", "approver") else []
    if role == "clerk":
        if st[State.received.value]:
            out.append(Task("check", st["received"], f"{st['received']} hồ sơ mới nhận cần kiểm tra điều kiện",
                            "applications.index", {"state": "received"}))
        q = allocations.quota(session)
        waiting = st[State.eligible.value]
        if waiting and q.left > 0:
            n = min(waiting, q.left)
            out.append(Task("propose", n, f"{n} hộ đủ điều kiện có thể đưa vào danh sách đề nghị (còn {q.left} chỉ tiêu)",
                            "lists.index"))
        elif waiting and q.allocated == 0:
            out.append(Task("allocate", waiting, f"{waiting} hộ đủ điều kiện đang chờ: chưa ghi phân bổ máy cho xã",
                            "lists.index"))
        for pl in _lists_with_entries(session, "draft"):
            out.append(Task("draft", 1, f"Danh sách {pl.number} đang lập: xem lại rồi trình phê duyệt", "lists.show",
                            {"list_id": pl.id}))
        for pl in submitted:
            out.append(Task("submitted", 1, f"Danh sách {pl.number} đang chờ lãnh đạo phê duyệt", "lists.show",
                            {"list_id": pl.id}))
    if role == "approver":
        for pl in submitted:
            out.append(Task("approve", 1, f"Danh sách {pl.number} chờ phê duyệt", "lists.show", {"list_id": pl.id}))
    if role in ("clerk", "approver") and st[State.approved.value]:
        out += off_list_tasks(session)
        out.append(Task("serve", st["approved"], f"{st['approved']} hộ đã được phê duyệt chưa nhận điện thoại hoặc tiền hỗ trợ",
                        "applications.index", {"state": "approved"}))
    if role in ("clerk", "approver"):
        due = complaints.due_counts(session, viewer_id=user_id)
        if due.overdue:
            out.append(Task("complaints_overdue", due.overdue, f"{due.overdue} đơn khiếu nại, kiến nghị, tố cáo đã quá hạn "
                            "xử lý theo luật", "complaints.index", {"han": "overdue"}))
        if due.due_soon:
            out.append(Task("complaints_due_soon", due.due_soon, f"{due.due_soon} đơn khiếu nại, kiến nghị, tố cáo sắp đến "
                            "hạn xử lý", "complaints.index", {"han": "due_soon"}))
    if role == "admin":
        out += signer_tasks(session)
    return out
