"""Writes to accounts: sign-in, sign-out, users and grants."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login, logout
from django.http import HttpRequest

from qingfeng.accounts.middleware import SESSION_NEEDS_2FA_SETUP
from qingfeng.accounts.models import Role, User
from qingfeng.audit.models import Action
from qingfeng.audit.services import record


def needs_2fa_setup(user: User) -> bool:
    """True when one of the user's roles requires 2FA and the user has not enrolled."""
    if user.totp_enabled:
        return False
    return Role.objects.filter(rolegrant__user=user, requires_2fa=True).exists()


def session_login(*, request: HttpRequest, user: User) -> None:
    """Start a session for a user whose password (and second factor, if any) passed."""
    login(request, user, backend="qingfeng.accounts.backends.LockoutBackend")
    if needs_2fa_setup(user):
        request.session[SESSION_NEEDS_2FA_SETUP] = True
    record(action=Action.LOGIN, actor=user, obj=user, org=user.org, request=request)


def session_logout(*, request: HttpRequest) -> None:
    user: Any = request.user
    if user.is_authenticated:
        record(action=Action.LOGOUT, actor=user, obj=user, org=user.org, request=request)
    logout(request)
