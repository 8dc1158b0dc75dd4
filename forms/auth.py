"""Sign-in, password and account forms."""
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from forms.base import BaseForm
from subsidy.domain.labels import ROLE_LABELS
from subsidy.domain.passwords import MAX_LENGTH, length_problem

ROLE_CHOICES = [SelectChoice(code, label) for code, label in ROLE_LABELS.items()]


def password_length(form, field) -> None:  # noqa: ANN001 - WTForms' validator signature
    """The password policy's length rule (subsidy.domain.passwords.length_problem), so a password
    that is too short or too long is refused with the policy's own reason before anything else."""
    problem = length_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class LoginForm(BaseForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Hãy nhập tên đăng nhập."), Length(max=64)])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Hãy nhập mật khẩu."), Length(max=MAX_LENGTH)])
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này")


class ChangePasswordForm(BaseForm):
    current = PasswordField("Mật khẩu hiện tại", validators=[DataRequired("Hãy nhập mật khẩu hiện tại.")])
    new = PasswordField("Mật khẩu mới", validators=[DataRequired("Hãy nhập mật khẩu mới."), password_length])
    confirm = PasswordField("Nhập lại mật khẩu mới", validators=[EqualTo("new", "Hai lần nhập mật khẩu mới không khớp.")])


class CreateUserForm(BaseForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Hãy nhập tên đăng nhập."), Length(max=64)])
    full_name = StringField("Họ và tên (in trên văn bản; bắt buộc với vai trò ký tên)",
                            validators=[Length(max=120)])
    role = SelectField("Vai trò", choices=ROLE_CHOICES)
    # Choices set by the view (the communes there are); "" for admin and the province's roles.
    commune = SelectField("Xã (cho công chức, lãnh đạo xã, đài truyền thanh)", choices=[], validate_choice=False)


class RoleForm(BaseForm):
    role = SelectField("Vai trò", choices=ROLE_CHOICES)
    commune = SelectField("Xã (cho công chức, lãnh đạo xã, đài truyền thanh)", choices=[], validate_choice=False)


class FullNameForm(BaseForm):
    full_name = StringField("Họ và tên (in trên biên bản, danh sách)", validators=[
        DataRequired("Hãy nhập họ và tên đầy đủ."), Length(max=120)])


class ConfirmForm(BaseForm):
    """An empty form: the CSRF token of a confirmed POST (deactivate, reset, revoke…)."""


class TokenForm(BaseForm):
    name = StringField("Tên mã (để nhớ dùng ở đâu)", validators=[DataRequired("Hãy đặt tên cho mã."), Length(max=80)])
