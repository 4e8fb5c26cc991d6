"""Leads (问题线索) and their handling, DOMAIN.md §3.

A lead is held by a commission body (``org``), optionally handled by one of its departments,
and moves through the states of ``cases.workflow`` by the services in ``cases.services``:
a 处置呈批 (collective decision plus approval chain, ``qingfeng.approvals``) sends it to one
of the four ways — 谈话函询 (``Enquiry``), 初步核实 (``Verification``), 暂存待查, 予以了结.
Every step writes one ``LeadTransition``; legal time limits are ``LeadClock`` rows on the
working-day calendar.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.core.models import ChoiceLabelsModel
from qingfeng.orgs.models import Org, Person


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
    PROPOSED = "proposed", _("处置呈批中")
    ENQUIRY = "enquiry", _("谈话函询")
    VERIFICATION = "verification", _("初步核实")
    ON_HOLD = "on_hold", _("暂存待查")
    CLOSED = "closed", _("已了结")
    CASE_PROPOSED = "case_proposed", _("拟立案")
    FILING = "filing", _("立案呈批中")
    FILED = "filed", _("已立案")
    TRANSFERRED = "transferred", _("已移送")


class Way(models.TextChoices):
    """The four ways of handling a lead (四种处置方式), DOMAIN.md §3."""

    ENQUIRY = "enquiry", _("谈话函询")
    VERIFICATION = "verification", _("初步核实")
    HOLD = "hold", _("暂存待查")
    CLOSE = "close", _("予以了结")


class Lead(ChoiceLabelsModel):
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
    # The person the lead is about, as the approvers read it (a lead from a report names
    # the reported person; a split report gives one lead per person).
    subject_name = models.CharField(_("被反映人"), max_length=100, blank=True)
    subject_unit = models.CharField(_("单位"), max_length=100, blank=True)
    subject_post = models.CharField(_("职务"), max_length=100, blank=True)
    person = models.ForeignKey(
        Person,
        verbose_name=_("对应监察对象"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
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
    way = models.CharField(_("处置方式"), max_length=16, choices=Way.choices, blank=True)
    # The final outcome code (``cases.outcomes.Outcome``) once the lead is closed.
    outcome = models.CharField(_("处置结果"), max_length=30, blank=True)
    closed_on = models.DateField(_("了结日期"), null=True, blank=True)
    # 移送有关机关 (DOMAIN.md §3): the authority's reply on how it handled the 问题转办单.
    transfer_replied_on = models.DateField(_("转办反馈日期"), null=True, blank=True)
    transfer_reply = models.TextField(_("转办反馈情况"), blank=True)
    hidden_from = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("问题线索")
        verbose_name_plural = _("问题线索")
        indexes = [
            models.Index(fields=["org", "-created_at"], name="lead_org_created"),
            models.Index(fields=["org", "status", "-created_at"], name="lead_org_status"),
            models.Index(fields=["handling_dept", "-created_at"], name="lead_dept_created"),
        ]

    def __str__(self) -> str:
        return self.number


class LeadTransition(models.Model):
    """One step of a lead's handling: who did what, when, why (STYLE.md: one row a step)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("线索处置记录")
        verbose_name_plural = _("线索处置记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.action}"


class EnquiryMode(models.TextChoices):
    TALK = "talk", _("谈话")
    LETTER = "letter", _("函询")


class EnquiryStatus(models.TextChoices):
    PLAN_PENDING = "plan_pending", _("方案呈批中")
    PLAN_APPROVED = "plan_approved", _("待谈话/待发函")
    AWAITING_REPLY = "awaiting_reply", _("待回复")
    AWAITING_REPORT = "awaiting_report", _("待报告")
    REPORT_PENDING = "report_pending", _("情况报告呈批中")
    DONE = "done", _("已办结")
    CANCELLED = "cancelled", _("已撤销")


class Enquiry(ChoiceLabelsModel):
    """One round of 谈话函询 on a lead (DOMAIN.md §3).

    Plan approved first (for the head of a lower Party committee by the commission's head);
    a talk is recorded, a letter must be answered within 15 working days with the
    countersignature of the person's Party committee head; the handling department reports
    its view within 1 month of the talk or the reply; the report's outcome is approved.
    """

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="enquiries")
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    mode = models.CharField(_("方式"), max_length=8, choices=EnquiryMode.choices)
    subject_is_party_head = models.BooleanField(
        _("被谈话函询人系下级党委主要负责人"), default=False
    )
    plan = models.TextField(_("谈话函询方案"))
    status = models.CharField(
        _("状态"), max_length=20, choices=EnquiryStatus.choices, default=EnquiryStatus.PLAN_PENDING
    )
    # 谈话
    talk_on = models.DateField(_("谈话日期"), null=True, blank=True)
    talk_place = models.CharField(_("谈话地点"), max_length=100, blank=True)
    talkers = models.CharField(_("谈话人"), max_length=200, blank=True)
    talk_record = models.TextField(_("谈话笔录"), blank=True)
    explanation_requested = models.BooleanField(_("要求作出书面说明"), default=False)
    # 函询 (and a written explanation after a talk)
    letter_sent_on = models.DateField(_("发函日期"), null=True, blank=True)
    reply_on = models.DateField(_("回复日期"), null=True, blank=True)
    reply_text = models.TextField(_("书面说明/回复"), blank=True)
    countersigned = models.BooleanField(_("党委（党组）主要负责人已签字"), default=False)
    # 情况报告
    report_text = models.TextField(_("谈话函询情况报告"), blank=True)
    outcome = models.CharField(_("处理意见"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("谈话函询")
        verbose_name_plural = _("谈话函询")
        ordering = ["lead", "round"]
        constraints = [models.UniqueConstraint(fields=["lead", "round"], name="enquiry_round_once")]

    def __str__(self) -> str:
        return f"{self.lead.number} 第{self.round}次{self.get_mode_display()}"


class VerificationStatus(models.TextChoices):
    ONGOING = "ongoing", _("核实中")
    REPORT_PENDING = "report_pending", _("情况报告呈批中")
    DONE = "done", _("已办结")


class Verification(ChoiceLabelsModel):
    """初步核实 of a lead: a team, a plan, a local time limit, a report approved by the
    body's head with one of the outcomes of DOMAIN.md §3."""

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="verifications")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查组组长"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("核查组成员"), related_name="verifications"
    )
    plan = models.TextField(_("初步核实方案"))
    started_on = models.DateField(_("开始日期"))
    months = models.PositiveSmallIntegerField(_("时限（月）"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=VerificationStatus.choices,
        default=VerificationStatus.ONGOING,
    )
    report_text = models.TextField(_("初步核实情况报告"), blank=True)
    outcome = models.CharField(_("建议处理意见"), max_length=30, blank=True)
    # The authority a lead is transferred to when the report proposes 移送 (问题转办单).
    transfer_to = models.CharField(_("移送机关"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("初步核实")
        verbose_name_plural = _("初步核实")

    def __str__(self) -> str:
        return f"{self.lead.number} 初步核实"


class LeadClockKind(models.TextChoices):
    ENQUIRY_REPLY = "enquiry_reply", _("函询15个工作日内回复")
    ENQUIRY_REPORT = "enquiry_report", _("谈话或回复后1个月内报告")
    VERIFICATION = "verification", _("初步核实时限")
    TRANSFER_REPLY = "transfer_reply", _("转办件1个月内反馈")


class LeadClock(ChoiceLabelsModel):
    """A time limit of a lead's handling, on the working-day calendar (DOMAIN.md §3)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(_("时限"), max_length=20, choices=LeadClockKind.choices)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", db_index=False)
    starts_on = models.DateField(_("起算日"))
    due_on = models.DateField(_("截止日"))
    provisional = models.BooleanField(_("按未录入年度估算"), default=False)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    reminded_on = models.DateField(_("最近提醒日"), null=True, blank=True)

    class Meta:
        verbose_name = _("线索办理时限")
        verbose_name_plural = _("线索办理时限")
        indexes = [
            models.Index(
                fields=["org", "due_on"],
                name="lead_clock_open_due",
                condition=models.Q(met_at=None),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"


class BodySettings(models.Model):
    """Local practice of one body (DOMAIN.md: *local* numbers are settings, not constants)."""

    org = models.OneToOneField(Org, on_delete=models.CASCADE, related_name="case_settings")
    verification_months = models.PositiveSmallIntegerField(
        _("初步核实时限（月）"),
        default=2,
        help_text=_("本地做法：15个工作日至2个月，默认2个月"),
    )
    # Set on a county body: its 审理室 reviews the cases of its townships first (DOMAIN.md
    # §4, *local* 乡案县审).
    reviews_township_cases = models.BooleanField(
        _("乡案县审"),
        default=False,
        help_text=_("开启后，所辖乡镇（街道）案件先移送县纪委监委案件审理室审理"),
    )

    class Meta:
        verbose_name = _("办案设置")
        verbose_name_plural = _("办案设置")

    def __str__(self) -> str:
        return f"{self.org} 办案设置"


from qingfeng.cases.case_models import (  # noqa: E402  (models of the cases app, split by size)
    Appeal,
    AppealKind,
    AppealOutcome,
    AppealStatus,
    Case,
    CaseClock,
    CaseClockKind,
    CaseMeasure,
    CaseReview,
    CaseStatus,
    CaseTransition,
    MeasureKind,
    MeasureStatus,
    ProbationResult,
    ReviewStatus,
    Sanction,
    SanctionStatus,
)

__all__ = [
    "Appeal",
    "AppealKind",
    "AppealOutcome",
    "AppealStatus",
    "BodySettings",
    "Case",
    "CaseClock",
    "CaseClockKind",
    "CaseMeasure",
    "CaseReview",
    "CaseStatus",
    "CaseTransition",
    "Enquiry",
    "EnquiryMode",
    "EnquiryStatus",
    "Lead",
    "LeadClock",
    "LeadClockKind",
    "LeadSource",
    "LeadStatus",
    "LeadTransition",
    "MeasureKind",
    "MeasureStatus",
    "ProbationResult",
    "ReviewStatus",
    "Sanction",
    "SanctionStatus",
    "Verification",
    "VerificationStatus",
    "Way",
]
