"""The range of a number of phones typed on an allocation (the province's from the ministry, a
commune's quota, a share of the province's to a commune): one home for the limit and its message."""
from __future__ import annotations

from subsidy.domain.vn.counts import format_count

#: The largest number of phones one allocation document may carry (a province receives tens of
#: thousands at most; a larger figure is a typing mistake).
MAX_PHONES = 100_000

#: What a clerk reads when the number is outside 1 … MAX_PHONES: «Số máy phải từ 1 đến 100.000.».
PHONES_RANGE_MESSAGE = (f"Số máy phải từ 1 đến {format_count(MAX_PHONES)}; hãy nhập đúng số máy ghi "
                        "trên văn bản phân bổ.")


def phones_error(quantity: object) -> str | None:
    """PHONES_RANGE_MESSAGE when ``quantity`` is not a whole number from 1 to MAX_PHONES
    (bool is not a number here), else None."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_PHONES:
        return PHONES_RANGE_MESSAGE
    return None
