"""The receipts: the list with search and pagination, one receipt, printing and reprinting.

GET  /bien-ban               receipts.index  search by number ("7", "0007/BB-VTCI"), IMEI, name
GET  /bien-ban/<id>          receipts.show   what the receipt printed (its snapshot), its state
GET  /bien-ban/<id>/xem-truoc.pdf  receipts.preview   to look at: watermarked BẢN XEM TRƯỚC, not counted
POST /bien-ban/<id>/ban-chinh.pdf  receipts.original  the original (bản chính), once
POST /bien-ban/<id>/in-lai.pdf     receipts.reprint   later prints: IN LẠI with their time (ĐÃ HỦY
                                                      for a voided receipt)

Clerk and approver only (the receipts carry names and CCCD numbers). Looking never uses up the
original, so a jammed printer or a curious click leaves it to print; printing is a POST because
it is counted and audited (who printed the original, who reprinted when).
"""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user

from forms.handovers import PrintForm
from subsidy.domain.labels import RECEIPT_KIND_LABELS, RECEIPT_STATUS_LABELS
from subsidy.domain.list_views import RECEIPT_STATES
from subsidy.request_scope import db_session, roles_required
from subsidy.services import list_exports, pages
from subsidy.services import receipts as svc
from subsidy.web import buttons
from subsidy.web.exports import hamlet_options, list_filters
from subsidy.web.pagination import list_page
from subsidy.web.refusals import REFUSED, attempt
from subsidy.web.viewlog import record_list_view, record_view

bp = Blueprint("receipts", __name__, url_prefix="/bien-ban")

VIEWERS = ("clerk", "approver")
PER_PAGE = 30


@bp.route("/")
@roles_required(*VIEWERS)
def index():
    """The receipts, filtered by the search box, kind (form of support), standing, hamlet and tier;
    Excel and PDF copies of the same rows: exports.receipts. ``loai`` (handover / cash), the
    kind filter's older name, is still read."""
    session = db_session()
    f = list_filters(RECEIPT_STATES)
    legacy = {"handover": "package", "cash": "cash"}.get(request.args.get("loai", ""))
    if legacy and not f.form:
        f = replace(f, form=legacy)
    page = list_page(session, list_exports.receipt_stmt(f), request.args, PER_PAGE)
    record_list_view("receipts", page, f)  # recipients' names, IMEIs and amounts
    return render_template("receipts/index.html", page=page, f=f, q=f.q, kind_labels=RECEIPT_KIND_LABELS,
                           receipt_states=RECEIPT_STATUS_LABELS, hamlets=hamlet_options(session))


@bp.route("/<int:receipt_id>")
@roles_required(*VIEWERS)
def show(receipt_id: int):
    session = db_session()
    receipt = svc.get(session, receipt_id)  # NotFound: the 404 page (web.errors)
    page = pages.receipt_page(session, receipt)
    kind_label = RECEIPT_KIND_LABELS[receipt.kind]
    void = buttons.void_button(receipt, page.application, current_user.role, f"Hủy {kind_label.lower()}…")
    record_view("receipt.view", "receipt", receipt.id)  # the recipient's name and CCCD (domain.md §9)
    return render_template("receipts/show.html", receipt=receipt, d=receipt.snapshot, app=page.application,
                           others=page.others, kind_label=kind_label, print_form=PrintForm(),
                           app_url=url_for("applications.show", application_id=page.application.id),
                           voided_by=page.voided_by, staff=page.staff, void=void)


def _pdf_response(receipt, pdf_bytes: bytes, suffix: str = "") -> Response:
    name = (f"{'bien-ban-ban-giao' if receipt.kind == 'handover' else 'giay-bien-nhan'}-{receipt.number:04d}-"
            f"{receipt.year}{suffix}.pdf")
    resp = Response(pdf_bytes, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'inline; filename="{name}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _receipt_or_404(receipt_id: int):
    return svc.get(db_session(), receipt_id)  # NotFound: the 404 page (web.errors)


@bp.route("/<int:receipt_id>/xem-truoc.pdf")
@roles_required(*VIEWERS)
def preview(receipt_id: int):
    receipt = _receipt_or_404(receipt_id)
    pdf_bytes = svc.preview_pdf(receipt)
    # the recipient's name and CCCD (domain.md §9): a view like the page's, said to be the preview
    record_view("receipt.view", "receipt", receipt.id, note="bản xem trước (PDF)")
    return _pdf_response(receipt, pdf_bytes, "-xem-truoc")


def _print(receipt_id: int, action) -> Response:
    """POST of a print button by refusals.attempt: ``action(session, receipt, actor)`` (the
    service counts and audits the print) → commit → the PDF. A refusal (the original already
    printed, a reprint before it) is flashed on the receipt's page; a missing or stale CSRF token
    answers 400, a receipt that does not exist 404."""
    session = db_session()
    receipt = _receipt_or_404(receipt_id)
    pdf_bytes = attempt(PrintForm(), lambda: action(session, receipt, current_user), bad_token_400=True,
                        flashed=True)
    if pdf_bytes is REFUSED:
        return redirect(url_for("receipts.show", receipt_id=receipt_id))
    session.commit()
    return _pdf_response(receipt, pdf_bytes)


@bp.route("/<int:receipt_id>/ban-chinh.pdf", methods=["POST"])
@roles_required(*VIEWERS)
def original(receipt_id: int):
    return _print(receipt_id, svc.print_original)


@bp.route("/<int:receipt_id>/in-lai.pdf", methods=["POST"])
@roles_required(*VIEWERS)
def reprint(receipt_id: int):
    return _print(receipt_id, svc.reprint)
