"""Lists: allocations (quota), the waiting list, proposal lists, their approval and downloads."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forms.applications import (AllocationForm, ApproveListForm, BuildListForm, CorrectDecisionForm, MoveForm,
                               ReasonForm)
from subsidy.documents import lists as docs
from subsidy.domain.documents import Issuer
from subsidy.domain.calendar import today_vn
from subsidy.domain.labels.places import province_unit
from subsidy.domain.list_views import ListFilters
from subsidy.models import ProposalList
from subsidy.request_scope import db_session, roles_required
from subsidy.services import allocations
from subsidy.services import lists as svc
from subsidy.services import list_exports
from subsidy.services import versions
from subsidy.services.errors import NotFound, ServiceError
from subsidy.web import buttons
from subsidy.web.exports import hamlet_options, list_filters
from subsidy.web.pagination import list_page
from subsidy.web.refusals import REFUSED, attempt, show_refusal
from subsidy.web.viewlog import record_list_page_view, record_view
from subsidy.web import commune_scope

bp = Blueprint("lists", __name__, url_prefix="/danh-sach")

VIEWERS = ("clerk", "approver")
#: Who reads the lists and a list's page (the province's roles follow progress and approve).
READERS = VIEWERS + ("province_officer", "province_approver")


WAITING_PER_PAGE = 50


@bp.route("/")
@roles_required(*READERS)
def index():
    return _index()


def _index(alloc_form: AllocationForm | None = None, build_form: BuildListForm | None = None,
           reason_form: ReasonForm | None = None):
    """The lists page; an allocation form given back with its errors keeps what was typed and
    opens where it is; so does the reason form of an allocation's voiding refused (422:
    refusals.attempt)."""
    session = db_session()
    q = allocations.quota(session)
    # 50 a page; the rank shown is the place in the whole list (page offset + position).
    f = list_filters()
    waiting = list_page(session, list_exports.waiting_stmt(f), request.args, WAITING_PER_PAGE)
    waiting_total = waiting.total if not f.active else list_exports.count(session, list_exports.waiting_stmt(
        ListFilters()))
    record_list_page_view("waiting", waiting, f)  # names and priority tiers (from the poverty category)
    all_lists = svc.all_lists(session)
    sizes = svc.list_sizes(session, all_lists)
    if alloc_form is None:
        alloc_form = AllocationForm(formdata=None)
        alloc_form.allocated_on.data = today_vn()
    return render_template("lists/index.html", quota=q, waiting=waiting, waiting_total=waiting_total, f=f,
                           hamlets=hamlet_options(session), lists=all_lists, sizes=sizes,
                           draft_open=svc.open_draft(session) is not None,
                           allocations=allocations.allocations(session), alloc_form=alloc_form,
                           build_form=build_form or BuildListForm(), move_form=MoveForm(),
                           reason_form=reason_form or ReasonForm(formdata=None), household_ceiling=allocations.poor_household_count(session))


@bp.route("/phan-bo", methods=["POST"])
@roles_required("clerk")
def allocate():
    session = db_session()
    form = AllocationForm()
    if attempt(form, lambda: allocations.record_allocation(session, form.quantity.data, form.allocated_on.data,
                                                           form.source_document.data, current_user,
                                                           note=form.note.data),
               field="quantity") is REFUSED:  # a refusal naming no field: the ceiling, too many phones
        return _index(form)
    session.commit()
    flash(f"Đã ghi phân bổ {form.quantity.data} máy.", "success")
    return redirect(url_for("lists.index"))


@bp.route("/phan-bo/<int:allocation_id>/huy", methods=["POST"])
@roles_required("approver")
def void_allocation(allocation_id: int):
    """Void a mistaken allocation with a reason (approver); it then counts in no quota. A reason
    missing, or the voiding refused, shows the lists page again with the form open (422); an
    allocation the commune does not have is 404."""
    session = db_session()
    form = ReasonForm()

    def void():
        try:
            return allocations.void_allocation(session, allocation_id, form.reason.data, current_user)
        except NotFound:
            abort(404)  # no such allocation in this commune: as any other id of another commune

    row = attempt(form, void)
    if row is REFUSED:
        return _index(reason_form=form)
    session.commit()
    flash(f"Đã hủy phân bổ {row.quantity} máy theo «{row.source_document}»; chỉ tiêu đã được tính lại.", "success")
    return redirect(url_for("lists.index"))


@bp.route("/lap", methods=["POST"])
@roles_required("clerk")
def build():
    session = db_session()
    form = BuildListForm()
    pl = attempt(form, lambda: svc.build_proposal_list(session, current_user, count=form.count.data))
    if pl is REFUSED:
        return _index(build_form=form)
    on_list = svc.applications_on(session, pl)
    n = len(on_list)
    tiers: dict[str, int] = {}
    for a in on_list:
        key = f"P{a.priority_tier}" if a.priority_tier else "chưa xếp mức"
        tiers[key] = tiers.get(key, 0) + 1
    session.commit()
    short = (f" Chỉ có {n} hộ đủ điều kiện đang chờ, ít hơn {form.count.data} hộ đã chọn."
             if form.count.data and n < form.count.data else "")
    flash(f"Đã lập dự thảo danh sách đề nghị gồm {n} hộ theo thứ tự ưu tiên ("
          + ", ".join(f"{k}: {v}" for k, v in sorted(tiers.items())) + f").{short} Xem lại rồi bấm «Trình phê duyệt»: "
          "số danh sách được cấp lúc trình.", "success")
    return redirect(url_for("lists.show", list_id=pl.id))


@bp.route("/bo-sung", methods=["POST"])
@roles_required("clerk")
def promote():
    """Move the head of the waiting list onto the open proposal list, as far as the quota allows;
    a refusal is flashed on the lists page (a button: a missing or stale CSRF token answers 400)."""
    session = db_session()
    moved = attempt(MoveForm(), lambda: svc.promote_waiting(session, current_user), bad_token_400=True, flashed=True)
    if moved is REFUSED:
        return redirect(url_for("lists.index"))
    pl = moved[0].proposal_list
    session.commit()
    flash(f"Đã bổ sung {len(moved)} hộ đầu danh sách chờ vào danh sách đề nghị số {pl.number}.", "success")
    return redirect(url_for("lists.show", list_id=pl.id))


def _list_move(list_id: int, act, needs_reason: bool):
    """POST of a list's own step (submit, empty, cancel): ``act(session, pl, reason)`` returns the
    message to flash, then back to the list's page. A step with a reason whose reason is missing
    or which is refused shows the page again with its form open as typed and the message (422);
    a refused submit (a button, nothing typed) is flashed on the list's page."""
    session = db_session()
    pl = _load(list_id)
    # A step without a reason is a button: its form holds only the CSRF token (400 when it fails).
    form = ReasonForm() if needs_reason else MoveForm()
    message = attempt(form, lambda: act(session, pl, form.reason.data if needs_reason else ""),
                      bad_token_400=not needs_reason)
    if message is REFUSED:
        if not needs_reason:  # the refusal flashed on the list's page
            return redirect(url_for("lists.show", list_id=pl.id))
        return _show(_load(list_id), reason_form=form)
    session.commit()
    flash(message, "success")
    return redirect(url_for("lists.show", list_id=pl.id))


@bp.route("/<int:list_id>/trinh", methods=["POST"])
@roles_required("clerk")
def submit(list_id: int):
    """Submit a draft list to the approver: it gets its document number now (no gap for drafts
    given up)."""
    def act(session, pl, _reason):
        number = svc.submit_list(session, pl, current_user, symbol=_issuer(pl.commune_id).symbol("list"))
        return f"Đã trình phê duyệt danh sách số {number}; lãnh đạo sẽ thấy trong «Việc cần làm»."
    return _list_move(list_id, act, needs_reason=False)


@bp.route("/<int:list_id>/bo-het", methods=["POST"])
@roles_required("clerk")
def empty(list_id: int):
    """Take every application off a list not yet approved (reason; confirmed; audited)."""
    def act(session, pl, reason):
        n = svc.empty_list(session, pl, reason, current_user)
        return f"Đã bỏ {n} hồ sơ khỏi danh sách {pl.number}; các hộ trở lại danh sách chờ theo thứ tự ưu tiên."
    return _list_move(list_id, act, needs_reason=True)


@bp.route("/<int:list_id>/huy", methods=["POST"])
@roles_required("clerk")
def cancel(list_id: int):
    """Cancel a list not yet approved (reason; confirmed; audited): emptied, kept on record."""
    def act(session, pl, reason):
        n = svc.cancel_list(session, pl, reason, current_user)
        return (f"Đã hủy danh sách {pl.number}; {n} hộ trở lại danh sách chờ. Danh sách vẫn lưu trong sổ"
                + (" (chưa từng được cấp số)." if pl.register_number is None else "."))
    return _list_move(list_id, act, needs_reason=True)


def _load(list_id: int) -> ProposalList:
    pl = db_session().get(ProposalList, list_id)
    if pl is None:
        abort(404)
    return pl


def _show(pl: ProposalList, *, approve_form: ApproveListForm | None = None,
          correct_form: CorrectDecisionForm | None = None, reason_form: ReasonForm | None = None):
    """The list's page; a form given (submitted, with its errors) is shown as typed, 422 from the
    POST views (refusals.attempt; a reason form: open under the step asked, request.endpoint)."""
    session = db_session()
    if approve_form is None:
        approve_form = ApproveListForm(formdata=None)
        approve_form.decision_date.data = today_vn()
        commune = commune_scope.commune_of(pl.commune_id)
        # The body that approves: the commune's people's committee, or the province's where the
        # province approves this commune's lists.
        body = province_unit(commune.province) if commune is not None and commune.approval_level == "province" \
            else commune_scope.commune_name(commune)
        approve_form.approving_body.data = f"Ủy ban nhân dân {body}".strip()
        # The applications shown: an approval from this page is refused once the list changed.
        approve_form.seen.data = svc.approval_seen(session, pl)
    if correct_form is None and pl.status == "approved":
        correct_form = CorrectDecisionForm(formdata=None, obj=pl)
        correct_form.seen.data = versions.version(session, "proposal_list", pl.id)
    return render_template("lists/show.html", pl=pl, rows=svc.page_rows(session, pl),
                           removed=svc.removed_entries(session, pl), approve_form=approve_form,
                           correct_form=correct_form, corrections=svc.decision_corrections(session, pl),
                           may_approve=buttons.may_approve_list(pl.status, current_user.role)
                           and _approver_of_level(pl),
                           move_form=MoveForm(), reason_form=reason_form or ReasonForm(formdata=None),
                           receipts_issued=svc.receipts_issued(session, pl) if pl.status == "approved" else 0)


@bp.route("/<int:list_id>")
@roles_required(*READERS)
def show(list_id: int):
    pl = _load(list_id)
    page = _show(pl)
    record_view("proposal_list.view", "proposal_list", pl.id)  # its households' names and categories
    return page


@bp.route("/<int:list_id>/phe-duyet", methods=["POST"])
@roles_required("approver", "province_approver")
def approve(list_id: int):
    """Record the approval decision of a draft list. On a mistake the page is shown again (422)
    with what was typed, every wrong field's message under it and their list at the top."""
    session = db_session()
    pl = _load(list_id)
    form = ApproveListForm()
    apps = attempt(form, lambda: svc.approve_list(session, pl, form.decision_number.data, form.decision_date.data,
                                                  form.approving_body.data, current_user,
                                                  symbol=_issuer(pl.commune_id).symbol("list"),
                                                  seen=form.seen.data or ""),
                   checks=lambda: svc.decision_field_errors(session, pl, form.decision_number.data,
                                                            form.decision_date.data, form.approving_body.data))
    if apps is REFUSED:
        return _show(pl, approve_form=form)
    session.commit()
    flash(f"Đã ghi phê duyệt danh sách {pl.number}: {len(apps)} hồ sơ chuyển sang «Đã được phê duyệt».", "success")
    return redirect(url_for("lists.show", list_id=pl.id))


@bp.route("/<int:list_id>/sua-quyet-dinh", methods=["POST"])
@roles_required("approver")
def correct_decision(list_id: int):
    """Correct the decision number, date or approving body of an approved list (approver, with a
    reason; audited with the old and new values). On a mistake the page is shown again (422)
    with the correction form open as typed and every wrong field's message."""
    session = db_session()
    pl = _load(list_id)
    form = CorrectDecisionForm()

    def correct():
        changes = svc.correct_decision(session, pl, form.decision_number.data, form.decision_date.data,
                                       form.approving_body.data, form.reason.data, current_user,
                                       seen_version=form.seen.seen)
        return changes, svc.receipts_issued(session, pl)

    def checks():  # a decision not approved has nothing to correct: the service says so on submit
        return svc.decision_field_errors(session, pl, form.decision_number.data, form.decision_date.data,
                                         form.approving_body.data, form.reason.data,
                                         correction=True) if pl.status == "approved" else {}

    done = attempt(form, correct, checks=checks)
    if done is REFUSED:
        return _show(pl, correct_form=form)
    changes, issued = done
    session.commit()
    what = "; ".join(f"{svc.DECISION_FIELD_LABELS[f].lower()} {svc.shown_value(f, old) or '(trống)'} → "
                     f"{svc.shown_value(f, new)}" for f, (old, new) in changes.items())
    kept = (f" {issued} biên bản/giấy biên nhận đã lập trước đây giữ nguyên nội dung đã in." if issued else "")
    flash(f"Đã sửa quyết định phê duyệt danh sách {pl.number}: {what}. Trang này, danh sách tải về và biên bản "
          f"lập từ nay ghi giá trị mới.{kept}", "success")
    return redirect(url_for("lists.show", list_id=list_id))


def _approver_of_level(pl: ProposalList) -> bool:
    """True when the signed-in approver is of the level that approves this list's commune
    (its leadership, or the province's approver where the province approves)."""
    level = svc.approving_level(db_session(), pl)
    return current_user.role == ("province_approver" if level == "province" else "approver")


def _issuer(commune_id: int | None = None) -> Issuer:
    return commune_scope.issuer(commune_scope.commune_of(commune_id))


_KIND_SLUG = {"de-nghi": "proposal", "phe-duyet": "approved"}
_TYPES = {"pdf": "application/pdf",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.route("/<int:list_id>/<slug>.<ext>")
@roles_required(*VIEWERS)
def download(list_id: int, slug: str, ext: str):
    """PDF or XLSX of the proposal list (de-nghi) or the approved list (phe-duyet). Personal data:
    each download is written to the audit log (who saw which list)."""
    kind = _KIND_SLUG.get(slug)
    if kind is None or ext not in _TYPES:
        abort(404)
    session = db_session()
    pl = _load(list_id)
    try:
        # "NGƯỜI LẬP DANH SÁCH" is the clerk who drew up the list, not whoever downloads it.
        doc = svc.list_document(session, pl, kind=kind, issuer=_issuer(pl.commune_id))
    except ServiceError as err:
        show_refusal(err)
        return redirect(url_for("lists.show", list_id=pl.id))
    body = docs.render_pdf(doc) if ext == "pdf" else docs.render_xlsx(doc)
    record_view("proposal_list.export", "proposal_list", pl.id, note=f"{slug}.{ext}")  # who took the personal data
    safe_number = "".join(c if c.isalnum() else "-" for c in pl.number).strip("-")
    filename = f"danh-sach-{slug}-{safe_number}.{ext}"
    return Response(body, mimetype=_TYPES[ext],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})
