"""«Việc cần làm»: what is waiting for each role, counted for the home page (domain.md §5).

Counts only, each with the queue that shows the cases: applications to check (received), eligible
households waiting while places are free (to propose), lists waiting for the approver, approved
households not yet given their phone or cash, complaints and petitions overdue or due soon (their
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
from subsidy.services import allocations, complaints, instance_settings

#: Up to this many communes without a signer's name get a line each; more, one line for all.
UNNAMED_COMMUNES_LISTED = 5


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
