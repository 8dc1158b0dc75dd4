"""The commune radio's counts as JSON, CSV and a ready-to-read Vietnamese paragraph.

The numbers are those of ``subsidy.services.tally.radio_counts`` (the tally's own SQL; no counting
here): this module only renders one RadioCounts, so the page, the downloads and the API cannot
disagree. Aggregates only, never a person (domain.md §8).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from sqlalchemy.orm import Session

from subsidy.domain.calendar import after_today_message, today_vn
from subsidy.services.errors import ServiceError
from subsidy.domain.reports import RadioCounts
from subsidy.domain.vn import format_count
from subsidy.services.tally import radio_counts

#: Dates the counts may be asked for (the API's ``date`` parameter, the page's ``ngay``).
FIRST_DATE = dt.date(2000, 1, 1)
#: The day the counts are taken at, as the radio page's field names it (and the refusals say).
AS_OF_LABEL = "Ngày tính số liệu"
#: How to fix a day after today: counts exist only for days that have come.
CHOOSE_A_DAY = "Số liệu chỉ có đến hôm nay: hãy chọn ngày hôm nay hoặc một ngày đã qua."

#: The fields of the JSON document, in order, with their Vietnamese titles (the CSV's rows).
FIELDS: tuple[tuple[str, str], ...] = (
    ("supported_total", "Số hộ đã được hỗ trợ (lũy kế)"),
    ("supported_handed_over", "trong đó: nhận điện thoại"),
    ("supported_paid", "trong đó: nhận tiền hỗ trợ"),
    ("supported_this_month", "Số hộ được hỗ trợ trong tháng"),
    ("waiting", "Số hộ đủ điều kiện đang chờ"),
    ("quota_allocated", "Số máy được phân bổ"),
    ("quota_used", "Số suất đã dùng"),
    ("quota_left", "Số suất còn lại"),
)

DEFAULT_HOW_TO_REGISTER = (
    "Hộ nghèo, hộ cận nghèo có tên trong danh sách năm nay, chưa nhận điện thoại thông minh hay máy "
    "tính bảng của chương trình, xin mời chủ hộ mang theo căn cước đến Bộ phận tiếp nhận và trả kết "
    "quả của Ủy ban nhân dân {commune} trong giờ hành chính để đăng ký. Hộ đã tự mua điện thoại thông "
    "minh từ ngày 12/12/2022 trở đi có thể đăng ký nhận hỗ trợ bằng tiền."
)


def counts_for(session: Session, as_of: dt.date | None, hamlets: list[str] | tuple[str, ...] = (),
               today: dt.date | None = None) -> RadioCounts:
    """The tally's radio counts at the end of the local day ``as_of`` (default: today, local).

    Raises ServiceError (Vietnamese, naming the allowed range) for a date before 2000-01-01 or
    after today: nothing can be counted for a day that has not come, and answering today's figures
    under a date a person typed would read as if they were that day's. A day after today is told
    by the one rule for such dates (domain.calendar.after_today_message), on the radio page and in
    the JSON API alike (its 422).
    """
    today = today or today_vn()
    as_of = as_of or today
    future = after_today_message(as_of, AS_OF_LABEL, today, fix=CHOOSE_A_DAY)
    if future:
        raise ServiceError(future)
    if as_of < FIRST_DATE:
        raise ServiceError(
            f"Ngày {as_of:%d/%m/%Y} không hợp lệ: chọn một ngày từ 01/01/2000 đến hôm nay ({today:%d/%m/%Y}).")
    return radio_counts(session, as_of, hamlets=list(hamlets))


def as_dict(rc: RadioCounts) -> dict[str, Any]:
    """The JSON document: {"as_of": "YYYY-MM-DD", "generated_at": ISO UTC, <FIELDS…>: int,
    "per_hamlet": [{"hamlet": str, "supported": int}]}."""
    doc: dict[str, Any] = {
        "as_of": rc.as_of.isoformat(),
        "generated_at": rc.generated_at.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z"),
    }
    for name, _title in FIELDS:
        doc[name] = int(getattr(rc, name))
    doc["per_hamlet"] = [{"hamlet": h, "supported": int(n)} for h, n in rc.per_hamlet]
    return doc


def as_csv(rc: RadioCounts) -> str:
    """CSV (starts with a UTF-8 BOM so Excel shows Vietnamese): a header row, the date, each
    figure of FIELDS, then one row per hamlet. Every text cell starts with fixed Vietnamese text
    ("Đã hỗ trợ - <hamlet>"), so no cell can start with = + - @ (no formula injection)."""
    out = io.StringIO()
    out.write("\ufeff")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["Chỉ số", "Giá trị"])
    w.writerow(["Tính đến ngày", rc.as_of.strftime("%d/%m/%Y")])
    for name, title in FIELDS:
        w.writerow([title, int(getattr(rc, name))])
    for hamlet, n in rc.per_hamlet:
        w.writerow([f"Đã hỗ trợ - {hamlet}", int(n)])
    return out.getvalue()


def announcement(rc: RadioCounts, commune: str, how_to_register: str = "") -> str:
    """The whole text to read out: the counts paragraph, then how to register (one string)."""
    return " ".join(announcement_parts(rc, commune, how_to_register))


def announcement_parts(rc: RadioCounts, commune: str, how_to_register: str = "") -> tuple[str, str]:
    """(counts paragraph, how to register): the paragraph the radio reads out, e.g. "Tính đến ngày 30/11/2026, toàn xã Phú Tân đã có
    35 hộ nghèo, hộ cận nghèo được hỗ trợ điện thoại thông minh …", ending with how to register
    (``how_to_register``, or DEFAULT_HOW_TO_REGISTER with the commune's name).

    ``commune``: e.g. "xã Phú Tân" (config COMMUNE_NAME). Numbers from ``rc`` only.
    Source: domain.md §8; Kế hoạch phát triển hạ tầng số xã Phú Tân (the radio informs households).
    """
    day = rc.as_of.strftime("%d/%m/%Y")
    month = rc.as_of.strftime("%m/%Y")
    parts = []
    if rc.supported_total:
        detail = []
        if rc.supported_handed_over:
            detail.append(f"{format_count(rc.supported_handed_over)} hộ nhận điện thoại")
        if rc.supported_paid:
            detail.append(f"{format_count(rc.supported_paid)} hộ nhận tiền hỗ trợ tự mua máy")
        parts.append(
            f"Tính đến ngày {day}, toàn {commune} đã có {format_count(rc.supported_total)} hộ nghèo, hộ cận nghèo "
            "được hỗ trợ điện thoại thông minh từ Chương trình cung cấp dịch vụ viễn thông công ích"
            + (f", gồm {' và '.join(detail)}" if detail else "") + ".")
    else:
        parts.append(f"Tính đến ngày {day}, toàn {commune} chưa có hộ nào nhận hỗ trợ điện thoại thông minh "
                     "từ Chương trình cung cấp dịch vụ viễn thông công ích.")
    if rc.supported_this_month:
        parts.append(f"Riêng trong tháng {month} có {format_count(rc.supported_this_month)} hộ được hỗ trợ.")
    elif rc.supported_total:
        parts.append(f"Trong tháng {month} chưa có thêm hộ nào được hỗ trợ.")
    with_support = [f"{h} {format_count(n)} hộ" for h, n in rc.per_hamlet if n]
    without = [h for h, n in rc.per_hamlet if not n]
    if with_support:
        sentence = "Theo từng ấp: " + ", ".join(with_support)
        if without:
            sentence += "; " + ", ".join(without) + " chưa có hộ nào"
        parts.append(sentence + ".")
    if rc.waiting:
        parts.append(f"Hiện còn {format_count(rc.waiting)} hộ đủ điều kiện đang chờ đến lượt.")
    if rc.quota_allocated:
        if rc.quota_left > 0:
            parts.append(f"Xã được phân bổ {format_count(rc.quota_allocated)} suất hỗ trợ, còn {format_count(rc.quota_left)} suất.")
        else:
            pending = rc.quota_used - rc.supported_total  # proposed or approved, not yet handed over/paid
            if pending > 0:
                parts.append(f"Xã được phân bổ {format_count(rc.quota_allocated)} suất hỗ trợ và đã xét chọn đủ số hộ; "
                             f"{format_count(pending)} hộ đã được chọn đang chờ nhận hỗ trợ. Các hộ đủ điều kiện khác sẽ "
                             "được xét khi có thêm suất.")
            else:
                parts.append(f"Xã được phân bổ {format_count(rc.quota_allocated)} suất hỗ trợ và đã dùng hết; "
                             "các hộ đủ điều kiện sẽ được xét khi có thêm suất.")
    how = (how_to_register or DEFAULT_HOW_TO_REGISTER).replace("{commune}", commune)
    return " ".join(parts), how
