"""The public address printed in QR codes: which ones a citizen's phone can open."""
from __future__ import annotations

import pytest

from subsidy.domain.public_address import public_address_problem

CASES = [
    # (address, a problem?, a word the message must hold)
    ("https://vtci.example.gov.vn", False, None),
    ("http://203.113.131.5:8000", False, None),
    ("", True, "Chưa đặt"),
    (None, True, "Chưa đặt"),
    ("http://127.0.0.1:5000", True, "chính máy chủ"),
    ("http://localhost:5000", True, "chính máy chủ"),
    ("http://[::1]:5000", True, "chính máy chủ"),
    ("http://may-chu.local", True, "chính máy chủ"),
    ("http://192.168.1.10:5000", True, "mạng nội bộ"),
    ("http://10.0.0.7", True, "mạng nội bộ"),
    ("http://172.20.3.4", True, "mạng nội bộ"),
    ("http://169.254.1.1", True, "mạng nội bộ"),
    ("vtci.example.gov.vn", True, "http"),
    ("ftp://vtci.example.gov.vn", True, "http"),
]


@pytest.mark.parametrize("url,problem,word", CASES)
def test_which_addresses_a_phone_can_open(url, problem, word):
    msg = public_address_problem(url)
    assert (msg is not None) == problem
    if word:
        assert word in msg
