"""Walk the whole transition table for every role × every pair of states (domain.md §5).

The expected table is written out here by hand from domain.md §5, independently of
subsidy.domain.workflow.TRANSITIONS: a legal move succeeds (and, through the service, changes the
state and writes one event and one audit entry); an illegal one raises the named error
(IllegalTransition / RoleNotAllowed / ReasonRequired) and changes nothing.
"""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import select

from subsidy.domain.workflow import (
    IllegalTransition, ReasonRequired, RoleNotAllowed, State, TRANSITIONS, WorkflowError, allowed_moves, check_move,
)
from tests import factories

STATES = [s.value for s in State]
ROLES = ["clerk", "approver", "admin", "radio", "province_officer", "province_approver", ""]
C, A, CA = {"clerk"}, {"approver"}, {"clerk", "approver"}
LIST = {"approver", "province_approver"}  # a list's approval: the commune's or the province's
BEFORE_HANDOVER = ["received", "eligible", "not_eligible", "proposed", "approved"]

# (from, to): (roles allowed, reason required)
EXPECTED: dict[tuple[str, str], tuple[set[str], bool]] = {
    ("received", "eligible"): (C, False),
    ("received", "not_eligible"): (C, False),
    ("eligible", "not_eligible"): (C, False),
    ("not_eligible", "eligible"): (C, False),
    ("eligible", "proposed"): (C, False),
    ("proposed", "eligible"): (C, True),
    ("proposed", "approved"): (LIST, False),
    ("approved", "handed_over"): (C, False),
    ("approved", "paid"): (C, False),
    ("handed_over", "approved"): (A, True),
    ("paid", "approved"): (A, True),
    ("handed_over", "closed"): (CA, False),
    ("paid", "closed"): (CA, False),
}
for s in BEFORE_HANDOVER:
    EXPECTED[(s, "withdrawn")] = (CA, True)
    EXPECTED[(s, "refused")] = (A, True)
# reopening (one application per household): the household applies again / a refusal is reconsidered
EXPECTED[("withdrawn", "received")] = (C, True)
EXPECTED[("refused", "received")] = (A, True)
# correcting the checked facts: back to received, off any list (an approved decision is not changed silently)
for s in ["eligible", "not_eligible", "proposed", "approved"]:
    EXPECTED[(s, "received")] = (C, True)

ALL = list(itertools.product(STATES, STATES, ROLES))


def expected_error(src: str, dst: str, role: str, reason: str | None):
    if (src, dst) not in EXPECTED:
        return IllegalTransition
    roles, needs_reason = EXPECTED[(src, dst)]
    if role not in roles:
        return RoleNotAllowed
    if needs_reason and not (reason or "").strip():
        return ReasonRequired
    return None


def test_table_has_exactly_the_expected_moves():
    assert {(s.value, t.value) for s, t in TRANSITIONS} == set(EXPECTED)
    for (s, t), move in TRANSITIONS.items():
        roles, needs_reason = EXPECTED[(s.value, t.value)]
        assert set(move.roles) == roles, (s, t)
        assert move.needs_reason == needs_reason, (s, t)


def test_terminal_states_have_no_way_out():
    for role in ROLES:
        assert allowed_moves("closed", role) == []


@pytest.mark.parametrize("src,role", [("withdrawn", "clerk"), ("refused", "approver")])
def test_withdrawn_and_refused_only_reopen_for_their_role(src, role):
    for r in ROLES:
        moves = allowed_moves(src, r)
        if r == role:
            assert [(t.value, m.name, m.needs_reason) for t, m in moves] == [("received", "reopen", True)]
        else:
            assert moves == []


def _check_move_problems(src: str, dst: str, role: str, reason: str | None) -> list[str]:
    """What check_move and allowed_moves get wrong for one (state, move, role, reason), as readable
    lines; [] when both agree with EXPECTED."""
    where = f"{src} → {dst} as {role or '(no role)'!r} with reason {reason!r}"
    err = expected_error(src, dst, role, reason)
    targets = [t.value for t, _ in allowed_moves(src, role)]
    try:
        move = check_move(src, dst, role, reason)
    except WorkflowError as exc:
        if err is None:
            return [f"{where}: expected the move, got {type(exc).__name__}"]
        problems = []
        if type(exc) is not err:
            problems.append(f"{where}: expected {err.__name__}, got {type(exc).__name__}")
        if not str(exc):  # a Vietnamese message for the clerk
            problems.append(f"{where}: {type(exc).__name__} without a message")
        if err is not ReasonRequired and dst in targets:
            problems.append(f"{where}: refused, yet allowed_moves offers {dst}")
        return problems
    if err is not None:
        return [f"{where}: expected {err.__name__}, got the move {move.name!r}"]
    problems = []
    if move is not TRANSITIONS[(State(src), State(dst))]:
        problems.append(f"{where}: returned {move!r}, not the table's move")
    if (State(dst), move) not in allowed_moves(src, role):
        problems.append(f"{where}: allowed, yet allowed_moves does not offer it")
    return problems


@pytest.mark.parametrize("reason", [None, "   ", "Hộ đề nghị rút"])
def test_check_move_on_every_state_pair_and_role(reason):
    """Every (from, to, role) triple of the hand-written table, for one kind of reason: all
    mismatches are listed together."""
    problems = [p for src, dst, role in ALL for p in _check_move_problems(src, dst, role, reason)]
    assert not problems, f"{len(problems)} mismatches:\n" + "\n".join(problems)
    assert len(ALL) == len(STATES) ** 2 * len(ROLES) == 700


def test_the_walk_reports_a_wrong_table(monkeypatch):
    """The walk above is able to fail: with one move's roles changed it names that triple."""
    from subsidy.domain import workflow

    key = (State.proposed, State.approved)
    broken = dict(TRANSITIONS)
    broken[key] = workflow.Move("approve", "Phê duyệt", frozenset({"clerk"}))
    monkeypatch.setattr(workflow, "TRANSITIONS", broken)
    problems = [p for src, dst, role in ALL for p in _check_move_problems(src, dst, role, None)]
    assert problems == [
        "proposed → approved as 'clerk' with reason None: expected RoleNotAllowed, got the move 'approve'",
        "proposed → approved as 'approver' with reason None: expected the move, got RoleNotAllowed",
        "proposed → approved as 'province_approver' with reason None: expected the move, got RoleNotAllowed",
    ]


def test_every_pair_through_the_service_changes_state_or_nothing(session):
    """workflow.move on a real application for every role × pair × (no reason, a reason)."""
    from subsidy.models import ApplicationEvent, AuditEntry
    from subsidy.services import workflow

    users = {role: factories.user(session, role, f"u-{role}", row=True) for role in ROLES[:-1]}
    h = factories.household(session, code="WF1", head_name="Lê Văn Tám", list_year=2025)
    app = factories.application(session, h, code="WFTABLE234", received_on=dt.date(2025, 1, 2))

    both = (f"SELECT (SELECT count(*) FROM {ApplicationEvent.__tablename__}), "
            f"(SELECT count(*) FROM {AuditEntry.__tablename__})")

    def counts():
        # One plain statement for both tables: 1,000 moves are checked, each right after it is made.
        session.flush()
        return tuple(session.connection().exec_driver_sql(both).one())

    expected = counts()  # events and audit entries so far; each legal move adds one of each
    legal = 0
    for src, dst, role in ALL:
        for reason in (None, "Lý do ghi rõ"):
            app.state = src
            err = expected_error(src, dst, role, reason)
            actor = users.get(role)
            if err is None:
                workflow.move(session, app, dst, actor, reason, role=role or None)
                expected = (expected[0] + 1, expected[1] + 1)
                assert app.state == dst
                assert counts() == expected
                ev = session.scalars(select(ApplicationEvent).order_by(ApplicationEvent.id.desc())).first()
                assert (ev.from_state, ev.to_state, ev.reason) == (src, dst, reason)
                legal += 1
            else:
                with pytest.raises(err):
                    workflow.move(session, app, dst, actor, reason, role=role or None)
                assert app.state == src
                assert counts() == expected
    # 13 + 10 + 2 moves; each legal for its roles, with and without a reason unless one is needed
    expected_legal = sum(len(roles) * (1 if needs else 2) for roles, needs in EXPECTED.values())
    assert legal == expected_legal


# The refusals' messages, written out from domain.md §5 (what must happen first, and who does it).
@pytest.mark.parametrize("src, dst, message", [
    ("handed_over", "withdrawn",
     "Không thể chuyển hồ sơ từ trạng thái «Đã bàn giao điện thoại» sang «Đã rút hồ sơ». Cần làm trước: bước "
     "«Hủy biên bản bàn giao» (Lãnh đạo xã (phê duyệt)) đưa hồ sơ sang «Đã được phê duyệt»; sau đó mới làm được "
     "bước «Rút hồ sơ (theo đề nghị của hộ)» (Lãnh đạo xã (phê duyệt) hoặc Công chức VP-TK)."),
    ("paid", "refused",
     "Không thể chuyển hồ sơ từ trạng thái «Đã chi hỗ trợ bằng tiền» sang «Bị từ chối». Cần làm trước: bước "
     "«Hủy giấy biên nhận» (Lãnh đạo xã (phê duyệt)) đưa hồ sơ sang «Đã được phê duyệt»; sau đó mới làm được "
     "bước «Từ chối hồ sơ» (Lãnh đạo xã (phê duyệt))."),
    ("received", "approved",
     "Không thể chuyển hồ sơ từ trạng thái «Đã tiếp nhận» sang «Đã được phê duyệt». Cần làm trước: bước «Kiểm tra "
     "điều kiện» (Công chức VP-TK) đưa hồ sơ sang «Đủ điều kiện»; rồi bước «Đưa vào danh sách đề nghị» (Công chức "
     "VP-TK) đưa hồ sơ sang «Đã đưa vào danh sách đề nghị»; sau đó mới làm được bước «Phê duyệt» (Lãnh đạo xã "
     "(phê duyệt) hoặc Lãnh đạo tỉnh (phê duyệt))."),
    ("closed", "withdrawn",
     "Không thể chuyển hồ sơ từ trạng thái «Đã hoàn tất» sang «Đã rút hồ sơ». Hồ sơ đã hoàn tất: không còn bước "
     "nào thay đổi được hồ sơ."),
    ("withdrawn", "withdrawn", "Không thể làm bước này: hồ sơ đang ở trạng thái «Đã rút hồ sơ» (trang có thể đã cũ). "
                               "Hãy tải lại trang để xem các bước làm được."),
    ("received", "closed",
     "Không thể chuyển hồ sơ từ trạng thái «Đã tiếp nhận» sang «Đã hoàn tất». Từ trạng thái này chỉ có các bước: "
     "«Kiểm tra điều kiện», «Rút hồ sơ (theo đề nghị của hộ)», «Từ chối hồ sơ»."),
])
def test_an_illegal_move_says_what_must_happen_first(src, dst, message):
    with pytest.raises(IllegalTransition) as err:
        check_move(src, dst, "clerk", "lý do")
    assert str(err.value) == message


def test_a_role_refused_is_named_in_words():
    with pytest.raises(RoleNotAllowed) as err:
        check_move("handed_over", "approved", "clerk", "lý do")
    assert str(err.value) == ("Tài khoản có vai trò «Công chức VP-TK» không được thực hiện bước «Hủy biên bản bàn "
                              "giao»; bước này dành cho: Lãnh đạo xã (phê duyệt).")
