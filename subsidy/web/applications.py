"""Applications: queues by state, the application form, the decision page and its moves.

Thin views: parse → call a service → commit once → redirect (POST/redirect/GET) or render; a
ServiceError or WorkflowError rolls back and shows its Vietnamese message.
"""
from __future__ import annotations

import datetime as dt
from typing import TypeVar
from dataclasses import replace

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from forms.applications import (ApplicationForm, CorrectionForm, MoveForm, PriorDeviceForm, PurchaseDateForm,
                                ReasonForm)
from subsidy import jobs
from subsidy.domain import tracking, vn
from subsidy.domain.calendar import today_vn
from subsidy.domain.list_views import ListFilters
from subsidy.domain.labels import (APPLICATION_FIELD_LABELS, OUTCOME_LABELS, RECEIPT_KIND_LABELS,
                                   RULE_STATUS_LABELS, SUPPORT_FORM_LABELS)
from subsidy.domain.scope import sees_personal_data, sees_poverty_status
from subsidy.domain.rules import outcome_summary
from subsidy.domain.workflow import STATES
from subsidy.models import Application
from subsidy.request_scope import db_session, roles_required
from subsidy.services import applications as svc
from subsidy.services import bulk_check as bulk_svc
from subsidy.services import corrections as corrections_svc
from subsidy.services import households as households_svc
from subsidy.services import intake as intake_svc
from subsidy.services import list_exports
from subsidy.services import lists as lists_svc
from subsidy.services import pages
from subsidy.services import versions
from subsidy.services.errors import ServiceError
from subsidy.web import buttons
from subsidy.web.exports import hamlet_options, list_filters
from subsidy.web.pagination import list_page
from subsidy.web.ids import chosen_id, row_id
from subsidy.web.permissions import may
from subsidy.web.refusals import REFUSED, attempt, put_field_errors, show_refusal
from subsidy.web.viewlog import record_list_view, record_page_view
from subsidy.web import commune_scope

bp = Blueprint("applications", __name__, url_prefix="/ho-so")

VIEWERS = ("clerk", "approver", "admin")
#: Who reads the applications list and an application's page (the province's roles follow progress).
READERS = VIEWERS + ("province_officer", "province_approver")

def current_programme() -> str:
    """The programme this instance receives applications for (config ``PROGRAMME``): the one
    a household applies to once (domain.md §5)."""
    return current_app.config.get("PROGRAMME", svc.DEFAULT_PROGRAMME)


@bp.app_template_filter("tracking")
def tracking_filter(code: str | None) -> str:
    """A tracking code as a person reads it (domain.tracking.shown): grouped ("K7QX-9M4T-AB");
    anything else as stored."""
    return tracking.shown(code)


@bp.route("/")
@roles_required(*READERS)
def index():
    """The applications, filtered by state (the tabs), hamlet, category, form, tier and the search
    box; the tabs count what the other filters find. Excel and PDF copies: exports.applications."""
    session = db_session()
    f = list_filters()
    queue = list_exports.application_queue(session, f)  # the search's households read once
    page = list_page(session, queue.stmt, request.args, 30)
    counts = queue.counts(page)
    record_list_view("applications", page, f)  # names and poverty category, found by CCCD or phone
    return render_template("applications/index.html", page=page, f=f, state=f.state, q=f.q, counts=counts,
                           standings=_standings([a.household for a in page.items]),
                           queue_order=STATES, total=sum(counts.values()), hamlets=hamlet_options(session),
                           move_form=MoveForm())

@bp.route("/kiem-tra-hang-loat", methods=["POST"])
@roles_required("clerk")
def bulk_check():
    """Check, as a background job (progress and summary on the job's page), either the received
    applications ticked on the queue (``picked``: the «ids» boxes; any ``ids`` sent count as
    picked, so a form without ``picked`` never checks more than it names) or every one the
    queue's filter shows (no ``ids``). The job is committed before it is queued (the worker reads it)."""
    session = db_session()
    if not MoveForm().validate_on_submit():
        abort(400)
    f = replace(ListFilters.from_args(request.form, personal=sees_personal_data(current_user.role)), state="received")
    try:
        sent = request.form.getlist("ids")
        # Ids sent mean a choice by hand, «picked» or not: never widened to the whole filter.
        if request.form.get("picked") or sent:
            picked = [n for n in map(row_id, sent) if n is not None]
            if not picked:
                raise ServiceError("Chưa đánh dấu hồ sơ nào: hãy đánh dấu các hồ sơ cần kiểm tra rồi bấm lại.")
            if len(picked) != len(sent):
                raise ServiceError("Có mã hồ sơ không đọc được trong các hồ sơ đã đánh dấu: hãy tải lại trang, "
                                   "đánh dấu lại rồi bấm «Kiểm tra điều kiện các hồ sơ đã đánh dấu».")
            started = bulk_svc.start_picked(session, picked, current_user)
        else:
            started = bulk_svc.start_filtered(session, f, current_user)
    except ServiceError as err:
        flash(str(err), "warning")
        return redirect(url_for("applications.index", **f.args()))
    session.commit()
    jobs.enqueue(started.job.id)
    return redirect(url_for("jobs.show", job_id=started.job.id))


@bp.route("/moi", methods=["GET", "POST"])
@roles_required("clerk")
def new():
    session = db_session()
    household = pages.household_or_none(session, row_id(request.values.get("household_id")))
    q = request.args.get("q", "").strip()
    results = []
    if q and household is None:
        results = households_svc.search_households(session, q, limit=20,
                                                   personal=sees_personal_data(current_user.role))
        if request.method == "GET":  # a POST's own write session holds SQLite's lock
            record_list_view("household_search", results)  # a search by CCCD or phone answers with names
    existing = None
    existing_message = ""
    if household is not None:
        existing = pages.application_of(session, household.id, current_programme())
        if existing is not None:
            existing_message = svc.duplicate_message(household, existing)
    form = ApplicationForm()
    if request.method == "GET":
        form.received_on.data = form.received_on.data or today_vn()
        if household is not None:
            form.household_id.data = household.id
    valid = form.validate_on_submit()
    date_errors: dict[str, str] = {}
    household_id = None
    if form.is_submitted():
        try:
            household_id = chosen_id(form.household_id)
        except ServiceError as err:  # a number past any row: flashed above the search (no household shown)
            show_refusal(err)
        data = svc.ApplicationInput(
            household_id=household_id, support_form=form.support_form.data,
            received_on=form.received_on.data, purchase_date=form.purchase_date.data,
            evidence_note=form.evidence_note.data, note=form.note.data,
            prior_device=form.prior_device.data or None, prior_device_detail=form.prior_device_detail.data,
            prior_device_date=form.prior_device_date.data,
        )
        # Every date mistake with the form's own, after one submit (nothing saved).
        date_errors = svc.field_errors(session, data)
        put_field_errors(form, date_errors)
    if valid and not date_errors and household_id is not None:
        try:
            app = svc.apply(session, data, current_user, programme=current_programme())
        except svc.DuplicateApplication as err:
            show_refusal(err, form)  # the form given back with the message and the link below
            flash(Markup('<a href="{}">Mở hồ sơ đã có ({})</a>').format(
                url_for("applications.show", application_id=err.application_id), tracking.display(err.tracking_code)),
                "warning")
        except ServiceError as err:
            show_refusal(err, form)
        else:
            session.commit()
            flash(Markup('Đã nhận hồ sơ. Mã theo dõi cho người dân: <b>{}</b>. '
                         '<a href="{}" target="_blank" rel="noopener">In phiếu tiếp nhận hồ sơ</a> '
                         'để giao cho hộ (có mã tra cứu và mã QR).').format(
                tracking.display(app.tracking_code), url_for("applications.intake_slip", application_id=app.id)),
                "success")
            for warning in svc.intake_warnings(session, app):
                flash(warning, "warning")
            return redirect(url_for("applications.show", application_id=app.id))
        if household_id is not None:
            household = pages.household_or_none(session, household_id)
    return render_template("applications/new.html", form=form, household=household, q=q, results=results,
                           standings=_standings([*results, *([household] if household is not None else [])]),
                           existing=existing, existing_message=existing_message)


def _standings(households) -> dict:
    """{household id: its poverty status in force this year} (households.standings_now), withheld
    from a reader who does not see it (scope.sees_poverty_status)."""
    return households_svc.standings_now(db_session(), set(households),
                                        shown=sees_poverty_status(current_user.role))


def _load(application_id: int) -> Application:
    app = db_session().get(Application, application_id)
    if app is None:
        abort(404)
    return app


@bp.route("/<int:application_id>")
@roles_required(*READERS)
def show(application_id: int):
    return _show(_load(application_id))


F = TypeVar("F")


def _versioned(form: F, entity_type: str, entity_id: int) -> F:
    """``form`` (not sent) carrying the record's version as the page shows it: a save from this
    page is refused once another changed what it holds (services.versions)."""
    form.seen.data = versions.version(db_session(), entity_type, entity_id)
    return form


def _correction_form(app: Application) -> CorrectionForm:
    """The correction form filled with the application's facts as stored."""
    form = CorrectionForm(formdata=None, obj=app)
    form.recheck.data = True
    return _versioned(form, "application", app.id)


def _show(app: Application, *, correction_form: CorrectionForm | None = None,
          reason_form: ReasonForm | None = None, prior_form: PriorDeviceForm | None = None,
          purchase_form: PurchaseDateForm | None = None):
    """The application's page; a correction form given (submitted, with its errors) is shown open
    as typed; a reason form given (a move refused) is shown open under the move that was asked
    (request.endpoint), as typed, with its message; so are the prior-device and purchase-date
    forms (422: refusals.attempt)."""
    session = db_session()
    role = current_user.role
    page = pages.application_page(session, app, with_receipts=may("receipts.show"))
    moves = buttons.application_moves(app, role, checked=bool(page.decisions))
    support = buttons.support_actions(app, role, page.receipts, RECEIPT_KIND_LABELS)
    record_page_view("application.view", "application", app.id)  # who saw the household's CCCD/phone (domain.md §9)
    return render_template(
        "applications/show.html", app=app, h=app.household, standing=_standings([app.household])[app.household_id],
        decisions=page.decisions,
        latest=page.decisions[0] if page.decisions else None, events=page.events, deciders=page.deciders,
        receiver=page.receiver, moves=moves, support=support, approve_on_list=buttons.approve_on_list(app, role),
        reason_form=reason_form or ReasonForm(formdata=None), move_form=MoveForm(), outcome_labels=OUTCOME_LABELS,
        prior_form=prior_form or _versioned(PriorDeviceForm(formdata=None), "household", app.household_id),
        purchase_form=purchase_form or _versioned(PurchaseDateForm(formdata=None), "application", app.id),
        status_labels=RULE_STATUS_LABELS,
        can_edit=buttons.may_edit_facts(moves),
        may_correct=role == "clerk" and corrections_svc.refusal(app) is None,
        correction_form=correction_form or _correction_form(app), correction_open=correction_form is not None,
    )


@bp.route("/<int:application_id>/sua", methods=["POST"])
@roles_required("clerk")
def correct(application_id: int):
    """Correct the date received, form of support, purchase date or evidence with a reason
    (services.corrections: off any list and back to «received»; re-checked at once when asked).
    On a mistake the page is shown again (422) with the form open as typed and every message."""
    session = db_session()
    app = _load(application_id)
    form = CorrectionForm()

    def correct():
        data = corrections_svc.CorrectionInput(
            received_on=form.received_on.data, support_form=form.support_form.data,
            purchase_date=form.purchase_date.data, evidence_note=form.evidence_note.data,
            reason=form.reason.data or "", seen_version=form.seen.seen)
        return corrections_svc.correct_application(session, app, data, current_user, recheck=form.recheck.data)

    result = attempt(form, correct)
    if result is REFUSED:
        if not form.errors:  # a refusal about the application, not a field: flashed on its page
            return redirect(url_for("applications.show", application_id=app.id))
        return _show(_load(application_id), correction_form=form)
    session.commit()
    what = "; ".join(f"{APPLICATION_FIELD_LABELS[f].lower()}: {_shown(f, old)} → {_shown(f, new)}"
                     for f, (old, new) in result.changes.items())
    msg = f"Đã sửa {what}."
    if result.left_list:
        msg += f" Hồ sơ đã ra khỏi danh sách {result.left_list}; sau khi kiểm tra lại phải đưa vào danh sách mới và trình phê duyệt lại."
    if result.decision is not None:
        msg += f" Kết quả kiểm tra lại: {OUTCOME_LABELS[result.decision.outcome]}."
    elif result.moved or app.state == "received":
        msg += " Hãy bấm «Kiểm tra lại điều kiện»."
    flash(msg, "success")
    return redirect(url_for("applications.show", application_id=app.id))


def _shown(field: str, value) -> str:
    """A corrected value as the clerk reads it (dates dd/mm/yyyy, the form of support in words)."""
    if value in (None, ""):
        return "(trống)"
    if field in ("received_on", "purchase_date"):
        return vn.format_date(dt.date.fromisoformat(value))
    if field == "support_form":
        return SUPPORT_FORM_LABELS[value].column
    return str(value)


@bp.route("/<int:application_id>/phieu-tiep-nhan.pdf")
@roles_required(*VIEWERS)
def intake_slip(application_id: int):
    """The intake slip (phiếu tiếp nhận hồ sơ) for the household: printed when the application is
    received, re-printable from the application page."""
    session = db_session()
    app = _load(application_id)
    pdf = intake_svc.intake_slip_pdf(session, app, commune_scope.receipt_settings(app.commune_id))
    resp = Response(pdf, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'inline; filename="phieu-tiep-nhan-{app.tracking_code}.pdf"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/<int:application_id>/kiem-tra", methods=["POST"])
@roles_required("clerk")
def check(application_id: int):
    """Check the application's eligibility now (E1–E5); the outcome, or the refusal, is flashed on
    its page (a button: a missing or stale CSRF token answers 400)."""
    session = db_session()
    app = _load(application_id)
    decision = attempt(MoveForm(), lambda: svc.check_eligibility(session, app, current_user),
                       bad_token_400=True, flashed=True)
    if decision is not REFUSED:
        session.commit()
        msg = f"Kết quả kiểm tra: {OUTCOME_LABELS[decision.outcome]}."
        if summary := outcome_summary(decision.outcome, decision.failed_rules or (), decision.facts.get("missing") or ()):
            msg += " " + summary
        flash(msg, "success" if decision.outcome == "eligible" else "warning")
    return redirect(url_for("applications.show", application_id=app.id))


@bp.route("/<int:application_id>/thiet-bi", methods=["POST"])
@roles_required("clerk")
def prior_device(application_id: int):
    """Record the household's prior-device declaration (E2), then re-check the application. A
    value refused shows the page again with the form as typed and the message under its field (422)."""
    session = db_session()
    app = _load(application_id)
    form = PriorDeviceForm()

    def record():
        svc.record_prior_device(session, app.household, form.prior_device.data, form.prior_device_detail.data,
                                form.prior_device_date.data, current_user, seen_version=form.seen.seen)
        return svc.check_eligibility(session, app, current_user) if app.state in svc.CHECKABLE else None

    # A missing or stale CSRF token: 400, as the page's buttons answer it.
    decision = attempt(form, record, bad_token_400=True)
    if decision is REFUSED:
        return _show(_load(application_id), prior_form=form)
    session.commit()
    flash("Đã ghi nhận khai báo thiết bị của hộ" +
          (f"; kết quả kiểm tra lại: {OUTCOME_LABELS[decision.outcome]}." if decision else "."), "success")
    return redirect(url_for("applications.show", application_id=app.id))


@bp.route("/<int:application_id>/ngay-mua", methods=["POST"])
@roles_required("clerk")
def purchase_date(application_id: int):
    """Record the purchase date of a cash application (E5), then re-check it. A date missing or
    refused shows the page again with the form as typed and the message under the date (422)."""
    session = db_session()
    app = _load(application_id)
    form = PurchaseDateForm()

    def record():
        svc.set_purchase_date(session, app, form.purchase_date.data, form.evidence_note.data, current_user,
                              seen_version=form.seen.seen)
        return svc.check_eligibility(session, app, current_user)

    decision = attempt(form, record, bad_token_400=True)  # a bad token: 400, as the page's buttons
    if decision is REFUSED:
        return _show(_load(application_id), purchase_form=form)
    session.commit()
    flash(f"Đã ghi ngày mua; kết quả kiểm tra lại: {OUTCOME_LABELS[decision.outcome]}.", "success")
    return redirect(url_for("applications.show", application_id=app.id))


@bp.route("/<int:application_id>/de-nghi", methods=["POST"])
@roles_required("clerk")
def propose(application_id: int):
    """Put the application on the commune's open proposal list; the list's number, or the
    refusal, is flashed on its page (a button: a missing or stale CSRF token answers 400)."""
    session = db_session()
    app = _load(application_id)
    pl = attempt(MoveForm(), lambda: lists_svc.propose_one(session, app, current_user), bad_token_400=True,
                 flashed=True)
    if pl is not REFUSED:
        session.commit()
        flash(f"Đã đưa hồ sơ vào danh sách đề nghị số {pl.number}.", "success")
    return redirect(url_for("applications.show", application_id=app.id))


def _reason_move(application_id: int, action) -> object:
    """POST of a move that needs a reason: ``action(session, app, reason)`` returns the message to
    flash. A reason missing or refused (or the move refused) shows the page again with the form
    open as typed and the message (422); nothing is saved."""
    session = db_session()
    app = _load(application_id)
    form = ReasonForm()
    message = attempt(form, lambda: action(session, app, form.reason.data.strip()))
    if message is REFUSED:
        return _show(_load(application_id), reason_form=form)
    session.commit()
    flash(message, "success")
    return redirect(url_for("applications.show", application_id=app.id))


@bp.route("/<int:application_id>/rut", methods=["POST"])
@roles_required("clerk", "approver")
def withdraw(application_id: int):
    def act(session, app, reason):
        svc.withdraw(session, app, reason, current_user)
        return "Đã rút hồ sơ. Nếu hồ sơ đang giữ một chỗ trong chỉ tiêu, chỗ đó được dành cho hộ đầu danh sách chờ."
    return _reason_move(application_id, act)


@bp.route("/<int:application_id>/tu-choi", methods=["POST"])
@roles_required("approver")
def refuse(application_id: int):
    def act(session, app, reason):
        svc.refuse(session, app, reason, current_user)
        return "Đã từ chối hồ sơ."
    return _reason_move(application_id, act)


@bp.route("/<int:application_id>/mo-lai", methods=["POST"])
@roles_required("clerk", "approver")
def reopen(application_id: int):
    def act(session, app, reason):
        svc.reopen(session, app, reason, current_user)
        return "Đã mở lại hồ sơ (trạng thái «Đã tiếp nhận»). Hãy kiểm tra lại điều kiện của hộ."
    return _reason_move(application_id, act)


@bp.route("/<int:application_id>/bo-khoi-danh-sach", methods=["POST"])
@roles_required("clerk")
def unpropose(application_id: int):
    def act(session, app, reason):
        lists_svc.remove_from_list(session, app, reason, current_user)
        return "Đã đưa hồ sơ ra khỏi danh sách đề nghị; hồ sơ trở lại danh sách chờ."
    return _reason_move(application_id, act)
