"""Password authentication with lockout after repeated failures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.audit.models import Action
from qingfeng.audit.services import record


class AccountLocked(Exception):
    """Raised through ``authenticate`` callers when the account is locked."""


class LockoutBackend(ModelBackend):
    """Argon2 passwords (PASSWORD_HASHERS); ``LOGIN_MAX_FAILURES`` failures in a row lock the
    account for ``LOGIN_LOCK_MINUTES``. Every failure and every lockout is audited."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        locked = False
        with transaction.atomic():
            user = User.objects.select_for_update().filter(username=username).first()
            if user is None:
                User().set_password(password)  # same work as a real check: no timing oracle
                record(
                    action=Action.LOGIN_FAILED,
                    actor_name=username[:150],
                    detail="用户名不存在",
                    request=request,
                )
                return None
            if user.is_locked:
                record(
                    action=Action.LOGIN_FAILED,
                    actor=None,
                    actor_name=user.username,
                    obj=user,
                    org=user.org,
                    detail="账号已锁定",
                    request=request,
                )
                locked = True
            elif user.check_password(password) and self.user_can_authenticate(user):
                if user.failed_logins or user.locked_until:
                    user.failed_logins = 0
                    user.locked_until = None
                    user.save(update_fields=["failed_logins", "locked_until"])
                return user
            else:
                self._count_failure(user, request)
        if locked:
            # Raised after the transaction so the audit row of the attempt is kept.
            raise AccountLocked
        return None

    def get_user(self, user_id: Any) -> User | None:
        """The signed-in user of a request, with the org every page's header names (one
        query instead of two)."""
        user = User._default_manager.select_related("org").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def _count_failure(self, user: User, request: HttpRequest | None) -> None:
        count_login_failure(user=user, request=request)


def count_login_failure(*, user: User, request: HttpRequest | None, what: str = "密码错误") -> None:
    """Count one failed sign-in step (password or second factor) and lock at the limit.

    ``LOGIN_MAX_FAILURES`` failures in a row lock the account for ``LOGIN_LOCK_MINUTES``;
    each failure and the lockout are audited (DESIGN.md §3 "Audit"). The caller holds the
    user row locked (``select_for_update``) inside a transaction.
    """
    user.failed_logins += 1
    fields = ["failed_logins"]
    record(
        action=Action.LOGIN_FAILED,
        actor_name=user.username,
        obj=user,
        org=user.org,
        detail=f"{what}（连续第{user.failed_logins}次）",
        request=request,
    )
    if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
        user.locked_until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        user.failed_logins = 0
        fields += ["locked_until"]
        record(
            action=Action.LOCKOUT,
            actor_name=user.username,
            obj=user,
            org=user.org,
            detail=f"连续{settings.LOGIN_MAX_FAILURES}次登录验证失败，锁定"
            f"{settings.LOGIN_LOCK_MINUTES}分钟",
            request=request,
        )
    user.save(update_fields=fields)
