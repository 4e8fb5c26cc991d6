"""Forms of the accounts pages. Choices are limited to the actor's scope; the services
check every rule again (a forged choice gets the same Chinese message on its field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from qingfeng.accounts.roles import ROLE_DEFINITIONS
from qingfeng.accounts.selectors import USER_STATUSES, grantable_role_codes
from qingfeng.core.forms import CHINESE_ERRORS, style_fields
from qingfeng.orgs.models import Org


class LoginForm(forms.Form):
    username = forms.CharField(
        label="用户名",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OrgChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An org select that shows the tree by indenting each org under its parent."""

    def __init__(self, queryset: QuerySet[Org], **kwargs: Any) -> None:
        super().__init__(queryset=queryset, **kwargs)
        self.base_depth: int | None = None

    def label_from_instance(self, obj: Any) -> str:
        # Choices come in path order, so the first org seen is the top of the scope.
        if self.base_depth is None:
            self.base_depth = obj.depth
        return "\u3000" * max(obj.depth - self.base_depth, 0) + obj.name


class ScopedForm(forms.Form):
    """A form whose choices depend on the actor: subclasses set querysets and choices in
    ``__init__`` and then call ``self.style()``.

    (``core.forms.StyledForm`` styles in its own ``__init__`` and reads ``form.errors``
    while doing so, which validates a bound form before the scoped choices and the
    Chinese messages are in place.)
    """

    def style(self) -> None:
        for field in self.fields.values():
            field.error_messages = {**field.error_messages, **CHINESE_ERRORS}
        style_fields(self)


class PlainForm(ScopedForm):
    """A styled form without actor-dependent choices."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


def _password_problems(password: str) -> None:
    from qingfeng.accounts.services import password_errors

    problems = password_errors(password)
    if problems:
        raise forms.ValidationError(problems)


def _role_choices(actor: Any) -> list[tuple[str, str]]:
    return [(code, ROLE_DEFINITIONS[code][0]) for code in grantable_role_codes(actor)]


class UserFilterForm(ScopedForm):
    org = OrgChoiceField(
        Org.objects.none(), label="所在机构", required=False, empty_label="全部机构"
    )
    role = forms.ChoiceField(label="角色", required=False)
    q = forms.CharField(label="搜索", required=False, max_length=50)
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部状态"), *USER_STATUSES.items()],
    )

    def __init__(self, *args: Any, orgs: QuerySet[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field: Any = self.fields["org"]
        org_field.queryset = orgs
        role_field: Any = self.fields["role"]
        role_field.choices = [("", "全部角色")] + [
            (code, name) for code, (name, _caps, _order) in ROLE_DEFINITIONS.items()
        ]
        self.fields["q"].widget.attrs["placeholder"] = "用户名、姓名或手机号"
        self.style()


class GrantForm(ScopedForm):
    role = forms.ChoiceField(label="角色")
    grant_org = OrgChoiceField(Org.objects.none(), label="授权机构", empty_label="请选择")
    include_subtree = forms.BooleanField(label="含下级", required=False, initial=True)

    def __init__(self, *args: Any, actor: Any, orgs: QuerySet[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field: Any = self.fields["role"]
        role_field.choices = [("", "请选择"), *_role_choices(actor)]
        org_field: Any = self.fields["grant_org"]
        org_field.queryset = orgs
        if type(self) is GrantForm:
            self.style()


class UserCreateForm(GrantForm):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    org = OrgChoiceField(Org.objects.none(), label="所在机构", empty_label="请选择")
    password = forms.CharField(
        label="初始密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少 10 个字符，不能全为数字或过于常见。",
    )
    password2 = forms.CharField(
        label="确认密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "username",
        "full_name",
        "phone",
        "org",
        "password",
        "password2",
        "role",
        "grant_org",
        "include_subtree",
    ]

    def __init__(self, *args: Any, actor: Any, orgs: QuerySet[Org], **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, orgs=orgs, **kwargs)
        org_field: Any = self.fields["org"]
        org_field.queryset = orgs
        self.style()

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        _password_problems(password)
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        return data


class UserEditForm(ScopedForm):
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    org = OrgChoiceField(Org.objects.none(), label="所在机构", empty_label="请选择")
    is_active = forms.BooleanField(label="启用", required=False)

    def __init__(self, *args: Any, orgs: QuerySet[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field: Any = self.fields["org"]
        org_field.queryset = orgs
        self.style()


class NewPasswordForm(PlainForm):
    new_password = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少 10 个字符，不能全为数字或过于常见。",
    )
    new_password2 = forms.CharField(
        label="确认新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_new_password(self) -> str:
        password: str = self.cleaned_data["new_password"]
        _password_problems(password)
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的密码不一致。")
        return data


class PasswordChangeForm(NewPasswordForm):
    old_password = forms.CharField(
        label="原密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old_password", "new_password", "new_password2"]


class TotpCodeForm(PlainForm):
    code = forms.CharField(
        label="6 位验证码",
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )


class TotpDisableForm(PlainForm):
    password = forms.CharField(
        label="当前密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenCreateForm(PlainForm):
    name = forms.CharField(label="令牌名称", max_length=50, help_text="例如：数据对接、统计脚本。")
