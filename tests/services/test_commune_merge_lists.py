"""A commune's own database merged into a province commune meets the rules the database keeps on a
commune's lists and allocations (migrations 0015, 0016; domain.md §10): a list number, a decision
number of the year (rule R5-QĐ), one open draft, an allocating document recorded once; the shares
of the province's phones the copy received come attached to the province's record of their
document, within what it has left to divide (domain.md §3). Each clash is a conflict of the plan
(dry run and real run alike) naming the rows and what to do, and nothing is written; the copied
lists carry their decision key. The sources are real SQLite files made at
migration 0004 (tests/test_migrations._history_at_0004) and upgraded by the merge."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from subsidy.db import make_engine, utcnow
from subsidy.domain.documents import reference_key
from subsidy.models import Allocation, AuditEntry, Household, ProposalList, ProvinceAllocation
from subsidy.services import allocations, commune_merge, communes, lists, province
from subsidy.services.errors import ServiceError
from tests import factories
from tests.services.test_commune_merge import _shifted
from tests.test_migrations import _history_at_0004

D = dt.date


@pytest.fixture(scope="module")
def at_0004(tmp_path_factory) -> Path:
    """One database at 0004 per worker (tests/test_migrations._history_at_0004), copied by each test."""
    path = tmp_path_factory.mktemp("merge") / "at-0004.sqlite3"
    _history_at_0004(f"sqlite:///{path}")
    return path


@pytest.fixture
def old(at_0004, tmp_path):
    """old(name, shift): a copy of the 0004 database, its people distinct by ``shift``."""
    def make(name: str, shift: int) -> Path:
        path = tmp_path / f"{name}.sqlite3"
        shutil.copyfile(at_0004, path)
        return _shifted(path, name, shift)
    return make


def _add_lists(path: Path, *rows: tuple) -> None:
    """Insert proposal lists into the 0004 database ``path``: (id, number, status, decision number,
    decision date, created on)."""
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        for n, number, status, decision, day, created in rows:
            conn.execute(text("INSERT INTO proposal_lists (id, number, created_on, status, decision_number, "
                              "decision_date, created_at) VALUES (:id, :number, :created, :status, :decision, :day, "
                              "'2026-01-01 00:00:00')"),
                         {"id": n, "number": number, "created": created, "status": status, "decision": decision,
                          "day": day})
    engine.dispose()


def _lists_of(session, commune_id: int) -> list[tuple]:
    return [(pl.register_number, pl.status, pl.decision_key, pl.duplicate_draft) for pl in session.scalars(
        select(ProposalList).where(ProposalList.commune_id == commune_id).order_by(ProposalList.id))]


def _households(session, commune_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Household).where(Household.commune_id == commune_id))


def test_copied_lists_carry_their_decision_key_and_a_repeat_of_the_copy_keeps_none(session, old):
    source = old("an", 4)  # list 01/2026, decision 12/QĐ-UBND of 10/02/2026
    _add_lists(source, (2, "02/2026", "approved", "012/QĐ-UBND", "2026-05-04", "2026-05-01"),  # the same number
               (3, "03/2026", "approved", "12/QĐ-UBND", "2025-12-30", "2025-12-01"))        # another year
    a = communes.create_commune(session, communes.CommuneInput(code="XAA", name="xã An"), None)
    plan = commune_merge.merge(session, source, a, None)
    session.commit()
    assert plan.conflicts == []
    assert [n for n in plan.notes if "02/2026" in n] == [
        "Danh sách số 02/2026 của bản cũ ghi số quyết định 012/QĐ-UBND ngày 04/05/2026, trùng danh sách số 01/2026 "
        "của bản cũ: gộp nguyên trạng; lãnh đạo xã sửa quyết định ghi sai («Sửa quyết định» ở trang danh sách)."]
    assert _lists_of(session, a.id) == [("01/2026", "approved", "2026:12/QĐ-UBND", False),
                                        ("02/2026", "approved", None, False),
                                        ("03/2026", "approved", "2025:12/QĐ-UBND", False)]


def test_a_list_number_a_decision_number_and_a_document_the_commune_has_are_conflicts(session, old):
    first, second = old("an", 4), old("binh", 5)
    _add_lists(second, (2, "02/2026", "approved", "012/QĐ-UBND", "2026-03-01", "2026-02-20"))
    a = communes.create_commune(session, communes.CommuneInput(code="XAA", name="xã An"), None)
    commune_merge.merge(session, first, a, None)
    session.commit()
    before = _lists_of(session, a.id)
    # the second file: other people, but list 01/2026, decision 12/QĐ-UBND of 2026 (twice: as written
    # and with a leading zero) and the allocating document «QĐ 12», all of which xã An has now
    plan, _ = commune_merge.plan_merge(session, second, a)
    assert [c for c in plan.conflicts if c.startswith(("Danh sách", "Quyết định", "Phân bổ"))] == [
        "Danh sách số 01/2026 (lập ngày 01/02/2026) của bản cũ trùng số với danh sách đã có ở xã An (lập ngày "
        "01/02/2026): mỗi xã một dãy số danh sách. Hãy kiểm tra xem tệp này đã được gộp chưa, hoặc xã đã lập danh "
        "sách ở cả hai nơi.",
        "Quyết định số 12/QĐ-UBND ngày 10/02/2026 (danh sách số 01/2026 của bản cũ) trùng số quyết định 12/QĐ-UBND "
        "ngày 10/02/2026 của danh sách số 01/2026 đã có ở xã An: mỗi số quyết định chỉ dùng một lần trong năm. Hãy "
        "đối chiếu với quyết định giấy và sửa quyết định ghi sai («Sửa quyết định» ở trang danh sách, ở hệ thống "
        "tỉnh, hoặc ở bản riêng của xã rồi lấy lại tệp), rồi gộp lại.",
        "Phân bổ 5 máy ngày 20/01/2026 của bản cũ theo văn bản «QĐ 12» đã được ghi: phân bổ 5 máy ngày 20/01/2026 "
        "(chưa hủy) ở xã An: một văn bản không ghi hai lần. Nếu là cùng một phân bổ, lãnh đạo xã hủy bản ghi thừa "
        "(ở hệ thống tỉnh, hoặc ở bản riêng của xã rồi lấy lại tệp), rồi gộp lại."]
    with pytest.raises(ServiceError, match="Không gộp được: .* Quyết định số 12/QĐ-UBND ngày 10/02/2026"):
        commune_merge.merge(session, second, a, None)
    session.rollback()
    assert _lists_of(session, a.id) == before and _households(session, a.id) == 3


def test_a_second_open_draft_is_refused_naming_both(app, session, old):
    source = old("an", 4)
    _add_lists(source, (2, None, "draft", None, None, "2026-03-01"))
    a = communes.create_commune(session, communes.CommuneInput(code="XAA", name="xã An"), None)
    lists.new_list(session, None, commune_id=a.id, created_on=dt.date(2026, 3, 5))
    session.commit()  # SQLite: the command's session reads and writes beside this one
    res = app.test_cli_runner().invoke(args=["import-commune-db", str(source), "--commune", "XAA", "--dry-run"])
    assert res.exit_code == 1 and [line for line in res.output.splitlines() if line.startswith("Xung đột:")] == [
        "Xung đột: xã An sẽ có 2 dự thảo danh sách đề nghị chưa trình (dự thảo ở hệ thống tỉnh lập ngày 05/03/2026, "
        "0 hồ sơ; dự thảo của bản cũ lập ngày 01/03/2026, 0 hồ sơ): mỗi xã chỉ một dự thảo mỗi lúc, để danh sách chờ "
        "không bị chia đôi. Hãy trình phê duyệt hoặc hủy dự thảo thừa trước (ở hệ thống tỉnh, hoặc ở bản riêng của xã "
        "rồi lấy lại tệp), rồi gộp lại."]
    with pytest.raises(ServiceError, match="Không gộp được: xã An sẽ có 2 dự thảo"):
        commune_merge.merge(session, source, a, None)
    session.rollback()
    assert _households(session, a.id) == 0 and len(_lists_of(session, a.id)) == 1
    # the province's draft cancelled: the copy's draft comes as the commune's one draft
    lists.cancel_list(session, session.scalars(select(ProposalList)).one(), "lập nhầm ở hệ thống tỉnh", None)
    session.commit()
    commune_merge.merge(session, source, a, None)
    session.commit()
    assert _lists_of(session, a.id) == [(None, "cancelled", None, False), ("01/2026", "approved", "2026:12/QĐ-UBND", False),
                                        (None, "draft", None, False)]


def test_drafts_the_copy_had_marked_come_as_they_are_named_in_a_note(session, old):
    source = old("an", 4)
    _add_lists(source, (2, None, "draft", None, None, "2026-03-01"), (3, None, "draft", None, None, "2026-03-02"))
    a = communes.create_commune(session, communes.CommuneInput(code="XAA", name="xã An"), None)
    plan = commune_merge.merge(session, source, a, None)
    session.commit()
    assert plan.conflicts == [] and ("Bản cũ có 1 dự thảo cũ hơn đã được đánh dấu là dự thảo thừa (lập ngày "
                                     "01/03/2026): gộp nguyên trạng; cán bộ xã trình phê duyệt hoặc hủy chúng.") in plan.notes
    assert _lists_of(session, a.id)[1:] == [(None, "draft", None, True), (None, "draft", None, False)]
    assert lists.open_draft(session, a.id).created_on == dt.date(2026, 3, 2)


# --- shares of the province's phones (domain.md §3, §10) ---------------------------------------

BKHCN = "QĐ 100/QĐ-BKHCN"


def _add_shares(path: Path, received: tuple, *shares: tuple) -> None:
    """Upgrade the 0004 database ``path`` to the head and record in it, as its province officer
    did: the province allocations ``received`` ((id, quantity, document, voided), received
    10/01/2026) and the commune's ``shares`` ((province allocation id, quantity, day, voided));
    with an audit entry of the first province allocation."""
    from subsidy.db import Base, upgrade_database

    url = f"sqlite:///{path}"
    upgrade_database(url)
    t = Base.metadata.tables
    now = dt.datetime(2026, 1, 10, 2, 0, tzinfo=dt.timezone.utc)
    engine = make_engine(url)
    with engine.begin() as conn:
        commune_id = conn.execute(text("SELECT id FROM communes")).scalar_one()
        for n, quantity, document, voided in received:
            conn.execute(t["province_allocations"].insert().values(
                id=n, quantity=quantity, received_on=dt.date(2026, 1, 10), source_document=document,
                document_key=reference_key(document), created_at=now,
                voided_at=now if voided else None, void_reason="Ghi nhầm" if voided else None))
        for n, quantity, day, voided in shares:
            document = next(r[2] for r in received if r[0] == n)
            conn.execute(t["allocations"].insert().values(
                commune_id=commune_id, province_allocation_id=n, quantity=quantity, allocated_on=day,
                source_document=document, document_key=reference_key(document), created_at=now,
                voided_at=now if voided else None, void_reason="Chia nhầm" if voided else None))
        conn.execute(t["audit_entries"].insert().values(
            at=now, action="province_allocation.create", entity_type="province_allocation", entity_id=received[0][0],
            changes={}))
    engine.dispose()


def _shares_of(session, commune_id: int) -> list[tuple]:
    rows = session.scalars(select(Allocation).where(Allocation.commune_id == commune_id,
                                                    Allocation.province_allocation_id.is_not(None)
                                                    | Allocation.voided_at.is_not(None))
                           .order_by(Allocation.allocated_on, Allocation.id))
    return [(a.province_allocation_id, a.quantity, a.allocated_on, a.voided_at is not None) for a in rows]


@pytest.fixture
def province_of(session, tt14):
    """Communes An (the merge's target) and Bình (2 poor households), and the province officer."""
    a = communes.create_commune(session, communes.CommuneInput(code="XAA", name="xã An"), None)
    b = communes.create_commune(session, communes.CommuneInput(code="XAB", name="xã Bình"), None)
    for _ in range(2):
        factories.applicant(session, commune_id=b.id, list_year=2026)
    return a, b, factories.user(session, "province_officer", "so-khcn", row=True)


def test_shares_of_the_province_come_attached_to_the_provinces_record_of_their_document(session, old, province_of):
    a, b, officer = province_of
    source = old("an", 4)
    _add_shares(source, ((1, 10, BKHCN, False), (2, 3, "QĐ 7/QĐ-BKHCN", True)),
                (1, 2, D(2026, 1, 20), False), (1, 1, D(2026, 1, 25), False), (1, 4, D(2026, 1, 15), True),
                (2, 1, D(2026, 1, 12), True))
    # the province recorded the same ministry document (typed otherwise) and gave Bình its share
    pa = province.record_received(session, 10, D(2026, 1, 10), "qđ 100 / QĐ-BKHCN", officer)
    province.give_to_commune(session, pa.id, b.id, 2, D(2026, 1, 20), officer)
    plan = commune_merge.merge(session, source, a, None)
    session.commit()
    assert plan.conflicts == []
    assert ("3 phần tỉnh chia cho xã của bản cũ được gắn vào số máy tỉnh được phân bổ theo cùng văn bản đã ghi ở hệ "
            "thống tỉnh; số máy tỉnh được phân bổ ghi ở bản cũ không được chép (tỉnh có sổ riêng).") in plan.notes
    assert ("1 phần tỉnh chia đã hủy của bản cũ theo văn bản hệ thống tỉnh chưa ghi: gộp như phân bổ đã hủy của xã "
            "tự ghi (không tính vào chỉ tiêu nào).") in plan.notes
    assert _shares_of(session, a.id) == [(None, 1, D(2026, 1, 12), True), (pa.id, 4, D(2026, 1, 15), True),
                                         (pa.id, 2, D(2026, 1, 20), False), (pa.id, 1, D(2026, 1, 25), False)]
    assert session.scalar(select(func.count()).select_from(ProvinceAllocation)) == 1  # the copy's not copied
    view = province.overview(session)
    # An: its own 5 phones of «QĐ 12» (the 0004 copy's) and 3 of the province's; Bình 2
    assert {c.code: c.given for c in view.communes} == {"XAA": 8, "XAB": 2}
    assert (view.received, view.divided, view.undivided) == (10, 5, 5)
    assert allocations.quota(session, commune_id=a.id).allocated == 8
    assert session.scalars(select(AuditEntry.entity_id).where(
        AuditEntry.entity_type == "province_allocation", AuditEntry.commune_id == a.id)).all() == [None]


def test_shares_the_province_cannot_take_over_are_conflicts_and_nothing_is_written(session, old, province_of):
    a, b, officer = province_of
    source = old("an", 4)
    _add_shares(source, ((1, 10, BKHCN, False),), (1, 2, D(2026, 1, 20), False), (1, 1, D(2026, 1, 25), False))
    asked = f"Bản cũ ghi tỉnh chia cho xã 3 máy theo văn bản «{BKHCN}» (ngày 20/01/2026, 25/01/2026)"

    def conflicts() -> list[str]:
        plan, _ = commune_merge.plan_merge(session, source, a)
        return plan.conflicts

    assert conflicts() == [
        f"{asked}, nhưng hệ thống tỉnh chưa ghi số máy tỉnh được phân bổ theo văn bản này (hoặc đã hủy bản ghi): phần "
        "chia phải gắn vào bản ghi của tỉnh. Cán bộ tỉnh ghi số máy tỉnh được Bộ phân bổ theo văn bản này (mục «Ghi số "
        "máy tỉnh được phân bổ» ở trang của tỉnh), rồi gộp lại."]
    with pytest.raises(ServiceError, match="^Không gộp được: Bản cũ ghi tỉnh chia cho xã 3 máy"):
        commune_merge.merge(session, source, a, None)
    assert _households(session, a.id) == 0
    pa = province.record_received(session, 4, D(2026, 1, 10), BKHCN, officer)
    to_b = province.give_to_commune(session, pa.id, b.id, 2, D(2026, 1, 20), officer)
    assert conflicts() == [
        f"{asked}, nhưng văn bản này ở hệ thống tỉnh chỉ còn 2 máy chưa chia (tỉnh nhận 4, đã chia cho xã khác 2). Cán "
        "bộ tỉnh kiểm tra số máy đã ghi theo văn bản này, hoặc hủy phần đã chia nhầm cho xã khác, rồi gộp lại."]
    allocations.void_allocation(session, to_b.id, "Chia nhầm xã", officer)
    factories.applicant(session, commune_id=a.id, list_year=2026)
    to_a = province.give_to_commune(session, pa.id, a.id, 1, D(2026, 1, 21), officer)
    assert conflicts() == [
        f"{asked}, nhưng ở hệ thống tỉnh xã An đã được chia 1 máy theo văn bản này: gộp sẽ tính số máy hai lần. Nếu là "
        "cùng số máy, cán bộ tỉnh hủy phần đã chia ở hệ thống tỉnh (mục «Phần đã chia cho xã»), rồi gộp lại."]
    allocations.void_allocation(session, to_a.id, "Đã có trong bản cũ", officer)
    own = allocations.record_allocation(session, 1, D(2026, 1, 22), BKHCN, None, commune_id=a.id)
    assert conflicts() == [
        f"{asked}, nhưng ở hệ thống tỉnh xã An đã tự ghi phân bổ theo văn bản «{BKHCN}» đã được ghi: phân bổ 1 máy ngày "
        "22/01/2026 (chưa hủy): số máy sẽ tính hai lần. Nếu là cùng số máy, lãnh đạo xã hủy phân bổ xã tự ghi ở hệ "
        "thống tỉnh, rồi gộp lại."]
    own.voided_at, own.void_reason = utcnow(), "Đã có trong bản cũ"
    session.flush()
    assert conflicts() == []
    commune_merge.merge(session, source, a, None)
    session.commit()
    assert _shares_of(session, a.id) == [(pa.id, 2, D(2026, 1, 20), False), (pa.id, 1, D(2026, 1, 21), True),
                                         (None, 1, D(2026, 1, 22), True), (pa.id, 1, D(2026, 1, 25), False)]
    assert [given for _pa, given in province.overview(session).allocations] == [3]
