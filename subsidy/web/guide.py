"""The user guide inside the app: the year's work from the import to the annual report, and one
page per screen, opened from that screen's «Hướng dẫn» link (base.html passes the screen's
blueprint). Every signed-in role reads it; the pictures are under subsidy/static/help/ (made by
tests/e2e/screens.py --help-images)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template

from subsidy.request_scope import roles_required

bp = Blueprint("help", __name__, url_prefix="/huong-dan")

#: Each screen's guide page: (blueprint it explains, page title). The order is the year's work.
TOPICS: dict[str, str] = {
    "imports": "Nhập danh sách hộ nghèo, cận nghèo",
    "households": "Hộ gia đình",
    "applications": "Nhận và kiểm tra hồ sơ",
    "lists": "Chỉ tiêu, danh sách chờ, danh sách đề nghị và phê duyệt",
    "handovers": "Bàn giao điện thoại, chi tiền",
    "receipts": "Biên bản và giấy biên nhận",
    "reports": "Báo cáo tháng và báo cáo năm",
    "complaints": "Khiếu nại, kiến nghị, tố cáo",
    "radio": "Số liệu cho Đài truyền thanh",
    "admin": "Tài khoản và nhật ký thao tác",
}
#: Screens whose guide is another's (a blueprint without a page of its own).
SAME_AS = {"exports": "lists", "rulesets": "applications", "main": None, "jobs": "applications"}


def topic_for(blueprint: str | None) -> str | None:
    """The guide page of the screen of ``blueprint`` (None: the guide's first page)."""
    if blueprint in TOPICS:
        return blueprint
    return SAME_AS.get(blueprint or "")


@bp.route("/")
@roles_required("clerk", "approver", "admin", "radio")
def index():
    return render_template("help/index.html", topics=TOPICS)


@bp.route("/<topic>")
@roles_required("clerk", "approver", "admin", "radio")
def show(topic: str):
    if topic not in TOPICS:
        abort(404)
    return render_template(f"help/{topic}.html", topics=TOPICS, topic=topic, title=TOPICS[topic])
