"""Reports from the public and from other bodies (信访举报), DOMAIN.md §2.

A report is held by one commission body (``org``: the county 纪委监委 or a township 纪委) at
a time; forwarding down or sending up moves it and writes a transition row. Everything a
reporter told us about themselves lives in one encrypted field (``identity_enc``) and in
nothing else: not in the title, the subjects, the search index or the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.core.models import ChoiceLabelsModel
from qingfeng.orgs.models import Org, Person


class Channel(models.TextChoices):
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    PHONE = "phone", _("来电")
    WEB = "web", _("网络举报")
    UPPER = "upper", _("上级交办")
    LOWER = "lower", _("下级报送")
    STATION = "station", _("联络站采集")
    INSPECTION = "inspection", _("巡察移交")
    AUDIT = "audit", _("审计移交")
    SUPERVISION = "supervision", _("监督检查发现")


# Channels a member of the public uses; the rest come from other bodies or our own work.
PUBLIC_CHANNELS = (Channel.LETTER, Channel.VISIT, Channel.PHONE, Channel.WEB)


class ReportClass(models.TextChoices):
    ACCUSATION = "accusation", _("检举控告")
    APPEAL = "appeal", _("申诉")
    SUGGESTION = "suggestion", _("批评建议")
    REFUSED = "refused", _("不予受理")


class RefuseReason(models.TextChoices):
    LITIGATION = "litigation", _("属于诉讼、仲裁、行政复议等法定途径")
    OTHER_BODY = "other_body", _("属于其他机关职责范围")
    NO_SUBSTANCE = "no_substance", _("无实质内容")


class ProblemCategory(models.TextChoices):
    """The problem list of the report form (the six disciplines plus duty violations)."""

    POLITICAL = "political", _("违反政治纪律")
    ORGANISATIONAL = "organisational", _("违反组织纪律")
    INTEGRITY = "integrity", _("违反廉洁纪律（吃拿卡要、收受礼金、公款吃喝等）")
    MASSES = "masses", _("违反群众纪律（优亲厚友、侵害群众利益等）")
    WORK = "work", _("违反工作纪律（形式主义、官僚主义等）")
    LIFE = "life", _("违反生活纪律")
    EMBEZZLEMENT = "embezzlement", _("贪污贿赂、侵占挪用（低保、补贴、集体资金等）")
    ABUSE = "abuse", _("滥用职权、玩忽职守")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    REGISTERED = "registered", _("待办理")
    ACCEPTED = "accepted", _("已受理")
    ASSIGNED = "assigned", _("承办中")
    CLOSED = "closed", _("已办结")
    FEEDBACK_GIVEN = "feedback_given", _("已反馈")
    REFUSED = "refused", _("不予受理")
    SENT_UP = "sent_up", _("已报送上级")
    TRANSFERRED = "transferred", _("已移交其他机关")
    REPEAT = "repeat", _("重复件")


# States in which the report is finished at this body (no routing clock runs).
FINAL_STATES = (
    Status.FEEDBACK_GIVEN,
    Status.REFUSED,
    Status.SENT_UP,
    Status.TRANSFERRED,
    Status.REPEAT,
)


class Report(ChoiceLabelsModel):
    """One report (信访件) as registered, with its routing state and clocks."""

    number = models.CharField(_("登记编号"), max_length=40, unique=True)
    org = models.ForeignKey(
        Org, verbose_name=_("办理机关"), on_delete=models.PROTECT, related_name="reports"
    )
    origin_org = models.ForeignKey(
        Org,
        verbose_name=_("首次登记机关"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)
    received_on = models.DateField(_("收到日期"))
    # The day the current body got it (receipt, or the day it was forwarded/sent here);
    # the 5-working-day routing clock runs from it.
    arrived_on = models.DateField(_("到达本机关日期"))
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    klass = models.CharField(_("信访类别"), max_length=16, choices=ReportClass.choices, blank=True)
    refuse_reason = models.CharField(
        _("不予受理理由"), max_length=16, choices=RefuseReason.choices, blank=True
    )
    is_real_name = models.BooleanField(_("实名"), default=False)
    # Name, ID number, phone, unit and address of the reporter (and visitors), as one
    # AES-GCM blob bound to this report's number (qingfeng.core.crypto).
    identity_enc = models.TextField(blank=True, editable=False)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("反映内容"))
    category = models.CharField(
        _("问题类别"), max_length=20, choices=ProblemCategory.choices, default=ProblemCategory.OTHER
    )
    occurred_when = models.CharField(_("发生时间"), max_length=100, blank=True)
    occurred_where = models.CharField(_("发生地点"), max_length=200, blank=True)
    # 来访: who received the visitors; 来电: who took the call.
    received_by = models.CharField(_("接待人"), max_length=50, blank=True)
    visitor_count = models.PositiveSmallIntegerField(_("来访人数"), default=0)
    # 上级交办 / 下级报送 / 移交: the sending body and its reference.
    source_body = models.CharField(_("交办/报送单位"), max_length=100, blank=True)
    source_ref = models.CharField(_("来文编号"), max_length=60, blank=True)
    handling_dept = models.ForeignKey(
        Org,
        verbose_name=_("承办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_reports",
    )
    transfer_to = models.CharField(_("移交机关"), max_length=100, blank=True)
    # A report about a body's own head is invisible to that body (DOMAIN.md §2).
    hidden_from = models.ForeignKey(
        Org,
        verbose_name=_("反映该机关主要负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("重复件的首件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )
    repeat_count = models.PositiveIntegerField(_("重复次数"), default=0)
    # Public query code: an HMAC locator (keyed outside the DB) finds the row, a slow
    # hash verifies the code; the code itself is shown once and never stored.
    query_locator = models.CharField(max_length=64, unique=True, null=True, blank=True)
    query_hash = models.CharField(max_length=200, blank=True)
    accept_notice_on = models.DateField(_("受理告知日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    feedback_on = models.DateField(_("结果反馈日期"), null=True, blank=True)
    objection = models.TextField(_("举报人意见"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("信访举报件")
        verbose_name_plural = _("信访举报件")
        indexes = [
            # Covers the scoped list: the scope test (org, handling department, a body's
            # head) and the newest-first sort never read the wide rows.
            models.Index(
                fields=["org", "-received_on", "-id", "handling_dept", "hidden_from"],
                name="report_org_recv",
            ),
            models.Index(fields=["org", "status", "-received_on"], name="report_org_status"),
            models.Index(fields=["-received_on", "-id"], name="report_recv"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_anonymous(self) -> bool:
        return not self.is_real_name


class ReportSubject(models.Model):
    """A person reported on (被反映人), optionally linked to the roster once confirmed."""

    report = models.ForeignKey(
        Report, verbose_name=_("信访件"), on_delete=models.CASCADE, related_name="subjects"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("被反映人姓名"), max_length=50)
    unit_name = models.CharField(_("单位"), max_length=100, blank=True)
    post = models.CharField(_("职务"), max_length=100, blank=True)
    person = models.ForeignKey(
        Person,
        verbose_name=_("对应监察对象"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_in",
    )

    class Meta:
        verbose_name = _("被反映人")
        verbose_name_plural = _("被反映人")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["name"], name="subject_name")]

    def __str__(self) -> str:
        return self.name


class Transition(models.Model):
    """One step of a report's handling: who did what, when, why (DESIGN.md §3)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("操作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16)
    from_org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    to_org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("理由/说明"), blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"


class ClockKind(models.TextChoices):
    ROUTE = "route", _("5个工作日内分流办理")
    ACCEPT_NOTICE = "accept_notice", _("15个工作日内受理告知")
    RESULT_FEEDBACK = "result_feedback", _("办结后15个工作日内反馈结果")


class Clock(ChoiceLabelsModel):
    """A legal deadline of a report, computed on the working-day calendar."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(_("时限"), max_length=20, choices=ClockKind.choices)
    # The body the deadline binds: for scope, to-do lists and reminders.
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", db_index=False)
    starts_on = models.DateField(_("起算日"))
    working_days = models.PositiveSmallIntegerField(_("工作日数"))
    due_on = models.DateField(_("截止日"))
    provisional = models.BooleanField(_("按未录入年度估算"), default=False)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    reminded_on = models.DateField(_("最近提醒日"), null=True, blank=True)

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        indexes = [
            models.Index(
                fields=["org", "due_on"], name="clock_open_due", condition=models.Q(met_at=None)
            ),
            models.Index(fields=["due_on"], name="clock_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"


class IdentityAccess(models.Model):
    """One officer's view of a reporter's identity, with the reason given (DESIGN.md §3)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="identity_views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewer_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", db_index=False)
    reason = models.TextField(_("查看理由"))
    at = models.DateTimeField(_("查看时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("身份信息查看记录")
        verbose_name_plural = _("身份信息查看记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.at:%Y-%m-%d %H:%M}"


class Message(models.Model):
    """A message between the reporter (through the query code) and the handling body."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    from_reporter = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("内容"))
    # A reporter's "补充材料" is a message that also adds to the report's evidence.
    is_supplement = models.BooleanField(_("补充材料"), default=False)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("沟通留言")
        verbose_name_plural = _("沟通留言")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"留言{self.pk}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the uploaded name: it may carry the reporter's name.
    return f"reports/{instance.report_id}/{instance.sha256[:16]}{instance.extension}"


class Attachment(models.Model):
    """An evidence file; images are re-encoded without metadata before they get here."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    from_reporter = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"附件{self.pk}{self.extension}"


class RepeatStatus(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    CONFIRMED = "confirmed", _("确认为重复件")
    REJECTED = "rejected", _("不是重复件")


class RepeatCandidate(ChoiceLabelsModel):
    """An earlier report proposed as the same complaint as ``report``; the officer decides."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="repeat_candidates")
    earlier = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("相似度"))
    status = models.CharField(
        max_length=10, choices=RepeatStatus.choices, default=RepeatStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("疑似重复件")
        verbose_name_plural = _("疑似重复件")
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["report", "earlier"], name="repeat_candidate_once")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}~{self.earlier_id}"


class Signature(models.Model):
    """MinHash LSH band hashes of a report's text, kept in the database (DESIGN.md §6).

    One row per band; a new report's candidates are the reports sharing any band hash.
    The index carries ``report_id`` so a lookup reads only the index (no row fetch per
    matching band: at 1M reports those fetches were the whole cost of a cold lookup).
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    band = models.PositiveSmallIntegerField()
    hash = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["band", "hash", "report"], name="signature_band_hash_report")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.band}"
