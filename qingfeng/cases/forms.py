"""Forms of the lead pages: the list's filter bar, registration and edit, and the handling
steps of the lead file (处置呈批, 谈话函询, 初步核实, 转办反馈).

Rules live in ``services`` and ``handling``: most text fields are optional here so that the
service's own Chinese message names the field; these forms carry the input and keep it when
a service refuses it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.approvals.models import MeetingKind
from qingfeng.cases import list_selectors as ls
from qingfeng.cases.models import EnquiryMode, Lead, LeadSource, LeadStatus, Way
from qingfeng.cases.outcomes import ENQUIRY_OUTCOMES, VERIFICATION_OUTCOMES
from qingfeng.cases.services import MANUAL_SOURCES, LeadInput
from qingfeng.core.forms import CHINESE_ERRORS, StyledForm, mark_invalid, style_fields
from qingfeng.orgs.models import Org, Person
from qingfeng.orgs.selectors import persons_visible_to

ALL = ("", "全部")
CHOOSE = ("", "请选择")


def _date_widget(*, past_only: bool = True) -> forms.DateInput:
    attrs = {"type": "date"}
    if past_only:
        attrs["max"] = timezone.localdate().isoformat()
    return forms.DateInput(attrs=attrs, format="%Y-%m-%d")


def _text(label: str, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class OrgChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An org select labelled by the org's name only."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.username)


class UsersChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.username)


# -- the list's filter bar ------------------------------------------------------------------


class LeadFilterForm(forms.Form):
    """The filter bar above the list (GET); org and dept choices are within scope."""

    q = forms.CharField(label="线索编号/被反映人", required=False, max_length=60)
    status = forms.ChoiceField(label="状态", required=False, choices=[ALL, *LeadStatus.choices])
    way = forms.ChoiceField(label="处置方式", required=False, choices=[ALL, *Way.choices])
    source = forms.ChoiceField(label="线索来源", required=False, choices=[ALL, *LeadSource.choices])
    due = forms.ChoiceField(
        label="办理时限",
        required=False,
        choices=[ALL, (ls.DUE_OVERDUE, "已超期"), (ls.DUE_SOON, "即将到期（3个工作日内）")],
    )
    org = forms.ChoiceField(label="管辖机关（含下级）", required=False)
    dept = forms.ChoiceField(label="承办部门", required=False)
    created_from = forms.DateField(
        label="登记日期起", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label="登记日期止", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.selected_org = ls.filter_body(user, self.data.get("org"))
        self.selected_dept = ls.filter_dept(user, self.data.get("dept"))
        bodies = ls.filter_bodies(user, self.selected_org)
        top = min((o.depth for o in bodies), default=0)
        org_field = self.fields["org"]
        assert isinstance(org_field, forms.ChoiceField)
        org_field.choices = [
            ALL,
            *[(str(o.pk), "\u3000" * (o.depth - top) + o.name) for o in bodies],
        ]
        dept_field = self.fields["dept"]
        assert isinstance(dept_field, forms.ChoiceField)
        depts = ls.filter_depts(user, self.selected_org)
        if self.selected_dept is not None and self.selected_dept not in depts:
            depts.insert(0, self.selected_dept)
        several_bodies = len({d.parent_id for d in depts}) > 1
        dept_field.choices = [
            ALL,
            *[
                (
                    str(d.pk),
                    f"{d.parent.name if d.parent else ''}·{d.name}" if several_bodies else d.name,
                )
                for d in depts
            ],
        ]
        self.fields["q"].widget.attrs["placeholder"] = "线索编号或被反映人姓名开头"
        for f in self.fields.values():
            f.error_messages = {**f.error_messages, **CHINESE_ERRORS}
        style_fields(self)
        for f in self.fields.values():
            css = f.widget.attrs.get("class", "")
            small = "form-select-sm" if "form-select" in css else "form-control-sm"
            f.widget.attrs["class"] = f"{css} {small}"
        org_field.widget.attrs["data-qf-autosubmit"] = ""

    def full_clean(self) -> None:
        super().full_clean()
        mark_invalid(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", "截止日期不能早于起始日期")
        return data

    def filters(self) -> ls.LeadFilters:
        d = self.cleaned_data
        return ls.LeadFilters(
            status=d.get("status", ""),
            way=d.get("way", ""),
            source=d.get("source", ""),
            org=self.selected_org,
            dept=self.selected_dept,
            created_from=d.get("created_from"),
            created_to=d.get("created_to"),
            q=d.get("q", ""),
            due=d.get("due", ""),
            page=d.get("page") or 1,
        )


# -- registration and edit ------------------------------------------------------------------


class LeadForm(StyledForm):
    """The lead's content as approvers read it (edit); ``LeadCreateForm`` adds body and
    source."""

    subject_name = forms.CharField(label="被反映人", required=False, strip=False)
    subject_unit = forms.CharField(label="单位", required=False, strip=False)
    subject_post = forms.CharField(label="职务", required=False, strip=False)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    handling_dept = OrgChoiceField(
        label="承办部门", required=False, queryset=Org.objects.none(), empty_label="（不指定）"
    )
    summary = _text("线索摘要", rows=6)

    def __init__(
        self,
        *args: Any,
        user: Any,
        body_id: int | None,
        current_person_id: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # The lead's own person stays linked on edit even if the editor may not see it
        # (``services.update_lead`` accepts it unchanged).
        self.current_person_id = current_person_id
        self.linked: Person | None = None
        dept = self.fields["handling_dept"]
        assert isinstance(dept, forms.ModelChoiceField)
        dept.queryset = ls.departments_of(body_id)
        dept.help_text = "县级线索的呈批须经承办部门主要负责人审批"
        for name, limit in (("subject_name", 100), ("subject_unit", 100), ("subject_post", 100)):
            self.fields[name].widget.attrs["maxlength"] = limit
        if not self.is_bound and self.initial.get("person"):
            self.linked = self._person(self.initial["person"])

    def _person(self, pk: Any) -> Person | None:
        return persons_visible_to(self.user).select_related("unit").filter(pk=pk).first()

    def clean_person(self) -> int | None:
        pk = self.cleaned_data.get("person")
        if pk is None:
            return None
        self.linked = self._person(pk)
        if self.linked is None and pk != self.current_person_id:
            raise ValidationError("所选监察对象不存在或不在您的管辖范围内")
        return int(pk)

    def lead_input(self, source: str) -> LeadInput:
        d = self.cleaned_data
        dept = d.get("handling_dept")
        return LeadInput(
            source=source,
            summary=d["summary"],
            subject_name=d["subject_name"],
            subject_unit=d["subject_unit"],
            subject_post=d["subject_post"],
            person_id=d.get("person"),
            handling_dept_id=dept.pk if dept is not None else None,
        )


class LeadCreateForm(LeadForm):
    org = OrgChoiceField(label="管辖机关", queryset=Org.objects.none(), empty_label=None)
    source = forms.ChoiceField(
        label="线索来源",
        required=False,
        choices=[CHOOSE, *[(s.value, s.label) for s in MANUAL_SOURCES]],
    )

    field_order = ["org", "source"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        bodies = ls.registration_bodies(user)
        data = args[0] if args else kwargs.get("data")
        chosen = _chosen_body(bodies, data, kwargs.get("initial"))
        super().__init__(*args, user=user, body_id=chosen, **kwargs)
        org = self.fields["org"]
        assert isinstance(org, forms.ModelChoiceField)
        org.queryset = bodies
        if not self.is_bound and chosen is not None:
            self.initial.setdefault("org", chosen)
        # Changing the body reloads its departments (htmx; without it the choice is still
        # checked by the service).
        org.widget.attrs.update(
            {
                "hx-get": reverse("cases:create"),
                "hx-trigger": "change",
                "hx-target": "#qf-dept-field",
                "hx-select": "#qf-dept-field",
                "hx-swap": "outerHTML",
            }
        )


def _chosen_body(bodies: Any, data: Any, initial: Any) -> int | None:
    """The body whose departments the form offers: the one posted or asked for, if the
    user may register there, else the first."""
    raw = str((data or {}).get("org") or (initial or {}).get("org") or "")
    ids = list(bodies.values_list("pk", flat=True)[:2000])
    if raw.isdigit() and int(raw) in ids:
        return int(raw)
    return ids[0] if ids else None


# -- the lead file's steps ------------------------------------------------------------------


class ProposeForm(StyledForm):
    """处置呈批 with the collective decision it rests on (DOMAIN.md §3)."""

    way = forms.ChoiceField(label="拟处置方式", required=False, choices=[CHOOSE, *Way.choices])
    proposal = _text("呈批意见")
    meeting_kind = forms.ChoiceField(
        label="集体研究会议", required=False, choices=[CHOOSE, *MeetingKind.choices]
    )
    meeting_held_on = forms.DateField(label="会议日期", required=False, widget=_date_widget())
    meeting_participants = _text("参会人员", rows=2)
    meeting_conclusion = _text("研究意见", rows=2)

    # Every missing part at once (the services stop at the first); same words as theirs.
    REQUIRED = {
        "way": "请选择处置方式",
        "proposal": "请填写呈批意见",
        "meeting_kind": "请选择会议类型",
        "meeting_held_on": "请填写集体研究的会议日期",
        "meeting_participants": "请填写参会人员",
        "meeting_conclusion": "请填写集体研究意见",
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, message in self.REQUIRED.items():
            value = data.get(name)
            if name in data and (value is None or not str(value).strip()):
                self.add_error(name, message)
        return data


class EnquiryStartForm(StyledForm):
    mode = forms.ChoiceField(label="方式", required=False, choices=[CHOOSE, *EnquiryMode.choices])
    plan = _text("谈话函询方案", rows=4)
    subject_is_party_head = forms.BooleanField(
        label="被谈话函询人系下级党委主要负责人（由委主要负责人审批）", required=False
    )


class TalkForm(StyledForm):
    talk_on = forms.DateField(label="谈话日期", required=False, widget=_date_widget())
    talk_place = forms.CharField(label="谈话地点", required=False, strip=False)
    talkers = forms.CharField(label="谈话人", required=False, strip=False)
    talk_record = _text("谈话笔录", rows=5)
    explanation_requested = forms.BooleanField(
        label="要求被谈话人作出书面说明（15个工作日内）", required=False
    )


class LetterForm(StyledForm):
    letter_sent_on = forms.DateField(label="发函日期", required=False, widget=_date_widget())


class ReplyForm(StyledForm):
    reply_on = forms.DateField(label="回复日期", required=False, widget=_date_widget())
    reply_text = _text("书面说明/回复内容", rows=4)
    countersigned = forms.BooleanField(
        label="回复已经本人所在党委（党组）主要负责人签字", required=False
    )


class EnquiryReportForm(StyledForm):
    outcome = forms.ChoiceField(
        label="处理意见",
        required=False,
        choices=[CHOOSE, *[(o.value, o.label) for o in ENQUIRY_OUTCOMES]],
    )
    report_text = _text("谈话函询情况报告", rows=5)


class VerificationStartForm(StyledForm):
    leader = UserChoiceField(label="核查组组长", required=False, queryset=User.objects.none())
    team = UsersChoiceField(
        label="核查组成员",
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    plan = _text("初步核实方案", rows=4)
    started_on = forms.DateField(label="开始日期", required=False, widget=_date_widget())

    def __init__(self, *args: Any, lead: Lead, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        candidates = ls.team_candidates(lead)
        for name in ("leader", "team"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = candidates
        self.fields["team"].widget.attrs["class"] = "form-check-input"
        self.fields["team"].help_text = "可选本机关及承办部门人员；组长自动列入核查组"
        if not self.is_bound:
            self.initial.setdefault("started_on", timezone.localdate())


class VerificationReportForm(StyledForm):
    outcome = forms.ChoiceField(
        label="建议处理意见",
        required=False,
        choices=[CHOOSE, *[(o.value, o.label) for o in VERIFICATION_OUTCOMES]],
    )
    transfer_to = forms.CharField(
        label="移送机关",
        required=False,
        strip=False,
        help_text="建议移送有关机关的必填，如“县公安局”；批准后向其发出问题转办单",
        widget=forms.TextInput(attrs={"maxlength": 100}),
    )
    report_text = _text("初步核实情况报告", rows=5)


class TransferReplyForm(StyledForm):
    """登记转办反馈: the authority's written reply to the 问题转办单."""

    replied_on = forms.DateField(label="反馈日期", required=False, widget=_date_widget())
    reply = _text("反馈情况", rows=4, help_text="移送机关书面反馈的办理结果")
