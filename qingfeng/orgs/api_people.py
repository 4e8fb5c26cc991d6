"""Persons API (监察对象) and the Excel imports, scoped like the pages.

Lists show masked ID numbers; one person's full record is returned only by
``GET /api/persons/{id}``, which is audited like the detail page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import has_cap, orgs_with
from qingfeng.orgs import imports
from qingfeng.orgs.idnumber import parse_id_number
from qingfeng.orgs.models import Org, Person, Unit
from qingfeng.orgs.people_selectors import PersonFilters, person_list, units_for_person_manage
from qingfeng.orgs.people_services import person_create, person_record_view, person_update
from qingfeng.orgs.selectors import get_person_for_user

router = Router(tags=["监察对象"])


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    gender_display: str
    id_number: str
    birth_date: dt.date
    unit_id: int
    unit_name: str
    org_id: int
    org_name: str
    post: str
    category: int
    category_display: str
    is_party_member: bool
    phone: str
    is_active: bool


class PersonPageOut(Schema):
    items: list[PersonOut]
    total: int
    has_more: bool = Field(description="为真时 total 为上限值，实际条数更多，请缩小筛选范围")
    page: int
    num_pages: int


class PersonIn(Schema):
    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field(min_length=1, max_length=20)
    unit_id: int
    category: int = Field(ge=1, le=6)
    post: str = Field(default="", max_length=100)
    is_party_member: bool = False
    phone: str = Field(default="", max_length=20)
    is_active: bool = True
    gender: str | None = Field(default=None, description="可省略；若填写须与身份证号一致（M/F）")
    birth_date: dt.date | None = Field(default=None, description="可省略；若填写须与身份证号一致")


class PersonPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=50)
    id_number: str | None = Field(default=None, min_length=1, max_length=20)
    unit_id: int | None = None
    category: int | None = Field(default=None, ge=1, le=6)
    post: str | None = Field(default=None, max_length=100)
    is_party_member: bool | None = None
    phone: str | None = Field(default=None, max_length=20)
    is_active: bool | None = None


class ImportOut(Schema):
    imported: int


class ImportProblemOut(Schema):
    sheet: str
    row: int | str
    column: str
    message: str


class ImportErrorOut(Schema):
    detail: str
    errors: list[ImportProblemOut]
    total: int


def _out(person: Person, *, full: bool) -> dict[str, Any]:
    return {
        "id": person.pk,
        "name": person.name,
        "gender": person.gender,
        "gender_display": person.get_gender_display(),
        "id_number": person.id_number if full else person.masked_id_number,
        "birth_date": person.birth_date,
        "unit_id": person.unit_id,
        "unit_name": person.unit.name,
        "org_id": person.org_id,
        "org_name": person.org.name,
        "post": person.post,
        "category": person.category,
        "category_display": person.get_category_display(),
        "is_party_member": person.is_party_member,
        "phone": person.phone,
        "is_active": person.is_active,
    }


def _unit_for(user: Any, unit_id: int) -> Unit:
    unit = units_for_person_manage(user).filter(pk=unit_id).first()
    if unit is None:
        raise ValidationError({"unit_id": "单位不存在或不在您的管辖范围内"})
    return unit


def _check_derived(payload: PersonIn) -> None:
    """Gender and birth date, when sent, must agree with the ID number (GB 11643-1999)."""
    try:
        info = parse_id_number(payload.id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from None
    if payload.gender is not None and payload.gender != info.gender:
        raise ValidationError({"gender": "性别与身份证号不符"})
    if payload.birth_date is not None and payload.birth_date != info.birth_date:
        raise ValidationError({"birth_date": "出生日期与身份证号不符"})


@router.get("/persons", response=PersonPageOut, summary="监察对象列表（身份证号脱敏）")
def list_persons(
    request: HttpRequest,
    org: int | None = None,
    unit: int | None = None,
    category: int | None = None,
    party: bool | None = None,
    active: bool | None = None,
    q: str = "",
    page: int = 1,
) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    org_obj: Org | None = None
    if org is not None:
        org_obj = orgs_with(user, Cap.PERSON_VIEW).filter(pk=org).first()
        if org_obj is None:
            raise ValidationError({"org": "机构不存在或不在您的管辖范围内"})
    result = person_list(
        user,
        PersonFilters(
            org=org_obj,
            unit_id=unit,
            category=category,
            is_party_member=party,
            q=q[:30],
            is_active=active,
            page=max(1, page),
        ),
    )
    return {
        "items": [_out(p, full=False) for p in result.rows],
        "total": result.total,
        "has_more": result.has_more,
        "page": result.page,
        "num_pages": result.num_pages,
    }


@router.get(
    "/persons/{int:person_id}", response=PersonOut, summary="监察对象详情（完整身份证号，记入审计）"
)
def get_person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    person = get_person_for_user(user, person_id)
    person_record_view(actor=user, person=person, request=request)
    return _out(person, full=True)


@router.post("/persons", response={201: PersonOut}, summary="新增监察对象")
def create_person(request: HttpRequest, payload: PersonIn) -> Status[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    if not has_cap(user, Cap.PERSON_MANAGE):
        raise Http404
    _check_derived(payload)
    person = person_create(
        actor=user,
        unit=_unit_for(user, payload.unit_id),
        name=payload.name,
        id_number=payload.id_number,
        category=payload.category,
        post=payload.post,
        is_party_member=payload.is_party_member,
        phone=payload.phone,
        is_active=payload.is_active,
        request=request,
    )
    return Status(201, _out(person, full=True))


@router.patch("/persons/{int:person_id}", response=PersonOut, summary="修改监察对象")
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    person = get_person_for_user(user, person_id, write=True)
    changes: dict[str, Any] = payload.dict(exclude_unset=True)
    unit_id = changes.pop("unit_id", None)
    if unit_id is not None:
        changes["unit"] = _unit_for(user, unit_id)
    changes = {k: v for k, v in changes.items() if v is not None}
    person = person_update(actor=user, person=person, request=request, **changes)
    return _out(person, full=True)


def _import(request: HttpRequest, kind: str, file: UploadedFile) -> Status[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    if not has_cap(user, imports.KINDS[kind].cap):
        raise Http404
    try:
        count = imports.run_import(
            actor=user, kind=kind, upload=file, filename=file.name or "", request=request
        )
    except imports.ImportRejected as exc:
        problems = exc.problems
        return Status(
            400,
            {
                "detail": f"发现 {len(problems)} 个问题，未导入任何数据",
                "errors": [p.as_dict() for p in problems[:1000]],
                "total": len(problems),
            },
        )
    return Status(200, {"imported": count})


@router.post(
    "/imports/units",
    response={200: ImportOut, 400: ImportErrorOut},
    summary="Excel导入被监督单位（全部通过才导入）",
)
def import_units(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    return _import(request, imports.KIND_UNITS, file)


@router.post(
    "/imports/persons",
    response={200: ImportOut, 400: ImportErrorOut},
    summary="Excel导入监察对象（全部通过才导入）",
)
def import_persons(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    return _import(request, imports.KIND_PERSONS, file)
