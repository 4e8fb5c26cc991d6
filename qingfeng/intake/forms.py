"""Forms of the staff report pages: registration (with its reported persons) and the
handling actions of the detail page. Rules live in ``services``; these forms only carry
the input and keep it when a service refuses it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import orgs_with
from qingfeng.core.forms import StyledForm
from qingfeng.intake import services, validation
from qingfeng.intake.identity import Identity
from qingfeng.intake.models import Channel, ProblemCategory, RefuseReason, Report, ReportClass
from qingfeng.orgs.models import Org, Person
from qingfeng.orgs.selectors import persons_visible_to

BODY_CHOICES_LIMIT = 2000

# Channels whose sender is another body (上级交办, 下级报送, 移交…): source body + reference.
SOURCE_CHANNELS = (
    Channel.UPPER,
    Channel.LOWER,
    Channel.INSPECTION,
    Channel.AUDIT,
    Channel.SUPERVISION,
    Channel.STATION,
)


def registration_bodies(user: Any) -> QuerySet[Org]:
    """Bodies where the user may register a report: active commission bodies
    (services.BODY_KINDS) on which the user holds ``report.handle``."""
    return (
        orgs_with(user, Cap.REPORT_HANDLE)
        .filter(kind__in=services.BODY_KINDS, is_active=True)
        .order_by("path")
    )


class OrgChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An org select labelled by the org's name only."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        single = super().clean
        return [single(d, initial) for d in items]


class RegisterForm(StyledForm):
    org = OrgChoiceField(label="登记机关", queryset=Org.objects.none(), empty_label=None)
    channel = forms.ChoiceField(label="来源渠道", choices=Channel.choices)
    received_on = forms.DateField(
        label="收到日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    title = forms.CharField(label="标题", required=False, strip=False)
    content = forms.CharField(
        label="反映内容", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = forms.ChoiceField(
        label="问题类别", choices=ProblemCategory.choices, initial=ProblemCategory.OTHER
    )
    occurred_when = forms.CharField(label="发生时间", required=False, strip=False)
    occurred_where = forms.CharField(label="发生地点", required=False, strip=False)
    visitor_count = forms.IntegerField(label="来访人数", required=False, min_value=0, max_value=999)
    received_by = forms.CharField(label="接待人/接听人", required=False, strip=False)
    source_body = forms.CharField(label="交办/报送/移交单位", required=False, strip=False)
    source_ref = forms.CharField(label="来文编号", required=False, strip=False)
    is_real_name = forms.BooleanField(label="实名举报", required=False)
    reporter_name = forms.CharField(label="举报人姓名", required=False, strip=False)
    reporter_id_number = forms.CharField(label="身份证号", required=False)
    reporter_phone = forms.CharField(label="联系电话", required=False)
    reporter_unit = forms.CharField(label="工作单位", required=False, strip=False)
    reporter_address = forms.CharField(label="联系地址", required=False, strip=False)
    companions = forms.CharField(
        label="同行人员",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="来访：其他来访人的姓名、联系方式等",
    )
    about_head = forms.BooleanField(
        label="反映本机关主要负责人",
        required=False,
        help_text="勾选后径送上级，本机关不可见（DOMAIN.md §2）",
    )
    evidence = MultipleFileField(label="证据材料", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bodies = registration_bodies(user)[:BODY_CHOICES_LIMIT]
        org_field = self.fields["org"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = registration_bodies(user)
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())
            first = next(iter(bodies), None)
            if first is not None:
                self.initial.setdefault("org", first.pk)
        self.fields["received_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["title"].widget.attrs["maxlength"] = validation.TITLE_MAX
        self.fields["evidence"].widget.attrs.update({"class": "form-control", "multiple": True})

    def identity(self) -> Identity:
        d = self.cleaned_data
        return Identity(
            name=d["reporter_name"],
            id_number=d["reporter_id_number"],
            phone=d["reporter_phone"],
            unit=d["reporter_unit"],
            address=d["reporter_address"],
            companions=d["companions"],
        )


class SubjectForm(StyledForm):
    name = forms.CharField(label="被反映人姓名", required=False, strip=False)
    unit_name = forms.CharField(label="单位", required=False, strip=False)
    post = forms.CharField(label="职务", required=False, strip=False)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.linked: Person | None = None

    def clean_person(self) -> int | None:
        pk = self.cleaned_data.get("person")
        if pk is None:
            return None
        person = persons_visible_to(self.user).select_related("unit").filter(pk=pk).first()
        if person is None:
            raise ValidationError("所选监察对象不存在或不在您的管辖范围内")
        self.linked = person
        return int(pk)

    def is_blank(self) -> bool:
        d = getattr(self, "cleaned_data", {})
        return not (str(d.get("name") or "").strip() or str(d.get("unit_name") or "").strip())


class BaseSubjectFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        filled = [f for f in self.forms if not f.is_blank()]
        if len(filled) > validation.SUBJECTS_MAX:
            raise ValidationError(f"被反映人最多{validation.SUBJECTS_MAX}名，请分件反映")

    def subject_inputs(self) -> tuple[list[services.SubjectInput], list[SubjectForm]]:
        """The filled rows as service input, and the form behind each (for errors)."""
        inputs: list[services.SubjectInput] = []
        forms_used: list[SubjectForm] = []
        for f in self.forms:
            assert isinstance(f, SubjectForm)
            if f.is_blank():
                continue
            d = f.cleaned_data
            inputs.append(
                services.SubjectInput(d["name"], d["unit_name"], d["post"], d.get("person"))
            )
            forms_used.append(f)
        return inputs, forms_used


SubjectFormSet = forms.formset_factory(
    SubjectForm,
    formset=BaseSubjectFormSet,
    extra=1,
    max_num=validation.SUBJECTS_MAX,
    absolute_max=50,
)


def report_input(form: RegisterForm, subjects: list[services.SubjectInput]) -> services.ReportInput:
    d = form.cleaned_data
    received_on: dt.date = d["received_on"]
    return services.ReportInput(
        channel=d["channel"],
        received_on=received_on,
        title=d["title"],
        content=d["content"],
        subjects=subjects,
        category=d["category"],
        is_real_name=d["is_real_name"],
        identity=form.identity(),
        occurred_when=d["occurred_when"],
        occurred_where=d["occurred_where"],
        received_by=d["received_by"],
        visitor_count=d.get("visitor_count") or 0,
        source_body=d["source_body"],
        source_ref=d["source_ref"],
        about_head=d["about_head"],
    )


# -- the detail page's forms ---------------------------------------------------------------


class IdentityRequestForm(StyledForm):
    reason = forms.CharField(
        label="查看理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="将记入查看记录，举报人可通过查询码看到查看时间",
    )


class MessageForm(StyledForm):
    body = forms.CharField(label="回复内容", strip=False, widget=forms.Textarea(attrs={"rows": 3}))


class ClassifyForm(StyledForm):
    klass = forms.ChoiceField(
        label="信访类别",
        choices=[(v, label) for v, label in ReportClass.choices if v != ReportClass.REFUSED],
    )


class AcceptForm(StyledForm):
    split_leads = forms.BooleanField(label="按被反映人分别形成线索", required=False)


class RefuseForm(StyledForm):
    refuse_reason = forms.ChoiceField(label="不予受理理由", choices=RefuseReason.choices)
    reason = forms.CharField(label="说明", strip=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(StyledForm):
    reason = forms.CharField(label="理由", strip=False, widget=forms.Textarea(attrs={"rows": 2}))


class ForwardDownForm(StyledForm):
    target = OrgChoiceField(label="转交下级机关", queryset=Org.objects.none())
    reason = forms.CharField(label="理由", strip=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = forward_targets(report)


class TransferOutForm(StyledForm):
    authority = forms.CharField(label="移交机关", strip=False)
    reason = forms.CharField(label="理由", strip=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(StyledForm):
    department = OrgChoiceField(label="承办部门", queryset=Org.objects.none())
    reason = forms.CharField(label="说明", required=False, strip=False)

    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Org.objects.filter(
            parent_id=report.org_id, kind__in=services.DEPARTMENT_KINDS, is_active=True
        ).order_by("sort_order", "code")


class NotifyForm(StyledForm):
    pass


class CloseForm(StyledForm):
    result = forms.CharField(
        label="办理结果", strip=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FeedbackForm(StyledForm):
    objection = forms.CharField(
        label="举报人意见（如有异议）",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def forward_targets(report: Report) -> QuerySet[Org]:
    """Active township/street bodies below the holding body (never the one reported on)."""
    return (
        Org.objects.filter(
            path__startswith=report.org.path, kind__in=services.BODY_KINDS, is_active=True
        )
        .exclude(pk=report.org_id)
        .exclude(pk=report.hidden_from_id or 0)
        .order_by("path")
    )


ACTION_FORMS: dict[str, type[StyledForm]] = {
    "classify": ClassifyForm,
    "accept": AcceptForm,
    "refuse": RefuseForm,
    "forward_down": ForwardDownForm,
    "send_up": ReasonForm,
    "transfer_out": TransferOutForm,
    "assign": AssignForm,
    "notify_acceptance": NotifyForm,
    "close": CloseForm,
    "record_feedback": FeedbackForm,
}


def action_form(action: str, report: Report, data: Any = None) -> StyledForm:
    if action == "forward_down":
        return ForwardDownForm(data, report=report, prefix=action)
    if action == "assign":
        return AssignForm(data, report=report, prefix=action)
    return ACTION_FORMS[action](data, prefix=action)
