"""Applications: queues by state, the application form, the decision page and its moves.

Thin views: parse → call a service → commit once → redirect (POST/redirect/GET) or render; a
ServiceError or WorkflowError rolls back and shows its Vietnamese message.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from forms.applications import ApplicationForm, MoveForm, ReasonForm
from subsidy.domain import tracking, vn
from subsidy.domain.calendar import today_vn
from subsidy.domain.labels import OUTCOME_LABELS, RULE_STATUS_LABELS, STATE_LABELS
from subsidy.domain.workflow import STATES, State, WorkflowError, allowed_moves
from subsidy.models import Application, ApplicationEvent, Household, User
from subsidy.request_scope import db_session, roles_required
from subsidy.services import applications as svc
from subsidy.services import households as households_svc
from subsidy.services import intake as intake_svc
from subsidy.services import lists as lists_svc
from subsidy.services import receipts as receipts_svc
from subsidy.services.errors import FieldError, ServiceError
from subsidy.web.pagination import page_arg, paginate
from subsidy.web.printing import document_config
from subsidy.web.viewlog import record_view

bp = Blueprint("applications", __name__, url_prefix="/ho-so")

VIEWERS = ("clerk", "approver", "admin")
QUEUE_ORDER = list(STATES)


def _programme() -> str:
    return current_app.config.get("PROGRAMME", svc.DEFAULT_PROGRAMME)


def _fail(err: Exception) -> None:
    db_session().rollback()
    flash(str(err), "error")


@bp.app_template_filter("tracking")
def tracking_filter(code: str | None) -> str:
    """A tracking code as a person reads it: grouped ("K7QX-9M4T-AB"); anything else as stored."""
    if not code:
        return ""
    return tracking.display(code) if tracking.is_valid(code) else code


@bp.route("/")
@roles_required(*VIEWERS)
def index():
    session = db_session()
    state = request.args.get("state", "").strip()
    q = request.args.get("q", "").strip()
    if state not in STATE_LABELS:
        state = ""
    stmt = svc.application_query(q, state or None, priority_order=state in svc.PRIORITY_QUEUES)
    page = paginate(session, stmt, page_arg(request.args), 30)
    counts = svc.counts_by_state(session, q)
    return render_template("applications/index.html", page=page, state=state, q=q, counts=counts,
                           queue_order=QUEUE_ORDER, total=sum(counts.values()))


@bp.route("/moi", methods=["GET", "POST"])
@roles_required("clerk")
def new():
    session = db_session()
    household = None
    hid = request.values.get("household_id", type=int)
    if hid:
        household = session.get(Household, hid)
    q = request.args.get("q", "").strip()
    results = []
    if q and household is None:
        results = households_svc.search_households(session, q, limit=20)
    existing = None
    existing_message = ""
    if household is not None:
        existing = session.scalar(select(Application).where(Application.household_id == household.id,
                                                            Application.programme == _programme()))
        if existing is not None:
            existing_message = svc.duplicate_message(household, existing)
    form = ApplicationForm()
    if request.method == "GET":
        form.received_on.data = form.received_on.data or today_vn()
        if household is not None:
            form.household_id.data = household.id
    if form.validate_on_submit():
        data = svc.ApplicationInput(
            household_id=form.household_id.data, support_form=form.support_form.data,
            received_on=form.received_on.data, purchase_date=form.purchase_date.data,
            evidence_note=form.evidence_note.data, note=form.note.data,
            prior_device=form.prior_device.data or None, prior_device_detail=form.prior_device_detail.data,
            prior_device_date=form.prior_device_date.data,
        )
        try:
            app = svc.apply(session, data, current_user, programme=_programme())
        except svc.DuplicateApplication as err:
            _fail(err)
            flash(Markup('<a href="{}">Mở hồ sơ đã có ({})</a>').format(
                url_for("applications.show", application_id=err.application_id), tracking.display(err.tracking_code)),
                "warning")
        except FieldError as err:
            db_session().rollback()
            field = getattr(form, err.field, None)
            if field is not None:
                field.errors = [*field.errors, str(err)]
            else:
                flash(str(err), "error")
        except ServiceError as err:
            _fail(err)
        else:
            session.commit()
            flash(Markup('Đã nhận hồ sơ. Mã theo dõi cho người dân: <b>{}</b>. '
                         '<a href="{}" target="_blank" rel="noopener">In phiếu tiếp nhận hồ sơ</a> '
                         'để giao cho hộ (có mã tra cứu và mã QR).').format(
                tracking.display(app.tracking_code), url_for("applications.intake_slip", application_id=app.id)),
                "success")
            return redirect(url_for("applications.show", application_id=app.id))
        household = session.get(Household, form.household_id.data) if form.household_id.data else household
    return render_template("applications/new.html", form=form, household=household, q=q, results=results,
                           existing=existing, existing_message=existing_message)


def _load(application_id: int) -> Application:
    app = db_session().get(Application, application_id)
    if app is None:
        abort(404)
    return app


# Which form each move needs on the decision page (target state → (endpoint, needs reason, destructive)).
_MOVE_VIEWS = {
    "eligible": ("applications.check", False, False),
    "not_eligible": ("applications.check", False, False),
    "proposed": ("applications.propose", False, False),
    "withdrawn": ("applications.withdraw", True, True),
    "refused": ("applications.refuse", True, True),
    "received": ("applications.reopen", True, False),
}


@bp.route("/<int:application_id>")
@roles_required(*VIEWERS)
def show(application_id: int):
    session = db_session()
    app = _load(application_id)
    decisions = svc.decisions_of(session, app)
    events = list(session.execute(
        select(ApplicationEvent, User.username, User.full_name).outerjoin(User, User.id == ApplicationEvent.actor_id)
        .where(ApplicationEvent.application_id == app.id).order_by(ApplicationEvent.at, ApplicationEvent.id)))
    deciders = {u.id: u.display_name for u in session.scalars(
        select(User).where(User.id.in_({d.decided_by_id for d in decisions if d.decided_by_id})))}
    receiver = session.get(User, app.received_by_id) if app.received_by_id else None
    role = current_user.role
    moves = []
    seen = set()
    for target, move in allowed_moves(app.state, role):
        view = _MOVE_VIEWS.get(target.value)
        if target is State.eligible and app.state == "proposed":
            view = ("applications.unpropose", True, False)
        if view is None or (view[0], target.value) in seen:
            continue
        if view[0] == "applications.check":
            if "check" in {m[0] for m in moves}:
                continue
            moves.append(("check", view[0], "Kiểm tra lại điều kiện" if decisions else "Kiểm tra điều kiện",
                          False, False))
            continue
        seen.add((view[0], target.value))
        moves.append((target.value, view[0], move.label, view[1], view[2]))
    if role == "clerk" and app.state == "received" and not any(m[0] == "check" for m in moves):
        moves.insert(0, ("check", "applications.check", "Kiểm tra điều kiện", False, False))
    record_view("application.view", "application", app.id)  # who saw the household's CCCD/phone (domain.md §9)
    return render_template(
        "applications/show.html", app=app, h=app.household, decisions=decisions, latest=decisions[0] if decisions else None,
        events=events, deciders=deciders, receiver=receiver, moves=moves, reason_form=ReasonForm(), move_form=MoveForm(),
        outcome_labels=OUTCOME_LABELS, status_labels=RULE_STATUS_LABELS, tracking_display=tracking.display(app.tracking_code),
        can_edit=(role == "clerk" and app.state in svc.CHECKABLE),
    )


@bp.route("/<int:application_id>/phieu-tiep-nhan.pdf")
@roles_required(*VIEWERS)
def intake_slip(application_id: int):
    """The intake slip (phiếu tiếp nhận hồ sơ) for the household: printed when the application is
    received, re-printable from the application page."""
    session = db_session()
    app = _load(application_id)
    pdf = intake_svc.intake_slip_pdf(session, app, receipts_svc.settings_from_config(document_config()))
    resp = Response(pdf, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'inline; filename="phieu-tiep-nhan-{app.tracking_code}.pdf"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/<int:application_id>/kiem-tra", methods=["POST"])
@roles_required("clerk")
def check(application_id: int):
    session = db_session()
    app = _load(application_id)
    if not MoveForm().validate_on_submit():
        abort(400)
    try:
        decision = svc.check_eligibility(session, app, current_user)
    except (ServiceError, WorkflowError) as err:
        _fail(err)
    else:
        session.commit()
        msg = f"Kết quả kiểm tra: {OUTCOME_LABELS[decision.outcome]}."
        missing = decision.facts.get("missing") or []
        if missing:
            msg += " Cần bổ sung: " + "; ".join(missing) + "."
        flash(msg, "success" if decision.outcome == "eligible" else "warning")
    return redirect(url_for("applications.show", application_id=app.id))


@bp.route("/<int:application_id>/thiet-bi", methods=["POST"])
@roles_required("clerk")
def prior_device(application_id: int):
    """Record the household's prior-device declaration (E2), then re-check the application."""
    session = db_session()
    app = _load(application_id)
    if not MoveForm().validate_on_submit():
        abort(400)
    try:
        date = _date_or_none(request.form.get("prior_device_date"))
        svc.record_prior_device(session, app.household, request.form.get("prior_device", ""),
                                request.form.get("prior_device_detail"), date, current_user)
        decision = svc.check_eligibility(session, app, current_user) if app.state in svc.CHECKABLE else None
    except (ServiceError, WorkflowError, vn.VnValueError) as err:
        _fail(err)
    else:
        session.commit()
        flash("Đã ghi nhận khai báo thiết bị của hộ" +
              (f"; kết quả kiểm tra lại: {OUTCOME_LABELS[decision.outcome]}." if decision else "."), "success")
    return redirect(url_for("applications.show", application_id=app.id))


@bp.route("/<int:application_id>/ngay-mua", methods=["POST"])
@roles_required("clerk")
def purchase_date(application_id: int):
    """Record the purchase date of a cash application (E5), then re-check it."""
    session = db_session()
    app = _load(application_id)
    if not MoveForm().validate_on_submit():
        abort(400)
    try:
        date = _date_or_none(request.form.get("purchase_date"))
        if date is None:
            raise ServiceError("Hãy nhập ngày mua điện thoại (ngày/tháng/năm).")
        svc.set_purchase_date(session, app, date, request.form.get("evidence_note"), current_user)
        decision = svc.check_eligibility(session, app, current_user)
    except (ServiceError, WorkflowError, vn.VnValueError) as err:
        _fail(err)
    else:
        session.commit()
        flash(f"Đã ghi ngày mua; kết quả kiểm tra lại: {OUTCOME_LABELS[decision.outcome]}.", "success")
    return redirect(url_for("applications.show", application_id=app.id))


def _date_or_none(raw: str | None):
    """A day-first date typed in a small form, or None when blank; raises vn.VnValueError."""
    if not raw or not raw.strip():
        return None
    return vn.parse_date(raw)


@bp.route("/<int:application_id>/de-nghi", methods=["POST"])
@roles_required("clerk")
def propose(application_id: int):
    session = db_session()
    app = _load(application_id)
    if not MoveForm().validate_on_submit():
        abort(400)
    try:
        pl = lists_svc.propose_one(session, app, current_user)
    except (ServiceError, WorkflowError) as err:
        _fail(err)
    else:
        session.commit()
        flash(f"Đã đưa hồ sơ vào danh sách đề nghị số {pl.number}.", "success")
    return redirect(url_for("applications.show", application_id=app.id))


def _reason_move(application_id: int, action) -> object:
    session = db_session()
    app = _load(application_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash("Hãy ghi rõ lý do.", "error")
        return redirect(url_for("applications.show", application_id=app.id))
    try:
        message = action(session, app, form.reason.data.strip())
    except (ServiceError, WorkflowError) as err:
        _fail(err)
    else:
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
