"""The append-only, hash-chained audit log (DESIGN.md §3 "Audit")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.core.models import ChoiceLabelsModel


class Action(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("账号锁定")
    LOGOUT = "logout", _("退出")
    VIEW = "view", _("查看敏感记录")
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    GRANT = "grant", _("授权")
    REVOKE = "revoke", _("撤销授权")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")


class AuditEvent(ChoiceLabelsModel):
    """One entry of the log. ``digest`` = HMAC(key, prev_digest ‖ canonical(fields)).

    Rows are only ever inserted (``qingfeng.audit.services.record``); ``verify_audit``
    recomputes the chain and names the first row that no longer fits.
    """

    seq = models.BigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        # DO_NOTHING: deleting a user must not rewrite (and so break) chained rows.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the composite index below starts with it
        related_name="+",
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("机构"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the composite index below starts with it
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    ip = models.CharField(_("IP"), max_length=45, blank=True)
    prev_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["actor", "seq"], name="audit_actor_seq"),
            models.Index(fields=["actor_name", "seq"], name="audit_actor_name_seq"),
            models.Index(fields=["org", "seq"], name="audit_org_seq"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["action", "seq"], name="audit_action_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"


class AuditHead(models.Model):
    """Single row holding the chain's tip; locked while appending so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    digest = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return f"head #{self.seq}"
