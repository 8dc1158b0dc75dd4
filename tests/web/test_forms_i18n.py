"""WTForms' built-in messages reach users in Vietnamese (forms/base.py), never in English."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
import wtforms
from flask_wtf import FlaskForm

import forms
from forms.base import MESSAGES, TRANSLATIONS, BaseForm

POT = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"


def _form_classes():
    for mod in pkgutil.iter_modules(forms.__path__):
        module = importlib.import_module(f"forms.{mod.name}")
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, FlaskForm) and obj.__module__ == module.__name__:
                yield f"forms.{mod.name}.{name}", obj


def _pot_ids() -> list[str]:
    text = POT.read_text("utf-8")
    return [m.replace('\\"', '"') for m in re.findall(r'^msgid "(.+)"$', text, re.M)]


def test_every_form_inherits_the_vietnamese_base():
    found = dict(_form_classes())
    assert len(found) >= 20  # the forms of every area, not an empty package
    not_based = sorted(name for name, cls in found.items() if name != "forms.base.BaseForm"
                       and not issubclass(cls, BaseForm))
    assert not_based == []


def test_every_wtforms_message_id_has_a_vietnamese_translation():
    ids = _pot_ids()
    assert "Not a valid integer value." in ids and len(ids) >= 35
    missing = [i for i in ids if i not in MESSAGES]
    assert missing == []
    for msgid in ids:
        vi = TRANSLATIONS.gettext(msgid)
        assert vi != msgid
        # the same %-placeholders, so WTForms can fill them in
        assert sorted(re.findall(r"%\(\w+\)[sd]|%s", vi)) == sorted(re.findall(r"%\(\w+\)[sd]|%s", msgid))


def test_plural_messages_and_file_size():
    assert TRANSLATIONS.ngettext("Field cannot be longer than %(max)d character.",
                                 "Field cannot be longer than %(max)d characters.", 120) % {"max": 120} == (
        "Dài quá 120 ký tự: hãy viết ngắn lại.")
    assert TRANSLATIONS.gettext("File must be between 1 and 2048 bytes.") == "Tệp phải nặng từ 1 đến 2048 byte."
    assert TRANSLATIONS.gettext("Hãy nhập mã hộ.") == "Hãy nhập mã hộ."  # a form's own message is kept


def test_integer_and_choice_errors_in_vietnamese(app):
    from forms.applications import AllocationForm
    from forms.auth import CreateUserForm
    from werkzeug.datastructures import MultiDict

    with app.test_request_context(method="POST"):
        form = AllocationForm(MultiDict({"quantity": "abc", "allocated_on": "01/03/2026", "source_document": "QĐ 1"}))
        assert not form.validate()
        assert form.quantity.errors[0] == "Phải là số nguyên, chỉ gồm chữ số (ví dụ 12)."
        form = CreateUserForm(MultiDict({"username": "an", "role": "superuser"}))
        assert not form.validate()
        assert form.role.errors == ["Lựa chọn không hợp lệ: hãy chọn một mục trong danh sách."]


def test_allocation_page_shows_vietnamese_integer_error(client, login_as):
    login_as("clerk")
    resp = client.post("/danh-sach/phan-bo", data={"quantity": "abc", "allocated_on": "01/03/2026",
                                                   "source_document": "QĐ 12/UBND"}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422  # the form shown again with what was typed
    assert "Phải là số nguyên, chỉ gồm chữ số (ví dụ 12)." in page
    assert "Not a valid" not in page


def test_create_user_with_tampered_role_shows_vietnamese(client, login_as):
    login_as("admin")
    resp = client.post("/quan-tri/tai-khoan/tao", data={"username": "lan", "full_name": "Lan", "role": "superuser"},
                       follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "Lựa chọn không hợp lệ: hãy chọn một mục trong danh sách." in page
    assert "Not a valid choice" not in page


def test_required_file_message_in_vietnamese(app):
    """FileRequired and DataRequired without a message of their own use the translation."""
    from flask_wtf.file import FileField, FileRequired
    from werkzeug.datastructures import MultiDict
    from wtforms import StringField
    from wtforms.validators import DataRequired

    class Probe(BaseForm):
        f = FileField(validators=[FileRequired()])
        s = StringField(validators=[DataRequired()])

    with app.test_request_context(method="POST"):
        form = Probe(MultiDict({}), meta={"csrf": False})
        assert not form.validate()
        assert form.f.errors == ["Chưa nhập: ô này bắt buộc, hãy nhập hoặc chọn giá trị."]
        assert form.s.errors == ["Chưa nhập: ô này bắt buộc, hãy nhập hoặc chọn giá trị."]


@pytest.mark.parametrize("raw, expected", [
    (b'{"id": }', "dòng 1, cột 8"),
    (b'{\n  "id": "tt14",\n  "version": 2,\n}', "dòng 4, cột 1"),
    (b'{"id": "tt14" "version": 2}', "dòng 1, cột 15"),
    (b"", "Tệp trống"),
])
def test_ruleset_upload_json_error_in_vietnamese(client, login_as, raw, expected):
    import io

    login_as("admin")
    resp = client.post("/bo-quy-tac/xem-truoc-tep", data={"file": (io.BytesIO(raw), "moi.json")},
                       content_type="multipart/form-data", follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert expected in page
    assert "Expecting" not in page and "line 1 column" not in page
