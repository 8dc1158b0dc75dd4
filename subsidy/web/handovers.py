"""Recording a handover or a cash payment from the application page, and voiding one.

GET/POST /ho-so/<id>/ban-giao   handovers.create  (clerk)    biên bản bàn giao of a phone
GET/POST /ho-so/<id>/chi-tien   handovers.pay     (clerk)    giấy biên nhận of the cash support
GET/POST /bien-ban/<id>/huy     handovers.void    (approver) void, with a reason, after confirming

Thin views: the form checks shape; subsidy.services.handovers checks the rest; the view commits
once and redirects to the receipt (POST/redirect/GET); on a ServiceError it rolls back and shows
the form again (422: refusals.attempt, with what the clerk typed) with each message on the field
it concerns and the list of them at the top. Every wrong field shows after one submit: the service
raises InvalidFields with all of them, and when the form's own validators refuse a field the view
adds the service's field checks (svc.handover_field_errors / cash_field_errors) for the others.

``templates/handovers/_actions.html`` renders an application's handover/payment buttons, which
subsidy.web.buttons.support_actions asks of the transition table.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from forms.handovers import CashPaymentForm, HandoverForm, VoidForm
from subsidy.domain.labels import RECEIPT_KIND_LABELS
from subsidy.domain import vn
from subsidy.domain.calendar import today_vn
from subsidy.domain.labels import STATE_LABELS
from subsidy.models import Application
from subsidy.services import households as households_svc
from subsidy.request_scope import db_session, roles_required
from subsidy.services import handovers as svc
from subsidy.services import receipts as receipts_svc
from subsidy.services.errors import NotFound, ServiceError
from subsidy.web import buttons
from subsidy.web.refusals import REFUSED, attempt, refused_here, show_refusal
from subsidy.web import commune_scope

bp = Blueprint("handovers", __name__)


def telecoms() -> list[str]:
    """The TELECOMS setting (subsidy/config.py), or the default list."""
    return list(current_app.config.get("TELECOMS") or svc.DEFAULT_TELECOMS)


def settings(commune_id: int | None = None) -> receipts_svc.ReceiptSettings:
    """What receipts print about the commune of the record (its row; the request's public URL)."""
    return commune_scope.receipt_settings(commune_id)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"receipt_kind_labels": RECEIPT_KIND_LABELS}


def _standing(h):
    """The household's poverty status in force this year (households.standings_now)."""
    return households_svc.standings_now(db_session(), [h])[h.id]


def _load(application_id: int) -> Application | None:
    """The application, or None after flashing that there is none (the view goes back to the
    receipt list)."""
    app = db_session().get(Application, application_id)
    if app is None:
        flash("Không có hồ sơ này.", "error")
    return app


def _not_ready(app: Application, form: str) -> str | None:
    """Why this application cannot get a handover/payment now (None if it can)."""
    if app.support_form != form:
        return ("Hồ sơ này đăng ký hỗ trợ bằng tiền: dùng «Chi tiền hỗ trợ»." if form == "package"
                else "Hồ sơ này đăng ký nhận điện thoại: dùng «Bàn giao điện thoại».")
    if not buttons.may_record_support(app, current_user.role):
        return (f"Hồ sơ đang ở trạng thái «{STATE_LABELS.get(app.state, app.state)}»: chỉ ghi nhận hỗ trợ cho hồ sơ "
                "đã được phê duyệt (và chưa được hỗ trợ).")
    return None


def _record(form: Any, blocked: str | None, record: Callable[[], Any], checks: Callable[[], dict[str, str]],
            message: str) -> Response | None:
    """On a POST of ``form`` when nothing ``blocked`` the support: run ``record()``
    (svc.record_handover or svc.record_cash_payment; its result has a ``receipt``) by
    refusals.attempt (``checks``: the service's field checks, added when the form's own validators
    refuse it), commit once, flash ``message`` (``{number}``: the receipt number) and redirect to
    the receipt. Returns None when the view is to show the form: not sent yet, refused (the
    messages under their fields), or sent while blocked (the page says why); a sent form shown
    again answers 422."""
    if not form.is_submitted():
        return None
    if blocked is not None:
        refused_here()
        return None
    res = attempt(form, record, checks=checks)
    if res is REFUSED:
        return None
    number = res.receipt.display_number
    db_session().commit()
    flash(message.format(number=number), "success")
    return redirect(url_for("receipts.show", receipt_id=res.receipt.id))


def _recipients(h: Any) -> list[dict[str, Any]]:
    """Who may receive for the household: the head (key "0"), then each member as listed (key:
    the member's id), with name, relation and ID (domain.md §6: the head or a member)."""
    out = [{"key": "0", "name": h.head_name, "relation": "Chủ hộ", "citizen_id": h.citizen_id or ""}]
    for m in households_svc.members_of(db_session(), [h.id]).get(h.id, []):
        out.append({"key": str(m.id), "name": m.name, "relation": m.relation or "Thành viên",
                    "citizen_id": m.citizen_id or ""})
    return out


def _prefill_recipient(form: Any, people: list[dict[str, Any]]) -> None:
    """The recipient the clerk chose (``?nguoi_nhan=<key>``), else the head."""
    chosen = next((p for p in people if p["key"] == request.args.get("nguoi_nhan", "0")), people[0])
    form.recipient_name.data = chosen["name"]
    form.recipient_citizen_id.data = chosen["citizen_id"]


@bp.route("/ho-so/<int:application_id>/ban-giao", methods=["GET", "POST"])
@roles_required("clerk")
def create(application_id: int):
    session = db_session()
    app = _load(application_id)
    if app is None:
        return redirect(url_for("receipts.index"))
    h = app.household
    form = HandoverForm()
    form.telecom.choices = [SelectChoice("", "— Chọn —")] + [SelectChoice(t, t) for t in telecoms()]
    people = _recipients(h)
    if not form.is_submitted():
        form.handed_on.data = today_vn()
        _prefill_recipient(form, people)
    blocked = _not_ready(app, "package")
    data = svc.HandoverInput(
        phone_make=form.phone_make.data, phone_model=form.phone_model.data, imei=form.imei.data,
        imei2=form.imei2.data or None, telecom=form.telecom.data, subscriber_number=form.subscriber_number.data,
        handed_on=form.handed_on.data, recipient_name=form.recipient_name.data,
        recipient_citizen_id=form.recipient_citizen_id.data, confirm_subscriber=bool(form.confirm_subscriber.data),
        recipient_relation=form.recipient_relation.data, confirm_recipient=bool(form.confirm_recipient.data),
    )
    done = _record(form, blocked,
                   lambda: svc.record_handover(session, app.id, data, current_user, telecoms=telecoms(),
                                               settings=settings(app.commune_id)),
                   lambda: svc.handover_field_errors(session, app.id, data, telecoms=telecoms()),
                   "Đã ghi nhận bàn giao điện thoại; biên bản số {number}. Hãy in biên bản để hai bên ký.")
    if done is not None:
        return done
    return render_template("handovers/create.html", app=app, h=h, form=form, blocked=blocked, people=people,
                           standing=_standing(h),
                           back_url=url_for("applications.show", application_id=app.id))


@bp.route("/ho-so/<int:application_id>/chi-tien", methods=["GET", "POST"])
@roles_required("clerk")
def pay(application_id: int):
    session = db_session()
    app = _load(application_id)
    if app is None:
        return redirect(url_for("receipts.index"))
    h = app.household
    form = CashPaymentForm()
    people = _recipients(h)
    if not form.is_submitted():
        form.paid_on.data = today_vn()
        form.purchase_date.data = app.purchase_date
        _prefill_recipient(form, people)
    blocked = _not_ready(app, "cash")
    # The amount shown: the rule set in force on the typed date, else today's. Only when neither
    # has one is the form blocked (a typed date without a rule set is an error of that field).
    terms, no_rules = None, ""
    for day in dict.fromkeys(d for d in (form.paid_on.data, today_vn()) if d is not None):
        try:
            terms = svc.cash_terms(session, day)
            break
        except ServiceError as err:
            no_rules = str(err)
    amount = terms.amount if terms is not None else None
    if terms is None:
        blocked = blocked or no_rules
    data = svc.CashPaymentInput(paid_on=form.paid_on.data, purchase_date=form.purchase_date.data,
                                recipient_name=form.recipient_name.data,
                                recipient_citizen_id=form.recipient_citizen_id.data,
                                recipient_relation=form.recipient_relation.data,
                                confirm_recipient=bool(form.confirm_recipient.data))
    done = _record(form, blocked,
                   lambda: svc.record_cash_payment(session, app.id, data, current_user, settings=settings(app.commune_id)),
                   lambda: svc.cash_field_errors(session, app.id, data),
                   "Đã ghi nhận chi tiền hỗ trợ; giấy biên nhận số {number}. Hãy in giấy biên nhận để hai bên ký.")
    if done is not None:
        return done
    return render_template("handovers/pay.html", app=app, h=h, form=form, blocked=blocked, amount=amount, terms=terms,
                           standing=_standing(h),
                           people=people,
                           amount_words=vn.amount_in_words(amount) if amount else "",
                           back_url=url_for("applications.show", application_id=app.id))


@bp.route("/bien-ban/<int:receipt_id>/huy", methods=["GET", "POST"])
@roles_required("approver")
def void(receipt_id: int):
    session = db_session()
    try:
        receipt = receipts_svc.get(session, receipt_id)
    except NotFound as err:
        show_refusal(err)
        return redirect(url_for("receipts.index"))
    if receipt.voided_at is not None:
        flash("Biên bản này đã bị hủy trước đó.", "warning")
        return redirect(url_for("receipts.show", receipt_id=receipt.id))
    form = VoidForm()
    if attempt(form, lambda: svc.void_receipt(session, receipt, form.reason.data, current_user)) is REFUSED:
        return render_template("handovers/void.html", receipt=receipt, d=receipt.snapshot, form=form,
                               kind_label=RECEIPT_KIND_LABELS[receipt.kind])
    number = receipt.display_number
    session.commit()
    flash(f"Đã hủy {RECEIPT_KIND_LABELS[receipt.kind].lower()} số {number}; hồ sơ trở lại «Đã được phê duyệt».",
          "success")
    return redirect(url_for("receipts.show", receipt_id=receipt.id))
