"""The province's pages (/tinh): the phones received from the ministry and their division among
communes, received / given / used / left per commune, and the province approver's queue. Thin
views over subsidy.services.province."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from forms.applications import AllocationForm, ReasonForm
from forms.communes import ShareForm
from subsidy.domain.calendar import today_vn
from subsidy.request_scope import db_session, roles_required
from subsidy.services import allocations
from subsidy.services import province as svc
from subsidy.services.errors import NotFound, ServiceError
from subsidy.web.ids import row_id
from subsidy.web.refusals import REFUSED, attempt

bp = Blueprint("province", __name__, url_prefix="/tinh")

READERS = ("province_officer", "province_approver", "admin")


def _share_form(quota: svc.ProvinceQuota, form: ShareForm | None = None) -> ShareForm:
    form = form or ShareForm(formdata=None, allocated_on=today_vn())
    form.province_allocation.choices = [
        (str(p.id), f"{p.source_document} ({p.received_on:%d/%m/%Y}): còn {p.quantity - given} máy")
        for p, given in quota.allocations if p.voided_at is None and p.quantity > given]
    form.commune.choices = [(str(c.commune_id), c.name) for c in quota.communes]
    return form


@bp.route("/")
@roles_required(*READERS)
def index():
    return _index()


def _index(received_form: AllocationForm | None = None, share_form: ShareForm | None = None,
           void_form: ReasonForm | None = None, share_void_form: ReasonForm | None = None):
    """The province page; a form given back with its errors (or refused by the service) keeps what
    was typed, with its messages (422: refusals.attempt; a voiding's reason: in its row,
    request.view_args)."""
    quota = svc.overview(db_session())
    return render_template("province/index.html", quota=quota,
                           received_form=received_form or AllocationForm(formdata=None),
                           share_form=_share_form(quota, share_form), void_form=void_form or ReasonForm(formdata=None),
                           shares=svc.shares(db_session()),
                           share_void_form=share_void_form or ReasonForm(formdata=None),
                           queue=svc.approval_queue(db_session()))


@bp.route("/nhan", methods=["POST"])
@roles_required("province_officer")
def receive():
    session = db_session()
    form = AllocationForm()
    row = attempt(form, lambda: svc.record_received(session, form.quantity.data, form.allocated_on.data,
                                                    form.source_document.data, current_user, note=form.note.data))
    if row is REFUSED:
        return _index(received_form=form)
    session.commit()
    flash(f"Đã ghi {row.quantity} máy tỉnh được phân bổ theo «{row.source_document}».", "success")
    return redirect(url_for("province.index"))


@bp.route("/chia", methods=["POST"])
@roles_required("province_officer")
def share():
    session = db_session()
    form = ShareForm()

    def give():
        allocation_id, commune_id = row_id(form.province_allocation.data), row_id(form.commune.data)
        if not (allocation_id and commune_id):
            raise ServiceError("Hãy chọn văn bản phân bổ của tỉnh và xã.")
        return svc.give_to_commune(session, allocation_id, commune_id, form.quantity.data, form.allocated_on.data,
                                   current_user)

    row = attempt(form, give)
    if row is REFUSED:
        return _index(share_form=form)
    session.commit()
    flash(f"Đã chia {row.quantity} máy cho xã.", "success")
    return redirect(url_for("province.index"))


@bp.route("/chia/<int:allocation_id>/huy", methods=["POST"])
@roles_required("province_officer")
def void_share(allocation_id: int):
    """Void a commune's share given by mistake, with a reason (allocations.void_allocation: the
    commune's quota counted again without it). A reason missing, or the voiding refused, shows the
    page again with the reason in its row (422); a share that does not exist is 404."""
    session = db_session()
    form = ReasonForm()

    def void():
        try:
            return allocations.void_allocation(session, allocation_id, form.reason.data, current_user)
        except NotFound:
            abort(404)

    row = attempt(form, void, field="reason")  # the refusal under the reason, in the share's row
    if row is REFUSED:
        return _index(share_void_form=form)
    session.commit()
    flash(f"Đã hủy phần chia {row.quantity} máy theo «{row.source_document}»; chỉ tiêu của xã đã được tính lại.",
          "success")
    return redirect(url_for("province.index"))


@bp.route("/nhan/<int:province_allocation_id>/huy", methods=["POST"])
@roles_required("province_officer")
def void(province_allocation_id: int):
    session = db_session()
    form = ReasonForm()
    if attempt(form, lambda: svc.void_received(session, province_allocation_id, form.reason.data,
                                               current_user)) is REFUSED:
        return _index(void_form=form)
    session.commit()
    flash("Đã hủy số máy tỉnh được phân bổ.", "success")
    return redirect(url_for("province.index"))


@bp.route("/khieu-nai")
@roles_required(*READERS)
def complaints():
    """Open complaints, petitions and denunciations per commune: how many, due soon, overdue."""
    from subsidy.services import complaints as complaints_svc

    lines = complaints_svc.province_summary(db_session(), viewer_id=current_user.id)
    return render_template("province/complaints.html", lines=lines)


@bp.route("/phe-duyet")
@roles_required(*READERS)
def queue():
    return render_template("province/queue.html", queue=svc.approval_queue(db_session()))


