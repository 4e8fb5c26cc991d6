"""Accounts API: the caller, users in scope and their grants."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.security import HttpBearer

from qingfeng.accounts.tokens import user_for_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer qf_…`` with a personal token (see the profile page)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


router = Router(tags=["用户与权限"])
