"""Sign-in pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from qingfeng.accounts.backends import AccountLocked
from qingfeng.accounts.forms import LoginForm
from qingfeng.accounts.services import session_login, session_logout

SESSION_PENDING_USER = "qf_pending_2fa_user"


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
                request.session["qf_pending_next"] = _next_url(request)
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


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own page: who they are and what they hold."""
    grants = request.user.grants.select_related("role", "org").order_by("role__sort_order")  # type: ignore[union-attr]
    return render(request, "accounts/profile.html", {"grants": grants})
