"""Approvals (呈批): collective decisions, configurable chains, and signatures that bind state.

DOMAIN.md §3: every lead is decided collectively and approved (集体研究、报批); DESIGN.md §3
"Approvals bind state": an approval records approver, time, decision and a digest of the
record it approved; if the record changed since, the approval is void.

- ``ChainStep`` configures, per body and matter, who signs in which order (e.g. township:
  纪委书记; county: 室主任 → 分管委领导). Bodies without rows use ``chains.DEFAULT_CHAINS``.
- ``Approval`` is one 呈批 of one record; at submission its chain is copied into
  ``ApprovalStep`` rows resolved to concrete orgs, so a later change of the configuration
  never changes an approval in flight, and "待我审批" is one indexed query.
- ``Meeting`` records the collective decision (会议、参会人员、研究意见) a 呈批 rests on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.core.models import ChoiceLabelsModel
from qingfeng.orgs.models import Org


class Matter(models.TextChoices):
    """What is being approved; each matter has its own chain per body."""

    LEAD_DISPOSAL = "lead_disposal", _("问题线索处置")
    ENQUIRY_PLAN = "enquiry_plan", _("谈话函询方案")
    ENQUIRY_PLAN_HEAD = "enquiry_plan_head", _("谈话函询方案（下级党委主要负责人）")
    ENQUIRY_OUTCOME = "enquiry_outcome", _("谈话函询情况报告")
    VERIFICATION_REPORT = "verification_report", _("初步核实情况报告")
    # Cases (DOMAIN.md §4)
    CASE_FILING_PARTY = "case_filing_party", _("立案审查呈批（党纪）")
    CASE_FILING_SUPERVISION = "case_filing_supervision", _("立案调查呈批（监察）")
    CASE_FILING_JOINT = "case_filing_joint", _("立案审查调查呈批（党纪、监察）")
    CASE_MEASURE = "case_measure", _("审查调查措施")
    CASE_DETENTION = "case_detention", _("留置")
    CASE_EXTENSION = "case_extension", _("延长审查调查期限")
    INVESTIGATION_REPORT = "investigation_report", _("审查调查报告")
    REVIEW_REPORT = "review_report", _("审理报告")
    SANCTION_DECISION = "sanction_decision", _("处分（处理）决定")
    JURISDICTION_MOVE = "jurisdiction_move", _("管辖调整（提级办理、指定管辖、交叉办理）")
    APPEAL_DECISION = "appeal_decision", _("复议复查（复审复核）决定")


class Relation(models.TextChoices):
    """Where a step's approver sits, relative to the body holding the record."""

    SELF = "self", _("本机关")
    DEPT = "dept", _("承办部门")
    PARENT = "parent", _("上级机关")


class ChainStep(ChoiceLabelsModel):
    """One configured step of a body's chain for a matter (DOMAIN.md §3 集体研究、报批)."""

    org = models.ForeignKey(
        Org, verbose_name=_("机关"), on_delete=models.CASCADE, related_name="chain_steps"
    )
    matter = models.CharField(_("审批事项"), max_length=30, choices=Matter.choices)
    order = models.PositiveSmallIntegerField(_("顺序"))
    role = models.CharField(_("审批人角色"), max_length=40)
    relation = models.CharField(_("审批人所在"), max_length=10, choices=Relation.choices)
    label = models.CharField(_("签批栏目"), max_length=40)

    class Meta:
        verbose_name = _("审批流程步骤")
        verbose_name_plural = _("审批流程步骤")
        ordering = ["org", "matter", "order"]
        constraints = [
            models.UniqueConstraint(fields=["org", "matter", "order"], name="chain_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.get_matter_display()} {self.order}. {self.label}"


class MeetingKind(models.TextChoices):
    COMMISSION = "commission", _("纪委会（委务会）")
    SECRETARY = "secretary", _("书记专题会")
    DEPARTMENT = "department", _("室务会")
    DISPOSAL = "disposal", _("线索处置会")


class Meeting(ChoiceLabelsModel):
    """A collective decision (集体研究) that a 呈批 rests on, DOMAIN.md §3."""

    org = models.ForeignKey(Org, verbose_name=_("机关"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("会议类型"), max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField(_("会议日期"))
    participants = models.TextField(_("参会人员"))
    conclusion = models.TextField(_("研究意见"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("集体研究记录")
        verbose_name_plural = _("集体研究记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("审批中")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")
    VOID = "void", _("已失效")


class Approval(ChoiceLabelsModel):
    """One 呈批: a proposal about one record, signed step by step.

    ``digest`` is the SHA-256 of the record's material state plus the proposal
    (``digests.digest_of``) when submitted; every signature repeats the digest it saw, and a
    mismatch voids the approval (DESIGN.md §3).
    """

    number = models.CharField(_("呈批编号"), max_length=40, unique=True)
    org = models.ForeignKey(
        Org, verbose_name=_("呈批机关"), on_delete=models.PROTECT, related_name="approvals"
    )
    matter = models.CharField(_("审批事项"), max_length=30, choices=Matter.choices)
    lead = models.ForeignKey(
        "cases.Lead",
        verbose_name=_("问题线索"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approvals",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approvals",
    )
    title = models.CharField(_("标题"), max_length=200)
    proposal = models.TextField(_("呈批意见"))
    # What the approved decision will do, e.g. {"way": "talk"}: applied on final approval.
    payload = models.JSONField(_("拟办事项"), default=dict)
    digest = models.CharField(max_length=64)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("集体研究"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approvals",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    void_reason = models.CharField(_("失效原因"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("呈批时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("呈批")
        verbose_name_plural = _("呈批")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["lead", "-submitted_at"], name="approval_lead"),
            models.Index(fields=["case", "-submitted_at"], name="approval_case"),
            models.Index(fields=["org", "status", "-submitted_at"], name="approval_org_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class StepState(models.TextChoices):
    QUEUED = "queued", _("待前序审批")
    WAITING = "waiting", _("待审批")
    APPROVED = "approved", _("同意")
    REJECTED = "rejected", _("不同意")
    CLOSED = "closed", _("未审批（呈批已结束）")


class ApprovalStep(ChoiceLabelsModel):
    """One signature slot of an approval, resolved to a role on a concrete org.

    Exactly one step of a pending approval is WAITING; "待我审批" is the WAITING steps whose
    (role, org) one of the user's grants reaches.
    """

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("顺序"))
    label = models.CharField(_("签批栏目"), max_length=40)
    role = models.CharField(_("审批人角色"), max_length=40)
    org = models.ForeignKey(
        Org, verbose_name=_("审批机关"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=StepState.choices, default=StepState.QUEUED
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("审批意见"), blank=True)
    signed_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    # The digest the signer saw; equal to the approval's digest or the signature is refused.
    signed_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("审批步骤")
        verbose_name_plural = _("审批步骤")
        ordering = ["approval", "order"]
        constraints = [
            models.UniqueConstraint(fields=["approval", "order"], name="approval_step_once")
        ]
        indexes = [
            models.Index(
                fields=["role", "org"],
                name="approval_step_waiting",
                condition=models.Q(state="waiting"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.approval.number} {self.order}. {self.label}"
