"""The user guide inside the app: the year's work from the import to the annual report, and one
page per screen, opened from that screen's «Hướng dẫn» link (base.html passes the screen's
blueprint). Every signed-in role reads it; the province's roles are offered the pages of the
screens their menu opens (the province page first), the commune's roles every page but the
province's. The pictures are under subsidy/static/help/ (made by tests/e2e/screens.py --help-images)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from subsidy.domain.scope import PROVINCE_ROLES
from subsidy.request_scope import roles_required
from subsidy.web.menu import menu_for

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
    "province": "Cấp tỉnh: chỉ tiêu, chia máy cho xã, phê duyệt",
}
#: Every signed-in role.
READERS = ("clerk", "approver", "admin", "radio", "province_officer", "province_approver")
#: Screens whose guide is another's (a blueprint without a page of its own).
SAME_AS = {"exports": "lists", "rulesets": "applications", "main": None, "jobs": "applications"}


def topic_for(blueprint: str | None) -> str | None:
    """The guide page of the screen of ``blueprint`` (None: the guide's first page)."""
    if blueprint in TOPICS:
        return blueprint
    return SAME_AS.get(blueprint or "")


def topics_for(role: str | None) -> dict[str, str]:
    """The guide pages offered to ``role``: for the province's roles, the province's page then
    those of the screens their menu opens (menu.menu_for); for the others every page but the
    province's. Any page still opens by its address."""
    if role in PROVINCE_ROLES:
        opened = {entry.endpoint.split(".")[0] for entry in menu_for(role)}
        return {"province": TOPICS["province"], **{k: v for k, v in TOPICS.items() if k in opened}}
    return {k: v for k, v in TOPICS.items() if k != "province"}


@bp.route("/")
@roles_required(*READERS)
def index():
    return render_template("help/index.html", topics=topics_for(current_user.role),
                           province=current_user.role in PROVINCE_ROLES)


@bp.route("/<topic>")
@roles_required(*READERS)
def show(topic: str):
    if topic not in TOPICS:
        abort(404)
    return render_template(f"help/{topic}.html", topics=topics_for(current_user.role), topic=topic,
                           title=TOPICS[topic])
