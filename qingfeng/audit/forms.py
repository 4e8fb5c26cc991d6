"""The auditor's filter bar (pages and API share it, so both filter alike)."""

from __future__ import annotations

from typing import Any

from django import forms

from qingfeng.audit.models import Action
from qingfeng.audit.presentation import object_type_choices
from qingfeng.audit.selectors import EventFilters, filter_org_choices
from qingfeng.core.forms import CHINESE_ERRORS, style_fields
from qingfeng.orgs.models import Org


class OrgChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Org) -> str:
        return "　" * obj.depth + obj.name


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class EventFilterForm(forms.Form):
    """Styled like ``StyledForm``, but styled (and so validated: ``style_fields`` reads
    ``errors``) only after the scope-dependent choices are in place."""

    user = forms.CharField(
        label="用户",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": "用户名或姓名"}),
    )
    org = OrgChoiceField(
        label="机构（含下级）",
        queryset=Org.objects.none(),
        required=False,
        empty_label="全部机构",
    )
    object_type = forms.ChoiceField(label="对象类型", required=False)
    object_id = forms.CharField(
        label="对象编号",
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "编号"}),
    )
    action = forms.ChoiceField(
        label="操作", required=False, choices=[("", "全部操作"), *Action.choices]
    )
    date_from = forms.DateField(label="起始日期", required=False, widget=DateInput())
    date_to = forms.DateField(label="截止日期", required=False, widget=DateInput())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["org"]
        assert isinstance(org_field, OrgChoiceField)
        org_field.queryset = filter_org_choices(user)
        type_field = self.fields["object_type"]
        assert isinstance(type_field, forms.ChoiceField)
        type_field.choices = [("", "全部类型"), *object_type_choices()]
        # All messages first: style_fields validates on its first field's "errors" check.
        for field in self.fields.values():
            field.error_messages = {**field.error_messages, **CHINESE_ERRORS}
        style_fields(self)
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            size = "form-select-sm" if "form-select" in css else "form-control-sm"
            field.widget.attrs["class"] = f"{css} {size}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期")
        if data.get("object_id") and not data.get("object_type"):
            self.add_error("object_type", "按对象编号查询时请选择对象类型")
        return data

    def filters(self) -> EventFilters:
        """The validated filter (call after ``is_valid()``)."""
        d = self.cleaned_data
        return EventFilters(
            user=(d.get("user") or "").strip(),
            org=d.get("org"),
            object_type=d.get("object_type") or "",
            object_id=(d.get("object_id") or "").strip(),
            action=d.get("action") or "",
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
        )
