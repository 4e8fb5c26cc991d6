"""Sign-in pages and the signed-in user's own profile."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from qingfeng.accounts import services, twofactor
from qingfeng.accounts.backends import AccountLocked
from qingfeng.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    TokenCreateForm,
    TotpDisableForm,
)
from qingfeng.accounts.models import User
from qingfeng.accounts.selectors import get_token_for_user, tokens_of
from qingfeng.accounts.services import session_login, session_logout
from qingfeng.core.forms import apply_service_errors

SESSION_PENDING_USER = "qf_pending_2fa_user"
SESSION_PENDING_NEXT = "qf_pending_next"
SESSION_PENDING_AT = "qf_pending_at"


def _next_url(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
        return nxt
    return "/"


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = authenticate(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except AccountLocked:
            form.add_error(
                None,
                f"账号已被锁定，请 {settings.LOGIN_LOCK_MINUTES} 分钟后再试，"
                "或联系系统管理员解锁。",
            )
            user = None
        else:
            if user is None:
                form.add_error("password", "用户名或密码错误。连续多次错误将锁定账号。")
        if user is not None:
            if user.totp_enabled:
                request.session[SESSION_PENDING_USER] = user.pk
                request.session[SESSION_PENDING_NEXT] = _next_url(request)
                request.session[SESSION_PENDING_AT] = int(timezone.now().timestamp())
                return redirect("accounts:totp_verify")
            session_login(request=request, user=user)
            return redirect(_next_url(request))
    return render(
        request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    session_logout(request=request)
    return redirect("accounts:login")


def _render_profile(request: HttpRequest, **extra: Any) -> HttpResponse:
    user = cast(User, request.user)
    context: dict[str, Any] = {
        "grants": user.grants.select_related("role", "org").order_by("role__sort_order"),
        "tokens": tokens_of(user),
        "password_form": PasswordChangeForm(),
        "token_form": TokenCreateForm(),
        "disable_form": TotpDisableForm(),
        "totp_required": twofactor.role_requires_2fa(user),
    }
    context.update(extra)
    return render(request, "accounts/profile.html", context)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own page: who they are, what they hold, password, 2FA, tokens."""
    return _render_profile(request)


@login_required
@require_POST
def profile_password(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = PasswordChangeForm(request.POST)
    if form.is_valid():
        try:
            services.password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                request=request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改。")
            return redirect("accounts:profile")
    return _render_profile(request, password_form=form)


@login_required
@require_POST
def profile_2fa_disable(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = TotpDisableForm(request.POST)
    if form.is_valid():
        try:
            twofactor.totp_disable(
                actor=user, user=user, password=form.cleaned_data["password"], request=request
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "双因素认证已停用。")
            return redirect("accounts:profile")
    return _render_profile(request, disable_form=form)


@login_required
@require_POST
def profile_token_create(request: HttpRequest) -> HttpResponse:
    """Issue a token and show its raw value in this response only (never stored)."""
    user = cast(User, request.user)
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, raw = services.api_token_create(
                user=user, name=form.cleaned_data["name"], request=request
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            response = _render_profile(request, new_token=raw, new_token_obj=token)
            response["Cache-Control"] = "no-store"
            return response
    return _render_profile(request, token_form=form)


@login_required
@require_POST
def profile_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    token = get_token_for_user(user, pk)
    services.api_token_revoke(user=user, token=token, request=request)
    messages.success(request, f"令牌「{token.name}」已撤销。")
    return redirect("accounts:profile")
