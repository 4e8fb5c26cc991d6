"""Writes to supervised persons (监察对象): register, edit, and the audit of reads.

Every write is audited; the audit log only ever holds masked ID numbers.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import covers
from qingfeng.audit.models import Action
from qingfeng.audit.services import diff, record
from qingfeng.orgs.idnumber import parse_id_number
from qingfeng.orgs.models import Person, PersonCategory, Unit

UNIT_OUT_OF_SCOPE = "单位不存在或不在您的管辖范围内"


def _snapshot(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "gender": person.gender,
        "id_number": person.masked_id_number,
        "birth_date": person.birth_date.isoformat(),
        "unit": person.unit_id,
        "org": person.org_id,
        "post": person.post,
        "category": person.category,
        "is_party_member": person.is_party_member,
        "phone": person.phone,
        "is_active": person.is_active,
    }


def _check_unit(actor: Any, unit: Unit) -> None:
    if not unit.is_active or not covers(actor, Cap.PERSON_MANAGE, unit.org):
        raise ValidationError({"unit": UNIT_OUT_OF_SCOPE})


def _check_name(name: str) -> None:
    if not name.strip():
        raise ValidationError({"name": "姓名不能为空"})


def _check_category(category: int) -> None:
    if category not in PersonCategory.values:
        raise ValidationError({"category": "监察对象类别应为1–6类之一"})


def _check_id_number(raw: str, *, exclude_pk: int | None = None) -> tuple[str, Any, str]:
    try:
        info = parse_id_number(raw)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    clash = Person.objects.filter(id_number=info.id_number)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"id_number": "该身份证号已登记，不能重复录入"})
    return info.id_number, info.birth_date, info.gender


def person_create(
    *,
    actor: Any,
    unit: Unit,
    name: str,
    id_number: str,
    category: int,
    post: str = "",
    is_party_member: bool = False,
    phone: str = "",
    is_active: bool = True,
    request: HttpRequest | None = None,
) -> Person:
    """Register a supervised person in ``unit``; the actor needs ``person.manage`` there.

    Birth date and gender come from the ID number (GB 11643-1999), which is unique;
    ``org`` repeats ``unit.org`` so scope stays one filter (DESIGN.md §3).
    """
    _check_unit(actor, unit)
    _check_name(name)
    _check_category(category)
    number, birth, gender = _check_id_number(id_number)
    with transaction.atomic():
        person = Person.objects.create(
            name=name.strip(),
            gender=gender,
            id_number=number,
            birth_date=birth,
            unit=unit,
            org=unit.org,
            post=post.strip(),
            category=category,
            is_party_member=is_party_member,
            phone=phone.strip(),
            is_active=is_active,
        )
        record(
            action=Action.CREATE,
            actor=actor,
            obj=person,
            org=unit.org,
            changes=_snapshot(person),
            request=request,
        )
    return person


_EDITABLE = ("name", "post", "category", "is_party_member", "phone", "is_active")


def person_update(
    *,
    actor: Any,
    person: Person,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Person:
    """Edit a person the actor manages; moving to another unit needs ``person.manage`` on
    both units. A new ID number re-derives birth date and gender (GB 11643-1999).

    Accepted keys: ``unit``, ``id_number``, ``name``, ``post``, ``category``,
    ``is_party_member``, ``phone``, ``is_active``.
    """
    unknown = set(changes) - {*_EDITABLE, "unit", "id_number"}
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    if not covers(actor, Cap.PERSON_MANAGE, person.org):
        raise ValidationError(UNIT_OUT_OF_SCOPE)
    before = _snapshot(person)
    unit = changes.get("unit")
    if unit is not None and unit.pk != person.unit_id:
        _check_unit(actor, unit)
        person.unit = unit
        person.org = unit.org
    if "name" in changes:
        _check_name(changes["name"])
    if "category" in changes:
        _check_category(changes["category"])
    if "id_number" in changes:
        number, birth, gender = _check_id_number(changes["id_number"], exclude_pk=person.pk)
        person.id_number, person.birth_date, person.gender = number, birth, gender
    for field in _EDITABLE:
        if field in changes:
            value = changes[field]
            setattr(person, field, value.strip() if isinstance(value, str) else value)
    with transaction.atomic():
        person.save()
        changed = diff(before, _snapshot(person))
        if changed:
            record(
                action=Action.UPDATE,
                actor=actor,
                obj=person,
                org=person.org,
                changes=changed,
                request=request,
            )
    return person


def person_record_view(*, actor: Any, person: Person, request: HttpRequest | None = None) -> None:
    """Log that ``actor`` saw a person's full record (DOMAIN.md §7: viewing is logged)."""
    record(
        action=Action.VIEW,
        actor=actor,
        obj=person,
        org=person.org_id,
        detail="查看监察对象详情（含完整身份证号）",
        request=request,
    )


def person_record_export(
    *,
    actor: Any,
    count: int,
    truncated: bool,
    filters: dict[str, Any],
    request: HttpRequest | None = None,
) -> None:
    """Log an Excel export of the person list (every export is audited, DESIGN.md §3)."""
    detail = f"导出监察对象 {count} 条"
    if truncated:
        detail += f"（超出上限，仅导出前 {count} 条）"
    record(
        action=Action.EXPORT,
        actor=actor,
        org=getattr(actor, "org_id", None),
        changes={"kind": "persons", "count": count, "truncated": truncated, "filters": filters},
        detail=detail,
        request=request,
    )
