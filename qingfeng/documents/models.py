"""Issued documents (文书) and their numbers, DOMAIN.md §9.

A number like 〔2026〕12号 is issued in order per issuing body, series and year, and never
twice: ``NumberSequence`` rows are locked (``select_for_update``) while a number is taken,
and ``Document`` holds a unique constraint on (org, series, year, seq) as the last guard.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qingfeng.core.models import ChoiceLabelsModel
from qingfeng.orgs.models import Org


class DocumentKind(models.TextChoices):
    ACCEPT_NOTICE = "accept_notice", _("受理告知书")
    RESULT_FEEDBACK = "result_feedback", _("处理结果反馈单")
    LEAD_REGISTER = "lead_register", _("问题线索受理登记表")
    LEAD_DISPOSAL = "lead_disposal", _("问题线索处置呈批表")
    ENQUIRY_APPROVAL = "enquiry_approval", _("谈话函询呈批表")
    TALK_PLAN = "talk_plan", _("谈话方案")
    ENQUIRY_LETTER = "enquiry_letter", _("函询通知书")
    EXPLANATION_LETTER = "explanation_letter", _("关于作出书面说明的函")
    VERIFICATION_APPROVAL = "verification_approval", _("初步核实呈批表")
    VERIFICATION_REPORT = "verification_report", _("初步核实情况报告")
    CASE_FILING_REPORT = "case_filing_report", _("立案审查调查呈批报告")
    CASE_DECISION = "case_decision", _("立案决定书")
    CASE_NOTICE = "case_notice", _("立案通知书")
    JURISDICTION_DECISION = "jurisdiction_decision", _("指定管辖决定书")
    INVESTIGATION_REPORT = "investigation_report", _("审查调查报告")
    REVIEW_REGISTER = "review_register", _("案件移送审理登记表")
    REVIEW_REPORT = "review_report", _("审理报告")
    PARTY_SANCTION_DECISION = "party_sanction_decision", _("处分决定书")
    GOV_SANCTION_DECISION = "gov_sanction_decision", _("政务处分决定书")
    CLOSING_REPORT = "closing_report", _("结案报告")
    TRANSFER_SHEET = "transfer_sheet", _("问题转办单")
    RECOMMENDATION = "recommendation", _("纪检监察建议书")


class NumberSequence(models.Model):
    """The last number issued by ``org`` in ``series`` (e.g. "信告") for ``year``."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "series", "year"], name="number_sequence_once")
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last}"


def document_path(instance: Document, filename: str) -> str:
    return f"documents/{instance.org_id}/{instance.year}/{instance.kind}-{instance.seq}.docx"


class Document(ChoiceLabelsModel):
    """One issued DOCX with its number, kept with the record it was made for."""

    org = models.ForeignKey(
        Org, verbose_name=_("发文机关"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("文书种类"), max_length=30, choices=DocumentKind.choices)
    series = models.CharField(_("文号代字"), max_length=20)
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文号"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(upload_to=document_path, max_length=200)
    # The notice's paragraphs as plain text, for the public portal to show without a DOCX.
    body_text = models.TextField(_("正文"), blank=True)
    report = models.ForeignKey(
        "intake.Report",
        verbose_name=_("信访件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    lead = models.ForeignKey(
        "cases.Lead",
        verbose_name=_("问题线索"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    issued_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "series", "year", "seq"], name="document_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"
