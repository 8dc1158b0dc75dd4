"""Sign-in, password and account forms."""
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from forms.base import BaseForm
from subsidy.domain.labels import ROLE_LABELS

ROLE_CHOICES = [SelectChoice(code, label) for code, label in ROLE_LABELS.items()]


class LoginForm(BaseForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Hãy nhập tên đăng nhập."), Length(max=64)])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Hãy nhập mật khẩu."), Length(max=256)])
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này")


class ChangePasswordForm(BaseForm):
    current = PasswordField("Mật khẩu hiện tại", validators=[DataRequired("Hãy nhập mật khẩu hiện tại.")])
    new = PasswordField("Mật khẩu mới", validators=[DataRequired("Hãy nhập mật khẩu mới."), Length(min=10, max=256, message="Mật khẩu mới cần ít nhất 10 ký tự (hoặc một câu gồm 4 từ trở lên).")])
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
