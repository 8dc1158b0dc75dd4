"""Household registry pages: list with search and filters, view with history, add, edit, archive.

Clerks add and edit; admins archive and restore; approvers view; the radio never sees a person.
CCCD numbers and phones, the head's and the members' alike, are in full only for the roles
scope.sees_personal_data names (masked for the others); every view is logged.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from forms.households import ArchiveForm, HouseholdForm, NoPriorDeviceForm, RestoreForm
from subsidy.domain import tracking, vn
from subsidy.domain.labels import FIELD_LABELS
from subsidy.domain.list_views import ListFilters
from subsidy.domain.scope import (
    HOUSEHOLD_ENTRY_ROLES, household_entry_refusal, sees_personal_data, sees_poverty_status,
)
from subsidy.models import Household
from subsidy.request_scope import db_session, roles_required
from subsidy.services import household_edit
from subsidy.services import archiving
from subsidy.services import households as svc
from subsidy.services import list_exports
from subsidy.services import pages
from subsidy.services import versions
from subsidy.services import prior_devices as prior_svc
from subsidy.web.applications import current_programme
from subsidy.web.exports import hamlet_options
from subsidy.web.pagination import list_page
from subsidy.web.permissions import may
from subsidy.web.refusals import REFUSED, attempt
from subsidy.web.viewlog import record_list_page_view, record_view
from subsidy.web import commune_scope

bp = Blueprint("households", __name__, url_prefix="/ho-gia-dinh")

#: The province's roles and the admin read a commune's households too (IDs and phones masked:
#: scope.sees_personal_data, filters.pid/pphone).
VIEW_ROLES = ("clerk", "approver", "admin", "province_officer", "province_approver")
#: Who adds and corrects a household: the clerk. Its form holds the head's CCCD and phone in full,
#: so it is for a role that sees them (scope.sees_personal_data); the admin archives and restores.
ENTRY_ROLES = tuple(sorted(HOUSEHOLD_ENTRY_ROLES))
EDIT_ROLES = ("clerk", "admin")
PER_PAGE = 50


def _hamlet_choices(session, current: str | None = None) -> list[SelectChoice]:
    """The hamlets a clerk may choose: configured + on file (plausible names only), plus
    ``current`` — the household's stored hamlet when editing, never a posted value."""
    hamlets = svc.hamlet_choices(session, commune_scope.hamlets())
    if current and current not in hamlets:
        hamlets.append(current)
    return [SelectChoice("", "— Chọn ấp —")] + [SelectChoice(h, h) for h in hamlets]


def _load(household_id: int) -> Household:
    """The household (archived ones included), or 404."""
    return svc.get_household(db_session(), household_id)  # NotFound: the 404 page (web.errors)


def _input(form: HouseholdForm, household: Household | None = None) -> svc.HouseholdInput:
    return svc.HouseholdInput(
        code=form.code.data or "", head_name=form.head_name.data or "", hamlet=form.hamlet.data or "",
        category=form.category.data or None, members=form.members.data,
        head_birth_year=form.head_birth_year.data, head_gender=form.head_gender.data or None,
        citizen_id=form.citizen_id.data, address=form.address.data, phone=form.phone.data,
        list_year=form.list_year.data, decision_number=form.decision_number.data,
        decision_date=form.decision_date.data, meritorious=form.meritorious.data,
        social_policy=form.social_policy.data, prior_device=form.prior_device.data,
        prior_device_detail=form.prior_device_detail.data, prior_device_date=form.prior_device_date.data,
        confirm_citizen_id_warning=form.confirm_citizen_id_warning.data,
        seen_version=form.seen.seen if household is not None else None,
        reason=form.reason.data if household is not None else None,
    )


def _save(form: HouseholdForm, household: Household | None) -> tuple[Household | None, list[str]]:
    """Validate and save by refusals.attempt: (the household saved, flushed, not committed; []),
    or (None, the CCCD warnings to confirm beside the form) when the form is not sent or refused.

    Every mistake after one submit: the form's own checks (dates, numbers) and the service's
    (code, name, CCCD, phone, a code or CCCD on file: check_household) under their fields; a CCCD
    that disagrees with the birth year or sex is asked to be confirmed under the confirmation box
    (NeedsConfirmation), the warnings above it. Refused: 422, nothing saved."""
    session = db_session()
    data = _input(form, household)
    own_id = household.id if household is not None else None
    seen: dict[str, list[str]] = {}

    def checks() -> dict[str, str]:
        errors, seen["warnings"] = svc.check_household(session, data, own_id, form_errors=form.errors.keys())
        return errors

    hh = attempt(form, lambda: household_edit.save_household(session, data, own_id, current_user), checks=checks)
    if hh is not REFUSED:
        return hh, []
    if form.is_submitted() and "warnings" not in seen:  # the service refused what the form's checks passed
        checks()
    return None, seen.get("warnings", [])


def _index_page(args, bulk_form: NoPriorDeviceForm) -> str:
    """The household list filtered by ``args`` (a query string's MultiDict), with the bulk E2 form
    ``bulk_form`` (given back with its messages after a refusal)."""
    session = db_session()
    poverty = sees_poverty_status(current_user.role)
    f = ListFilters.from_args(args, personal=sees_personal_data(current_user.role), poverty=poverty)
    page = list_page(session, list_exports.household_stmt(f), args, PER_PAGE)
    # names, CCCDs and phones: one entry per page shown (on the refused POST, in its own write session)
    record_list_page_view("households", page, f)
    return render_template("households/index.html", page=page, f=f, q=f.q, hamlet=f.hamlet, category=f.category,
                           standings=svc.standings_now(session, page.items, shown=poverty),
                           archived=f.archived, hamlets=hamlet_options(session),
                           unrecorded=prior_svc.count_unrecorded(session, f.q, f.hamlet or None, f.category or None,
                                                                 personal=f.personal)
                           if may("households.mark_no_prior_device") else 0, bulk_form=bulk_form)


@bp.route("/")
@roles_required(*VIEW_ROLES)
def index():
    """The households, filtered by the search box, hamlet, category and archived; Excel and PDF
    copies of the same rows: exports.households."""
    return _index_page(request.args, NoPriorDeviceForm(formdata=None))


@bp.route("/chua-nhan-thiet-bi", methods=["POST"])
@roles_required("clerk")
def mark_no_prior_device():
    """Record "no prior device received" (E2) for every household the list's filter shows whose
    answer is not recorded, after the clerk confirmed the number (services.prior_devices). Refused
    (no reason, the set changed): the list again with the form open and the message (under the
    reason when it is about it), 422 like every form given back (refusals.attempt)."""
    session = db_session()
    form = NoPriorDeviceForm()
    q, hamlet, category = (request.form.get(k, "").strip() for k in ("q", "hamlet", "category"))
    n = attempt(form, lambda: prior_svc.mark_no_prior_device(
        session, current_user, expected=request.form.get("expected", type=int) or 0, reason=form.reason.data,
        query=q, hamlet=hamlet or None, category=category or None, personal=sees_personal_data(current_user.role)))
    if n is REFUSED:
        return _index_page(MultiDict({"q": q, "hamlet": hamlet, "category": category, "prior": "unknown"}), form)
    session.commit()
    flash(f"Đã ghi «chưa nhận thiết bị nào» cho {n} hộ. Hồ sơ của các hộ này kiểm tra lại sẽ xét được điều kiện E2; "
          "hãy kiểm tra lại các hồ sơ «Đã tiếp nhận».", "success")
    return redirect(url_for("households.index", q=q or None, hamlet=hamlet or None, category=category or None,
                            prior="none"))


@bp.route("/them", methods=["GET", "POST"])
@roles_required(*ENTRY_ROLES, refusal=household_entry_refusal)
def new():
    session = db_session()
    form = HouseholdForm()
    form.hamlet.choices = _hamlet_choices(session)
    hh, warnings = (None, []) if request.method == "GET" else _save(form, None)
    if hh is not None:
        session.commit()
        flash(f"Đã thêm hộ {hh.head_name} (mã {hh.code}).", "success")
        return redirect(url_for("households.show", household_id=hh.id))
    return render_template("households/form.html", form=form, household=None, warnings=warnings)


@bp.route("/<int:household_id>")
@roles_required(*VIEW_ROLES)
def show(household_id: int):
    session = db_session()
    hh = _load(household_id)
    log = svc.household_log(session, hh.id)  # changes, and the latest views (its applications' too) apart
    people = svc.members_of(session, [hh.id]).get(hh.id, [])
    # The head's and the members' IDs follow the same rule (the head's: filters.pid/pphone).
    full_ids = sees_personal_data(current_user.role)
    poverty = sees_poverty_status(current_user.role)
    shown = sum(1 for m in people if m.citizen_id) if full_ids else 0
    # Who saw the CCCD/phone (domain.md §9), the members' IDs included.
    record_view("household.view", "household", hh.id,
                note=f"kèm số CCCD của {shown} thành viên" if shown else None)
    members = [{"name": m.name, "relation": m.relation, "birth": svc.birth_text(m.birth_date, m.birth_year),
                "gender": m.gender, "citizen_id": (m.citizen_id if full_ids else vn.mask_id(m.citizen_id))
                if m.citizen_id else None, "warning": m.citizen_id_warning if full_ids else None} for m in people]
    return render_template("households/show.html", household=hh, history=log.changes, views=log.views,
                           views_total=log.views_total, people=members,
                           # the category and yearly records only for who sees them (else «(ẩn)»)
                           statuses=svc.status_history(session, hh.id) if poverty else [],
                           standing=svc.standings_now(session, [hh], shown=poverty)[hh.id],
                           # One application per household (domain.md §5): the page links to it
                           # instead of offering to receive a second one, which would be refused.
                           application=pages.application_of(session, hh.id, current_programme()),
                           archive_form=ArchiveForm(),
                           archive_preview=None if hh.archived else archiving.archive_preview(session, hh, poverty_shown=poverty),
                           restore_form=RestoreForm())


@bp.route("/<int:household_id>/sua", methods=["GET", "POST"])
@roles_required(*ENTRY_ROLES, refusal=household_entry_refusal)
def edit(household_id: int):
    session = db_session()
    hh = _load(household_id)
    form = HouseholdForm(obj=hh) if request.method == "GET" else HouseholdForm()
    form.hamlet.choices = _hamlet_choices(session, hh.hamlet)
    if request.method == "GET":
        form.head_gender.data = hh.head_gender or ""
        form.category.data = hh.category or ""
    if request.method == "GET":
        # The version shown: a save from this page is refused once another changed the household.
        form.seen.data = versions.version(session, "household", hh.id)
        record_view("household.view", "household", hh.id, note="mở biểu mẫu sửa")  # it shows the CCCD/phone
    checked = svc.checked_applications(session, hh.id)
    before = {a.id: a.state for a in checked}
    saved, warnings = (None, []) if request.method == "GET" else _save(form, hh)
    if saved is not None:
        session.commit()
        back = [a for a in checked if a.state == "received" and before[a.id] != "received"]
        flash("Đã lưu thay đổi." + (" Hồ sơ " + ", ".join(tracking.shown(a.tracking_code) for a in back)
                                    + " đã quay về «Đã tiếp nhận»: hãy kiểm tra lại điều kiện." if back else ""),
              "success")
        return redirect(url_for("households.show", household_id=hh.id))
    return render_template("households/form.html", form=form, household=hh, warnings=warnings, checked=checked,
                           deciding_labels=[FIELD_LABELS[f] for f in svc.DECIDING_FIELDS if f in FIELD_LABELS])


def _archive_move(household_id: int, form, move, done: str):
    """POST of the archive/restore buttons by refusals.attempt: ``move(session)`` (a service call),
    commit and flash ``done``; a refusal (a reason too long, a live application not confirmed …)
    is flashed, nothing saved; a missing or stale CSRF token answers 400, a household that does
    not exist 404. Back to the household page."""
    session = db_session()
    _load(household_id)
    if attempt(form, lambda: move(session), bad_token_400=True, flashed=True) is not REFUSED:
        session.commit()
        flash(done, "success")
    return redirect(url_for("households.show", household_id=household_id))


@bp.route("/<int:household_id>/luu-tru", methods=["POST"])
@roles_required(*EDIT_ROLES)
def archive(household_id: int):
    form = ArchiveForm()
    return _archive_move(
        household_id, form,
        lambda session: archiving.archive_household(session, household_id, current_user, form.reason.data,
                                                    withdraw_live=bool(form.withdraw_live.data)),
        "Đã lưu trữ hộ này: hộ không còn hiện trong danh sách, hồ sơ và lịch sử vẫn giữ nguyên "
        "(hồ sơ đang xử lý, nếu có, đã được rút).")


@bp.route("/<int:household_id>/khoi-phuc", methods=["POST"])
@roles_required(*EDIT_ROLES)
def restore(household_id: int):
    return _archive_move(household_id, RestoreForm(),
                         lambda session: svc.restore_household(session, household_id, current_user),
                         "Đã khôi phục hộ vào danh sách.")
