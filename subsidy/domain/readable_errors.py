"""Python's English error texts turned into Vietnamese sentences that say what is wrong and how to
fix it: a JSON syntax error (json.JSONDecodeError: "Expecting value: line 1 column 9 (char 8)"),
an operating-system error on a file (OSError: "[Errno 2] No such file or directory"), a file that
is not UTF-8 text (UnicodeDecodeError). Used by the rule-set upload and the CLI commands that read
or write a FILE. Pure Python (no Flask, no SQLAlchemy). Source: briefing, "UI in Vietnamese".
"""
from __future__ import annotations

import errno
import json
from pathlib import Path

# json.JSONDecodeError.msg (CPython's json.decoder / _json scanner) → (what is wrong, how to fix it).
_JSON_MESSAGES: dict[str, tuple[str, str]] = {
    "Expecting value": (
        "thiếu giá trị (hoặc có ký tự không phải JSON)",
        "mỗi tên trường cần một giá trị sau dấu hai chấm: số, chuỗi trong ngoặc kép \"…\", true/false, null, "
        "[…] hoặc {…}; xóa dấu phẩy thừa ở cuối danh sách nếu có"),
    "Expecting property name enclosed in double quotes": (
        "cần tên trường đặt trong ngoặc kép",
        "viết tên trường trong ngoặc kép thẳng \"…\" (không dùng ngoặc đơn hay ngoặc cong “…”) và xóa dấu "
        "phẩy thừa ngay trước dấu }"),
    "Expecting ',' delimiter": (
        "thiếu dấu phẩy giữa hai phần tử",
        "thêm dấu phẩy , giữa hai trường (hoặc hai phần tử của danh sách), hoặc đóng ngoặc cho đủ"),
    "Expecting ':' delimiter": (
        "thiếu dấu hai chấm sau tên trường",
        "viết \"tên\": giá trị, với dấu hai chấm : sau tên trường"),
    "Unterminated string starting at": (
        "chuỗi chưa có ngoặc kép đóng",
        "thêm ngoặc kép \" ở cuối chuỗi (một chuỗi không được xuống dòng)"),
    "Invalid control character at": (
        "có ký tự điều khiển (xuống dòng, tab) nằm trong chuỗi",
        "viết chuỗi trên một dòng; cần xuống dòng thì viết \\n"),
    "Invalid \\escape": (
        "dấu \\ không hợp lệ trong chuỗi",
        "viết \\\\ cho một dấu \\ (ví dụ trong đường dẫn), hoặc dùng dấu /"),
    "Invalid \\uXXXX escape": (
        "mã \\u không hợp lệ trong chuỗi",
        "sau \\u phải có đúng 4 chữ số hệ 16, hoặc gõ thẳng chữ tiếng Việt"),
    "Extra data": (
        "còn nội dung thừa sau khi đối tượng JSON đã đóng",
        "tệp chỉ chứa một đối tượng {…}: xóa phần thừa, hoặc xem lại dấu } đóng quá sớm"),
}

_EXCERPT = 60


def _excerpt(doc: str, pos: int) -> str:
    """The text of the line around ``pos`` (at most _EXCERPT characters, on one line)."""
    start = doc.rfind("\n", 0, pos) + 1
    end = doc.find("\n", pos)
    line = doc[start:end if end != -1 else len(doc)].rstrip("\r")
    col = pos - start
    if len(line) > _EXCERPT:
        left = max(0, min(col - _EXCERPT // 2, len(line) - _EXCERPT))
        line = ("…" if left else "") + line[left:left + _EXCERPT] + ("…" if left + _EXCERPT < len(line) else "")
    return line.strip()


def explain_json_error(err: json.JSONDecodeError) -> str:
    """A Vietnamese sentence for a JSON syntax error: where (dòng L, cột C, with the line's text)
    what is wrong and how to fix it. An empty document gives "Tệp trống …".

    >>> import json
    >>> try: json.loads('{"id": }')
    ... except json.JSONDecodeError as e: print(explain_json_error(e))  # doctest: +ELLIPSIS
    Tệp JSON sai ở dòng 1, cột 8 («{"id": }»): thiếu giá trị ...
    """
    if not (err.doc or "").strip():
        return "Tệp trống: không có nội dung JSON. Hãy chọn đúng tệp bộ quy tắc (một đối tượng {…})."
    what, how = _JSON_MESSAGES.get(err.msg, ("sai cú pháp JSON", "kiểm tra ngoặc, dấu phẩy và ngoặc kép quanh vị trí này"))
    near = _excerpt(err.doc, err.pos)
    where = f"dòng {err.lineno}, cột {err.colno}" + (f" («{near}»)" if near else "")
    return f"Tệp JSON sai ở {where}: {what}. Cách sửa: {how}."


def explain_unicode_error(err: UnicodeDecodeError) -> str:
    """A Vietnamese sentence for bytes that are not UTF-8 text."""
    return (f"Tệp không phải văn bản mã UTF-8 (byte lạ ở vị trí {err.start + 1}). Hãy mở tệp bằng trình soạn "
            "thảo và lưu lại với mã UTF-8.")


# errno → (what happened, what to do). Words chosen for a clerk or an operator, not a programmer.
_OS_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOENT: ("không tìm thấy tệp hoặc thư mục này", "kiểm tra lại tên tệp và đường dẫn thư mục"),
    errno.EACCES: ("không có quyền truy cập", "chọn tệp/thư mục mà tài khoản đang chạy lệnh được phép dùng"),
    errno.EPERM: ("không được phép thực hiện", "chọn tệp/thư mục mà tài khoản đang chạy lệnh được phép dùng"),
    errno.EISDIR: ("đây là một thư mục, không phải tệp", "ghi thêm tên tệp vào cuối đường dẫn"),
    errno.ENOTDIR: ("một phần của đường dẫn không phải thư mục", "kiểm tra lại đường dẫn"),
    errno.ENOSPC: ("ổ đĩa đã đầy", "giải phóng dung lượng hoặc ghi sang ổ khác"),
    errno.EROFS: ("ổ đĩa chỉ cho đọc", "ghi sang thư mục khác"),
    errno.ENAMETOOLONG: ("tên tệp quá dài", "đặt tên ngắn hơn"),
    errno.EEXIST: ("tệp đã có", "chọn tên khác"),
    errno.EMFILE: ("hệ thống đang mở quá nhiều tệp", "thử lại sau ít phút"),
    errno.EIO: ("lỗi đọc/ghi thiết bị", "kiểm tra ổ đĩa hoặc USB rồi thử lại"),
}


def explain_os_error(err: OSError, path: str | Path | None = None, *, writing: bool = False) -> str:
    """"không đọc được tệp «x.json»: không tìm thấy tệp hoặc thư mục này — kiểm tra lại tên tệp và
    đường dẫn thư mục." (``writing``: "không ghi được"). ``path`` defaults to the error's own
    filename. Never Python's English text (an unknown errno is named by its number)."""
    verb = "ghi" if writing else "đọc"
    name = path if path is not None else err.filename
    target = f"tệp «{name}»" if name is not None else "tệp"
    what, how = _OS_REASONS.get(err.errno or -1, (f"lỗi hệ điều hành (mã {err.errno})" if err.errno else
                                                  "lỗi hệ điều hành", "kiểm tra tệp và thử lại"))
    return f"không {verb} được {target}: {what} — {how}."
