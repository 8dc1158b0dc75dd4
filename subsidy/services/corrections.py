"""Correcting an application's facts with a reason: the date received (which sets its place in the
queue), the form of support, the purchase date and the evidence seen (cash, E5).

A typo must not be forever, and an approved decision must never change silently (domain.md §5):

* before proposal (received, eligible, not eligible) the clerk corrects alone; a checked
  application goes back to ``received`` (the check that read the old facts no longer holds);
* on a proposed (draft) list the correction takes it off that list (its entry marked removed with
  the reason) and back to ``received``;
* on an approved list it leaves the list too: the approved list keeps its frozen row (a legal
  record), the application goes back to ``received`` and must be checked, proposed and approved
  again, so the approver sees it again;
* handed over, paid or closed: refused (void the handover or payment first); withdrawn or refused:
  refused (reopen first).

Every move goes through domain/workflow.py (the "correct" move: clerk, reason required). Every
correction is audited as ``application.correction`` with the old and new value of each field and
the reason. The view offers the re-check at once (``recheck=True`` runs it in the same transaction).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from subsidy.domain import tracking
from subsidy.domain.calendar import today_vn
from subsidy.domain.labels import APPLICATION_FIELD_LABELS, STATE_LABELS
from subsidy.domain.workflow import CORRECTABLE, State, check_move
from subsidy.models import Application, EligibilityDecision, ProposalList, User
from subsidy.services import applications as apps_svc
from subsidy.services import audit, versions, workflow
from subsidy.services.errors import FieldError, InvalidFields, ServiceError

FIELDS = tuple(APPLICATION_FIELD_LABELS)


class NothingChanged(ServiceError):
    """The correction holds the values already on file. ``str(err)`` is the web form's wording (it
    names the form's «Hủy» button); :attr:`api_message` is the JSON API's, which names the fields to
    send instead of a button (an API client has none)."""

    WEB = "Không có thông tin nào thay đổi: hãy sửa ít nhất một ô, hoặc bấm «Hủy»."
    API = ("Không có thông tin nào thay đổi: gửi ít nhất một trường (received_on, support_form, purchase_date, "
           "evidence_note) có giá trị khác giá trị đang lưu của hồ sơ.")

    def __init__(self) -> None:
        super().__init__(self.WEB)
        self.api_message = self.API


@dataclass
class CorrectionInput:
    """The corrected facts as the form carries them (every field, changed or not) and the reason.
    ``support_form``: "package" | "cash"; ``purchase_date``/``evidence_note`` are kept for cash
    only (cleared when the form becomes package)."""

    received_on: dt.date | None
    support_form: str
    purchase_date: dt.date | None
    evidence_note: str | None
    reason: str
    #: The application's version (services.versions) the page or API client read; None: unchecked.
    seen_version: int | None = None


@dataclass
class CorrectionResult:
    """What a correction did: ``changes`` {field: [old, new]} (ISO dates), ``from_state`` (the
    state before; "received" when it did not move), ``left_list`` (the number of the list it was
    taken off, or None) and ``decision`` (the re-check's decision when one ran)."""

    changes: dict[str, list]
    from_state: str
    left_list: str | None = None
    decision: EligibilityDecision | None = None
    moved: bool = field(default=False)


def refusal(application: Application) -> str | None:
    """Why ``application`` cannot be corrected now (a Vietnamese sentence saying what to do first),
    or None when it can."""
    state = application.state
    if state in (State.handed_over.value, State.paid.value, State.closed.value):
        return (f"Hồ sơ đã ở trạng thái «{STATE_LABELS[state]}»: không sửa được thông tin hồ sơ. Nếu có sai sót, "
                "lãnh đạo phải hủy biên bản bàn giao (hoặc giấy biên nhận) trước, có ghi lý do.")
    if state in (State.withdrawn.value, State.refused.value):
        return f"Hồ sơ đã ở trạng thái «{STATE_LABELS[state]}»: hãy mở lại hồ sơ trước khi sửa thông tin."
    if State(state) not in CORRECTABLE:
        return f"Hồ sơ ở trạng thái «{STATE_LABELS[state]}» không sửa được."
    return None


def _field_errors(session: Session, data: CorrectionInput, today: dt.date) -> dict[str, str]:
    """Every wrong field at once (the form shows each under its field)."""
    errors: dict[str, str] = {}
    if not (data.reason or "").strip():
        errors["reason"] = "Hãy ghi rõ lý do sửa (ví dụ: gõ nhầm năm mua máy 2022, đúng là 2023)."
    if data.support_form not in apps_svc.FORMS:
        errors["support_form"] = "Hãy chọn hình thức hỗ trợ: gói hỗ trợ kết hợp hoặc hỗ trợ bằng tiền."
    if data.received_on is None:
        errors["received_on"] = "Hãy nhập ngày nhận hồ sơ (ngày/tháng/năm)."
    else:
        try:
            apps_svc.check_received_on(session, data.received_on, today)
        except FieldError as err:
            errors[err.field] = str(err)
    if data.support_form == "cash":
        try:
            apps_svc.check_not_future(data.purchase_date, "Ngày mua điện thoại", "purchase_date", today)
        except FieldError as err:
            errors[err.field] = str(err)
    return errors


def correct_application(session: Session, application: Application, data: CorrectionInput, actor: User | None,
                        *, recheck: bool = False, on: dt.date | None = None) -> CorrectionResult:
    """Correct ``application``'s facts (see the module docstring for what happens in each state).

    Returns a CorrectionResult. Raises ServiceError when the state forbids a correction (handed
    over, paid, closed: void first; withdrawn, refused: reopen first), NothingChanged when nothing changed;
    InvalidFields with every wrong field at once (reason missing, date received in the future or
    before the programme began, purchase date in the future, unknown form); the workflow's errors
    for a role that may not correct (clerk only); StaleVersion when one of these facts was changed
    after ``data.seen_version`` (the application's row locked first: of two corrections from the
    same page only the first is written), InvalidFields {"version"} for a version it never had.
    With ``recheck`` the application is checked again at once (``on``: the day of the check,
    default today) and the decision returned. Source: domain.md §2 (E5), §5.
    """
    application = _lock_with_its_list(session, application.id)
    why = refusal(application)
    if why:
        raise ServiceError(why)
    versions.check_unchanged(
        session, "application", application.id, data.seen_version, fields=FIELDS,
        what=f"hồ sơ {tracking.display(application.tracking_code)}",
        how="Hãy mở lại trang hồ sơ để xem thông tin mới nhất, rồi sửa lại nếu vẫn cần.")
    today = today_vn()
    errors = _field_errors(session, data, today)
    if errors:
        raise InvalidFields(errors)
    reason = data.reason.strip()
    cash = data.support_form == "cash"
    before = audit.snapshot(application, FIELDS)
    new = {"received_on": data.received_on, "support_form": data.support_form,
           "purchase_date": data.purchase_date if cash else None,
           "evidence_note": ((data.evidence_note or "").strip() or None) if cash else None}
    changes = audit.diff(before, audit.snapshot(_Plain(new), FIELDS))
    if not changes:
        raise NothingChanged()
    from_state = application.state
    moved = from_state != State.received.value
    if moved:
        # Ask the table before touching anything: a role that may not correct changes nothing.
        check_move(from_state, State.received, actor.role if actor is not None else "", reason)
    for name, value in new.items():
        setattr(application, name, value)
    audit.record(session, actor, "application.correction", "application", application.id, changes, note=reason)
    left = send_back(session, application, reason, actor) if moved else None
    session.flush()
    result = CorrectionResult(changes, from_state, left, moved=moved)
    if recheck:
        result.decision = apps_svc.check_eligibility(session, application, actor, on=on)
    return result


def _lock_with_its_list(session: Session, application_id: int) -> Application:
    """``application_id``'s row lock, after the lock of the list it is on (if any): the order an
    approval takes them (lists.approve_list locks the list, then writes its applications), so a
    correction and an approval at once wait for each other instead of each holding what the other
    needs (PostgreSQL would end one of them with a deadlock). The list is read again after its
    lock, in case the application moved meanwhile. Raises NotFound when there is no such
    application."""
    locked: set[int] = set()
    while True:
        list_id = session.scalar(select(Application.proposal_list_id).where(Application.id == application_id))
        if list_id is None or list_id in locked:
            break
        versions.lock(session, ProposalList, list_id)
        locked.add(list_id)
    return versions.lock(session, Application, application_id, not_found="Không tìm thấy hồ sơ này.")


def send_back(session: Session, application: Application, reason: str, actor: User | None,
              what: str = "Sửa thông tin hồ sơ") -> str | None:
    """Send a checked application (eligible, not eligible, proposed, approved) back to ``received``
    because a fact its check read was corrected: it leaves the list it is on (_leave_list), loses
    its priority tier and must be checked, proposed and approved again (domain.md §5). ``reason``
    (Vietnamese, non-empty) goes on the move and the list's entry after ``what`` (what was corrected). Returns the number of the list
    it left, or None. Raises the workflow's errors (a role other than the clerk; a state that
    cannot go back) before changing anything. The one home of "a correction sends it back", used
    by corrections of the application and of its household's facts (services.household_edit).
    Takes the list's lock, then the application's (_lock_with_its_list), as an approval does."""
    application = _lock_with_its_list(session, application.id)
    check_move(application.state, State.received, actor.role if actor is not None else "", f"{what}: {reason}")
    left = _leave_list(session, application, reason, actor, what)
    workflow.move(session, application, State.received, actor, f"{what}: {reason}")
    application.priority_tier = None
    return left


def _leave_list(session: Session, application: Application, reason: str, actor: User | None,
                what: str) -> str | None:
    """Take ``application`` off the list it is on: a draft's entry is marked removed; an approved
    list keeps its frozen row and only the application's pointer is cleared (audited)."""
    from subsidy.services import lists

    pl = application.proposal_list
    if pl is None:
        return None
    # The list's row lock, as an approval takes it (lists.approve_list): an approval in flight
    # either ends before this correction takes the application off, or sees it gone.
    pl = versions.lock(session, type(pl), pl.id)
    number = pl.number
    if pl.status in lists.OPEN_STATUSES:
        lists.leave_draft(session, application, f"{what}: {reason}", actor)
    else:
        application.proposal_list_id = None
        audit.record(session, actor, "application.correct_list", "application", application.id,
                     {"proposal_list_id": [pl.id, None]}, note=reason)
    application.proposal_list_id = None
    return number


class _Plain:
    """Attribute access over a dict, so audit.snapshot reads the new values as it reads a row."""

    def __init__(self, values: dict) -> None:
        self.__dict__.update(values)
