"""The templates' number filters: money and counts both with dot thousands separators, "" for
nothing."""
from __future__ import annotations


def test_vn_count_and_vn_money(app):
    env = app.jinja_env
    assert env.from_string("{{ n | vn_count }} hộ").render(n=12345) == "12.345 hộ"
    assert env.from_string("{{ n | vn_count }}").render(n=None) == ""
    assert env.from_string("{{ n | vn_count }}").render(n=0) == "0"
    assert env.from_string("{{ n | vn_money }} đồng").render(n=500000) == "500.000 đồng"

