"""Leads (问题线索), DOMAIN.md §3.

Only what an accepted report needs today: the lead record itself, with its source and the
body that holds it. Disposal (the four ways), approvals and cases build on it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.orgs.models import Org


class LeadSource(models.TextChoices):
    REPORT = "report", _("信访举报")
    INSPECTION = "inspection", _("巡察移交")
    AUDIT = "audit", _("审计移交")
    SUPERVISION = "supervision", _("监督检查")
    STATION = "station", _("联络站信息")
    WARNING = "warning", _("预警")
    UPPER = "upper", _("上级交办")


class LeadStatus(models.TextChoices):
    PENDING = "pending", _("待处置")


class Lead(models.Model):
    """One 问题线索, held by a commission body."""

    number = models.CharField(_("线索编号"), max_length=40, unique=True)
    org = models.ForeignKey(
        Org, verbose_name=_("管辖机关"), on_delete=models.PROTECT, related_name="leads"
    )
    source = models.CharField(_("线索来源"), max_length=16, choices=LeadSource.choices)
    report = models.ForeignKey(
        "intake.Report",
        verbose_name=_("来源信访件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    subjects = models.ManyToManyField(
        "intake.ReportSubject", verbose_name=_("被反映人"), blank=True, related_name="leads"
    )
    summary = models.TextField(_("线索摘要"))
    handling_dept = models.ForeignKey(
        Org,
        verbose_name=_("承办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_leads",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=LeadStatus.choices, default=LeadStatus.PENDING
    )
    hidden_from = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("问题线索")
        verbose_name_plural = _("问题线索")
        indexes = [models.Index(fields=["org", "-created_at"], name="lead_org_created")]

    def __str__(self) -> str:
        return self.number
