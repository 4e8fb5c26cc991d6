"""Personal API tokens: shown once, stored as SHA-256 digests."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.utils import timezone

from qingfeng.accounts.models import ApiToken, User


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def user_for_token(raw: str) -> User | None:
    """The active user behind a bearer token, or None."""
    token = (
        ApiToken.objects.select_related("user", "user__org")
        .filter(digest=token_digest(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def token_issue(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with the raw value (never stored)."""
    raw = "qf_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, digest=token_digest(raw), prefix=raw[:8])
    return token, raw
