"""Forms of the public portal (DOMAIN.md §2: the required content of a report)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from qingfeng.core.forms import StyledForm, style_fields
from qingfeng.intake.identity import Identity
from qingfeng.intake.models import Channel, ProblemCategory
from qingfeng.intake.services import ReportInput, SubjectInput
from qingfeng.orgs.idnumber import parse_id_number
from qingfeng.orgs.models import Org
from qingfeng.portal.selectors import public_bodies

SUBJECT_ROWS = 5
ANONYMOUS = "anonymous"
REAL_NAME = "real_name"


class BodyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Org) -> str:
        return obj.name


class ReportForm(StyledForm):
    """A web report: body, reported persons, problem, when/where, evidence, identity choice."""

    body = BodyChoiceField(
        label="向哪个纪检监察机关反映",
        queryset=Org.objects.none(),
        empty_label="请选择",
        help_text="反映县直部门或县管干部的问题，请选县纪委监委；反映乡镇（街道）、村（社区）干部的问题，可选所在乡镇（街道）纪委。",
    )
    category = forms.ChoiceField(
        label="问题类别", choices=[("", "请选择"), *ProblemCategory.choices]
    )
    title = forms.CharField(label="标题", max_length=200, help_text="一句话概括反映的问题")
    content = forms.CharField(
        label="反映内容",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="请写清楚谁、在什么时间、什么地点、做了什么事，有哪些证人或证据。",
    )
    occurred_when = forms.CharField(
        label="发生时间", max_length=100, required=False, help_text="例如：2025年3月至今"
    )
    occurred_where = forms.CharField(label="发生地点", max_length=200, required=False)
    mode = forms.ChoiceField(
        label="举报方式",
        choices=[(REAL_NAME, "实名举报"), (ANONYMOUS, "匿名举报")],
        widget=forms.RadioSelect,
    )
    reporter_name = forms.CharField(label="您的姓名", max_length=50, required=False)
    reporter_id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    reporter_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    reporter_unit = forms.CharField(label="工作单位（选填）", max_length=100, required=False)
    reporter_address = forms.CharField(label="联系地址（选填）", max_length=200, required=False)
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    altcha = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = public_bodies()  # type: ignore[attr-defined]
        for i in range(SUBJECT_ROWS):
            self.fields[f"subject_{i}_name"] = forms.CharField(
                label="姓名", max_length=50, required=False
            )
            self.fields[f"subject_{i}_unit"] = forms.CharField(
                label="单位", max_length=100, required=False
            )
            self.fields[f"subject_{i}_post"] = forms.CharField(
                label="职务", max_length=100, required=False
            )
        style_fields(self)
        self.fields["mode"].widget.attrs["class"] = "form-check-input"
        self.fields["reporter_id_number"].widget.attrs.update(
            {"autocomplete": "off", "inputmode": "text"}
        )
        self.fields["reporter_phone"].widget.attrs.update({"inputmode": "tel"})

    def subject_rows(self) -> list[dict[str, Any]]:
        """The repeatable 被反映人 group, row by row, for the template."""
        return [
            {
                "index": i,
                "name": self[f"subject_{i}_name"],
                "unit": self[f"subject_{i}_unit"],
                "post": self[f"subject_{i}_post"],
                "filled": any(
                    self[f"subject_{i}_{part}"].value() for part in ("name", "unit", "post")
                ),
            }
            for i in range(SUBJECT_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(
            (data.get(f"subject_{i}_name") or "").strip()
            or (data.get(f"subject_{i}_unit") or "").strip()
            for i in range(SUBJECT_ROWS)
        ):
            self.add_error("subject_0_name", "请至少填写一名被反映人的姓名或单位")
        if data.get("mode") == REAL_NAME:
            if not (data.get("reporter_name") or "").strip():
                self.add_error("reporter_name", "实名举报请填写您的姓名")
            if not (data.get("reporter_phone") or "").strip():
                self.add_error("reporter_phone", "实名举报请填写联系电话")
            raw_id = data.get("reporter_id_number") or ""
            try:
                data["reporter_id_number"] = parse_id_number(raw_id).id_number
            except ValidationError as exc:
                self.add_error("reporter_id_number", exc.messages[0])
        return data

    def to_input(self) -> ReportInput:
        d = self.cleaned_data
        real = d["mode"] == REAL_NAME
        return ReportInput(
            channel=Channel.WEB,
            received_on=timezone.localdate(),
            title=d["title"],
            content=d["content"],
            subjects=[
                SubjectInput(d[f"subject_{i}_name"], d[f"subject_{i}_unit"], d[f"subject_{i}_post"])
                for i in range(SUBJECT_ROWS)
            ],
            category=d["category"],
            is_real_name=real,
            identity=Identity(
                name=d["reporter_name"],
                id_number=d["reporter_id_number"],
                phone=d["reporter_phone"],
                unit=d["reporter_unit"],
                address=d["reporter_address"],
            )
            if real
            else Identity(),
            occurred_when=d["occurred_when"],
            occurred_where=d["occurred_where"],
        )

    def service_field(self, key: str) -> str | None:
        """The form field for an error key of ``register_report`` (e.g. "subjects.0.name")."""
        if key.startswith("subjects."):
            _, index, part = key.split(".", 2)
            part = {"unit_name": "unit"}.get(part, part)
            name = f"subject_{index}_{part}"
            return name if name in self.fields else "subject_0_name"
        if key == "subjects":
            return "subject_0_name"
        if key == "org":
            return "body"
        return key if key in self.fields else None


def apply_errors(form: forms.Form, exc: ValidationError, mapper: Any = None) -> None:
    """Put a service's ``ValidationError`` on the form, field by field (keeps the input)."""
    if hasattr(exc, "error_dict"):
        for key, messages in exc.message_dict.items():
            target = mapper(key) if mapper else (key if key in form.fields else None)
            for message in messages:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class CodeForm(StyledForm):
    code = forms.CharField(
        label="查询码",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "placeholder": "16位数字"}
        ),
    )


class MessageForm(StyledForm):
    body = forms.CharField(
        label="留言内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class SupplementForm(StyledForm):
    body = forms.CharField(
        label="补充说明",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="请说明补充的情况或所附材料的内容。",
    )
