"""Cases (案件) from 立案 to 结案, DOMAIN.md §4–§5.

A lead whose 初步核实 proposed 立案 is filed by an approved 立案审查调查呈批报告 (Party side,
监察 side or both); the approval creates one ``Case``. The case is investigated by a team
with approved measures (``CaseMeasure``) against a 1-year clock that may be extended once by
up to 6 months (``CaseClock``); its 审查调查报告 is approved and it moves to 审理
(``CaseReview``: at least two reviewers, collective deliberation, a talk with the person,
possibly sent back for more evidence; with 乡案县审 the county 审理室 reviews township
cases); the decision (``Sanction`` rows, one per sanction or measure) is approved by the body
that holds the power (``sanctions.required_authority``), announced within 1 month and its
execution reported within 6 months; then the case is closed (结案报告).

Imported into ``cases.models`` so Django sees these models in the ``cases`` app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.core.models import ChoiceLabelsModel
from qingfeng.orgs.models import Org, Person


class CaseStatus(models.TextChoices):
    INVESTIGATING = "investigating", _("审查调查中")
    REPORT_PENDING = "report_pending", _("审查调查报告呈批中")
    IN_REVIEW = "in_review", _("审理中")
    REVIEW_PENDING = "review_pending", _("审理报告呈批中")
    REVIEWED = "reviewed", _("审理终结待决定")
    DECISION_PENDING = "decision_pending", _("处理决定呈批中")
    DECIDED = "decided", _("待宣布")
    EXECUTING = "executing", _("执行中")
    CLOSED = "closed", _("已结案")


class Case(ChoiceLabelsModel):
    """One 案件 about one person, filed from a lead (DOMAIN.md §4).

    ``org`` is the body handling the case now; ``home_org`` the body that filed it (they
    differ after 提级办理 / 指定管辖 / 交叉办理). ``review_org`` is the 审理 body while the
    case is in review (the body itself, its 审理室, or with 乡案县审 the county 审理室).
    """

    number = models.CharField(_("案件编号"), max_length=40, unique=True)
    lead = models.OneToOneField(
        "cases.Lead", verbose_name=_("问题线索"), on_delete=models.PROTECT, related_name="case"
    )
    org = models.ForeignKey(
        Org, verbose_name=_("办案机关"), on_delete=models.PROTECT, related_name="cases"
    )
    home_org = models.ForeignKey(
        Org, verbose_name=_("原管辖机关"), on_delete=models.PROTECT, related_name="home_cases"
    )
    handling_dept = models.ForeignKey(
        Org,
        verbose_name=_("承办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_cases",
    )
    review_org = models.ForeignKey(
        Org,
        verbose_name=_("审理机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_cases",
    )
    hidden_from = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The person, as filed (copied from the lead, linked to the person record when known).
    subject_name = models.CharField(_("被审查调查人"), max_length=100)
    subject_unit = models.CharField(_("单位"), max_length=100, blank=True)
    subject_post = models.CharField(_("职务"), max_length=100, blank=True)
    person = models.ForeignKey(
        Person,
        verbose_name=_("对应监察对象"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    is_party_member = models.BooleanField(_("中共党员"), default=True)
    is_supervised = models.BooleanField(_("监察对象"), default=True)
    is_village_cadre = models.BooleanField(_("村（社区）干部"), default=False)
    # 纪委立案审查 / 监委立案调查 (DOMAIN.md §4: both when the member is also a 监察对象).
    party_case = models.BooleanField(_("党纪立案审查"), default=True)
    supervision_case = models.BooleanField(_("监察立案调查"), default=False)
    complex_case = models.BooleanField(_("复杂案件"), default=False)
    summary = models.TextField(_("主要问题及立案依据"))
    status = models.CharField(
        _("状态"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.INVESTIGATING
    )
    filed_on = models.DateField(_("立案日期"))
    extended_months = models.PositiveSmallIntegerField(_("已延长（月）"), default=0)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审查调查组组长"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审查调查组成员"),
        blank=True,
        related_name="case_teams",
    )
    investigation_report = models.TextField(_("审查调查报告"), blank=True)
    # Outcome codes (``cases.outcomes.Outcome``) proposed by the investigation report.
    proposed_outcomes = models.JSONField(_("建议处理意见"), default=list, blank=True)
    transferred_on = models.DateField(_("移送审理日期"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    # The reply to the 纪检监察建议书 recommending 组织处理 (DOMAIN.md §5, §9).
    recommendation_replied_on = models.DateField(_("建议书回复日期"), null=True, blank=True)
    recommendation_reply = models.TextField(_("建议书采纳情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        indexes = [
            models.Index(fields=["org", "-filed_on", "-id"], name="case_org_filed"),
            # The list of a wide scope (a city, the province) newest 立案 first.
            models.Index(fields=["-filed_on", "-id"], name="case_filed"),
            models.Index(fields=["org", "status", "-filed_on"], name="case_org_status"),
            models.Index(fields=["handling_dept", "-filed_on"], name="case_dept_filed"),
            models.Index(fields=["review_org", "status"], name="case_review_org"),
        ]

    def __str__(self) -> str:
        return self.number


class CaseTransition(models.Model):
    """One step of a case: who did what, when, why (STYLE.md: one row a step)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("案件办理记录")
        verbose_name_plural = _("案件办理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class MeasureKind(models.TextChoices):
    """审查调查措施 (监察法 第十八–三十一条; DOMAIN.md §4)."""

    TALK = "talk", _("谈话")
    QUESTION = "question", _("询问")
    INQUIRY = "inquiry", _("查询")
    COLLECT = "collect", _("调取")
    INSPECT = "inspect", _("勘验检查")
    APPRAISE = "appraise", _("鉴定")
    FREEZE = "freeze", _("冻结")
    SEAL = "seal", _("查封")
    SEIZE = "seize", _("扣押")
    SEARCH = "search", _("搜查")
    EXIT_BAN = "exit_ban", _("限制出境")
    TECHNICAL = "technical", _("技术调查")
    WANTED = "wanted", _("通缉")
    DETENTION = "detention", _("留置")


class MeasureStatus(models.TextChoices):
    PENDING = "pending", _("呈批中")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    ENDED = "ended", _("已解除")


class CaseMeasure(ChoiceLabelsModel):
    """One investigation measure, each approved (DOMAIN.md §4; 留置 never at township)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("措施"), max_length=16, choices=MeasureKind.choices)
    target = models.CharField(_("对象/财物"), max_length=200)
    reason = models.TextField(_("理由"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("期限至"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审查调查措施")
        verbose_name_plural = _("审查调查措施")
        ordering = ["case", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target}"


class ReviewStatus(models.TextChoices):
    REVIEWING = "reviewing", _("审理中")
    RETURNED = "returned", _("退回补充证据")
    REPORT_PENDING = "report_pending", _("审理报告呈批中")
    DONE = "done", _("审理终结")


class CaseReview(ChoiceLabelsModel):
    """One round of 审理 (DOMAIN.md §4): at least two reviewers, a talk with the person,
    collective deliberation, possibly a return for more evidence, and a 审理报告."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    org = models.ForeignKey(
        Org, verbose_name=_("审理机关"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("受理日期"))
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("审理人员"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.REVIEWING
    )
    talk_on = models.DateField(_("审理谈话日期"), null=True, blank=True)
    talk_record = models.TextField(_("审理谈话记录"), blank=True)
    meeting = models.ForeignKey(
        "approvals.Meeting",
        verbose_name=_("集体审议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = models.TextField(_("退回理由"), blank=True)
    report_text = models.TextField(_("审理报告"), blank=True)
    proposed_outcomes = models.JSONField(_("审理意见"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("案件审理")
        verbose_name_plural = _("案件审理")
        ordering = ["case", "round"]
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="case_review_round_once")
        ]

    def __str__(self) -> str:
        return f"{self.case.number} 第{self.round}次审理"


class SanctionStatus(models.TextChoices):
    PROPOSED = "proposed", _("呈批中")
    DECIDED = "decided", _("已决定")
    ANNOUNCED = "announced", _("已宣布")
    EXECUTED = "executed", _("已执行")
    CHANGED = "changed", _("已变更")
    REVOKED = "revoked", _("已撤销")
    VOID = "void", _("未批准")


class ProbationResult(models.TextChoices):
    RESTORED = "restored", _("恢复党员权利")
    EXTENDED = "extended", _("延长察看期一年")


class Sanction(ChoiceLabelsModel):
    """One decided sanction, 组织处理 or measure of a case (DOMAIN.md §5).

    Takes effect on the date of the approving body's decision (``decided_on``); its effect
    period is ``sanctions.effect_period``; announcement and execution are on ``CaseClock``.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sanctions")
    outcome = models.CharField(_("处理结果"), max_length=30)
    kind = models.CharField(_("类别"), max_length=16)
    authority = models.CharField(_("批准机关"), max_length=30)
    # 留党察看: one or two years.
    probation_years = models.PositiveSmallIntegerField(_("留党察看期（年）"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=SanctionStatus.choices, default=SanctionStatus.PROPOSED
    )
    decided_on = models.DateField(_("决定（生效）日期"), null=True, blank=True)
    effect_ends_on = models.DateField(_("影响期至"), null=True, blank=True)
    # 留党察看: the last day of the term, whether it was extended, and how it ended.
    term_ends_on = models.DateField(_("察看期至"), null=True, blank=True)
    probation_extended = models.BooleanField(_("已延长察看期"), default=False)
    probation_result = models.CharField(
        _("察看期满处理"), max_length=10, choices=ProbationResult.choices, blank=True
    )
    announced_on = models.DateField(_("宣布日期"), null=True, blank=True)
    executed_on = models.DateField(_("执行报告日期"), null=True, blank=True)
    execution_note = models.TextField(_("执行情况"), blank=True)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("决定书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("处分与处理")
        verbose_name_plural = _("处分与处理")
        ordering = ["case", "id"]
        indexes = [models.Index(fields=["status", "effect_ends_on"], name="sanction_effect")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.outcome}"


class AppealKind(models.TextChoices):
    """DOMAIN.md §4 "Appeals": Party 复议复查; 监察 复审 then 复核."""

    PARTY = "party", _("党纪处分复议复查")
    GOV_REVIEW = "gov_review", _("政务处分复审")
    GOV_RECHECK = "gov_recheck", _("政务处分复核")


class AppealStatus(models.TextChoices):
    REVIEWING = "reviewing", _("办理中")
    PENDING = "pending", _("决定呈批中")
    DECIDED = "decided", _("已决定")


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("维持原处分")
    CHANGED = "changed", _("变更处分")
    REVOKED = "revoked", _("撤销处分")


class Appeal(ChoiceLabelsModel):
    """A 复议复查 / 复审 / 复核 of one sanction (DOMAIN.md §4). The sanction stays in force
    while it is handled; reviewers are people not on the original case."""

    sanction = models.ForeignKey(Sanction, on_delete=models.PROTECT, related_name="appeals")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    kind = models.CharField(_("类别"), max_length=16, choices=AppealKind.choices)
    org = models.ForeignKey(
        Org, verbose_name=_("受理机关"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("收到处分决定日期"))
    applied_on = models.DateField(_("申请日期"))
    reason = models.TextField(_("申请理由"))
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("复查人员"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.REVIEWING
    )
    outcome = models.CharField(
        _("复查结论"), max_length=10, choices=AppealOutcome.choices, blank=True
    )
    new_outcome = models.CharField(_("变更后的处分"), max_length=30, blank=True)
    decision_text = models.TextField(_("复查决定"), blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("复议复查（复审复核）")
        verbose_name_plural = _("复议复查（复审复核）")
        ordering = ["case", "applied_on", "id"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_kind_display()}"


class CaseClockKind(models.TextChoices):
    INVESTIGATION = "investigation", _("审查调查期限（1年）")
    DETENTION = "detention", _("留置期限（3个月）")
    REVIEW = "review", _("审理期限（1个月）")
    ANNOUNCE = "announce", _("1个月内宣布处分决定")
    POST_AND_PAY = "post_and_pay", _("1个月内变更职务、工资")
    EXECUTION_REPORT = "execution_report", _("6个月内报告执行情况")
    APPEAL = "appeal", _("复议复查（复审复核）办理期限")
    PROBATION = "probation", _("留党察看期满")
    RECOMMENDATION_REPLY = "recommend_reply", _("纪检监察建议1个月内回复")


class CaseClock(ChoiceLabelsModel):
    """A time limit of a case (DOMAIN.md §4), on the working-day calendar."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(_("时限"), max_length=20, choices=CaseClockKind.choices)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", db_index=False)
    starts_on = models.DateField(_("起算日"))
    due_on = models.DateField(_("截止日"))
    # The period in months when it depends on the matter (an appeal: 3, 1 or 2 months).
    months = models.PositiveSmallIntegerField(_("期限（月）"), null=True, blank=True)
    provisional = models.BooleanField(_("按未录入年度估算"), default=False)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    reminded_on = models.DateField(_("最近提醒日"), null=True, blank=True)

    class Meta:
        verbose_name = _("案件办理时限")
        verbose_name_plural = _("案件办理时限")
        indexes = [
            models.Index(
                fields=["org", "due_on"],
                name="case_clock_open_due",
                condition=models.Q(met_at=None),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"
