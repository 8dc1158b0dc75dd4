"""What makes a staff password too weak to accept (NIST SP 800-63B §5.1.1.2: a minimum length and
a check against passwords that are common, expected or derived from the context, rather than
composition rules alone).

:func:`weakness` returns the Vietnamese reason a password is refused, or None. Refused:

- fewer than :data:`MIN_LENGTH` or more than :data:`MAX_LENGTH` characters (:func:`length_problem`,
  which the forms check too, so the form and the service give the same reason);
- fewer than :data:`MIN_DISTINCT` different characters (``aaaaaaa1``);
- a run along the keyboard or the alphabet or digits (``1234567890``, ``qwertyuiop``);
- once accents, case, digits and symbols are set aside, a common password (``password1``) or a
  common Vietnamese one (``matkhau123``, ``anhyeuem``), the username, or the commune's name
  (``phutan2026``);
- only letters and not a passphrase: a passphrase is at least :data:`PASSPHRASE_WORDS` words
  (``lúa chín vàng đồng``) and may be letters only; otherwise mix in a digit or a symbol.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from subsidy.domain.vn import fold

MIN_LENGTH = 10
#: Longer is refused: hashing (scrypt) a very long password costs the server for nothing, and no one
#: types more than this. The sign-in form accepts at most this many characters too.
MAX_LENGTH = 256
MIN_DISTINCT = 5
PASSPHRASE_WORDS = 4
#: The rule as the password forms state it under the field.
POLICY_HINT = (f"Ít nhất {MIN_LENGTH} ký tự, hoặc một câu gồm {PASSPHRASE_WORDS} từ trở lên; không dùng tên đăng "
               "nhập, tên xã, tên ấp hay mật khẩu phổ biến (như matkhau123).")

#: Common passwords, folded to lowercase ASCII letters (digits and symbols are stripped before the
#: comparison, so "password1", "P@ssword2026" and "matkhau@123" all fall on an entry here).
COMMON = frozenset("""
password passw passwd pass admin administrator root user guest login welcome letmein iloveyou
qwerty qwertyuiop asdfgh asdfghjkl zxcvbnm abc abcd abcdef abcxyz monkey dragon master shadow
sunshine princess football baseball superman batman trustno secret changeme default test tester
matkhau matkhaumoi matkhaucuatoi doimatkhau quantri quantrivien admin canbo congchuc ubnd ubndxa
xa phuong huyen tinh vietnam anhyeuem emyeuanh yeuem yeuanh iloveu hanoi saigon hochiminh danang
hue cantho haiphong vnpt viettel mobifone vinaphone zalo facebook gmail hotmail yahoo
""".split())

_SEQUENCES = ("01234567890", "09876543210", "abcdefghijklmnopqrstuvwxyz", "zyxwvutsrqponmlkjihgfedcba",
              "qwertyuiop", "asdfghjkl", "zxcvbnm", "poiuytrewq", "lkjhgfdsa", "mnbvcxz",
              "1qaz2wsx3edc4rfv5tgb", "qazwsxedcrfvtgbyhnujmikolp")


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", fold(text).lower())


def length_problem(password: str) -> str | None:
    """The reason ``password``'s length is refused (a Vietnamese sentence giving the limit that is
    broken and what to do), or None when it has :data:`MIN_LENGTH` to :data:`MAX_LENGTH` characters."""
    if len(password) < MIN_LENGTH:
        return (f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự (hoặc là một câu gồm {PASSPHRASE_WORDS} từ trở lên, "
                "ví dụ «lúa chín vàng đồng 2026»).")
    if len(password) > MAX_LENGTH:
        return (f"Mật khẩu quá dài ({len(password)} ký tự): tối đa {MAX_LENGTH} ký tự; "
                "hãy chọn mật khẩu ngắn hơn.")
    return None


def weakness(password: str, username: str | None = None, context: Iterable[str] = ()) -> str | None:
    """The reason ``password`` is too weak (a Vietnamese sentence saying what to do), or None.

    ``username``: the account's; ``context``: other words anyone could guess (the commune's
    name, its hamlets), compared without accents, case, digits, symbols or spaces. The length
    rule first (:func:`length_problem`)."""
    too = length_problem(password)
    if too:
        return too
    if len(set(password.lower())) < MIN_DISTINCT:
        return "Mật khẩu lặp lại quá ít ký tự khác nhau (ví dụ «aaaaaaa1»); hãy chọn mật khẩu khác."
    flat = re.sub(r"\s+", "", fold(password).lower())
    if len(flat) >= 6 and any(flat in seq * 2 for seq in _SEQUENCES):
        return "Mật khẩu là một dãy phím hoặc dãy số liền nhau (ví dụ «1234567890», «qwertyuiop»); hãy chọn mật khẩu khác."
    letters = _letters(password)
    if letters in COMMON or letters.removesuffix("s") in COMMON:
        return "Mật khẩu quá phổ biến, dễ bị đoán (như «matkhau123», «password1»); hãy chọn mật khẩu khác."
    name = _letters(username or "")
    if len(name) >= 3 and (name in letters or letters in name):
        return "Mật khẩu không được chứa tên đăng nhập; hãy chọn mật khẩu khác."
    for word in context:
        w = _letters(word)
        bare = re.sub(r"^(xa|phuong|thitran|ap|thon|ban|to)", "", w)  # "xã Phú Tân" → "phutan"
        if len(bare) >= 4 and (bare in letters or (letters and letters in w)):
            return f"Mật khẩu không được dựa trên tên địa phương («{word}»), dễ bị đoán; hãy chọn mật khẩu khác."
    words = [w for w in re.split(r"[\s\-_.,]+", password) if w]
    if password.isalpha() or (letters and re.fullmatch(r"[^\W\d_]+", re.sub(r"[\s\-_.,]+", "", password))):
        if len(words) < PASSPHRASE_WORDS:
            return (f"Mật khẩu chỉ có chữ cái thì phải là một câu gồm {PASSPHRASE_WORDS} từ trở lên; nếu không, "
                    "hãy thêm chữ số hoặc ký hiệu.")
    return None


def local_names(config: Mapping[str, Any]) -> list[str]:
    """The names anyone could guess a password from, for :func:`weakness`'s ``context``: the
    commune's (COMMUNE_NAME, COMMUNE_PLACE) and its hamlets' (HAMLETS) from the app's config."""
    return [n for n in (config.get("COMMUNE_NAME"), config.get("COMMUNE_PLACE"), *config.get("HAMLETS", [])) if n]
