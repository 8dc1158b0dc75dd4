"""A commune's own database merged into a province commune meets the rules the database keeps on a
commune's lists and allocations (migrations 0015, 0016; domain.md §10): a list number, a decision
number of the year (rule R5-QĐ), one open draft, an allocating document recorded once. Each clash
is a conflict of the plan (dry run and real run alike) naming the rows and what to do, and nothing
is written; the copied lists carry their decision key. The sources are real SQLite files made at
migration 0004 (tests/test_migrations._history_at_0004) and upgraded by the merge."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from subsidy.db import make_engine
from subsidy.models import Household, ProposalList
from subsidy.services import commune_merge, communes, lists
from subsidy.services.errors import ServiceError
from tests.services.test_commune_merge import _shifted
from tests.test_migrations import _history_at_0004


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
