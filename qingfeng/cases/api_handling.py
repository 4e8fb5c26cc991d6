"""谈话函询 and 初步核实 API: plans, talks, letters, replies and reports (DOMAIN.md §3), and
the reply to a lead transferred to another authority (问题转办单, DOMAIN.md §9).

Mounted on ``cases.api.router``. An enquiry or a verification is reached through its lead:
the lead is resolved with ``get_lead_for_user(user, lead_pk, write=True)`` first, so one of
a lead outside the caller's scope answers 404 like a missing one. Refusals answer 403, bad
input 400 naming the field of the request body.
"""

# No ``from __future__ import annotations``: django-ninja resolves annotations at runtime.
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from qingfeng.accounts.models import User
from qingfeng.approvals.api_common import (
    ApprovalSummaryOut,
    approval_summary,
    caller,
    enum_doc,
    name_of,
    service_errors,
)
from qingfeng.cases import handling
from qingfeng.cases.models import Enquiry, EnquiryMode, Lead, Verification
from qingfeng.cases.outcomes import ENQUIRY_OUTCOMES, VERIFICATION_OUTCOMES, Outcome
from qingfeng.cases.selectors import (
    get_enquiry_for_user,
    get_lead_for_user,
    get_verification_for_user,
    may_handle,
)

router = Router(tags=["问题线索"])

TEAM_MAX = 20
VERIFICATION_FIELDS = {"leader": "leader_id", "team": "team_ids"}

# -- schemas -------------------------------------------------------------------------------


class EnquiryIn(Schema):
    mode: str = Field(description="谈话或函询", json_schema_extra=enum_doc(EnquiryMode.values))
    plan: str = Field(description="谈话函询方案")
    subject_is_party_head: bool = Field(
        default=False, description="被谈话函询人系下级党委主要负责人（由委主要负责人审批）"
    )


class TalkIn(Schema):
    talk_on: dt.date | None = None
    talk_place: str = ""
    talkers: str = ""
    talk_record: str = Field(default="", description="谈话笔录")
    explanation_requested: bool = Field(
        default=False, description="要求作出书面说明（15个工作日内回复）"
    )


class LetterIn(Schema):
    letter_sent_on: dt.date | None = Field(default=None, description="发函日期")


class ReplyIn(Schema):
    reply_on: dt.date | None = None
    reply_text: str = ""
    countersigned: bool = Field(
        default=False, description="函询回复已经本人所在党委（党组）主要负责人签字"
    )


class EnquiryReportIn(Schema):
    report_text: str = Field(description="谈话函询情况报告")
    outcome: str = Field(description="处理意见", json_schema_extra=enum_doc(ENQUIRY_OUTCOMES))


class VerificationIn(Schema):
    leader_id: int | None = Field(default=None, description="核查组组长")
    team_ids: list[int] = Field(default_factory=list, description=f"核查组成员，最多{TEAM_MAX}人")
    plan: str = Field(description="初步核实方案")
    started_on: dt.date | None = None


class VerificationReportIn(Schema):
    report_text: str = Field(description="初步核实情况报告")
    outcome: str = Field(
        description="建议处理意见", json_schema_extra=enum_doc(VERIFICATION_OUTCOMES)
    )
    transfer_to: str = Field(
        default="",
        description="移送机关，不超过100字；建议移送有关机关（transfer）时必填，其他意见时忽略",
    )


class TransferReplyIn(Schema):
    replied_on: dt.date | None = Field(default=None, description="移送机关书面反馈的日期")
    reply: str = Field(default="", description="反馈情况（办理结果），至少4字")


class EnquiryOut(Schema):
    id: int
    lead_id: int
    round: int
    mode: str
    mode_display: str
    status: str
    status_display: str
    subject_is_party_head: bool
    plan: str
    talk_on: dt.date | None
    talk_place: str
    talkers: str
    talk_record: str
    explanation_requested: bool
    letter_sent_on: dt.date | None
    reply_on: dt.date | None
    reply_text: str
    countersigned: bool
    report_text: str
    outcome: str
    outcome_display: str


class MemberOut(Schema):
    id: int
    name: str


class VerificationOut(Schema):
    id: int
    lead_id: int
    status: str
    status_display: str
    leader: MemberOut
    team: list[MemberOut]
    plan: str
    started_on: dt.date
    months: int = Field(description="时限（月），开始时按本机关设置确定")
    report_text: str
    outcome: str
    outcome_display: str
    transfer_to: str = Field(description="移送机关（建议移送有关机关时）")


class TransferOut(Schema):
    lead_id: int
    status: str
    status_display: str
    transfer_to: str = Field(description="移送机关")
    transferred_on: dt.date | None = Field(description="移送日期（批准移送之日）")
    replied_on: dt.date | None = Field(description="转办反馈日期")
    reply: str = Field(description="转办反馈情况")


# -- helpers --------------------------------------------------------------------------------


def _outcome_display(code: str) -> str:
    return str(Outcome(code).label) if code else ""


def enquiry_out(e: Enquiry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "lead_id": e.lead_id,
        "round": e.round,
        "mode": e.mode,
        "mode_display": e.get_mode_display(),
        "status": e.status,
        "status_display": e.get_status_display(),
        "subject_is_party_head": e.subject_is_party_head,
        "plan": e.plan,
        "talk_on": e.talk_on,
        "talk_place": e.talk_place,
        "talkers": e.talkers,
        "talk_record": e.talk_record,
        "explanation_requested": e.explanation_requested,
        "letter_sent_on": e.letter_sent_on,
        "reply_on": e.reply_on,
        "reply_text": e.reply_text,
        "countersigned": e.countersigned,
        "report_text": e.report_text,
        "outcome": e.outcome,
        "outcome_display": _outcome_display(e.outcome),
    }


def _member(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "name": name_of(user)}


def verification_out(v: Verification) -> dict[str, Any]:
    """``v.team`` is read with ``.all()``: prefetch it for lists."""
    return {
        "id": v.pk,
        "lead_id": v.lead_id,
        "status": v.status,
        "status_display": v.get_status_display(),
        "leader": _member(v.leader),
        "team": [_member(u) for u in sorted(v.team.all(), key=lambda u: u.pk)],
        "plan": v.plan,
        "started_on": v.started_on,
        "months": v.months,
        "report_text": v.report_text,
        "outcome": v.outcome,
        "outcome_display": _outcome_display(v.outcome),
        "transfer_to": v.transfer_to,
    }


def transfer_out(lead: Lead) -> dict[str, Any]:
    return {
        "lead_id": lead.pk,
        "status": lead.status,
        "status_display": lead.get_status_display(),
        "transfer_to": handling.transfer_authority(lead),
        "transferred_on": lead.closed_on,
        "replied_on": lead.transfer_replied_on,
        "reply": lead.transfer_reply,
    }


def _enquiry_for(user: Any, enquiry_id: int) -> Enquiry:
    """The enquiry, through its lead in the caller's handling scope (else 404)."""
    return get_enquiry_for_user(user, enquiry_id, write=True)


def _verification_for(user: Any, verification_id: int) -> Verification:
    """The verification, through its lead in the caller's handling scope (else 404)."""
    return get_verification_for_user(user, verification_id, write=True)


def _members(
    lead: Lead, leader_id: int | None, team_ids: list[int]
) -> tuple[User | None, list[User]]:
    """The check team, each of whom may handle the lead. A user who may not answers like a
    missing one (no name is revealed to the caller)."""
    if len(team_ids) > TEAM_MAX:
        raise ValidationError({"team_ids": f"核查组成员最多{TEAM_MAX}人"})
    wanted = {pk for pk in (leader_id, *team_ids) if pk is not None}
    found = {u.pk: u for u in User.objects.filter(pk__in=wanted, is_active=True)}
    handlers = {pk: u for pk, u in found.items() if may_handle(u, lead)}
    leader = None
    if leader_id is not None:
        leader = handlers.get(leader_id)
        if leader is None:
            raise ValidationError({"leader_id": "核查组组长不存在或无权办理本线索"})
    team: list[User] = []
    for i, pk in enumerate(team_ids):
        member = handlers.get(pk)
        if member is None:
            raise ValidationError({"team_ids": f"第{i + 1}位核查组成员不存在或无权办理本线索"})
        team.append(member)
    return leader, team


def _enquiry_reply(user: Any, enquiry: Enquiry) -> dict[str, Any]:
    return enquiry_out(_enquiry_for(user, enquiry.pk))


# -- 谈话函询 -------------------------------------------------------------------------------


@router.post(
    "/leads/{int:lead_id}/enquiries",
    response={201: EnquiryOut},
    summary="谈话函询方案呈批（线索已批准谈话函询）",
)
def start_enquiry(request: HttpRequest, lead_id: int, payload: EnquiryIn) -> Status[dict[str, Any]]:
    user = caller(request)
    lead = get_lead_for_user(user, lead_id, write=True)
    with service_errors():
        enquiry = handling.start_enquiry(
            lead=lead,
            actor=user,
            mode=payload.mode,
            plan=payload.plan,
            subject_is_party_head=payload.subject_is_party_head,
            request=request,
        )
    return Status(201, _enquiry_reply(user, enquiry))


@router.post(
    "/enquiries/{int:enquiry_id}/talk",
    response=EnquiryOut,
    summary="记录谈话（谈话笔录；可要求作出书面说明）",
)
def record_talk(request: HttpRequest, enquiry_id: int, payload: TalkIn) -> dict[str, Any]:
    user = caller(request)
    enquiry = _enquiry_for(user, enquiry_id)
    with service_errors():
        handling.record_talk(
            enquiry=enquiry,
            actor=user,
            talk_on=payload.talk_on,
            talk_place=payload.talk_place,
            talkers=payload.talkers,
            talk_record=payload.talk_record,
            explanation_requested=payload.explanation_requested,
            request=request,
        )
    return _enquiry_reply(user, enquiry)


@router.post(
    "/enquiries/{int:enquiry_id}/letter",
    response=EnquiryOut,
    summary="发出函询通知书（15个工作日内回复）",
)
def send_letter(request: HttpRequest, enquiry_id: int, payload: LetterIn) -> dict[str, Any]:
    user = caller(request)
    enquiry = _enquiry_for(user, enquiry_id)
    with service_errors():
        handling.send_letter(
            enquiry=enquiry, actor=user, sent_on=payload.letter_sent_on, request=request
        )
    return _enquiry_reply(user, enquiry)


@router.post(
    "/enquiries/{int:enquiry_id}/reply",
    response=EnquiryOut,
    summary="登记书面回复（函询须经本人所在党委主要负责人签字）",
)
def record_reply(request: HttpRequest, enquiry_id: int, payload: ReplyIn) -> dict[str, Any]:
    user = caller(request)
    enquiry = _enquiry_for(user, enquiry_id)
    with service_errors():
        handling.record_reply(
            enquiry=enquiry,
            actor=user,
            reply_on=payload.reply_on,
            reply_text=payload.reply_text,
            countersigned=payload.countersigned,
            request=request,
        )
    return _enquiry_reply(user, enquiry)


@router.post(
    "/enquiries/{int:enquiry_id}/report",
    response={201: ApprovalSummaryOut},
    summary="谈话函询情况报告呈批（谈话或回复后1个月内）",
)
def submit_enquiry_report(
    request: HttpRequest, enquiry_id: int, payload: EnquiryReportIn
) -> Status[dict[str, Any]]:
    user = caller(request)
    enquiry = _enquiry_for(user, enquiry_id)
    with service_errors():
        approval = handling.submit_enquiry_report(
            enquiry=enquiry,
            actor=user,
            report_text=payload.report_text,
            outcome=payload.outcome,
            request=request,
        )
    return Status(201, approval_summary(approval))


# -- 初步核实 -------------------------------------------------------------------------------


@router.post(
    "/leads/{int:lead_id}/verification",
    response={201: VerificationOut},
    summary="开展初步核实（组成核查组；时限按本机关设置）",
)
def start_verification(
    request: HttpRequest, lead_id: int, payload: VerificationIn
) -> Status[dict[str, Any]]:
    user = caller(request)
    lead = get_lead_for_user(user, lead_id, write=True)
    leader, team = _members(lead, payload.leader_id, payload.team_ids)
    with service_errors(VERIFICATION_FIELDS):
        verification = handling.start_verification(
            lead=lead,
            actor=user,
            leader=leader,
            team=team,
            plan=payload.plan,
            started_on=payload.started_on,
            request=request,
        )
    return Status(201, verification_out(_verification_for(user, verification.pk)))


@router.post(
    "/verifications/{int:verification_id}/report",
    response={201: ApprovalSummaryOut},
    summary="初步核实情况报告呈批（核查组成员提交）",
)
def submit_verification_report(
    request: HttpRequest, verification_id: int, payload: VerificationReportIn
) -> Status[dict[str, Any]]:
    user = caller(request)
    verification = _verification_for(user, verification_id)
    with service_errors():
        approval = handling.submit_verification_report(
            verification=verification,
            actor=user,
            report_text=payload.report_text,
            outcome=payload.outcome,
            transfer_to=payload.transfer_to,
            request=request,
        )
    return Status(201, approval_summary(approval))


# -- 移送有关机关 ---------------------------------------------------------------------------


@router.post(
    "/leads/{int:lead_id}/transfer-reply",
    response=TransferOut,
    summary="登记转办反馈（移送机关对问题转办单的书面反馈，1个月内）",
)
def record_transfer_reply(
    request: HttpRequest, lead_id: int, payload: TransferReplyIn
) -> dict[str, Any]:
    user = caller(request)
    lead = get_lead_for_user(user, lead_id, write=True)
    with service_errors():
        lead = handling.record_transfer_reply(
            lead=lead,
            actor=user,
            replied_on=payload.replied_on,
            reply=payload.reply,
            request=request,
        )
    return transfer_out(lead)
