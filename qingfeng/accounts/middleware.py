"""Enforce enrolment in two-factor authentication for roles that require it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

SESSION_NEEDS_2FA_SETUP = "qf_needs_2fa_setup"
_ALLOWED_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/")


class SecondFactorMiddleware:
    """A user whose role requires 2FA (``Role.requires_2fa``) and who has not enrolled yet
    may only reach the enrolment page until they do; the flag is set at login."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and request.session.get(SESSION_NEEDS_2FA_SETUP)
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "请先启用双因素认证", "field": None}, status=403)
            return redirect("accounts:totp_setup")
        return self.get_response(request)
