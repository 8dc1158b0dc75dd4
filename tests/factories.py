"""Test data in one place: staff accounts, households, applications in any state, allocations and
proposal lists.

Two kinds of helpers, and the name says which:

- rows written directly with the models (``household``, ``applicant``, ``application``,
  ``approved``, ``allocation_row``; ``user(..., row=True)``), for tests that only need data;
- data made through the services (``user``, ``eligible``, ``allocation``, ``proposal_list``),
  for tests whose meaning is that the rules ran: checks, audit entries, events.

Every helper takes the Session, flushes and never commits (the caller commits when a page or
another process must see the data). Codes, tracking codes and CCCD numbers are unique within a
process, so helpers can be called any number of times in one test.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from typing import Any, Iterator, Sequence

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from subsidy.domain.calendar import VN_TZ
from subsidy.domain.scope import role_signs
from subsidy.models import Allocation, Application, ApplicationEvent, Household, ProposalList, User

TEST_PASSWORD = "Lua-chin-vang-2026"
# A cheap hash of TEST_PASSWORD, made once: scrypt (the service's hash) takes about 0.2 s of CPU for
# each account created and each sign-in checked, which over the suite cost more than most tests.
TEST_PASSWORD_HASH = generate_password_hash(TEST_PASSWORD, method="pbkdf2:sha256:1000")

APPROVED_AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
ALLOCATION_SOURCE = "Công văn số 215/STTTT-BCVT"

_seq = itertools.count(1)


def tracking_code(n: int) -> str:
    """A 10-character tracking code from the code alphabet, distinct for each ``n``."""
    out = []
    for _ in range(10):
        n, r = divmod(n, len(TRACKING_ALPHABET))
        out.append(TRACKING_ALPHABET[r])
    return "".join(reversed(out))


# ------------------------------------------------------------------------------- staff accounts


@contextlib.contextmanager
def cheap_test_password() -> Iterator[None]:
    """While open, the users service hashes TEST_PASSWORD as TEST_PASSWORD_HASH (any other password
    as it always does), so accounts are still made by ``users.create_user``."""
    from subsidy.services import users

    real = users.hash_password
    users.hash_password = lambda password: TEST_PASSWORD_HASH if password == TEST_PASSWORD else real(password)
    try:
        yield
    finally:
        users.hash_password = real


def _signer_name(username: str) -> str:
    """"Cán bộ <the username's letters>" when that is a person's name by the name rule, else a
    name of the sample list's shape."""
    from subsidy.domain import vn

    try:
        return vn.normalize_name(f"Cán bộ {''.join(ch for ch in username if ch.isalpha())}")
    except vn.VnValueError:
        return "Cán bộ Nguyễn Văn An"


def user(session: Session, role: str = "clerk", username: str | None = None, *, full_name: str | None = None,
         must_change_password: bool = False, actor: User | None = None, row: bool = False,
         commune_id: int | None = None) -> User:
    """A staff account with password TEST_PASSWORD (flushed).

    By default made by ``users.create_user`` (its checks and its "user.create" audit entry);
    ``row=True`` writes the row only (no audit entry), for tests that count audit entries.
    ``username`` defaults to ``<role>-<n>``; ``commune_id``: a commune role's commune (default:
    the instance's only one). ``full_name``: None gives a role that signs documents (clerk,
    approvers, province officer: domain.scope.SIGNING_ROLES) a name of its own, "Cán bộ <the
    username's letters>",
    and the others none.
    """
    username = username or f"{role}-{next(_seq)}"
    if full_name is None:
        full_name = _signer_name(username) if role_signs(role) else ""
    if row:
        account = User(username=username, password_hash=TEST_PASSWORD_HASH, role=role, full_name=full_name,
                       must_change_password=must_change_password, commune_id=commune_id)
        session.add(account)
        session.flush()
        return account
    from subsidy.services import users

    with cheap_test_password():
        return users.create_user(session, username, role, TEST_PASSWORD, actor, full_name=full_name,
                                 must_change_password=must_change_password, commune_id=commune_id)


# ----------------------------------------------------------------------------------- households


def household(session: Session, *, code: str | None = None, head_name: str = "Nguyễn Văn Hùng",
              hamlet: str = "Ấp Phú Hòa", category: str | None = "poor", **fields: Any) -> Household:
    """A household row (flushed), as the register would hold it: its search and sort keys derived
    as the household service derives them. ``code`` defaults to a unique ``F00001``…; every other
    column keeps the model's default unless given in ``fields``."""
    from subsidy.services.households import derived_keys

    code = code or f"F{next(_seq):05d}"
    search_text, sort_key = derived_keys(head_name, code, fields.get("citizen_id"), fields.get("phone"))
    fields.setdefault("search_text", search_text)
    fields.setdefault("sort_key", sort_key)
    h = Household(code=code, head_name=head_name, hamlet=hamlet, category=category, **fields)
    session.add(h)
    session.flush()
    return h


def applicant(session: Session, **fields: Any) -> Household:
    """A household row that passes E1–E2 for 2025 (poor, on the 2025 list, no prior device) with a
    unique CCCD of a man born in 1970; any of these can be overridden in ``fields`` (citizen_id=None
    for one without a CCCD)."""
    fields.setdefault("list_year", 2025)
    fields.setdefault("prior_device", "none")
    fields.setdefault("citizen_id", f"082070{next(_seq):06d}")
    fields.setdefault("head_birth_year", 1970)
    return household(session, **fields)


# --------------------------------------------------------------------------------- applications


def application(session: Session, h: Household | None = None, *, state: str = "received",
                support_form: str = "package", received_on: dt.date = dt.date(2026, 1, 5),
                code: str | None = None, **fields: Any) -> Application:
    """An application row in ``state`` (flushed), on household ``h`` or on a new one; no events.
    ``code`` is the tracking code (default: a unique one)."""
    h = h if h is not None else household(session)
    app = Application(household_id=h.id, tracking_code=code or tracking_code(7919 * next(_seq) + 17),
                      received_on=received_on, support_form=support_form, state=state, **fields)
    session.add(app)
    session.flush()
    return app


def approved(
    session: Session, *, form: str = "package", head_name: str = "Nguyễn Thị Ánh Tuyết",
    hamlet: str = "Ấp Phú Thạnh", approved_at: dt.datetime = APPROVED_AT,
    purchase_date: dt.date | None = dt.date(2023, 1, 15), category: str = "poor",
    citizen_id: str | None = None,
) -> Application:
    """A household and its approved application with the history received → eligible → proposed →
    approved (the last event at ``approved_at``), written as rows so that handover and receipt
    tests do not depend on the application services. Flushed."""
    h = household(session, head_name=head_name, hamlet=hamlet, members=3, category=category, list_year=2026,
                  citizen_id=citizen_id, address="Tổ 3")
    app = application(session, h, state="approved", support_form=form, received_on=dt.date(2026, 1, 5),
                      purchase_date=purchase_date if form == "cash" else None)
    t0 = approved_at - dt.timedelta(days=40)
    for i, (a, b) in enumerate([(None, "received"), ("received", "eligible"), ("eligible", "proposed"),
                                ("proposed", "approved")]):
        at = approved_at if b == "approved" else t0 + dt.timedelta(days=i)
        session.add(ApplicationEvent(application_id=app.id, from_state=a, to_state=b, at=at))
    session.flush()
    return app


def eligible(session: Session, clerk: User, h: Household | None = None, *, support_form: str = "package",
             received_on: dt.date = dt.date(2025, 3, 1), on: dt.date | None = None, **fields: Any) -> Application:
    """An application applied for and checked eligible through the services (apply, then
    check_eligibility on ``on``); needs an active rule set (the ``tt14`` fixture). Raises
    AssertionError if the check does not find it eligible."""
    from subsidy.services import applications

    h = h if h is not None else applicant(session)
    app = applications.apply(session, applications.ApplicationInput(
        household_id=h.id, support_form=support_form, received_on=received_on, **fields), clerk)
    decision = applications.check_eligibility(session, app, clerk, **({"on": on} if on else {}))
    assert decision.outcome == "eligible", decision
    return app


# ------------------------------------------------------------------------- allocations and lists


def allocation_row(session: Session, quantity: int = 5, allocated_on: dt.date = dt.date(2026, 1, 20),
                   source_document: str = "QĐ 12/QĐ-UBND", **fields: Any) -> Allocation:
    """An allocation row (flushed), without the service's ceiling check or audit entry."""
    row = Allocation(quantity=quantity, allocated_on=allocated_on, source_document=source_document, **fields)
    session.add(row)
    session.flush()
    return row


def allocation(session: Session, actor: User, quantity: int, allocated_on: dt.date,
               source_document: str = ALLOCATION_SOURCE) -> Allocation:
    """Phones allocated to the commune through ``allocations.record_allocation`` (audited, checked
    against the ceiling of poor and near-poor households)."""
    from subsidy.services import allocations

    return allocations.record_allocation(session, quantity, allocated_on, source_document, actor)


def proposal_list(session: Session, clerk: User, *, created_on: dt.date, count: int | None = None,
                  approver: User | None = None, decision: tuple[str, dt.date, str] | None = None,
                  ) -> tuple[ProposalList, Sequence[Application]]:
    """A proposal list built by ``lists.build_proposal_list`` from the waiting list (priority order,
    up to the quota left), and approved by ``approver`` with ``decision`` = (number, date, body)
    when both are given. Returns (list, the applications on it)."""
    from subsidy.services import lists

    pl = lists.build_proposal_list(session, clerk, count=count, created_on=created_on)
    if approver is not None and decision is not None:
        lists.approve_list(session, pl, *decision, approver)
    return pl, lists.applications_on(session, pl)


def tracking_display(application: Application) -> str:
    """The application's tracking code as pages print it (grouped)."""
    from subsidy.domain import tracking

    return tracking.display(application.tracking_code)
