"""The password policy (subsidy.domain.passwords.weakness): the probe's accepted passwords and the
common Vietnamese patterns are refused; long or passphrase passwords pass."""
from __future__ import annotations

import pytest

from subsidy.domain.passwords import local_names, weakness

PLACES = ["xã Phú Tân", "Phú Tân", "Ấp Phú Hòa"]


@pytest.mark.parametrize("password, reason", [
    ("password1", "ít nhất 10 ký tự"),          # accepted before: the probe
    ("aaaaaaa1", "ít nhất 10 ký tự"),           # accepted before: the probe
    ("aaaaaaaaa1", "ít ký tự khác nhau"),
    ("matkhau123", "quá phổ biến"),
    ("MatKhau@2026", "quá phổ biến"),
    ("mật khẩu 123", "quá phổ biến"),
    ("password2026", "quá phổ biến"),
    ("anhyeuem1990", "quá phổ biến"),
    ("1234567890", "dãy phím"),
    ("qwertyuiop", "dãy phím"),
    ("0987654321", "dãy phím"),
    ("nguyenvan2026", "tên đăng nhập"),
    ("PhuTan@2026", "tên địa phương"),
    ("xaphutan123", "tên địa phương"),
    ("phuhoa-12345", "tên địa phương"),
    ("congchucxa", "câu gồm 4 từ"),
    ("concocuoiruong", "câu gồm 4 từ"),
])
def test_weak_passwords_are_refused(password, reason):
    assert reason in (weakness(password, "nguyenvan", PLACES) or "accepted")


@pytest.mark.parametrize("password", ["Lua-chin-vang-2026", "trâu cày ruộng sâu", "hoacuc7-nang", "Bến Tre 1975 xanh"])
def test_strong_passwords_pass(password):
    assert weakness(password, "nguyenvan", PLACES) is None


def test_length_is_bounded_on_both_sides_with_the_limit_that_was_broken():
    long_ok = "Lua-chin-vang-2026 " * 13 + "x" * 9    # 19 * 13 + 9 = 256 characters
    assert len(long_ok) == 256 and weakness(long_ok, "nguyenvan", PLACES) is None
    too_long = long_ok + "y"
    reason = weakness(too_long, "nguyenvan", PLACES)
    assert reason == "Mật khẩu quá dài (257 ký tự): tối đa 256 ký tự; hãy chọn mật khẩu ngắn hơn."
    assert "ít nhất" not in reason
    assert "quá dài (500 ký tự)" in weakness("Ab1-" * 125)
    assert "ít nhất 10 ký tự" in weakness("Ab1-x")


def test_local_names_come_from_the_config():
    config = {"COMMUNE_NAME": "xã Phú Tân", "COMMUNE_PLACE": "Phú Tân", "HAMLETS": ["Ấp Phú Hòa", "Ấp Phú Xuân"]}
    assert local_names(config) == ["xã Phú Tân", "Phú Tân", "Ấp Phú Hòa", "Ấp Phú Xuân"]
