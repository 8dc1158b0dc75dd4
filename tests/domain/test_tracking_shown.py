"""How a stored tracking code is shown everywhere (domain.tracking.shown, behind the ``tracking``
template filter, the receipt PDF and the receipts export)."""
from __future__ import annotations

import pytest

from subsidy.domain import tracking


@pytest.mark.parametrize("stored, shown", [
    ("K7QX9M4TAB", "K7QX-9M4T-AB"),      # a code of this shape: in groups of 4, 4, 2
    ("23456789AB", "2345-6789-AB"),
    ("K7QX9M4TA", "K7QX9M4TA"),          # one short: not a code of this shape, as stored
    ("K7QX9M4TA0", "K7QX9M4TA0"),        # 0 is not in the alphabet
    ("OLD-0001", "OLD-0001"),            # an older or imported code
    ("", ""), (None, "")])
def test_a_stored_code_as_shown(stored, shown):
    assert tracking.shown(stored) == shown
