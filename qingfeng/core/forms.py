"""Form helpers shared by every module: Bootstrap classes and Chinese error messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

CHINESE_ERRORS = {
    "required": "此项为必填项",
    "invalid": "格式不正确",
    "invalid_choice": "请从列表中选择",
    "max_length": "内容过长（最多 %(limit_value)d 个字符）",
    "min_length": "内容过短（至少 %(limit_value)d 个字符）",
    "max_value": "不能大于 %(limit_value)s",
    "min_value": "不能小于 %(limit_value)s",
}


class StyledForm(forms.Form):
    """A form whose widgets carry Bootstrap classes and whose errors are Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self) -> None:
        super().full_clean()
        mark_invalid(self)


class StyledModelForm(forms.ModelForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self) -> None:
        super().full_clean()
        mark_invalid(self)


def style_fields(form: forms.BaseForm) -> None:
    """Set Chinese messages and widget classes; mark fields that already carry errors.

    Reads ``form._errors`` rather than ``form.errors`` so that styling never triggers
    validation before every field has its Chinese messages.
    """
    for field in form.fields.values():
        field.error_messages = {**field.error_messages, **CHINESE_ERRORS}
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")
    mark_invalid(form)


def mark_invalid(form: forms.BaseForm) -> None:
    """Add Bootstrap's ``is-invalid`` to the widgets of fields that have errors."""
    for name in getattr(form, "_errors", None) or {}:
        if name in form.fields:
            widget = form.fields[name].widget
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


def apply_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` onto the form, field by field, keeping input."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
