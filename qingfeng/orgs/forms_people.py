"""Forms of the person pages: the list's filter bar, the person form and the upload form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from qingfeng.core.forms import CHINESE_ERRORS, StyledForm, style_fields
from qingfeng.orgs.idnumber import parse_id_number
from qingfeng.orgs.models import Person, PersonCategory, Unit
from qingfeng.orgs.people_selectors import (
    PersonFilters,
    person_filter_org,
    person_filter_orgs,
    person_filter_units,
    units_for_person_manage,
)
from qingfeng.orgs.people_services import UNIT_OUT_OF_SCOPE

ALL = ("", "全部")
YES_NO = [ALL, ("1", "是"), ("0", "否")]
ACTIVE = [ALL, ("1", "在职"), ("0", "不在职")]


def _flag(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


class ScopedChoicesForm(forms.Form):
    """A styled form whose choices depend on the user's scope.

    ``StyledForm`` reads ``form.errors`` while initialising, which would validate the data
    before the scoped choices below exist; these forms style themselves last instead.
    """

    def finish(self) -> None:
        """Chinese messages on every field first, then styling (which validates)."""
        for field in self.fields.values():
            field.error_messages = {**field.error_messages, **CHINESE_ERRORS}
        style_fields(self)


class PersonFilterForm(ScopedChoicesForm):
    """The filter bar above the list (GET). Orgs and units offered are within scope."""

    org = forms.ChoiceField(label="监督机构", required=False)
    unit = forms.ChoiceField(label="单位", required=False)
    category = forms.ChoiceField(
        label="类别",
        required=False,
        choices=[ALL, *[(str(v), str(label)) for v, label in PersonCategory.choices]],
    )
    party = forms.ChoiceField(label="党员", required=False, choices=YES_NO)
    active = forms.ChoiceField(label="状态", required=False, choices=ACTIVE)
    q = forms.CharField(label="姓名/身份证号", required=False, max_length=30)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.selected_org = person_filter_org(user, self.data.get("org"))
        orgs = person_filter_orgs(user, self.selected_org)
        top = min((o.depth for o in orgs), default=0)
        self._choice_field("org").choices = [
            ALL,
            *[(str(o.pk), "\u3000" * (o.depth - top) + o.name) for o in orgs],
        ]
        units = person_filter_units(user, self.selected_org)
        self._choice_field("unit").choices = [ALL, *[(str(u.pk), u.name) for u in units or ()]]
        if self.selected_org is None:
            self.fields["unit"].disabled = True
            self.fields["unit"].help_text = "先选择监督机构"
        elif units is None:
            self.fields["unit"].disabled = True
            self.fields["unit"].help_text = "单位较多，请先选择下级机构"
        self.fields["q"].widget.attrs["placeholder"] = "姓名开头或身份证号"
        self.finish()

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def filters(self) -> PersonFilters:
        data = self.cleaned_data
        return PersonFilters(
            org=self.selected_org,
            unit_id=int(data["unit"]) if data.get("unit") else None,
            category=int(data["category"]) if data.get("category") else None,
            is_party_member=_flag(data.get("party", "")),
            q=data.get("q", ""),
            is_active=_flag(data.get("active", "")),
            page=data.get("page") or 1,
        )

    def filters_for_audit(self) -> dict[str, Any]:
        """The filters as JSON-safe values, for the export's audit event."""
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None) and k != "page"}


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Units within scope; one outside it reads as missing (DESIGN.md §3)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.org.name}）"

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError as exc:
            if exc.code == "invalid_choice":
                raise ValidationError(UNIT_OUT_OF_SCOPE, code="invalid_choice") from None
            raise


class PersonForm(ScopedChoicesForm):
    """Register or edit a person; birth date and gender follow from the ID number."""

    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="身份证号",
        max_length=20,
        help_text="18位公民身份号码；出生日期和性别由身份证号自动得出",
    )
    unit = UnitChoiceField(label="工作单位", queryset=Unit.objects.none())
    post = forms.CharField(label="职务", max_length=100, required=False)
    category = forms.TypedChoiceField(
        label="监察对象类别",
        coerce=int,
        choices=[("", "请选择"), *PersonCategory.choices],
    )
    is_party_member = forms.BooleanField(label="中共党员", required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    is_active = forms.BooleanField(label="在职", required=False, initial=True)

    def __init__(self, *args: Any, user: Any, person: Person | None = None, **kwargs: Any):
        if person is not None and not args and "data" not in kwargs:
            kwargs.setdefault(
                "initial",
                {
                    "name": person.name,
                    "id_number": person.id_number,
                    "unit": person.unit_id,
                    "post": person.post,
                    "category": person.category,
                    "is_party_member": person.is_party_member,
                    "phone": person.phone,
                    "is_active": person.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)
        units = units_for_person_manage(user)
        if person is not None:  # keep the current unit even if it has since been disabled
            units = units | Unit.objects.filter(pk=person.unit_id)
        unit_field.queryset = units
        self.finish()

    def clean_id_number(self) -> str:
        try:
            return parse_id_number(self.cleaned_data["id_number"]).id_number
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class ImportForm(StyledForm):
    file = forms.FileField(
        label="Excel文件",
        help_text="仅支持 .xlsx 格式，不超过 10 MB、20000 行",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
