"""The handling steps of a lead, each a small form posting to its own URL: 处置呈批,
谈话函询 (plan, talk, letter, reply, report), 初步核实 (start, report) and the reply to a
问题转办单.

Each view reads the lead with ``write=True`` (404 when the user may not handle it, exactly
like a missing lead), hands the input to its service and redirects back to the lead file
with a message; a ``ValidationError`` goes onto the form field it names and the lead file
is shown again with the input kept (status 400). A ``PermissionDenied`` from a service
(e.g. a report by someone outside the check team) answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from qingfeng.approvals.services import MeetingInput
from qingfeng.cases import handling, services
from qingfeng.cases.forms import (
    EnquiryReportForm,
    EnquiryStartForm,
    LetterForm,
    ProposeForm,
    ReplyForm,
    TalkForm,
    TransferReplyForm,
    VerificationReportForm,
    VerificationStartForm,
)
from qingfeng.cases.models import Enquiry, Lead, Verification
from qingfeng.cases.selectors import (
    get_enquiry_for_user,
    get_lead_for_user,
    get_verification_for_user,
)
from qingfeng.cases.views import render_detail
from qingfeng.core.forms import StyledForm, apply_service_errors


def _step(
    request: HttpRequest,
    lead: Lead,
    key: str,
    form: StyledForm,
    run: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """Validate ``form``, run the service; success → message and back to the lead file."""
    if form.is_valid():
        try:
            done = run(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("cases:detail", pk=lead.pk)
    return render_detail(request, lead, bound={key: form}, status=400)


def _enquiry(request: HttpRequest, lead: Lead, enquiry_id: int) -> Enquiry:
    enquiry = get_enquiry_for_user(request.user, enquiry_id, lead_pk=lead.pk, write=True)
    enquiry.lead = lead
    return enquiry


def _verification(request: HttpRequest, lead: Lead, verification_id: int) -> Verification:
    verification = get_verification_for_user(
        request.user, verification_id, lead_pk=lead.pk, write=True
    )
    verification.lead = lead
    return verification


@login_required
@require_POST
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    """处置呈批: one of the four ways, with the collective decision (DOMAIN.md §3)."""
    lead = get_lead_for_user(request.user, pk, write=True)

    def run(d: dict[str, Any]) -> str:
        approval = services.propose_disposal(
            lead=lead,
            actor=request.user,
            way=d["way"],
            proposal=d["proposal"],
            meeting=MeetingInput(
                kind=d["meeting_kind"],
                held_on=d["meeting_held_on"],
                participants=d["meeting_participants"],
                conclusion=d["meeting_conclusion"],
            ),
            request=request,
        )
        return f"已提交处置呈批 {approval.number}，待审批。"

    return _step(request, lead, "propose", ProposeForm(request.POST, prefix="propose"), run)


@login_required
@require_POST
def enquiry_start(request: HttpRequest, pk: int) -> HttpResponse:
    """谈话函询方案呈批 for a new round."""
    lead = get_lead_for_user(request.user, pk, write=True)

    def run(d: dict[str, Any]) -> str:
        enquiry = handling.start_enquiry(
            lead=lead,
            actor=request.user,
            mode=d["mode"],
            plan=d["plan"],
            subject_is_party_head=d["subject_is_party_head"],
            request=request,
        )
        return f"已提交第{enquiry.round}次{enquiry.get_mode_display()}方案呈批，待审批。"

    form = EnquiryStartForm(request.POST, prefix="enquiry_start")
    return _step(request, lead, "enquiry_start", form, run)


@login_required
@require_POST
def enquiry_talk(request: HttpRequest, pk: int, enquiry_id: int) -> HttpResponse:
    """记录谈话 (谈话笔录), optionally asking for a written explanation."""
    lead = get_lead_for_user(request.user, pk, write=True)
    enquiry = _enquiry(request, lead, enquiry_id)

    def run(d: dict[str, Any]) -> str:
        handling.record_talk(
            enquiry=enquiry,
            actor=request.user,
            talk_on=d["talk_on"],
            talk_place=d["talk_place"],
            talkers=d["talkers"],
            talk_record=d["talk_record"],
            explanation_requested=d["explanation_requested"],
            request=request,
        )
        return "已记录谈话。"

    return _step(request, lead, "enquiry_talk", TalkForm(request.POST, prefix="enquiry_talk"), run)


@login_required
@require_POST
def enquiry_letter(request: HttpRequest, pk: int, enquiry_id: int) -> HttpResponse:
    """发出函询通知书: the 15-working-day reply clock starts."""
    lead = get_lead_for_user(request.user, pk, write=True)
    enquiry = _enquiry(request, lead, enquiry_id)

    def run(d: dict[str, Any]) -> str:
        handling.send_letter(
            enquiry=enquiry, actor=request.user, sent_on=d["letter_sent_on"], request=request
        )
        return "已登记发函，回复时限开始计算。"

    form = LetterForm(request.POST, prefix="enquiry_letter")
    return _step(request, lead, "enquiry_letter", form, run)


@login_required
@require_POST
def enquiry_reply(request: HttpRequest, pk: int, enquiry_id: int) -> HttpResponse:
    """登记 the written reply or explanation; the 1-month report clock starts."""
    lead = get_lead_for_user(request.user, pk, write=True)
    enquiry = _enquiry(request, lead, enquiry_id)

    def run(d: dict[str, Any]) -> str:
        handling.record_reply(
            enquiry=enquiry,
            actor=request.user,
            reply_on=d["reply_on"],
            reply_text=d["reply_text"],
            countersigned=d["countersigned"],
            request=request,
        )
        return "已登记书面回复，请在1个月内报送谈话函询情况报告。"

    form = ReplyForm(request.POST, prefix="enquiry_reply")
    return _step(request, lead, "enquiry_reply", form, run)


@login_required
@require_POST
def enquiry_report(request: HttpRequest, pk: int, enquiry_id: int) -> HttpResponse:
    """谈话函询情况报告 with its proposed outcome, for approval."""
    lead = get_lead_for_user(request.user, pk, write=True)
    enquiry = _enquiry(request, lead, enquiry_id)

    def run(d: dict[str, Any]) -> str:
        approval = handling.submit_enquiry_report(
            enquiry=enquiry,
            actor=request.user,
            report_text=d["report_text"],
            outcome=d["outcome"],
            request=request,
        )
        return f"已提交谈话函询情况报告 {approval.number}，待审批。"

    form = EnquiryReportForm(request.POST, prefix="enquiry_report")
    return _step(request, lead, "enquiry_report", form, run)


@login_required
@require_POST
def verification_start(request: HttpRequest, pk: int) -> HttpResponse:
    """开展初步核实: the check team, the plan and the body's local time limit."""
    lead = get_lead_for_user(request.user, pk, write=True)

    def run(d: dict[str, Any]) -> str:
        verification = handling.start_verification(
            lead=lead,
            actor=request.user,
            leader=d["leader"],
            team=list(d["team"]),
            plan=d["plan"],
            started_on=d["started_on"],
            request=request,
        )
        return f"已开展初步核实，时限{verification.months}个月。"

    form = VerificationStartForm(request.POST, prefix="verification_start", lead=lead)
    return _step(request, lead, "verification_start", form, run)


@login_required
@require_POST
def verification_report(request: HttpRequest, pk: int, verification_id: int) -> HttpResponse:
    """初步核实情况报告 with its proposed outcome, for the body's head to approve."""
    lead = get_lead_for_user(request.user, pk, write=True)
    verification = _verification(request, lead, verification_id)

    def run(d: dict[str, Any]) -> str:
        approval = handling.submit_verification_report(
            verification=verification,
            actor=request.user,
            report_text=d["report_text"],
            outcome=d["outcome"],
            transfer_to=d["transfer_to"],
            request=request,
        )
        return f"已提交初步核实情况报告 {approval.number}，待审批。"

    form = VerificationReportForm(request.POST, prefix="verification_report")
    return _step(request, lead, "verification_report", form, run)


@login_required
@require_POST
def transfer_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """登记转办反馈: the written reply of the authority the lead was transferred to."""
    lead = get_lead_for_user(request.user, pk, write=True)

    def run(d: dict[str, Any]) -> str:
        handling.record_transfer_reply(
            lead=lead,
            actor=request.user,
            replied_on=d["replied_on"],
            reply=d["reply"],
            request=request,
        )
        return "已登记转办反馈。"

    form = TransferReplyForm(request.POST, prefix="transfer_reply")
    return _step(request, lead, "transfer_reply", form, run)
