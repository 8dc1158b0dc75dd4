"""JSON API v1 (/api/v1): the radio counts, and read access to households and applications for
clerk tools. Documented by the static OpenAPI 3.1 file beside this module (served as is at
/api/v1/openapi.json); tests check the two agree.

* Authentication: ``Authorization: Bearer <token>`` with a per-account token an admin creates and
  revokes (services.users.create_api_token / revoke_api_token). No cookies, so no CSRF.
* Roles: /counts for radio, clerk, approver, admin; households and applications for clerk,
  approver, admin and the province's roles (personal data; every read is audited, domain.md §9).
* Scope (docs/province.md): a token acts for its account's commune (another commune's household
  or application answers 404, as if it did not exist); a province_officer / province_approver
  token reads every commune, read-only (any other method: 403); lists take ``?commune=CODE``.
* CCCD and phone (head and members): in full for the roles scope.sees_personal_data names
  (clerk, approver), masked for the others as on their pages.
* Errors: RFC 9457 problem details (application/problem+json: type, title, status, detail; 422
  adds ``errors: [{name, reason}]``).
* Rate limit: API_RATE_LIMIT per client address (default 300/minute), 429 when exceeded.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import wraps
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, g, jsonify, request

from subsidy.api.serializers import iso as _iso, people_and_statuses_json  # _iso: actions and complaints import it from here
from subsidy.api.days import (  # noqa: F401 - body_day, field_reasons, iso_message: actions and complaints import them from here
    body_day, field_reasons, iso_day, iso_day_reason, iso_message,
)
from subsidy.domain import vn
from subsidy.domain.list_standing import Standing
from subsidy.domain.scope import POVERTY_FILTER_REFUSAL, PROVINCE_ROLES, sees_personal_data, sees_poverty_status
from subsidy.domain.labels import ROLE_LABELS, STATE_LABELS
from subsidy.extensions import limiter
from sqlalchemy import select

from subsidy.models import STATES, Application, ApplicationEvent, Commune, Household, User
from subsidy.models.scoping import set_commune
from subsidy.request_scope import db_session, public_view, use_write_session
from subsidy.services import audit, communes, lookup, radio, users, versions
from subsidy.services import households as households_svc
from subsidy.services.errors import NotFound, ServiceError
from subsidy.services.pagination import BadCursor, Page

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")


OPENAPI_FILE = Path(__file__).with_name("openapi.json")
STAFF = ("clerk", "approver", "admin")
#: Who reads households and applications: the commune's staff, admin, the province's roles.
READERS = STAFF + tuple(sorted(PROVINCE_ROLES))
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
PROVINCE_READ_ONLY = ("Tài khoản cấp tỉnh chỉ được xem dữ liệu qua API (chỉ đọc): không được thêm, sửa hay xóa "
                      "dữ liệu của xã.")
COUNTS_ROLES = ("radio", "clerk", "approver", "admin")

TITLES = {
    401: "Chưa xác thực",
    403: "Không có quyền",
    404: "Không tìm thấy",
    422: "Tham số không hợp lệ",
}


def _api_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT") or "300/minute"


limiter.limit(_api_limit)(bp)


class ApiProblem(Exception):
    """Raised inside a view; rendered as problem details by the blueprint's error handler."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None, **extensions: Any):
        super().__init__(detail)
        self.status, self.detail, self.headers, self.extensions = status, detail, headers or {}, extensions


def problem(status: int, detail: str, headers: dict[str, str] | None = None, **extensions: Any) -> Response:
    """An RFC 9457 problem details response (application/problem+json)."""
    body = {"type": "about:blank", "title": TITLES.get(status, "Lỗi"), "status": status, "detail": detail}
    body.update(extensions)
    resp = jsonify(body)
    resp.status_code = status
    resp.mimetype = "application/problem+json"
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


@bp.errorhandler(ApiProblem)
def _api_problem(err: ApiProblem) -> Response:
    return problem(err.status, err.detail, err.headers, **err.extensions)


@bp.errorhandler(NotFound)
def _not_found(err: NotFound) -> Response:
    return problem(404, str(err))


def _token_user() -> User:
    """The account of the request's bearer token; ApiProblem 401 if missing, unknown or revoked."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    challenge = {"WWW-Authenticate": 'Bearer realm="api"'}
    if scheme.lower() != "bearer" or not token:
        raise ApiProblem(401, "Thiếu mã truy cập: gửi tiêu đề «Authorization: Bearer <mã>» "
                              "với mã do quản trị cấp.", challenge)
    user = users.user_for_token(db_session(), token[:200])
    if user is None:
        raise ApiProblem(401, "Mã truy cập không đúng hoặc đã bị thu hồi; hãy nhờ quản trị cấp mã mới.",
                         {"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'})
    return user


@bp.before_app_request
def _province_tokens_never_write() -> Response | None:
    """A province token's request that is not a read (any method but GET/HEAD/OPTIONS, on any
    /api/v1 address, even one with no such method) answers 403: the province reads, the
    communes write."""
    if request.method in SAFE_METHODS or not request.path.startswith((bp.url_prefix or "") + "/"):
        return None
    if not request.headers.get("Authorization", "").strip().lower().startswith("bearer "):
        return None
    use_write_session()
    try:
        user = _token_user()
    except ApiProblem:
        return None  # the route answers as it would (405 or 401)
    if user.role in PROVINCE_ROLES:
        db_session().commit()  # keep last_used_at
        return problem(403, PROVINCE_READ_ONLY)
    return None


def token_required(*roles: str) -> Callable:
    """Authenticate the bearer token (401 if missing, unknown or revoked) and check the role of
    its account (403). The account is in ``g.api_user``. Marks the view public: it needs no
    cookie sign-in (and must not accept one)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            # API GETs write (the token's last use, the audit of personal-data reads): use a
            # writing session for the request (on SQLite: BEGIN IMMEDIATE), not a read one.
            use_write_session()
            user = _token_user()
            if user.role in PROVINCE_ROLES and request.method not in SAFE_METHODS:
                db_session().commit()  # keep last_used_at
                raise ApiProblem(403, PROVINCE_READ_ONLY)
            if not user.has_role(*roles):
                db_session().commit()  # keep last_used_at
                raise ApiProblem(403, f"Tài khoản «{user.username}» (vai trò {ROLE_LABELS.get(user.role, user.role)}) "
                                      "không được dùng chức năng này; chỉ dành cho: "
                                      f"{', '.join(ROLE_LABELS.get(r, r) for r in roles)}.")
            g.api_user = user
            # A token acts for its account's commune (the province's accounts: every commune).
            set_commune(db_session(), user.commune_id)
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)  # type: ignore[attr-defined]
        return public_view(wrapped)

    return decorator


# ----------------------------------------------------------------------------- query parameters

_DIGITS = re.compile(r"^[0-9]{1,9}$", re.ASCII)
class Params:
    """Collects every bad parameter, then raises one 422 naming them all."""

    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []

    def _raw(self, name: str) -> str | None:
        """The one value of ``name``; a parameter given twice is an error (which would win?)."""
        values = request.args.getlist(name)
        if len(values) > 1:
            self.errors.append({"name": name, "reason": "chỉ được gửi một lần"})
            return None
        return values[0] if values else None

    def integer(self, name: str, default: int, lo: int, hi: int) -> int:
        raw = self._raw(name)
        if raw is None:
            return default
        if not _DIGITS.match(raw) or not lo <= int(raw) <= hi:
            self.errors.append({"name": name, "reason": f"phải là số nguyên từ {lo} đến {hi}"})
            return default
        return int(raw)

    def page_size(self, default: int = 20) -> int:
        """Items per page: ``per_page`` or its synonym ``limit`` (1..lookup.MAX_PER_PAGE each; when
        both are sent, the smaller: never more than either asked for)."""
        sizes = [self.integer(k, default, 1, lookup.MAX_PER_PAGE)
                 for k in ("per_page", "limit") if k in request.args]
        return min(sizes, default=default)

    def text(self, name: str, max_length: int) -> str | None:
        raw = self._raw(name)
        if raw is None:
            return None
        if len(raw) > max_length:
            self.errors.append({"name": name, "reason": f"dài quá {max_length} ký tự"})
            return None
        # Control characters (NUL …) cannot match any stored value; drop them.
        return " ".join(vn.storable_text(raw).split()) or None

    def choice(self, name: str, choices: tuple[str, ...]) -> str | None:
        raw = self._raw(name)
        if raw is None:
            return None
        if raw not in choices:
            self.errors.append({"name": name, "reason": "phải là một trong: " + ", ".join(choices)})
            return None
        return raw

    def date(self, name: str) -> dt.date | None:
        raw = self._raw(name)
        if raw is None:
            return None
        try:
            return iso_day(raw)
        except ValueError as err:
            self.errors.append({"name": name, "reason": iso_day_reason(err)})
            return None

    def commune(self) -> str | None:
        """``commune``: a commune's code (checked by _narrow_to_commune once the rest is valid)."""
        return self.text("commune", 20)

    def check(self) -> None:
        if self.errors:
            names = ", ".join(e["name"] for e in self.errors)
            raise ApiProblem(422, f"Tham số không hợp lệ: {names}.", errors=self.errors)


def _list_params(with_state: bool) -> tuple[lookup.Filters, str | None, int]:
    p = Params()
    if "page" in request.args:
        # page numbers gave way to cursors: a number read by OFFSET costs more the deeper it goes
        p.errors.append({"name": "page", "reason": "không còn dùng: trang sau đọc bằng cursor "
                                                   "(meta.next_cursor hoặc liên kết next)"})
    cursor = p.text("cursor", lookup.MAX_CURSOR)
    per_page = p.page_size()
    category = p.choice("category", lookup.CATEGORIES)
    if category is not None and not _poverty():
        p.errors.append({"name": "category", "reason": POVERTY_FILTER_REFUSAL})
    f = lookup.Filters(
        q=p.text("q", 100), hamlet=p.text("hamlet", 80), category=category,
        state=p.choice("state", STATES) if with_state else None, personal=not _masked(),
    )
    code = p.commune()
    p.check()
    _narrow_to_commune(code)
    return f, cursor, per_page


def _narrow_to_commune(code: str | None) -> None:
    """A province token's list narrowed to the commune ``code``; a commune token may name only its
    own commune (every other is unknown to it). 404 for a code the token cannot see, as for a
    record that does not exist."""
    if code is None:
        return
    session = db_session()
    try:
        found = communes.by_code(session, code)
    except NotFound:
        found = None  # by_code's message names the codes there are: not for a commune's token
    user: User = g.api_user
    if found is None or (user.commune_id is not None and found.id != user.commune_id):
        raise ApiProblem(404, f"Không có xã mã «{code}».")
    if user.commune_id is None:
        set_commune(session, found.id)


def _paged(page: Page, items: list[dict[str, Any]], first: bool) -> Response:
    """{"items": [...], "meta": {per_page, next_cursor, next, total, total_capped}} with an RFC 8288
    Link header (first; next while there are more). ``total`` (capped at COUNT_CAP, then
    ``total_capped``) on the first page only (``first``): the pages after it are not counted again."""
    args = {k: v for k, v in request.args.items() if k != "cursor"}
    first_url = f"{request.base_url}?{urlencode(args)}" if args else request.base_url
    next_url = f"{request.base_url}?{urlencode(dict(args, cursor=page.next_cursor))}" if page.next_cursor else None
    resp = jsonify({"items": items, "meta": {
        "per_page": page.per_page, "next_cursor": page.next_cursor, "next": next_url,
        "total": page.total if first else None, "total_capped": page.total_capped if first else None}})
    links = [f'<{first_url}>; rel="first"'] + ([f'<{next_url}>; rel="next"'] if next_url else [])
    resp.headers["Link"] = ", ".join(links)
    return resp


# ----------------------------------------------------------------------------- representations

def _masked() -> bool:
    """IDs and phones are masked for every role but those scope.sees_personal_data names (the commune's
    clerk and approver), as on their pages."""
    return not sees_personal_data(g.api_user.role)


def _poverty() -> bool:
    """True when the token's role sees households' poverty status (scope.sees_poverty_status);
    otherwise the category, list, decision, yearly statuses, status in force and priority tier are
    null, as «(ẩn)» on that role's pages."""
    return sees_poverty_status(g.api_user.role)


def _commune_code(commune_id: int | None) -> str | None:
    cache: dict[int, str] = g.setdefault("api_commune_codes", {})
    if commune_id is None:
        return None
    if commune_id not in cache:
        cache[commune_id] = db_session().scalar(select(Commune.code).where(Commune.id == commune_id))
    return cache[commune_id]


def _standings(households: list[Household]) -> dict[int, Standing]:
    """The households' poverty status in force for the current year (households.standings_now),
    withheld for a role that does not see it (:func:`_poverty`)."""
    return households_svc.standings_now(db_session(), households, shown=_poverty())


def standing_json(st: Standing) -> dict[str, Any] | None:
    """The ``status_in_force`` object (openapi.json StatusInForce); None when withheld."""
    if st.hidden:
        return None
    return {"year": st.year, "status": st.status, "label": st.text, "list_year": st.list_year,
            "last_category": st.last_category, "last_list_year": st.last_year}


#: A Household's fields that are null for a role that does not see poverty status, besides
#: ``status_in_force`` (openapi.json says so under each).
WITHHELD_HOUSEHOLD_FIELDS = ("category", "list_year", "decision_number", "decision_date")


def household_json(h: Household, standing: Standing | None = None) -> dict[str, Any]:
    """A household as openapi.json's Household (without people and statuses); ``standing``: its
    status in force (read here when not given)."""
    standing = standing or _standings([h])[h.id]
    masked = _masked()
    poverty = _poverty()
    return {
        "id": h.id, "commune": _commune_code(h.commune_id), "code": h.code, "head_name": h.head_name,
        "head_birth_year": h.head_birth_year, "head_gender": h.head_gender,
        "citizen_id": vn.mask_id(h.citizen_id) if masked and h.citizen_id else h.citizen_id,
        "citizen_id_kind": h.citizen_id_kind, "hamlet": h.hamlet, "address": h.address, "members": h.members,
        "phone": vn.mask_phone(h.phone) if masked and h.phone else h.phone,
        **({"category": h.category, "list_year": h.list_year, "decision_number": h.decision_number,
            "decision_date": _iso(h.decision_date)} if poverty else dict.fromkeys(WITHHELD_HOUSEHOLD_FIELDS)),
        "meritorious": bool(h.meritorious),
        "social_policy": bool(h.social_policy), "prior_device": h.prior_device, "archived": bool(h.archived),
        "created_at": _iso(h.created_at), "updated_at": _iso(h.updated_at),
        "status_in_force": standing_json(standing),
    }


def application_json(a: Application, standing: Standing | None = None) -> dict[str, Any]:
    """An application as openapi.json's Application; ``standing``: its household's status in
    force (read here when not given)."""
    h = a.household
    standing = standing or _standings([h])[h.id]
    return {
        "id": a.id, "commune": _commune_code(a.commune_id), "tracking_code": a.tracking_code,
        "programme": a.programme,
        "household": {"id": h.id, "code": h.code, "head_name": h.head_name, "hamlet": h.hamlet,
                      "category": h.category if _poverty() else None, "status_in_force": standing_json(standing)},
        "received_on": _iso(a.received_on), "support_form": a.support_form,
        "purchase_date": _iso(a.purchase_date), "state": a.state, "state_label": STATE_LABELS.get(a.state, a.state),
        "state_changed_at": _iso(a.state_changed_at),
        "priority_tier": a.priority_tier if _poverty() else None,  # P3/P4 tell poor from near-poor
        "proposal_list_id": a.proposal_list_id, "created_at": _iso(a.created_at),
    }


def event_json(e: ApplicationEvent) -> dict[str, Any]:
    return {"from_state": e.from_state, "to_state": e.to_state, "at": _iso(e.at), "reason": e.reason}


def _audit_read(action: str, entity_type: str, entity_id: int | None, note: str | None = None) -> None:
    user: User = g.api_user
    audit.record(db_session(), user, action, entity_type, entity_id, note=note)


# ----------------------------------------------------------------------------- routes

@bp.route("/openapi.json")
@public_view
def openapi() -> Response:
    """The OpenAPI 3.1 document, served as shipped."""
    return Response(OPENAPI_FILE.read_bytes(), mimetype="application/json")


def _counts() -> Any:
    p = Params()
    as_of = p.date("date")
    p.check()
    try:
        rc = radio.counts_for(db_session(), as_of, communes.hamlet_names(db_session(), g.api_user.commune_id))
    except ServiceError as err:
        raise ApiProblem(422, str(err), errors=[{"name": "date", "reason": str(err)}]) from None
    db_session().commit()  # last_used_at of the token
    return rc


@bp.route("/counts")
@token_required(*COUNTS_ROLES)
def counts() -> Response:
    """The radio counts (the tally's numbers) at the end of ``date`` (default today, local)."""
    return jsonify(radio.as_dict(_counts()))


@bp.route("/counts.csv")
@token_required(*COUNTS_ROLES)
def counts_csv() -> Response:
    rc = _counts()
    return Response(radio.as_csv(rc).encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="so-lieu-{rc.as_of.isoformat()}.csv"'})


def _listing(entity_type: str, lister: Callable[..., Page], to_json: Callable[[Any, Standing], dict[str, Any]],
             household_of: Callable[[Any], Household], with_state: bool) -> Response:
    """A list endpoint: parse the filters (422 naming each bad one), read the page, audit which
    ids were shown (``api.<entity_type>.list``), commit, answer with _paged."""
    f, cursor, per_page = _list_params(with_state)
    try:
        page = lister(db_session(), f, cursor, per_page)
    except BadCursor:
        # a cursor names a page as an id names a record: one this list never gave out is not found
        raise ApiProblem(404, "Không có trang ứng với cursor này: đọc lại từ trang đầu (không gửi cursor) "
                              "rồi đi tiếp theo meta.next_cursor đã nhận.")
    _audit_read(f"api.{entity_type}.list", entity_type, None,
                note="ids=" + ",".join(str(item.id) for item in page.items))
    standings = _standings(list({household_of(item) for item in page.items}))
    items = [to_json(item, standings[household_of(item).id]) for item in page.items]
    db_session().commit()
    return _paged(page, items, first=cursor is None)


def _one(entity_type: str, entity_id: int, body: dict[str, Any]) -> Response:
    """A read endpoint: audit the read (``api.<entity_type>.read``), commit, answer ``body``
    (built before the commit, which expires the loaded objects)."""
    _audit_read(f"api.{entity_type}.read", entity_type, entity_id)
    db_session().commit()
    return jsonify(body)


@bp.route("/households")
@token_required(*READERS)
def households() -> Response:
    return _listing("household", lookup.list_households, household_json, lambda h: h, with_state=False)


@bp.route("/households/<int:household_id>")
@token_required(*READERS)
def household(household_id: int) -> Response:
    session = db_session()
    hh = lookup.get_household(session, household_id)
    body = household_json(hh)
    # Members' IDs follow the head's rule (scope.sees_personal_data).
    body.update(people_and_statuses_json(households_svc.members_of(session, [hh.id]).get(hh.id, []),
                                         households_svc.status_history(session, hh.id) if _poverty() else None,
                                         full_ids=sees_personal_data(g.api_user.role)))
    return _one("household", hh.id, body)


@bp.route("/applications")
@token_required(*READERS)
def applications() -> Response:
    return _listing("application", lookup.list_applications, application_json, lambda a: a.household,
                    with_state=True)


@bp.route("/applications/<int:application_id>")
@token_required(*READERS)
def application(application_id: int) -> Response:
    appl, events = lookup.get_application(db_session(), application_id)
    body = application_json(appl)
    body["evidence_note"] = appl.evidence_note
    body["note"] = appl.note
    body["events"] = [event_json(e) for e in events]
    # What a correction sends back as ``version`` (services.versions).
    body["version"] = versions.version(db_session(), "application", appl.id)
    return _one("application", appl.id, body)
