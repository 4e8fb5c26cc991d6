"""Pages of the org tree, 协作区, supervised units and staffing (人员配备).

Views stay thin: scoped accessors answer 404 for anything outside the user's scope, the
services validate and audit every write, selectors do the (grouped) reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers, has_cap, orgs_with
from qingfeng.audit.models import Action
from qingfeng.audit.services import record
from qingfeng.core.excel import xlsx_response
from qingfeng.core.forms import apply_service_errors
from qingfeng.orgs import selectors as sel
from qingfeng.orgs import services
from qingfeng.orgs.forms_tree import (
    HolderForm,
    OrgCreateForm,
    OrgEditForm,
    OrgMoveForm,
    QuotaForm,
    StaffingFilterForm,
    UnitFilterForm,
    UnitForm,
    ZoneForm,
)
from qingfeng.orgs.models import (
    ALLOWED_CHILDREN,
    POSTS_BY_ORG_KIND,
    Org,
    OrgKind,
    Person,
    UnitKind,
)

PAGE_SIZE = 50
EXPORT_CAP = 50_000


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> dict[str, Any]:
    page_obj = Paginator(items, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page_obj": page_obj, "querystring": query.urlencode()}


def _tree_url(org: Org) -> str:
    return f"{reverse('orgs:tree')}?org={org.pk}"


def _export(
    request: HttpRequest,
    *,
    what: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    count: int,
) -> HttpResponse:
    """Audit an export (DESIGN.md §3) and stream it."""
    record(
        action=Action.EXPORT,
        actor=request.user,
        detail=f"导出{what} {count} 条",
        changes={"filters": request.GET.dict(), "count": count},
        request=request,
    )
    return xlsx_response(filename=what, sheet=what, headers=headers, rows=rows)


# --- Org tree ------------------------------------------------------------------------------


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """Left: the scope's tree opened to the selected node; right: the node itself."""
    user = request.user
    org_id = _int(request.GET.get("org"))
    selected: Org | None
    if org_id is not None:
        selected = sel.get_org_for_user(user, org_id)
    else:
        roots = sel.scope_roots(user)
        selected = roots[0] if roots else None
    context: dict[str, Any] = {"nodes": sel.org_tree(user, selected), "selected": selected}
    if selected is not None:
        manage = covers(user, Cap.ORG_MANAGE, selected)
        context.update(
            breadcrumb=sel.org_breadcrumb(user, selected),
            children=sel.org_children_with_counts(user, selected),
            counts=sel.org_subtree_counts(user, selected),
            units=sel.units_attached(selected),
            zones=list(selected.member_zones.all()) if selected.is_township else [],
            can_add=manage and bool(ALLOWED_CHILDREN[selected.kind]),
            can_edit=manage,
            can_move=selected.parent_id is not None
            and covers(user, Cap.ORG_MANAGE, selected, subtree=True),
            can_staffing=selected.kind in POSTS_BY_ORG_KIND
            and covers(user, Cap.STAFFING_VIEW, selected),
        )
    return render(request, "orgs/tree.html", context)


@login_required
def tree_children(request: HttpRequest) -> HttpResponse:
    """The htmx partial that expands one node of the tree."""
    parent = sel.get_org_for_user(request.user, _int(request.GET.get("parent")) or 0)
    nodes = sel.tree_children(request.user, parent)
    return render(request, "orgs/tree_children.html", {"nodes": nodes})


@login_required
def org_create(request: HttpRequest) -> HttpResponse:
    parent = sel.get_org_for_user(request.user, _int(request.GET.get("parent")) or 0, write=True)
    if not ALLOWED_CHILDREN[parent.kind]:
        raise Http404
    form = OrgCreateForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            org = services.org_create(
                actor=request.user,
                name=data["name"],
                code=data["code"],
                kind=data["kind"],
                parent=parent,
                sort_order=data["sort_order"],
                function=data["function"] if data["kind"] == OrgKind.DEPARTMENT else "",
                has_supervision_office=data["has_supervision_office"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已新增“{org.name}”。")
            return redirect(_tree_url(org))
    return render(
        request,
        "orgs/tree_org_form.html",
        {
            "form": form,
            "org": parent,
            "creating": True,
            "title": f"新增下级机构 · {parent.name}",
        },
    )


@login_required
def org_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = sel.get_org_for_user(request.user, pk, write=True)
    initial = {
        "name": org.name,
        "code": org.code,
        "function": org.function,
        "sort_order": org.sort_order,
        "has_supervision_office": org.has_supervision_office,
        "is_active": org.is_active,
    }
    form = OrgEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if org.kind != OrgKind.DEPARTMENT:
            data["function"] = ""  # only the commission's own departments have a function
        try:
            services.org_update(actor=request.user, org=org, request=request, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "机构信息已保存。")
            return redirect(_tree_url(org))
    return render(
        request,
        "orgs/tree_org_form.html",
        {"form": form, "org": org, "title": f"编辑机构 · {org.name}"},
    )


@login_required
def org_move(request: HttpRequest, pk: int) -> HttpResponse:
    org = sel.get_org_for_user(request.user, pk, write=True)
    if org.parent_id is None or not covers(request.user, Cap.ORG_MANAGE, org, subtree=True):
        raise Http404
    form = OrgMoveForm(request.POST or None, targets=sel.move_targets(request.user, org))
    if request.method == "POST" and form.is_valid():
        try:
            services.org_move(
                actor=request.user,
                org=org,
                new_parent=form.cleaned_data["new_parent"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已将“{org.name}”及其下级移动到新的上级机构。")
            return redirect(_tree_url(org))
    return render(request, "orgs/tree_org_move.html", {"form": form, "org": org})


# --- 协作区 -------------------------------------------------------------------------------


@login_required
def zones(request: HttpRequest) -> HttpResponse:
    members = Prefetch("members", queryset=Org.objects.order_by("sort_order", "code"))
    zone_list = list(sel.zones_visible_to(request.user).prefetch_related(members))
    counties = sel.zone_counties(request.user)
    return render(
        request,
        "orgs/zone_list.html",
        {
            "zones": zone_list,
            "counties": counties,
            "manageable": {c.pk for c in counties},
        },
    )


def _zone_form_page(
    request: HttpRequest, county: Org, zone: Any, initial: dict[str, Any]
) -> HttpResponse:
    form = ZoneForm(
        request.POST or None,
        initial=initial,
        leads=sel.zone_lead_choices(county),
        members=sel.zone_member_choices(county),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.zone_save(
                actor=request.user,
                zone=zone,
                county=county,
                name=data["name"],
                lead_department=data["lead_department"],
                members=data["members"],
                sort_order=data["sort_order"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"协作区“{saved.name}”已保存。")
            return redirect("orgs:zones")
    return render(request, "orgs/zone_form.html", {"form": form, "county": county, "zone": zone})


@login_required
def zone_create(request: HttpRequest) -> HttpResponse:
    counties = sel.zone_counties(request.user)
    county_id = _int(request.GET.get("county"))
    if county_id is None and len(counties) == 1:
        county_id = counties[0].pk
    if county_id is None:
        if not counties:
            raise Http404
        return render(request, "orgs/zone_county_choice.html", {"counties": counties})
    county = sel.get_org_for_user(request.user, county_id, write=True)
    if county.kind != OrgKind.COUNTY:
        raise Http404
    return _zone_form_page(request, county, None, {"sort_order": 0})


@login_required
def zone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    zone = sel.get_zone_for_user(request.user, pk, write=True)
    initial = {
        "name": zone.name,
        "lead_department": zone.lead_department_id,
        "members": list(zone.members.values_list("pk", flat=True)),
        "sort_order": zone.sort_order,
    }
    return _zone_form_page(request, zone.county, zone, initial)


# --- Supervised units ---------------------------------------------------------------------


def _unit_filters(request: HttpRequest) -> tuple[UnitFilterForm, Any]:
    form = UnitFilterForm(
        request.GET or None, orgs=sel.filter_org_choices(request.user, Cap.ORG_VIEW)
    )
    data = form.cleaned_data if form.is_valid() else {}
    qs = sel.units_filtered(
        request.user,
        org=form.selected_org() if data else None,
        kind=data.get("kind", ""),
        q=(data.get("q") or "").strip(),
    )
    return form, qs


@login_required
def units(request: HttpRequest) -> HttpResponse:
    form, qs = _unit_filters(request)
    context = {
        "form": form,
        "can_create": has_cap(request.user, Cap.UNIT_MANAGE),
        **_paginate(request, qs),
    }
    return render(request, "orgs/unit_list.html", context)


@login_required
def units_export(request: HttpRequest) -> HttpResponse:
    _form, qs = _unit_filters(request)
    rows = list(qs.values_list("name", "code", "kind", "org__name", "is_active")[:EXPORT_CAP])
    labels = {k: str(v) for k, v in UnitKind.choices}
    return _export(
        request,
        what="被监督单位",
        headers=["单位名称", "单位代码", "单位类型", "监督机构", "状态"],
        rows=(
            (name, code, labels.get(kind, kind), org, "启用" if active else "停用")
            for name, code, kind, org, active in rows
        ),
        count=len(rows),
    )


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = sel.get_unit_for_user(request.user, pk)
    show_persons = covers(request.user, Cap.PERSON_VIEW, unit.org)
    context = {
        "unit": unit,
        "breadcrumb": [*sel.org_breadcrumb(request.user, unit.org), unit.org],
        "persons": Person.objects.filter(unit=unit).count() if show_persons else None,
        "can_edit": covers(request.user, Cap.UNIT_MANAGE, unit.org),
    }
    return render(request, "orgs/unit_detail.html", context)


def _unit_form_page(request: HttpRequest, unit: Any, initial: dict[str, Any]) -> HttpResponse:
    orgs = orgs_with(request.user, Cap.UNIT_MANAGE).filter(is_active=True).order_by("path")
    form = UnitForm(request.POST or None, initial=initial, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.unit_save(actor=request.user, unit=unit, request=request, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"单位“{saved.name}”已保存。")
            return redirect("orgs:unit_detail", pk=saved.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "unit": unit})


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    if not has_cap(request.user, Cap.UNIT_MANAGE):
        raise Http404
    return _unit_form_page(
        request, None, {"org": _int(request.GET.get("org")), "kind": "", "sort_order": 0}
    )


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = sel.get_unit_for_user(request.user, pk, write=True)
    initial = {
        "name": unit.name,
        "code": unit.code,
        "kind": unit.kind,
        "org": unit.org_id,
        "sort_order": unit.sort_order,
    }
    return _unit_form_page(request, unit, initial)


# --- Staffing ------------------------------------------------------------------------------


def _staffing_filter(request: HttpRequest) -> StaffingFilterForm:
    orgs = [
        o
        for o in sel.filter_org_choices(request.user, Cap.STAFFING_VIEW)
        if o.kind != OrgKind.STATION
    ]
    return StaffingFilterForm(request.GET or None, orgs=orgs)


@login_required
def staffing(request: HttpRequest) -> HttpResponse:
    """Vacancies (缺配) per township in scope, with their stations summed."""
    form = _staffing_filter(request)
    rows, total = sel.staffing_table(request.user, root=form.selected_org())
    context = {
        "form": form,
        "columns": sel.staffing_columns(),
        "total": total,
        **_paginate(request, rows),
    }
    return render(request, "orgs/staffing.html", context)


@login_required
def staffing_export(request: HttpRequest) -> HttpResponse:
    form = _staffing_filter(request)
    rows, total = sel.staffing_table(request.user, root=form.selected_org())
    headers = ["乡镇（街道）", "所属县（区）", "联络站数"]
    for col in sel.staffing_columns():
        headers += [f"{col.label}应配", f"{col.label}实配", f"{col.label}缺配"]
        if col.short_stations is not None:
            headers.append(f"{col.label}缺配站数")

    def line(row: sel.StaffingRow) -> list[Any]:
        out: list[Any] = [row.name, row.county, row.stations]
        for cell in row.cells:
            out += [cell.quota, cell.held, cell.vacant]
            if cell.short_stations is not None:
                out.append(cell.short_stations)
        return out

    return _export(
        request,
        what="人员配备缺配统计",
        headers=headers,
        rows=[*(line(r) for r in rows), line(total)],
        count=len(rows),
    )


def _roster_qs(request: HttpRequest) -> tuple[StaffingFilterForm, Any]:
    form = _staffing_filter(request)
    data = form.cleaned_data if form.is_valid() else {}
    qs = sel.roster(
        request.user,
        kind=data.get("kind", ""),
        org=form.selected_org() if data else None,
        q=(data.get("q") or "").strip(),
    )
    return form, qs


@login_required
def roster(request: HttpRequest) -> HttpResponse:
    """The roster of 信息员, 村纪检委员, 站长 and township staff in scope."""
    form, qs = _roster_qs(request)
    context = {"form": form, **_paginate(request, qs)}
    return render(request, "orgs/staffing_roster.html", context)


@login_required
def roster_export(request: HttpRequest) -> HttpResponse:
    _form, qs = _roster_qs(request)
    holders = list(qs[:EXPORT_CAP])
    return _export(
        request,
        what="在岗人员花名册",
        headers=["姓名", "岗位", "机构", "上级机构", "联系电话", "任职日期"],
        rows=(
            (
                h.name,
                h.post.get_kind_display(),
                h.post.org.name,
                h.post.org.parent.name if h.post.org.parent else "",
                h.phone,
                h.started_on.isoformat() if h.started_on else "",
            )
            for h in holders
        ),
        count=len(holders),
    )


def _staffing_back(user: Any, org: Org) -> HttpResponse:
    """Back to the township page after a change at one of its stations."""
    if org.kind == OrgKind.STATION and org.parent and covers(user, Cap.STAFFING_VIEW, org.parent):
        return redirect("orgs:staffing_org", pk=org.parent_id)
    return redirect("orgs:staffing_org", pk=org.pk)


@login_required
def staffing_org(request: HttpRequest, pk: int) -> HttpResponse:
    """One township's (or station's) posts and holders; the quota form for managers."""
    org = sel.get_staffing_org_for_user(request.user, pk, write=request.method == "POST")
    can_manage = covers(request.user, Cap.STAFFING_MANAGE, org)
    form = QuotaForm(request.POST or None, org=org) if can_manage else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.staff_post_set_quota(
                actor=request.user,
                org=org,
                kind=form.cleaned_data["kind"],
                quota=form.cleaned_data["quota"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "应配人数已保存。")
            return redirect("orgs:staffing_org", pk=org.pk)
    stations = sel.township_stations(request.user, org) if org.is_township else []
    lines = sel.org_post_lines([org, *stations])
    context = {
        "org": org,
        "form": form,
        "can_manage": can_manage,
        "lines": lines[org.pk],
        "stations": [(s, lines[s.pk]) for s in stations],
        "breadcrumb": sel.org_breadcrumb(request.user, org),
    }
    return render(request, "orgs/staffing_org.html", context)


@login_required
def holder_create(request: HttpRequest) -> HttpResponse:
    org = sel.get_staffing_org_for_user(request.user, _int(request.GET.get("org")) or 0, write=True)
    form = HolderForm(request.POST or None, org=org, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        try:
            holder = services.post_holder_add(
                actor=request.user, org=org, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已添加在岗人员“{holder.name}”。")
            return _staffing_back(request.user, org)
    return render(request, "orgs/staffing_holder_form.html", {"form": form, "org": org})


@login_required
@require_POST
def holder_remove(request: HttpRequest, pk: int) -> HttpResponse:
    holder = sel.get_holder_for_user(request.user, pk, write=True)
    org = holder.post.org
    services.post_holder_remove(actor=request.user, holder=holder, request=request)
    messages.success(request, f"“{holder.name}”已离岗。")
    return _staffing_back(request.user, org)
