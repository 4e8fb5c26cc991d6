"""Forms of the approval pages: a signature, a body's chain for one matter, its 办案设置.

Rules live in ``services`` (and ``qingfeng.cases.services`` for the body settings); these
forms carry the input, keep it when a service refuses it, and name each field the way the
services name their errors (``comment``; ``step{i}_role`` / ``step{i}_relation`` /
``step{i}_label``; ``verification_months``).
"""

from __future__ import annotations

from typing import Any

from django import forms

from qingfeng.approvals import chains
from qingfeng.approvals.models import Relation
from qingfeng.approvals.services import COMMENT_MAX
from qingfeng.core.forms import StyledForm, style_fields

APPROVE = "approve"
REJECT = "reject"

# A chain has at most this many steps (services.set_chain refuses more).
CHAIN_ROWS = 5
ROW_FIELDS = ("role", "relation", "label")


class SignForm(StyledForm):
    """同意 / 不同意 with the 审批意见 (required when 不同意, as ``services.sign`` says)."""

    decision = forms.ChoiceField(
        label="审批结论",
        choices=[(APPROVE, "同意"), (REJECT, "不同意")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="审批意见",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "不同意时必须填写审批意见"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "sign")
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = "form-check-input"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        comment = (data.get("comment") or "").strip()
        if data.get("decision") == REJECT and len(comment) < 2:
            self.add_error("comment", "不同意时请填写审批意见")
        return data

    @property
    def approve(self) -> bool:
        return bool(self.cleaned_data["decision"] == APPROVE)


class ChainForm(StyledForm):
    """Up to ``CHAIN_ROWS`` rows of (审批人角色, 审批人所在, 签批栏目), filled from the top.

    Rows are checked by ``services.set_chain``, whose errors name the row (``step{i}_…``);
    the form only makes sure the rows are contiguous so that its numbering is the service's.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_choices = [("", "—"), *chains.SIGNING_ROLES.items()]
        relation_choices = [("", "—"), *Relation.choices]
        for i in range(1, CHAIN_ROWS + 1):
            self.fields[f"step{i}_role"] = forms.ChoiceField(
                label="审批人角色", choices=role_choices, required=False
            )
            self.fields[f"step{i}_relation"] = forms.ChoiceField(
                label="审批人所在", choices=relation_choices, required=False
            )
            self.fields[f"step{i}_label"] = forms.CharField(
                label="签批栏目", max_length=40, required=False
            )
        # The rows are added after StyledForm styled the (empty) declared set.
        style_fields(self)

    @classmethod
    def initial_for(cls, specs: tuple[chains.StepSpec, ...]) -> dict[str, str]:
        initial: dict[str, str] = {}
        for i, spec in enumerate(specs, start=1):
            initial[f"step{i}_role"] = spec.role
            initial[f"step{i}_relation"] = spec.relation
            initial[f"step{i}_label"] = spec.label
        return initial

    def rows(self) -> list[tuple[int, list[forms.BoundField]]]:
        """The rows for the template: (number, [role, relation, label] bound fields)."""
        return [
            (i, [self[f"step{i}_{name}"] for name in ROW_FIELDS]) for i in range(1, CHAIN_ROWS + 1)
        ]

    def _filled(self, data: dict[str, Any], i: int) -> bool:
        return any((data.get(f"step{i}_{name}") or "").strip() for name in ROW_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = [i for i in range(1, CHAIN_ROWS + 1) if self._filled(data, i)]
        if not filled:
            raise forms.ValidationError("请至少填写一个审批步骤；要使用默认流程请点击“恢复默认”")
        if filled != list(range(1, len(filled) + 1)):
            raise forms.ValidationError("请从第1步起连续填写审批步骤，中间不要留空行")
        return data

    def steps(self) -> list[chains.StepSpec]:
        data = self.cleaned_data
        return [
            chains.StepSpec(
                role=data.get(f"step{i}_role") or "",
                relation=data.get(f"step{i}_relation") or "",
                label=(data.get(f"step{i}_label") or "").strip(),
            )
            for i in range(1, CHAIN_ROWS + 1)
            if self._filled(data, i)
        ]


class BodySettingsForm(StyledForm):
    """办案设置 of one body: the local 初步核实 limit (DOMAIN.md §3 *local*) and, for a
    county, 乡案县审 (DOMAIN.md §4 *local*)."""

    verification_months = forms.TypedChoiceField(
        label="初步核实时限",
        choices=[(1, "1个月"), (2, "2个月")],
        coerce=int,
        help_text="本地做法：15个工作日至2个月；已开始的初步核实仍按原时限计算",
    )
    reviews_township_cases = forms.BooleanField(
        label="乡案县审",
        required=False,
        help_text="县（区）纪委监委设置：所辖乡镇（街道）案件先移送县案件审理室审理",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "settings")
        super().__init__(*args, **kwargs)
