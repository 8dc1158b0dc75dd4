"""Lists people take away: every list page as Excel (XLSX) or as a PDF in the administrative format,
with the page's own filters, and the handover-day sheet of a hamlet.

GET /tai-ve/ho-gia-dinh.<xlsx|csv|pdf>   exports.households    the household list (clerk, approver, admin)
GET /tai-ve/ho-so.<xlsx|csv|pdf>         exports.applications  the applications (clerk, approver, admin)
GET /tai-ve/danh-sach-cho.<xlsx|csv|pdf> exports.waiting       the waiting list (clerk, approver)
GET /tai-ve/bien-ban.<xlsx|csv|pdf>      exports.receipts      the receipts (clerk, approver)
GET /tai-ve/ban-giao.<xlsx|csv|pdf>      exports.handover_sheet  a hamlet's handover-day sheet (clerk, approver)

Each takes the query string of its page (domain.list_views.ListFilters), so the copy holds the
rows the page shows, every page of them, in the same order. The lists carry names, CCCD numbers
and phones: in full only for the roles that see them (domain.scope.sees_personal_data: the clerk
and the approver), masked in the admin's copy as on the admin's page (list_exports.masking); each
export writes one audit entry ("list.export": who, which list, which format, how many rows, which
filters; domain.md §9) once the file is made.

XLSX is written in openpyxl's write-only mode into a spooled temporary file (in memory up to
SPOOL_BYTES, on disk beyond) and sent from there; the rows are read from the database CHUNK at a
time, so memory stays bounded however long the list. CSV is streamed to the response as it is
written (documents.exports.iter_csv, the request's session kept open by stream_with_context until
the last row). A PDF is refused above PDF_MAX_ROWS rows
(the page says to filter first); a hamlet the commune does not have is refused (422, the commune's
hamlets named: services.communes.unknown_hamlet_message), never printed as an empty list.
"""
from __future__ import annotations

import tempfile
from typing import Callable

from flask import (
    Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file, stream_with_context,
    url_for,
)
from flask_login import current_user

from subsidy.documents import exports as docs
from subsidy.domain.calendar import today_vn
from subsidy.domain.documents import Issuer
from subsidy.domain.labels import EXPORT_FORMAT_LABELS
from subsidy.domain.list_views import RECEIPT_STATES, ExportTable, ListFilters
from subsidy.domain.scope import sees_personal_data, sees_poverty_status
from subsidy.request_scope import db_session, roles_required
from subsidy.services import audit
from subsidy.services import communes as communes_svc
from subsidy.services import list_exports as svc
from subsidy.web.viewlog import record_view
from subsidy.web import commune_scope

bp = Blueprint("exports", __name__, url_prefix="/tai-ve")

#: An XLSX stays in memory up to this size, then goes to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024
_SLUGS = {"households": "ho-gia-dinh", "applications": "ho-so", "waiting": "danh-sach-cho",
          "receipts": "bien-ban", "handover_sheet": "ban-giao", "complaints": "don-khieu-nai"}
#: The page each list comes from (where a refusal sends the user back).
_PAGES = {"households": "households.index", "applications": "applications.index", "waiting": "lists.index",
          "receipts": "receipts.index", "handover_sheet": "lists.index", "complaints": "complaints.index"}


def issuer() -> Issuer:
    """The issuing body printed on the copies (the commune's row; subsidy.web.commune_scope)."""
    return commune_scope.issuer()


def hamlet_options(session) -> list[str]:
    """The hamlets a list's filter offers: the commune's (active, then deactivated), or every
    commune's for the province's accounts (services.communes.filter_hamlets)."""
    commune = commune_scope.current_commune()
    return communes_svc.filter_hamlets(session, commune.id if commune is not None else None)


def list_filters(states=None) -> ListFilters:
    """The filters of this request's query string (ListFilters.from_args), searched as far as the
    signed-in account sees CCCD and phone (scope.sees_personal_data) and poverty status
    (scope.sees_poverty_status: else no category or tier filter)."""
    return ListFilters.from_args(request.args, **({"states": states} if states is not None else {}),
                                 personal=sees_personal_data(current_user.role),
                                 poverty=sees_poverty_status(current_user.role))


def _send(table: ExportTable, fmt: str, back: Callable[[], str], note: str | None) -> Response:
    """Render ``table`` as ``fmt``, write the export's audit entry (``note``: its filters), and
    send the file."""
    if fmt not in EXPORT_FORMAT_LABELS:
        abort(404)
    if fmt == "pdf" and table.count > docs.PDF_MAX_ROWS:
        flash(f"Danh sách có {table.count} dòng, quá nhiều để in ({docs.PDF_MAX_ROWS} dòng trở xuống): "
              "hãy lọc theo ấp, trạng thái… hoặc tải bản Excel.", "error")
        return redirect(back())
    name = f"{_SLUGS[table.key]}-{table.date:%Y%m%d}.{fmt}"
    if fmt == "pdf":
        body = docs.render_pdf(table, issuer())
        resp = Response(body, mimetype="application/pdf")
        resp.headers["Content-Disposition"] = f'inline; filename="{name}"'
        rows = table.count
    elif fmt == "csv":
        resp = Response(stream_with_context(docs.iter_csv(table)), content_type=docs.CSV_TYPE)
        resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        rows = table.count  # counted with the filter's query before the first row is sent
    else:
        out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        rows = docs.write_xlsx(table, issuer(), out)
        out.seek(0)
        resp = send_file(out, mimetype=docs.XLSX_TYPE, as_attachment=True, download_name=name,
                         max_age=0)
    record_view("list.export", "list", None, note=note,
                changes={"list": table.key, "format": fmt, "rows": rows})
    resp.headers["Cache-Control"] = "no-store"
    return resp


#: The one way a list page outside this module (the complaints register) sends its ExportTable.
send_table = _send


def _unknown_hamlet(hamlet: str, back: str) -> Response | None:
    """The 422 page refusing a download filtered by a hamlet the commune does not have
    (communes.unknown_hamlet_message: its hamlets named), or None when ``hamlet`` is one of them
    or empty. ``back``: the list page to choose again on."""
    commune = commune_scope.current_commune()
    message = communes_svc.unknown_hamlet_message(db_session(), commune.id if commune is not None else None, hamlet)
    if message is None:
        return None
    return Response(render_template("errors/error.html", code=422, title="Không tải được danh sách",
                                    detail=message, back=back), status=422)


def _export(key: str, ext: str, states=None) -> Response:
    f = list_filters(states)
    refused = _unknown_hamlet(f.hamlet, url_for(_PAGES[key], **f.args(hamlet="")))
    if refused is not None:
        return refused
    table = svc.list_table(db_session(), key, f, on=today_vn(), prepared_by=current_user.full_name or "")
    return _send(table, ext, lambda: url_for(_PAGES[key], **f.args()), audit.filters_note(f))


@bp.route("/ho-gia-dinh.<ext>")
@roles_required("clerk", "approver", "admin")
def households(ext: str):
    return _export("households", ext)


@bp.route("/ho-so.<ext>")
@roles_required("clerk", "approver", "admin")
def applications(ext: str):
    return _export("applications", ext)


@bp.route("/danh-sach-cho.<ext>")
@roles_required("clerk", "approver")
def waiting(ext: str):
    return _export("waiting", ext)


@bp.route("/bien-ban.<ext>")
@roles_required("clerk", "approver")
def receipts(ext: str):
    return _export("receipts", ext, states=RECEIPT_STATES)


@bp.route("/ban-giao.<ext>")
@roles_required("clerk", "approver")
def handover_sheet(ext: str):
    """The handover-day sheet of the hamlet ``?hamlet=``: its approved households receiving a
    phone, with blanks for the phone, the IMEI and the recipient's signature."""
    hamlet = request.args.get("hamlet", "").strip()
    if not hamlet:
        flash("Hãy chọn ấp để in danh sách bàn giao.", "error")
        return redirect(url_for("lists.index"))
    refused = _unknown_hamlet(hamlet, url_for("lists.index"))
    if refused is not None:
        return refused
    table = svc.handover_sheet(db_session(), hamlet, on=today_vn(), prepared_by=current_user.full_name or "",
                               giver_unit=f"Ủy ban nhân dân {commune_scope.commune_name()}".strip())
    return _send(table, ext, lambda: url_for("lists.index"), table.filters)
