"""Writes to the org tree, units and persons. Every write is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers
from qingfeng.audit.models import Action
from qingfeng.audit.services import diff, record
from qingfeng.orgs.models import (
    ALLOWED_CHILDREN,
    POSTS_BY_ORG_KIND,
    CollaborationZone,
    Org,
    OrgKind,
    Person,
    PostHolder,
    PostKind,
    StaffPost,
    Unit,
)
from qingfeng.orgs.selectors import default_quota


def _snapshot(org: Org) -> dict[str, Any]:
    return {
        "name": org.name,
        "code": org.code,
        "kind": org.kind,
        "parent": org.parent_id,
        "sort_order": org.sort_order,
        "function": org.function,
        "has_supervision_office": org.has_supervision_office,
        "is_active": org.is_active,
    }


def _check_parent(kind: str, parent: Org | None) -> None:
    if parent is None:
        if kind not in (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY):
            raise ValidationError({"parent": "该类型机构必须有上级机构"})
        return
    if kind not in ALLOWED_CHILDREN[parent.kind]:
        raise ValidationError(
            {"parent": f"“{parent.get_kind_display()}”下不能设立“{OrgKind(kind).label}”"}
        )


def org_create(
    *,
    actor: Any,
    name: str,
    code: str,
    kind: str,
    parent: Org,
    sort_order: int = 0,
    function: str = "",
    has_supervision_office: bool = False,
    request: Any = None,
) -> Org:
    """Add a node under ``parent``; the actor needs ``org.manage`` on the parent.

    Kinds nest as DOMAIN.md §1 describes (county → departments/派驻组/townships → stations).
    A top-level org has no parent to hold a grant on: it is made by ``manage.py bootstrap``.
    """
    _check_parent(kind, parent)
    if not covers(actor, Cap.ORG_MANAGE, parent):
        raise ValidationError({"parent": "无权在该机构下新增"})
    if Org.objects.filter(code=code).exists():
        raise ValidationError({"code": f"机构代码“{code}”已存在"})
    with transaction.atomic():
        org = Org.objects.create(
            name=name,
            code=code,
            kind=kind,
            parent=parent,
            sort_order=sort_order,
            function=function,
            has_supervision_office=has_supervision_office,
            depth=parent.depth + 1,
            path="",
        )
        org.path = f"{parent.path}{org.pk}/"
        org.save(update_fields=["path"])
        record(
            action=Action.CREATE,
            actor=actor,
            obj=org,
            org=org,
            changes={"after": _snapshot(org)},
            request=request,
        )
    return org


def org_update(
    *,
    actor: Any,
    org: Org,
    name: str,
    code: str,
    sort_order: int,
    function: str = "",
    has_supervision_office: bool = False,
    is_active: bool = True,
    request: Any = None,
) -> Org:
    """Rename or re-code a node; the actor needs ``org.manage`` on it."""
    if not covers(actor, Cap.ORG_MANAGE, org):
        raise ValidationError({"name": "无权修改该机构"})
    if Org.objects.filter(code=code).exclude(pk=org.pk).exists():
        raise ValidationError({"code": f"机构代码“{code}”已存在"})
    with transaction.atomic():
        locked = Org.objects.select_for_update().get(pk=org.pk)
        before = _snapshot(locked)
        locked.name, locked.code, locked.sort_order = name, code, sort_order
        locked.function, locked.has_supervision_office = function, has_supervision_office
        locked.is_active = is_active
        locked.save()
        changes = diff(before, _snapshot(locked))
        if changes:
            record(
                action=Action.UPDATE,
                actor=actor,
                obj=locked,
                org=locked,
                changes=changes,
                request=request,
            )
    return locked


def org_move(*, actor: Any, org: Org, new_parent: Org, request: Any = None) -> Org:
    """Move a node and its subtree under ``new_parent``.

    The actor needs ``org.manage`` over the moved subtree and on the new parent; a node
    cannot move under itself. Paths of the whole subtree are rewritten in one UPDATE.
    """
    if not covers(actor, Cap.ORG_MANAGE, org, subtree=True):
        raise ValidationError({"parent": "无权移动该机构"})
    if not covers(actor, Cap.ORG_MANAGE, new_parent):
        raise ValidationError({"parent": "无权移动到目标机构下"})
    if new_parent.path.startswith(org.path):
        raise ValidationError({"parent": "不能移动到本机构或其下级之下"})
    _check_parent(org.kind, new_parent)
    with transaction.atomic():
        locked = Org.objects.select_for_update().get(pk=org.pk)
        old_path, old_parent = locked.path, locked.parent_id
        new_path = f"{new_parent.path}{locked.pk}/"
        depth_shift = new_parent.depth + 1 - locked.depth
        Org.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_shift,
        )
        Org.objects.filter(pk=locked.pk).update(parent=new_parent)
        locked.refresh_from_db()
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=locked,
            org=locked,
            changes={"parent": [old_parent, new_parent.pk], "path": [old_path, new_path]},
            detail="移动机构",
            request=request,
        )
    return locked


def unit_save(
    *,
    actor: Any,
    unit: Unit | None,
    name: str,
    code: str,
    kind: str,
    org: Org,
    sort_order: int = 0,
    request: Any = None,
) -> Unit:
    """Create or edit a supervised unit; moving it re-points its persons' scope org."""
    if not covers(actor, Cap.UNIT_MANAGE, org):
        raise ValidationError({"org": "无权在该机构下管理单位"})
    if unit is not None and not covers(actor, Cap.UNIT_MANAGE, unit.org):
        raise ValidationError({"org": "无权修改该单位"})
    clash = Unit.objects.filter(code=code)
    if unit is not None:
        clash = clash.exclude(pk=unit.pk)
    if clash.exists():
        raise ValidationError({"code": f"单位代码“{code}”已存在"})
    with transaction.atomic():
        if unit is None:
            unit = Unit.objects.create(
                name=name, code=code, kind=kind, org=org, sort_order=sort_order
            )
            record(
                action=Action.CREATE,
                actor=actor,
                obj=unit,
                request=request,
                changes={"after": {"name": name, "code": code, "kind": kind, "org": org.pk}},
            )
            return unit
        before = {"name": unit.name, "code": unit.code, "kind": unit.kind, "org": unit.org_id}
        unit.name, unit.code, unit.kind, unit.org, unit.sort_order = (
            name,
            code,
            kind,
            org,
            sort_order,
        )
        unit.save()
        if before["org"] != org.pk:
            Person.objects.filter(unit=unit).update(org=org)
        after = {"name": name, "code": code, "kind": kind, "org": org.pk}
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=unit,
            changes=diff(before, after),
            request=request,
        )
    return unit


# --- 协作区 -------------------------------------------------------------------------------

_ZONE_LEAD_KINDS = (OrgKind.DEPARTMENT, OrgKind.DISPATCHED)
_ZONE_MEMBER_KINDS = (OrgKind.TOWNSHIP, OrgKind.STREET)


def _zone_snapshot(zone: CollaborationZone, member_ids: list[int]) -> dict[str, Any]:
    return {
        "name": zone.name,
        "lead_department": zone.lead_department_id,
        "members": sorted(member_ids),
        "sort_order": zone.sort_order,
    }


def zone_save(
    *,
    actor: Any,
    zone: CollaborationZone | None,
    county: Org,
    name: str,
    lead_department: Org,
    members: Iterable[Org],
    sort_order: int = 0,
    request: Any = None,
) -> CollaborationZone:
    """Create or edit a 协作区: townships of one county grouped under a county department.

    Needs ``org.manage`` on the county. The lead is one of the county's departments or
    派驻组; members are the county's own townships/streets, and a township belongs to at
    most one zone of its county (DOMAIN.md §1/§4: 交叉办理 goes to a township of *another*
    zone, which a township in two zones would make ambiguous).
    """
    name = name.strip()
    members = list(members)
    if county.kind != OrgKind.COUNTY:
        raise ValidationError({"county": "协作区只能设在县（区）纪委监委下"})
    if not covers(actor, Cap.ORG_MANAGE, county):
        raise ValidationError({"county": "无权管理该县（区）的协作区"})
    if zone is not None and zone.county_id != county.pk:
        raise ValidationError({"county": "不能更改协作区所属的县（区）"})
    if not name:
        raise ValidationError({"name": "请填写协作区名称"})
    if lead_department.parent_id != county.pk or lead_department.kind not in _ZONE_LEAD_KINDS:
        raise ValidationError({"lead_department": "牵头部门必须是本县（区）纪委监委的部门或派驻组"})
    if not members:
        raise ValidationError({"members": "请至少选择一个成员乡镇（街道）"})
    for member in members:
        if member.parent_id != county.pk or member.kind not in _ZONE_MEMBER_KINDS:
            raise ValidationError({"members": f"“{member.name}”不是本县（区）的乡镇（街道）"})
    member_ids = sorted({m.pk for m in members})
    with transaction.atomic():
        # Lock the county row so two editors cannot put one township into two zones.
        Org.objects.select_for_update().filter(pk=county.pk).first()
        others = CollaborationZone.objects.filter(county=county)
        if zone is not None:
            others = others.exclude(pk=zone.pk)
        if others.filter(name=name).exists():
            raise ValidationError({"name": f"本县（区）已有名为“{name}”的协作区"})
        Through = CollaborationZone.members.through
        clash = (
            Through.objects.filter(collaborationzone__in=others, org_id__in=member_ids)
            .select_related("org", "collaborationzone")
            .order_by("org__sort_order", "org__code")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "members": f"“{clash.org.name}”已属于协作区“{clash.collaborationzone.name}”，"
                    "一个乡镇（街道）只能属于本县（区）的一个协作区"
                }
            )
        if zone is None:
            zone = CollaborationZone.objects.create(
                name=name, county=county, lead_department=lead_department, sort_order=sort_order
            )
            zone.members.set(member_ids)
            record(
                action=Action.CREATE,
                actor=actor,
                obj=zone,
                org=county,
                changes={"after": _zone_snapshot(zone, member_ids)},
                request=request,
            )
            return zone
        locked = CollaborationZone.objects.select_for_update().get(pk=zone.pk)
        before = _zone_snapshot(locked, list(locked.members.values_list("pk", flat=True)))
        locked.name, locked.lead_department, locked.sort_order = name, lead_department, sort_order
        locked.save()
        locked.members.set(member_ids)
        changes = diff(before, _zone_snapshot(locked, member_ids))
        if changes:
            record(
                action=Action.UPDATE,
                actor=actor,
                obj=locked,
                org=county,
                changes=changes,
                request=request,
            )
    return locked


# --- Staffing (人员配备) -------------------------------------------------------------------


def _check_post(actor: Any, org: Org, kind: str) -> None:
    if kind not in POSTS_BY_ORG_KIND.get(org.kind, ()):
        label = PostKind(kind).label if kind in PostKind.values else kind
        raise ValidationError({"kind": f"“{org.get_kind_display()}”不设“{label}”岗位"})
    if not covers(actor, Cap.STAFFING_MANAGE, org):
        raise ValidationError({"org": "无权管理该机构的人员配备"})


def staff_post_set_quota(
    *, actor: Any, org: Org, kind: str, quota: int, request: Any = None
) -> StaffPost:
    """Set how many people a post should have (应配人数); vacancies (缺配) follow from it.

    Posts are those of the org's level (DOMAIN.md §1); needs ``staffing.manage`` on the org.
    """
    _check_post(actor, org, kind)
    if not 0 <= quota <= 99:
        raise ValidationError({"quota": "应配人数应在 0 到 99 之间"})
    with transaction.atomic():
        post = StaffPost.objects.select_for_update().filter(org=org, kind=kind).first()
        if post is None:
            post = StaffPost.objects.create(org=org, kind=kind, quota=quota)
            record(
                action=Action.CREATE,
                actor=actor,
                obj=post,
                org=org,
                changes={"after": {"kind": kind, "quota": quota}},
                detail="设置应配人数",
                request=request,
            )
            return post
        if post.quota != quota:
            before = post.quota
            post.quota = quota
            post.save(update_fields=["quota"])
            record(
                action=Action.UPDATE,
                actor=actor,
                obj=post,
                org=org,
                changes={"quota": [before, quota]},
                detail="设置应配人数",
                request=request,
            )
    return post


def post_holder_add(
    *,
    actor: Any,
    org: Org,
    kind: str,
    name: str,
    phone: str = "",
    started_on: dt.date | None = None,
    request: Any = None,
) -> PostHolder:
    """Put a person on a post of ``org`` (the post is created at its default quota if new).

    Needs ``staffing.manage`` on the org; the same name twice on one post is refused.
    """
    _check_post(actor, org, kind)
    name, phone = name.strip(), phone.strip()
    if not name:
        raise ValidationError({"name": "请填写姓名"})
    with transaction.atomic():
        post = StaffPost.objects.select_for_update().filter(org=org, kind=kind).first()
        if post is None:
            post = StaffPost.objects.create(org=org, kind=kind, quota=default_quota(kind))
        if post.holders.filter(name=name).exists():
            raise ValidationError({"name": f"“{name}”已在该岗位上"})
        holder = PostHolder.objects.create(post=post, name=name, phone=phone, started_on=started_on)
        record(
            action=Action.CREATE,
            actor=actor,
            obj=holder,
            org=org,
            changes={
                "after": {
                    "post": kind,
                    "name": name,
                    "started_on": started_on.isoformat() if started_on else None,
                }
            },
            detail=f"{PostKind(kind).label}到岗",
            request=request,
        )
    return holder


def post_holder_remove(*, actor: Any, holder: PostHolder, request: Any = None) -> None:
    """Take a person off a post (离岗); needs ``staffing.manage`` on the post's org."""
    org = holder.post.org
    if not covers(actor, Cap.STAFFING_MANAGE, org):
        raise ValidationError({"post": "无权管理该机构的人员配备"})
    with transaction.atomic():
        record(
            action=Action.DELETE,
            actor=actor,
            obj=holder,
            org=org,
            changes={"before": {"post": holder.post.kind, "name": holder.name}},
            detail=f"{holder.post.get_kind_display()}离岗",
            request=request,
        )
        PostHolder.objects.filter(pk=holder.pk).delete()
