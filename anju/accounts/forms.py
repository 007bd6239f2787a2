from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from anju.accounts.models import User
from anju.accounts.services import role_choices_for
from anju.regions.models import Region

PASSWORD_HELP = (
    "至少 10 位，须同时包含字母和数字；不能是常见密码（如 woaini1314、姓名拼音加生日），"
    "不能主要由重复或连续的字符组成（如 aaaaaaaaaa1、12345678ab），不能与用户名相似。"
)


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续输错多次后账号将被暂时锁定。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"class": "form-control", "autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"class": "form-control", "autocomplete": "current-password"})


class RegionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # django-stubs: ModelChoiceField is generic in the stubs only; not subscriptable at runtime
    def label_from_instance(self, obj: Region) -> str:
        return f"{'　' * (obj.level - 1)}{obj.name}（{obj.level_label}）"


class UserForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    organization = forms.CharField(label="单位", max_length=100, required=False)
    region = RegionChoiceField(label="所属区划", queryset=Region.objects.none())
    roles = forms.MultipleChoiceField(label="角色", widget=forms.CheckboxSelectMultiple, choices=())
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    password1 = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput,
        required=False,
        help_text=PASSWORD_HELP,
    )
    password2 = forms.CharField(label="再次输入密码", widget=forms.PasswordInput, required=False)

    def __init__(self, *args: Any, acting_user: User, editing: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["region"].queryset = Region.objects.visible_to(acting_user).filter(level__lte=5)  # type: ignore[attr-defined]  # django-stubs: form.fields holds Field; this one is a ModelChoiceField
        choices = role_choices_for(acting_user)
        if editing is not None:
            # Show roles the editor cannot grant, too, so nothing is silently dropped.
            held = editing.role_codes
            known = {c for c, _ in choices}
            from anju.accounts.choices import Role

            choices += [(r, f"{Role(r).label}（您无权调整）") for r in sorted(held - known)]
            self.fields["username"].disabled = True
            del self.fields["password1"]
            del self.fields["password2"]
        else:
            del self.fields["is_active"]
            self.fields["password1"].required = True
            self.fields["password2"].required = True
        roles_field = self.fields["roles"]
        assert isinstance(roles_field, forms.MultipleChoiceField)
        roles_field.choices = choices
        for name, field in self.fields.items():
            if name != "roles" and name != "is_active":
                field.widget.attrs.setdefault("class", "form-select" if name == "region" else "form-control")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.editing is None and data.get("password1") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        return data


class PasswordSetForm(forms.Form):
    password1 = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput(attrs={"class": "form-control"}),
        help_text=PASSWORD_HELP,
    )
    password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput(attrs={"class": "form-control"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        return data


class PasswordChangeForm(PasswordSetForm):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput(attrs={"class": "form-control"}))
    field_order = ["old_password", "password1", "password2"]
