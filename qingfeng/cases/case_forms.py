"""Forms of the case pages: the list's filter bar, the 立案呈批 on a lead, and the steps of
the case file (审查调查, 审理, 处分决定, 执行, 结案).

Rules live in ``case_services``, ``case_review`` and ``decisions``: most fields are optional
here so that the service's own Chinese message names the field; each form's field names are
the keys those services use in their ``ValidationError``, so a refusal lands next to the
field and the input stays.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from qingfeng.accounts.models import User
from qingfeng.approvals.chains import TOWNSHIP_KINDS
from qingfeng.approvals.models import MeetingKind
from qingfeng.approvals.services import MeetingInput
from qingfeng.cases import case_list_selectors as cls
from qingfeng.cases.case_services import TOWNSHIP_MEASURES
from qingfeng.cases.decisions import RECOMMEND_TO_MAX
from qingfeng.cases.forms import (
    ALL,
    CHOOSE,
    UserChoiceField,
    UsersChoiceField,
    _date_widget,
    _text,
)
from qingfeng.cases.jurisdiction import MoveKind
from qingfeng.cases.models import Case, CaseReview, CaseStatus, MeasureKind
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.sanctions import DECIDABLE, PROBATION_TERMS_YEARS, check_sanction_allowed
from qingfeng.core.forms import CHINESE_ERRORS, StyledForm, mark_invalid, style_fields
from qingfeng.orgs.models import CollaborationZone, Org

# -- the list's filter bar ------------------------------------------------------------------


class CaseFilterForm(forms.Form):
    """The filter bar above the case list (GET); org choices are within scope."""

    q = forms.CharField(label="案件编号/被审查调查人", required=False, max_length=60)
    status = forms.ChoiceField(label="状态", required=False, choices=[ALL, *CaseStatus.choices])
    due = forms.ChoiceField(
        label="办理时限",
        required=False,
        choices=[
            ALL,
            (cls.DUE_OVERDUE, "已超期"),
            (cls.DUE_SOON, f"即将超期（{cls.SOON_WORKING_DAYS}个工作日内）"),
        ],
    )
    review = forms.ChoiceField(
        label="审理",
        required=False,
        choices=[
            ALL,
            (cls.REVIEW_ONGOING, "审理阶段"),
            (cls.REVIEW_AT_COUNTY, "乡案县审"),
            (cls.REVIEW_TO_ME, "移送本机关审理"),
        ],
    )
    org = forms.ChoiceField(label="办案机关（含下级）", required=False)
    filed_from = forms.DateField(
        label="立案日期起", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    filed_to = forms.DateField(
        label="立案日期止", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.selected_org = cls.filter_body(user, self.data.get("org"))
        bodies = cls.filter_bodies(user, self.selected_org)
        top = min((o.depth for o in bodies), default=0)
        org_field = self.fields["org"]
        assert isinstance(org_field, forms.ChoiceField)
        org_field.choices = [
            ALL,
            *[(str(o.pk), "\u3000" * (o.depth - top) + o.name) for o in bodies],
        ]
        self.fields["q"].widget.attrs["placeholder"] = "案件编号或姓名开头"
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
        start, end = data.get("filed_from"), data.get("filed_to")
        if start and end and start > end:
            self.add_error("filed_to", "截止日期不能早于起始日期")
        return data

    def filters(self) -> cls.CaseFilters:
        d = self.cleaned_data
        return cls.CaseFilters(
            status=d.get("status", ""),
            org=self.selected_org,
            due=d.get("due", ""),
            review=d.get("review", ""),
            filed_from=d.get("filed_from"),
            filed_to=d.get("filed_to"),
            q=d.get("q", ""),
            page=d.get("page") or 1,
        )


# -- shared parts ---------------------------------------------------------------------------


def outcome_choices(case: Case | None = None) -> list[tuple[str, str]]:
    """The outcomes a case may end in (``sanctions.DECIDABLE``), in the order of the four
    forms' table; with ``case``, only those the person may be given (DOMAIN.md §5)."""
    out: list[tuple[str, str]] = []
    for outcome in Outcome:
        if outcome not in DECIDABLE:
            continue
        if case is not None:
            try:
                check_sanction_allowed(
                    outcome,
                    is_village_cadre=case.is_village_cadre,
                    is_party_member=case.is_party_member,
                )
            except ValidationError:
                continue
        out.append((outcome.value, str(outcome.label)))
    return out


def _outcomes_field(label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        choices=outcome_choices(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="可多选：党纪处分、政务处分各至多一种，可并处组织处理",
    )


def _limit_outcomes(form: forms.BaseForm, name: str, case: Case) -> None:
    """Offer only the outcomes the case's person may be given (DOMAIN.md §5)."""
    field = form.fields[name]
    assert isinstance(field, forms.MultipleChoiceField)
    field.choices = outcome_choices(case)


class RequiredTogether(StyledForm):
    """Reports every missing part at once (the services stop at the first); the same words
    as theirs. Subclasses list them in ``REQUIRED``."""

    REQUIRED: dict[str, str] = {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, message in self.REQUIRED.items():
            value = data.get(name)
            if name in data and (value is None or not str(value).strip()):
                self.add_error(name, message)
        return data


class MeetingForm(RequiredTogether):
    """A step resting on a collective decision (集体研究 / 集体审议, DOMAIN.md §3–§4); the
    fields are named as ``approvals.services`` names its errors."""

    meeting_kind = forms.ChoiceField(
        label="集体研究会议", required=False, choices=[CHOOSE, *MeetingKind.choices]
    )
    meeting_held_on = forms.DateField(label="会议日期", required=False, widget=_date_widget())
    meeting_participants = _text("参会人员", rows=2)
    meeting_conclusion = _text("研究意见", rows=2)

    MEETING_REQUIRED = {
        "meeting_kind": "请选择会议类型",
        "meeting_held_on": "请填写集体研究的会议日期",
        "meeting_participants": "请填写参会人员",
        "meeting_conclusion": "请填写集体研究意见",
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, message in self.MEETING_REQUIRED.items():
            value = data.get(name)
            if name in data and (value is None or not str(value).strip()):
                self.add_error(name, message)
        return data

    def meeting(self) -> MeetingInput:
        d = self.cleaned_data
        return MeetingInput(
            kind=d["meeting_kind"],
            held_on=d["meeting_held_on"],
            participants=d["meeting_participants"],
            conclusion=d["meeting_conclusion"],
        )


# -- 立案 (on the lead) ----------------------------------------------------------------------


class FilingForm(MeetingForm):
    """立案审查调查呈批报告: the sides, the person's status and the grounds (DOMAIN.md §4)."""

    summary = _text("主要问题及立案依据", rows=6)
    party_case = forms.BooleanField(label="党纪立案审查（纪委）", required=False)
    supervision_case = forms.BooleanField(label="监察立案调查（监委）", required=False)
    complex_case = forms.BooleanField(label="复杂案件（处分由县级审批）", required=False)
    is_party_member = forms.BooleanField(label="被审查调查人是中共党员", required=False)
    is_supervised = forms.BooleanField(label="被审查调查人是监察对象", required=False)
    is_village_cadre = forms.BooleanField(label="被审查调查人是村（社区）干部", required=False)

    field_order = [
        "summary",
        "is_party_member",
        "is_supervised",
        "is_village_cadre",
        "party_case",
        "supervision_case",
        "complex_case",
    ]
    REQUIRED = {"summary": "请填写主要问题及立案依据"}


# -- 审查调查 --------------------------------------------------------------------------------


class TeamForm(StyledForm):
    leader = UserChoiceField(label="审查调查组组长", required=False, queryset=User.objects.none())
    team = UsersChoiceField(
        label="审查调查组成员",
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        candidates = cls.team_candidates(case)
        for name in ("leader", "team"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = candidates
        leader = self.fields["leader"]
        assert isinstance(leader, forms.ModelChoiceField)
        leader.empty_label = "请选择"
        self.fields["team"].widget.attrs["class"] = "form-check-input"
        self.fields["team"].help_text = "可选办案机关及承办部门人员；组长自动列入，全组至少2人"
        if not self.is_bound and case.leader_id:
            self.initial.setdefault("leader", case.leader_id)


class MeasureForm(StyledForm):
    kind = forms.ChoiceField(
        label="审查调查措施", required=False, choices=[CHOOSE, *MeasureKind.choices]
    )
    target = forms.CharField(label="对象/财物", required=False, strip=False)
    reason = _text("理由及依据", rows=3)
    starts_on = forms.DateField(
        label="开始日期", required=False, widget=_date_widget(past_only=False)
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].widget.attrs["maxlength"] = 200
        if case.org.kind in TOWNSHIP_KINDS:
            # A township takes the non-coercive measures only (``case_services``).
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [
                CHOOSE,
                *[(k.value, k.label) for k in MeasureKind if k in TOWNSHIP_MEASURES],
            ]


class ExtensionForm(RequiredTogether):
    months = forms.TypedChoiceField(
        label="延长期限",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[CHOOSE, *[(str(m), f"{m}个月") for m in range(1, 7)]],
    )
    reason = _text("延长理由", rows=3)

    REQUIRED = {"months": "延长期限为1至6个月", "reason": "请填写延长理由"}


class InvestigationReportForm(StyledForm):
    proposed_outcomes = _outcomes_field("建议处理意见")
    report_text = _text("审查调查报告", rows=6)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_outcomes(self, "proposed_outcomes", case)


# -- 管辖调整 --------------------------------------------------------------------------------


class MoveTargetField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A township of the county, labelled with its 协作区 and whether it shares one with the
    case's home body — such a township cannot take the case by 交叉办理 (DOMAIN.md §1, §4)."""

    home_zones: frozenset[int] = frozenset()

    def label_from_instance(self, obj: Any) -> str:
        zones = list(obj.member_zones.all())
        if not zones:
            return f"{obj.name}（未加入协作区）"
        names = "、".join(z.name for z in zones)
        shared = "，与原管辖机关同区" if any(z.pk in self.home_zones for z in zones) else ""
        return f"{obj.name}（{names}{shared}）"


class JurisdictionMoveForm(RequiredTogether):
    """管辖调整呈批: 提级办理, 指定管辖 or 交叉办理 (``jurisdiction.propose_move``). The target
    list holds the other townships of the case's county; the service checks the rule of the
    chosen kind (another 协作区 for 交叉办理)."""

    kind = forms.ChoiceField(label="调整方式", required=False, choices=[CHOOSE, *MoveKind.choices])
    target = MoveTargetField(label="承办机关", required=False, queryset=Org.objects.none())
    reason = _text("理由", rows=3)

    REQUIRED = {"kind": "请选择管辖调整方式", "reason": "请填写理由"}

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        home = list(CollaborationZone.objects.filter(members=case.home_org).order_by("pk"))
        self.home_zone_names = [z.name for z in home]
        field = self.fields["target"]
        assert isinstance(field, MoveTargetField)
        field.home_zones = frozenset(z.pk for z in home)
        field.queryset = (
            Org.objects.filter(
                parent_id=case.org.parent_id, kind__in=TOWNSHIP_KINDS, is_active=True
            )
            .exclude(pk=case.org_id)
            .prefetch_related("member_zones")
            .order_by("sort_order", "code")
        )
        field.empty_label = "请选择"
        field.help_text = (
            "提级办理无需选择；括号内为所在协作区，交叉办理须选其他协作区的乡镇（街道）"
        )


# -- 审理 ------------------------------------------------------------------------------------


class ReviewersForm(StyledForm):
    reviewers = UsersChoiceField(
        label="审理人员",
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, case: Case, review: CaseReview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = cls.reviewer_candidates(case, review)
        field.widget.attrs["class"] = "form-check-input"
        field.help_text = "至少2人，参加审查调查的人员不得参与审理"


class ReviewTalkForm(StyledForm):
    talk_on = forms.DateField(label="谈话日期", required=False, widget=_date_widget())
    talk_record = _text("审理谈话记录", rows=5)


class ReturnForm(StyledForm):
    reason = _text("退回补充证据的理由", rows=3)


class ReviewReportForm(MeetingForm):
    proposed_outcomes = _outcomes_field("审理意见")
    report_text = _text("审理报告", rows=6)

    field_order = ["proposed_outcomes", "report_text"]

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_outcomes(self, "proposed_outcomes", case)
        if not self.is_bound:
            self.initial.setdefault("proposed_outcomes", list(case.proposed_outcomes))


# -- 处分决定, 执行, 结案 --------------------------------------------------------------------------


class DecisionForm(MeetingForm):
    """处分（处理）决定呈批; with 组织处理 the 纪检监察建议书's 主送单位 and further
    recommendations (``decisions.propose_decision``: the commission recommends 组织处理, it
    never decides it, DOMAIN.md §5)."""

    outcomes = _outcomes_field("处分（处理）决定")
    probation_years = forms.TypedChoiceField(
        label="留党察看期限",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "（不适用）"), *[(str(y), f"{y}年") for y in PROBATION_TERMS_YEARS]],
    )
    recommend_to = forms.CharField(
        label="纪检监察建议书主送单位",
        required=False,
        strip=False,
        help_text="仅拟给予组织处理（停职检查、调整职务、责令辞职、免职、降职）时填写，"
        "如“中共东坝镇委员会”“中共清河县委组织部”",
    )
    recommend_text = _text(
        "其他建议",
        rows=3,
        help_text="仅拟给予组织处理时填写，可选：如以案促改、完善制度等，每行一条",
    )

    field_order = ["outcomes", "probation_years", "recommend_to", "recommend_text"]

    def __init__(self, *args: Any, case: Case, proposed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_outcomes(self, "outcomes", case)
        self.fields["probation_years"].help_text = "仅给予留党察看时填写"
        self.fields["recommend_to"].widget.attrs["maxlength"] = RECOMMEND_TO_MAX
        if not self.is_bound:
            self.initial.setdefault("outcomes", list(proposed))


class AnnouncementForm(StyledForm):
    announced_on = forms.DateField(label="宣布日期", required=False, widget=_date_widget())


class ExecutionForm(StyledForm):
    executed_on = forms.DateField(label="执行情况报告日期", required=False, widget=_date_widget())
    note = _text("执行情况", rows=3)


class RecommendationReplyForm(StyledForm):
    """The reply to the 纪检监察建议书 (``decisions.record_recommendation_reply``)."""

    replied_on = forms.DateField(label="回复日期", required=False, widget=_date_widget())
    reply = _text("采纳落实情况", rows=3)


class CloseForm(StyledForm):
    summary = _text("结案报告（办理情况及结论）", rows=5)
