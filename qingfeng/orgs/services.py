"""Writes to the org tree, units and persons. Every write is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers
from qingfeng.audit.models import Action
from qingfeng.audit.services import diff, record
from qingfeng.orgs.models import ALLOWED_CHILDREN, Org, OrgKind, Person, Unit


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
    parent: Org | None,
    sort_order: int = 0,
    function: str = "",
    has_supervision_office: bool = False,
    request: Any = None,
) -> Org:
    """Add a node under ``parent``; the actor needs ``org.manage`` on the parent.

    Kinds nest as DOMAIN.md §1 describes (county → departments/派驻组/townships → stations).
    """
    _check_parent(kind, parent)
    if parent is not None and not covers(actor, Cap.ORG_MANAGE, parent):
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
            depth=(parent.depth + 1) if parent else 0,
            path="",
        )
        org.path = f"{parent.path if parent else '/'}{org.pk}/"
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
