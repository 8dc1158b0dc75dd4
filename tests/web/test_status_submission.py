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
    ({"ma": "23456789AB", "so": "0000"}, ("23456789AB", "id4", "0000")),
    # Only the shape of the codes the app issues (10 characters of domain.tracking.ALPHABET).
    ({"ma": "ABCD", "so": "0000"}, None),
    ({"ma": "A" * 32, "so": "1234"}, None),
    ({"ma": "K7QX9M4TABC", "so": "1234"}, None),
    ({"ma": "K7QX9M4TA0", "so": "1234"}, None),
    ({"ma": "K7QX9M4TAO", "so": "1234"}, None),
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
    ("A" * 32, "Mã vừa nhập có 32 ký tự. " + SHAPE),
    ("K7Q", "Mã vừa nhập có 3 ký tự. " + SHAPE),
    ("abcd", "Mã vừa nhập có 4 ký tự. " + SHAPE),
    ("K7QX-9M4T-ABC", "Mã vừa nhập có 11 ký tự. " + SHAPE),
    ("K" * 41, "Mã vừa nhập dài quá 40 ký tự. " + SHAPE),
])
def test_a_code_of_the_wrong_length_is_told_the_length_expected(app, typed, message):
    with app.test_request_context("/tra-cuu", method="POST", data={"ma": typed, "so": "5678"}):
        form = StatusForm()
        assert not form.validate_on_submit() and form.errors == {"ma": [message]}
        assert accepted_submission() is None


LOOK_ALIKES = ("(mã không dùng chữ I, L, O và số 0, 1 vì dễ nhầm với nhau: hãy xem lại từng ký tự trên phiếu). "
               + SHAPE)


@pytest.mark.parametrize("typed, message", [
    ("NOPE-0000-01", "Mã vừa nhập có ký tự không bao giờ có trong mã tra cứu: «0» «1» «O» " + LOOK_ALIKES),
    ("k7qx-9m4t-al", "Mã vừa nhập có ký tự không bao giờ có trong mã tra cứu: «L» " + LOOK_ALIKES),
    ("K7QX 9M4T I1", "Mã vừa nhập có ký tự không bao giờ có trong mã tra cứu: «1» «I» " + LOOK_ALIKES),
])
def test_a_code_with_a_character_no_code_holds_is_told_which(app, typed, message):
    """Ten letters and digits, but one the app never puts in a code (0/O, 1/I/L): the shape is
    wrong, said without looking anything up."""
    with app.test_request_context("/tra-cuu", method="POST", data={"ma": typed, "so": "5678"}):
        form = StatusForm()
        assert not form.validate_on_submit() and form.errors == {"ma": [message]}
        assert accepted_submission() is None
