"""A sentence quoting a CCCD or CMND shows it masked (vn.mask_ids_in_text), other numbers stay."""
from __future__ import annotations

import pytest

from subsidy.domain import vn


@pytest.mark.parametrize("text, shown", [
    ("Số CCCD 082070123456 cho biết năm sinh 1970.", "Số CCCD ********3456 cho biết năm sinh 1970."),
    ("Số 123456789 là số CMND cũ 9 chữ số.", "Số *****6789 là số CMND cũ 9 chữ số."),
    ("Hai số 082070123456, 082170654321.", "Hai số ********3456, ********4321."),
    ("Mã hộ 8250419218 (10 chữ số) không phải CCCD; 0961234567890123 cũng không.",
     "Mã hộ 8250419218 (10 chữ số) không phải CCCD; 0961234567890123 cũng không."),
    ("", ""),
    (None, ""),
])
def test_ids_in_a_sentence_are_masked(text, shown):
    assert vn.mask_ids_in_text(text) == shown
