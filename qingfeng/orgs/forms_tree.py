"""Forms of the org tree, 协作区, supervised units and staffing pages.

Forms only check shape; the rules (kinds that nest, scope, one zone per township) live in
the services, whose errors ``apply_service_errors`` puts back on the form.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from qingfeng.core.forms import StyledForm
from qingfeng.orgs.models import (
    ALLOWED_CHILDREN,
    POSTS_BY_ORG_KIND,
    DepartmentFunction,
    Org,
    OrgKind,
    PostKind,
    UnitKind,
)


class ConfiguredForm(StyledForm):
    """A StyledForm whose fields depend on the request (scoped querysets, allowed kinds):
    subclasses keep their arguments, then ``configure`` sets the fields up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.configure()

    def configure(self) -> None:
        """Set querysets and choices from the arguments the subclass stored."""


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in enum.choices]


def _set_choices(form: forms.BaseForm, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


_FUNCTION_CHOICES = [("", "（非委机关部门）"), *_choices(DepartmentFunction)]


def org_choice_label(org: Org, base_depth: int = 0) -> str:
    """An org's name indented by its depth, for tree-shaped selects."""
    return "　" * max(org.depth - base_depth, 0) + org.name


class OrgChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    base_depth = 0

    def label_from_instance(self, obj: Any) -> str:
        return org_choice_label(obj, self.base_depth)


def org_choices(orgs: Iterable[Org], empty: str = "全部机构") -> list[tuple[str, str]]:
    orgs = list(orgs)
    base = min((o.depth for o in orgs), default=0)
    return [("", empty)] + [(str(o.pk), org_choice_label(o, base)) for o in orgs]


class OrgCreateForm(ConfiguredForm):
    name = forms.CharField(label="名称", max_length=100)
    code = forms.CharField(label="机构代码", max_length=32)
    kind = forms.ChoiceField(label="类型", choices=OrgKind.choices)
    function = forms.ChoiceField(label="部门职能", choices=_FUNCTION_CHOICES, required=False)
    sort_order = forms.IntegerField(label="排序", initial=0, required=False)
    has_supervision_office = forms.BooleanField(label="设监察办公室", required=False)

    def __init__(self, *args: Any, parent: Org, **kwargs: Any) -> None:
        self.parent = parent
        super().__init__(*args, **kwargs)

    def configure(self) -> None:
        allowed = ALLOWED_CHILDREN[self.parent.kind]
        # Show only the kinds that may sit here; a forged other kind gets a clear message.
        self.fields["kind"].widget.choices = [c for c in OrgKind.choices if c[0] in allowed]

    def clean_kind(self) -> str:
        kind: str = self.cleaned_data["kind"]
        if kind not in ALLOWED_CHILDREN[self.parent.kind]:
            raise forms.ValidationError(
                f"“{self.parent.get_kind_display()}”下不能设立“{OrgKind(kind).label}”"
            )
        return kind

    def clean_sort_order(self) -> int:
        return self.cleaned_data.get("sort_order") or 0


class OrgEditForm(StyledForm):
    name = forms.CharField(label="名称", max_length=100)
    code = forms.CharField(label="机构代码", max_length=32)
    function = forms.ChoiceField(label="部门职能", choices=_FUNCTION_CHOICES, required=False)
    sort_order = forms.IntegerField(label="排序", required=False)
    has_supervision_office = forms.BooleanField(label="设监察办公室", required=False)
    is_active = forms.BooleanField(label="启用", required=False)

    def clean_sort_order(self) -> int:
        return self.cleaned_data.get("sort_order") or 0


class OrgMoveForm(ConfiguredForm):
    new_parent = OrgChoiceField(label="新的上级机构", queryset=Org.objects.none())

    def __init__(self, *args: Any, targets: Any, **kwargs: Any) -> None:
        self.targets = targets
        super().__init__(*args, **kwargs)

    def configure(self) -> None:
        field = self.fields["new_parent"]
        assert isinstance(field, OrgChoiceField)
        field.queryset = self.targets
        field.empty_label = "请选择上级机构"
        field.base_depth = min((o.depth for o in self.targets), default=0)


class ZoneForm(ConfiguredForm):
    name = forms.CharField(label="协作区名称", max_length=100)
    lead_department = OrgChoiceField(label="牵头部门", queryset=Org.objects.none())
    members = forms.ModelMultipleChoiceField(
        label="成员乡镇（街道）",
        queryset=Org.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    sort_order = forms.IntegerField(label="排序", initial=0, required=False)

    def __init__(self, *args: Any, leads: Any, members: Any, **kwargs: Any) -> None:
        self.leads, self.member_choices = leads, members
        super().__init__(*args, **kwargs)

    def configure(self) -> None:
        self.fields["members"].widget.attrs["class"] = "form-check-input"
        lead = self.fields["lead_department"]
        assert isinstance(lead, OrgChoiceField)
        lead.queryset = self.leads
        lead.empty_label = "请选择牵头部门"
        member_field = self.fields["members"]
        assert isinstance(member_field, forms.ModelMultipleChoiceField)
        member_field.queryset = self.member_choices

    def clean_sort_order(self) -> int:
        return self.cleaned_data.get("sort_order") or 0


class UnitForm(ConfiguredForm):
    name = forms.CharField(label="单位名称", max_length=100)
    code = forms.CharField(label="单位代码", max_length=32)
    kind = forms.ChoiceField(label="单位类型", choices=UnitKind.choices)
    org = OrgChoiceField(label="监督机构", queryset=Org.objects.none())
    sort_order = forms.IntegerField(label="排序", initial=0, required=False)

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        self.orgs = orgs
        super().__init__(*args, **kwargs)

    def configure(self) -> None:
        field = self.fields["org"]
        assert isinstance(field, OrgChoiceField)
        field.queryset = self.orgs
        field.empty_label = "请选择监督机构"

    def clean_sort_order(self) -> int:
        return self.cleaned_data.get("sort_order") or 0


class OrgFilterForm(ConfiguredForm):
    """A filter bar whose first field picks one org of a given (short) list."""

    org = forms.ChoiceField(label="机构", required=False)

    def __init__(self, *args: Any, orgs: list[Org], **kwargs: Any) -> None:
        self.org_list = orgs
        self.orgs = {o.pk: o for o in orgs}
        super().__init__(*args, **kwargs)

    def configure(self) -> None:
        _set_choices(self, "org", org_choices(self.org_list))

    def selected_org(self) -> Org | None:
        value = self.cleaned_data.get("org") if self.is_valid() else None
        return self.orgs.get(int(value)) if value else None


class UnitFilterForm(OrgFilterForm):
    kind = forms.ChoiceField(
        label="单位类型", choices=[("", "全部类型"), *UnitKind.choices], required=False
    )
    q = forms.CharField(label="名称/代码", max_length=50, required=False)


class StaffingFilterForm(OrgFilterForm):
    kind = forms.ChoiceField(
        label="岗位", choices=[("", "全部岗位"), *PostKind.choices], required=False
    )
    q = forms.CharField(label="姓名/电话", max_length=50, required=False)


def _post_choices(org: Org) -> list[tuple[str, str]]:
    return [(k, str(PostKind(k).label)) for k in POSTS_BY_ORG_KIND.get(org.kind, ())]


class QuotaForm(ConfiguredForm):
    kind = forms.ChoiceField(label="岗位")
    quota = forms.IntegerField(label="应配人数", min_value=0, max_value=99)

    def __init__(self, *args: Any, org: Org, **kwargs: Any) -> None:
        self.org = org
        super().__init__(*args, **kwargs)

    def configure(self) -> None:
        _set_choices(self, "kind", _post_choices(self.org))


class HolderForm(ConfiguredForm):
    kind = forms.ChoiceField(label="岗位")
    name = forms.CharField(label="姓名", max_length=50)
    phone = forms.RegexField(label="联系电话", regex=r"^[0-9+\- ]{5,20}$", required=False)
    started_on = forms.DateField(
        label="任职日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, org: Org, **kwargs: Any) -> None:
        self.org = org
        super().__init__(*args, **kwargs)

    def configure(self) -> None:
        _set_choices(self, "kind", _post_choices(self.org))
