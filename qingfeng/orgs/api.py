"""Orgs API: the commission tree, 协作区, supervised units and staffing, all scoped.

Reads go through the scoped selectors and writes through the services, exactly like the
pages; anything outside the caller's scope answers 404 like a missing id.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from qingfeng.orgs import selectors as sel
from qingfeng.orgs import services
from qingfeng.orgs.models import CollaborationZone, DepartmentFunction, Org, OrgKind, Unit, UnitKind

router = Router(tags=["组织机构"])

MAX_PAGE_SIZE = 200


# --- Schemas ------------------------------------------------------------------------------


class OrgOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    kind_label: str
    function: str
    parent_id: int | None
    path: str
    depth: int
    sort_order: int
    has_supervision_office: bool
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj: Org) -> str:
        return obj.get_kind_display()


class OrgPage(Schema):
    count: int
    items: list[OrgOut]


class OrgFilters(Schema):
    parent: int | None = Field(None, description="只列出该机构的直接下级")
    kind: OrgKind | None = None
    q: str | None = Field(None, max_length=50, description="名称或代码包含")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class OrgIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    code: str = Field(..., min_length=1, max_length=32)
    kind: OrgKind
    parent_id: int
    sort_order: int = 0
    function: DepartmentFunction | Literal[""] = ""
    has_supervision_office: bool = False


class OrgPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    code: str | None = Field(None, min_length=1, max_length=32)
    sort_order: int | None = None
    function: DepartmentFunction | Literal[""] | None = None
    has_supervision_office: bool | None = None
    is_active: bool | None = None


class MoveIn(Schema):
    parent_id: int = Field(..., description="新的上级机构")


class NamedRef(Schema):
    id: int
    name: str


class ZoneOut(Schema):
    id: int
    name: str
    county: NamedRef
    lead_department: NamedRef
    members: list[NamedRef]
    sort_order: int

    @staticmethod
    def resolve_members(obj: CollaborationZone) -> list[Org]:
        return list(obj.members.all())


class UnitOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    kind_label: str
    org: NamedRef
    sort_order: int
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj: Unit) -> str:
        return obj.get_kind_display()


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


class UnitFilters(Schema):
    org: int | None = Field(None, description="该机构及其全部下级监督的单位")
    kind: UnitKind | None = None
    q: str | None = Field(None, max_length=50, description="名称或代码包含")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class UnitIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    code: str = Field(..., min_length=1, max_length=32)
    kind: UnitKind
    org_id: int
    sort_order: int = 0


class UnitPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    code: str | None = Field(None, min_length=1, max_length=32)
    kind: UnitKind | None = None
    org_id: int | None = None
    sort_order: int | None = None


class StaffingCellOut(Schema):
    kind: str
    label: str
    quota: int
    held: int
    vacant: int
    short_stations: int | None = Field(None, description="联络站岗位：低于应配人数的联络站数")


class StaffingRowOut(Schema):
    org_id: int | None
    name: str
    county: str
    stations: int
    vacant: int
    posts: list[StaffingCellOut]


class StaffingOut(Schema):
    count: int
    items: list[StaffingRowOut]
    total: StaffingRowOut


class StaffingFilters(Schema):
    org: int | None = Field(None, description="只统计该机构下的乡镇（街道）")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


def _page(items: QuerySet[Any] | list[Any], page: int, size: int) -> tuple[int, list[Any]]:
    count = items.count() if isinstance(items, QuerySet) else len(items)
    start = (page - 1) * size
    return count, list(items[start : start + size])


# --- Orgs ---------------------------------------------------------------------------------


@router.get("/orgs", response=OrgPage, summary="机构列表（按授权范围）")
def list_orgs(request: HttpRequest, filters: Query[OrgFilters]) -> dict[str, Any]:
    qs = sel.orgs_visible_to(request.user)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent).order_by("sort_order", "code")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(code__icontains=filters.q))
    count, items = _page(qs, filters.page, filters.page_size)
    return {"count": count, "items": items}


@router.get("/orgs/{org_id}", response=OrgOut, summary="机构详情")
def get_org(request: HttpRequest, org_id: int) -> Org:
    return sel.get_org_for_user(request.user, org_id)


@router.post("/orgs", response={201: OrgOut}, summary="新增下级机构")
def create_org(request: HttpRequest, payload: OrgIn) -> Status[Org]:
    parent = sel.get_org_for_user(request.user, payload.parent_id)
    org = services.org_create(
        actor=request.user,
        name=payload.name.strip(),
        code=payload.code.strip(),
        kind=payload.kind,
        parent=parent,
        sort_order=payload.sort_order,
        function=payload.function if payload.kind == OrgKind.DEPARTMENT else "",
        has_supervision_office=payload.has_supervision_office,
        request=request,
    )
    return Status(201, org)


@router.patch("/orgs/{org_id}", response=OrgOut, summary="修改机构（重命名、排序、启用）")
def update_org(request: HttpRequest, org_id: int, payload: OrgPatch) -> Org:
    org = sel.get_org_for_user(request.user, org_id, write=True)
    data = payload.dict(exclude_unset=True)
    return services.org_update(
        actor=request.user,
        org=org,
        name=(data.get("name") or org.name).strip(),
        code=(data.get("code") or org.code).strip(),
        sort_order=data.get("sort_order", org.sort_order),
        function=data.get("function", org.function) or "",
        has_supervision_office=data.get("has_supervision_office", org.has_supervision_office),
        is_active=data.get("is_active", org.is_active),
        request=request,
    )


@router.post("/orgs/{org_id}/move", response=OrgOut, summary="移动机构（连同下级）")
def move_org(request: HttpRequest, org_id: int, payload: MoveIn) -> Org:
    org = sel.get_org_for_user(request.user, org_id, write=True)
    new_parent = sel.get_org_for_user(request.user, payload.parent_id)
    return services.org_move(actor=request.user, org=org, new_parent=new_parent, request=request)


# --- 协作区 -------------------------------------------------------------------------------


@router.get("/zones", response=list[ZoneOut], summary="协作区列表")
def list_zones(request: HttpRequest) -> list[CollaborationZone]:
    members = Prefetch("members", queryset=Org.objects.order_by("sort_order", "code"))
    return list(sel.zones_visible_to(request.user).prefetch_related(members))


# --- Units --------------------------------------------------------------------------------


@router.get("/units", response=UnitPage, summary="被监督单位列表")
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> dict[str, Any]:
    org = sel.get_org_for_user(request.user, filters.org) if filters.org else None
    qs = sel.units_filtered(
        request.user, org=org, kind=filters.kind or "", q=(filters.q or "").strip()
    )
    count, items = _page(qs, filters.page, filters.page_size)
    return {"count": count, "items": items}


@router.get("/units/{unit_id}", response=UnitOut, summary="被监督单位详情")
def get_unit(request: HttpRequest, unit_id: int) -> Unit:
    return sel.get_unit_for_user(request.user, unit_id)


@router.post("/units", response={201: UnitOut}, summary="新增被监督单位")
def create_unit(request: HttpRequest, payload: UnitIn) -> Status[Unit]:
    org = sel.get_org_for_user(request.user, payload.org_id)
    unit = services.unit_save(
        actor=request.user,
        unit=None,
        name=payload.name.strip(),
        code=payload.code.strip(),
        kind=payload.kind,
        org=org,
        sort_order=payload.sort_order,
        request=request,
    )
    return Status(201, unit)


@router.patch("/units/{unit_id}", response=UnitOut, summary="修改被监督单位")
def update_unit(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Unit:
    unit = sel.get_unit_for_user(request.user, unit_id, write=True)
    data = payload.dict(exclude_unset=True)
    org = unit.org
    if data.get("org_id") is not None:
        org = sel.get_org_for_user(request.user, data["org_id"])
    return services.unit_save(
        actor=request.user,
        unit=unit,
        name=(data.get("name") or unit.name).strip(),
        code=(data.get("code") or unit.code).strip(),
        kind=data.get("kind") or unit.kind,
        org=org,
        sort_order=data.get("sort_order", unit.sort_order) or 0,
        request=request,
    )


# --- Staffing -----------------------------------------------------------------------------


def _staffing_row(row: sel.StaffingRow) -> dict[str, Any]:
    return {
        "org_id": row.org.pk if row.org else None,
        "name": row.name,
        "county": row.county,
        "stations": row.stations,
        "vacant": row.vacant,
        "posts": [vars(c) for c in row.cells],
    }


@router.get("/staffing", response=StaffingOut, summary="各乡镇（街道）人员配备与缺配")
def staffing(request: HttpRequest, filters: Query[StaffingFilters]) -> dict[str, Any]:
    root = sel.get_org_for_user(request.user, filters.org) if filters.org else None
    rows, total = sel.staffing_table(request.user, root=root)
    count, items = _page(rows, filters.page, filters.page_size)
    return {
        "count": count,
        "items": [_staffing_row(r) for r in items],
        "total": _staffing_row(total),
    }
