"""In-app notices (站内提醒) for staff, e.g. the daily reminder of due and overdue clocks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """One notice to one user; unread while ``read_at`` is empty.

    Notices never carry a reporter's identity or a report's content (DOMAIN.md §2
    protection): only counts and a link into the system.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内提醒")
        verbose_name_plural = _("站内提醒")
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_read")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
