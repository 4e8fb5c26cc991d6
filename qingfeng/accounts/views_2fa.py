"""TOTP pages: enrolment (also the forced one, see middleware) and the second sign-in step.

Both live under ``/accounts/2fa/``, the prefix ``SecondFactorMiddleware`` lets through.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from qingfeng.accounts import twofactor
from qingfeng.accounts.backends import AccountLocked
from qingfeng.accounts.forms import TotpCodeForm
from qingfeng.accounts.middleware import SESSION_NEEDS_2FA_SETUP
from qingfeng.accounts.models import User
from qingfeng.accounts.services import session_login
from qingfeng.accounts.views import SESSION_PENDING_AT, SESSION_PENDING_NEXT, SESSION_PENDING_USER
from qingfeng.core.forms import apply_service_errors

# How long the password step stays valid while the user fetches their code.
PENDING_SECONDS = 5 * 60


@login_required
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator app: QR code plus the secret as text, confirmed by a code."""
    user = cast(User, request.user)
    if user.totp_enabled:
        request.session.pop(SESSION_NEEDS_2FA_SETUP, None)
        messages.info(request, "您已启用双因素认证。")
        return redirect("accounts:profile")
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            twofactor.totp_confirm(user=user, code=form.cleaned_data["code"], request=request)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            forced = request.session.pop(SESSION_NEEDS_2FA_SETUP, None)
            messages.success(request, "双因素认证已启用，今后登录时需输入认证器上的验证码。")
            return redirect("core:home" if forced else "accounts:profile")
    secret = twofactor.totp_begin(user=user)
    uri = twofactor.provisioning_uri(user, secret)
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "qr": twofactor.qr_data_uri(uri),
            "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "forced": bool(request.session.get(SESSION_NEEDS_2FA_SETUP)),
        },
    )


def _clear_pending(request: HttpRequest) -> str:
    request.session.pop(SESSION_PENDING_USER, None)
    request.session.pop(SESSION_PENDING_AT, None)
    return str(request.session.pop(SESSION_PENDING_NEXT, None) or "/")


def totp_verify(request: HttpRequest) -> HttpResponse:
    """Second sign-in step after the password (``login_view`` left the user pending)."""
    pending = request.session.get(SESSION_PENDING_USER)
    started = int(request.session.get(SESSION_PENDING_AT) or 0)
    if pending is None:
        return redirect("accounts:login")
    if timezone.now().timestamp() - started > PENDING_SECONDS:
        _clear_pending(request)
        messages.error(request, "登录已超时，请重新输入用户名和密码。")
        return redirect("accounts:login")
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = twofactor.totp_check_login(
                user_id=int(pending), code=form.cleaned_data["code"], request=request
            )
        except AccountLocked:
            _clear_pending(request)
            messages.error(
                request,
                f"验证失败次数过多，账号已被锁定，请 {settings.LOGIN_LOCK_MINUTES} 分钟后再试，"
                "或联系系统管理员解锁。",
            )
            return redirect("accounts:login")
        if user is None:
            form.add_error("code", twofactor.BAD_CODE)
        else:
            nxt = _clear_pending(request)
            session_login(request=request, user=user)
            return redirect(nxt)
    return render(request, "accounts/totp_verify.html", {"form": form})
