"""Pages for supervised persons (监察对象) and the Excel imports of units and persons."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers, has_cap
from qingfeng.core.excel import XLSX, xlsx_response
from qingfeng.core.forms import apply_service_errors
from qingfeng.orgs import imports
from qingfeng.orgs.forms_people import ImportForm, PersonFilterForm, PersonForm
from qingfeng.orgs.people_selectors import (
    EXPORT_CAP,
    PersonFilters,
    PersonPage,
    person_export_rows,
    person_list,
)
from qingfeng.orgs.people_services import (
    person_create,
    person_record_export,
    person_record_view,
    person_update,
)
from qingfeng.orgs.selectors import get_person_for_user

EXPORT_NOTICE = (
    f"注：符合条件的记录超过 {EXPORT_CAP} 条，仅导出前 {EXPORT_CAP} 条，请缩小筛选范围后分批导出。"
)
REPORT_LIMIT = 500  # problems shown on the import page

EXPORT_HEADERS = (
    "姓名",
    "性别",
    "身份证号",
    "工作单位",
    "职务",
    "监察对象类别",
    "中共党员",
    "监督机构",
    "状态",
)


def _require(request: HttpRequest, cap: Cap) -> None:
    """Pages of a capability the user holds nowhere answer 404, like missing pages."""
    if not has_cap(request.user, cap):
        raise Http404


def _filter_form(request: HttpRequest) -> tuple[PersonFilterForm, PersonFilters | None]:
    form = PersonFilterForm(request.GET, user=request.user)
    return form, (form.filters() if form.is_valid() else None)


@login_required
@require_GET
def person_list_view(request: HttpRequest) -> HttpResponse:
    """The scoped person list: filter bar, dense table, 20 a page, count capped."""
    _require(request, Cap.PERSON_VIEW)
    form, filters = _filter_form(request)
    page = person_list(request.user, filters) if filters else PersonPage([], 0, False)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orgs/person_list.html",
        {
            "form": form,
            "page": page,
            "querystring": query.urlencode(),
            "can_manage": has_cap(request.user, Cap.PERSON_MANAGE),
        },
    )


@login_required
@require_GET
def person_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as Excel, ID numbers masked, at most 50,000 rows; audited."""
    _require(request, Cap.PERSON_VIEW)
    form, filters = _filter_form(request)
    if filters is None:
        messages.error(request, "筛选条件有误，未能导出。")
        return redirect("orgs:persons")
    rows, truncated = person_export_rows(request.user, filters)
    person_record_export(
        actor=request.user,
        count=len(rows),
        truncated=truncated,
        filters=form.filters_for_audit(),
        request=request,
    )
    notice: list[list[Any]] = []
    if truncated:
        notice = [[EXPORT_NOTICE]]
    return xlsx_response(
        filename="监察对象", sheet="监察对象", headers=EXPORT_HEADERS, rows=[*rows, *notice]
    )


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One person with the full ID number; each view is logged (DOMAIN.md §7)."""
    person = get_person_for_user(request.user, pk)
    person_record_view(actor=request.user, person=person, request=request)
    can_edit = covers(request.user, Cap.PERSON_MANAGE, person.org)
    return render(request, "orgs/person_detail.html", {"person": person, "can_edit": can_edit})


@login_required
def person_create_view(request: HttpRequest) -> HttpResponse:
    _require(request, Cap.PERSON_MANAGE)
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = person_create(
                actor=request.user,
                unit=data["unit"],
                name=data["name"],
                id_number=data["id_number"],
                category=data["category"],
                post=data["post"],
                is_party_member=data["is_party_member"],
                phone=data["phone"],
                is_active=data["is_active"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已新增监察对象“{person.name}”。")
            return redirect("orgs:person_detail", pk=person.pk)
    return render(request, "orgs/person_form.html", {"form": form, "person": None})


@login_required
def person_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk, write=True)
    form = PersonForm(request.POST or None, user=request.user, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            person_update(actor=request.user, person=person, request=request, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("orgs:person_detail", pk=person.pk)
    return render(request, "orgs/person_form.html", {"form": form, "person": person})


# --- Excel import ---------------------------------------------------------------------------


def _import_page(request: HttpRequest, kind: str) -> HttpResponse:
    spec = imports.KINDS[kind]
    _require(request, spec.cap)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[imports.Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = imports.run_import(
                actor=request.user,
                kind=kind,
                upload=upload,
                filename=upload.name or "",
                request=request,
            )
        except imports.ImportRejected as exc:
            problems = exc.problems
        else:
            messages.success(request, f"导入成功：共导入{spec.label} {count} 条。")
            return redirect(f"orgs:import_{kind}")
    return render(
        request,
        "orgs/import.html",
        {
            "form": form,
            "spec": spec,
            "problems": problems[:REPORT_LIMIT],
            "problem_count": len(problems),
            "hidden_count": max(0, len(problems) - REPORT_LIMIT),
        },
    )


@login_required
def import_units(request: HttpRequest) -> HttpResponse:
    """Upload supervised units from Excel (all rows or none)."""
    return _import_page(request, imports.KIND_UNITS)


@login_required
def import_persons(request: HttpRequest) -> HttpResponse:
    """Upload supervised persons from Excel (all rows or none)."""
    return _import_page(request, imports.KIND_PERSONS)


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """The empty workbook to fill in, listing the codes the user may use."""
    kind = request.GET.get("kind", "")
    spec = imports.KINDS.get(kind)
    if spec is None:
        raise Http404
    _require(request, spec.cap)
    content = imports.template_workbook(actor=request.user, kind=kind)
    resp = HttpResponse(content, content_type=XLSX)
    name = f"{spec.label}导入模板.xlsx"
    resp["Content-Disposition"] = (
        f"attachment; filename=\"import-{kind}.xlsx\"; filename*=UTF-8''{quote(name)}"
    )
    resp["Cache-Control"] = "no-store"
    return resp
