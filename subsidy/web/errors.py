"""Error pages in Vietnamese (HTML), or problem details for /api/ paths."""
from __future__ import annotations

import math
import time
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, jsonify, make_response, redirect, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as PageNotFound
from werkzeug.routing import RequestRedirect

from subsidy.request_scope import RoleRefused
from subsidy.web.urls import safe_next

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Dữ liệu gửi lên không đúng. Hãy quay lại, kiểm tra và gửi lại."),
    403: ("Không có quyền", "Tài khoản của bạn không được phép xem trang này. Nếu cần, hãy nhờ quản trị cấp quyền."),
    404: ("Không tìm thấy", "Trang hoặc hồ sơ này không có. Hãy kiểm tra lại đường dẫn."),
    405: ("Không được phép", "Thao tác này không được thực hiện theo cách đó."),
    413: ("Tệp quá lớn", "Tệp tải lên vượt quá giới hạn cho phép. Hãy chia nhỏ tệp rồi tải lại."),
    429: ("Quá nhiều lần thử", "Bạn đã thử quá nhiều lần. Hãy chờ một lát rồi thử lại."),
    500: ("Lỗi hệ thống", "Có lỗi xảy ra, dữ liệu chưa được lưu. Hãy thử lại hoặc báo cho quản trị."),
}


def retry_after_seconds(err: HTTPException | None = None) -> int | None:
    """Seconds until the rate limit this request broke resets, at least 1 (sent as Retry-After,
    RFC 9110 §10.2.3, and said in the page); None outside a limited request. A 429 raised with
    its own ``retry_after`` (the status check's limits, web/status_limits.py) says it itself;
    otherwise Flask-Limiter's current limit is asked."""
    from subsidy.extensions import limiter

    own = getattr(err, "retry_after", None)
    if isinstance(own, int):
        return max(1, own)
    try:
        lim = limiter.current_limit
        return max(1, int(lim.reset_at - time.time())) if lim is not None else None
    except Exception:  # noqa: BLE001 - storage unreachable: the generic sentence is enough
        return None


def wait_sentence(seconds: int | None) -> str:
    """ "Bạn đã thử quá nhiều lần. Hãy chờ khoảng 42 giây rồi thử lại." — seconds below 2 minutes,
    minutes below 2 hours, hours below 20 hours; from 20 hours on (the status check's daily limit
    per tracking code) "ngày mai", with the commune office as the way to get an answer sooner."""
    if seconds is None:
        return MESSAGES[429][1]
    if seconds >= 20 * 3600:
        return ("Mã tra cứu này đã được thử quá nhiều lần trong ngày. Hãy thử lại vào ngày mai, hoặc mời "
                "chủ hộ mang phiếu tiếp nhận hồ sơ đến Bộ phận tiếp nhận và trả kết quả của Ủy ban nhân dân "
                "xã để hỏi trực tiếp.")
    if seconds < 120:
        wait = f"{seconds} giây"
    elif seconds < 2 * 3600:
        wait = f"{math.ceil(seconds / 60)} phút"
    else:
        wait = f"{math.ceil(seconds / 3600)} giờ"
    return f"Bạn đã thử quá nhiều lần. Hãy chờ khoảng {wait} rồi thử lại."


#: Said when an address that only a button may send (a POST action) is opened or reloaded.
ACTION_BY_BUTTON = ("Địa chỉ này là một thao tác, chỉ thực hiện được bằng nút trên trang của nó, không mở trực tiếp "
                    "(ví dụ khi tải lại trang). Chưa có gì thay đổi. Nếu vẫn cần làm, hãy bấm lại nút trên trang.")


def owning_page(path: str) -> str | None:
    """The nearest page above ``path`` that answers GET: ``/danh-sach/7`` for
    ``/danh-sach/7/trinh``, ``/danh-sach`` for ``/danh-sach/phan-bo``; None when only the home
    page is above it. Used when a POST-only action's address is opened with GET."""
    adapter = current_app.url_map.bind("localhost")
    parts = path.rstrip("/").split("/")
    while len(parts) > 2:
        parts.pop()
        parent = "/".join(parts)
        try:
            adapter.match(parent, method="GET")
        except RequestRedirect as moved:  # the section's list is at "/danh-sach/"
            return urlsplit(moved.new_url).path
        except HTTPException:  # no page there (404), or not one for GET (405)
            continue
        return parent
    return None


def action_by_button(err: HTTPException) -> Any:
    """GET (a reload, a bookmark) on an address that only accepts POST: back to the page the
    action belongs to with ACTION_BY_BUTTON said there (303), or, with no such page, a 405 page
    saying it and linking to the page the browser came from."""
    target = owning_page(request.path)
    if target is not None:
        flash(ACTION_BY_BUTTON, "warning")
        return redirect(target, code=303)
    back = safe_next(request.referrer and _path_of(request.referrer), "")
    resp = make_response(render_template("errors/error.html", code=405, title=MESSAGES[405][0],
                                         detail=ACTION_BY_BUTTON, back=back), 405)
    for name, value in err.get_headers():
        if name.lower() == "allow":
            resp.headers[name] = value
    return resp


def problem_json(status: int, title: str, detail: str, **extensions: Any) -> Response:
    """An RFC 9457 problem details answer (application/problem+json: type, title, status, detail and
    ``extensions`` such as ``errors``), the body the JSON API answers with, for a web route whose
    client asked for JSON (/api/ paths, a .json download)."""
    resp = jsonify({"type": "about:blank", "title": title, "status": status, "detail": detail, **extensions})
    resp.status_code = status
    resp.mimetype = "application/problem+json"
    return resp


def _path_of(url: str) -> str:
    """The path and query of ``url`` on this site (a Referer is absolute)."""
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def init_app(app: Flask) -> None:
    from subsidy.domain.scope import CommuneRequired
    from subsidy.services.errors import NotFound

    @app.errorhandler(CommuneRequired)
    def commune_required(err: CommuneRequired) -> Any:
        """Work that belongs to one commune, asked by an account of none (admin) on an instance of
        several: say so instead of guessing a commune."""
        detail = ("Việc này thuộc về một xã, nhưng tài khoản của bạn không thuộc xã nào và hệ thống có nhiều xã. "
                  "Hãy để công chức của xã làm việc này.")
        if request.path.startswith("/api/"):
            return problem_json(400, "Yêu cầu không hợp lệ", detail)
        return make_response(render_template("errors/error.html", code=400, title="Cần chọn xã", detail=detail), 400)

    @app.errorhandler(NotFound)
    def record_not_found(err: NotFound) -> Any:
        """A record a service does not find (or this account may not see) is the page's 404, as
        any id of another commune; the JSON API answers its own (api.v1)."""
        return http_error(PageNotFound())

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Any:
        code = err.code or 500
        if code == 405 and request.method in ("GET", "HEAD") and not request.path.startswith("/api/"):
            return action_by_button(err)
        title, detail = MESSAGES.get(code, (err.name, err.description or ""))
        if isinstance(err, RoleRefused):
            detail = err.detail
        retry_after = None
        if code == 429:
            retry_after = retry_after_seconds(err)
            detail = wait_sentence(retry_after)
        if code == 400 and "CSRF" in (err.description or ""):
            detail = "Trang này đã mở quá lâu hoặc được gửi từ một trang cũ nên không được nhận. Hãy tải lại trang rồi gửi lại."
        if request.path.startswith("/api/"):
            resp = problem_json(code, title, detail)
            for name, value in err.get_headers():  # keep Allow (405), …
                if name.lower() != "content-type":
                    resp.headers[name] = value
        else:
            resp = make_response(render_template("errors/error.html", code=code, title=title, detail=detail), code)
        if retry_after is not None:
            resp.headers["Retry-After"] = str(retry_after)
        return resp
