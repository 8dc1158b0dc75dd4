"""The optional prior-device columns of a commune's list (domain.md §2, E2): whether the household
already received a programme tablet or a "Sóng và máy tính cho em" learning device, and when.

A list that has the column fills in what the clerk would otherwise record household by household;
an empty cell leaves the household's answer as it is ("not recorded" for a new household).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from subsidy.domain import vn
from subsidy.domain.calendar import after_today_message
from subsidy.domain.household_list.cells import blank, cell_text

#: Folded cell texts meaning "received nothing".
_NONE = frozenset({"khong", "chua", "chua nhan", "khong nhan", "chua co", "khong co", "chua nhan thiet bi",
                   "chua nhan thiet bi nao", "khong nhan thiet bi", "0"})
#: Folded fragments naming each device.
_TABLET = ("may tinh bang", "tablet", "vtci")
_LEARNING = ("song va may tinh", "thiet bi hoc tap", "laptop", "may tinh xach tay", "may tinh de ban", "may tinh")


def parse_prior_device(value: Any) -> str | None:
    """A prior-device cell as stored: "none", "vtci_tablet", "learning_device"; None for an empty
    cell. Raises vn.VnValueError for a bare mark ("x", "có": which device?) or anything else."""
    if value is None or blank(value):
        return None
    key = " ".join(vn.fold(cell_text(value)).replace(",", " ").split())
    if key in _NONE:
        return "none"
    if any(k in key for k in _TABLET):
        return "vtci_tablet"
    if any(k in key for k in _LEARNING):
        return "learning_device"
    raise vn.VnValueError(
        f"Cột thiết bị đã nhận ghi «{cell_text(value)}»: hãy ghi «Không» (chưa nhận), «Máy tính bảng» (VTCI) "
        "hoặc «Thiết bị học tập» (Sóng và máy tính cho em), hoặc để trống nếu chưa rõ.")


def parse_prior_device_date(value: Any, today: dt.date) -> dt.date | None:
    """The date a device was received (a date cell or dd/mm/yyyy text); None for an empty cell.
    Raises vn.VnValueError for an unreadable date or one after ``today`` (the one rule and message
    of domain.calendar.after_today_message)."""
    if value is None or blank(value):
        return None
    day = vn.parse_date(value)
    future = after_today_message(day, "Ngày nhận thiết bị", today)
    if future:
        raise vn.VnValueError(future)
    return day
