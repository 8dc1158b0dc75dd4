"""Rule sets: view the stored versions (admin, clerk, approver); preview a new version against the
current applications, store it and switch it on or off (admin)."""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forms.applications import MoveForm, RuleSetUploadForm
from subsidy.domain import labels
from subsidy.domain.calendar import today_vn
from subsidy.domain import ruleset
from subsidy.domain.rules import RuleSetSpec
from subsidy.models import RuleSet
from subsidy.request_scope import db_session, roles_required
from subsidy.services import rulesets as svc
from subsidy.services.errors import FieldError, ServiceError
from subsidy.web.refusals import REFUSED, attempt, show_refusal

bp = Blueprint("rulesets", __name__, url_prefix="/bo-quy-tac")

VIEWERS = ("admin", "clerk", "approver")
MAX_DOC_BYTES = 200_000


def _load(rule_set_id: int) -> RuleSet:
    """The stored rule-set version, or 404."""
    row = db_session().get(RuleSet, rule_set_id)
    if row is None:
        abort(404)
    return row


def _in_force_id(session) -> int | None:
    try:
        return svc.in_force(session, today_vn()).id
    except ServiceError:
        return None


@bp.route("/")
@roles_required(*VIEWERS)
def index():
    return _index(RuleSetUploadForm(formdata=None))


def _index(upload_form: RuleSetUploadForm):
    """The rule sets page; an upload form given back with its message under the file answers 422
    (web.security)."""
    session = db_session()
    rows = svc.list_rule_sets(session)
    specs = svc.loaded_specs(session)
    periods = {r.id: ruleset.period_text(svc.spec_of(r), specs) for r in rows}
    return render_template("rulesets/index.html", rows=rows, in_force_id=_in_force_id(session), periods=periods,
                           upload_form=upload_form, specs={r.id: svc.spec_of(r) for r in rows})


@bp.route("/<int:rule_set_id>")
@roles_required(*VIEWERS)
def show(rule_set_id: int):
    session = db_session()
    row = _load(rule_set_id)
    in_force_id = _in_force_id(session)
    spec = svc.spec_of(row)
    year = today_vn().year
    citations = {rid: spec.e1_citation(year) if rid == "E1" else spec.citation(rid) for rid in labels.RULE_TITLES}
    return render_template("rulesets/show.html", row=row, spec=spec, in_force_id=in_force_id,
                           period=svc.period(session, row), citations=citations, year=year,
                           rule_titles=labels.RULE_TITLES, move_form=MoveForm(),
                           device_words=[labels.PRIOR_DEVICE_WORDS[d] for d in spec.quota_devices])


def _render_preview(spec: RuleSetSpec, *, document: dict | None = None, row=None):
    session = db_session()
    on = today_vn()
    try:
        current = svc.in_force(session, on)
    except ServiceError as err:
        show_refusal(err)
        return redirect(url_for("rulesets.index"))
    result = svc.preview(session, spec, on, svc.spec_of(current))
    return render_template("rulesets/preview.html", preview=result, spec=spec, current=current, row=row,
                           document_json=json.dumps(document, ensure_ascii=False) if document else None,
                           outcome_labels=labels.OUTCOME_LABELS, outcome_short_labels=labels.OUTCOME_SHORT_LABELS, move_form=MoveForm())


@bp.route("/<int:rule_set_id>/xem-truoc")
@roles_required("admin")
def preview(rule_set_id: int):
    row = _load(rule_set_id)
    return _render_preview(svc.spec_of(row), row=row)


@bp.route("/xem-truoc-tep", methods=["POST"])
@roles_required("admin")
def preview_upload():
    """Preview a rule-set file before storing it (nothing is saved). A file missing, too large or
    not a rule set shows the page again with the message under the file (422)."""
    form = RuleSetUploadForm()

    def read():
        raw = form.file.data.read(MAX_DOC_BYTES + 1)
        if len(raw) > MAX_DOC_BYTES:
            raise FieldError(f"Tệp bộ quy tắc quá lớn: nhiều nhất {MAX_DOC_BYTES // 1000} KB.", "file")
        return svc.read_document(raw)

    doc = attempt(form, read, field="file")
    if doc is REFUSED:
        return _index(form)
    return _render_preview(RuleSetSpec.from_document(doc), document=doc)


@bp.route("/luu", methods=["POST"])
@roles_required("admin")
def store():
    """Store a previewed document as a new version, not yet applied (inactive)."""
    session = db_session()
    raw = (request.form.get("document") or "").encode("utf-8")
    if not raw or len(raw) > MAX_DOC_BYTES:
        abort(400)  # the preview page sends the document it showed: anything else is not this form's
    stored = attempt(MoveForm(), lambda: svc.store(session, svc.read_document(raw), current_user, active=False),
                     bad_token_400=True, flashed=True)
    if stored is REFUSED:
        return redirect(url_for("rulesets.index"))
    row, created = stored
    session.commit()
    flash(f"Đã lưu {row.code} phiên bản {row.version} (chưa áp dụng)." if created
          else f"{row.code} phiên bản {row.version} đã có sẵn.", "success")
    return redirect(url_for("rulesets.show", rule_set_id=row.id))


@bp.route("/<int:rule_set_id>/ap-dung", methods=["POST"])
@roles_required("admin")
def toggle(rule_set_id: int):
    """Switch the version on or off (admin, audited); a refusal is flashed on its page, a missing
    or stale CSRF token answers 400."""
    session = db_session()
    row = _load(rule_set_id)
    if attempt(MoveForm(), lambda: svc.set_active(session, row, not row.active, current_user), bad_token_400=True,
               flashed=True) is REFUSED:
        return redirect(url_for("rulesets.show", rule_set_id=row.id))
    session.commit()
    flash(f"Đã {'áp dụng' if row.active else 'ngừng áp dụng'} {row.code} phiên bản {row.version}.", "success")
    return redirect(url_for("rulesets.show", rule_set_id=row.id))
