"""The complaint state table walked for every role and level."""
from __future__ import annotations

import pytest

from subsidy.domain.complaints import states as st
from subsidy.domain.workflow import IllegalTransition, ReasonRequired, RoleNotAllowed

ROLES = ("clerk", "approver", "radio", "province_officer", "province_approver", "admin")
# (kind, from, to) → who may, per level of the contested decision, written out by hand
EXPECTED = {
    ("complaint", "received", "accepted"): {"commune": {"clerk"}, "province": {"clerk"}},
    ("complaint", "received", "refused"): {"commune": {"clerk", "approver"}, "province": {"clerk", "province_approver"}},
    ("complaint", "accepted", "in_review"): {"commune": {"clerk"}, "province": {"clerk"}},
    ("complaint", "accepted", "decided"): {"commune": {"approver"}, "province": {"province_approver"}},
    ("complaint", "in_review", "decided"): {"commune": {"approver"}, "province": {"province_approver"}},
    ("complaint", "decided", "closed"): {"commune": {"clerk", "approver"}, "province": {"clerk", "province_approver"}},
    ("complaint", "refused", "closed"): {"commune": {"clerk", "approver"}, "province": {"clerk", "province_approver"}},
    ("complaint", "decided", "appealed"): {"commune": {"clerk"}, "province": {"clerk"}},
    ("complaint", "closed", "appealed"): {"commune": {"clerk"}, "province": {"clerk"}},
    ("complaint", "accepted", "appealed"): {"commune": {"clerk"}, "province": {"clerk"}},
    ("complaint", "in_review", "appealed"): {"commune": {"clerk"}, "province": {"clerk"}},
    ("petition", "received", "decided"): {"commune": {"clerk", "approver"}, "province": {"clerk", "approver"}},
    ("petition", "decided", "closed"): {"commune": {"clerk", "approver"}, "province": {"clerk", "approver"}},
    ("denunciation", "received", "forwarded"): {"commune": {"clerk", "approver"}, "province": {"clerk", "approver"}},
    ("denunciation", "forwarded", "closed"): {"commune": {"clerk", "approver"}, "province": {"clerk", "approver"}},
}


def _args(kind, target):
    return {"reason": "Điều 11 khoản 5", "outcome": "answered" if kind == "petition" else "upheld", "overdue": True,
            "decided": True}


@pytest.mark.parametrize("level", ["commune", "province"])
def test_every_pair_of_states_for_every_role(level):
    assert set(st.TRANSITIONS) == set(EXPECTED)
    for kind in st.KINDS:
        for src in st.STATES:
            for dst in st.STATES:
                for role in ROLES:
                    allowed = role in EXPECTED.get((kind, src, dst), {}).get(level, set())
                    if allowed:
                        st.check_move(kind, src, dst, role, level, **_args(kind, dst))
                    else:
                        with pytest.raises((IllegalTransition, RoleNotAllowed)):
                            st.check_move(kind, src, dst, role, level, **_args(kind, dst))


def test_nothing_leaves_an_anonymous_filed_petition_or_a_closed_case_but_a_second_complaint():
    for kind in st.KINDS:
        for role in ROLES:
            assert st.allowed_moves(kind, "filed", role, "commune") == []
            closed = [t for t, _ in st.allowed_moves(kind, "closed", role, "commune")]
            assert closed == (["appealed"] if (kind, role) == ("complaint", "clerk") else [])
    with pytest.raises(st.NoDecisionToAppeal):
        st.check_move("complaint", "closed", "appealed", "clerk", "commune", decided=False)
    assert [st.appealable_decision(o, False) for o in ("upheld", "partly_upheld", "rejected", "withdrawn")] == \
        [True, True, True, False]
    assert not st.appealable_decision(None, True)


def test_reason_outcome_and_overdue_checks():
    with pytest.raises(ReasonRequired):
        st.check_move("complaint", "received", "refused", "clerk", "commune", reason=" ")
    with pytest.raises(st.OutcomeRequired):
        st.check_move("complaint", "in_review", "decided", "approver", "commune", outcome="answered")
    with pytest.raises(st.OutcomeRequired):
        st.check_move("petition", "received", "decided", "clerk", "commune", outcome="upheld")
    with pytest.raises(st.AppealNotYetAllowed):
        st.check_move("complaint", "in_review", "appealed", "clerk", "commune", overdue=False)
    assert st.check_move("complaint", "decided", "appealed", "clerk", "commune").name == "appeal"


def test_levels_and_the_named_person():
    assert st.first_level("commune", province_approved=False) == "commune"
    assert st.first_level("commune", province_approved=True) == "province"
    assert st.first_level("province", province_approved=False) == "province"
    assert st.second_level("commune") == "province" and st.second_level("province") == "ministry"
    assert st.decider_role("ministry") == "province_officer"
    assert not st.may_handle(7, 7) and st.may_handle(7, 8) and st.may_handle(7, None)


def test_refusals_name_roles_in_vietnamese_and_never_echo_an_unknown_step():
    with pytest.raises(RoleNotAllowed) as err:
        st.check_move("complaint", "accepted", "in_review", "approver", "commune")
    assert str(err.value) == ("Bước «Bắt đầu xác minh» dành cho: Công chức VP-TK; tài khoản «Lãnh đạo xã (phê duyệt)» "
                              "không được thực hiện bước này.")
    with pytest.raises(IllegalTransition) as err:
        st.check_move("complaint", "received", "bogus", "clerk", "commune")
    assert "bogus" not in str(err.value)
