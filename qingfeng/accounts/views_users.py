"""User management pages: list, create, detail with grants and account actions, roles."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from qingfeng.accounts import services, twofactor
from qingfeng.accounts.forms import (
    GrantForm,
    NewPasswordForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from qingfeng.accounts.models import Role, User
from qingfeng.accounts.roles import CAP_LABELS, ROLE_DEFINITIONS, Cap
from qingfeng.accounts.scope import can_grant, covers, has_cap
from qingfeng.accounts.selectors import (
    USER_STATUSES,
    can_administer,
    filter_users,
    get_grant_for_user,
    get_user_for_user,
    is_system_admin,
    manageable_orgs,
    roles_all,
    users_visible_to,
    viewable_orgs,
    with_grants,
)
from qingfeng.core.forms import apply_service_errors

PAGE_SIZE = 20


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
def users(request: HttpRequest) -> HttpResponse:
    """Users of the actor's ``user.view`` scope, filtered in the query, one page at a time."""
    actor = _actor(request)
    if not has_cap(actor, Cap.USER_VIEW):
        raise PermissionDenied
    form = UserFilterForm(request.GET or None, orgs=viewable_orgs(actor))
    qs = users_visible_to(actor)
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
        qs = filter_users(
            qs,
            org=data.get("org"),
            role=data.get("role") or "",
            q=(data.get("q") or "").strip(),
            status=data.get("status") or "",
        )
    page_obj = Paginator(with_grants(qs.order_by("org__path", "username")), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/users.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring": query.urlencode(),
            "can_create": has_cap(actor, Cap.USER_MANAGE),
            "is_sysadmin": is_system_admin(actor),
            "statuses": USER_STATUSES,
        },
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    """New staff account with its first grant (services.user_create)."""
    actor = _actor(request)
    if not has_cap(actor, Cap.USER_MANAGE):
        raise PermissionDenied
    form = UserCreateForm(request.POST or None, actor=actor, orgs=manageable_orgs(actor))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = services.user_create(
                actor=actor,
                username=d["username"],
                full_name=d["full_name"],
                phone=d["phone"],
                org=d["org"],
                password=d["password"],
                role=d["role"],
                grant_org=d["grant_org"],
                include_subtree=d["include_subtree"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已创建用户「{user.full_name}」。")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


def _render_detail(
    request: HttpRequest,
    target: User,
    *,
    grant_form: GrantForm | None = None,
    edit_form: UserEditForm | None = None,
    password_form: NewPasswordForm | None = None,
    open_panel: str = "",
) -> HttpResponse:
    actor = _actor(request)
    can_write = target.org is not None and covers(actor, Cap.USER_MANAGE, target.org)
    can_admin = can_write and can_administer(actor, target)
    grants = list(
        target.grants.select_related("role", "org", "granted_by").order_by("role__sort_order")
    )
    rows = [
        (g, can_write and can_grant(actor, g.role_id, g.org, subtree=g.include_subtree))
        for g in grants
    ]
    orgs = manageable_orgs(actor)
    if can_write and grant_form is None:
        grant_form = GrantForm(actor=actor, orgs=orgs)
    if can_admin and edit_form is None:
        edit_form = UserEditForm(
            initial={
                "full_name": target.full_name,
                "phone": target.phone,
                "org": target.org,
                "is_active": target.is_active,
            },
            orgs=orgs,
        )
    if can_admin and password_form is None:
        password_form = NewPasswordForm()
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "grant_rows": rows,
            "can_write": can_write,
            "can_admin": can_admin,
            "grant_form": grant_form,
            "edit_form": edit_form,
            "password_form": password_form,
            "open_panel": open_panel,
        },
    )


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_user_for_user(_actor(request), pk)
    return _render_detail(request, target)


@login_required
@require_POST
def user_grant_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    target = get_user_for_user(actor, pk, write=True)
    form = GrantForm(request.POST, actor=actor, orgs=manageable_orgs(actor))
    if form.is_valid():
        d = form.cleaned_data
        try:
            grant = services.grant_role(
                actor=actor,
                user=target,
                role=d["role"],
                org=d["grant_org"],
                include_subtree=d["include_subtree"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已授予「{grant}」。")
            return redirect("accounts:user_detail", pk=target.pk)
    return _render_detail(request, target, grant_form=form)


@login_required
@require_POST
def user_grant_revoke(request: HttpRequest, pk: int, grant_id: int) -> HttpResponse:
    actor = _actor(request)
    target = get_user_for_user(actor, pk, write=True)
    grant = get_grant_for_user(actor, target, grant_id)
    label = str(grant)
    try:
        services.revoke_grant(actor=actor, grant=grant, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"已撤销「{label}」。")
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    target = get_user_for_user(actor, pk, write=True)
    form = UserEditForm(request.POST, orgs=manageable_orgs(actor))
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.user_update(
                actor=actor,
                user=target,
                full_name=d["full_name"],
                phone=d["phone"],
                org=d["org"],
                is_active=d["is_active"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "用户信息已保存。")
            return redirect("accounts:user_detail", pk=target.pk)
    target.refresh_from_db()
    return _render_detail(request, target, edit_form=form, open_panel="edit")


def _account_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = _actor(request)
    target = get_user_for_user(actor, pk, write=True)
    try:
        if action == "unlock":
            services.user_unlock(actor=actor, user=target, request=request)
            messages.success(request, "已解除账号锁定。")
        elif action == "2fa_reset":
            twofactor.totp_disable(actor=actor, user=target, request=request)
            messages.success(request, "已重置该用户的双因素认证，其下次登录时需重新绑定。")
        elif action == "toggle_active":
            services.user_update(
                actor=actor,
                user=target,
                full_name=target.full_name,
                phone=target.phone,
                org=target.org,
                is_active=not target.is_active,
                request=request,
            )
            messages.success(request, "账号已启用。" if target.is_active else "账号已停用。")
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_action(request, pk, "unlock")


@login_required
@require_POST
def user_2fa_reset(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_action(request, pk, "2fa_reset")


@login_required
@require_POST
def user_toggle_active(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_action(request, pk, "toggle_active")


@login_required
@require_POST
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    target = get_user_for_user(actor, pk, write=True)
    form = NewPasswordForm(request.POST)
    if form.is_valid():
        try:
            services.password_reset(
                actor=actor,
                user=target,
                new_password=form.cleaned_data["new_password"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "密码已重置，请通过安全渠道告知本人并提醒其尽快修改。")
            return redirect("accounts:user_detail", pk=target.pk)
    return _render_detail(request, target, password_form=form, open_panel="password")


def _require_sysadmin(request: HttpRequest) -> User:
    actor = _actor(request)
    if not is_system_admin(actor):
        raise PermissionDenied
    return actor


@login_required
def roles(request: HttpRequest) -> HttpResponse:
    """Roles with their capabilities in Chinese and the mandatory-2FA switch (sysadmin)."""
    _require_sysadmin(request)
    rows: list[dict[str, Any]] = []
    for role in roles_all():
        definition = ROLE_DEFINITIONS.get(role.code)
        caps = definition[1] if definition else frozenset()
        rows.append(
            {"role": role, "caps": [label for cap, label in CAP_LABELS.items() if cap in caps]}
        )
    return render(request, "accounts/roles.html", {"rows": rows})


@login_required
@require_POST
def role_2fa(request: HttpRequest, code: str) -> HttpResponse:
    actor = _require_sysadmin(request)
    role = Role.objects.filter(code=code).first()
    if role is None:
        raise Http404
    required = request.POST.get("required") == "1"
    try:
        services.role_set_requires_2fa(actor=actor, role=role, required=required, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        state = "已开启" if required else "已关闭"
        messages.success(request, f"「{role.name}」的强制双因素认证{state}。")
    return redirect("accounts:roles")
