"""谈话函询 and 初步核实 of a lead: plans, talks, letters, replies, reports (DOMAIN.md §3),
and the reply to a lead transferred to another authority (问题转办单, DOMAIN.md §9).

Each service is one transaction that locks the lead (``services.lock_lead``), applies a step
of ``workflow.ENQUIRY_STEPS`` / ``VERIFICATION_STEPS`` / ``STEPS``, moves the clocks of
``cases.clocks`` and writes the lead's history and the audit log. Plans and reports are
approved through ``qingfeng.approvals``; the handlers registered here apply the approved
outcome (``workflow.OUTCOME_TARGET``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from qingfeng.accounts.models import User
from qingfeng.approvals import services as approvals
from qingfeng.approvals.models import Approval, Matter
from qingfeng.audit.models import Action as AuditAction
from qingfeng.audit.services import record
from qingfeng.cases import clocks
from qingfeng.cases.models import (
    Enquiry,
    EnquiryMode,
    EnquiryStatus,
    Lead,
    LeadClockKind,
    LeadStatus,
    Verification,
    VerificationStatus,
)
from qingfeng.cases.outcomes import ENQUIRY_OUTCOMES, VERIFICATION_OUTCOMES, Outcome
from qingfeng.cases.selectors import may_handle
from qingfeng.cases.services import TEXT_MAX, lead_state, lock_lead, text_field, write_transition
from qingfeng.cases.workflow import (
    ENQUIRY_STEPS,
    OPEN_ENQUIRY,
    OUTCOME_TARGET,
    VERIFICATION_STEPS,
    Action,
    EnquiryAction,
)
from qingfeng.core.validation import clean_text
from qingfeng.documents import lead_docs

TRANSFER_TO_MAX = 100  # Verification.transfer_to
REPLY_MIN = 4

# -- 谈话函询 -------------------------------------------------------------------------------


def plan_state(enquiry: Enquiry) -> dict[str, Any]:
    """What the approvers of a plan read: the lead and the plan of this round."""
    return {
        "lead": lead_state(enquiry.lead),
        "plan": [enquiry.round, enquiry.mode, enquiry.subject_is_party_head, enquiry.plan],
    }


def enquiry_state(enquiry: Enquiry) -> dict[str, Any]:
    """What the approvers of a report read: the plan, the talk or reply, and the report."""
    return {
        **plan_state(enquiry),
        "talk": [str(enquiry.talk_on), enquiry.talk_record, enquiry.explanation_requested],
        "reply": [str(enquiry.reply_on), enquiry.reply_text, enquiry.countersigned],
        "report": enquiry.report_text,
    }


def _lock_enquiry(enquiry: Enquiry, action: EnquiryAction, actor: Any) -> Enquiry:
    lock_lead(enquiry.lead, None, actor)
    locked = (
        Enquiry.objects.select_for_update(of=("self",))
        .select_related("lead", "lead__org")
        .get(pk=enquiry.pk)
    )
    step = ENQUIRY_STEPS[action]
    if locked.status not in step.sources:
        raise ValidationError(
            {"status": f"谈话函询当前为“{locked.get_status_display()}”，不能{step.label}"}
        )
    return locked


def _past_date(value: dt.date | None, field: str, label: str) -> dt.date:
    if value is None:
        raise ValidationError({field: f"请填写{label}"})
    if value > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天"})
    return value


def _enquiry_event(
    enquiry: Enquiry, action: EnquiryAction, old: str, actor: Any, note: str = ""
) -> None:
    lead = enquiry.lead
    write_transition(
        lead,
        action,
        lead.status,
        actor,
        f"第{enquiry.round}次{enquiry.get_mode_display()}：{note}".rstrip("："),
    )
    record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=enquiry,
        org=lead.org,
        changes={"status": [old, enquiry.status]},
        detail=f"{lead.number} {ENQUIRY_STEPS[action].label}",
    )


def start_enquiry(
    *,
    lead: Lead,
    actor: Any,
    mode: str,
    plan: str,
    subject_is_party_head: bool = False,
    request: HttpRequest | None = None,
) -> Enquiry:
    """谈话函询方案呈批: the plan of a round is approved before the talk or letter
    (DOMAIN.md §3; for the head of a lower Party committee, by the commission's head —
    ``Matter.ENQUIRY_PLAN_HEAD``)."""
    if mode not in EnquiryMode.values:
        raise ValidationError({"mode": "请选择谈话或函询"})
    plan = text_field(plan, "plan", "谈话函询方案", limit=TEXT_MAX, minimum=4)
    with transaction.atomic():
        lead = lock_lead(lead, Action.START_ENQUIRY, actor)
        if lead.enquiries.filter(status__in=OPEN_ENQUIRY).exists():
            raise ValidationError({"mode": "本线索已有进行中的谈话函询，办结后才能开展下一轮"})
        last = lead.enquiries.order_by("-round").values_list("round", flat=True).first() or 0
        enquiry = Enquiry.objects.create(
            lead=lead,
            round=last + 1,
            mode=mode,
            plan=plan,
            subject_is_party_head=subject_is_party_head,
            created_by=actor,
        )
        matter = Matter.ENQUIRY_PLAN_HEAD if subject_is_party_head else Matter.ENQUIRY_PLAN
        approval = approvals.submit(
            org=lead.org,
            matter=matter,
            title=f"关于对{lead.subject_name}进行{enquiry.get_mode_display()}的呈批",
            proposal=plan,
            payload={"enquiry": enquiry.pk},
            state=plan_state(enquiry),
            actor=actor,
            lead=lead,
            dept=lead.handling_dept,
            request=request,
        )
        write_transition(
            lead,
            Action.START_ENQUIRY,
            lead.status,
            actor,
            f"第{enquiry.round}次{enquiry.get_mode_display()}方案：{approval.number}",
        )
        record(
            action=AuditAction.CREATE,
            actor=actor,
            obj=enquiry,
            org=lead.org,
            request=request,
            detail=f"{lead.number} 谈话函询方案呈批",
        )
    return enquiry


def record_talk(
    *,
    enquiry: Enquiry,
    actor: Any,
    talk_on: dt.date | None,
    talk_place: str,
    talkers: str,
    talk_record: str,
    explanation_requested: bool,
    request: HttpRequest | None = None,
) -> Enquiry:
    """Record the talk (谈话笔录). If a written explanation is asked for, it is due within 15
    working days; otherwise the handling department reports within 1 month (DOMAIN.md §3)."""
    talk_on = _past_date(talk_on, "talk_on", "谈话日期")
    talkers = text_field(talkers, "talkers", "谈话人", limit=200)
    talk_place = clean_text(
        talk_place, field_name="talk_place", label="谈话地点", max_length=100, required=False
    )
    talk_record = text_field(talk_record, "talk_record", "谈话笔录", limit=TEXT_MAX, minimum=10)
    with transaction.atomic():
        enquiry = _lock_enquiry(enquiry, EnquiryAction.RECORD_TALK, actor)
        if enquiry.mode != EnquiryMode.TALK:
            raise ValidationError({"mode": "函询不记录谈话，请登记发函和回复"})
        old = enquiry.status
        enquiry.talk_on, enquiry.talk_place, enquiry.talkers = talk_on, talk_place, talkers
        enquiry.talk_record = talk_record
        enquiry.explanation_requested = explanation_requested
        if explanation_requested:
            enquiry.status = EnquiryStatus.AWAITING_REPLY
            enquiry.letter_sent_on = talk_on
            clocks.start_clock(
                lead=enquiry.lead, kind=LeadClockKind.ENQUIRY_REPLY, starts_on=talk_on
            )
        else:
            enquiry.status = EnquiryStatus.AWAITING_REPORT
            clocks.start_clock(
                lead=enquiry.lead, kind=LeadClockKind.ENQUIRY_REPORT, starts_on=talk_on
            )
        enquiry.save()
        _enquiry_event(enquiry, EnquiryAction.RECORD_TALK, old, actor, f"谈话日期{talk_on}")
        if explanation_requested:
            lead_docs.issue_explanation_letter(enquiry=enquiry, actor=actor)
    return enquiry


def send_letter(
    *, enquiry: Enquiry, actor: Any, sent_on: dt.date | None, request: HttpRequest | None = None
) -> Enquiry:
    """发出函询通知书: the person must answer within 15 working days (DOMAIN.md §3)."""
    sent_on = _past_date(sent_on, "letter_sent_on", "发函日期")
    with transaction.atomic():
        enquiry = _lock_enquiry(enquiry, EnquiryAction.SEND_LETTER, actor)
        if enquiry.mode != EnquiryMode.LETTER:
            raise ValidationError({"mode": "谈话请记录谈话笔录"})
        old = enquiry.status
        enquiry.letter_sent_on = sent_on
        enquiry.status = EnquiryStatus.AWAITING_REPLY
        enquiry.save()
        clocks.start_clock(lead=enquiry.lead, kind=LeadClockKind.ENQUIRY_REPLY, starts_on=sent_on)
        _enquiry_event(enquiry, EnquiryAction.SEND_LETTER, old, actor, f"发函日期{sent_on}")
        lead_docs.issue_enquiry_letter(enquiry=enquiry, actor=actor)
    return enquiry


def record_reply(
    *,
    enquiry: Enquiry,
    actor: Any,
    reply_on: dt.date | None,
    reply_text: str,
    countersigned: bool,
    request: HttpRequest | None = None,
) -> Enquiry:
    """Record the written reply. A 函询 reply must carry the countersignature of the person's
    own Party committee head (DOMAIN.md §3); the report is then due within 1 month."""
    reply_on = _past_date(reply_on, "reply_on", "回复日期")
    reply_text = text_field(reply_text, "reply_text", "书面说明/回复内容", limit=TEXT_MAX)
    with transaction.atomic():
        enquiry = _lock_enquiry(enquiry, EnquiryAction.RECORD_REPLY, actor)
        if enquiry.letter_sent_on and reply_on < enquiry.letter_sent_on:
            raise ValidationError({"reply_on": "回复日期不能早于发函（谈话）日期"})
        if enquiry.mode == EnquiryMode.LETTER and not countersigned:
            raise ValidationError(
                {"countersigned": "函询回复须经本人所在党委（党组）主要负责人签字，请确认后再登记"}
            )
        old = enquiry.status
        enquiry.reply_on, enquiry.reply_text, enquiry.countersigned = (
            reply_on,
            reply_text,
            countersigned,
        )
        enquiry.status = EnquiryStatus.AWAITING_REPORT
        enquiry.save()
        clocks.meet_clock(lead=enquiry.lead, kind=LeadClockKind.ENQUIRY_REPLY)
        clocks.start_clock(lead=enquiry.lead, kind=LeadClockKind.ENQUIRY_REPORT, starts_on=reply_on)
        _enquiry_event(enquiry, EnquiryAction.RECORD_REPLY, old, actor, f"回复日期{reply_on}")
    return enquiry


def submit_enquiry_report(
    *,
    enquiry: Enquiry,
    actor: Any,
    report_text: str,
    outcome: str,
    request: HttpRequest | None = None,
) -> Approval:
    """谈话函询情况报告 with the proposed outcome, for approval.

    DOMAIN.md §3: 采信了结 / 谈话提醒 / 批评教育 / 责令检查 / 诫勉 / another 谈话函询 / 初步核实.
    Meets the 1-month clock.
    """
    if outcome not in ENQUIRY_OUTCOMES:
        raise ValidationError({"outcome": "请选择处理意见"})
    report_text = text_field(report_text, "report_text", "情况报告", limit=TEXT_MAX, minimum=10)
    with transaction.atomic():
        enquiry = _lock_enquiry(enquiry, EnquiryAction.SUBMIT_REPORT, actor)
        old = enquiry.status
        enquiry.report_text, enquiry.outcome = report_text, outcome
        enquiry.status = EnquiryStatus.REPORT_PENDING
        enquiry.save()
        lead = enquiry.lead
        approval = approvals.submit(
            org=lead.org,
            matter=Matter.ENQUIRY_OUTCOME,
            title=f"关于{lead.subject_name}谈话函询情况的报告（拟{Outcome(outcome).label}）",
            proposal=report_text,
            payload={"enquiry": enquiry.pk, "outcome": outcome},
            state=enquiry_state(enquiry),
            actor=actor,
            lead=lead,
            dept=lead.handling_dept,
            request=request,
        )
        clocks.meet_clock(lead=lead, kind=LeadClockKind.ENQUIRY_REPORT)
        _enquiry_event(enquiry, EnquiryAction.SUBMIT_REPORT, old, actor, approval.number)
    return approval


def _lock_enquiry_of(approval: Approval) -> Enquiry:
    assert approval.lead_id is not None
    Lead.objects.select_for_update(of=("self",)).get(pk=approval.lead_id)
    return (
        Enquiry.objects.select_for_update(of=("self",))
        .select_related("lead", "lead__org")
        .get(pk=approval.payload["enquiry"])
    )


def _plan_approved(approval: Approval, enquiry: Enquiry, actor: Any) -> None:
    old = enquiry.status
    enquiry.status = EnquiryStatus.PLAN_APPROVED
    enquiry.save(update_fields=["status", "updated_at"])
    _enquiry_event(enquiry, EnquiryAction.PLAN_APPROVED, old, actor, approval.number)
    lead_docs.issue_enquiry_approval(approval=approval, enquiry=enquiry, actor=actor)


def _plan_ended(approval: Approval, enquiry: Enquiry, actor: Any) -> None:
    if enquiry.status != EnquiryStatus.PLAN_PENDING:
        return
    old = enquiry.status
    enquiry.status = EnquiryStatus.CANCELLED
    enquiry.save(update_fields=["status", "updated_at"])
    _enquiry_event(enquiry, EnquiryAction.PLAN_REJECTED, old, actor, approval.get_status_display())


def apply_outcome(lead: Lead, outcome: str, actor: Any, action: Action, note: str) -> None:
    """Move ``lead`` where an approved report's outcome leaves it (``OUTCOME_TARGET``)."""
    old = lead.status
    lead.status = OUTCOME_TARGET[outcome]
    if lead.status in (LeadStatus.CLOSED, LeadStatus.TRANSFERRED):
        lead.outcome = outcome
        lead.closed_on = timezone.localdate()
    elif lead.status in (LeadStatus.ON_HOLD, LeadStatus.CASE_PROPOSED):
        lead.outcome = outcome
    if outcome == Outcome.TO_VERIFICATION:
        lead.way = "verification"
    lead.save(update_fields=["status", "outcome", "closed_on", "way", "updated_at"])
    write_transition(lead, action, old, actor, note)
    record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=lead,
        org=lead.org,
        changes={"status": [old, lead.status], "outcome": outcome},
        detail=note,
    )


def _report_approved(approval: Approval, enquiry: Enquiry, actor: Any) -> None:
    old = enquiry.status
    enquiry.status = EnquiryStatus.DONE
    enquiry.save(update_fields=["status", "updated_at"])
    _enquiry_event(enquiry, EnquiryAction.REPORT_APPROVED, old, actor, approval.number)
    outcome = approval.payload["outcome"]
    apply_outcome(
        enquiry.lead,
        outcome,
        actor,
        Action.CONCLUDE_ENQUIRY,
        f"谈话函询办结：{Outcome(outcome).label}（{approval.number}）",
    )


def _report_ended(approval: Approval, enquiry: Enquiry, actor: Any) -> None:
    if enquiry.status != EnquiryStatus.REPORT_PENDING:
        return
    old = enquiry.status
    enquiry.status = EnquiryStatus.AWAITING_REPORT
    enquiry.save(update_fields=["status", "updated_at"])
    _enquiry_event(
        enquiry, EnquiryAction.REPORT_RETURNED, old, actor, approval.get_status_display()
    )


# -- 初步核实 -------------------------------------------------------------------------------


def verification_state(verification: Verification) -> dict[str, Any]:
    """What the approvers of a 初步核实 report read: the lead, the team, the plan, the report
    and, for a proposed 移送, the authority (so changing it voids the approval)."""
    state: dict[str, Any] = {
        "leader": verification.leader_id,
        "team": sorted(verification.team.values_list("pk", flat=True)),
        "plan": verification.plan,
        "started_on": str(verification.started_on),
        "report": verification.report_text,
    }
    # Only when set: reports without a transfer keep the digest they were submitted with.
    if verification.transfer_to:
        state["transfer_to"] = verification.transfer_to
    return {"lead": lead_state(verification.lead), "verification": state}


def start_verification(
    *,
    lead: Lead,
    actor: Any,
    leader: User | None,
    team: Sequence[User],
    plan: str,
    started_on: dt.date | None,
    request: HttpRequest | None = None,
) -> Verification:
    """Form the check team and start 初步核实 on an approved lead; its clock runs for the
    body's local limit (DOMAIN.md §3 *local*: default 2 months, ``BodySettings``)."""
    plan = text_field(plan, "plan", "初步核实方案", limit=TEXT_MAX, minimum=4)
    started_on = _past_date(started_on, "started_on", "开始日期")
    if leader is None:
        raise ValidationError({"leader": "请指定核查组组长"})
    members = {u.pk: u for u in [leader, *team]}
    with transaction.atomic():
        lead = lock_lead(lead, Action.START_VERIFICATION, actor)
        if lead.verifications.filter(
            status__in=(VerificationStatus.ONGOING, VerificationStatus.REPORT_PENDING)
        ).exists():
            raise ValidationError({"plan": "本线索的初步核实正在进行中"})
        outsiders = [u.full_name or u.username for u in members.values() if not may_handle(u, lead)]
        if outsiders:
            raise ValidationError({"team": f"{'、'.join(outsiders)}无权办理本线索，不能加入核查组"})
        months = clocks.verification_months(lead.org)
        verification = Verification.objects.create(
            lead=lead,
            leader=leader,
            plan=plan,
            started_on=started_on,
            months=months,
            created_by=actor,
        )
        verification.team.set(members.values())
        clocks.start_clock(
            lead=lead, kind=LeadClockKind.VERIFICATION, starts_on=started_on, months=months
        )
        write_transition(
            lead,
            Action.START_VERIFICATION,
            lead.status,
            actor,
            f"核查组组长{leader.full_name or leader.username}，时限{months}个月",
        )
        record(
            action=AuditAction.CREATE,
            actor=actor,
            obj=verification,
            org=lead.org,
            request=request,
            detail=f"{lead.number} 开展初步核实",
        )
    return verification


def _lock_verification(verification: Verification, step: str, actor: Any) -> Verification:
    lock_lead(verification.lead, None, actor)
    locked = (
        Verification.objects.select_for_update(of=("self",))
        .select_related("lead", "lead__org")
        .get(pk=verification.pk)
    )
    sources, _target = VERIFICATION_STEPS[step]
    if locked.status not in sources:
        raise ValidationError(
            {"status": f"初步核实当前为“{locked.get_status_display()}”，不能办理此步骤"}
        )
    return locked


def _transfer_to(outcome: str, value: str | None) -> str:
    """The 移送机关 of a report: required when it proposes 移送, ignored otherwise."""
    if outcome != Outcome.TRANSFER:
        return ""
    if not (value or "").strip():
        raise ValidationError({"transfer_to": "建议移送的，请填写移送机关"})
    return text_field(value, "transfer_to", "移送机关", limit=TRANSFER_TO_MAX)


def _proposed(outcome: str, transfer_to: str) -> str:
    """The proposed outcome as the approvers read it: "拟谈话提醒", "拟移送县公安局"."""
    if outcome == Outcome.TRANSFER:
        return f"拟移送{transfer_to}"
    return f"拟{Outcome(outcome).label}"


def submit_verification_report(
    *,
    verification: Verification,
    actor: Any,
    report_text: str,
    outcome: str,
    transfer_to: str = "",
    request: HttpRequest | None = None,
) -> Approval:
    """初步核实情况报告 with a proposed outcome, approved by the body's head (DOMAIN.md §3:
    拟立案 / 予以了结 / 谈话提醒 / 暂存待查 / 移送). Meets the verification clock.

    A proposed 移送 names the authority (``transfer_to``, bound by the approval): the
    approval issues the 问题转办单 to it (DOMAIN.md §9).
    """
    if outcome not in VERIFICATION_OUTCOMES:
        raise ValidationError({"outcome": "请选择建议处理意见"})
    transfer_to = _transfer_to(outcome, transfer_to)
    report_text = text_field(
        report_text, "report_text", "初步核实情况报告", limit=TEXT_MAX, minimum=10
    )
    with transaction.atomic():
        verification = _lock_verification(verification, "submit_report", actor)
        if (
            actor.pk != verification.leader_id
            and not verification.team.filter(pk=actor.pk).exists()
        ):
            raise PermissionDenied("只有核查组成员可以提交初步核实情况报告")
        verification.report_text, verification.outcome = report_text, outcome
        verification.transfer_to = transfer_to
        verification.status = VerificationStatus.REPORT_PENDING
        verification.save(update_fields=["report_text", "outcome", "transfer_to", "status"])
        lead = verification.lead
        proposed = _proposed(outcome, transfer_to)
        approval = approvals.submit(
            org=lead.org,
            matter=Matter.VERIFICATION_REPORT,
            title=f"关于{lead.subject_name}问题线索初步核实情况的报告（{proposed}）",
            proposal=f"{report_text}\n{proposed}。" if transfer_to else report_text,
            payload={"verification": verification.pk, "outcome": outcome},
            state=verification_state(verification),
            actor=actor,
            lead=lead,
            dept=lead.handling_dept,
            request=request,
        )
        clocks.meet_clock(lead=lead, kind=LeadClockKind.VERIFICATION)
        write_transition(
            lead,
            Action.REPORT_VERIFICATION,
            lead.status,
            actor,
            f"初步核实情况报告呈批：{approval.number}",
        )
    return approval


def _lock_verification_of(approval: Approval) -> Verification:
    assert approval.lead_id is not None
    Lead.objects.select_for_update(of=("self",)).get(pk=approval.lead_id)
    return (
        Verification.objects.select_for_update(of=("self",))
        .select_related("lead", "lead__org")
        .get(pk=approval.payload["verification"])
    )


def _verification_approved(approval: Approval, verification: Verification, actor: Any) -> None:
    verification.status = VerificationStatus.DONE
    verification.save(update_fields=["status"])
    lead_docs.issue_verification_report(approval=approval, verification=verification, actor=actor)
    outcome = approval.payload["outcome"]
    done = (
        f"移送{verification.transfer_to}" if outcome == Outcome.TRANSFER else Outcome(outcome).label
    )
    apply_outcome(
        verification.lead,
        outcome,
        actor,
        Action.CONCLUDE_VERIFICATION,
        f"初步核实办结：{done}（{approval.number}）",
    )
    if outcome == Outcome.TRANSFER:
        _transfer(approval, verification, actor)


def _transfer(approval: Approval, verification: Verification, actor: Any) -> None:
    """移送有关机关 approved: issue the 问题转办单 and start the reply clock on the day of the
    approval (DESIGN.md §8: 问题转办单 with reply deadlines).

    DOMAIN.md is silent on the number; one month is the body's reply period, as for the
    1-month report of §3 (``clocks.TRANSFER_REPLY_MONTHS``).
    """
    decided = approval.decided_at or timezone.now()
    clocks.start_clock(
        lead=verification.lead,
        kind=LeadClockKind.TRANSFER_REPLY,
        starts_on=timezone.localdate(decided),
    )
    lead_docs.issue_transfer_sheet(approval=approval, verification=verification, actor=actor)


def _verification_ended(approval: Approval, verification: Verification, actor: Any) -> None:
    if verification.status != VerificationStatus.REPORT_PENDING:
        return
    verification.status = VerificationStatus.ONGOING
    verification.save(update_fields=["status"])
    write_transition(
        verification.lead,
        Action.REPORT_VERIFICATION,
        verification.lead.status,
        actor,
        f"初步核实情况报告{approval.get_status_display()}：{approval.number}",
    )


# -- 移送有关机关 ---------------------------------------------------------------------------


def transfer_authority(lead: Lead) -> str:
    """The authority ``lead`` was transferred to: the 移送机关 of its approved 初步核实 report
    proposing 移送 ("" if none)."""
    return (
        lead.verifications.filter(outcome=Outcome.TRANSFER, status=VerificationStatus.DONE)
        .order_by("-id")
        .values_list("transfer_to", flat=True)
        .first()
    ) or ""


def record_transfer_reply(
    *,
    lead: Lead,
    actor: Any,
    replied_on: dt.date | None,
    reply: str,
    request: HttpRequest | None = None,
) -> Lead:
    """登记转办反馈: the authority's written reply on how it handled the 问题转办单 (DOMAIN.md
    §9; DESIGN.md §8). Once per transferred lead, dated between the transfer and today;
    meets the 1-month reply clock (``clocks.TRANSFER_REPLY_MONTHS``)."""
    replied_on = _past_date(replied_on, "replied_on", "反馈日期")
    reply = text_field(reply, "reply", "反馈情况", limit=TEXT_MAX, minimum=REPLY_MIN)
    with transaction.atomic():
        lead = lock_lead(lead, Action.RECORD_TRANSFER_REPLY, actor)
        if lead.transfer_replied_on is not None:
            raise ValidationError({"status": "本线索的转办反馈已登记，不能重复登记"})
        # ``apply_outcome`` dates a transferred lead on the day the transfer was approved.
        if lead.closed_on is not None and replied_on < lead.closed_on:
            raise ValidationError(
                {"replied_on": f"反馈日期不能早于移送日期（{lead.closed_on:%Y-%m-%d}）"}
            )
        lead.transfer_replied_on, lead.transfer_reply = replied_on, reply
        lead.save(update_fields=["transfer_replied_on", "transfer_reply", "updated_at"])
        clocks.meet_clock(lead=lead, kind=LeadClockKind.TRANSFER_REPLY)
        write_transition(
            lead,
            Action.RECORD_TRANSFER_REPLY,
            lead.status,
            actor,
            f"{transfer_authority(lead) or '移送机关'}于{replied_on:%Y-%m-%d}书面反馈",
        )
        record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=lead,
            org=lead.org,
            request=request,
            changes={"transfer_replied_on": [None, str(replied_on)]},
            detail=f"{lead.number} 登记转办反馈",
        )
    return lead


for _matter in (Matter.ENQUIRY_PLAN, Matter.ENQUIRY_PLAN_HEAD):
    approvals.register(
        _matter,
        approvals.Handler(
            lock=_lock_enquiry_of, state=plan_state, approved=_plan_approved, ended=_plan_ended
        ),
    )
approvals.register(
    Matter.ENQUIRY_OUTCOME,
    approvals.Handler(
        lock=_lock_enquiry_of, state=enquiry_state, approved=_report_approved, ended=_report_ended
    ),
)
approvals.register(
    Matter.VERIFICATION_REPORT,
    approvals.Handler(
        lock=_lock_verification_of,
        state=verification_state,
        approved=_verification_approved,
        ended=_verification_ended,
    ),
)
