"""The documents of a lead's handling (DOMAIN.md §3, §9), issued inside the step's transaction.

问题线索受理登记表, 问题线索处置呈批表 / 初步核实呈批表, 谈话函询呈批表, 谈话方案, 函询通知书,
关于作出书面说明的函, 初步核实情况报告 and 问题转办单: each is numbered per issuing body,
series and year (``services.issue_numbered``), stored with its lead (never with a report, so
none of them can reach the public portal), and audited. The lead services call these after
their own checks, inside their transaction; the number, the file, the row and the audit
entry commit or roll back with the step.

What they print comes from the lead and its handling only: the lead's summary, never the
report behind it, so no reporter's identity or words reach a document (DOMAIN.md §2).
Letters to the person enquired of carry no summary at all: only that questions are asked,
the 15-working-day reply limit with its date, the countersignature, and secrecy. The
问题转办单 leaves the commission: it carries the lead's number, person and summary, the
approval it rests on and the reply date, nothing of the report or the verification's findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qingfeng.approvals.models import Approval, ApprovalStatus, ApprovalStep, Matter
from qingfeng.cases.clocks import REPLY_WORKING_DAYS, TRANSFER_REPLY_MONTHS
from qingfeng.cases.models import Enquiry, EnquiryMode, Lead, Verification, Way
from qingfeng.cases.outcomes import Outcome
from qingfeng.cases.selectors import may_handle
from qingfeng.documents.docx import (
    FormRow,
    OfficialDocument,
    OfficialForm,
    build_docx,
    build_form_docx,
    chinese_date,
)
from qingfeng.documents.form_rows import (
    NOT_GIVEN,
    OPINION_LINES,
    approval_rows,
    form_text,
    lead_source,
    meeting_rows,
    name_of,
    require_approved,
    signed_lines,
    text_lines,
)
from qingfeng.documents.models import Document, DocumentKind
from qingfeng.documents.services import issue_numbered
from qingfeng.workdays.clock import Deadline, add_working_days, deadline_months

# 文号代字 per kind, e.g. 东坝纪线处〔2026〕3号.
SERIES = {
    DocumentKind.LEAD_REGISTER: "线登",
    DocumentKind.LEAD_DISPOSAL: "线处",
    DocumentKind.ENQUIRY_APPROVAL: "谈呈",
    DocumentKind.TALK_PLAN: "谈案",
    DocumentKind.ENQUIRY_LETTER: "函询",
    DocumentKind.EXPLANATION_LETTER: "说明",
    DocumentKind.VERIFICATION_APPROVAL: "核呈",
    DocumentKind.VERIFICATION_REPORT: "核报",
    DocumentKind.TRANSFER_SHEET: "转办",
}
RULES = "《中国共产党纪律检查机关监督执纪工作规则》"
ENQUIRY_MATTERS = (Matter.ENQUIRY_PLAN, Matter.ENQUIRY_PLAN_HEAD)


# -- 问题线索受理登记表 ----------------------------------------------------------------------


def issue_lead_register(*, lead: Lead, actor: Any) -> Document:
    """问题线索受理登记表: the lead as registered, for the body's lead ledger (DOMAIN.md §3)."""
    _check_actor(actor, lead)
    org = lead.org
    rows = [
        FormRow("线索编号", lead.number),
        FormRow("登记日期", chinese_date(timezone.localdate(lead.created_at))),
        *_subject_rows(lead),
        FormRow("线索来源", lead_source(lead)),
        FormRow("线索摘要", lead.summary, min_lines=OPINION_LINES),
        FormRow("管辖机关", org.name),
        FormRow("承办部门", lead.handling_dept.name if lead.handling_dept else NOT_GIVEN),
        FormRow("登记人", name_of(lead.created_by)),
    ]
    return _issue_form(lead=lead, actor=actor, kind=DocumentKind.LEAD_REGISTER, rows=rows)


# -- 处置呈批 ------------------------------------------------------------------------------


def issue_disposal_form(*, approval: Approval, actor: Any) -> Document:
    """问题线索处置呈批表 (初步核实呈批表 when the way is 初步核实): the lead, the proposed
    way, the collective decision and every signature (DOMAIN.md §3: 集体研究、报批)."""
    if approval.matter != Matter.LEAD_DISPOSAL or approval.lead_id is None:
        raise ValidationError({"approval": "不是问题线索处置呈批"})
    require_approved(approval)
    lead = _lead_of(approval)
    _check_actor(actor, lead, approval)
    way = Way(approval.payload["way"])
    kind = (
        DocumentKind.VERIFICATION_APPROVAL
        if way == Way.VERIFICATION
        else DocumentKind.LEAD_DISPOSAL
    )
    rows = [
        *_lead_rows(lead),
        FormRow("拟处置方式", str(way.label)),
        *meeting_rows(approval),
        *approval_rows(approval),
    ]
    return _issue_form(lead=lead, actor=actor, kind=kind, rows=rows, approval=approval)


# -- 谈话函询 ------------------------------------------------------------------------------


def issue_enquiry_approval(*, approval: Approval, enquiry: Enquiry, actor: Any) -> list[Document]:
    """谈话函询呈批表 for an approved plan and, for a talk, the 谈话方案 (DOMAIN.md §3: the
    plan is approved first; for the head of a lower Party committee by the commission's
    head)."""
    if approval.matter not in ENQUIRY_MATTERS or approval.payload.get("enquiry") != enquiry.pk:
        raise ValidationError({"approval": "不是本次谈话函询的方案呈批"})
    require_approved(approval)
    lead = enquiry.lead
    _check_actor(actor, lead, approval)
    way = f"{enquiry.get_mode_display()}（第{enquiry.round}次）"
    if enquiry.subject_is_party_head:
        way += "；被谈话函询人系下级党委主要负责人"
    rows = [
        *_lead_rows(lead),
        FormRow("谈话函询方式", way),
        *meeting_rows(approval),
        *approval_rows(approval),
    ]
    documents = [
        _issue_form(
            lead=lead,
            actor=actor,
            kind=DocumentKind.ENQUIRY_APPROVAL,
            rows=rows,
            approval=approval,
        )
    ]
    if enquiry.mode == EnquiryMode.TALK:
        documents.append(_issue_talk_plan(approval=approval, enquiry=enquiry, actor=actor))
    return documents


def _issue_talk_plan(*, approval: Approval, enquiry: Enquiry, actor: Any) -> Document:
    lead = enquiry.lead
    paragraphs = [
        f"根据{RULES}有关规定，经批准（{approval.number}），"
        f"拟对{_who(lead)}进行谈话（第{enquiry.round}次）。",
        "一、谈话对象",
        f"{lead.subject_name}，{_unit_post(lead) or NOT_GIVEN}。",
        "二、谈话事项",
        *text_lines(enquiry.plan),
        "三、工作要求",
        "谈话由本机关相关负责人或者承办部门负责人进行，两人以上参加，"
        "在具备安全保障条件的场所进行，当场制作谈话笔录，由被谈话人核对后签名。",
        "被谈话人需要作出书面说明的，应当自谈话之日起"
        f"{REPLY_WORKING_DAYS}个工作日内报送。谈话内容和有关情况严格保密。",
    ]
    issuer = lead.handling_dept.name if lead.handling_dept else lead.org.name
    return _issue_text(
        lead=lead,
        actor=actor,
        kind=DocumentKind.TALK_PLAN,
        title="谈话方案",
        addressee="",
        paragraphs=paragraphs,
        issuer=issuer,
    )


def issue_enquiry_letter(*, enquiry: Enquiry, actor: Any) -> Document:
    """函询通知书 to the person enquired of (DOMAIN.md §3): the questions are in the plan;
    the written reply is due within 15 working days of the letter (the date printed, on the
    working-day calendar), signed by the person and countersigned by their Party committee
    (党组) head; nothing of it may be disclosed."""
    if enquiry.mode != EnquiryMode.LETTER:
        raise ValidationError({"mode": "谈话不发函询通知书"})
    if enquiry.letter_sent_on is None:
        raise ValidationError({"letter_sent_on": "请先登记发函日期"})
    lead = enquiry.lead
    _check_actor(actor, lead)
    sent_on = enquiry.letter_sent_on
    due = add_working_days(sent_on, REPLY_WORKING_DAYS)
    paragraphs = [
        f"根据{RULES}有关规定，经批准，现就反映你的有关问题向你函询。"
        "需要你说明的问题，详见随本函送达的函询方案。",
        f"请你自本函发出之日（{chinese_date(sent_on)}）起{REPLY_WORKING_DAYS}个工作日内，"
        f"即最迟于{_due_text(due)}，对函询方案所列问题逐一如实作出书面说明。"
        "书面说明须由你本人签名，并经你所在党委（党组）主要负责人签署意见后，报送本机关。",
        "本函及函询内容应当严格保密，不得向他人泄露，不得打听、追查反映人。",
        "特此函告。",
    ]
    return _issue_text(
        lead=lead,
        actor=actor,
        kind=DocumentKind.ENQUIRY_LETTER,
        title="函询通知书",
        addressee=f"{lead.subject_name}同志",
        paragraphs=paragraphs,
        issuer=lead.org.name,
        date=sent_on,
    )


def issue_explanation_letter(*, enquiry: Enquiry, actor: Any) -> Document:
    """关于作出书面说明的函, after a talk that asked for one (DOMAIN.md §3): the written
    explanation is due within 15 working days of the talk, the date printed."""
    if enquiry.mode != EnquiryMode.TALK or not enquiry.explanation_requested:
        raise ValidationError({"explanation_requested": "谈话时未要求作出书面说明"})
    talk_on = enquiry.talk_on
    if talk_on is None:
        raise ValidationError({"talk_on": "请先记录谈话"})
    lead = enquiry.lead
    _check_actor(actor, lead)
    # ``record_talk`` starts the reply clock on the talk's day; the letter goes out with it.
    starts_on = enquiry.letter_sent_on or talk_on
    due = add_working_days(starts_on, REPLY_WORKING_DAYS)
    paragraphs = [
        f"{chinese_date(talk_on)}，本机关有关同志就反映你的有关问题与你进行了谈话。"
        f"根据{RULES}有关规定，请你就谈话涉及的问题作出书面说明。",
        f"请你自{chinese_date(starts_on)}起{REPLY_WORKING_DAYS}个工作日内，"
        f"即最迟于{_due_text(due)}，将书面说明报送本机关。"
        "书面说明须由你本人签名，内容应当真实、完整。",
        "本函及谈话内容应当严格保密，不得向他人泄露，不得打听、追查反映人。",
        "特此函告。",
    ]
    return _issue_text(
        lead=lead,
        actor=actor,
        kind=DocumentKind.EXPLANATION_LETTER,
        title="关于作出书面说明的函",
        addressee=f"{lead.subject_name}同志",
        paragraphs=paragraphs,
        issuer=lead.org.name,
        date=starts_on,
    )


# -- 初步核实 ------------------------------------------------------------------------------


def issue_verification_report(
    *, approval: Approval, verification: Verification, actor: Any
) -> Document:
    """初步核实情况报告: what was checked, the report, the proposed outcome and the check team
    (DOMAIN.md §3: a report with a proposed outcome approved by the body's head).

    Issued when the report is submitted (the approval pending) or once approved, with the
    signatures given so far; not for an approval that ended without effect.
    """
    if (
        approval.matter != Matter.VERIFICATION_REPORT
        or approval.payload.get("verification") != verification.pk
    ):
        raise ValidationError({"approval": "不是本次初步核实的情况报告呈批"})
    if approval.status not in (ApprovalStatus.PENDING, ApprovalStatus.APPROVED):
        raise ValidationError({"approval": f"该呈批{approval.get_status_display()}"})
    if not verification.report_text.strip():
        raise ValidationError({"report_text": "请先填写初步核实情况报告"})
    lead = verification.lead
    _check_actor(actor, lead, approval)
    outcome = Outcome(verification.outcome or approval.payload["outcome"])
    proposal = str(outcome.label)
    if outcome == Outcome.TRANSFER and verification.transfer_to:
        proposal = f"{proposal}（{verification.transfer_to}）"
    leader = verification.leader
    members = [
        name_of(u) for u in verification.team.order_by("full_name", "pk") if u.pk != leader.pk
    ]
    team = f"核查组组长{name_of(leader)}" + (f"，成员{'、'.join(members)}" if members else "")
    paragraphs = [
        f"经批准，核查组自{chinese_date(verification.started_on)}起，对反映{_who(lead)}的"
        f"问题线索（{lead.number}）进行了初步核实。{team}。现将有关情况报告如下。",
        "一、反映的主要问题",
        *text_lines(lead.summary),
        "二、初步核实情况",
        *text_lines(verification.report_text),
        "三、处理建议",
        f"建议：{proposal}。",
    ]
    signed = signed_lines(approval)
    if signed:
        paragraphs.append("四、审批情况")
        paragraphs.extend(signed)
    return _issue_text(
        lead=lead,
        actor=actor,
        kind=DocumentKind.VERIFICATION_REPORT,
        title=f"关于{lead.subject_name}问题线索初步核实情况的报告",
        addressee="",
        paragraphs=paragraphs,
        issuer="核查组",
        author=lead.org.name,
    )


# -- 移送有关机关 ---------------------------------------------------------------------------


def issue_transfer_sheet(*, approval: Approval, verification: Verification, actor: Any) -> Document:
    """问题转办单 to the authority a lead is transferred to (DOMAIN.md §3 初步核实 → transfer,
    §9; DESIGN.md §8 "问题转办单 … with reply deadlines"), once the report proposing it is
    approved: the lead's number, the person, the problem as the lead summarises it, the
    approval it rests on, and the request to handle it according to law and reply in writing
    within 1 month of the approval (the date printed, moved off holidays).

    DOMAIN.md is silent on the reply period; one month is the body's, as for the 1-month
    report of §3. Nothing of the report behind the lead, nor the verification's findings,
    leaves the commission (DOMAIN.md §2: checks must not reveal the reporter).
    """
    if (
        approval.matter != Matter.VERIFICATION_REPORT
        or approval.payload.get("verification") != verification.pk
        or approval.payload.get("outcome") != Outcome.TRANSFER
    ):
        raise ValidationError({"approval": "不是本次初步核实建议移送的情况报告呈批"})
    require_approved(approval, "问题转办单")
    authority = verification.transfer_to.strip()
    if not authority:
        raise ValidationError({"transfer_to": "未填写移送机关，不能生成问题转办单"})
    lead = verification.lead
    _check_actor(actor, lead, approval)
    approved_on = timezone.localdate(approval.decided_at or timezone.now())
    due = deadline_months(approved_on, TRANSFER_REPLY_MONTHS)
    paragraphs = [
        f"本机关在对反映{_who(lead)}问题的线索进行初步核实后，"
        f"经批准（{approval.number}），现将该问题线索移送你单位处理。",
        f"一、线索编号：{lead.number}",
        f"二、被反映人：{lead.subject_name or NOT_GIVEN}，{_unit_post(lead) or NOT_GIVEN}",
        "三、反映的主要问题",
        *text_lines(lead.summary),
        "四、办理要求",
        f"请你单位依法依规处理，并自{chinese_date(approved_on)}起"
        f"{TRANSFER_REPLY_MONTHS}个月内，即最迟于{_due_text(due)}，"
        "将办理结果书面反馈本机关。",
        "本转办单及所涉问题线索应当严格保密，不得泄露，不得向被反映人透露。",
        "特此转办。",
    ]
    return _issue_text(
        lead=lead,
        actor=actor,
        kind=DocumentKind.TRANSFER_SHEET,
        title="问题转办单",
        addressee=authority,
        paragraphs=paragraphs,
        issuer=lead.org.name,
        date=approved_on,
        approval=approval,
    )


# -- shared --------------------------------------------------------------------------------


def _check_actor(actor: Any, lead: Lead, approval: Approval | None = None) -> None:
    """The actor handles the lead, or signed the approval the document records."""
    if may_handle(actor, lead):
        return
    if (
        approval is not None
        and ApprovalStep.objects.filter(approval=approval, signer=actor).exists()
    ):
        return
    raise PermissionDenied("没有办理该问题线索的权限")


def _lead_of(approval: Approval) -> Lead:
    assert approval.lead_id is not None  # checked by the caller
    return Lead.objects.select_related("org", "handling_dept", "report").get(pk=approval.lead_id)


def _issue_form(
    *,
    lead: Lead,
    actor: Any,
    kind: DocumentKind,
    rows: Sequence[FormRow],
    approval: Approval | None = None,
) -> Document:
    org = lead.org
    title = str(kind.label)
    today = timezone.localdate()

    def render(number: str) -> bytes:
        return build_form_docx(
            OfficialForm(
                title_lines=(org.name, title),
                number=number,
                rows=rows,
                issuer=org.name,
                date=today,
            )
        )

    return issue_numbered(
        org=org,
        kind=kind,
        series=SERIES[kind],
        title=title,
        issued_on=today,
        render=render,
        body_text=form_text(rows),
        actor=actor,
        lead=lead,
        about=f"问题线索 {lead.number}" + (f"，呈批 {approval.number}" if approval else ""),
    )


def _issue_text(
    *,
    lead: Lead,
    actor: Any,
    kind: DocumentKind,
    title: str,
    addressee: str,
    paragraphs: Sequence[str],
    issuer: str,
    date: dt.date | None = None,
    author: str = "",
    approval: Approval | None = None,
) -> Document:
    org = lead.org
    today = timezone.localdate()
    day = date or today

    def render(number: str) -> bytes:
        return build_docx(
            OfficialDocument(
                title_lines=(org.name, title),
                number=number,
                addressee=addressee,
                paragraphs=paragraphs,
                issuer=issuer,
                date=day,
                author=author or org.name,
            )
        )

    head = [f"{addressee}："] if addressee else []
    return issue_numbered(
        org=org,
        kind=kind,
        series=SERIES[kind],
        title=title,
        issued_on=today,
        render=render,
        body_text="\n".join([*head, *paragraphs, issuer, chinese_date(day)]),
        actor=actor,
        lead=lead,
        about=f"问题线索 {lead.number}" + (f"，呈批 {approval.number}" if approval else ""),
    )


def _subject_rows(lead: Lead) -> list[FormRow]:
    return [
        FormRow("被反映人", lead.subject_name or NOT_GIVEN),
        FormRow("单位职务", _unit_post(lead) or NOT_GIVEN),
    ]


def _lead_rows(lead: Lead) -> list[FormRow]:
    return [
        FormRow("线索编号", lead.number),
        *_subject_rows(lead),
        FormRow("线索来源", lead_source(lead)),
        FormRow("线索摘要", lead.summary, min_lines=OPINION_LINES),
    ]


def _unit_post(lead: Lead) -> str:
    return f"{lead.subject_unit}{lead.subject_post}"


def _who(lead: Lead) -> str:
    return f"{_unit_post(lead)}{lead.subject_name}"


def _due_text(due: Deadline) -> str:
    """The due day; one resting on a year the calendar does not hold yet says it may move
    (DESIGN.md §3: such a clock is provisional)."""
    if due.provisional:
        return f"{chinese_date(due.date)}（按双休日推算，遇法定节假日顺延）"
    return chinese_date(due.date)
