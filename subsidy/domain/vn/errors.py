"""The one error of the Vietnamese data conventions (subsidy.domain.vn)."""
from __future__ import annotations


class VnValueError(ValueError):
    """A value that breaks a Vietnamese data convention; the message is Vietnamese, for a clerk."""
