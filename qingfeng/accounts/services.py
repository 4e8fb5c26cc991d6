"""Writes to accounts: sign-in, sign-out, users, grants, passwords and API tokens.

Second-factor writes live in ``qingfeng.accounts.twofactor``. Every write here is one
transaction and leaves an audit row (DESIGN.md §3 "Audit", "Nothing is lost").
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import login, logout
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from qingfeng.accounts.middleware import SESSION_NEEDS_2FA_SETUP
from qingfeng.accounts.models import ApiToken, Role, RoleGrant, User
from qingfeng.accounts.roles import ROLE_DEFINITIONS, Cap
from qingfeng.accounts.scope import can_grant, covers, forget_grants
from qingfeng.accounts.selectors import can_administer, is_system_admin
from qingfeng.accounts.tokens import token_issue
from qingfeng.audit.models import Action
from qingfeng.audit.services import diff, record
from qingfeng.orgs.models import Org

NO_AUTHORITY = "该用户持有超出您授权范围的角色，您不能修改其账号。"
_PHONE_RE = re.compile(r"^1\d{10}$")
_PASSWORD_MESSAGES = {
    "password_too_short": "密码太短，至少需要 {min_length} 个字符。",
    "password_too_common": "密码过于常见，请换一个。",
    "password_entirely_numeric": "密码不能全部是数字。",
    "password_too_similar": "密码与用户名或姓名过于相似。",
}


# --- sessions -------------------------------------------------------------------------


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


# --- validation helpers ---------------------------------------------------------------


def password_errors(password: str, user: User | None = None) -> list[str]:
    """Run ``AUTH_PASSWORD_VALIDATORS`` and return their findings in Chinese.

    Django's own Chinese catalogue lacks some of the current messages, so each known
    error code is worded here; unknown validators keep their own message.
    """
    messages: list[str] = []
    for validator in get_default_password_validators():
        try:
            validator.validate(password, user)
        except ValidationError as exc:
            for err in exc.error_list:
                template = _PASSWORD_MESSAGES.get(str(err.code))
                if template is None:
                    messages.extend(err.messages)
                else:
                    messages.append(template.format(**(err.params or {})))
    return messages


def _check_profile(errors: dict[str, str], *, full_name: str, phone: str) -> None:
    if not full_name.strip():
        errors["full_name"] = "请填写姓名。"
    if phone and not _PHONE_RE.match(phone):
        errors["phone"] = "手机号应为 11 位数字，以 1 开头。"


def _check_home_org(errors: dict[str, str], actor: Any, org: Org | None) -> None:
    if org is None:
        errors["org"] = "请选择所在机构。"
    elif not org.is_active or not covers(actor, Cap.USER_MANAGE, org):
        errors["org"] = "所在机构不在您的管辖范围内。"


def grant_errors(actor: Any, role: str, org: Org | None, subtree: bool) -> dict[str, str]:
    """Why ``actor`` may not grant ``role`` on ``org`` (empty when allowed), by form field.

    DESIGN.md §3: a grant lies within the granter's ``user.manage`` scope and carries no
    capability the granter does not hold over the same scope (``scope.can_grant``).
    """
    if role not in ROLE_DEFINITIONS:
        return {"role": "请选择有效的角色。"}
    name = ROLE_DEFINITIONS[role][0]
    if org is None:
        return {"grant_org": "请选择授权机构。"}
    if not org.is_active or not covers(actor, Cap.USER_MANAGE, org):
        return {"grant_org": "授权机构不在您的管辖范围内。"}
    if can_grant(actor, role, org, subtree=subtree):
        return {}
    if subtree and can_grant(actor, role, org, subtree=False):
        return {"include_subtree": f"您只能在该机构本级授予「{name}」，不能含下级。"}
    return {"role": f"您在该机构无权授予「{name}」角色（不能超出本人权限）。"}


def _require_authority(actor: Any, user: User) -> None:
    if not can_administer(actor, user):
        raise ValidationError(NO_AUTHORITY)


def _user_snapshot(user: User) -> dict[str, Any]:
    return {
        "full_name": user.full_name,
        "phone": user.phone,
        "org": user.org.name if user.org else None,
        "is_active": user.is_active,
    }


def _grant_changes(grant: RoleGrant) -> dict[str, Any]:
    # GRANT/REVOKE events are filed under the grantee (the grant row may be gone later).
    return {
        "grant_id": grant.pk,
        "role": grant.role_id,
        "org": grant.org.name,
        "org_id": grant.org_id,
        "include_subtree": grant.include_subtree,
    }


# --- users and grants -----------------------------------------------------------------


def user_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    phone: str,
    org: Org | None,
    password: str,
    role: str,
    grant_org: Org | None,
    include_subtree: bool,
    request: HttpRequest | None = None,
) -> User:
    """Create a staff account together with its first grant, or nothing at all.

    The home org must lie in the actor's ``user.manage`` scope and the grant must pass
    ``can_grant`` (DESIGN.md §3); the password passes ``AUTH_PASSWORD_VALIDATORS`` and is
    stored with Argon2 (PASSWORD_HASHERS).
    """
    username = username.strip()
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "请填写用户名。"
    else:
        try:
            User.username_validator(username)
        except ValidationError:
            errors["username"] = "用户名只能包含字母、数字和 @/./+/-/_ 字符。"
        else:
            if User.objects.filter(username__iexact=username).exists():
                errors["username"] = "该用户名已被使用。"
    _check_profile(errors, full_name=full_name, phone=phone)
    _check_home_org(errors, actor, org)
    for field, message in grant_errors(actor, role, grant_org, include_subtree).items():
        errors.setdefault(field, message)
    pw = password_errors(password, User(username=username, full_name=full_name))
    if pw:
        errors["password"] = " ".join(pw)
    if errors:
        raise ValidationError(errors)
    assert grant_org is not None
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            full_name=full_name.strip(),
            phone=phone,
            org=org,
        )
        grant = RoleGrant.objects.create(
            user=user,
            role_id=role,
            org=grant_org,
            include_subtree=include_subtree,
            granted_by=actor,
        )
        record(
            action=Action.CREATE,
            actor=actor,
            obj=user,
            org=org,
            changes={"username": username, **_user_snapshot(user)},
            detail="新建用户",
            request=request,
        )
        record(
            action=Action.GRANT,
            actor=actor,
            obj=user,
            org=grant_org,
            changes=_grant_changes(grant),
            detail=f"授予{grant}",
            request=request,
        )
    return user


def grant_role(
    *,
    actor: User,
    user: User,
    role: str,
    org: Org | None,
    include_subtree: bool,
    request: HttpRequest | None = None,
) -> RoleGrant:
    """Grant ``role`` on ``org`` (alone or with its subtree) to a user in the actor's scope.

    DESIGN.md §3: "a user can never grant more than they hold" — ``can_grant``.
    """
    if user.org is None or not covers(actor, Cap.USER_MANAGE, user.org):
        raise ValidationError({"user": "该用户不在您的管辖范围内。"})
    errors = grant_errors(actor, role, org, include_subtree)
    if errors:
        raise ValidationError(errors)
    assert org is not None
    if RoleGrant.objects.filter(user=user, role_id=role, org=org).exists():
        raise ValidationError({"role": "该用户在该机构已持有此角色；如需调整范围，请先撤销。"})
    with transaction.atomic():
        grant = RoleGrant.objects.create(
            user=user, role_id=role, org=org, include_subtree=include_subtree, granted_by=actor
        )
        record(
            action=Action.GRANT,
            actor=actor,
            obj=user,
            org=org,
            changes=_grant_changes(grant),
            detail=f"授予{grant}",
            request=request,
        )
    forget_grants(user)
    return grant


def revoke_grant(*, actor: User, grant: RoleGrant, request: HttpRequest | None = None) -> None:
    """Revoke a grant the actor could have given; never one's own last 系统管理员 grant.

    Revoking is bounded like granting (DESIGN.md §3), and the last self-held sysadmin grant
    stays so that an administrator cannot lock the system out by accident.
    """
    if not can_grant(actor, grant.role_id, grant.org, subtree=grant.include_subtree):
        raise ValidationError("该授权超出您的管辖范围，不能撤销。")
    if (
        grant.user_id == actor.pk
        and grant.role_id == "sysadmin"
        and not RoleGrant.objects.filter(user=actor, role_id="sysadmin").exclude(pk=grant.pk)
    ):
        raise ValidationError("不能撤销您本人最后一个系统管理员授权。")
    changes = _grant_changes(grant)
    with transaction.atomic():
        record(
            action=Action.REVOKE,
            actor=actor,
            obj=grant.user,
            org=grant.org,
            changes=changes,
            detail=f"撤销{grant}",
            request=request,
        )
        grant.delete()
    forget_grants(grant.user)
    if grant.user_id == actor.pk:
        forget_grants(actor)


def user_update(
    *,
    actor: User,
    user: User,
    full_name: str,
    phone: str,
    org: Org | None,
    is_active: bool,
    request: HttpRequest | None = None,
) -> User:
    """Change a user's name, phone, home org or status (启用/停用).

    The actor needs authority over the whole account (``selectors.can_administer``), the
    new home org stays in their scope, and nobody deactivates their own account.
    """
    _require_authority(actor, user)
    errors: dict[str, str] = {}
    _check_profile(errors, full_name=full_name, phone=phone)
    if org != user.org:
        _check_home_org(errors, actor, org)
    if not is_active and user.pk == actor.pk:
        errors["is_active"] = "不能停用自己的账号。"
    if errors:
        raise ValidationError(errors)
    before = _user_snapshot(user)
    user.full_name = full_name.strip()
    user.phone = phone
    user.org = org
    user.is_active = is_active
    after = _user_snapshot(user)
    changes = diff(before, after)
    if not changes:
        return user
    with transaction.atomic():
        user.save(update_fields=["full_name", "phone", "org", "is_active"])
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=user,
            org=org,
            changes=changes,
            detail="修改用户信息",
            request=request,
        )
    return user


def user_unlock(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """Lift a lockout before it expires (the lockout rule: backends.count_login_failure)."""
    _require_authority(actor, user)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(locked_until=None, failed_logins=0)
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=user,
            detail="解除账号锁定",
            changes={"locked_until": None},
            request=request,
        )
    user.locked_until = None
    user.failed_logins = 0


def password_reset(
    *, actor: User, user: User, new_password: str, request: HttpRequest | None = None
) -> None:
    """An administrator sets a new password for a user they fully administer.

    The password passes ``AUTH_PASSWORD_VALIDATORS``; the lockout is lifted; the user's
    sessions end because the session hash changes.
    """
    _require_authority(actor, user)
    problems = password_errors(new_password, user)
    if problems:
        raise ValidationError({"new_password": " ".join(problems)})
    with transaction.atomic():
        user.set_password(new_password)
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["password", "failed_logins", "locked_until"])
        record(
            action=Action.UPDATE, actor=actor, obj=user, detail="管理员重置密码", request=request
        )


def password_change(
    *, user: User, old_password: str, new_password: str, request: HttpRequest | None = None
) -> None:
    """A user changes their own password, proving the old one first."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": "原密码不正确。"})
    if old_password == new_password:
        raise ValidationError({"new_password": "新密码不能与原密码相同。"})
    problems = password_errors(new_password, user)
    if problems:
        raise ValidationError({"new_password": " ".join(problems)})
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        record(action=Action.UPDATE, actor=user, obj=user, detail="修改本人密码", request=request)


def role_set_requires_2fa(
    *, actor: User, role: Role, required: bool, request: HttpRequest | None = None
) -> None:
    """Make a second factor mandatory (or not) for everyone holding ``role``.

    The setting applies across the whole tree, so only a system administrator — one who
    holds ``user.manage`` over every root org's subtree (``selectors.is_system_admin``) —
    may change it. Users already signed in are asked to enrol at their next sign-in.
    """
    if not is_system_admin(actor):
        raise ValidationError("只有系统管理员可以修改角色设置。")
    if role.requires_2fa == required:
        return
    with transaction.atomic():
        Role.objects.filter(pk=role.pk).update(requires_2fa=required)
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=role,
            org=actor.org,
            changes={"requires_2fa": [role.requires_2fa, required]},
            detail="修改强制双因素认证设置",
            request=request,
        )
    role.requires_2fa = required


# --- API tokens -----------------------------------------------------------------------


def api_token_create(
    *, user: User, name: str, request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Issue a personal API token; the raw value is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写令牌名称。"})
    if len(name) > 50:
        raise ValidationError({"name": "名称最多 50 个字符。"})
    with transaction.atomic():
        token, raw = token_issue(user=user, name=name)
        record(
            action=Action.CREATE,
            actor=user,
            obj=token,
            org=user.org,
            detail="创建 API 令牌",
            request=request,
        )
    return token, raw


def api_token_revoke(*, user: User, token: ApiToken, request: HttpRequest | None = None) -> None:
    """Revoke one of the user's own tokens; requests bearing it answer 401 from now on."""
    if token.user_id != user.pk:
        raise ValidationError("只能撤销本人的令牌。")
    with transaction.atomic():
        record(
            action=Action.DELETE,
            actor=user,
            obj=token,
            org=user.org,
            detail="撤销 API 令牌",
            request=request,
        )
        token.delete()
