"""Staff accounts, roles and scoped grants."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingfeng.orgs.models import Org


class User(AbstractUser):
    """A staff account. ``org`` is the user's home org (where they work)."""

    full_name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    org = models.ForeignKey(
        Org,
        verbose_name=_("所在机构"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    failed_logins = models.PositiveSmallIntegerField(_("连续失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    # TOTP secret, AES-GCM encrypted with the field key (qingfeng.core.crypto).
    totp_secret = models.CharField(max_length=200, blank=True, editable=False)
    totp_enabled = models.BooleanField(_("已启用双因素认证"), default=False)
    # Last accepted TOTP time step: a code is never accepted twice (RFC 6238 §5.2).
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        indexes = [models.Index(fields=["org", "id"], name="user_org_id")]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class Role(models.Model):
    """One row per role in ``roles.ROLE_DEFINITIONS``; holds the per-role settings."""

    code = models.CharField(max_length=32, primary_key=True)
    name = models.CharField(_("角色"), max_length=50)
    sort_order = models.IntegerField(default=0)
    requires_2fa = models.BooleanField(_("强制双因素认证"), default=False)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.name


class RoleGrant(models.Model):
    """A role held on an org node, for that node alone or its whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.ForeignKey(Role, verbose_name=_("角色"), on_delete=models.PROTECT)
    org = models.ForeignKey(
        Org, verbose_name=_("授权机构"), on_delete=models.PROTECT, related_name="grants"
    )
    include_subtree = models.BooleanField(_("含下级"), default=True)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org"], name="grant_user_role_org")
        ]

    def __str__(self) -> str:
        scope = "及下级" if self.include_subtree else "本级"
        return f"{self.role}（{self.org}{scope}）"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=50)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
