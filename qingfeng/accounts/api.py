"""Accounts API: the caller, users in scope and their grants.

Same rules as the pages: users outside the caller's scope answer 404, writes go through
``services`` and a refused grant answers 400 naming the field.
"""

# No ``from __future__ import annotations``: django-ninja's @paginate resolves the
# endpoint's annotations (``Literal``) outside this module's namespace.
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer

from qingfeng.accounts import services
from qingfeng.accounts.models import RoleGrant, User
from qingfeng.accounts.roles import Cap
from qingfeng.accounts.scope import has_cap, orgs_with
from qingfeng.accounts.selectors import (
    filter_users,
    get_grant_for_user,
    get_user_for_user,
    users_visible_to,
    viewable_orgs,
    with_grants,
)
from qingfeng.accounts.tokens import user_for_token
from qingfeng.orgs.models import Org


class TokenAuth(HttpBearer):
    """``Authorization: Bearer qf_…`` with a personal token (see the profile page)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


router = Router(tags=["用户与权限"])


class OrgRef(Schema):
    id: int
    name: str


class GrantOut(Schema):
    id: int
    role: str = Field(..., alias="role_id")
    role_name: str
    org: OrgRef
    include_subtree: bool
    scope: str
    granted_at: datetime

    @staticmethod
    def resolve_role_name(obj: RoleGrant) -> str:
        return obj.role.name

    @staticmethod
    def resolve_scope(obj: RoleGrant) -> str:
        return "本级及下级" if obj.include_subtree else "仅本级"


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    phone: str
    org: OrgRef | None
    is_active: bool
    is_locked: bool
    totp_enabled: bool
    last_login: datetime | None
    grants: list[GrantOut]

    @staticmethod
    def resolve_grants(obj: User) -> list[RoleGrant]:
        return list(obj.grants.all())


class UserCreateIn(Schema):
    username: str = Field(..., max_length=150)
    full_name: str = Field(..., max_length=50)
    phone: str = Field("", max_length=20)
    org: int
    password: str
    role: str
    grant_org: int
    include_subtree: bool = True


class UserPatchIn(Schema):
    full_name: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=20)
    org: int | None = None
    is_active: bool | None = None


class GrantIn(Schema):
    role: str
    org: int
    include_subtree: bool = True


def _caller(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _org(actor: Any, pk: int, field: str) -> Org:
    """An org named in a request body, looked up within the caller's ``user.manage`` scope:
    a missing and an out-of-scope org give the same field error (nothing leaks)."""
    org = orgs_with(actor, Cap.USER_MANAGE).filter(pk=pk).first()
    if org is None:
        raise ValidationError({field: "机构不在您的管辖范围内。"})
    return org


def _user_out(pk: int) -> User:
    return with_grants(User.objects.select_related("org")).get(pk=pk)


@router.get("/me", response=UserOut, summary="当前用户：所在机构、角色与管辖范围")
def me(request: HttpRequest) -> User:
    return _user_out(_caller(request).pk)


@router.get("/users", response=list[UserOut], summary="用户列表（仅管辖范围内，可筛选）")
@paginate(PageNumberPagination)
def users_list(
    request: HttpRequest,
    org: int | None = None,
    role: str = "",
    q: str = "",
    status: Literal["", "active", "locked", "disabled"] = "",
) -> Any:
    actor = _caller(request)
    if not has_cap(actor, Cap.USER_VIEW):
        raise HttpError(403, "无权查看用户")
    org_obj = None
    if org is not None:
        org_obj = viewable_orgs(actor).filter(pk=org).first()
        if org_obj is None:
            raise ValidationError({"org": "机构不在您的管辖范围内。"})
    qs = filter_users(users_visible_to(actor), org=org_obj, role=role, q=q.strip(), status=status)
    return with_grants(qs.order_by("org__path", "username"))


@router.get("/users/{user_id}", response=UserOut, summary="用户详情")
def user_get(request: HttpRequest, user_id: int) -> User:
    target = get_user_for_user(_caller(request), user_id)
    return _user_out(target.pk)


@router.post("/users", response={201: UserOut}, summary="新建用户（同时授予首个角色）")
def user_create(request: HttpRequest, payload: UserCreateIn) -> Status[User]:
    actor = _caller(request)
    if not has_cap(actor, Cap.USER_MANAGE):
        raise HttpError(403, "无权新建用户")
    user = services.user_create(
        actor=actor,
        username=payload.username,
        full_name=payload.full_name,
        phone=payload.phone,
        org=_org(actor, payload.org, "org"),
        password=payload.password,
        role=payload.role,
        grant_org=_org(actor, payload.grant_org, "grant_org"),
        include_subtree=payload.include_subtree,
        request=request,
    )
    return Status(201, _user_out(user.pk))


@router.patch("/users/{user_id}", response=UserOut, summary="修改用户（姓名、手机号、机构、启用）")
def user_patch(request: HttpRequest, user_id: int, payload: UserPatchIn) -> User:
    actor = _caller(request)
    target = get_user_for_user(actor, user_id, write=True)
    services.user_update(
        actor=actor,
        user=target,
        full_name=target.full_name if payload.full_name is None else payload.full_name,
        phone=target.phone if payload.phone is None else payload.phone,
        org=target.org if payload.org is None else _org(actor, payload.org, "org"),
        is_active=target.is_active if payload.is_active is None else payload.is_active,
        request=request,
    )
    return _user_out(target.pk)


@router.post("/users/{user_id}/grants", response={201: GrantOut}, summary="为用户授予角色")
def grant_add(request: HttpRequest, user_id: int, payload: GrantIn) -> Status[RoleGrant]:
    actor = _caller(request)
    target = get_user_for_user(actor, user_id, write=True)
    try:
        grant = services.grant_role(
            actor=actor,
            user=target,
            role=payload.role,
            org=_org(actor, payload.org, "org"),
            include_subtree=payload.include_subtree,
            request=request,
        )
    except ValidationError as exc:
        # The service names the grant's org "grant_org"; this body calls it "org".
        if hasattr(exc, "error_dict") and "grant_org" in exc.error_dict:
            exc.error_dict["org"] = exc.error_dict.pop("grant_org")
        raise
    return Status(201, RoleGrant.objects.select_related("role", "org").get(pk=grant.pk))


@router.delete(
    "/users/{user_id}/grants/{grant_id}", response={204: None}, summary="撤销用户的一项授权"
)
def grant_delete(request: HttpRequest, user_id: int, grant_id: int) -> Status[None]:
    actor = _caller(request)
    target = get_user_for_user(actor, user_id, write=True)
    grant = get_grant_for_user(actor, target, grant_id)
    services.revoke_grant(actor=actor, grant=grant, request=request)
    return Status(204, None)
