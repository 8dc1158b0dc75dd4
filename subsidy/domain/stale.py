"""What a save refused as stale says: someone else changed the record (or the list) after the page
was opened, what they changed, and how to go on. Pure: the services (services.versions) find the
changes and raise; this module only words them.

A form carries what its page showed (the record's version, or the applications a list held); a
save whose page is out of date is refused and nothing of it is written, so no one's change is
silently put back by an older page (a lost update).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from subsidy.domain.calendar import VN_TZ

#: How many of the changes made meanwhile the message names one by one (the rest are counted).
SHOWN_CHANGES = 3


@dataclass(frozen=True)
class ChangeSeen:
    """One change made after the page was opened: who (their name, or None for the system), when
    (aware), and the fields it changed, as the clerk reads them (labels)."""

    who: str | None
    at: dt.datetime
    fields: tuple[str, ...]


def _clock(at: dt.datetime) -> str:
    local = at.astimezone(VN_TZ) if at.tzinfo else at.replace(tzinfo=dt.timezone.utc).astimezone(VN_TZ)
    return local.strftime("%H:%M %d/%m/%Y")


def _one(change: ChangeSeen) -> str:
    who = change.who or "hệ thống"
    fields = ", ".join(f"«{f}»" for f in change.fields) or "thông tin khác"
    return f"{who} sửa {fields} lúc {_clock(change.at)}"


def record_changed_message(what: str, changes: Sequence[ChangeSeen], how: str) -> str:
    """The refusal of a save whose page is older than the record: ``what`` names the record
    («Hộ Nguyễn Văn A (mã HGD001)»), ``changes`` are the changes made since (oldest first, at
    least one), ``how`` says how to go on («Hãy mở lại trang sửa hộ …»)."""
    named = "; ".join(_one(c) for c in changes[:SHOWN_CHANGES])
    more = f" và {len(changes) - SHOWN_CHANGES} lần sửa khác" if len(changes) > SHOWN_CHANGES else ""
    return (f"Chưa lưu: {what} đã được người khác thay đổi sau khi bạn mở trang này ({named}{more}). "
            f"Để không ghi đè lên thay đổi đó, những gì bạn vừa gửi chưa được lưu. {how}")


def list_changed_message(number: str, added: Sequence[str], removed: Sequence[str], how: str) -> str:
    """The refusal of a list's approval when the applications on it are no longer those its page
    showed: ``added`` / ``removed`` name the applications (tracking code and household) that came
    onto it or left it since; ``how`` says how to go on."""
    parts = []
    if removed:
        parts.append(f"{len(removed)} hồ sơ đã ra khỏi danh sách ({'; '.join(removed)})")
    if added:
        parts.append(f"{len(added)} hồ sơ mới được đưa vào ({'; '.join(added)})")
    return (f"Chưa ghi phê duyệt: danh sách {number} đã thay đổi sau khi bạn mở trang này: {', '.join(parts)}. "
            f"Bản danh sách bạn đã xem (và bản in) không còn đúng. {how}")


def parse_shown_ids(text: str | None) -> tuple[int, ...] | None:
    """The ids a form's «shown» field carries ("12,15": the applications its page listed), or
    None when the field is missing or not of that shape (a page from before the field, or a
    tampered form)."""
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not all(p.isascii() and p.isdigit() and len(p) <= 10 for p in parts):
        return None
    return tuple(sorted(int(p) for p in parts))


def shown_ids_text(ids: Sequence[int]) -> str:
    """The «shown» field's value for the applications ``ids`` (sorted, comma-separated)."""
    return ",".join(str(i) for i in sorted(ids))
