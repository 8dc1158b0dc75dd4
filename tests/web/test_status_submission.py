"""forms.public.accepted_submission reads the status check's POST without building StatusForm:
for every input it must accept exactly what the form accepts, with the same code and second
fact, and give None whenever the form would show a message (or reads a body it does not)."""
from __future__ import annotations

import io
import json

import pytest

from forms.public import FACT_MAX_LENGTH, StatusForm, accepted_submission

PHONE_31 = "+84 912 345 678" + " " * 16  # parses as a phone, but one character over the box's limit

CASES = [
    ({"ma": "K7QX9M4TAB", "so": "5678"}, ("K7QX9M4TAB", "id4", "5678")),
    ({"ma": " k7qx-9m4t-ab ", "so": " 5 6 7 8 "}, ("K7QX9M4TAB", "id4", "5678")),
    ({"ma": "ｋ７ｑｘ.９ｍ４ｔ.ａｂ", "so": "５６７８"}, ("K7QX9M4TAB", "id4", "5678")),
    ({"ma": "K7QX9M4TAB", "so": "0912 345 678"}, ("K7QX9M4TAB", "phone", "0912345678")),
    ({"ma": "K7QX9M4TAB", "so": "+84 912 345 678"}, ("K7QX9M4TAB", "phone", "0912345678")),
    ({"ma": "K7QX9M4TAB", "so": PHONE_31[:FACT_MAX_LENGTH]}, ("K7QX9M4TAB", "phone", "0912345678")),
    ({"ma": "ABCD", "so": "0000"}, ("ABCD", "id4", "0000")),
    ({"ma": "A" * 32, "so": "1234"}, ("A" * 32, "id4", "1234")),
    ({"ma": "K7QX9M4TAB", "so": PHONE_31}, None),
    ({"ma": "A" * 33, "so": "1234"}, None),
    ({"ma": "ABC", "so": "1234"}, None),
    ({"ma": "K7QX_9M4TAB", "so": "1234"}, None),
    ({"ma": "<script>", "so": "5678"}, None),
    ({"ma": "", "so": "5678"}, None),
    ({"ma": "   ", "so": "5678"}, None),
    ({"so": "5678"}, None),
    ({"ma": "K7QX9M4TAB"}, None),
    ({"ma": "K7QX9M4TAB", "so": ""}, None),
    ({"ma": "K7QX9M4TAB", "so": "    "}, None),
    ({"ma": "K7QX9M4TAB", "so": "567"}, None),
    ({"ma": "K7QX9M4TAB", "so": "56789"}, None),
    ({"ma": "K7QX9M4TAB", "so": "abcd"}, None),
    ({"ma": "K7QX9M4TAB", "so": "0212345678"}, None),
    ({}, None),
]


def _form_answer() -> tuple[str, str, str] | None:
    form = StatusForm()
    if not form.validate_on_submit():
        return None
    assert form.ma.read_value == form.ma.data  # the code the lookup takes is the one the page shows
    return form.submission()


@pytest.mark.parametrize(("data", "expected"), CASES)
def test_accepts_exactly_what_the_form_accepts(app, data, expected):
    with app.test_request_context("/tra-cuu", method="POST", data=data):
        assert _form_answer() == expected
        assert accepted_submission() == expected


def test_a_body_the_form_reads_otherwise_is_left_to_the_form(app):
    body = {"ma": "K7QX9M4TAB", "so": "5678"}
    # Flask-WTF reads a JSON body too: the form decides.
    with app.test_request_context("/tra-cuu", method="POST", data=json.dumps(body), content_type="application/json"):
        assert accepted_submission() is None
        assert _form_answer() == ("K7QX9M4TAB", "id4", "5678")
    # With a file, the form reads files and fields together: the form decides.
    with app.test_request_context("/tra-cuu", method="POST",
                                  data={**body, "tep": (io.BytesIO(b"x"), "x.txt")}):
        assert accepted_submission() is None
        assert _form_answer() == ("K7QX9M4TAB", "id4", "5678")


def test_the_form_says_what_is_wrong_in_each_box(app):
    with app.test_request_context("/tra-cuu", method="POST", data={"ma": "K7Q_X", "so": ""}):
        form = StatusForm()
        assert not form.validate_on_submit()
        assert form.errors == {
            "ma": ["Mã vừa nhập có ký tự không phải chữ hoặc số: «_». Mã tra cứu gồm 10 ký tự, là chữ in hoa và "
                   "chữ số, như in trên phiếu tiếp nhận hồ sơ (ví dụ K7QX-9M4T-AB; không cần gõ dấu gạch ngang)."],
            "so": ["Hãy nhập 4 số cuối CCCD hoặc số điện thoại."]}
    with app.test_request_context("/tra-cuu", method="POST", data={"ma": " ", "so": "12345"}):
        form = StatusForm()
        assert not form.validate_on_submit()
        assert form.errors["ma"] == ["Hãy nhập mã tra cứu."]
        assert form.errors["so"] == [
            "Hãy nhập 4 số cuối căn cước (CCCD) của chủ hộ, hoặc số điện thoại di động 10 số đã đăng ký."]


SHAPE = ("Mã tra cứu gồm 10 ký tự, là chữ in hoa và chữ số, như in trên phiếu tiếp nhận hồ sơ (ví dụ K7QX-9M4T-AB; "
         "không cần gõ dấu gạch ngang).")


@pytest.mark.parametrize("typed, message", [
    ("A" * 40, "Mã vừa nhập có 40 ký tự. " + SHAPE),
    ("K7Q", "Mã vừa nhập có 3 ký tự. " + SHAPE),
    ("K" * 41, "Mã vừa nhập dài quá 40 ký tự. " + SHAPE),
])
def test_a_code_of_the_wrong_length_is_told_the_length_expected(app, typed, message):
    with app.test_request_context("/tra-cuu", method="POST", data={"ma": typed, "so": "5678"}):
        form = StatusForm()
        assert not form.validate_on_submit() and form.errors == {"ma": [message]}
        assert accepted_submission() is None
