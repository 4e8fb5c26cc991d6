"""TOTP second factor (RFC 6238): enrolment, sign-in check, disabling.

The secret is stored AES-GCM encrypted with the field key kept outside the database
(``qingfeng.core.crypto``, context ``user.totp``). A code is accepted one step either side
of now, and never twice (the last accepted step is kept, RFC 6238 §5.2). Wrong codes at
sign-in count towards the same lockout as wrong passwords.
"""

from __future__ import annotations

import hmac
from typing import Any

import pyotp
import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from qingfeng.accounts.backends import AccountLocked, count_login_failure
from qingfeng.accounts.models import Role, User
from qingfeng.accounts.selectors import can_administer
from qingfeng.audit.models import Action
from qingfeng.audit.services import record
from qingfeng.core.crypto import decrypt_text, encrypt_text

ISSUER = "清风"
_CONTEXT = "user.totp"
BAD_CODE = "验证码不正确或已使用，请输入认证器上当前显示的 6 位数字。"


def _secret(user: User) -> str:
    return decrypt_text(user.totp_secret, context=_CONTEXT)


def match_step(secret: str, code: str, *, after: int | None) -> int | None:
    """The time step ``code`` belongs to (now ±1 step), if later than ``after``; else None."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(timezone.now())
    for step in (now_step - 1, now_step, now_step + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def role_requires_2fa(user: User) -> bool:
    return Role.objects.filter(rolegrant__user=user, requires_2fa=True).exists()


def totp_begin(*, user: User) -> str:
    """Start (or resume) enrolment: keep a new secret, not yet enabled, and return it."""
    if user.totp_enabled:
        raise ValidationError("双因素认证已启用；如需更换认证器，请先停用。")
    if user.totp_secret:
        return _secret(user)
    secret = pyotp.random_base32()
    user.totp_secret = encrypt_text(secret, context=_CONTEXT)
    user.save(update_fields=["totp_secret"])
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (the CSP allows ``img-src data:``)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def totp_confirm(*, user: User, code: str, request: HttpRequest | None = None) -> None:
    """Finish enrolment: the code from the authenticator proves it holds the secret."""
    if user.totp_enabled:
        raise ValidationError("双因素认证已启用。")
    if not user.totp_secret:
        raise ValidationError("请先生成密钥。")
    step = match_step(_secret(user), code, after=user.totp_last_step)
    if step is None:
        raise ValidationError({"code": BAD_CODE})
    with transaction.atomic():
        user.totp_enabled = True
        user.totp_last_step = step
        user.save(update_fields=["totp_enabled", "totp_last_step"])
        record(
            action=Action.UPDATE,
            actor=user,
            obj=user,
            org=user.org,
            changes={"totp_enabled": [False, True]},
            detail="启用双因素认证",
            request=request,
        )


def totp_disable(
    *,
    actor: User,
    user: User,
    password: str | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Turn the second factor off and forget the secret.

    A user may do this for themselves with their password unless one of their roles
    requires 2FA (``Role.requires_2fa``); an administrator resets another user's second
    factor only when they administer the whole account (``selectors.can_administer``) —
    that user then enrols afresh at the next sign-in if a role requires it.
    """
    if actor.pk == user.pk:
        if password is None or not user.check_password(password):
            raise ValidationError({"password": "密码不正确。"})
        if role_requires_2fa(user):
            raise ValidationError("您的角色要求启用双因素认证，不能停用。")
        detail = "停用本人双因素认证"
    else:
        if not can_administer(actor, user):
            raise ValidationError("该用户持有超出您授权范围的角色，您不能重置其双因素认证。")
        detail = "管理员重置双因素认证"
    if not user.totp_enabled and not user.totp_secret:
        raise ValidationError("该账号未启用双因素认证。")
    with transaction.atomic():
        was = user.totp_enabled
        user.totp_enabled = False
        user.totp_secret = ""
        user.totp_last_step = None
        user.save(update_fields=["totp_enabled", "totp_secret", "totp_last_step"])
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=user,
            org=user.org,
            changes={"totp_enabled": [was, False]},
            detail=detail,
            request=request,
        )


def totp_check_login(*, user_id: int, code: str, request: HttpRequest | None = None) -> User | None:
    """Second sign-in step: the user when ``code`` is right, else None (failure counted).

    Raises ``AccountLocked`` when the account is (or just became) locked: wrong codes count
    towards ``LOGIN_MAX_FAILURES`` exactly like wrong passwords (backends.LockoutBackend).
    """
    locked = False
    result: User | None = None
    with transaction.atomic():
        # No select_related: PostgreSQL cannot lock the nullable side of an outer join.
        user: Any = (
            User.objects.select_for_update()
            .filter(pk=user_id, is_active=True, totp_enabled=True)
            .first()
        )
        if user is None:
            return None
        if user.is_locked:
            record(
                action=Action.LOGIN_FAILED,
                actor_name=user.username,
                obj=user,
                org=user.org,
                detail="账号已锁定（双因素认证）",
                request=request,
            )
            locked = True
        else:
            step = match_step(_secret(user), code, after=user.totp_last_step)
            if step is None:
                count_login_failure(user=user, request=request, what="双因素验证码错误")
                locked = user.is_locked
            else:
                user.totp_last_step = step
                user.failed_logins = 0
                user.locked_until = None
                user.save(update_fields=["totp_last_step", "failed_logins", "locked_until"])
                result = user
    if locked:
        raise AccountLocked
    return result
