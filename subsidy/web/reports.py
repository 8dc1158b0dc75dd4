"""The monthly tally and the annual report on screen, with their downloads.

GET /bao-cao?ky=thang&thang=2026-03[&luy_ke=y] or ?ky=nam&nam=2026 shows the report (the same
tables as the files, the chart of handovers per hamlet as inline SVG); GET
/bao-cao/tai-ve.<pdf|xlsx|csv|json> with the same query downloads it. Clerk, approver and admin
only (the radio gets its counts elsewhere). Read-only: nothing is committed.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user

from forms.reports import TallyForm
from subsidy.domain.documents import Issuer
from subsidy.documents.tally_export import FORMATS, MEDIA_TYPES, as_of_text, filename, render, sections
from subsidy.documents.tally_tables import period_end
from subsidy.domain.calendar import today_vn
from subsidy.models import Commune
from subsidy.models.scoping import set_commune
from subsidy.request_scope import db_session, roles_required
from subsidy.services import communes as communes_svc
from subsidy.services import rulesets
from subsidy.services import tally as svc
from subsidy.services.tally import province as province_svc
from subsidy.services.errors import ServiceError
from subsidy.web import commune_scope
from subsidy.web.errors import problem_json
from subsidy.web.refusals import refused_here

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")

ROLES = ("clerk", "approver", "admin", "province_officer", "province_approver")
DOWNLOADS = (("pdf", "Tải PDF"), ("xlsx", "Tải Excel (XLSX)"), ("csv", "Tải CSV"), ("json", "Tải JSON"))
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _chosen_commune() -> Commune | None:
    """The commune the report is about: the account's (commune staff), the instance's only one, or
    for the province's roles and admin the one chosen with ``?xa=CODE`` (the drill-down); None: the
    whole province. An unknown code answers 404."""
    commune = province_svc.report_commune(getattr(current_user, "role", None), commune_scope.current_commune())
    code = (request.args.get("xa") or "").strip()
    if commune is None and code:
        try:
            commune = communes_svc.by_code(db_session(), code)
        except ServiceError:
            abort(404)
    return commune


def _issuer() -> Issuer:
    commune = _chosen_commune()
    if commune is not None:
        return commune_scope.issuer(commune)
    return province_svc.province_issuer(db_session())


def _form() -> TallyForm:
    """The chooser, filled from the query string; this month / this year by default."""
    form = TallyForm(request.args)
    today = today_vn()
    if not form.ky.data or form.ky.data not in ("thang", "nam"):
        form.ky.data = "thang"
    if not (form.thang.data or "").strip():
        form.thang.data = f"{today:%Y-%m}"
    if not (form.nam.data or "").strip():
        form.nam.data = str(today.year)
    return form


def _report(form: TallyForm) -> svc.Tally | svc.AnnualReport | None:
    """The report chosen, or None with the form's errors / a flashed reason."""
    # Only the fields of the chosen kind of report are checked (a stale month does not block a year).
    chosen = (form.ky, form.nam) if form.ky.data == "nam" else (form.ky, form.thang, form.luy_ke)
    if not all([f.validate(form) for f in chosen]):
        return None
    session = db_session()
    commune = _chosen_commune()
    if commune is None:  # the whole province, by commune
        if form.ky.data == "nam":
            return province_svc.province_annual_report(session, int(form.nam.data))[0]
        return province_svc.province_tally(session, form.thang.data, bool(form.luy_ke.data))[0]
    set_commune(session, commune.id)
    hamlets = commune_scope.hamlets(commune)
    if form.ky.data == "nam":
        return svc.annual_report(session, int(form.nam.data), hamlets=hamlets)
    return svc.tally(session, form.thang.data, bool(form.luy_ke.data), hamlets=hamlets)


def _query(form: TallyForm) -> dict[str, Any]:
    xa = {"xa": request.args["xa"].strip()} if (request.args.get("xa") or "").strip() else {}
    if form.ky.data == "nam":
        return {"ky": "nam", "nam": form.nam.data.strip(), **xa}
    year, month = svc.parse_month(form.thang.data)
    args = {"ky": "thang", "thang": f"{year:04d}-{month:02d}"}
    if form.luy_ke.data:
        args["luy_ke"] = "y"
    return {**args, **xa}


def chart_rows(report: svc.Tally | svc.AnnualReport) -> list[dict[str, Any]]:
    """Bars of the on-screen chart: [{label, value, width (0–100, % of the longest)}]."""
    t = report if isinstance(report, svc.Tally) else report.year
    rows = [(r.label, r.figures.handed_over) for r in t.by_hamlet.rows]
    top = max((v for _l, v in rows), default=0) or 1
    return [{"label": label, "value": v, "width": round(100 * v / top, 2)} for label, v in rows]


@bp.route("")
@roles_required(*ROLES)
def tally():
    form = _form()
    error = None
    try:
        report = _report(form)
    except ServiceError as err:
        report, error = None, str(err)
        refused_here()
    return render_template(
        "reports/tally.html", form=form, report=report, error=error,
        sections=sections(report) if report else [], roman=ROMAN,
        as_of=as_of_text(report) if report else "", chart=chart_rows(report) if report else [],
        query=_query(form) if report else {}, downloads=DOWNLOADS,
        province_communes=_drill_down(),
    )


def _drill_down() -> list[tuple[str, str]]:
    """(code, name) of the communes a province report drills down to, whenever the account gets the
    province's report (province_svc.report_commune: the province's roles on any instance, the admin
    over several communes) and there is at least one; [] for everyone else (their own commune's)."""
    role = getattr(current_user, "role", None)
    if province_svc.report_commune(role, commune_scope.current_commune()) is not None:
        return []
    return [(c.code, c.name) for c in communes_svc.list_communes(db_session())]


def _refused(reason: str, fmt: str, field: str) -> Response:
    """A download that cannot be made (a month not begun, a bad year …). A .json download answers
    as JSON clients read it: 422 problem details (web.errors.problem_json) naming the query
    parameter ``field`` ("thang" or "nam") in ``errors``, as the API does. Any other format
    answers the app's error page with the reason and what to do, not a bare text answer (a link
    or bookmark lands here, not the form)."""
    if fmt == "json":
        return problem_json(422, "Không lập được báo cáo", reason, errors=[{"name": field, "reason": reason}])
    detail = f"{reason} Hãy mở trang Báo cáo, chọn lại kỳ báo cáo rồi tải về."
    return Response(render_template("errors/error.html", code=400, title="Không lập được báo cáo", detail=detail),
                    status=400)


@bp.route("/tai-ve.<fmt>")
@roles_required(*ROLES)
def download(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    form = _form()
    field = "nam" if form.ky.data == "nam" else "thang"
    try:
        report = _report(form)
    except ServiceError as err:
        return _refused(str(err), fmt, field)
    if report is None:
        return _refused("; ".join(e for errs in form.errors.values() for e in errs)
                        or "Lựa chọn báo cáo không hợp lệ.", fmt, field)
    options: dict[str, Any] = {}
    if fmt == "pdf":  # NGƯỜI LẬP BIỂU: whoever takes the report away signs it as its preparer
        options = {"issuer": _issuer(), "preparer": (current_user.full_name or "").strip(),
                   "legal_basis": rulesets.legal_basis_on(db_session(), period_end(report))}
    data = render(report, fmt, **options)
    # content_type, not mimetype: MEDIA_TYPES["csv"] already names its charset, and Werkzeug adds
    # "; charset=utf-8" to a text/* mimetype a second time.
    resp = Response(data, content_type=MEDIA_TYPES[fmt])
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename(report, fmt)}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp
