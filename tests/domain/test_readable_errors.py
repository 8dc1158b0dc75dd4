"""Python's English error texts (json, OSError, UnicodeDecodeError) as Vietnamese sentences."""
from __future__ import annotations

import errno
import json

import pytest

from subsidy.domain.readable_errors import explain_json_error, explain_os_error, explain_unicode_error


def _json_error(text: str) -> json.JSONDecodeError:
    with pytest.raises(json.JSONDecodeError) as info:
        json.loads(text)
    return info.value


@pytest.mark.parametrize("text, where, what", [
    ('{"id": }', "dòng 1, cột 8 («{\"id\": }»)", "thiếu giá trị"),
    ('{\n  "id": "tt14",\n  "version": 2,\n}', "dòng 4, cột 1 («}»)", "cần tên trường đặt trong ngoặc kép"),
    ('{"id": "tt14" "version": 2}', "dòng 1, cột 15", "thiếu dấu phẩy giữa hai phần tử"),
    ('{"id" "tt14"}', "dòng 1, cột 7", "thiếu dấu hai chấm"),
    ('{"title": "Thông tư 14\n"}', "dòng 1, cột 23", "có ký tự điều khiển"),
    ('{"a": 1}}', "dòng 1, cột 9", "còn nội dung thừa"),
    ("{'id': 1}", "dòng 1, cột 2 («{'id': 1}»)", "cần tên trường đặt trong ngoặc kép"),
])
def test_json_errors(text, where, what):
    msg = explain_json_error(_json_error(text))
    assert msg.startswith(f"Tệp JSON sai ở {where}")
    assert f"»): {what}" in msg
    assert "Cách sửa:" in msg
    assert "Expecting" not in msg and "line" not in msg


def test_empty_json_and_long_line_excerpt():
    assert explain_json_error(_json_error("  \n")).startswith("Tệp trống")
    long = '{"title": "' + "x" * 200 + '", "version": }'
    msg = explain_json_error(_json_error(long))
    near = msg.split("«", 1)[1].split("»", 1)[0]
    assert near.startswith("…") and near.endswith("}") and len(near) == 61  # "…" + 60 characters


def test_unicode_error():
    with pytest.raises(UnicodeDecodeError) as info:
        b'{"title": "Th\xf4ng t\xf0"}'.decode("utf-8")
    assert explain_unicode_error(info.value) == (
        "Tệp không phải văn bản mã UTF-8 (byte lạ ở vị trí 14). Hãy mở tệp bằng trình soạn thảo và lưu lại "
        "với mã UTF-8.")


def test_os_errors(tmp_path):
    with pytest.raises(OSError) as info:
        (tmp_path / "khong-co.json").read_text()
    assert explain_os_error(info.value, "khong-co.json") == (
        "không đọc được tệp «khong-co.json»: không tìm thấy tệp hoặc thư mục này — kiểm tra lại tên tệp và đường dẫn "
        "thư mục.")
    with pytest.raises(OSError) as info:
        (tmp_path / "no-dir" / "out.csv").write_text("x")
    msg = explain_os_error(info.value, writing=True)
    assert msg.startswith(f"không ghi được tệp «{tmp_path / 'no-dir' / 'out.csv'}»: không tìm thấy tệp hoặc thư mục này")
    with pytest.raises(OSError) as info:
        tmp_path.joinpath().read_bytes()
    assert explain_os_error(info.value, "thu-muc").startswith(
        "không đọc được tệp «thu-muc»: đây là một thư mục, không phải tệp")
    odd = OSError(errno.EXDEV, "Invalid cross-device link")
    assert explain_os_error(odd, "a") == (
        f"không đọc được tệp «a»: lỗi hệ điều hành (mã {errno.EXDEV}) — kiểm tra tệp và thử lại.")
