"""Error pages in Vietnamese (HTML), or problem details for /api/ paths."""
from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Dữ liệu gửi lên không đúng. Hãy quay lại, kiểm tra và gửi lại."),
    403: ("Không có quyền", "Tài khoản của bạn không được phép xem trang này. Nếu cần, hãy nhờ quản trị cấp quyền."),
    404: ("Không tìm thấy", "Trang hoặc hồ sơ này không có. Hãy kiểm tra lại đường dẫn."),
    405: ("Không được phép", "Thao tác này không được thực hiện theo cách đó."),
    413: ("Tệp quá lớn", "Tệp tải lên vượt quá giới hạn cho phép. Hãy chia nhỏ tệp rồi tải lại."),
    429: ("Quá nhiều lần thử", "Bạn đã thử quá nhiều lần. Hãy chờ một phút rồi thử lại."),
    500: ("Lỗi hệ thống", "Có lỗi xảy ra, dữ liệu chưa được lưu. Hãy thử lại hoặc báo cho quản trị."),
}


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Any:
        code = err.code or 500
        title, detail = MESSAGES.get(code, (err.name, err.description or ""))
        if code == 400 and "CSRF" in (err.description or ""):
            detail = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (CSRF). Hãy tải lại trang rồi gửi lại."
        if request.path.startswith("/api/"):
            resp = jsonify({"type": "about:blank", "title": title, "status": code, "detail": detail})
            resp.status_code = code
            resp.mimetype = "application/problem+json"
            for name, value in err.get_headers():  # keep Allow (405), Retry-After (429), …
                if name.lower() != "content-type":
                    resp.headers[name] = value
            return resp
        return render_template("errors/error.html", code=code, title=title, detail=detail), code
