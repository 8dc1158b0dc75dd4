"""The register of complaints, petitions and denunciations (Luật Khiếu nại 2011, Luật Tiếp công
dân 2013, Luật Tố cáo 2018). Thin views over subsidy.services.complaints.

GET       /khieu-nai/              complaints.index   the list: filters, search, pages, Excel/CSV/PDF
GET       /khieu-nai/tai-ve.<ext>  complaints.export  the list as a file (the page's filters)
GET, POST /khieu-nai/moi           complaints.new     a new case (clerk)
GET       /khieu-nai/<id>          complaints.show    the case: deadlines with their clause, history,
                                                      the steps the user may take
POST      /khieu-nai/<id>/buoc/<target>  complaints.move    one step (who may: the state table)
POST      /khieu-nai/<id>/lan-hai        complaints.appeal  the second complaint (clerk)
GET       /khieu-nai/<id>/thong-bao-thu-ly.pdf  complaints.notice_pdf    the acceptance notice (accepted)
GET       /khieu-nai/<id>/quyet-dinh.pdf        complaints.decision_pdf  the decision (decided)
POST      /khieu-nai/<id>/xet-lai        complaints.link_recheck  link the re-check the decision caused

Commune staff see their commune's cases (the Session's scope); the province's roles every
commune's (they decide the cases heard at the province). A case names people: every page and
file shown is logged (viewlog). A denunciation is never shown to the person it names (404, left out of the list and its file).
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.complaints import AppealForm, CaseForm, CaseMoveForm
from subsidy.domain import labels as L
from subsidy.domain.calendar import today_vn
from subsidy.domain.complaints.states import STATES
from subsidy.domain.scope import sees_personal_data
from subsidy.models import Complaint, Household
from subsidy.request_scope import db_session, roles_required
from subsidy.services import complaints as svc
from subsidy.services.complaints import documents as complaint_documents
from subsidy.services.complaints import export as complaints_export
from subsidy.services.complaints.queries import STANDING_LABELS
from subsidy.services.errors import InvalidFields, ServiceError
from subsidy.services import communes as communes_svc
from subsidy.web import commune_scope, exports
from subsidy.web.pagination import page_arg, paginate
from subsidy.web.ids import chosen_id
from subsidy.web.refusals import REFUSED, attempt, show_refusal
from subsidy.web.viewlog import record_list_view, record_page_view, record_view

bp = Blueprint("complaints", __name__, url_prefix="/khieu-nai")
#: The intake service's field names that the form names otherwise (its message goes under the field).
FORM_FIELDS = {"named_user_id": "named_user"}

VIEWERS = ("clerk", "approver", "province_officer", "province_approver")
#: Who may take a step (the state table says which step: the deciding level's role for a decision).
HANDLERS = VIEWERS
PER_PAGE = 30


def _filters() -> svc.ComplaintFilters:
    a = request.args
    return svc.ComplaintFilters(q=a.get("q", "").strip()[:100], kind=a.get("loai", ""), state=a.get("trang_thai", ""),
                                category=a.get("noi_dung", ""), standing=a.get("han", ""), open_only=a.get("mo") == "1",
                                commune=a.get("xa", "").strip()[:20], personal=sees_personal_data(current_user.role))


@bp.route("/")
@roles_required(*VIEWERS)
def index():
    """The cases, newest received first, each with its standing (on time, due soon, overdue)."""
    session = db_session()
    f = _filters()
    today = today_vn()
    page = paginate(session, svc.list_stmt(session, f, today, current_user.id), page_arg(request.args), PER_PAGE)
    notes = svc.list_notes(session, list(page.items), today)
    record_list_view("complaints", page)
    # The province's accounts see every commune: a commune filter and each case's commune.
    communes = {c.id: c for c in communes_svc.list_communes(session)} if commune_scope.current_commune() is None else {}
    return render_template("complaints/index.html", page=page, f=f, standings=notes.standings, heads=notes.heads,
                           standing_labels=STANDING_LABELS, states=STATES, L=L, communes=communes, late=notes.late,
                           late_label=L.FILED_LATE_LABEL)


@bp.route("/tai-ve.<ext>")
@roles_required(*VIEWERS)
def export(ext: str):
    """The list of the page's filters as Excel, CSV or PDF (every page of it), logged."""
    session = db_session()
    f = _filters()
    table = complaints_export.register_table(session, f, today_vn(), current_user.id, current_user.full_name or "")
    return exports.send_table(table, ext, lambda: url_for("complaints.index", **f.args()), f.describe() or None)


@bp.route("/moi", methods=["GET", "POST"])
@roles_required("clerk")
def new():
    """The intake form: the household by its code or CCCD (?ho= prefills it), who brought the case
    and how, what about, the dates the law counts from."""
    session = db_session()
    form = CaseForm(household_code=request.args.get("ho", ""), received_on=today_vn())
    form.named_user.choices = [SelectChoice("", "— Không nêu tên cán bộ —")] + [
        SelectChoice(str(uid), name) for uid, name in svc.staff_who_may_be_named(session, _intake_commune_id())]

    def record():
        try:
            return _record()
        except InvalidFields as err:  # the service names the account's field as the API does
            raise InvalidFields({FORM_FIELDS.get(k, k): v for k, v in err.field_errors.items()}) from None

    def _record():
        return svc.record_intake(session, svc.CaseInput(
            kind=form.kind.data, filer=form.filer.data, channel=form.channel.data, category=form.category.data,
            text=form.text.data, received_on=form.received_on.data, filer_name=form.filer_name.data,
            attachments_note=form.attachments_note.data, contested_on=form.contested_on.data,
            complex_case=form.complex_case.data, remote=form.remote.data,
            named_user_id=chosen_id(form.named_user),
        ), form.household_code.data, current_user)

    case = attempt(form, record)
    if case is REFUSED:  # or not sent yet (GET)
        return render_template("complaints/new.html", form=form)
    session.commit()
    flash(f"Đã ghi đơn số {case.case_number}.", "success")
    return redirect(url_for("complaints.show", complaint_id=case.id))


def _intake_commune_id() -> int | None:
    """The commune a case recorded here belongs to: the clerk's (its households are the commune's)."""
    commune = commune_scope.current_commune()
    return commune.id if commune is not None else None


def _case_or_404(complaint_id: int) -> Complaint:
    """The case, or 404 — also for the staff member a denunciation names: they never see it (Luật
    Tố cáo 2018, Điều 47–48: the denouncer is protected), as if it did not exist."""
    case = svc.get(db_session(), complaint_id)  # NotFound: the 404 page (web.errors)
    if case.named_user_id is not None and case.named_user_id == current_user.id:
        abort(404)
    return case


@bp.route("/<int:complaint_id>")
@roles_required(*VIEWERS)
def show(complaint_id: int):
    return _show(_case_or_404(complaint_id))


def _show(case: Complaint, move_form: CaseMoveForm | None = None, appeal_form: AppealForm | None = None):
    """The case page; a step or second complaint refused is shown again here (422:
    refusals.attempt; the appeal form as typed, its messages under its fields, open)."""
    session = db_session()
    page = svc.case_page(session, case, current_user)
    household = session.get(Household, case.household_id) if case.household_id else None
    recheck = svc.recheck_after_decision(session, case) if current_user.role in ("clerk", "approver") else None
    record_page_view("complaint.view", "complaint", case.id)
    return render_template("complaints/show.html", p=page, c=case, household=household, recheck=recheck,
                           move_form=move_form or CaseMoveForm(formdata=None, on=today_vn()),
                           appeal_form=appeal_form or AppealForm(formdata=None, received_on=today_vn()), L=L,
                           standing_labels=STANDING_LABELS, late_label=L.FILED_LATE_LABEL)


def _pdf(complaint_id: int, make, slug: str, what: str):
    session = db_session()
    case = _case_or_404(complaint_id)
    try:
        body = make(session, case)
    except ServiceError as err:
        flash(str(err), "error")
        return redirect(url_for("complaints.show", complaint_id=complaint_id))
    record_view("complaint.view", "complaint", case.id, note=f"in {what} (PDF)")  # the complainant's name and address
    resp = Response(body, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'inline; filename="{slug}-{case.case_number.replace("/", "-")}.pdf"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/<int:complaint_id>/thong-bao-thu-ly.pdf")
@roles_required(*VIEWERS)
def notice_pdf(complaint_id: int):
    """«Thông báo về việc thụ lý giải quyết khiếu nại» (Luật Khiếu nại 2011, Điều 27), to print and sign."""
    return _pdf(complaint_id, complaint_documents.acceptance_notice_pdf, "thong-bao-thu-ly", "thông báo thụ lý")


@bp.route("/<int:complaint_id>/quyet-dinh.pdf")
@roles_required(*VIEWERS)
def decision_pdf(complaint_id: int):
    """«Quyết định về việc giải quyết khiếu nại» (Điều 31), to print and sign."""
    return _pdf(complaint_id, complaint_documents.decision_pdf, "quyet-dinh-giai-quyet-khieu-nai", "quyết định")


@bp.route("/<int:complaint_id>/buoc/<target>", methods=["POST"])
@roles_required(*HANDLERS)
def move(complaint_id: int, target: str):
    if target not in STATES:  # a step name not in the state table: no such page
        abort(404)
    session = db_session()
    case = _case_or_404(complaint_id)
    form = CaseMoveForm()
    # One small form for every step button: its messages are flashed above the page.
    if attempt(form, lambda: svc.move_case(session, case, target, current_user, reason=form.reason.data,
                                           outcome=form.outcome.data or None,
                                           refusal_reason=form.refusal_reason.data or None, on=form.on.data),
               flashed=True) is REFUSED:
        return _show(_case_or_404(complaint_id), move_form=form)
    session.commit()
    flash(f"Đơn số {case.case_number}: {L.COMPLAINT_STATE_LABELS[case.state]}.", "success")
    return redirect(url_for("complaints.show", complaint_id=complaint_id))


@bp.route("/<int:complaint_id>/xet-lai", methods=["POST"])
@roles_required("clerk", "approver")
def link_recheck(complaint_id: int):
    """Link the decided case to the re-check of its application that the decision caused."""
    session = db_session()
    case = _case_or_404(complaint_id)
    if not CaseMoveForm().validate_on_submit():
        abort(400)
    recheck = svc.recheck_after_decision(session, case)
    try:
        if recheck is None:
            raise ServiceError("Chưa có lần kiểm tra lại điều kiện nào của hồ sơ sau ngày quyết định: "
                               "mở hồ sơ, sửa thông tin và kiểm tra lại trước.")
        svc.link_correction(session, case, recheck, current_user)
    except ServiceError as err:
        show_refusal(err)
    else:
        session.commit()
        flash("Đã gắn đơn với lần kiểm tra lại điều kiện của hồ sơ.", "success")
    return redirect(url_for("complaints.show", complaint_id=complaint_id))


@bp.route("/<int:complaint_id>/lan-hai", methods=["POST"])
@roles_required("clerk")
def appeal(complaint_id: int):
    session = db_session()
    case = _case_or_404(complaint_id)
    form = AppealForm()
    second = attempt(form, lambda: svc.appeal(session, case, current_user, text=form.text.data,
                                              channel=form.channel.data, received_on=form.received_on.data))
    if second is REFUSED:
        return _show(_case_or_404(complaint_id), appeal_form=form)
    session.commit()
    flash(f"Đã ghi khiếu nại lần hai: đơn số {second.case_number}.", "success")
    return redirect(url_for("complaints.show", complaint_id=second.id))
