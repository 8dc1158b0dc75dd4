"""Tracking codes for generated bench data: deterministic, unique, and of the shape the app issues
(subsidy.domain.tracking: 10 characters of its alphabet), so that the status check finds them as it
finds a real household's code instead of refusing their shape."""
from __future__ import annotations

from subsidy.domain import tracking


def bench_code(prefix: str, n: int) -> str:
    """The ``n``-th code (n ≥ 0) of the series ``prefix`` (one character of tracking.ALPHABET):
    ``prefix`` then ``n`` written in base 31 with the alphabet's characters, 9 of them (up to
    31**9 ≈ 2.6 × 10**13 codes per series). Raises ValueError for another prefix or an ``n`` out
    of range."""
    alphabet, width = tracking.ALPHABET, tracking.LENGTH - 1
    if len(prefix) != 1 or prefix not in alphabet or not 0 <= n < len(alphabet) ** width:
        raise ValueError(f"bench code {prefix!r} {n}")
    digits = []
    for _ in range(width):
        n, d = divmod(n, len(alphabet))
        digits.append(alphabet[d])
    return prefix + "".join(reversed(digits))
